package storetest

import (
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// testProblemAggregates holds stores to the maintained problem counters:
// they change in the same transaction as CreateProblem/UpdateProblem, equal
// a full recount at every step, move with a unit change, and never count a
// failed or retried (stale) write.
func testProblemAggregates(t *testing.T, open Opener) {
	st := open(t)
	c := newClock() // 2025-03-10 09:30 Shanghai
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)

	var all []*feedback.Problem
	check := func(t *testing.T, what string, from, to feedback.Date, wantDays map[feedback.Date]feedback.DayCounters) {
		t.Helper()
		got, err := st.GetProblemAggregates(ctx(t), from, to)
		must(t, err, what+": GetProblemAggregates")
		want := feedback.RecountProblems(all)
		equal(t, what+": by status", got.ByStatus, want.ByStatus)
		equal(t, what+": units", got.Units, want.Units)
		if wantDays != nil {
			equal(t, what+": days", got.Days, wantDays)
		}
	}
	transition := func(t *testing.T, p *feedback.Problem, to feedback.ProblemStatus, newDeadline feedback.Date) {
		t.Helper()
		ev, err := p.Apply(feedback.Transition{To: to, NewDeadline: newDeadline}, c.Next())
		must(t, err, "apply "+string(to))
		ev.Actor = "张科长"
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev}), "update to "+string(to))
	}

	t.Run("empty", func(t *testing.T) {
		check(t, "empty", "2025-03-01", "2025-03-31", map[feedback.Date]feedback.DayCounters{})
	})

	p1 := mustProblem(t, st, c, list, "行政处罚裁量基准未公开", unitMarket, "2025-03-20", feedback.ProblemOpen)
	p2 := mustProblem(t, st, c, list, "首违不罚清单落实不到位", unitMarket, "2025-03-11", feedback.ProblemOpen)
	p3 := mustProblem(t, st, c, list, "以罚代管", unitCity, "", feedback.ProblemOpen)
	all = []*feedback.Problem{p1, p2, p3}
	t.Run("created", func(t *testing.T) {
		check(t, "created", "2025-03-10", "2025-03-10", map[feedback.Date]feedback.DayCounters{"2025-03-10": {Created: 3}})
		check(t, "other days", "2025-03-11", "2025-03-31", map[feedback.Date]feedback.DayCounters{})
	})

	// p1 rectified on time (03-10 ≤ 03-20).
	transition(t, p1, feedback.ProblemRectifying, "")
	transition(t, p1, feedback.ProblemRectified, "")
	// p2 rectified late: the clock moves to 03-12, after its deadline.
	c.Tick(48 * time.Hour)
	transition(t, p2, feedback.ProblemRectifying, "")
	transition(t, p2, feedback.ProblemRectified, "")
	// p2's look-back fails on 03-13: a relapse with a new deadline.
	c.Tick(24 * time.Hour)
	transition(t, p2, feedback.ProblemReopened, "2025-03-31")
	// p1 passes its look-back.
	transition(t, p1, feedback.ProblemVerified, "")
	t.Run("transitions", func(t *testing.T) {
		check(t, "transitions", "2025-03-01", "2025-03-31", map[feedback.Date]feedback.DayCounters{
			"2025-03-10": {Created: 3, Rectified: 1},
			"2025-03-12": {Rectified: 1},
			"2025-03-13": {Reopened: 1, Verified: 1},
		})
		got, err := st.GetProblemAggregates(ctx(t), "", "")
		must(t, err, "GetProblemAggregates")
		equal(t, "unit counters", got.Units, map[string]feedback.UnitCounters{
			unitMarket: {Assigned: 2, Rectified: 1, RectifiedOnTime: 1, Relapses: 1},
			unitCity:   {Assigned: 1},
		})
		equal(t, "statuses", got.ByStatus, map[feedback.ProblemStatus]int{
			feedback.ProblemOpen: 1, feedback.ProblemVerified: 1, feedback.ProblemReopened: 1,
		})
		equal(t, "no days asked", got.Days, map[feedback.Date]feedback.DayCounters{})
	})

	t.Run("stale write counts nothing", func(t *testing.T) {
		stale := clone(p3)
		stale.Version--
		stale.Status = feedback.ProblemRectifying
		stale.UpdatedAt = c.Next()
		err := st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: stale})
		wantCodes(t, err, feedback.EConflict, feedback.ENotFound)
		// The same update again after it succeeded (a client retry) is
		// stale too, and must not count twice.
		retry := clone(p3)
		ev, err := retry.Apply(feedback.Transition{To: feedback.ProblemRectifying}, c.Next())
		must(t, err, "apply")
		ev.Actor = "张科长"
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: retry, Event: ev}), "first try")
		again := clone(p3)
		_, _ = again.Apply(feedback.Transition{To: feedback.ProblemRectifying}, c.Now())
		wantCodes(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: again}), feedback.EConflict)
		p3 = retry
		all = []*feedback.Problem{p1, p2, p3}
		check(t, "after retry", "", "", nil)
	})

	t.Run("failed create counts nothing", func(t *testing.T) {
		dup := clone(p1)
		dup.Version = 0
		wantCodes(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: dup}), feedback.EConflict)
		check(t, "after duplicate", "", "", nil)
	})

	t.Run("unit change moves counts", func(t *testing.T) {
		p1.ResponsibleUnit = unitTown
		p1.UpdatedAt = c.Next()
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: p1}), "reassign")
		check(t, "after reassign", "", "", nil)
		got, err := st.GetProblemAggregates(ctx(t), "", "")
		must(t, err, "GetProblemAggregates")
		equal(t, "town", got.Units[unitTown], feedback.UnitCounters{Assigned: 1, Rectified: 1, RectifiedOnTime: 1})
		equal(t, "market", got.Units[unitMarket], feedback.UnitCounters{Assigned: 1, Relapses: 1})
	})

	t.Run("bad dates", func(t *testing.T) {
		_, err := st.GetProblemAggregates(ctx(t), "2025-3-1", "2025-03-31")
		wantCode(t, err, feedback.EInvalid)
	})
}
