package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func newNotice(c *clock, kind string, p *feedback.Problem, unit string) *feedback.Notice {
	now := c.Next()
	n := &feedback.Notice{
		ID: feedback.NewID(now), Kind: kind, Unit: unit, Subject: "Jianyan " + kind,
		Text: "【建言】" + unit + ":新交办问题,请按期整改。", CreatedAt: now,
	}
	if p != nil {
		n.ProblemID = p.ID
		n.Link = "https://jianyan.example/console/problems/" + p.ID
		n.CoUnits = p.CoUnits
	}
	return n
}

func testNotices(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)

	var first *feedback.Notice
	t.Run("created with the problem, atomically", func(t *testing.T) {
		p := newProblem(c, list, "门前三包罚款标准不一", unitMarket, "2025-04-30", feedback.ProblemOpen)
		first = newNotice(c, feedback.NoticeAssignment, p, unitMarket)
		must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p), Notices: []*feedback.Notice{first}}), "create")
		if first.Version != 1 {
			t.Fatalf("notice Version = %d, want 1", first.Version)
		}
		got, err := st.GetNotice(ctx(t), first.ID)
		must(t, err, "get")
		equal(t, "GetNotice", got, first)
	})
	t.Run("a failed problem write stores no notice", func(t *testing.T) {
		p := newProblem(c, list, "重复罚款", unitMarket, "2025-04-30", feedback.ProblemOpen)
		must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p}), "create")
		stale := clone(p)
		stale.Version = 7
		n := newNotice(c, feedback.NoticeAssignment, p, unitTown)
		wantStoreConflict(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: stale, Notices: []*feedback.Notice{n}}))
		_, err := st.GetNotice(ctx(t), n.ID)
		wantCode(t, err, feedback.ENotFound)
		if n.Version != 0 {
			t.Errorf("notice Version = %d after a failed write, want 0", n.Version)
		}
		ok := clone(p)
		ok.ResponsibleUnit = unitTown
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: ok, Notices: []*feedback.Notice{n}}), "update")
		_, err = st.GetNotice(ctx(t), n.ID)
		must(t, err, "get after update")
	})
	t.Run("standalone, duplicate ID", func(t *testing.T) {
		n := newNotice(c, feedback.NoticeReply, nil, "")
		n.SuggestionID = feedback.NewID(c.Now())
		must(t, st.CreateNotice(ctx(t), n), "create")
		dup := clone(n)
		dup.Version = 0
		wantCode(t, st.CreateNotice(ctx(t), dup), feedback.EConflict)
	})
	t.Run("pending oldest first, delivered ones leave", func(t *testing.T) {
		pending, err := st.ListPendingNotices(ctx(t), c.Next(), 0)
		must(t, err, "list")
		if len(pending) != 3 {
			t.Fatalf("pending = %d, want 3", len(pending))
		}
		for i := 1; i < len(pending); i++ {
			if pending[i].CreatedAt.Before(pending[i-1].CreatedAt) {
				t.Fatalf("pending not oldest first: %v", ids(pending))
			}
		}
		equal(t, "first pending", pending[0], first)
		early, err := st.ListPendingNotices(ctx(t), first.CreatedAt.Add(time.Millisecond), 0)
		must(t, err, "list early")
		wantIDs(t, "created before the second", early, []string{first.ID})
		limited, err := st.ListPendingNotices(ctx(t), c.Next(), 2)
		must(t, err, "list limited")
		if len(limited) != 2 {
			t.Fatalf("limit 2 gave %d", len(limited))
		}

		d := clone(first)
		d.Delivered = []string{feedback.TargetOffice}
		d.Attempts = 1
		d.LastError = "unit:区市场监督管理局: 钉钉机器人拒收:关键词不符"
		must(t, st.UpdateNotice(ctx(t), d), "partly delivered")
		got, err := st.GetNotice(ctx(t), first.ID)
		must(t, err, "get")
		equal(t, "partly delivered", got, d)
		d.Delivered = append(d.Delivered, feedback.UnitTarget(unitMarket))
		d.Attempts, d.LastError, d.DeliveredAt = 2, "", c.Next()
		must(t, st.UpdateNotice(ctx(t), d), "delivered")
		pending, err = st.ListPendingNotices(ctx(t), c.Next(), 0)
		must(t, err, "list")
		for _, n := range pending {
			if n.ID == first.ID {
				t.Fatal("a delivered notice is still pending")
			}
		}
		stale := clone(first)
		stale.Attempts = 5
		wantStoreConflict(t, st.UpdateNotice(ctx(t), stale))
	})
	t.Run("bad notices refused", func(t *testing.T) {
		p := newProblem(c, list, "执法不规范", unitCity, "2025-04-30", feedback.ProblemOpen)
		bad := newNotice(c, "telegram", p, unitCity)
		wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Notices: []*feedback.Notice{bad}}), feedback.EInvalid)
		_, err := st.GetProblem(ctx(t), p.ID)
		wantCode(t, err, feedback.ENotFound)
		noText := newNotice(c, feedback.NoticeAssignment, nil, unitCity)
		noText.Text = ""
		wantCode(t, st.CreateNotice(ctx(t), noText), feedback.EInvalid)
		badID := newNotice(c, feedback.NoticeAssignment, nil, unitCity)
		badID.ID = "通知/1"
		wantCode(t, st.CreateNotice(ctx(t), badID), feedback.EInvalid)
		_, err = st.GetNotice(ctx(t), "no such notice")
		wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
	})
}

