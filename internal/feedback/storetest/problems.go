package storetest

import (
	"sync"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// adopt returns a copy of s adopted into problem p.
func adopt(c *clock, s *feedback.Suggestion, p *feedback.Problem) *feedback.Suggestion {
	u := clone(s)
	u.Status = feedback.SuggestionAdopted
	u.ProblemListID = p.ProblemListID
	u.ProblemID = p.ID
	u.UpdatedAt = c.Next()
	u.Replies = []feedback.Reply{{Text: "您反映的问题已列入整改清单:" + p.Title, Grade: feedback.GradeB, At: u.UpdatedAt}}
	return u
}

// route returns a copy of s routed to list.
func route(c *clock, s *feedback.Suggestion, list string) *feedback.Suggestion {
	u := clone(s)
	u.Status = feedback.SuggestionRouted
	u.ProblemListID = list
	u.RuleName = "乱罚款"
	u.UpdatedAt = c.Next()
	return u
}

func getSuggestion(tb testing.TB, st feedback.Store, id string) *feedback.Suggestion {
	tb.Helper()
	s, err := st.GetSuggestion(ctx(tb), id)
	must(tb, err, "get suggestion "+id)
	return s
}

func getProblem(tb testing.TB, st feedback.Store, id string) *feedback.Problem {
	tb.Helper()
	p, err := st.GetProblem(ctx(tb), id)
	must(tb, err, "get problem "+id)
	return p
}

func events(tb testing.TB, st feedback.Store, problemID string) []*feedback.AuditEvent {
	tb.Helper()
	page, err := st.ListAuditEvents(ctx(tb), problemID, feedback.MaxListLimit, "")
	must(tb, err, "list events of "+problemID)
	return page.Items
}

func testProblems(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	s1 := mustSuggestion(t, st, c, sym, samples[0])
	s2 := mustSuggestion(t, st, c, sym, samples[8])

	p := newProblem(c, list, "行政处罚裁量基准未公开", unitMarket, "2025-04-30", feedback.ProblemOpen)
	p.SuggestionIDs = []string{s1.ID, s2.ID}
	ev := creationEvent(c, p)
	a1, a2 := adopt(c, s1, p), adopt(c, s2, p)

	t.Run("create with suggestions", func(t *testing.T) {
		must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev, Suggestions: []*feedback.Suggestion{a1, a2}}), "create")
		if p.Version != 1 {
			t.Fatalf("problem Version = %d, want 1", p.Version)
		}
		if a1.Version != 2 || a2.Version != 2 {
			t.Fatalf("suggestion Versions = %d, %d, want 2, 2", a1.Version, a2.Version)
		}
		equal(t, "GetProblem", getProblem(t, st, p.ID), p)
		equal(t, "suggestion 1", getSuggestion(t, st, s1.ID), a1)
		equal(t, "suggestion 2", getSuggestion(t, st, s2.ID), a2)
		equal(t, "events", events(t, st, p.ID), []*feedback.AuditEvent{ev})
	})
	t.Run("not found", func(t *testing.T) {
		_, err := st.GetProblem(ctx(t), feedback.NewID(c.Now()))
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("duplicate ID", func(t *testing.T) {
		dup := newProblem(c, list, "重复的问题", unitCity, "2025-05-31", feedback.ProblemOpen)
		dup.ID = p.ID
		dev := creationEvent(c, dup)
		wantStoreConflict(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: dup, Event: dev}))
		equal(t, "problem after duplicate", getProblem(t, st, p.ID), p)
		equal(t, "events after duplicate", events(t, st, p.ID), []*feedback.AuditEvent{ev})
	})
	t.Run("update with event", func(t *testing.T) {
		u := clone(p)
		tev, err := u.Apply(feedback.Transition{To: feedback.ProblemRectifying, Note: "已制定整改方案"}, c.Next())
		must(t, err, "apply")
		tev.Actor = "市场监管局联络员"
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: tev}), "update")
		if u.Version != 2 {
			t.Fatalf("Version after update = %d, want 2", u.Version)
		}
		equal(t, "after update", getProblem(t, st, p.ID), u)
		equal(t, "events", events(t, st, p.ID), []*feedback.AuditEvent{ev, tev})
		*p = *u
		ev2 := tev
		t.Run("nil event appends nothing", func(t *testing.T) {
			u := clone(p)
			u.Progress = "已完成第一轮培训"
			u.UpdatedAt = c.Next()
			must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), "update")
			equal(t, "after update", getProblem(t, st, p.ID), u)
			equal(t, "events", events(t, st, p.ID), []*feedback.AuditEvent{ev, ev2})
			*p = *u
		})
	})
	t.Run("update links a suggestion", func(t *testing.T) {
		s3 := mustSuggestion(t, st, c, sym, samples[9])
		u := clone(p)
		u.SuggestionIDs = append(append([]string(nil), p.SuggestionIDs...), s3.ID)
		u.UpdatedAt = c.Next()
		now := c.Next()
		lev := &feedback.AuditEvent{ID: feedback.NewID(now), ProblemID: p.ID, Actor: "张科长", At: now, Action: feedback.ActionLinked, Note: s3.Receipt}
		a3 := adopt(c, s3, u)
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: lev, Suggestions: []*feedback.Suggestion{a3}}), "update")
		if a3.Version != 2 {
			t.Fatalf("suggestion Version = %d, want 2", a3.Version)
		}
		equal(t, "problem", getProblem(t, st, p.ID), u)
		equal(t, "suggestion", getSuggestion(t, st, s3.ID), a3)
		*p = *u
	})
	t.Run("list", func(t *testing.T) {
		p2 := mustProblem(t, st, c, list, "罚没收入指标", unitJustice, "2025-06-30", feedback.ProblemOpen)
		page, err := st.ListProblems(ctx(t), feedback.ProblemFilter{})
		must(t, err, "list")
		wantIDs(t, "ListProblems", page.Items, []string{p.ID, p2.ID})
		equal(t, "listed problem", page.Items[0], p)
	})
}

