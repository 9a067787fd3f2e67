package feedback_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestMaskFor(t *testing.T) {
	sg := &feedback.Suggestion{Name: "张三丰", Contact: "13812345678", Organization: "某公司", IdempotencyKey: "k"}
	if got := feedback.MaskFor(collectStaff, sg); got != sg {
		t.Errorf("staff got a copy")
	}
	got := feedback.MaskFor(collectUnit, sg)
	if got.Name != "张**" || got.Contact != "138****5678" || got.Organization != "某公司" || got.IdempotencyKey != "" {
		t.Errorf("unit sees %+v", got)
	}
	if sg.Name != "张三丰" {
		t.Errorf("MaskFor changed its argument")
	}
}

// TestUnitSeesNoWholeReceipt: the receipt is the submitter's key to the
// reply and to rating it; the unit whose work the rating judges sees only
// its first group, in the suggestions and in the problem's history.
func TestUnitSeesNoWholeReceipt(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submitRouted(t, feedback.Enterprise, "涉企执法", "门口停车被重复罚款,希望统一标准。")
	p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: f.list(t, "涉企乱罚款问题清单").ID, Title: "停车重复罚款",
		SuggestionIDs: []string{sg.ID}, ResponsibleUnit: unitMarket, Deadline: "2025-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	masked := sg.Receipt[:4] + "-****-****"
	sgs, err := f.svc.ListSuggestions(ctx, f.unit, feedback.SuggestionFilter{ProblemID: p.ID})
	if err != nil || len(sgs.Items) != 1 || sgs.Items[0].Receipt != masked {
		t.Fatalf("the unit's suggestions = %+v, %v; want one with receipt %s", sgs.Items, err, masked)
	}
	hist, err := f.svc.History(ctx, f.unit, p.ID, feedback.MaxListLimit, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range hist.Items {
		if strings.Contains(ev.Actor+ev.Note+ev.Evidence, sg.Receipt) {
			t.Errorf("the unit's history shows the receipt: %+v", ev)
		}
	}
	if notes := f.history(t, p.ID); !strings.Contains(notes[0].Note, sg.Receipt) {
		t.Errorf("the office's history = %q, want the whole receipt", notes[0].Note)
	}
}

func TestUnitAccess(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	own := f.newProblem(t, "本单位牵头的问题")
	assisted := f.newProblem(t, "本单位协办的问题")
	if _, err := f.svc.EditProblem(ctx, f.staff, assisted.ID, feedback.ProblemEdit{
		ResponsibleUnit: ptr(unitJustice), CoUnits: &[]string{unitMarket},
	}); err != nil {
		t.Fatal(err)
	}
	foreign := f.newProblem(t, "别的单位的问题")
	if _, err := f.svc.EditProblem(ctx, f.staff, foreign.ID, feedback.ProblemEdit{ResponsibleUnit: ptr(unitJustice)}); err != nil {
		t.Fatal(err)
	}

	for _, id := range []string{own.ID, assisted.ID} {
		if _, err := f.svc.GetProblem(ctx, f.unit, id); err != nil {
			t.Errorf("unit GetProblem(%s): %v", id, err)
		}
	}
	_, err := f.svc.GetProblem(ctx, f.unit, foreign.ID)
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.History(ctx, f.unit, foreign.ID, 0, "")
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.TransitionProblem(ctx, f.unit, foreign.ID, transition(feedback.ProblemRectifying, ""))
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.GetProblem(ctx, f.noRole, own.ID)
	wantCode(t, err, feedback.EForbidden)

	// The unit starts and finishes its rectification; the look-back is the office's.
	if _, err := f.svc.TransitionProblem(ctx, f.unit, own.ID, transition(feedback.ProblemRectifying, "已成立整改专班")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TransitionProblem(ctx, f.unit, own.ID, transition(feedback.ProblemRectified, "免罚清单已公布")); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.TransitionProblem(ctx, f.unit, own.ID, transition(feedback.ProblemVerified, ""))
	wantCode(t, err, feedback.EForbidden)

	page, err := f.svc.ListProblems(ctx, f.unit, feedback.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range page.Items {
		if !p.InvolvesUnit(unitMarket) {
			t.Errorf("unit list holds %s of %q and %q", p.ID, p.ResponsibleUnit, p.CoUnits)
		}
	}
	if len(page.Items) != 2 {
		t.Errorf("unit list has %d problems, want 2 (the one it leads, the one it assists)", len(page.Items))
	}
	_, err = f.svc.ListProblems(ctx, f.unit, feedback.ProblemFilter{Unit: unitJustice})
	wantCode(t, err, feedback.EForbidden)

	d, err := f.svc.GetProblemList(ctx, f.unit, foreign.ProblemListID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Problems) != 0 {
		t.Errorf("unit sees %d problems of a list it has no part in", len(d.Problems))
	}
}

// TestUnitCannotMoveDatesThroughTransition: a unit account may not change
// its deadline by editing (TestEditProblem), so it may not slip one in
// with a status change either, nor push its own look-back away.
func TestUnitCannotMoveDatesThroughTransition(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		to        feedback.ProblemStatus
		deadline  feedback.Date
		lookback  feedback.Date
		wantField string
	}{
		{"deadline with rectifying", feedback.ProblemRectifying, "2099-12-31", "", "deadline"},
		{"look-back with rectified", feedback.ProblemRectified, "", "2099-12-31", "lookback_due"},
		{"deadline with rectified", feedback.ProblemRectified, "2099-12-31", "", "deadline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.newProblem(t, "本单位牵头的问题")
			if tt.to == feedback.ProblemRectified {
				if _, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, transition(feedback.ProblemRectifying, "")); err != nil {
					t.Fatal(err)
				}
			}
			tr := transition(tt.to, "")
			tr.NewDeadline, tr.LookbackDue = tt.deadline, tt.lookback
			_, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, tr)
			wantCode(t, err, feedback.EForbidden)
			if got := feedback.ErrorField(err); got != tt.wantField {
				t.Errorf("field = %q, want %q", got, tt.wantField)
			}
			got, err := f.svc.GetProblem(ctx, f.staff, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Deadline != p.Deadline {
				t.Errorf("deadline = %s, want %s unchanged", got.Deadline, p.Deadline)
			}
			if got.LookbackDue == "2099-12-31" {
				t.Errorf("look-back moved to %s", got.LookbackDue)
			}
		})
	}
}