func newUnit(c *clock, name, head string) *feedback.Unit {
	now := c.Next()
	return &feedback.Unit{Name: name, Head: head, Contact: "0571-8888 0000", CreatedAt: now, UpdatedAt: now, UpdatedBy: "张科长"}
}

func testUnits(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	market := newUnit(c, unitMarket, "王局长")
	market.Notify = feedback.NotifyChannel{Kind: feedback.NotifyDingTalk,
		URL: "https://oapi.dingtalk.com/robot/send?access_token=abc123", Secret: "SECabc"}
	t.Run("create and get", func(t *testing.T) {
		must(t, st.CreateUnit(ctx(t), market), "create")
		if market.Version != 1 {
			t.Fatalf("Version = %d, want 1", market.Version)
		}
		got, err := st.GetUnit(ctx(t), unitMarket)
		must(t, err, "get")
		equal(t, "GetUnit", got, market)
		_, err = st.GetUnit(ctx(t), "区不存在局")
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("name taken", func(t *testing.T) {
		dup := newUnit(c, unitMarket, "李局长")
		wantCode(t, st.CreateUnit(ctx(t), dup), feedback.EConflict)
		got, err := st.GetUnit(ctx(t), unitMarket)
		must(t, err, "get")
		equal(t, "unchanged", got, market)
	})
	t.Run("update is optimistic", func(t *testing.T) {
		a, b := clone(market), clone(market)
		a.Head, a.UpdatedAt = "李局长", c.Next()
		a.Notify = feedback.NotifyChannel{}
		must(t, st.UpdateUnit(ctx(t), a), "update")
		b.Contact = "另一人的修改"
		wantStoreConflict(t, st.UpdateUnit(ctx(t), b))
		got, err := st.GetUnit(ctx(t), unitMarket)
		must(t, err, "get")
		equal(t, "stored", got, a)
		ghost := newUnit(c, "区不存在局", "")
		ghost.Version = 1
		wantCodes(t, st.UpdateUnit(ctx(t), ghost), feedback.ENotFound, feedback.EConflict)
	})
	t.Run("list in name order", func(t *testing.T) {
		for _, name := range []string{unitTown, unitCity, unitJustice, "区人力资源和社会保障局"} {
			must(t, st.CreateUnit(ctx(t), newUnit(c, name, "")), "create "+name)
		}
		all := collect(t, 2, func(cur string) (feedback.Page[*feedback.Unit], error) {
			return st.ListUnits(ctx(t), feedback.UnitFilter{Limit: 2, Cursor: cur})
		})
		var names []string
		for _, u := range all {
			names = append(names, u.Name)
		}
		for i := 1; i < len(names); i++ {
			if names[i] <= names[i-1] {
				t.Fatalf("units not in name order: %q", names)
			}
		}
		if len(names) != 5 {
			t.Fatalf("listed %d units, want 5", len(names))
		}
	})
	t.Run("bad units refused", func(t *testing.T) {
		for _, u := range []*feedback.Unit{
			newUnit(c, "", ""),
			newUnit(c, "区司法局/办公室", ""),
			{Name: "区审计局", Notify: feedback.NotifyChannel{Kind: feedback.NotifyWeCom, URL: "https://example.com/hook"}},
		} {
			wantCode(t, st.CreateUnit(ctx(t), u), feedback.EInvalid)
		}
	})
	t.Run("parallel creates of one name: exactly one wins", func(t *testing.T) {
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			u := newUnit(c, "区审计局", string(rune('甲'+i)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.CreateUnit(ctx(t), u)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				wantCode(t, err, feedback.EConflict)
			}
		}
		if won != 1 {
			t.Fatalf("%d creates succeeded, want 1", won)
		}
	})
}

// Round two's problem fields round-trip on every store.
func testProblemFieldsRoundTrip(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	p := newProblem(c, list, "门前三包罚款标准不一", unitMarket, "2025-10-17", feedback.ProblemRectifying)
	p.DeadlineWorkingDays = 5
	p.OriginalDeadline = "2025-10-10"
	p.Extensions = 1
	p.PendingExtensionID = feedback.NewID(c.Now())
	p.Supervised = true
	p.EscalatedDeadline = "2025-10-10"
	must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p}), "create")
	equal(t, "GetProblem", getProblem(t, st, p.ID), p)
	u := clone(p)
	u.Supervised, u.PendingExtensionID, u.DeadlineWorkingDays = false, "", 0
	must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), "update")
	equal(t, "after update", getProblem(t, st, p.ID), u)
	bad := clone(u)
	bad.DeadlineWorkingDays = -1
	wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: bad}), feedback.EInvalid)
}

