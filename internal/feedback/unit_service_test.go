package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestUnitRegistryAccess(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name string
		do   func() error
		want string // error code; "" for success
	}{
		{"staff registers", func() error {
			_, err := f.svc.CreateUnit(ctx, f.staff, feedback.UnitInput{Name: "区城市管理和综合执法局", Head: "陈局长"})
			return err
		}, ""},
		{"a name twice", func() error {
			_, err := f.svc.CreateUnit(ctx, f.staff, feedback.UnitInput{Name: "区城市管理和综合执法局"})
			return err
		}, feedback.EConflict},
		{"unit cannot register", func() error {
			_, err := f.svc.CreateUnit(ctx, f.unit, feedback.UnitInput{Name: "区审计局"})
			return err
		}, feedback.EForbidden},
		{"unit edits its own", func() error {
			_, err := f.svc.UpdateUnit(ctx, f.unit, unitMarket, feedback.UnitEdit{Contact: ptr("0750-3000000")})
			return err
		}, ""},
		{"unit cannot edit another", func() error {
			_, err := f.svc.UpdateUnit(ctx, f.unit, unitJustice, feedback.UnitEdit{Contact: ptr("0750-3000001")})
			return err
		}, feedback.EForbidden},
		{"bad channel", func() error {
			_, err := f.svc.UpdateUnit(ctx, f.staff, unitJustice, feedback.UnitEdit{Notify: &feedback.NotifyChannel{Kind: feedback.NotifyFeishu, URL: "https://example.com/x"}})
			return err
		}, feedback.EInvalid},
		{"unknown unit", func() error {
			_, err := f.svc.UpdateUnit(ctx, f.staff, "区不存在局", feedback.UnitEdit{Head: ptr("某")})
			return err
		}, feedback.ENotFound},
		{"no role", func() error {
			_, err := f.svc.ListUnits(ctx, f.noRole, feedback.UnitFilter{})
			return err
		}, feedback.EForbidden},
		{"unit reads the registry", func() error {
			_, err := f.svc.ListUnits(ctx, f.unit, feedback.UnitFilter{})
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feedback.ErrorCode(tt.do()); got != tt.want {
				t.Fatalf("error code %q, want %q", got, tt.want)
			}
		})
	}
}

// Problems, rules and accounts name registered units only, with the field
// at fault; a registered unit's head is the default first responsible
// person.
func TestUnitsMustBeRegistered(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list := f.list(t, "涉企乱罚款问题清单")
	if _, err := f.svc.UpdateUnit(ctx, f.staff, unitMarket, feedback.UnitEdit{Head: ptr("王局长")}); err != nil {
		t.Fatal(err)
	}
	fieldOf := func(err error) string {
		if e, ok := err.(*feedback.Error); ok && e.Code == feedback.EInvalid {
			return e.Field
		}
		return "(" + feedback.ErrorCode(err) + ")"
	}
	_, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚款标准不一", ResponsibleUnit: "区市场监管局"})
	if got := fieldOf(err); got != "responsible_unit" {
		t.Errorf("unregistered lead: field %q (%v), want responsible_unit", got, err)
	}
	_, err = f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚款标准不一", ResponsibleUnit: unitMarket, CoUnits: []string{"区城管局"}})
	if got := fieldOf(err); got != "co_units" {
		t.Errorf("unregistered co-unit: field %q (%v), want co_units", got, err)
	}
	p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚款标准不一", ResponsibleUnit: unitMarket})
	if err != nil {
		t.Fatal(err)
	}
	if p.ResponsiblePerson != "王局长" {
		t.Errorf("first responsible person %q, want the unit's head", p.ResponsiblePerson)
	}
	_, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{ResponsibleUnit: ptr("区市场监管局")})
	if got := fieldOf(err); got != "responsible_unit" {
		t.Errorf("edit to an unregistered lead: field %q (%v)", got, err)
	}
	err = f.svc.PutRules(ctx, f.admin, &feedback.RuleSet{Rules: []feedback.RoutingRule{
		{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: list.ID, ResponsibleUnit: unitMarket},
		{Name: "执法", Match: feedback.RuleMatch{KeywordsAny: []string{"执法"}}, ProblemListID: list.ID, ResponsibleUnit: "区执法局"},
	}})
	if got := fieldOf(err); got != "rules[1].responsible_unit" {
		t.Errorf("rule with an unregistered unit: field %q (%v)", got, err)
	}
	_, _, err = f.svc.CreateAccount(ctx, f.admin, feedback.AccountInput{Name: "联络员", Role: feedback.RoleUnit, Unit: "区执法局"})
	if got := fieldOf(err); got != "unit" {
		t.Errorf("account of an unregistered unit: field %q (%v)", got, err)
	}
}

