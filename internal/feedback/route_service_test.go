package feedback_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestRouteSuggestion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fines := f.list(t, "涉企乱罚款问题清单")
	f.rules(t, feedback.RoutingRule{
		Name:          "罚款",
		Match:         feedback.RuleMatch{Campaigns: []string{"涉企乱罚款专项整治"}, KeywordsAny: []string{"罚款", "处罚"}},
		ProblemListID: fines.ID, ResponsibleUnit: unitMarket, DeadlineDays: 30,
	})

	matched := f.submitRouted(t, feedback.Enterprise, "门前三包", "门前临时堆放货物，未经提醒即被罚款两千元。")
	if matched.Status != feedback.SuggestionRouted || matched.ProblemListID != fines.ID || matched.RuleName != "罚款" {
		t.Errorf("matched suggestion: status %q, list %q, rule %q; want routed, %q, 罚款", matched.Status, matched.ProblemListID, matched.RuleName, fines.ID)
	}
	other := f.submitRouted(t, feedback.Public, "", "建议在社区增设长者饭堂，方便老人就餐。")
	if other.Status != feedback.SuggestionRouted || other.ProblemListID != feedback.TriageListID || other.RuleName != "" {
		t.Errorf("unmatched suggestion: status %q, list %q, rule %q; want routed to triage by no rule", other.Status, other.ProblemListID, other.RuleName)
	}

	// Routing again (a redelivered stream record) changes nothing.
	if err := f.svc.RouteSuggestion(ctx, matched.ID); err != nil {
		t.Fatal(err)
	}
	if again := f.suggestion(t, matched.ID); again.Version != matched.Version || !again.UpdatedAt.Equal(matched.UpdatedAt) {
		t.Errorf("second routing wrote: version %d → %d", matched.Version, again.Version)
	}

	// A declined suggestion is left alone.
	if _, err := f.svc.DeclineSuggestion(ctx, f.staff, other.ID, "不属于本次专项整治范围，已转有关部门参考。"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RouteSuggestion(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.suggestion(t, other.ID).Status; got != feedback.SuggestionDeclined {
		t.Errorf("status after routing a declined suggestion = %q, want declined", got)
	}

	wantCode(t, f.svc.RouteSuggestion(ctx, "no-such-suggestion"), feedback.ENotFound)
	wantCode(t, f.svc.RouteSuggestion(ctx, "bad id!"), feedback.ENotFound)
}

func TestRouteInserted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fines := f.list(t, "涉企乱罚款问题清单")
	f.rules(t, feedback.RoutingRule{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: fines.ID})

	// The copy the insert delivered is enough to route.
	fresh := f.submit(t, feedback.Enterprise, "", "门前临时堆放货物，未经提醒即被罚款两千元。")
	if err := f.svc.RouteInserted(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	routed := f.suggestion(t, fresh.ID)
	if routed.Status != feedback.SuggestionRouted || routed.ProblemListID != fines.ID {
		t.Fatalf("after RouteInserted: status %q, list %q; want routed to %q", routed.Status, routed.ProblemListID, fines.ID)
	}
	if fresh.Status != feedback.SuggestionReceived {
		t.Errorf("RouteInserted changed the caller's copy: status %q", fresh.Status)
	}
	// The same copy again (a redelivery) is out of date: nothing changes.
	if err := f.svc.RouteInserted(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if again := f.suggestion(t, fresh.ID); again.Version != routed.Version {
		t.Errorf("redelivered copy wrote: version %d → %d", routed.Version, again.Version)
	}

	// A copy older than a staff decision does not undo it.
	declined := f.submit(t, feedback.Public, "", "建议罚款标准公开，接受社会监督。")
	if _, err := f.svc.DeclineSuggestion(ctx, f.staff, declined.ID, "已在其他专项中办理。"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RouteInserted(ctx, declined); err != nil {
		t.Fatal(err)
	}
	if got := f.suggestion(t, declined.ID).Status; got != feedback.SuggestionDeclined {
		t.Errorf("status after routing a stale copy of a declined suggestion = %q, want declined", got)
	}
}

func TestPutRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	l := f.list(t, "职权下放问题清单")
	good := feedback.RoutingRule{Name: "下放", Match: feedback.RuleMatch{KeywordsAll: []string{"下放", "监管"}}, ProblemListID: l.ID}

	t.Run("saved and versioned", func(t *testing.T) {
		rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{good}}
		if err := f.svc.PutRules(ctx, f.admin, rs); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.GetRules(ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != rs.Version || got.Version == 0 || len(got.Rules) != 1 || got.Rules[0].Name != "下放" {
			t.Errorf("GetRules = version %d, %d rules; want version %d, 1 rule", got.Version, len(got.Rules), rs.Version)
		}
		if got.UpdatedBy != f.admin.Name {
			t.Errorf("UpdatedBy = %q, want %q", got.UpdatedBy, f.admin.Name)
		}
	})
	t.Run("stale version", func(t *testing.T) {
		rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{good}, Version: 0}
		wantCode(t, f.svc.PutRules(ctx, f.admin, rs), feedback.EConflict)
	})
	t.Run("unknown problem list names the rule", func(t *testing.T) {
		cur, _ := f.svc.GetRules(ctx, f.admin)
		bad := feedback.RoutingRule{Name: "不存在的清单", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: "01nosuchlist"}
		err := f.svc.PutRules(ctx, f.admin, &feedback.RuleSet{Rules: []feedback.RoutingRule{good, bad}, Version: cur.Version})
		wantCode(t, err, feedback.EInvalid)
		if got, want := feedback.ErrorField(err), "rules[1].problem_list_id"; got != want {
			t.Errorf("field = %q, want %q", got, want)
		}
	})
	t.Run("bad symposium ID in any rule", func(t *testing.T) {
		// The check must not depend on whether an earlier rule already
		// targets the same problem list.
		bad := "not a symposium id"
		tests := []struct {
			name  string
			rules []feedback.RoutingRule
			want  string
		}{
			{"first rule for its list", []feedback.RoutingRule{
				{Name: "坏", Match: feedback.RuleMatch{SymposiumIDs: []string{bad}}, ProblemListID: l.ID},
			}, "rules[0].match.symposium_ids[0]"},
			{"second rule for the same list", []feedback.RoutingRule{
				good,
				{Name: "坏", Match: feedback.RuleMatch{SymposiumIDs: []string{bad}}, ProblemListID: l.ID},
			}, "rules[1].match.symposium_ids[0]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cur, _ := f.svc.GetRules(ctx, f.admin)
				err := f.svc.PutRules(ctx, f.admin, &feedback.RuleSet{Rules: tt.rules, Version: cur.Version})
				wantCode(t, err, feedback.EInvalid)
				if got := feedback.ErrorField(err); got != tt.want {
					t.Errorf("field = %q, want %q", got, tt.want)
				}
			})
		}
	})
	t.Run("roles", func(t *testing.T) {
		cur, _ := f.svc.GetRules(ctx, f.admin)
		for _, id := range []feedback.Identity{f.staff, f.unit, f.noRole} {
			err := f.svc.PutRules(ctx, id, &feedback.RuleSet{Rules: []feedback.RoutingRule{good}, Version: cur.Version})
			wantCode(t, err, feedback.EForbidden)
		}
		_, err := f.svc.GetRules(ctx, f.unit)
		wantCode(t, err, feedback.EForbidden)
	})
}