// The unit migration rewrites problem lists' owner units and local
// accounts' units.
func testUnitRewrites(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	t.Run("problem list update is optimistic", func(t *testing.T) {
		l := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, "区市场监管局")
		a, b := clone(l), clone(l)
		a.OwnerUnit, a.UpdatedAt = unitMarket, c.Next()
		must(t, st.UpdateProblemList(ctx(t), a), "update")
		if a.Version != l.Version+1 {
			t.Fatalf("Version = %d, want %d", a.Version, l.Version+1)
		}
		got, err := st.GetProblemList(ctx(t), l.ID)
		must(t, err, "get")
		equal(t, "GetProblemList", got, a)
		b.Title = "另一人的修改"
		wantStoreConflict(t, st.UpdateProblemList(ctx(t), b))
		triage, err := st.GetProblemList(ctx(t), feedback.TriageListID)
		must(t, err, "get triage")
		triage.OwnerUnit = unitMarket
		wantCode(t, st.UpdateProblemList(ctx(t), triage), feedback.EInvalid)
		bad := clone(a)
		bad.Title = ""
		wantCode(t, st.UpdateProblemList(ctx(t), bad), feedback.EInvalid)
	})
	t.Run("account update keeps the token", func(t *testing.T) {
		a := newAccount(c, "市场监管局联络员", feedback.RoleUnit, "区市场监管局")
		must(t, st.CreateAccount(ctx(t), a), "create")
		u := clone(a)
		u.Unit = unitMarket
		u.Disabled = true // kept with the account and its token copy
		must(t, st.UpdateAccount(ctx(t), u), "update")
		got, err := st.GetAccountByTokenHash(ctx(t), a.TokenHash)
		must(t, err, "get by token")
		equal(t, "after update", got, u)
		all := collect(t, 10, func(cur string) (feedback.Page[*feedback.Account], error) { return st.ListAccounts(ctx(t), 10, cur) })
		equal(t, "listed", all, []*feedback.Account{u})
		ghost := newAccount(c, "无此人", feedback.RoleStaff, "")
		wantCode(t, st.UpdateAccount(ctx(t), ghost), feedback.ENotFound)
		other := clone(u)
		other.TokenHash = feedback.HashToken("another token")
		wantCode(t, st.UpdateAccount(ctx(t), other), feedback.ENotFound)
		bad := clone(u)
		bad.Name = ""
		wantCode(t, st.UpdateAccount(ctx(t), bad), feedback.EInvalid)
	})
}

