package feedback_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// lifecycle is docs/design.md's rectification lifecycle, written out here
// independently of the domain's table:
//
//	open → rectifying → rectified → verified
//	rectified → reopened → rectifying
//	verified → reopened
//	open|rectifying → long_term → rectifying|rectified
var lifecycle = map[feedback.ProblemStatus][]feedback.ProblemStatus{
	feedback.ProblemOpen:       {feedback.ProblemRectifying, feedback.ProblemLongTerm},
	feedback.ProblemRectifying: {feedback.ProblemRectified, feedback.ProblemLongTerm},
	feedback.ProblemRectified:  {feedback.ProblemVerified, feedback.ProblemReopened},
	feedback.ProblemReopened:   {feedback.ProblemRectifying},
	feedback.ProblemLongTerm:   {feedback.ProblemRectifying, feedback.ProblemRectified},
	feedback.ProblemVerified:   {feedback.ProblemReopened},
}

// pathTo is a sequence of allowed transitions from open to each status.
var pathTo = map[feedback.ProblemStatus][]feedback.ProblemStatus{
	feedback.ProblemOpen:       {},
	feedback.ProblemRectifying: {feedback.ProblemRectifying},
	feedback.ProblemRectified:  {feedback.ProblemRectifying, feedback.ProblemRectified},
	feedback.ProblemVerified:   {feedback.ProblemRectifying, feedback.ProblemRectified, feedback.ProblemVerified},
	feedback.ProblemReopened:   {feedback.ProblemRectifying, feedback.ProblemRectified, feedback.ProblemReopened},
	feedback.ProblemLongTerm:   {feedback.ProblemLongTerm},
}

// transition builds a valid request to move to st.
func transition(st feedback.ProblemStatus, note string) feedback.Transition {
	t := feedback.Transition{To: st, Note: note, Evidence: "整改台账第3页"}
	if st == feedback.ProblemReopened {
		t.NewDeadline = "2025-06-30"
	}
	return t
}

// newProblem creates an open problem in a fresh list, led by unitMarket.
func (f *fixture) newProblem(tb testing.TB, title string) *feedback.Problem {
	tb.Helper()
	l := f.list(tb, "涉企乱罚款问题清单")
	p, err := f.svc.CreateProblem(context.Background(), f.staff, feedback.ProblemInput{
		ProblemListID: l.ID, Title: title, ResponsibleUnit: unitMarket, ResponsiblePerson: "王局长",
		Requirement: "建立首违不罚清单并公示", Deadline: "2025-03-31",
	})
	if err != nil {
		tb.Fatalf("create problem: %v", err)
	}
	return p
}

func TestTransitionProblemEveryPair(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for _, from := range feedback.ProblemStatuses {
		for _, to := range feedback.ProblemStatuses {
			t.Run(fmt.Sprintf("%s→%s", from, to), func(t *testing.T) {
				p := f.newProblem(t, "门前三包执法简单以罚代管")
				for _, st := range pathTo[from] {
					if _, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, transition(st, "")); err != nil {
						t.Fatalf("reaching %s via %s: %v", from, st, err)
					}
				}
				before := f.problem(t, p.ID)
				events := len(f.history(t, p.ID))
				got, err := f.svc.TransitionProblem(ctx, f.admin, p.ID, transition(to, "督察组现场核查"))

				if !slices.Contains(lifecycle[from], to) {
					wantCode(t, err, feedback.EConflict)
					after := f.problem(t, p.ID)
					if after.Status != from || after.Version != before.Version {
						t.Errorf("refused transition wrote: status %q version %d → %d", after.Status, before.Version, after.Version)
					}
					if n := len(f.history(t, p.ID)); n != events {
						t.Errorf("refused transition added %d audit events", n-events)
					}
					return
				}
				if err != nil {
					t.Fatalf("allowed transition: %v", err)
				}
				stored := f.problem(t, p.ID)
				if got.Status != to || stored.Status != to {
					t.Errorf("status = %q (stored %q), want %q", got.Status, stored.Status, to)
				}
				h := f.history(t, p.ID)
				if len(h) != events+1 {
					t.Fatalf("history has %d events, want %d", len(h), events+1)
				}
				ev := h[len(h)-1]
				if ev.From != string(from) || ev.To != string(to) || ev.Actor != f.admin.Name ||
					ev.Note != "督察组现场核查" || ev.Evidence != "整改台账第3页" || ev.ProblemID != p.ID {
					t.Errorf("audit event = %+v, want %s→%s by %s with note and evidence", ev, from, to, f.admin.Name)
				}
				switch to {
				case feedback.ProblemRectified:
					if want := f.today().AddDays(feedback.DefaultLookbackDays); stored.LookbackDue != want {
						t.Errorf("lookback due = %q, want %q", stored.LookbackDue, want)
					}
				case feedback.ProblemReopened:
					if stored.Relapses != before.Relapses+1 || stored.Deadline != "2025-06-30" {
						t.Errorf("reopened: relapses %d deadline %q, want %d and 2025-06-30", stored.Relapses, stored.Deadline, before.Relapses+1)
					}
					want := feedback.ActionLookbackFailed
					if from == feedback.ProblemVerified {
						want = feedback.ActionRelapse
					}
					if ev.Action != want {
						t.Errorf("action = %q, want %q", ev.Action, want)
					}
				}
			})
		}
	}
}