func TestRerouteTriage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// No rules yet: everything lands in triage.
	a := f.submitRouted(t, feedback.NPCDeputy, "", "审批权限下放到镇街以后，后续监管跟不上。")
	b := f.submitRouted(t, feedback.Public, "", "建议在社区增设长者饭堂。")
	for _, sg := range []*feedback.Suggestion{a, b} {
		if sg.ProblemListID != feedback.TriageListID {
			t.Fatalf("%s routed to %q before any rule, want triage", sg.ID, sg.ProblemListID)
		}
	}
	l := f.list(t, "职权下放问题清单")
	f.rules(t, feedback.RoutingRule{Name: "下放", Match: feedback.RuleMatch{KeywordsAll: []string{"下放", "监管"}}, ProblemListID: l.ID})

	_, err := f.svc.RerouteTriage(ctx, f.unit)
	wantCode(t, err, feedback.EForbidden)

	c, err := f.svc.RerouteTriage(ctx, f.staff)
	if err != nil {
		t.Fatal(err)
	}
	if c.Examined != 2 || c.Moved != 1 || c.Failed != 0 {
		t.Errorf("counts = %+v, want 2 examined, 1 moved", c)
	}
	if got := f.suggestion(t, a.ID); got.ProblemListID != l.ID || got.RuleName != "下放" || got.Status != feedback.SuggestionRouted {
		t.Errorf("a after reroute: list %q rule %q status %q", got.ProblemListID, got.RuleName, got.Status)
	}
	if got := f.suggestion(t, b.ID).ProblemListID; got != feedback.TriageListID {
		t.Errorf("b after reroute: list %q, want triage", got)
	}
	// Running it again moves nothing.
	c, err = f.svc.RerouteTriage(ctx, f.staff)
	if err != nil || c.Moved != 0 || c.Examined != 1 {
		t.Errorf("second reroute = %+v, %v; want 1 examined, 0 moved", c, err)
	}
}