// The office's calendar years: created once, then optimistic; listed in
// year order; a malformed year refused.
func testCalendarYears(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	ys, err := st.ListCalendarYears(ctx(t))
	must(t, err, "list empty")
	if len(ys) != 0 {
		t.Fatalf("a new store lists %d calendar years", len(ys))
	}
	y2031 := &feedback.CalendarYear{Year: 2031, Holidays: []feedback.Date{"2031-01-01", "2031-10-01"},
		Workdays: []feedback.Date{"2031-09-28"}, UpdatedAt: c.Next(), UpdatedBy: "张科长"}
	must(t, st.PutCalendarYear(ctx(t), y2031), "create 2031")
	if y2031.Version != 1 {
		t.Fatalf("Version = %d, want 1", y2031.Version)
	}
	y2030 := &feedback.CalendarYear{Year: 2030, Holidays: []feedback.Date{"2030-01-01"}, Workdays: []feedback.Date{}, UpdatedAt: c.Next()}
	must(t, st.PutCalendarYear(ctx(t), y2030), "create 2030")
	dup := &feedback.CalendarYear{Year: 2030, UpdatedAt: c.Next()}
	wantCode(t, st.PutCalendarYear(ctx(t), dup), feedback.EConflict)
	next := clone(y2031)
	next.Holidays = append(next.Holidays, "2031-10-02")
	next.UpdatedAt = c.Next()
	must(t, st.PutCalendarYear(ctx(t), next), "update 2031")
	stale := clone(y2031)
	wantStoreConflict(t, st.PutCalendarYear(ctx(t), stale))
	ys, err = st.ListCalendarYears(ctx(t))
	must(t, err, "list")
	equal(t, "ListCalendarYears", ys, []*feedback.CalendarYear{y2030, next})
	bad := &feedback.CalendarYear{Year: 2032, Holidays: []feedback.Date{"2033-01-01"}}
	wantCode(t, st.PutCalendarYear(ctx(t), bad), feedback.EInvalid)
}

func newExtension(c *clock, p *feedback.Problem, deadline feedback.Date) *feedback.Extension {
	now := c.Next()
	return &feedback.Extension{ID: feedback.NewID(now), ProblemID: p.ID, Deadline: deadline, PreviousDeadline: p.Deadline,
		Reason: "涉及多部门协调,需延长整改时间", RequestedBy: "市场监管局联络员", RequestedUnit: p.ResponsibleUnit,
		RequestedAt: now, Status: feedback.ExtensionPending}
}

