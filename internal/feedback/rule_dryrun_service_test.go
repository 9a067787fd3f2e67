package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestDryRunRules: edited rules are tried on recent suggestions, newest
// first, and nothing is stored; a disabled rule is skipped as if absent.
func TestDryRunRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fines, err := f.svc.CreateProblemList(ctx, f.admin, feedback.ProblemListInput{Title: "涉企罚款问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	noise, err := f.svc.CreateProblemList(ctx, f.admin, feedback.ProblemListInput{Title: "噪音扰民问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	a := f.submitRouted(t, feedback.Enterprise, "罚款过重", "首次轻微违法也罚款。")
	b := f.submitRouted(t, feedback.Community, "夜间施工", "工地夜间施工噪音大。")
	c := f.submit(t, feedback.Public, "", "建议公开罚没收入的使用情况。") // not routed yet

	rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{
		{Name: " 涉企罚款 ", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款", " 罚没 ", ""}}, ProblemListID: fines.ID},
		{Name: "噪音", Match: feedback.RuleMatch{KeywordsAny: []string{"噪音"}}, ProblemListID: noise.ID, Disabled: true},
	}}
	got, err := f.svc.DryRunRules(ctx, f.staff, rs, 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id, list, rule string
		changed        bool
	}
	want := []row{
		{c.ID, fines.ID, "涉企罚款", true},           // received, no list yet
		{b.ID, feedback.TriageListID, "", false}, // the noise rule is disabled
		{a.ID, fines.ID, "涉企罚款", true},           // now in triage: no rules were saved
	}
	if len(got) != len(want) {
		t.Fatalf("dry run gave %d items, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := row{got[i].Suggestion.ID, got[i].ProblemListID, got[i].RuleName, got[i].Changed}
		if g != w {
			t.Errorf("item %d = %+v, want %+v", i, g, w)
		}
	}
	// Nothing was stored: the rules and the suggestions are as they were.
	cur, err := f.svc.GetRules(ctx, f.admin)
	if err != nil || len(cur.Rules) != 0 {
		t.Errorf("rules after a dry run = %+v, %v; want none saved", cur, err)
	}
	if sg := f.suggestion(t, a.ID); sg.ProblemListID != feedback.TriageListID {
		t.Errorf("suggestion moved by a dry run: list %q", sg.ProblemListID)
	}

	// The disabled rule is saved as it is, and routing skips it.
	if err := f.svc.PutRules(ctx, f.admin, rs); err != nil {
		t.Fatal(err)
	}
	d := f.submitRouted(t, feedback.Community, "噪音", "广场舞噪音扰民。")
	if d.ProblemListID != feedback.TriageListID {
		t.Errorf("a disabled rule routed a suggestion to %q", d.ProblemListID)
	}

	for _, tc := range []struct {
		name string
		id   feedback.Identity
		n    int
		code string
	}{
		{"unit account", f.unit, 0, feedback.EForbidden},
		{"too many", f.admin, feedback.MaxDryRun + 1, feedback.EInvalid},
		{"negative", f.admin, -1, feedback.EInvalid},
	} {
		if _, err := f.svc.DryRunRules(ctx, tc.id, rs, tc.n); feedback.ErrorCode(err) != tc.code {
			t.Errorf("%s: error %v, want code %s", tc.name, err, tc.code)
		}
	}
	// An adopted suggestion stays where it is: not counted as changed.
	p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: fines.ID, Title: "噪音", SuggestionIDs: []string{d.ID}})
	if err != nil {
		t.Fatal(err)
	}
	rs.Rules[1].Disabled = false
	got, err = f.svc.DryRunRules(ctx, f.staff, rs, 1)
	if err != nil || len(got) != 1 || got[0].Suggestion.ID != d.ID || got[0].ProblemListID != noise.ID || got[0].Changed || got[0].Suggestion.ProblemID != p.ID {
		t.Errorf("dry run over an adopted suggestion = %+v, %v; want it unchanged", got, err)
	}
	bad := &feedback.RuleSet{Rules: []feedback.RoutingRule{{Name: "", ProblemListID: fines.ID}}}
	if _, err := f.svc.DryRunRules(ctx, f.admin, bad, 0); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("a rule without a name: error %v, want invalid", err)
	}
}
