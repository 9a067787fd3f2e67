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

// ExportRequest is what a caller asks to export.
type ExportRequest struct {
	// Format is the file kind, e.g. "suggestions.csv"; its extension goes
	// into the audit trail.
	Format string
	// Filter selects the suggestions, as for a list; Limit and Cursor are
	// ignored.
	Filter SuggestionFilter
}

// SuggestionExport is what an export file is rendered from: the suggestions
// the filter selects (newest first, the list order) as the caller may see
// them, and the titles people read in place of the IDs the suggestions
// refer to.
type SuggestionExport struct {
	Suggestions []*Suggestion
	symposia    map[string]string // symposium ID → title
	lists       map[string]string // problem list ID → title
}

// SymposiumTitle is the title of the symposium with the given ID, "" for
// none.
func (e *SuggestionExport) SymposiumTitle(id string) string { return e.symposia[id] }

// ProblemListTitle is the title of the problem list with the given ID, ""
// for none.
func (e *SuggestionExport) ProblemListTitle(id string) string { return e.lists[id] }

// ExportSuggestions exports the suggestions req selects as one file: it
// collects them as the caller may see them (unit accounts get names and
// contacts masked) with the titles they refer to, has render turn them into
// the file, and — for an export with contacts unmasked — records the audit
// event before it hands the file back. The caller must send nothing but the
// returned file, and nothing when an error is returned: personal data
// leaves the system only on the record. More than MaxExportRows is refused
// (EInvalid: narrow the filter); an error from render (a file too large,
// say) is returned as it is, with nothing recorded.
func (s *Service) ExportSuggestions(ctx context.Context, id Identity, req ExportRequest, render func(*SuggestionExport) ([]byte, error)) ([]byte, error) {
	sgs, err := s.exportRows(ctx, id, req.Filter)
	if err != nil {
		return nil, err
	}
	e := &SuggestionExport{Suggestions: sgs, symposia: map[string]string{}, lists: map[string]string{}}
	if err := s.exportTitles(ctx, e); err != nil {
		return nil, err
	}
	body, err := render(e)
	if err != nil {
		return nil, err
	}
	if err := s.recordExport(ctx, id, req, len(sgs)); err != nil {
		return nil, err
	}
	return body, nil
}

// exportRows lists every suggestion f selects, as id may see them.
func (s *Service) exportRows(ctx context.Context, id Identity, f SuggestionFilter) ([]*Suggestion, error) {
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
			return nil, Errorf(EInvalid, "导出超过 %d 条,请缩小筛选范围", MaxExportRows)
		}
		if page.NextCursor == "" {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}

// exportTitles looks up, once each, the titles of the symposia and problem
// lists e's suggestions refer to. Symposia and lists are never deleted; a
// reference to one that cannot be found is logged and left blank rather
// than printed as an ID where a title belongs.
func (s *Service) exportTitles(ctx context.Context, e *SuggestionExport) error {
	for _, sg := range e.Suggestions {
		if id := sg.SymposiumID; id != "" {
			if _, ok := e.symposia[id]; !ok {
				sym, err := s.store.GetSymposium(ctx, id)
				switch {
				case err == nil:
					e.symposia[id] = sym.Title
				case IsCode(err, ENotFound):
					s.log.WarnContext(ctx, "export: suggestion's symposium not found", "suggestion_id", sg.ID, "symposium_id", id)
					e.symposia[id] = ""
				default:
					return fmt.Errorf("export suggestions: symposium %s: %w", id, err)
				}
			}
		}
		if id := sg.ProblemListID; id != "" {
			if _, ok := e.lists[id]; !ok {
				title := TriageListTitle
				if id != TriageListID {
					l, err := s.store.GetProblemList(ctx, id)
					switch {
					case err == nil:
						title = l.Title
					case IsCode(err, ENotFound):
						s.log.WarnContext(ctx, "export: suggestion's problem list not found", "suggestion_id", sg.ID, "problem_list_id", id)
						title = ""
					default:
						return fmt.Errorf("export suggestions: problem list %s: %w", id, err)
					}
				}
				e.lists[id] = title
			}
		}
	}
	return nil
}

// recordExport records an export of rows suggestions for id. An export
// with contacts unmasked (admin and staff) is personal data leaving the
// system: it becomes an audit event (ActionExport), and the file is not
// handed out if that record cannot be written. Masked exports (unit
// accounts) record nothing. The event says who, when, which format, which
// filter and how many rows; never the rows themselves nor the search text
// (which may be a name).
func (s *Service) recordExport(ctx context.Context, id Identity, req ExportRequest, rows int) error {
	if !id.CanSeeContacts() {
		return nil
	}
	now := s.now()
	ev := &AuditEvent{
		ID:     NewID(now),
		Actor:  actorName(id),
		At:     now,
		Action: ActionExport,
		Note:   s.exportNote(ctx, req, rows),
	}
	if err := s.store.AppendAuditEvent(ctx, ev); err != nil {
		return fmt.Errorf("record export %s: %w", req.Format, err)
	}
	s.log.InfoContext(ctx, "unmasked export", "format", req.Format, "rows", rows, "by", ev.Actor, "audit_event", ev.ID)
	return nil
}

// exportNote describes an export for its audit event, in the words of the
// console: the format, the filter and the row count, naming symposia,
// lists and problems by their titles. It holds no personal data: a search
// text (which may be a name) is noted only as present.
func (s *Service) exportNote(ctx context.Context, req ExportRequest, rows int) string {
	f := req.Filter
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+"「"+v+"」")
		}
	}
	if f.SymposiumID != "" {
		title := "未知"
		if sym, err := s.store.GetSymposium(ctx, f.SymposiumID); err == nil {
			title = sym.Title
		}
		add("座谈会", title)
	}
	add("参会身份", f.ParticipantKind.Label())
	add("类别", f.Kind.Label())
	switch {
	case f.Status == SuggestionRouted && f.ProblemListID == TriageListID:
		add("状态", TriageLabel)
	default:
		add("状态", f.Status.Label())
	}
	if f.ProblemListID != "" {
		title := TriageListTitle
		if f.ProblemListID != TriageListID {
			title = "未知"
			if l, err := s.store.GetProblemList(ctx, f.ProblemListID); err == nil {
				title = l.Title
			}
		}
		add("问题清单", title)
	}
	if f.ProblemID != "" {
		title := "未知"
		if p, err := s.store.GetProblem(ctx, f.ProblemID); err == nil {
			title = p.Title
		}
		add("问题", title)
	}
	add("提交渠道", f.Channel.Label())
	if !f.From.IsZero() {
		add("起始日期", string(DateOf(f.From)))
	}
	if !f.To.IsZero() {
		// To is exclusive (the day after the last one asked for).
		add("截止日期", string(DateOf(f.To).AddDays(-1)))
	}
	if f.Query != "" {
		parts = append(parts, "含搜索条件")
	}
	filter := "全部意见建议"
	if len(parts) > 0 {
		filter = strings.Join(parts, "、")
	}
	format := strings.ToUpper(req.Format[strings.LastIndexByte(req.Format, '.')+1:])
	return fmt.Sprintf("导出意见建议(%s,含姓名和联系方式):%s;共 %d 条", format, filter, rows)
}