// Extension requests are written with their problem, atomically; a
// decision is optimistic on both, so of concurrent decisions exactly one
// is stored.
func testExtensions(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	p := mustProblem(t, st, c, list, "门前三包罚款标准不一", unitMarket, "2025-04-30", feedback.ProblemRectifying)

	e1 := newExtension(c, p, "2025-05-31")
	t.Run("request with the problem", func(t *testing.T) {
		u := clone(p)
		u.PendingExtensionID, u.UpdatedAt = e1.ID, c.Next()
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e1}), "request")
		if e1.Version != 1 {
			t.Fatalf("extension Version = %d, want 1", e1.Version)
		}
		got, err := st.GetExtension(ctx(t), p.ID, e1.ID)
		must(t, err, "get")
		equal(t, "GetExtension", got, e1)
		*p = *u
		_, err = st.GetExtension(ctx(t), "01jnotaproblemnotaproblem0", e1.ID)
		wantCode(t, err, feedback.ENotFound)
	})
	t.Run("a failed problem write stores no extension", func(t *testing.T) {
		stale := clone(p)
		stale.Version = 99
		e := newExtension(c, p, "2025-06-30")
		wantStoreConflict(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: stale, Extension: e}))
		_, err := st.GetExtension(ctx(t), p.ID, e.ID)
		wantCode(t, err, feedback.ENotFound)
		other := mustProblem(t, st, c, list, "另一个问题", unitMarket, "2025-04-30", feedback.ProblemOpen)
		wrong := newExtension(c, other, "2025-06-30")
		wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: clone(p), Extension: wrong}), feedback.EInvalid)
	})
	t.Run("concurrent decisions: exactly one wins", func(t *testing.T) {
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			u, e := clone(p), clone(e1)
			e.Status, e.DecidedBy, e.DecidedAt = feedback.ExtensionApproved, "张科长", c.Now()
			if i%2 == 1 {
				e.Status = feedback.ExtensionRefused
			}
			u.PendingExtensionID = ""
			if e.Status == feedback.ExtensionApproved {
				u.OriginalDeadline, u.Deadline, u.Extensions = u.Deadline, e.Deadline, u.Extensions+1
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e})
			}()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch feedback.ErrorCode(err) {
			case "":
				if won >= 0 {
					t.Fatalf("decisions %d and %d both stored", won, i)
				}
				won = i
			case feedback.EConflict:
			default:
				t.Fatalf("decision %d: %v", i, err)
			}
		}
		if won < 0 {
			t.Fatal("no decision stored")
		}
		got, err := st.GetExtension(ctx(t), p.ID, e1.ID)
		must(t, err, "get")
		stored := getProblem(t, st, p.ID)
		approved := got.Status == feedback.ExtensionApproved
		if got.Version != 2 || stored.PendingExtensionID != "" || approved != (stored.Extensions == 1) ||
			approved != (stored.Deadline == "2025-05-31") {
			t.Errorf("after the decisions: extension %s v%d, problem deadline %s extensions %d", got.Status, got.Version, stored.Deadline, stored.Extensions)
		}
		*p = *stored
	})
	t.Run("listed oldest first", func(t *testing.T) {
		e2 := newExtension(c, p, "2025-07-31")
		u := clone(p)
		u.PendingExtensionID = e2.ID
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e2}), "second request")
		all, err := st.ListExtensions(ctx(t), p.ID)
		must(t, err, "list")
		wantIDs(t, "ListExtensions", all, []string{e1.ID, e2.ID})
		none, err := st.ListExtensions(ctx(t), "01jnotaproblemnotaproblem0")
		must(t, err, "list none")
		if len(none) != 0 {
			t.Errorf("extensions of no problem: %d", len(none))
		}
	})
	t.Run("the office moving a deadline: an approved extension written with the move", func(t *testing.T) {
		q := mustProblem(t, st, c, list, "罚没收入与绩效挂钩", unitMarket, "2025-03-31", feedback.ProblemRectifying)
		e := newExtension(c, q, "2025-04-30")
		e.RequestedUnit, e.Status, e.DecidedBy, e.DecidedAt = "", feedback.ExtensionApproved, "张科长", e.RequestedAt
		u := clone(q)
		u.OriginalDeadline, u.Deadline, u.Extensions, u.UpdatedAt = u.Deadline, e.Deadline, 1, e.RequestedAt
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e}), "move")
		got, err := st.GetExtension(ctx(t), q.ID, e.ID)
		must(t, err, "get")
		stored := getProblem(t, st, q.ID)
		if got.Status != feedback.ExtensionApproved || got.Version != 1 || stored.Deadline != "2025-04-30" ||
			stored.OriginalDeadline != "2025-03-31" || stored.Extensions != 1 {
			t.Errorf("after the move: extension %s v%d; problem deadline %s original %s extensions %d",
				got.Status, got.Version, stored.Deadline, stored.OriginalDeadline, stored.Extensions)
		}
		entries, err := st.ListAssessmentEntries(ctx(t), feedback.DateOf(e.RequestedAt), feedback.DateOf(e.RequestedAt))
		must(t, err, "assessment entries")
		var n int
		for _, a := range entries {
			if a.ProblemID == q.ID && a.Event == feedback.EventExtension && a.Unit == unitMarket {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d extension entries for the move, want 1 (%+v)", n, entries)
		}
	})
	t.Run("bad extension refused", func(t *testing.T) {
		bad := newExtension(c, p, "")
		wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: clone(p), Extension: bad}), feedback.EInvalid)
		bad = newExtension(c, p, "2025-08-31")
		bad.Reason = ""
		wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: clone(p), Extension: bad}), feedback.EInvalid)
	})
	t.Run("supervised filter", func(t *testing.T) {
		s1 := mustProblem(t, st, c, list, "督办问题", unitTown, "2025-03-01", feedback.ProblemOpen)
		u := clone(s1)
		u.Supervised = true
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), "supervise")
		for _, f := range []feedback.ProblemFilter{
			{Supervised: true}, {Supervised: true, Unit: unitTown}, {Supervised: true, ProblemListID: list.ID},
			{Supervised: true, OverdueOn: "2025-03-10"}, {Supervised: true, Status: feedback.ProblemOpen},
		} {
			got := collect(t, 10, func(cur string) (feedback.Page[*feedback.Problem], error) {
				f.Limit, f.Cursor = 10, cur
				return st.ListProblems(ctx(t), f)
			})
			wantIDs(t, "supervised problems", got, []string{s1.ID})
		}
	})
}

