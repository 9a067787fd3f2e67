package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestAssessmentSchemeAccess(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.AssessmentScheme(ctx, f.unit); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit reading the scheme: %v, want forbidden", err)
	}
	sc, err := f.svc.AssessmentScheme(ctx, f.staff)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Version != 0 || sc.Base != 100 || sc.Points(feedback.EventRelapse) != -3 {
		t.Errorf("default scheme = %+v", sc)
	}
	mine := &feedback.AssessmentScheme{Base: 60, Rules: []feedback.AssessmentRule{
		{Event: feedback.EventRectifiedOnTime, Points: 2}, {Event: feedback.EventOverdue, Points: -5}}}
	if err := f.svc.PutAssessmentScheme(ctx, f.staff, mine); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("staff saving the scheme: %v, want forbidden", err)
	}
	for name, c := range map[string]struct {
		sc    feedback.AssessmentScheme
		field string
	}{
		"unknown event":   {feedback.AssessmentScheme{Base: 100, Rules: []feedback.AssessmentRule{{Event: "late", Points: -1}}}, "rules[0].event"},
		"twice":           {feedback.AssessmentScheme{Base: 100, Rules: []feedback.AssessmentRule{{Event: "overdue", Points: -1}, {Event: "overdue", Points: -2}}}, "rules[1].event"},
		"too many points": {feedback.AssessmentScheme{Base: 100, Rules: []feedback.AssessmentRule{{Event: "overdue", Points: -101}}}, "rules[0].points"},
		"thousandths":     {feedback.AssessmentScheme{Base: 100, Rules: []feedback.AssessmentRule{{Event: "overdue", Points: -0.125}}}, "rules[0].points"},
		"negative base":   {feedback.AssessmentScheme{Base: -1}, "base"},
	} {
		err := f.svc.PutAssessmentScheme(ctx, f.admin, &c.sc)
		if code, field, _ := fieldErr(err); code != feedback.EInvalid || field != c.field {
			t.Errorf("%s: %v (field %q), want invalid %s", name, err, field, c.field)
		}
	}
	if err := f.svc.PutAssessmentScheme(ctx, f.admin, mine); err != nil {
		t.Fatal(err)
	}
	if mine.Version != 1 {
		t.Errorf("version after the first save = %d", mine.Version)
	}
	stale := &feedback.AssessmentScheme{Base: 80}
	if err := f.svc.PutAssessmentScheme(ctx, f.admin, stale); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("saving over a newer scheme: %v, want conflict", err)
	}
	got, err := f.svc.AssessmentScheme(ctx, f.staff)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Base != 60 || got.Points(feedback.EventOverdue) != -5 || got.Points(feedback.EventRelapse) != 0 ||
		got.UpdatedBy != f.admin.Name {
		t.Errorf("saved scheme = %+v", got)
	}
}

