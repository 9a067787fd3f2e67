package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestProblemLists(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	l := f.list(t, "杜阮镇综合行政执法问题清单")
	page, err := f.svc.ListProblemLists(ctx, f.unit, feedback.ProblemListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].ID != feedback.TriageListID || !page.Items[0].Triage || page.Items[1].ID != l.ID {
		t.Errorf("lists = %+v, want triage then %s", page.Items, l.ID)
	}
	_, err = f.svc.CreateProblemList(ctx, f.unit, feedback.ProblemListInput{Title: "x"})
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.CreateProblemList(ctx, f.staff, feedback.ProblemListInput{Title: ""})
	wantCode(t, err, feedback.EInvalid)
	_, err = f.svc.CreateProblemList(ctx, f.staff, feedback.ProblemListInput{Title: "x", SymposiumID: "01nosuchsymposium"})
	wantCode(t, err, feedback.EInvalid)
	_, err = f.svc.GetProblemList(ctx, f.staff, "01nosuchlist")
	wantCode(t, err, feedback.ENotFound)
}