// The extension-pending filter (延期待审批) lists the problems whose
// PendingExtensionID is set, in creation order and paged like the other
// filters, combined with them; the flag changes with the problem write
// that sets or clears the request, and a write that fails changes nothing.
func testExtensionPendingFilter(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	other := mustProblemList(t, st, c, "镇街执法问题清单", campaignFines, unitJustice)
	p1 := mustProblem(t, st, c, list, "门前三包罚款标准不一", unitMarket, "2025-03-01", feedback.ProblemRectifying)
	p2 := newProblem(c, other, "以罚代管", unitTown, "2025-04-30", feedback.ProblemOpen)
	p2.CoUnits = []string{unitMarket}
	must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p2, Event: creationEvent(c, p2)}), "create co-handled")
	p3 := mustProblem(t, st, c, list, "执法文书不规范", unitMarket, "2025-04-30", feedback.ProblemOpen)
	p4 := mustProblem(t, st, c, list, "罚款票据不规范", unitCity, "2025-04-30", feedback.ProblemReopened)
	request := func(p *feedback.Problem) *feedback.Extension {
		t.Helper()
		e := newExtension(c, p, "2025-06-30")
		u := clone(p)
		u.PendingExtensionID, u.UpdatedAt = e.ID, c.Next()
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e}), "request "+p.Title)
		*p = *u
		return e
	}
	pending := func(what string, f feedback.ProblemFilter, want ...*feedback.Problem) {
		t.Helper()
		f.ExtensionPending = true
		for _, limit := range []int{1, 10} {
			got := collect(t, limit, func(cur string) (feedback.Page[*feedback.Problem], error) {
				f.Limit, f.Cursor = limit, cur
				return st.ListProblems(ctx(t), f)
			})
			var ids []string
			for _, p := range want {
				ids = append(ids, p.ID)
			}
			wantIDs(t, what, got, ids)
		}
	}
	pending("before any request", feedback.ProblemFilter{})

	e1, e2 := request(p1), request(p2)
	request(p4)
	pending("requests waiting", feedback.ProblemFilter{}, p1, p2, p4)
	pending("by unit, co-handled included", feedback.ProblemFilter{Unit: unitMarket}, p1, p2)
	pending("by the co-handled problem's lead", feedback.ProblemFilter{Unit: unitTown}, p2)
	pending("by list", feedback.ProblemFilter{ProblemListID: list.ID}, p1, p4)
	pending("by status", feedback.ProblemFilter{Status: feedback.ProblemOpen}, p2)
	pending("overdue", feedback.ProblemFilter{OverdueOn: "2025-03-10"}, p1)
	pending("supervised (none)", feedback.ProblemFilter{Supervised: true})
	if got := getProblem(t, st, p3.ID); got.PendingExtensionID != "" {
		t.Fatalf("problem without a request has %q pending", got.PendingExtensionID)
	}

	t.Run("a failed request write sets nothing", func(t *testing.T) {
		stale := clone(p3)
		stale.Version = 99
		e := newExtension(c, p3, "2025-06-30")
		stale.PendingExtensionID = e.ID
		wantStoreConflict(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: stale, Extension: e}))
		pending("after a failed request", feedback.ProblemFilter{}, p1, p2, p4)
	})
	t.Run("a decision clears it in the same write", func(t *testing.T) {
		u, e := clone(p1), clone(e1)
		e.Status, e.DecidedBy, e.DecidedAt = feedback.ExtensionRefused, "张科长", c.Next()
		u.PendingExtensionID, u.UpdatedAt = "", e.DecidedAt
		stale := clone(u)
		stale.Version = 99
		wantStoreConflict(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: stale, Extension: clone(e)}))
		pending("after a failed decision", feedback.ProblemFilter{}, p1, p2, p4)
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e}), "decide")
		*p1 = *u
		pending("after the decision", feedback.ProblemFilter{}, p2, p4)
	})
	t.Run("a request overtaken by the rectification waits for its refusal", func(t *testing.T) {
		u := clone(p2)
		u.Status, u.RectifiedAt, u.UpdatedAt = feedback.ProblemRectified, c.Next(), c.Now()
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), "rectify")
		*p2 = *u
		pending("rectified with a request waiting", feedback.ProblemFilter{}, p2, p4)
		pending("rectified, by status", feedback.ProblemFilter{Status: feedback.ProblemRectified}, p2)
		pending("rectified, by co-unit", feedback.ProblemFilter{Unit: unitMarket}, p2)
		u, e := clone(p2), clone(e2)
		e.Status, e.DecidedBy, e.DecidedAt = feedback.ExtensionRefused, "张科长", c.Next()
		u.PendingExtensionID, u.UpdatedAt = "", e.DecidedAt
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Extension: e}), "refuse")
		pending("after the refusal", feedback.ProblemFilter{}, p4)
		pending("after the refusal, by co-unit", feedback.ProblemFilter{Unit: unitMarket})
	})
}