func testProblemAtomicity(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "棠下镇综合行政执法进驻式监督座谈会", campaignOnSite, feedback.SymposiumOpen)
	list := mustProblemList(t, st, c, "棠下镇综合行政执法问题清单", campaignOnSite, unitTown)
	s1 := mustSuggestion(t, st, c, sym, samples[5])
	s2 := mustSuggestion(t, st, c, sym, samples[6])

	t.Run("create with a stale suggestion stores nothing", func(t *testing.T) {
		// Someone routes s2 after we read it.
		r2 := route(c, s2, list.ID)
		must(t, st.UpdateSuggestion(ctx(t), r2), "route s2")
		before1, before2 := getSuggestion(t, st, s1.ID), getSuggestion(t, st, s2.ID)

		p := newProblem(c, list, "以罚代管,罚款后不跟踪整改", unitCity, "2025-04-15", feedback.ProblemOpen)
		p.SuggestionIDs = []string{s1.ID, s2.ID}
		ev := creationEvent(c, p)
		a1, a2 := adopt(c, s1, p), adopt(c, s2, p) // a2 carries the stale Version 1
		wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev, Suggestions: []*feedback.Suggestion{a1, a2}}), feedback.EConflict)

		_, err := st.GetProblem(ctx(t), p.ID)
		wantCode(t, err, feedback.ENotFound)
		if evs := events(t, st, p.ID); len(evs) != 0 {
			t.Fatalf("events after failed create = %s, want none", show(evs))
		}
		equal(t, "suggestion 1 after failed create", getSuggestion(t, st, s1.ID), before1)
		equal(t, "suggestion 2 after failed create", getSuggestion(t, st, s2.ID), before2)
		page, err := st.ListProblems(ctx(t), feedback.ProblemFilter{ProblemListID: list.ID})
		must(t, err, "list")
		if len(page.Items) != 0 {
			t.Fatalf("problems after failed create = %v, want none", ids(page.Items))
		}
		*s2 = *r2
	})
	t.Run("create with a missing suggestion stores nothing", func(t *testing.T) {
		ghost := newSuggestion(c, sym, samples[7])
		ghost.Version = 1
		p := newProblem(c, list, "违法建设查处不及时", unitTown, "2025-04-15", feedback.ProblemOpen)
		p.SuggestionIDs = []string{s1.ID, ghost.ID}
		ev := creationEvent(c, p)
		wantCodes(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev, Suggestions: []*feedback.Suggestion{adopt(c, s1, p), adopt(c, ghost, p)}}), feedback.EConflict, feedback.ENotFound)
		_, err := st.GetProblem(ctx(t), p.ID)
		wantCode(t, err, feedback.ENotFound)
		equal(t, "suggestion 1", getSuggestion(t, st, s1.ID), s1)
		_, err = st.GetSuggestion(ctx(t), ghost.ID)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("create with a taken event ID stores nothing", func(t *testing.T) {
		first := mustProblem(t, st, c, list, "执法证件未出示", unitCity, "2025-04-15", feedback.ProblemOpen)
		taken := events(t, st, first.ID)[0]
		p := newProblem(c, list, "执法文书不规范", unitCity, "2025-04-15", feedback.ProblemOpen)
		ev := creationEvent(c, p)
		ev.ID = taken.ID
		wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev, Suggestions: []*feedback.Suggestion{adopt(c, s1, p)}}), feedback.EConflict)
		_, err := st.GetProblem(ctx(t), p.ID)
		wantCode(t, err, feedback.ENotFound)
		equal(t, "suggestion 1", getSuggestion(t, st, s1.ID), s1)
	})

	// A problem that exists, for the update cases.
	p := newProblem(c, list, "占道经营反复出现", unitCity, "2025-04-15", feedback.ProblemOpen)
	p.SuggestionIDs = []string{s1.ID}
	a1 := adopt(c, s1, p)
	must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p), Suggestions: []*feedback.Suggestion{a1}}), "create")
	*s1 = *a1
	evsBefore := events(t, st, p.ID)

	t.Run("update with a stale problem version stores nothing", func(t *testing.T) {
		u := clone(p)
		u.Version = 0
		tev, err := u.Apply(feedback.Transition{To: feedback.ProblemRectifying, Note: "开始整改"}, c.Next())
		must(t, err, "apply")
		a2 := adopt(c, s2, u)
		wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: tev, Suggestions: []*feedback.Suggestion{a2}}), feedback.EConflict)
		equal(t, "problem", getProblem(t, st, p.ID), p)
		equal(t, "events", events(t, st, p.ID), evsBefore)
		equal(t, "suggestion 2", getSuggestion(t, st, s2.ID), s2)
	})
	t.Run("update with a stale suggestion stores nothing", func(t *testing.T) {
		u := clone(p)
		tev, err := u.Apply(feedback.Transition{To: feedback.ProblemRectifying, Note: "开始整改"}, c.Next())
		must(t, err, "apply")
		a2 := adopt(c, s2, u)
		a2.Version = 1 // s2 is at 2 since it was routed
		wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: tev, Suggestions: []*feedback.Suggestion{a2}}), feedback.EConflict)
		equal(t, "problem", getProblem(t, st, p.ID), p)
		equal(t, "events", events(t, st, p.ID), evsBefore)
		equal(t, "suggestion 2", getSuggestion(t, st, s2.ID), s2)
	})
	t.Run("update with an invalid suggestion stores nothing", func(t *testing.T) {
		u := clone(p)
		u.Progress = "整改中"
		a2 := adopt(c, s2, u)
		a2.Content = "无效\xff编码的内容"
		wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Suggestions: []*feedback.Suggestion{a2}}), feedback.EInvalid)
		equal(t, "problem", getProblem(t, st, p.ID), p)
		equal(t, "suggestion 2", getSuggestion(t, st, s2.ID), s2)
	})
	t.Run("update missing problem", func(t *testing.T) {
		u := newProblem(c, list, "不存在的问题", unitCity, "", feedback.ProblemOpen)
		u.Version = 1
		wantCodes(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), feedback.ENotFound, feedback.EConflict)
		_, err := st.GetProblem(ctx(t), u.ID)
		wantCode(t, err, feedback.ENotFound)
	})
}

