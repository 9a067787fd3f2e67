package feedback

import (
	"context"
	"fmt"
	"strings"
)

// MaxExportRows bounds one export. An office's year is a few hundred
// suggestions; the bound keeps a runaway filter from building a file larger
// than a Lambda response may carry (6 MB).
const MaxExportRows = 10000

// ExportRequest names what is exported, for the audit trail.
type ExportRequest struct {
	// Format is the file kind, e.g. "suggestions.csv".
	Format string
	Filter SuggestionFilter
}

// ExportSuggestions returns every suggestion the filter selects (newest
// first, the list order), as the caller may see them: unit accounts get
// names and contacts masked. More than MaxExportRows is refused (EInvalid:
// narrow the filter). Limit and Cursor of the filter are ignored. Callers
// that hand the rows out call RecordExport first.
func (s *Service) ExportSuggestions(ctx context.Context, id Identity, f SuggestionFilter) ([]*Suggestion, error) {
	f.Cursor = ""
	f.Limit = MaxListLimit
	var out []*Suggestion
	for {
		page, err := s.ListSuggestions(ctx, id, f)
		if err != nil {
			return nil, fmt.Errorf("export suggestions: %w", err)
		}
		out = append(out, page.Items...)
		if len(out) > MaxExportRows {
			return nil, Errorf(EInvalid, "导出超过 %d 条,请缩小筛选范围 (more than %d rows: narrow the filter)", MaxExportRows, MaxExportRows)
		}
		if page.NextCursor == "" {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}

// RecordExport records an export of rows suggestions for id. An export
// with contacts unmasked (admin and staff) is personal data leaving the
// system: it becomes an audit event (ActionExport), and the caller must not
// hand the file out if that record cannot be written. Masked exports (unit
// accounts) record nothing. The event says who, when, which format, which
// filter and how many rows; never the rows themselves nor the search text
// (which may be a name).
func (s *Service) RecordExport(ctx context.Context, id Identity, req ExportRequest, rows int) error {
	if !id.CanSeeContacts() {
		return nil
	}
	now := s.now()
	ev := &AuditEvent{
		ID:     NewID(now),
		Actor:  actorName(id),
		At:     now,
		Action: ActionExport,
		Note:   ExportNote(req, rows),
	}
	if err := s.store.AppendAuditEvent(ctx, ev); err != nil {
		return fmt.Errorf("record export %s: %w", req.Format, err)
	}
	s.log.InfoContext(ctx, "unmasked export", "format", req.Format, "rows", rows, "by", ev.Actor, "audit_event", ev.ID)
	return nil
}

// ExportNote describes an export for its audit event: the format, the
// filter and the row count, without personal data. A search text is noted
// only as present.
func ExportNote(req ExportRequest, rows int) string {
	f := req.Filter
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("symposium_id", f.SymposiumID)
	add("participant_kind", string(f.ParticipantKind))
	add("kind", string(f.Kind))
	add("status", string(f.Status))
	add("problem_list_id", f.ProblemListID)
	add("problem_id", f.ProblemID)
	add("channel", string(f.Channel))
	if f.Query != "" {
		parts = append(parts, "q=(search text)")
	}
	if !f.From.IsZero() {
		add("from", string(DateOf(f.From)))
	}
	if !f.To.IsZero() {
		// To is exclusive (the day after the last one asked for).
		add("to", string(DateOf(f.To).AddDays(-1)))
	}
	filter := "all suggestions"
	if len(parts) > 0 {
		filter = strings.Join(parts, " ")
	}
	return fmt.Sprintf("export %s unmasked: %s; %d rows", req.Format, filter, rows)
}
