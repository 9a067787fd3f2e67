package feedback

import (
	"context"
	"fmt"
	"strings"
)

// ExportRequest is what a caller asks to export.
type ExportRequest struct {
	// Format is the file kind, e.g. "suggestions.csv"; its extension goes
	// into the audit trail.
	Format string
	// Filter selects the suggestions, as for a list; Limit and Cursor are
	// ignored.
	Filter SuggestionFilter
}

// SuggestionExport is what the rows of an export file are rendered with:
// the titles people read in place of the IDs the suggestions refer to.
type SuggestionExport struct {
	symposia map[string]string // symposium ID → title
	lists    map[string]string // problem list ID → title
}

// SymposiumTitle is the title of the symposium with the given ID, "" for
// none.
func (e *SuggestionExport) SymposiumTitle(id string) string { return e.symposia[id] }

// ProblemListTitle is the title of the problem list with the given ID, ""
// for none.
func (e *SuggestionExport) ProblemListTitle(id string) string { return e.lists[id] }

// ExportSuggestions exports the suggestions req selects, however many: it
// pages through them (newest first, the list order) as the caller may see
// them (unit accounts get names and contacts masked) and hands each to row
// with the titles it refers to, so the caller builds the file as it goes
// and memory stays within a page; then — for an export with contacts
// unmasked — it records the audit event, and returns the number of rows.
// The caller must keep the file to itself until ExportSuggestions has
// returned without error, and then send nothing but that file: personal
// data leaves the system only on the record. An error from row (a disk
// full, say) is returned as it is, with nothing recorded; so is a
// cancelled ctx (a caller's deadline), as EUnavailable asking for a
// narrower filter.
func (s *Service) ExportSuggestions(ctx context.Context, id Identity, req ExportRequest, row func(e *SuggestionExport, sg *Suggestion) error) (int, error) {
	e := &SuggestionExport{symposia: map[string]string{}, lists: map[string]string{}}
	f := req.Filter
	f.Cursor = ""
	f.Limit = MaxListLimit
	n := 0
	late := func(err error) error {
		return &Error{Code: EUnavailable, Message: "导出的内容太多,未能及时完成,请缩小筛选范围后再导出", Err: err}
	}
	for {
		page, err := s.ListSuggestions(ctx, id, f)
		if err != nil {
			if ctx.Err() != nil {
				return 0, late(err)
			}
			return 0, fmt.Errorf("export suggestions: %w", err)
		}
		if err := s.exportTitles(ctx, e, page.Items); err != nil {
			return 0, err
		}
		for _, sg := range page.Items {
			if err := row(e, sg); err != nil {
				return 0, err
			}
		}
		n += len(page.Items)
		if err := ctx.Err(); err != nil {
			return 0, late(err)
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if err := s.recordExport(ctx, id, req, n); err != nil {
		return 0, err
	}
	return n, nil
}

// exportTitles looks up, once each, the titles of the symposia and problem
// lists sgs refer to that e does not know yet. Symposia and lists are never
// deleted; a reference to one that cannot be found is logged and left
// blank rather than printed as an ID where a title belongs.
func (s *Service) exportTitles(ctx context.Context, e *SuggestionExport, sgs []*Suggestion) error {
	for _, sg := range sgs {
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
