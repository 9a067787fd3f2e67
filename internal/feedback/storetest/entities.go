package storetest

import (
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func testSymposia(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	s := newSymposium(c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)

	t.Run("create sets version 1", func(t *testing.T) {
		must(t, st.CreateSymposium(ctx(t), s), "create")
		if s.Version != 1 {
			t.Fatalf("Version = %d, want 1", s.Version)
		}
	})
	t.Run("get", func(t *testing.T) {
		got, err := st.GetSymposium(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "GetSymposium", got, s)
	})
	t.Run("get by code", func(t *testing.T) {
		got, err := st.GetSymposiumByCode(ctx(t), s.Code)
		must(t, err, "get by code")
		equal(t, "GetSymposiumByCode", got, s)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := st.GetSymposium(ctx(t), feedback.NewID(c.Now()))
		wantCode(t, err, feedback.ENotFound)
		_, err = st.GetSymposiumByCode(ctx(t), feedback.NewSymposiumCode())
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("duplicate ID", func(t *testing.T) {
		dup := newSymposium(c, "重复的座谈会", campaignFines, feedback.SymposiumDraft)
		dup.ID = s.ID
		wantCode(t, st.CreateSymposium(ctx(t), dup), feedback.EConflict)
		got, err := st.GetSymposium(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "after duplicate", got, s)
		_, err = st.GetSymposiumByCode(ctx(t), dup.Code)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("duplicate code", func(t *testing.T) {
		dup := newSymposium(c, "另一个座谈会", campaignDelegated, feedback.SymposiumDraft)
		dup.Code = s.Code
		wantCode(t, st.CreateSymposium(ctx(t), dup), feedback.EConflict)
		_, err := st.GetSymposium(ctx(t), dup.ID)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("update", func(t *testing.T) {
		u := clone(s)
		u.Status = feedback.SymposiumClosed
		u.Venue = "棠下镇政府二楼会议室"
		u.UpdatedAt = c.Next()
		must(t, st.UpdateSymposium(ctx(t), u), "update")
		if u.Version != 2 {
			t.Fatalf("Version after update = %d, want 2", u.Version)
		}
		got, err := st.GetSymposium(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "after update", got, u)
		got, err = st.GetSymposiumByCode(ctx(t), s.Code)
		must(t, err, "get by code")
		equal(t, "by code after update", got, u)
		*s = *u
	})
	t.Run("stale update", func(t *testing.T) {
		u := clone(s)
		u.Version = 1
		u.Title = "过期的修改"
		wantCode(t, st.UpdateSymposium(ctx(t), u), feedback.EConflict)
		if u.Version != 1 {
			t.Fatalf("Version after failed update = %d, want 1 (unchanged)", u.Version)
		}
		got, err := st.GetSymposium(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "after stale update", got, s)
	})
	t.Run("update missing", func(t *testing.T) {
		u := newSymposium(c, "不存在的座谈会", campaignFines, feedback.SymposiumOpen)
		u.Version = 1
		wantCodes(t, st.UpdateSymposium(ctx(t), u), feedback.ENotFound, feedback.EConflict)
		_, err := st.GetSymposium(ctx(t), u.ID)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("list", func(t *testing.T) {
		s2 := mustSymposium(t, st, c, "职权下放重放轻管座谈会", campaignDelegated, feedback.SymposiumDraft)
		page, err := st.ListSymposia(ctx(t), feedback.SymposiumFilter{})
		must(t, err, "list")
		wantIDs(t, "ListSymposia", page.Items, []string{s2.ID, s.ID})
		equal(t, "listed symposium", page.Items[1], s)
		if page.NextCursor != "" {
			t.Fatalf("NextCursor = %q, want empty", page.NextCursor)
		}
	})
}

func testSuggestions(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	s := newSuggestion(c, sym, samples[0])
	// A problem lead's photos round-trip with it, in order.
	s.PhotoFileIDs = []string{feedback.NewID(c.Next()), feedback.NewID(c.Now().Add(-time.Hour))}

	t.Run("create", func(t *testing.T) {
		stored, created, err := st.CreateSuggestion(ctx(t), s)
		must(t, err, "create")
		if !created {
			t.Fatalf("created = false, want true")
		}
		if s.Version != 1 || stored.Version != 1 {
			t.Fatalf("Version = %d (argument), %d (returned), want 1", s.Version, stored.Version)
		}
		equal(t, "returned suggestion", stored, s)
	})
	t.Run("get", func(t *testing.T) {
		got, err := st.GetSuggestion(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "GetSuggestion", got, s)
	})
	t.Run("get by receipt", func(t *testing.T) {
		got, err := st.GetSuggestionByReceipt(ctx(t), s.Receipt)
		must(t, err, "get by receipt")
		equal(t, "GetSuggestionByReceipt", got, s)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := st.GetSuggestion(ctx(t), feedback.NewID(c.Now()))
		wantCode(t, err, feedback.ENotFound)
		_, err = st.GetSuggestionByReceipt(ctx(t), feedback.NewReceipt())
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("duplicate ID", func(t *testing.T) {
		dup := newSuggestion(c, sym, samples[1])
		dup.ID = s.ID
		_, _, err := st.CreateSuggestion(ctx(t), dup)
		wantCode(t, err, feedback.EConflict)
		_, err = st.GetSuggestionByReceipt(ctx(t), dup.Receipt)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("duplicate receipt", func(t *testing.T) {
		dup := newSuggestion(c, sym, samples[1])
		dup.Receipt = s.Receipt
		_, _, err := st.CreateSuggestion(ctx(t), dup)
		wantCode(t, err, feedback.EConflict)
		_, err = st.GetSuggestion(ctx(t), dup.ID)
		wantCode(t, err, feedback.ENotFound)
		got, err := st.GetSuggestionByReceipt(ctx(t), s.Receipt)
		must(t, err, "get by receipt")
		equal(t, "receipt still points at the first", got, s)
	})
	t.Run("update", func(t *testing.T) {
		u := clone(s)
		u.Status = feedback.SuggestionRouted
		u.ProblemListID = feedback.TriageListID
		u.UpdatedAt = c.Next()
		u.Replies = []feedback.Reply{{Text: "您的意见已收到,已转区司法局研究办理。", Grade: feedback.GradeB, At: u.UpdatedAt, By: "李科员",
			Rating: &feedback.ReplyRating{Rating: feedback.RatingDissatisfied, Comment: "希望尽快办理", At: c.Next()}}}
		u.Notify, u.Contact = true, "13812345678"
		must(t, st.UpdateSuggestion(ctx(t), u), "update")
		if u.Version != 2 {
			t.Fatalf("Version after update = %d, want 2", u.Version)
		}
		got, err := st.GetSuggestion(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "after update", got, u)
		got, err = st.GetSuggestionByReceipt(ctx(t), s.Receipt)
		must(t, err, "get by receipt")
		equal(t, "by receipt after update", got, u)
		*s = *u
	})
	t.Run("stale update", func(t *testing.T) {
		u := clone(s)
		u.Version = 1
		u.Status = feedback.SuggestionDeclined
		wantCode(t, st.UpdateSuggestion(ctx(t), u), feedback.EConflict)
		got, err := st.GetSuggestion(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "after stale update", got, s)
	})
	t.Run("update missing", func(t *testing.T) {
		u := newSuggestion(c, sym, samples[2])
		u.Version = 1
		wantCodes(t, st.UpdateSuggestion(ctx(t), u), feedback.ENotFound, feedback.EConflict)
		_, err := st.GetSuggestion(ctx(t), u.ID)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("paper form keeps its written date", func(t *testing.T) {
		p := newSuggestion(c, sym, samples[2])
		p.Channel = feedback.ChannelStaffEntry
		p.WrittenOn = feedback.DateOf(p.SubmittedAt).AddDays(-9)
		_, _, err := st.CreateSuggestion(ctx(t), p)
		must(t, err, "create")
		got, err := st.GetSuggestion(ctx(t), p.ID)
		must(t, err, "get")
		equal(t, "paper form", got, p)
		got, err = st.GetSuggestionByReceipt(ctx(t), p.Receipt)
		must(t, err, "get by receipt")
		equal(t, "paper form by receipt", got, p)
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{SymposiumID: sym.ID, Channel: feedback.ChannelStaffEntry})
		must(t, err, "list")
		if len(page.Items) != 1 {
			t.Fatalf("listed %d paper forms, want 1", len(page.Items))
		}
		equal(t, "listed paper form", page.Items[0], p)
		u := clone(p)
		u.Status, u.ProblemListID, u.UpdatedAt = feedback.SuggestionRouted, feedback.TriageListID, c.Next()
		must(t, st.UpdateSuggestion(ctx(t), u), "update")
		got, err = st.GetSuggestion(ctx(t), p.ID)
		must(t, err, "get")
		equal(t, "paper form after update", got, u)
		// A date after the day of entry is refused, and nothing is stored.
		late := newSuggestion(c, sym, samples[3])
		late.Channel = feedback.ChannelImport
		late.WrittenOn = feedback.DateOf(late.SubmittedAt).AddDays(1)
		_, _, err = st.CreateSuggestion(ctx(t), late)
		wantCode(t, err, feedback.EInvalid)
		_, err = st.GetSuggestion(ctx(t), late.ID)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("minimal", func(t *testing.T) {
		// No personal data, no topic: the anonymous minimum a form takes.
		m := newSuggestion(c, sym, samples[3])
		m.Name, m.Organization, m.Contact, m.Topic = "", "", "", ""
		stored, created, err := st.CreateSuggestion(ctx(t), m)
		must(t, err, "create")
		if !created {
			t.Fatalf("created = false, want true")
		}
		got, err := st.GetSuggestion(ctx(t), m.ID)
		must(t, err, "get")
		equal(t, "minimal suggestion", got, stored)
	})
}

func testIdempotency(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	symA := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	symB := mustSymposium(t, st, c, "棠下镇综合行政执法进驻式监督座谈会", campaignOnSite, feedback.SymposiumOpen)
	const key = "form-7f3a9c21-retry"

	create := func(t *testing.T, sym *feedback.Symposium, at time.Time, sm sample) (*feedback.Suggestion, *feedback.Suggestion, bool) {
		t.Helper()
		s := newSuggestion(c, sym, sm)
		s.IdempotencyKey = key
		s.SubmittedAt, s.UpdatedAt = at, at
		stored, created, err := st.CreateSuggestion(ctx(t), s)
		must(t, err, "create")
		if stored == nil {
			t.Fatalf("CreateSuggestion returned a nil suggestion")
		}
		return s, stored, created
	}
	t0 := c.Next()
	first, _, created := create(t, symA, t0, samples[0])
	if !created {
		t.Fatalf("first submission: created = false, want true")
	}
	var second *feedback.Suggestion

	t.Run("retry within window returns the stored one", func(t *testing.T) {
		for _, d := range []time.Duration{0, time.Second, time.Hour, feedback.IdempotencyWindow - time.Minute} {
			retry, stored, created := create(t, symA, t0.Add(d), samples[1])
			if created {
				t.Fatalf("retry after %v: created = true, want false", d)
			}
			equal(t, "retry returns", stored, first)
			_, err := st.GetSuggestion(ctx(t), retry.ID)
			wantCode(t, err, feedback.ENotFound)
			_, err = st.GetSuggestionByReceipt(ctx(t), retry.Receipt)
			wantCode(t, err, feedback.ENotFound)
		}
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{SymposiumID: symA.ID})
		must(t, err, "list")
		wantIDs(t, "stored suggestions", page.Items, []string{first.ID})
	})
	t.Run("other symposium is independent", func(t *testing.T) {
		s, stored, created := create(t, symB, t0.Add(time.Minute), samples[2])
		if !created {
			t.Fatalf("same key, other symposium: created = false, want true")
		}
		equal(t, "stored", stored, s)
		_, stored, created = create(t, symB, t0.Add(2*time.Minute), samples[3])
		if created || stored.ID != s.ID {
			t.Fatalf("retry in other symposium: created = %v, ID %s, want false, %s", created, stored.ID, s.ID)
		}
	})
	t.Run("after the window a new one is stored", func(t *testing.T) {
		s, stored, created := create(t, symA, t0.Add(feedback.IdempotencyWindow+time.Minute), samples[4])
		if !created {
			t.Fatalf("after window: created = false, want true")
		}
		equal(t, "stored", stored, s)
		second = s
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{SymposiumID: symA.ID})
		must(t, err, "list")
		wantIDs(t, "stored suggestions", page.Items, []string{second.ID, first.ID})
	})
	t.Run("retry after the window returns the latest", func(t *testing.T) {
		if second == nil {
			t.Skip("needs the previous subtest")
		}
		_, stored, created := create(t, symA, second.SubmittedAt.Add(time.Hour), samples[5])
		if created {
			t.Fatalf("created = true, want false")
		}
		equal(t, "retry returns", stored, second)
	})
	t.Run("no key never deduplicates", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			s := newSuggestion(c, symB, samples[6])
			_, created, err := st.CreateSuggestion(ctx(t), s)
			must(t, err, "create")
			if !created {
				t.Fatalf("suggestion %d without key: created = false, want true", i)
			}
		}
	})
}

func testProblemLists(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()

	t.Run("triage list is seeded", func(t *testing.T) {
		got, err := st.GetProblemList(ctx(t), feedback.TriageListID)
		must(t, err, "get triage")
		if got.ID != feedback.TriageListID || got.Title != feedback.TriageListTitle || !got.Triage {
			t.Fatalf("triage list = %+v, want ID %q, title %q, Triage true", got, feedback.TriageListID, feedback.TriageListTitle)
		}
		page, err := st.ListProblemLists(ctx(t), feedback.ProblemListFilter{})
		must(t, err, "list")
		wantIDs(t, "lists of an empty store", page.Items, []string{feedback.TriageListID})
	})
	t.Run("triage ID is taken", func(t *testing.T) {
		l := newProblemList(c, "假的待分拣", "", "")
		l.ID = feedback.TriageListID
		wantCode(t, st.CreateProblemList(ctx(t), l), feedback.EConflict)
		got, err := st.GetProblemList(ctx(t), feedback.TriageListID)
		must(t, err, "get triage")
		if got.Title != feedback.TriageListTitle {
			t.Fatalf("triage title = %q, want %q", got.Title, feedback.TriageListTitle)
		}
	})
	l1 := newProblemList(c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	t.Run("create and get", func(t *testing.T) {
		must(t, st.CreateProblemList(ctx(t), l1), "create")
		if l1.Version != 1 {
			t.Fatalf("Version = %d, want 1", l1.Version)
		}
		got, err := st.GetProblemList(ctx(t), l1.ID)
		must(t, err, "get")
		equal(t, "GetProblemList", got, l1)
	})
	t.Run("duplicate ID", func(t *testing.T) {
		dup := newProblemList(c, "重复", campaignFines, "")
		dup.ID = l1.ID
		wantCode(t, st.CreateProblemList(ctx(t), dup), feedback.EConflict)
		got, err := st.GetProblemList(ctx(t), l1.ID)
		must(t, err, "get")
		equal(t, "after duplicate", got, l1)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := st.GetProblemList(ctx(t), feedback.NewID(c.Now()))
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("list: triage first, then newest first", func(t *testing.T) {
		l2 := mustProblemList(t, st, c, "棠下镇综合行政执法问题清单", campaignOnSite, unitTown)
		l3 := mustProblemList(t, st, c, "职权下放重放轻管问题清单", campaignDelegated, unitJustice)
		page, err := st.ListProblemLists(ctx(t), feedback.ProblemListFilter{})
		must(t, err, "list")
		wantIDs(t, "ListProblemLists", page.Items, []string{feedback.TriageListID, l3.ID, l2.ID, l1.ID})
		equal(t, "listed list", page.Items[3], l1)
		all := collect(t, 2, func(cur string) (feedback.Page[*feedback.ProblemList], error) {
			return st.ListProblemLists(ctx(t), feedback.ProblemListFilter{Limit: 2, Cursor: cur})
		})
		wantIDs(t, "ListProblemLists by 2", all, []string{feedback.TriageListID, l3.ID, l2.ID, l1.ID})
	})
}

func testAuditEvents(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	p := mustProblem(t, st, c, list, "罚款裁量基准未公开", unitMarket, "2025-04-30", feedback.ProblemOpen)
	other := mustProblem(t, st, c, list, "以罚代管", unitCity, "2025-04-30", feedback.ProblemOpen)

	page, err := st.ListAuditEvents(ctx(t), p.ID, 0, "")
	must(t, err, "list")
	if len(page.Items) != 1 || page.Items[0].Action != feedback.ActionCreated {
		t.Fatalf("events after CreateProblem = %s, want one %q event", show(page.Items), feedback.ActionCreated)
	}
	want := []*feedback.AuditEvent{page.Items[0]}
	steps := []struct{ from, to, note string }{
		{"open", "rectifying", "已制定整改方案"},
		{"rectifying", "rectified", "已在政府网站公开裁量基准"},
		{"rectified", "reopened", "回头看发现仍有执法人员未按基准处罚"},
		{"reopened", "rectifying", "重新组织培训"},
	}
	t.Run("append", func(t *testing.T) {
		for _, s := range steps {
			now := c.Next()
			ev := &feedback.AuditEvent{ID: feedback.NewID(now), ProblemID: p.ID, Actor: "张科长", At: now,
				Action: feedback.ActionTransition, From: s.from, To: s.to, Note: s.note, Evidence: "整改报告.pdf"}
			must(t, st.AppendAuditEvent(ctx(t), ev), "append")
			want = append(want, ev)
		}
		now := c.Next()
		must(t, st.AppendAuditEvent(ctx(t), &feedback.AuditEvent{ID: feedback.NewID(now), ProblemID: other.ID,
			Actor: "李科员", At: now, Action: feedback.ActionEdited, Note: "调整整改期限"}), "append other")
	})
	t.Run("list oldest first", func(t *testing.T) {
		page, err := st.ListAuditEvents(ctx(t), p.ID, 0, "")
		must(t, err, "list")
		equal(t, "ListAuditEvents", page.Items, want)
	})
	t.Run("paged", func(t *testing.T) {
		all := collect(t, 2, func(cur string) (feedback.Page[*feedback.AuditEvent], error) {
			return st.ListAuditEvents(ctx(t), p.ID, 2, cur)
		})
		equal(t, "ListAuditEvents by 2", all, want)
	})
	t.Run("duplicate ID", func(t *testing.T) {
		dup := *want[1]
		dup.Note = "篡改的记录"
		wantCode(t, st.AppendAuditEvent(ctx(t), &dup), feedback.EConflict)
		page, err := st.ListAuditEvents(ctx(t), p.ID, 0, "")
		must(t, err, "list")
		equal(t, "after duplicate", page.Items, want)
	})
	t.Run("unknown problem lists nothing", func(t *testing.T) {
		page, err := st.ListAuditEvents(ctx(t), feedback.NewID(c.Now()), 0, "")
		must(t, err, "list")
		if len(page.Items) != 0 || page.NextCursor != "" {
			t.Fatalf("got %d events, cursor %q, want none", len(page.Items), page.NextCursor)
		}
	})
}

func testRuleSet(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()

	t.Run("empty", func(t *testing.T) {
		rs, err := st.GetRuleSet(ctx(t))
		must(t, err, "get")
		if rs == nil || len(rs.Rules) != 0 || rs.Version != 0 {
			t.Fatalf("GetRuleSet on an empty store = %s, want no rules, version 0", show(rs))
		}
	})
	rs := &feedback.RuleSet{
		Rules: []feedback.RoutingRule{
			{Name: "乱罚款", Match: feedback.RuleMatch{Campaigns: []string{campaignFines}, KeywordsAny: []string{"罚款", "罚没", "处罚"}},
				ProblemListID: "fines-list", ResponsibleUnit: unitMarket, DeadlineDays: 30},
			{Name: "下放事项", Match: feedback.RuleMatch{KeywordsAll: []string{"下放", "承接"},
				ParticipantKinds: []feedback.ParticipantKind{feedback.NPCDeputy, feedback.CPPCCMember}, SymposiumIDs: []string{"sym-1"}, Topics: []string{"职权下放"}},
				ProblemListID: "delegated-list", ResponsibleUnit: unitTown, DeadlineDays: 60},
			// A disabled rule keeps its place and comes back disabled.
			{Name: "暂停的规则", Match: feedback.RuleMatch{KeywordsAny: []string{"噪音"}}, ProblemListID: "fines-list", Disabled: true},
			{Name: "执法检查", Match: feedback.RuleMatch{KeywordsAny: []string{"检查"}},
				ProblemListID: "fines-list", ResponsibleUnit: unitCity, DeadlineWorkingDays: 10},
		},
		UpdatedAt: c.Next(),
		UpdatedBy: "张科长",
	}
	t.Run("first put from version 0", func(t *testing.T) {
		must(t, st.PutRuleSet(ctx(t), rs), "put")
		if rs.Version != 1 {
			t.Fatalf("Version = %d, want 1", rs.Version)
		}
		got, err := st.GetRuleSet(ctx(t))
		must(t, err, "get")
		equal(t, "GetRuleSet", got, rs)
	})
	t.Run("stale put", func(t *testing.T) {
		for _, v := range []int64{0, 2, 7} {
			stale := &feedback.RuleSet{Rules: rs.Rules[:1], Version: v, UpdatedAt: c.Next(), UpdatedBy: "李科员"}
			wantCode(t, st.PutRuleSet(ctx(t), stale), feedback.EConflict)
			if stale.Version != v {
				t.Fatalf("Version after failed put = %d, want %d", stale.Version, v)
			}
		}
		got, err := st.GetRuleSet(ctx(t))
		must(t, err, "get")
		equal(t, "after stale puts", got, rs)
	})
	t.Run("replace", func(t *testing.T) {
		next := &feedback.RuleSet{Rules: rs.Rules[1:], Version: rs.Version, UpdatedAt: c.Next(), UpdatedBy: "李科员"}
		must(t, st.PutRuleSet(ctx(t), next), "put")
		if next.Version != 2 {
			t.Fatalf("Version = %d, want 2", next.Version)
		}
		got, err := st.GetRuleSet(ctx(t))
		must(t, err, "get")
		equal(t, "after replace", got, next)
	})
	t.Run("empty rules", func(t *testing.T) {
		empty := &feedback.RuleSet{Version: 2, UpdatedAt: c.Next(), UpdatedBy: "张科长"}
		must(t, st.PutRuleSet(ctx(t), empty), "put")
		got, err := st.GetRuleSet(ctx(t))
		must(t, err, "get")
		equal(t, "after clearing", got, empty)
	})
}

func testSummaries(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	s := newSummary(c, feedback.Monthly, "2025-03-10")

	t.Run("put and get", func(t *testing.T) {
		must(t, st.PutSummary(ctx(t), s), "put")
		got, err := st.GetSummary(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "GetSummary", got, s)
	})
	t.Run("put replaces by ID", func(t *testing.T) {
		again := newSummary(c, feedback.Monthly, "2025-03-10")
		again.Suggestions.Received = 21
		again.Suggestions.BySymposium = map[string]int{"01jnsymposiuma": 21}
		again.Units = again.Units[:1]
		must(t, st.PutSummary(ctx(t), again), "put again")
		got, err := st.GetSummary(ctx(t), s.ID)
		must(t, err, "get")
		equal(t, "after replace", got, again)
		page, err := st.ListSummaries(ctx(t), feedback.SummaryFilter{})
		must(t, err, "list")
		wantIDs(t, "ListSummaries", page.Items, []string{s.ID})
		*s = *again
	})
	t.Run("not found", func(t *testing.T) {
		_, err := st.GetSummary(ctx(t), feedback.SummaryID(feedback.Daily, "2024-01-01"))
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("list newest period first and by period", func(t *testing.T) {
		d1 := newSummary(c, feedback.Daily, "2025-03-09")
		d2 := newSummary(c, feedback.Daily, "2025-03-10")
		w := newSummary(c, feedback.Weekly, "2025-03-05") // 03-03 .. 03-09
		feb := newSummary(c, feedback.Monthly, "2025-02-14")
		for _, x := range []*feedback.Summary{d1, d2, w, feb} {
			must(t, st.PutSummary(ctx(t), x), "put "+x.ID)
		}
		// From descending: 03-10, 03-09, 03-03, 03-01, 02-01.
		all := collect(t, 2, func(cur string) (feedback.Page[*feedback.Summary], error) {
			return st.ListSummaries(ctx(t), feedback.SummaryFilter{Limit: 2, Cursor: cur})
		})
		wantIDs(t, "ListSummaries", all, []string{d2.ID, d1.ID, w.ID, s.ID, feb.ID})
		for _, tt := range []struct {
			period feedback.Period
			want   []string
		}{
			{feedback.Daily, []string{d2.ID, d1.ID}},
			{feedback.Weekly, []string{w.ID}},
			{feedback.Monthly, []string{s.ID, feb.ID}},
		} {
			page, err := st.ListSummaries(ctx(t), feedback.SummaryFilter{Period: tt.period})
			must(t, err, "list")
			wantIDs(t, "ListSummaries "+string(tt.period), page.Items, tt.want)
		}
	})
}

func testAccounts(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	admin := newAccount(c, "张科长", feedback.RoleAdmin, "")
	t.Run("create and get by token hash", func(t *testing.T) {
		must(t, st.CreateAccount(ctx(t), admin), "create")
		got, err := st.GetAccountByTokenHash(ctx(t), admin.TokenHash)
		must(t, err, "get")
		equal(t, "GetAccountByTokenHash", got, admin)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := st.GetAccountByTokenHash(ctx(t), feedback.HashToken("nobody"))
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("duplicate ID or token", func(t *testing.T) {
		dup := newAccount(c, "李科员", feedback.RoleStaff, "")
		dup.ID = admin.ID
		wantCode(t, st.CreateAccount(ctx(t), dup), feedback.EConflict)
		_, err := st.GetAccountByTokenHash(ctx(t), dup.TokenHash)
		wantCode(t, err, feedback.ENotFound)
		dup = newAccount(c, "李科员", feedback.RoleStaff, "")
		dup.TokenHash = admin.TokenHash
		wantCode(t, st.CreateAccount(ctx(t), dup), feedback.EConflict)
		got, err := st.GetAccountByTokenHash(ctx(t), admin.TokenHash)
		must(t, err, "get")
		equal(t, "token still names the first", got, admin)
	})
	t.Run("list oldest first", func(t *testing.T) {
		want := []*feedback.Account{admin}
		for _, a := range []*feedback.Account{
			newAccount(c, "李科员", feedback.RoleStaff, ""),
			newAccount(c, "市场监管局联络员", feedback.RoleUnit, unitMarket),
			newAccount(c, "棠下镇联络员", feedback.RoleUnit, unitTown),
			newAccount(c, "城管局联络员", feedback.RoleUnit, unitCity),
		} {
			must(t, st.CreateAccount(ctx(t), a), "create "+a.Name)
			want = append(want, a)
		}
		all := collect(t, 2, func(cur string) (feedback.Page[*feedback.Account], error) {
			return st.ListAccounts(ctx(t), 2, cur)
		})
		equal(t, "ListAccounts", all, want)
	})
}