func TestReopenNeedsNewDeadline(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.newProblem(t, "案卷评查发现处罚裁量不规范")
	for _, st := range pathTo[feedback.ProblemRectified] {
		if _, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, transition(st, "")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, feedback.Transition{To: feedback.ProblemReopened, Note: "回头看发现问题反弹"})
	wantCode(t, err, feedback.EInvalid)
	if got := feedback.ErrorField(err); got != "deadline" {
		t.Errorf("field = %q, want deadline", got)
	}
	if got := f.problem(t, p.ID).Status; got != feedback.ProblemRectified {
		t.Errorf("status = %q, want still rectified", got)
	}
}

func TestCreateProblem(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fines := f.list(t, "涉企乱罚款问题清单")
	f.rules(t, feedback.RoutingRule{
		Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}},
		ProblemListID: fines.ID, ResponsibleUnit: unitMarket, DeadlineDays: 30,
	})
	a := f.submitRouted(t, feedback.Enterprise, "门前三包", "门前临时堆放货物，未经提醒即被罚款两千元。")
	b := f.submitRouted(t, feedback.Enterprise, "", "同一条街多家商户因门前三包被罚款，希望先教育后处罚。")

	p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{
		SuggestionIDs: []string{a.ID, b.ID, a.ID}, Requirement: "梳理轻微违法行为免罚清单",
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.ProblemListID != fines.ID || p.ResponsibleUnit != unitMarket || p.Deadline != f.today().AddDays(30) || p.Title != "门前三包" {
		t.Errorf("defaults: list %q unit %q deadline %q title %q; want %q, %q, %q, 门前三包",
			p.ProblemListID, p.ResponsibleUnit, p.Deadline, p.Title, fines.ID, unitMarket, f.today().AddDays(30))
	}
	if !slices.Equal(p.SuggestionIDs, []string{a.ID, b.ID}) || p.Status != feedback.ProblemOpen {
		t.Errorf("suggestions %v status %q, want [a b] open", p.SuggestionIDs, p.Status)
	}
	for _, id := range []string{a.ID, b.ID} {
		sg := f.suggestion(t, id)
		if sg.Status != feedback.SuggestionAdopted || sg.ProblemID != p.ID || sg.ProblemListID != fines.ID {
			t.Errorf("suggestion %s: status %q problem %q list %q, want adopted into %s", id, sg.Status, sg.ProblemID, sg.ProblemListID, p.ID)
		}
	}
	h := f.history(t, p.ID)
	if len(h) != 1 || h[0].Action != feedback.ActionCreated || h[0].Actor != f.staff.Name || h[0].To != "open" {
		t.Errorf("history = %+v, want one created event by %s", h, f.staff.Name)
	}

	t.Run("explicit fields win over rule defaults", func(t *testing.T) {
		c := f.submitRouted(t, feedback.Enterprise, "", "执法人员罚款时未告知陈述申辩权利。")
		q, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{
			SuggestionIDs: []string{c.ID}, Title: "处罚程序不规范", ResponsibleUnit: unitJustice, Deadline: "2025-12-31",
		})
		if err != nil {
			t.Fatal(err)
		}
		if q.ResponsibleUnit != unitJustice || q.Deadline != "2025-12-31" {
			t.Errorf("unit %q deadline %q, want %q 2025-12-31", q.ResponsibleUnit, q.Deadline, unitJustice)
		}
	})

	tests := []struct {
		name  string
		id    feedback.Identity
		in    feedback.ProblemInput
		code  string
		field string
	}{
		{"already adopted", f.staff, feedback.ProblemInput{ProblemListID: fines.ID, SuggestionIDs: []string{a.ID}}, feedback.EConflict, "suggestion_ids"},
		{"unknown suggestion", f.staff, feedback.ProblemInput{ProblemListID: fines.ID, Title: "x", SuggestionIDs: []string{"01nosuchsuggestion"}}, feedback.EInvalid, "suggestion_ids"},
		{"triage list", f.staff, feedback.ProblemInput{ProblemListID: feedback.TriageListID, Title: "x"}, feedback.EInvalid, "problem_list_id"},
		{"no list", f.staff, feedback.ProblemInput{Title: "x"}, feedback.EInvalid, "problem_list_id"},
		{"unknown list", f.staff, feedback.ProblemInput{ProblemListID: "01nosuchlist", Title: "x"}, feedback.EInvalid, "problem_list_id"},
		{"no title", f.staff, feedback.ProblemInput{ProblemListID: fines.ID}, feedback.EInvalid, "title"},
		{"bad deadline", f.staff, feedback.ProblemInput{ProblemListID: fines.ID, Title: "x", Deadline: "2025-02-30"}, feedback.EInvalid, "deadline"},
		{"too many suggestions", f.staff, feedback.ProblemInput{ProblemListID: fines.ID, Title: "x", SuggestionIDs: manyIDs(51)}, feedback.EInvalid, "suggestion_ids"},
		{"unit account", f.unit, feedback.ProblemInput{ProblemListID: fines.ID, Title: "x"}, feedback.EForbidden, ""},
		{"no role", f.noRole, feedback.ProblemInput{ProblemListID: fines.ID, Title: "x"}, feedback.EForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.CreateProblem(ctx, tt.id, tt.in)
			wantCode(t, err, tt.code)
			if got := feedback.ErrorField(err); got != tt.field {
				t.Errorf("field = %q, want %q", got, tt.field)
			}
		})
	}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("01sugg%04d", i)
	}
	return out
}