func testConcurrency(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "职权下放重放轻管座谈会", campaignDelegated, feedback.SymposiumOpen)
	s := mustSuggestion(t, st, c, sym, samples[2])

	t.Run("second update from the same read conflicts", func(t *testing.T) {
		read1 := getSuggestion(t, st, s.ID)
		read2 := getSuggestion(t, st, s.ID)
		u1 := route(c, read1, feedback.TriageListID)
		must(t, st.UpdateSuggestion(ctx(t), u1), "first update")
		u2 := clone(read2)
		u2.Status = feedback.SuggestionDeclined
		u2.Replies = []feedback.Reply{{Text: "该事项不属于本次座谈会范围", Grade: feedback.GradeD, At: c.Next()}}
		wantStoreConflict(t, st.UpdateSuggestion(ctx(t), u2))
		equal(t, "stored", getSuggestion(t, st, s.ID), u1)
		*s = *u1
	})
	t.Run("versions increment", func(t *testing.T) {
		for want := s.Version + 1; want < s.Version+4; want++ {
			u := getSuggestion(t, st, s.ID)
			u.UpdatedAt = c.Next()
			u.Replies = append(u.Replies, feedback.Reply{Text: "处理中", Grade: feedback.GradeB, At: u.UpdatedAt})
			must(t, st.UpdateSuggestion(ctx(t), u), "update")
			if u.Version != want {
				t.Fatalf("Version = %d, want %d", u.Version, want)
			}
			if got := getSuggestion(t, st, s.ID).Version; got != want {
				t.Fatalf("stored Version = %d, want %d", got, want)
			}
		}
	})
	t.Run("parallel updates: exactly one wins", func(t *testing.T) {
		read := getSuggestion(t, st, s.ID)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			u := clone(read)
			u.Replies = []feedback.Reply{{Text: "并发修改 " + string(rune('A'+i)), Grade: feedback.GradeC, At: c.Now()}}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.UpdateSuggestion(ctx(t), u)
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch feedback.ErrorCode(err) {
			case "":
				won++
			case feedback.EConflict:
			default:
				t.Fatalf("update %d: %v, want success or EConflict", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d updates succeeded, want exactly 1", won)
		}
		if got := getSuggestion(t, st, s.ID).Version; got != read.Version+1 {
			t.Fatalf("stored Version = %d, want %d", got, read.Version+1)
		}
	})
	t.Run("symposium and problem too", func(t *testing.T) {
		r1, r2 := clone(sym), clone(sym)
		r1.Status = feedback.SymposiumClosed
		must(t, st.UpdateSymposium(ctx(t), r1), "first")
		r2.Title = "改名"
		wantStoreConflict(t, st.UpdateSymposium(ctx(t), r2))

		list := mustProblemList(t, st, c, "职权下放问题清单", campaignDelegated, unitJustice)
		p := mustProblem(t, st, c, list, "区级部门放而不管", unitTown, "2025-05-31", feedback.ProblemOpen)
		q1, q2 := clone(p), clone(p)
		q1.Progress = "已开展培训"
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: q1}), "first")
		q2.Progress = "另一个人的修改"
		wantStoreConflict(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: q2}))
		equal(t, "problem", getProblem(t, st, p.ID), q1)
	})
}
