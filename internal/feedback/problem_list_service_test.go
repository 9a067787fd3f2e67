package feedback_test

import (
	"context"
	"strings"
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

// TestProblemListOwnerUnit: a list's owner unit is one of the registered
// units (or none); a name typed freely, even a near one, is refused on
// owner_unit and nothing is stored.
func TestProblemListOwnerUnit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tests := []struct {
		owner string
		ok    bool
	}{
		{"区委依法治区办", true},
		{"  区委依法治区办 ", true}, // cleaned like every text
		{"", true},
		{"区依法治区办", false}, // a near name, not the registered one
		{"区委依法治区办、区司法局", false},
	}
	for _, tt := range tests {
		l, err := f.svc.CreateProblemList(ctx, f.staff, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", OwnerUnit: tt.owner})
		switch {
		case tt.ok && err != nil:
			t.Errorf("owner %q: %v", tt.owner, err)
		case tt.ok && l.OwnerUnit != strings.TrimSpace(tt.owner):
			t.Errorf("owner %q stored as %q", tt.owner, l.OwnerUnit)
		case !tt.ok && (feedback.ErrorCode(err) != feedback.EInvalid || feedback.ErrorField(err) != "owner_unit" || !strings.Contains(feedback.ErrorMessage(err), "登记")):
			t.Errorf("owner %q: %v, want invalid on owner_unit saying it is not registered", tt.owner, err)
		}
	}
	page, err := f.svc.ListProblemLists(ctx, f.staff, feedback.ProblemListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(page.Items); n != 1+3 { // the triage list and the three accepted
		t.Errorf("%d lists stored, want 4", n)
	}
}

// TestTriageListCounts: the triage list holds no problems, so its counts
// are the suggestions waiting in it — never 共 0 项 with suggestions there.
func TestTriageListCounts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	l := f.list(t, "涉企乱罚款问题清单")
	f.rules(t, feedback.RoutingRule{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: l.ID})
	for _, c := range []string{"执法人员检查时未出示证件。", "村里违法建设查处不及时。", "审批事项下放后指导跟不上。"} {
		f.submitRouted(t, feedback.Public, "", c)
	}
	f.submitRouted(t, feedback.Enterprise, "罚款", "同类违法行为罚款金额差别很大。")     // to the rule's list
	adopted := f.submitRouted(t, feedback.Public, "", "占道经营反复出现,以罚代管。") // triage, then taken up
	if _, err := f.svc.DeclineSuggestion(ctx, f.staff, adopted.ID, "已由镇街自行处理"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		who           feedback.Identity
		list          string
		total, waited int
	}{
		{f.staff, feedback.TriageListID, 3, 3},
		{f.admin, feedback.TriageListID, 3, 3},
		{f.unit, feedback.TriageListID, 0, 0}, // a unit sees no triage suggestions
		{f.staff, l.ID, 0, 0},                 // problems only; none made yet
	}
	for _, tt := range tests {
		d, err := f.svc.GetProblemList(ctx, tt.who, tt.list)
		if err != nil {
			t.Fatal(err)
		}
		if d.Counts.Total != tt.total || d.Counts.Waiting != tt.waited {
			t.Errorf("%s as %s: total %d, waiting %d; want %d, %d", d.List.Title, tt.who.Role, d.Counts.Total, d.Counts.Waiting, tt.total, tt.waited)
		}
	}
}