// A unit's score over a period: rectified on time, late (judged against
// the first deadline though an extension moved it), overdue (recorded by
// the daily run once, and not again when the late rectification sees it),
// an approved extension, and a relapse after a passed look-back.
func TestAssessmentScores(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	move := func(id feedback.Identity, p *feedback.Problem, tr feedback.Transition) {
		t.Helper()
		if _, err := f.svc.TransitionProblem(ctx, id, p.ID, tr); err != nil {
			t.Fatalf("%s → %s: %v", p.Title, tr.To, err)
		}
	}
	rectify := func(p *feedback.Problem) {
		t.Helper()
		move(f.unit, p, transition(feedback.ProblemRectifying, ""))
		move(f.unit, p, transition(feedback.ProblemRectified, "已整改"))
	}

	onTime := f.newProblem(t, "首违不罚清单未公示")   // deadline 2025-03-31
	extended := f.newProblem(t, "罚没收入与绩效挂钩") // deadline 2025-03-31, extended to 04-30
	late := f.newProblem(t, "执法记录仪使用不规范")    // deadline 2025-03-31, rectified 04-05
	f.setDay("2025-03-10")
	rectify(onTime)
	ext, err := f.svc.RequestExtension(ctx, f.unit, extended.ID, feedback.ExtensionInput{Deadline: "2025-04-30", Reason: "需上级批复"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideExtension(ctx, f.staff, extended.ID, ext.ID, true, ""); err != nil {
		t.Fatal(err)
	}

	f.setDay("2025-04-02")
	for range 2 { // the daily run, retried: recorded once
		n, err := f.svc.RecordOverdue(ctx)
		if err != nil || n != 1 {
			t.Fatalf("RecordOverdue = %d, %v; want the one problem past its deadline", n, err)
		}
	}
	f.setDay("2025-04-05")
	rectify(late)
	f.setDay("2025-04-10")
	rectify(extended) // before its new deadline, after its first one: late
	move(f.staff, onTime, transition(feedback.ProblemVerified, "回头看通过"))
	f.setDay("2025-04-20")
	move(f.staff, onTime, feedback.Transition{To: feedback.ProblemReopened, Note: "群众反映又有罚款", NewDeadline: "2025-05-31"})

	if _, err := f.svc.Assess(ctx, f.unit, "2025-03-01", "2025-04-30"); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit reading assessments: %v, want forbidden", err)
	}
	for _, c := range []struct{ from, to, field string }{
		{"", "2025-04-30", "from"}, {"2025-03-01", "", "to"}, {"2025-04-30", "2025-03-01", "to"}, {"2020-01-01", "2025-01-01", "to"},
	} {
		_, err := f.svc.Assess(ctx, f.staff, feedback.Date(c.from), feedback.Date(c.to))
		if code, field, _ := fieldErr(err); code != feedback.EInvalid || field != c.field {
			t.Errorf("Assess(%q, %q) = %v (field %q), want invalid %s", c.from, c.to, err, field, c.field)
		}
	}

	a, err := f.svc.Assess(ctx, f.staff, "2025-03-01", "2025-04-30")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Units) != len(fixtureUnits) {
		t.Errorf("units = %d, want every registered unit (%d)", len(a.Units), len(fixtureUnits))
	}
	market := unitAssessment(t, a, unitMarket)
	want := map[string]int{feedback.EventRectifiedOnTime: 1, feedback.EventRectifiedLate: 2, feedback.EventOverdue: 1,
		feedback.EventExtension: 1, feedback.EventRelapse: 1}
	for event, n := range want {
		if market.Counts[event] != n {
			t.Errorf("%s: %d, want %d (counts %v)", event, market.Counts[event], n, market.Counts)
		}
	}
	if len(market.Items) != 6 {
		t.Errorf("items = %d, want 6", len(market.Items))
	}
	// 100 + 1 − 2×1 − 2 − 0.5 − 3 under the default scheme.
	if market.Score != 93.5 {
		t.Errorf("score = %v, want 93.5", market.Score)
	}
	for _, it := range market.Items {
		if it.Entry.Event == feedback.EventOverdue && (it.Entry.Day != "2025-04-01" || it.Entry.ProblemID != late.ID || it.Points != -2) {
			t.Errorf("overdue item = %+v (%v points)", it.Entry, it.Points)
		}
		if it.Entry.Event == feedback.EventRectifiedLate && it.Entry.ProblemID == extended.ID && it.Entry.Note != "整改期限 2025-03-31" {
			t.Errorf("late after an extension is judged against the first deadline: note %q", it.Entry.Note)
		}
	}
	if j := unitAssessment(t, a, unitJustice); j.Score != 100 || len(j.Items) != 0 {
		t.Errorf("a unit with no events: %+v", j)
	}

	// March only: the on-time rectification and the extension.
	march, err := f.svc.Assess(ctx, f.staff, "2025-03-01", "2025-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if m := unitAssessment(t, march, unitMarket); m.Score != 100.5 || len(m.Items) != 2 {
		t.Errorf("March: score %v, %d items", m.Score, len(m.Items))
	}

	// A corrected scheme scores past periods too.
	if err := f.svc.PutAssessmentScheme(ctx, f.admin, &feedback.AssessmentScheme{Base: 90, Rules: []feedback.AssessmentRule{
		{Event: feedback.EventRelapse, Points: -10}}}); err != nil {
		t.Fatal(err)
	}
	a, err = f.svc.Assess(ctx, f.staff, "2025-03-01", "2025-04-30")
	if err != nil {
		t.Fatal(err)
	}
	if m := unitAssessment(t, a, unitMarket); m.Score != 80 {
		t.Errorf("under the new scheme: %v, want 80", m.Score)
	}

	// The month's summary shows the scores, and the scorecard judges on
	// time against the first deadline and counts the extension.
	sm, err := f.svc.GenerateSummary(ctx, f.staff, feedback.Monthly, "2025-04-20")
	if err != nil {
		t.Fatal(err)
	}
	var score *feedback.AssessmentScore
	for i := range sm.Assessment {
		if sm.Assessment[i].Unit == unitMarket {
			score = &sm.Assessment[i]
		}
	}
	if score == nil || score.Score != 80 || score.Counts[feedback.EventRectifiedLate] != 2 || score.Counts[feedback.EventRelapse] != 1 {
		t.Errorf("summary assessment = %+v", sm.Assessment)
	}
	for _, u := range sm.Units {
		if u.Unit == unitMarket && (u.Rectified != 2 || u.RectifiedOnTime != 0 || u.Extended != 1 || u.Relapses != 1) {
			t.Errorf("scorecard = %+v, want 2 rectified, none on time, 1 extended, 1 relapse", u)
		}
	}
}

