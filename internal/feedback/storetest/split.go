package storetest

import (
	"slices"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// split returns a copy of s as part of ps too (a suggestion split into
// several problems: its first problem stays ProblemID).
func split(c *clock, s *feedback.Suggestion, ps ...*feedback.Problem) *feedback.Suggestion {
	u := clone(s)
	u.ProblemIDs = slices.Clone(s.Problems())
	for _, p := range ps {
		u.ProblemIDs = append(u.ProblemIDs, p.ID)
	}
	u.ProblemID = u.ProblemIDs[0]
	if u.ProblemListID == "" || u.ProblemListID == feedback.TriageListID {
		u.ProblemListID = ps[0].ProblemListID
	}
	u.Status = feedback.SuggestionAdopted
	u.UpdatedAt = c.Next()
	return u
}

// testWriteProblems holds stores to WriteProblems: a suggestion split into
// several problems is written with all of them at once (creates and updates
// mixed), lists as a suggestion of each, counts in each problem's counters,
// and a write that fails in any part stores none of it.
func testWriteProblems(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	s := mustSuggestion(t, st, c, sym, samples[0])
	other := mustSuggestion(t, st, c, sym, samples[8])
	var all []*feedback.Problem
	counters := func(t *testing.T, what string) {
		t.Helper()
		got, err := st.GetProblemAggregates(ctx(t), "", "")
		must(t, err, what+": GetProblemAggregates")
		want := feedback.RecountProblems(all)
		equal(t, what+": by status", got.ByStatus, want.ByStatus)
		equal(t, what+": units", got.Units, want.Units)
	}

	p1 := newProblem(c, list, "行政处罚裁量基准未公开", unitMarket, "2025-04-30", feedback.ProblemOpen)
	p2 := newProblem(c, list, "罚没收入使用不公开", unitTown, "2025-05-31", feedback.ProblemOpen)
	p1.SuggestionIDs, p2.SuggestionIDs = []string{s.ID}, []string{s.ID}
	e1, e2 := creationEvent(c, p1), creationEvent(c, p2)
	a := split(c, s, p1, p2)

	t.Run("split into two new problems", func(t *testing.T) {
		must(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{{Problem: p1, Event: e1}, {Problem: p2, Event: e2, Suggestions: []*feedback.Suggestion{a}}}), "write")
		if p1.Version != 1 || p2.Version != 1 || a.Version != s.Version+1 {
			t.Fatalf("Versions = %d, %d, suggestion %d; want 1, 1, %d", p1.Version, p2.Version, a.Version, s.Version+1)
		}
		all = append(all, p1, p2)
		equal(t, "problem 1", getProblem(t, st, p1.ID), p1)
		equal(t, "problem 2", getProblem(t, st, p2.ID), p2)
		equal(t, "suggestion", getSuggestion(t, st, s.ID), a)
		equal(t, "events 1", events(t, st, p1.ID), []*feedback.AuditEvent{e1})
		equal(t, "events 2", events(t, st, p2.ID), []*feedback.AuditEvent{e2})
		counters(t, "after the split")
		*s = *a
	})
	t.Run("listed as a suggestion of each problem", func(t *testing.T) {
		for _, p := range []*feedback.Problem{p1, p2} {
			page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{ProblemID: p.ID})
			must(t, err, "list")
			equal(t, "suggestions of "+p.Title, page.Items, []*feedback.Suggestion{s})
			page, err = st.ListSuggestions(ctx(t), feedback.SuggestionFilter{ProblemID: p.ID, SymposiumID: sym.ID, Status: feedback.SuggestionAdopted})
			must(t, err, "list with filters")
			equal(t, "filtered suggestions of "+p.Title, page.Items, []*feedback.Suggestion{s})
			page, err = st.ListSuggestions(ctx(t), feedback.SuggestionFilter{ProblemID: p.ID, Status: feedback.SuggestionRouted})
			must(t, err, "list with another status")
			equal(t, "no routed suggestion of "+p.Title, page.Items, []*feedback.Suggestion{})
		}
	})

	// A reply: both problems' tallies move with the suggestion, one of them
	// already updated once (an update and an update, and a create).
	t.Run("update two problems and create a third with the suggestion", func(t *testing.T) {
		u1, u2 := clone(p1), clone(p2)
		u1.Feedback.Replied, u2.Feedback.Replied = 1, 1
		u1.UpdatedAt, u2.UpdatedAt = c.Next(), c.Now()
		p3 := newProblem(c, list, "执法人员未出示证件", unitCity, "2025-06-30", feedback.ProblemOpen)
		p3.SuggestionIDs = []string{s.ID}
		p3.Feedback.Replied = 1
		e3 := creationEvent(c, p3)
		r := split(c, s, p3)
		r.Replies = []feedback.Reply{{Text: "已分别列入三个问题,由相关单位整改。", Grade: feedback.GradeB, At: r.UpdatedAt}}
		must(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{
			{Problem: u1, Suggestions: []*feedback.Suggestion{r}}, {Problem: u2}, {Problem: p3, Event: e3},
		}), "write")
		if u1.Version != 2 || u2.Version != 2 || p3.Version != 1 {
			t.Fatalf("Versions = %d, %d, %d; want 2, 2, 1", u1.Version, u2.Version, p3.Version)
		}
		all = []*feedback.Problem{u1, u2, p3}
		equal(t, "problem 1", getProblem(t, st, p1.ID), u1)
		equal(t, "problem 2", getProblem(t, st, p2.ID), u2)
		equal(t, "problem 3", getProblem(t, st, p3.ID), p3)
		equal(t, "suggestion", getSuggestion(t, st, s.ID), r)
		counters(t, "after the reply")
		*p1, *p2, *s = *u1, *u2, *r
	})

	before := func(t *testing.T) {
		t.Helper()
		equal(t, "problem 1", getProblem(t, st, p1.ID), p1)
		equal(t, "problem 2", getProblem(t, st, p2.ID), p2)
		equal(t, "suggestion", getSuggestion(t, st, s.ID), s)
		equal(t, "other suggestion", getSuggestion(t, st, other.ID), other)
		counters(t, "unchanged")
	}
	t.Run("a stale problem stores nothing", func(t *testing.T) {
		u1, u2 := clone(p1), clone(p2)
		u1.Progress, u2.Progress = "已公开裁量基准", "已公开收支"
		u2.Version = 1 // p2 is at 2
		a := clone(s)
		a.UpdatedAt = c.Next()
		fresh := newProblem(c, list, "不该被存下的问题", unitCity, "", feedback.ProblemOpen)
		wantCode(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{
			{Problem: fresh, Event: creationEvent(c, fresh)}, {Problem: u1, Suggestions: []*feedback.Suggestion{a}}, {Problem: u2},
		}), feedback.EConflict)
		_, err := st.GetProblem(ctx(t), fresh.ID)
		wantCode(t, err, feedback.ENotFound)
		before(t)
		if u1.Version != p1.Version || fresh.Version != 0 {
			t.Errorf("a failed write moved Versions: %d (want %d), %d (want 0)", u1.Version, p1.Version, fresh.Version)
		}
	})
	t.Run("a stale suggestion stores nothing", func(t *testing.T) {
		u1 := clone(p1)
		u1.Progress = "已公开裁量基准"
		stale := clone(other)
		stale.Version--
		stale.Status, stale.ProblemID, stale.ProblemIDs = feedback.SuggestionAdopted, p1.ID, []string{p1.ID}
		wantCode(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{{Problem: u1, Suggestions: []*feedback.Suggestion{stale}}}), feedback.EConflict)
		before(t)
	})
	t.Run("a problem twice is refused", func(t *testing.T) {
		u1, again := clone(p1), clone(p1)
		u1.Progress, again.Progress = "一", "二"
		wantCode(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{{Problem: u1}, {Problem: again}}), feedback.EInvalid)
		before(t)
	})
	t.Run("a suggestion in two writes is refused", func(t *testing.T) {
		u1, u2 := clone(p1), clone(p2)
		a, b := clone(s), clone(s)
		wantCode(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{
			{Problem: u1, Suggestions: []*feedback.Suggestion{a}}, {Problem: u2, Suggestions: []*feedback.Suggestion{b}},
		}), feedback.EInvalid)
		before(t)
	})
	t.Run("more problems than a suggestion may have are refused", func(t *testing.T) {
		var ws []feedback.ProblemWrite
		for range feedback.MaxProblemsPerSuggestion + 1 {
			p := newProblem(c, list, "拆得太多的问题", unitCity, "", feedback.ProblemOpen)
			ws = append(ws, feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p)})
		}
		wantCode(t, st.WriteProblems(ctx(t), ws), feedback.EInvalid)
		for _, w := range ws {
			_, err := st.GetProblem(ctx(t), w.Problem.ID)
			wantCode(t, err, feedback.ENotFound)
		}
		before(t)
	})
	t.Run("an invalid suggestion stores nothing", func(t *testing.T) {
		u1 := clone(p1)
		u1.Progress = "已公开"
		bad := split(c, other, p1, p2, p1) // p1 twice
		wantCode(t, st.WriteProblems(ctx(t), []feedback.ProblemWrite{{Problem: u1, Suggestions: []*feedback.Suggestion{bad}}}), feedback.EInvalid)
		before(t)
	})
}