func TestSweepUnrouted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submit(t, feedback.Community, "", "村里生活污水直排河涌，夏天气味很大。")

	c, err := f.svc.SweepUnrouted(ctx, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c.Moved != 0 {
		t.Errorf("sweep within the grace period routed %d, want 0", c.Moved)
	}
	if got := f.suggestion(t, sg.ID).Status; got != feedback.SuggestionReceived {
		t.Fatalf("status = %q, want received", got)
	}

	f.advance(10 * time.Minute)
	c, err = f.svc.SweepUnrouted(ctx, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c.Moved != 1 || c.Failed != 0 {
		t.Errorf("sweep after the grace period = %+v, want 1 routed", c)
	}
	if got := f.suggestion(t, sg.ID); got.Status != feedback.SuggestionRouted || got.ProblemListID != feedback.TriageListID {
		t.Errorf("after sweep: status %q list %q, want routed to triage", got.Status, got.ProblemListID)
	}
	c, err = f.svc.SweepUnrouted(ctx, 5*time.Minute)
	if err != nil || c.Examined != 0 {
		t.Errorf("second sweep = %+v, %v; want nothing to do", c, err)
	}
}

// TestRulesFromAnotherProcess checks that a router compiled for one rules
// version is not reused after another service (another Lambda) saves new
// rules.
func TestRulesFromAnotherProcess(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	l := f.list(t, "罚款清单")
	first := f.submitRouted(t, feedback.Enterprise, "", "企业被随意罚款的问题希望解决。")
	if first.ProblemListID != feedback.TriageListID {
		t.Fatalf("routed to %q with no rules", first.ProblemListID)
	}
	other := feedback.NewService(f.store, feedback.Config{Now: f.svc.Now, Logger: slog.New(slog.DiscardHandler)})
	rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: l.ID}}}
	if err := other.PutRules(ctx, f.admin, rs); err != nil {
		t.Fatal(err)
	}
	second := f.submitRouted(t, feedback.Enterprise, "", "企业被随意罚款的问题希望解决。")
	if second.ProblemListID != l.ID {
		t.Errorf("after rules changed elsewhere: routed to %q, want %q", second.ProblemListID, l.ID)
	}
}

func TestReplaceRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.list(t, "涉企乱罚款问题清单")
	rule := feedback.RoutingRule{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: l.ID}
	first := f.rules(t, rule)
	if first.Version != 1 {
		t.Fatalf("version after the first save = %d, want 1", first.Version)
	}
	// A caller who read nothing (version 0) and chose to overwrite wins
	// over the saved version; one who did not choose it gets a conflict.
	stale := &feedback.RuleSet{Rules: []feedback.RoutingRule{rule}}
	if err := f.svc.PutRules(ctx, f.admin, stale); feedback.ErrorCode(err) != feedback.EConflict || feedback.ErrorField(err) != "version" {
		t.Fatalf("PutRules with a stale version: %v, want EConflict on version", err)
	}
	rule.Name = "涉企罚款"
	over := &feedback.RuleSet{Rules: []feedback.RoutingRule{rule}}
	if err := f.svc.ReplaceRules(ctx, f.admin, over); err != nil {
		t.Fatalf("ReplaceRules: %v", err)
	}
	got, err := f.svc.GetRules(ctx, f.staff)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || over.Version != 2 || len(got.Rules) != 1 || got.Rules[0].Name != "涉企罚款" {
		t.Errorf("after ReplaceRules: stored version %d (returned %d), rules %+v; want version 2 with rule 涉企罚款", got.Version, over.Version, got.Rules)
	}
	if err := f.svc.ReplaceRules(ctx, f.staff, &feedback.RuleSet{}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("ReplaceRules as staff: %v, want EForbidden", err)
	}
}

// failingRules is a store whose routing rules cannot be read.
type failingRules struct{ feedback.Store }

func (failingRules) GetRuleSet(context.Context) (*feedback.RuleSet, error) {
	return nil, feedback.StoreUnavailable(errors.New("throttled"))
}

func TestRouteOnSubmit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fines := f.list(t, "涉企乱罚款问题清单")
	f.rules(t, feedback.RoutingRule{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: fines.ID})
	cfg := feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Logger: slog.New(slog.DiscardHandler)}
	svc := feedback.NewService(f.store, cfg)
	svc.SetRuleCacheTTL(5 * time.Second)
	svc.SetRouteOnSubmit(true)
	submit := func(svc *feedback.Service, content string) *feedback.Suggestion {
		t.Helper()
		sg, created, err := svc.Submit(ctx, f.sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Content: content}, feedback.ChannelQR)
		if err != nil || !created {
			t.Fatalf("submit: created %v, %v", created, err)
		}
		return f.suggestion(t, sg.ID)
	}
	tests := []struct {
		name       string
		svc        *feedback.Service
		content    string
		wantStatus feedback.SuggestionStatus
		wantList   string
		wantRule   string
	}{
		{"a rule matches", svc, "门前临时堆放货物，未经提醒即被罚款两千元。", feedback.SuggestionRouted, fines.ID, "罚款"},
		{"no rule matches: triage", svc, "建议在社区增设长者饭堂，方便老人就餐。", feedback.SuggestionRouted, feedback.TriageListID, ""},
		{"rules unreadable: stored unrouted", func() *feedback.Service {
			s := feedback.NewService(failingRules{f.store}, cfg)
			s.SetRouteOnSubmit(true)
			return s
		}(), "门前临时堆放货物，未经提醒即被罚款两千元。", feedback.SuggestionReceived, "", ""},
		{"off (the default)", f.svc, "门前临时堆放货物，未经提醒即被罚款五百元。", feedback.SuggestionReceived, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := submit(tt.svc, tt.content)
			if got.Status != tt.wantStatus || got.ProblemListID != tt.wantList || got.RuleName != tt.wantRule {
				t.Errorf("stored: status %q, list %q, rule %q; want %q, %q, %q", got.Status, got.ProblemListID, got.RuleName, tt.wantStatus, tt.wantList, tt.wantRule)
			}
			if got.Version != 1 {
				t.Errorf("version %d, want 1: written once", got.Version)
			}
		})
	}
	// A staff entry is not a public submission: the stream routes it.
	sg, _, err := svc.StaffEntry(ctx, f.staff, f.sym.ID, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Content: "纸质意见：门前三包问题直接罚款。"})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.suggestion(t, sg.ID); got.Status != feedback.SuggestionReceived {
		t.Errorf("staff entry stored %q, want received", got.Status)
	}
}