func unitAssessment(t *testing.T, a *feedback.Assessment, unit string) feedback.UnitAssessment {
	t.Helper()
	for _, u := range a.Units {
		if u.Unit == unit {
			return u
		}
	}
	t.Fatalf("no assessment of %s", unit)
	return feedback.UnitAssessment{}
}

// Submitters' ratings count for the unit of the suggestion's problem: a
// satisfied (or basically satisfied) rating is "satisfied"; a dissatisfied
// one is both "dissatisfied" and "rehandle", and reopening a rectified
// problem through it is not also a relapse.
func TestAssessmentOfRatings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.newProblem(t, "门前三包执法简单以罚代管")
	sgs := []*feedback.Suggestion{
		f.submitRouted(t, feedback.Enterprise, "", "门前三包执法简单,直接罚款。"),
		f.submitRouted(t, feedback.Community, "", "门前堆放货物没有提醒就罚款。"),
		f.submitRouted(t, feedback.Public, "", "罚款前没有告知陈述申辩权利。"),
	}
	for _, sg := range sgs {
		if _, err := f.svc.LinkSuggestion(ctx, f.staff, p.ID, sg.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, feedback.Transition{To: st}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sg := range sgs {
		if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "已建立首违不罚清单并公示。", feedback.GradeA); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range []feedback.RatingInput{{Rating: feedback.RatingSatisfied}, {Rating: feedback.RatingBasicallySatisfied},
		{Rating: feedback.RatingDissatisfied, Comment: "门口仍被罚款"}} {
		if _, err := f.svc.RateReply(ctx, sgs[i].Receipt, r); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.problem(t, p.ID); got.Status != feedback.ProblemReopened {
		t.Fatalf("status after the dissatisfied rating = %s", got.Status)
	}
	today := f.today()
	a, err := f.svc.Assess(ctx, f.staff, today, today)
	if err != nil {
		t.Fatal(err)
	}
	m := unitAssessment(t, a, unitMarket)
	want := map[string]int{feedback.EventRectifiedOnTime: 1, feedback.EventSatisfied: 2, feedback.EventDissatisfied: 1, feedback.EventRehandle: 1}
	for _, e := range feedback.AssessmentEvents {
		if m.Counts[e.Event] != want[e.Event] {
			t.Errorf("%s: %d, want %d", e.Event, m.Counts[e.Event], want[e.Event])
		}
	}
	// 100 + 1 + 2×0.5 − 1 − 1 under the default scheme.
	if m.Score != 100 {
		t.Errorf("score = %v, want 100", m.Score)
	}
}
