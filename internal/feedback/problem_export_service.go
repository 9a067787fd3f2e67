package feedback

import (
	"context"
	"fmt"
	"strings"
)

// MaxProblemExportRows bounds a problem view's export: far more problems
// than an office tracks at once, and a file that still opens at once.
const MaxProblemExportRows = 5000

// ProblemExport is what a problem view's export is made of: the problems
// the filter selects, as the caller may see them, in list order (oldest
// first), the titles of their lists, and the view's description.
type ProblemExport struct {
	// View says in words what the filter selects, e.g. 逾期、督办;
	// 全部问题 for none.
	View     string
	Problems []*Problem
	lists    map[string]string
}

// ListTitle is the title of the problem list with the given ID.
func (e *ProblemExport) ListTitle(id string) string { return e.lists[id] }

// ExportProblems reads every problem f selects (Limit and Cursor are
// ignored), under the same access rules as ListProblems, for a file of
// exactly what the view shows. More than MaxProblemExportRows is EInvalid,
// asking for a narrower view.
func (s *Service) ExportProblems(ctx context.Context, id Identity, f ProblemFilter) (*ProblemExport, error) {
	e := &ProblemExport{lists: map[string]string{}}
	f.Cursor, f.Limit = "", MaxListLimit
	for {
		page, err := s.ListProblems(ctx, id, f)
		if err != nil {
			return nil, err
		}
		e.Problems = append(e.Problems, page.Items...)
		if len(e.Problems) > MaxProblemExportRows {
			return nil, Errorf(EInvalid, "符合条件的问题超过 %d 个,请缩小筛选范围后再导出", MaxProblemExportRows)
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	for _, p := range e.Problems {
		if _, ok := e.lists[p.ProblemListID]; ok {
			continue
		}
		title := ""
		if l, err := s.store.GetProblemList(ctx, p.ProblemListID); err == nil {
			title = l.Title
		} else if !IsCode(err, ENotFound) {
			return nil, fmt.Errorf("export problems: list %s: %w", p.ProblemListID, err)
		}
		e.lists[p.ProblemListID] = title
	}
	e.View = s.describeProblemFilter(ctx, f)
	return e, nil
}

// describeProblemFilter says what f selects in the console's words.
func (s *Service) describeProblemFilter(ctx context.Context, f ProblemFilter) string {
	var parts []string
	if f.ProblemListID != "" {
		title := "未知清单"
		if l, err := s.store.GetProblemList(ctx, f.ProblemListID); err == nil {
			title = l.Title
		}
		parts = append(parts, "清单「"+title+"」")
	}
	if f.Unit != "" {
		parts = append(parts, "单位「"+f.Unit+"」")
	}
	if f.Status != "" {
		parts = append(parts, f.Status.Label())
	}
	if f.OverdueOn != "" {
		parts = append(parts, "逾期")
	}
	if f.LookbackDueOn != "" {
		parts = append(parts, "待回头看")
	}
	if f.Supervised {
		parts = append(parts, "督办")
	}
	if f.ExtensionPending {
		parts = append(parts, "延期待审批")
	}
	if len(parts) == 0 {
		return "全部问题"
	}
	return strings.Join(parts, "、")
}