// Contributions are created with the problem write that records them,
// atomically, and listed oldest first.
func testContributions(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	p := mustProblem(t, st, c, list, "门前三包罚款标准不一", unitMarket, "2025-04-30", feedback.ProblemRectifying)
	contribution := func(text string) *feedback.Contribution {
		now := c.Next()
		return &feedback.Contribution{ID: feedback.NewID(now), ProblemID: p.ID, Unit: unitJustice, Text: text, By: "司法局联络员", At: now,
			Files: []feedback.EvidenceRef{{FileID: feedback.NewID(now), Name: "会签意见.pdf", ContentType: "application/pdf", Size: 2048, By: "司法局联络员", At: now}}}
	}
	c1 := contribution("已对裁量基准草案进行合法性审核,提出修改意见 5 条。")
	u := clone(p)
	u.UpdatedAt = c.Next()
	ev := &feedback.AuditEvent{ID: feedback.NewID(c.Now()), ProblemID: p.ID, Actor: "司法局联络员", At: c.Now(), Action: feedback.ActionContribution, Note: c1.Text}
	must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: ev, Contribution: c1}), "first")
	*p = *u
	c2 := contribution("协助开展执法人员培训一次。")
	c2.Files = nil
	stale := clone(p)
	stale.Version = 99
	wantStoreConflict(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: stale, Contribution: c2}))
	got, err := st.ListContributions(ctx(t), p.ID)
	must(t, err, "list after a failed write")
	equal(t, "contributions", got, []*feedback.Contribution{c1})
	must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: clone(p), Contribution: c2}), "second")
	got, err = st.ListContributions(ctx(t), p.ID)
	must(t, err, "list")
	equal(t, "contributions", got, []*feedback.Contribution{c1, c2})
	if h := events(t, st, p.ID); h[len(h)-1].Action != feedback.ActionContribution {
		t.Errorf("the contribution's event: %+v", h[len(h)-1])
	}
	empty := contribution("")
	wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: getProblem(t, st, p.ID), Contribution: empty}), feedback.EInvalid)
	none, err := st.ListContributions(ctx(t), "01jnotaproblemnotaproblem0")
	must(t, err, "list none")
	if len(none) != 0 {
		t.Errorf("contributions of no problem: %d", len(none))
	}
}