func TestLinkSuggestion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.newProblem(t, "门前三包执法简单以罚代管")
	later := f.submitRouted(t, feedback.Enterprise, "", "我们街上的店铺也因为门前三包被直接罚款。")

	got, err := f.svc.LinkSuggestion(ctx, f.staff, p.ID, later.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got.SuggestionIDs, later.ID) {
		t.Errorf("problem suggestions %v lack %s", got.SuggestionIDs, later.ID)
	}
	sg := f.suggestion(t, later.ID)
	if sg.Status != feedback.SuggestionAdopted || sg.ProblemID != p.ID || sg.ProblemListID != p.ProblemListID {
		t.Errorf("linked suggestion: status %q problem %q list %q", sg.Status, sg.ProblemID, sg.ProblemListID)
	}
	h := f.history(t, p.ID)
	if last := h[len(h)-1]; last.Action != feedback.ActionLinked || !strings.Contains(last.Note, later.Receipt) || strings.Contains(last.Note, later.ID) {
		t.Errorf("last event = %+v, want linked naming receipt %s and no ID", last, later.Receipt)
	}
	// Linking again changes nothing.
	if _, err := f.svc.LinkSuggestion(ctx, f.staff, p.ID, later.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(f.history(t, p.ID)); n != len(h) {
		t.Errorf("repeat link added %d events", n-len(h))
	}
	// Part of another problem: refused.
	q := f.newProblem(t, "另一个问题")
	_, err = f.svc.LinkSuggestion(ctx, f.staff, q.ID, later.ID)
	wantCode(t, err, feedback.EConflict)

	_, err = f.svc.LinkSuggestion(ctx, f.staff, "01nosuchproblem", later.ID)
	wantCode(t, err, feedback.ENotFound)
	_, err = f.svc.LinkSuggestion(ctx, f.unit, p.ID, later.ID)
	wantCode(t, err, feedback.EForbidden)
}

