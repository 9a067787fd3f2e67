package feedback_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// exportEvents lists the audit events that belong to no problem: the
// exports.
func exportEvents(tb testing.TB, f *fixture) []*feedback.AuditEvent {
	tb.Helper()
	page, err := f.store.ListAuditEvents(context.Background(), "", feedback.MaxListLimit, "")
	if err != nil {
		tb.Fatalf("list audit events: %v", err)
	}
	return page.Items
}

func TestExportSuggestions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.list(t, "涉企乱罚款问题清单")
	f.rules(t, feedback.RoutingRule{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: l.ID})
	routed := f.submitRouted(t, feedback.Enterprise, "罚款标准", "同类违法行为罚款金额差别很大。")
	triaged := f.submitRouted(t, feedback.Public, "执法证件", "检查时未出示执法证件。")
	req := feedback.ExportRequest{Format: "suggestions.csv"}

	t.Run("titles in place of IDs, audit after the rows", func(t *testing.T) {
		var got []*feedback.Suggestion
		var e *feedback.SuggestionExport
		n, err := f.svc.ExportSuggestions(ctx, f.staff, req, func(ex *feedback.SuggestionExport, sg *feedback.Suggestion) error {
			e = ex
			got = append(got, sg)
			if n := len(exportEvents(t, f)); n != 0 {
				t.Errorf("%d audit events while rendering, want none yet", n)
			}
			return nil
		})
		if err != nil || n != 2 {
			t.Fatalf("export: %d rows, %v", n, err)
		}
		if len(got) != 2 || got[0].ID != triaged.ID || got[1].ID != routed.ID {
			t.Fatalf("exported %d suggestions, want the two, newest first", len(got))
		}
		for _, tt := range []struct{ what, got, want string }{
			{"symposium", e.SymposiumTitle(routed.SymposiumID), f.sym.Title},
			{"routed list", e.ProblemListTitle(routed.ProblemListID), l.Title},
			{"triage list", e.ProblemListTitle(triaged.ProblemListID), feedback.TriageListTitle},
			{"contact", got[1].Contact, "13800138000"},
		} {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.what, tt.got, tt.want)
			}
		}
		evs := exportEvents(t, f)
		if len(evs) != 1 || evs[0].Action != feedback.ActionExport || evs[0].Actor != f.staff.Name || !strings.Contains(evs[0].Note, "2") {
			t.Fatalf("audit events after an unmasked export = %+v, want one export event by %s", evs, f.staff.Name)
		}
	})
	t.Run("a failed rendering records nothing", func(t *testing.T) {
		before := len(exportEvents(t, f))
		diskFull := errors.New("no space left on device")
		_, err := f.svc.ExportSuggestions(ctx, f.admin, req, func(*feedback.SuggestionExport, *feedback.Suggestion) error { return diskFull })
		if !errors.Is(err, diskFull) {
			t.Fatalf("export with a failing row: %v, want the row's error", err)
		}
		if n := len(exportEvents(t, f)); n != before {
			t.Errorf("audit events = %d after a failed export, want %d", n, before)
		}
	})
	t.Run("past the caller's deadline: unavailable, nothing recorded", func(t *testing.T) {
		before := len(exportEvents(t, f))
		cctx, cancel := context.WithCancel(ctx)
		_, err := f.svc.ExportSuggestions(cctx, f.admin, req, func(*feedback.SuggestionExport, *feedback.Suggestion) error {
			cancel() // the deadline passes while the rows are written
			return nil
		})
		if !feedback.IsCode(err, feedback.EUnavailable) {
			t.Fatalf("export past its deadline = %v, want unavailable", err)
		}
		if n := len(exportEvents(t, f)); n != before {
			t.Errorf("audit events = %d after a cancelled export, want %d", n, before)
		}
	})
	t.Run("a unit's export is masked and not recorded", func(t *testing.T) {
		before := len(exportEvents(t, f))
		// A unit exports the suggestions behind one of its problems only.
		if _, err := f.svc.ExportSuggestions(ctx, f.unit, req, func(*feedback.SuggestionExport, *feedback.Suggestion) error { return nil }); feedback.ErrorCode(err) != feedback.EForbidden {
			t.Errorf("a unit exporting every suggestion: %v, want forbidden", err)
		}
		p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{SuggestionIDs: []string{routed.ID}, ResponsibleUnit: unitMarket})
		if err != nil {
			t.Fatal(err)
		}
		req := req
		req.Filter.ProblemID = p.ID
		var got []*feedback.Suggestion
		_, err = f.svc.ExportSuggestions(ctx, f.unit, req, func(_ *feedback.SuggestionExport, sg *feedback.Suggestion) error {
			got = append(got, sg)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, sg := range got {
			if sg.Contact != feedback.MaskContact("13800138000") || sg.Name != feedback.MaskName("陈先生") {
				t.Errorf("unit export shows %q/%q, want masked", sg.Name, sg.Contact)
			}
		}
		if n := len(exportEvents(t, f)); n != before {
			t.Errorf("audit events = %d after a masked export, want %d", n, before)
		}
	})
}