// The assessment: the scheme is versioned; entries are stored once per
// event (storing one again replaces it), by the problem writes that cause
// them (in their transaction) and on their own; a period reads its days.
func testAssessment(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	t.Run("scheme", func(t *testing.T) {
		sc, err := st.GetAssessmentScheme(ctx(t))
		must(t, err, "get empty")
		if sc.Version != 0 || len(sc.Rules) != 0 {
			t.Fatalf("a new store's scheme = %+v", sc)
		}
		d := feedback.DefaultAssessmentScheme()
		d.UpdatedAt, d.UpdatedBy = c.Next(), "张科长"
		must(t, st.PutAssessmentScheme(ctx(t), d), "first put")
		got, err := st.GetAssessmentScheme(ctx(t))
		must(t, err, "get")
		equal(t, "scheme", got, d)
		stale := clone(got)
		stale.Version = 0
		wantCode(t, st.PutAssessmentScheme(ctx(t), stale), feedback.EConflict)
		next := clone(got)
		next.Base = 90
		must(t, st.PutAssessmentScheme(ctx(t), next), "second put")
		old := clone(got)
		old.Base = 80
		wantStoreConflict(t, st.PutAssessmentScheme(ctx(t), old))
		bad := clone(next)
		bad.Rules = append(bad.Rules, feedback.AssessmentRule{Event: "late_lunch", Points: 1})
		wantCode(t, st.PutAssessmentScheme(ctx(t), bad), feedback.EInvalid)
	})
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	t.Run("entries from problem writes", func(t *testing.T) {
		p := mustProblem(t, st, c, list, "门前三包罚款标准不一", unitMarket, "2025-03-12", feedback.ProblemRectifying)
		u := clone(p)
		ev, err := u.Apply(feedback.Transition{To: feedback.ProblemRectified, Note: "已整改"}, time.Date(2025, 3, 11, 10, 0, 0, 0, feedback.Shanghai))
		must(t, err, "apply")
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: ev}), "rectified on time")
		q := mustProblem(t, st, c, list, "重复检查", unitTown, "2025-03-05", feedback.ProblemOpen)
		v := clone(q)
		v.Deadline, v.OriginalDeadline, v.Extensions = "2025-03-14", "2025-03-05", 1
		v.UpdatedAt = time.Date(2025, 3, 6, 9, 0, 0, 0, feedback.Shanghai)
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: v}), "extended")
		v = getProblem(t, st, q.ID)
		ev2, err := v.Apply(feedback.Transition{To: feedback.ProblemRectifying}, time.Date(2025, 3, 7, 9, 0, 0, 0, feedback.Shanghai))
		must(t, err, "apply")
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: v, Event: ev2}), "rectifying")
		ev3, err := v.Apply(feedback.Transition{To: feedback.ProblemRectified}, time.Date(2025, 3, 13, 9, 0, 0, 0, feedback.Shanghai))
		must(t, err, "apply")
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: v, Event: ev3}), "rectified late")

		got, err := st.ListAssessmentEntries(ctx(t), "2025-03-01", "2025-03-31")
		must(t, err, "list")
		var events []string
		for _, e := range got {
			events = append(events, string(e.Day)+" "+e.Unit+" "+e.Event)
		}
		want := []string{"2025-03-06 " + unitTown + " extension", "2025-03-11 " + unitMarket + " rectified_on_time",
			"2025-03-13 " + unitTown + " rectified_late"}
		equal(t, "entries", events, want)
		late, err := st.ListAssessmentEntries(ctx(t), "2025-03-13", "2025-03-13")
		must(t, err, "list one day")
		if len(late) != 1 || late[0].ProblemID != q.ID || late[0].ProblemTitle != "重复检查" || late[0].Note != "整改期限 2025-03-05" {
			t.Errorf("the late entry = %+v", late)
		}
	})
	t.Run("entries on their own, idempotent, across months", func(t *testing.T) {
		p := mustProblem(t, st, c, list, "罚没收入", unitCity, "2025-03-31", feedback.ProblemOpen)
		e := feedback.OverdueEntry(p, c.Next()) // dated 2025-04-01
		must(t, st.PutAssessmentEntries(ctx(t), []*feedback.AssessmentEntry{e, clone(e)}), "put twice")
		must(t, st.PutAssessmentEntries(ctx(t), []*feedback.AssessmentEntry{e}), "put again")
		got, err := st.ListAssessmentEntries(ctx(t), "2025-03-31", "2025-04-30")
		must(t, err, "list")
		equal(t, "overdue entry, once", got, []*feedback.AssessmentEntry{e})
		all, err := st.ListAssessmentEntries(ctx(t), "2025-01-01", "2025-12-31")
		must(t, err, "list the year")
		if len(all) != 4 {
			t.Errorf("the year holds %d entries, want 4", len(all))
		}
		bad := clone(e)
		bad.Event = "golf"
		wantCode(t, st.PutAssessmentEntries(ctx(t), []*feedback.AssessmentEntry{bad}), feedback.EInvalid)
		_, err = st.ListAssessmentEntries(ctx(t), "2025-13-01", "2025-12-31")
		wantCode(t, err, feedback.EInvalid)
	})
}