func TestEditProblem(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.newProblem(t, "门前三包执法简单以罚代管")

	got, err := f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{
		Title:       ptr("门前三包执法以罚代管"),
		Deadline:    ptr(feedback.Date("2025-04-30")),
		CoUnits:     &[]string{"各镇(街)综合行政执法办"},
		Requirement: ptr(p.Requirement), // unchanged: not listed
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "门前三包执法以罚代管" || got.Deadline != "2025-04-30" || len(got.CoUnits) != 1 {
		t.Errorf("edited problem = %+v", got)
	}
	h := f.history(t, p.ID)
	last := h[len(h)-1]
	// Moving the deadline the problem had makes the save an extension the
	// office grants (TestOfficeMovesDeadline); the note still names every
	// field the save changed, and only those.
	if last.Action != feedback.ActionExtensionApproved || !strings.Contains(last.Note, "同时修改了标题、协办单位") ||
		!strings.Contains(last.Note, "2025-03-31 → 2025-04-30") || strings.Contains(last.Note, "整改要求") {
		t.Errorf("edit event = %s %q", last.Action, last.Note)
	}
	if got, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{Description: ptr("执法人员对门前三包问题直接处罚")}); err != nil {
		t.Fatal(err)
	}
	h = f.history(t, p.ID)
	if last := h[len(h)-1]; last.Action != feedback.ActionEdited || last.Note != "修改了问题描述" {
		t.Errorf("edit event = %s %q, want edited, 修改了问题描述", last.Action, last.Note)
	}

	// An edit that changes nothing writes nothing.
	same, err := f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{Title: ptr("门前三包执法以罚代管")})
	if err != nil || same.Version != got.Version || len(f.history(t, p.ID)) != len(h) {
		t.Errorf("no-op edit: %v, version %d → %d", err, got.Version, same.Version)
	}

	_, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{Title: ptr("x"), IfVersion: got.Version - 1})
	wantCode(t, err, feedback.EConflict)
	_, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{Title: ptr("  ")})
	wantCode(t, err, feedback.EInvalid)

	// The responsible unit may report progress, nothing else.
	if _, err := f.svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{Progress: ptr("已制定免罚清单初稿，正在征求意见。")}); err != nil {
		t.Errorf("unit progress edit: %v", err)
	}
	_, err = f.svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{Deadline: ptr(feedback.Date("2025-12-31"))})
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.EditProblem(ctx, f.otherUnit, p.ID, feedback.ProblemEdit{Progress: ptr("x")})
	wantCode(t, err, feedback.EForbidden)
}

// TestEditLookbackDue: the office moves a rectified problem's look-back
// date on its own, recorded in the history; a problem not waiting for its
// look-back has no such date to move, and a unit may not move its own.
func TestEditLookbackDue(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.newProblem(t, "门前三包执法简单以罚代管")
	_, err := f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{LookbackDue: ptr(feedback.Date("2025-06-30"))})
	wantCode(t, err, feedback.EInvalid)
	if got := feedback.ErrorField(err); got != "lookback_due" {
		t.Errorf("field = %q, want lookback_due", got)
	}
	for _, st := range pathTo[feedback.ProblemRectified] {
		if _, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, transition(st, "")); err != nil {
			t.Fatal(err)
		}
	}
	before, err := f.svc.GetProblem(ctx, f.staff, p.ID)
	if err != nil || before.LookbackDue == "" {
		t.Fatalf("rectified problem: %+v, %v", before, err)
	}
	_, err = f.svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{LookbackDue: ptr(feedback.Date("2099-12-31"))})
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{LookbackDue: ptr(feedback.Date(""))})
	wantCode(t, err, feedback.EInvalid)

	got, err := f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{LookbackDue: ptr(feedback.Date("2025-06-30")), IfVersion: before.Version})
	if err != nil {
		t.Fatal(err)
	}
	if got.LookbackDue != "2025-06-30" || got.Status != feedback.ProblemRectified || got.Deadline != before.Deadline {
		t.Errorf("edited problem = look-back %s status %s deadline %s", got.LookbackDue, got.Status, got.Deadline)
	}
	h := f.history(t, p.ID)
	if last := h[len(h)-1]; last.Action != feedback.ActionEdited || last.Note != "修改了回头看日期;回头看日期 "+string(before.LookbackDue)+" → 2025-06-30" {
		t.Errorf("edit event = %s %q", last.Action, last.Note)
	}
	if stored, err := f.svc.GetProblem(ctx, f.staff, p.ID); err != nil || stored.LookbackDue != "2025-06-30" {
		t.Errorf("stored look-back = %+v, %v", stored, err)
	}
}

func TestListProblemsOverdue(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	late := f.newProblem(t, "逾期未整改的问题") // deadline 2025-03-31
	done := f.newProblem(t, "已整改的问题")
	for _, st := range pathTo[feedback.ProblemRectified] {
		if _, err := f.svc.TransitionProblem(ctx, f.staff, done.ID, transition(st, "")); err != nil {
			t.Fatal(err)
		}
	}
	f.advance(40 * 24 * time.Hour)
	page, err := f.svc.ListProblems(ctx, f.staff, feedback.ProblemFilter{OverdueOn: f.today()})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range page.Items {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []string{late.ID}) {
		t.Errorf("overdue = %v, want only %s", ids, late.ID)
	}
	d, err := f.svc.GetProblemList(ctx, f.staff, late.ProblemListID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts.Total != 1 || d.Counts.Overdue != 1 || d.Counts.ByStatus[feedback.ProblemOpen] != 1 {
		t.Errorf("counts = %+v", d.Counts)
	}
}