// The one-off migration: free-text names found everywhere, suggested,
// then mapped or registered, and every reference rewritten.
func TestUnitMigration(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list := f.list(t, "涉企乱罚款问题清单")
	// What round one stored: free text, written past the registry's checks.
	legacy := func(title, lead string, co ...string) *feedback.Problem {
		p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: title, ResponsibleUnit: unitMarket})
		if err != nil {
			t.Fatal(err)
		}
		p.ResponsibleUnit, p.CoUnits = lead, co
		if err := f.store.UpdateProblem(ctx, feedback.ProblemWrite{Problem: p}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p1 := legacy("门前三包罚款", "区市场监管局", "区城管局")
	p2 := legacy("首违不罚未落实", "区市场监管局")
	p3 := legacy("检查过多", unitJustice, "区城管局", unitMarket)
	rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{{Name: "罚款", Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: list.ID, ResponsibleUnit: "区市场监管局"}}}
	if err := f.store.PutRuleSet(ctx, rs); err != nil {
		t.Fatal(err)
	}
	acc := &feedback.Account{ID: feedback.NewID(f.svc.Now()), Name: "联络员", Role: feedback.RoleUnit, Unit: "区城管局",
		TokenHash: feedback.HashToken("t"), CreatedAt: f.svc.Now()}
	if err := f.store.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}

	plan, err := f.svc.UnitMigrationPlan(ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	// Most used first, then by name.
	want := []feedback.UnitReference{
		{Name: "区城管局", Problems: 2, Accounts: 1},
		{Name: "区市场监管局", Problems: 2, Rules: 1, Suggested: unitMarket},
	}
	if len(plan) != len(want) || plan[0] != want[0] || plan[1] != want[1] {
		t.Fatalf("plan = %+v, want %+v", plan, want)
	}
	if _, err := f.svc.UnitMigrationPlan(ctx, f.staff); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("staff may read the plan: %v", err)
	}
	if _, err := f.svc.MigrateUnits(ctx, f.admin, []feedback.UnitMapping{{From: "区城管局", To: "区不存在局"}}); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("mapping to an unregistered unit: %v", err)
	}

	res, err := f.svc.MigrateUnits(ctx, f.admin, []feedback.UnitMapping{
		{From: "区市场监管局", To: unitMarket},
		{From: "区城管局", To: "区城管局"}, // registered as it is
	})
	if err != nil {
		t.Fatal(err)
	}
	if res != (feedback.UnitMigrationResult{Registered: 1, Problems: 2, Rules: 1}) {
		t.Errorf("result = %+v", res)
	}
	if got := f.problem(t, p1.ID); got.ResponsibleUnit != unitMarket || len(got.CoUnits) != 1 || got.CoUnits[0] != "区城管局" {
		t.Errorf("p1 = %s / %q", got.ResponsibleUnit, got.CoUnits)
	}
	if got := f.problem(t, p2.ID); got.ResponsibleUnit != unitMarket {
		t.Errorf("p2 lead = %s", got.ResponsibleUnit)
	}
	if got := f.problem(t, p3.ID); got.ResponsibleUnit != unitJustice || len(got.CoUnits) != 2 {
		t.Errorf("p3 = %s / %q", got.ResponsibleUnit, got.CoUnits)
	}
	h := f.history(t, p1.ID)
	if last := h[len(h)-1]; last.Action != feedback.ActionUnitRenamed || last.Note != "单位名称规范:区市场监管局 → 区市场监督管理局" {
		t.Errorf("history event %+v", last)
	}
	rules, _ := f.store.GetRuleSet(ctx)
	if rules.Rules[0].ResponsibleUnit != unitMarket {
		t.Errorf("rule unit %q", rules.Rules[0].ResponsibleUnit)
	}
	got, _ := f.store.GetAccountByTokenHash(ctx, acc.TokenHash)
	if got.Unit != "区城管局" {
		t.Errorf("account unit %q", got.Unit)
	}
	// The scorecard counts one unit, not two.
	agg, err := f.store.GetProblemAggregates(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := agg.Units["区市场监管局"]; ok || agg.Units[unitMarket].Assigned != 2 {
		t.Errorf("unit counters after migration: %+v", agg.Units)
	}
	if plan, _ := f.svc.UnitMigrationPlan(ctx, f.admin); len(plan) != 0 {
		t.Errorf("plan after migration = %+v, want empty", plan)
	}
}
