package storetest

import (
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// matches is the reference implementation of SuggestionFilter, used to work
// out what a store should return.
func matches(s *feedback.Suggestion, f feedback.SuggestionFilter) bool {
	switch {
	case f.SymposiumID != "" && s.SymposiumID != f.SymposiumID,
		f.ParticipantKind != "" && s.ParticipantKind != f.ParticipantKind,
		f.Kind != "" && s.Kind != f.Kind,
		f.Status != "" && s.Status != f.Status,
		f.ProblemListID != "" && s.ProblemListID != f.ProblemListID,
		f.ProblemID != "" && !s.PartOf(f.ProblemID),
		f.Channel != "" && s.Channel != f.Channel,
		!f.From.IsZero() && s.SubmittedAt.Before(f.From),
		!f.To.IsZero() && !s.SubmittedAt.Before(f.To),
		f.Rehandle && !s.Rehandle(),
		f.Unreplied && len(s.Replies) > 0:
		return false
	}
	for _, term := range strings.Fields(f.Query) {
		if !strings.Contains(s.Topic, term) && !strings.Contains(s.Content, term) {
			return false
		}
	}
	return true
}

func testSuggestionFilters(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	symA := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	symB := mustSymposium(t, st, c, "棠下镇综合行政执法进驻式监督座谈会", campaignOnSite, feedback.SymposiumOpen)
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)

	var all []*feedback.Suggestion
	for i, sm := range samples {
		sym := symA
		if i%3 == 2 {
			sym = symB
		}
		all = append(all, mustSuggestion(t, st, c, sym, sm))
	}
	// Route some, adopt two into a problem, decline one.
	for i := 0; i < 4; i++ {
		u := route(c, all[i], list.ID)
		must(t, st.UpdateSuggestion(ctx(t), u), "route")
		all[i] = u
	}
	for i := 4; i < 6; i++ {
		u := route(c, all[i], feedback.TriageListID)
		must(t, st.UpdateSuggestion(ctx(t), u), "route to triage")
		all[i] = u
	}
	p := newProblem(c, list, "行政处罚裁量基准未公开", unitMarket, "2025-04-30", feedback.ProblemOpen)
	p.SuggestionIDs = []string{all[0].ID, all[1].ID}
	a0, a1 := adopt(c, all[0], p), adopt(c, all[1], p)
	must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p), Suggestions: []*feedback.Suggestion{a0, a1}}), "create problem")
	all[0], all[1] = a0, a1
	d := clone(all[6])
	d.Status = feedback.SuggestionDeclined
	d.Replies = []feedback.Reply{{Text: "经核实,该问题已在其他渠道办理。", Grade: feedback.GradeD, At: c.Next()}}
	must(t, st.UpdateSuggestion(ctx(t), d), "decline")
	all[6] = d
	// Two replied to and rated: one dissatisfied (a re-handle), one
	// satisfied; a second re-handle answered again.
	for _, x := range []struct {
		i      int
		rating feedback.Rating
	}{{2, feedback.RatingDissatisfied}, {5, feedback.RatingSatisfied}, {8, feedback.RatingDissatisfied}} {
		i, rating := x.i, x.rating
		r := clone(all[i])
		r.Replies = []feedback.Reply{{Text: "已转责任单位办理。", Grade: feedback.GradeB, At: c.Next(),
			Rating: &feedback.ReplyRating{Rating: rating, Comment: "还没有解决", At: c.Next()}}}
		if i == 8 {
			r.Replies = append(r.Replies, feedback.Reply{Text: "已重新办理。", Grade: feedback.GradeA, At: c.Next()})
		}
		must(t, st.UpdateSuggestion(ctx(t), r), "reply and rate")
		all[i] = r
	}

	mid := all[4].SubmittedAt
	late := all[8].SubmittedAt
	tests := []struct {
		name string
		f    feedback.SuggestionFilter
	}{
		{"none", feedback.SuggestionFilter{}},
		{"symposium", feedback.SuggestionFilter{SymposiumID: symB.ID}},
		{"participant kind", feedback.SuggestionFilter{ParticipantKind: feedback.Enterprise}},
		{"kind", feedback.SuggestionFilter{Kind: feedback.KindProblemLead}},
		{"status received", feedback.SuggestionFilter{Status: feedback.SuggestionReceived}},
		{"status routed", feedback.SuggestionFilter{Status: feedback.SuggestionRouted}},
		{"status adopted", feedback.SuggestionFilter{Status: feedback.SuggestionAdopted}},
		{"status declined", feedback.SuggestionFilter{Status: feedback.SuggestionDeclined}},
		{"problem list", feedback.SuggestionFilter{ProblemListID: list.ID}},
		{"triage list", feedback.SuggestionFilter{ProblemListID: feedback.TriageListID}},
		{"problem", feedback.SuggestionFilter{ProblemID: p.ID}},
		{"channel", feedback.SuggestionFilter{Channel: feedback.ChannelQR}},
		{"from (inclusive)", feedback.SuggestionFilter{From: mid}},
		{"to (exclusive)", feedback.SuggestionFilter{To: mid}},
		{"from and to", feedback.SuggestionFilter{From: mid, To: late}},
		{"from in another zone", feedback.SuggestionFilter{From: mid.UTC()}},
		{"query 罚款 (two characters)", feedback.SuggestionFilter{Query: "罚款"}},
		{"query 执法 (two characters)", feedback.SuggestionFilter{Query: "执法"}},
		{"query 罚 (one character)", feedback.SuggestionFilter{Query: "罚"}},
		{"query 行政执法", feedback.SuggestionFilter{Query: "行政执法"}},
		{"query 重放轻管", feedback.SuggestionFilter{Query: "重放轻管"}},
		{"query in topic only", feedback.SuggestionFilter{Query: "罚没收入指标"}},
		{"query long phrase", feedback.SuggestionFilter{Query: "建议公开行政处罚裁量基准"}},
		{"query two terms", feedback.SuggestionFilter{Query: "执法 镇"}},
		{"query mixed lengths", feedback.SuggestionFilter{Query: "罚款  以罚代管"}},
		{"query no match", feedback.SuggestionFilter{Query: "人工智能大模型"}},
		{"query with quotes is literal", feedback.SuggestionFilter{Query: "\"罚款\""}},
		{"query with operators is literal", feedback.SuggestionFilter{Query: "罚款 OR NEAR(执法"}},
		{"query with wildcard is literal", feedback.SuggestionFilter{Query: "罚*"}},
		{"query with LIKE wildcards is literal", feedback.SuggestionFilter{Query: "罚%款_"}},
		{"query with text across topic and content", feedback.SuggestionFilter{Query: "首违不罚企业首次"}},
		{"symposium and kind", feedback.SuggestionFilter{SymposiumID: symA.ID, Kind: feedback.KindSuggestion}},
		{"symposium and status", feedback.SuggestionFilter{SymposiumID: symA.ID, Status: feedback.SuggestionRouted}},
		{"list and participant kind", feedback.SuggestionFilter{ProblemListID: list.ID, ParticipantKind: feedback.Enterprise}},
		{"query and symposium", feedback.SuggestionFilter{Query: "执法", SymposiumID: symB.ID}},
		{"query and from", feedback.SuggestionFilter{Query: "罚款", From: mid}},
		{"query, kind and channel", feedback.SuggestionFilter{Query: "执法", Kind: feedback.KindProblemLead, Channel: feedback.ChannelQR}},
		{"rehandle", feedback.SuggestionFilter{Rehandle: true}},
		{"rehandle and symposium", feedback.SuggestionFilter{Rehandle: true, SymposiumID: all[2].SymposiumID}},
		{"rehandle and to", feedback.SuggestionFilter{Rehandle: true, To: all[2].SubmittedAt}},
		{"unreplied", feedback.SuggestionFilter{Unreplied: true}},
		{"unreplied and status", feedback.SuggestionFilter{Unreplied: true, Status: feedback.SuggestionRouted}},
		{"everything", feedback.SuggestionFilter{SymposiumID: symA.ID, ParticipantKind: feedback.Enterprise, Kind: feedback.KindSuggestion,
			Status: feedback.SuggestionAdopted, ProblemListID: list.ID, ProblemID: p.ID, Channel: feedback.ChannelQR, Query: "罚款", From: all[0].SubmittedAt, To: late}},
	}
	nonEmpty := map[string]bool{"none": true, "query 罚款 (two characters)": true, "query 执法 (two characters)": true,
		"query 行政执法": true, "query 重放轻管": true, "query in topic only": true, "query two terms": true, "everything": true,
		"query mixed lengths": true, "query long phrase": true, "rehandle": true, "rehandle and symposium": true, "unreplied": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []*feedback.Suggestion
			for _, s := range all {
				if matches(s, tt.f) {
					want = append(want, s)
				}
			}
			if nonEmpty[tt.name] && len(want) == 0 {
				t.Fatalf("test data has no match for %+v; fix the suite", tt.f)
			}
			f := tt.f
			page, err := st.ListSuggestions(ctx(t), f)
			must(t, err, "list")
			wantIDs(t, "one page", page.Items, newestFirst(want))
			if len(want) > 0 {
				equal(t, "first item", page.Items[0], byID(want, page.Items[0].ID))
			}
			// And again in pages of 2.
			got := collect(t, 2, func(cur string) (feedback.Page[*feedback.Suggestion], error) {
				f := tt.f
				f.Limit, f.Cursor = 2, cur
				return st.ListSuggestions(ctx(t), f)
			})
			wantIDs(t, "pages of 2", got, newestFirst(want))
		})
	}
}

func byID(items []*feedback.Suggestion, id string) *feedback.Suggestion {
	for _, s := range items {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func testProblemFilters(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	fines := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	town := mustProblemList(t, st, c, "棠下镇综合行政执法问题清单", campaignOnSite, unitTown)

	type row struct {
		list     *feedback.ProblemList
		title    string
		unit     string
		deadline feedback.Date
		status   feedback.ProblemStatus
	}
	rows := []row{
		{fines, "行政处罚裁量基准未公开", unitMarket, "2025-03-31", feedback.ProblemOpen},
		{fines, "罚没收入指标", unitJustice, "2025-03-05", feedback.ProblemRectifying},
		{fines, "重复检查扰企", unitMarket, "2025-03-01", feedback.ProblemRectified},
		{fines, "首违不罚落实不到位", unitMarket, "2025-02-28", feedback.ProblemReopened},
		{town, "占道经营以罚代管", unitCity, "2025-03-09", feedback.ProblemOpen},
		{town, "违法建设查处不及时", unitTown, "2025-03-10", feedback.ProblemRectifying},
		{town, "执法证件未出示", unitCity, "", feedback.ProblemOpen},
		{town, "执法文书不规范", unitCity, "2025-01-31", feedback.ProblemVerified},
		{town, "专业执法人员不足", unitTown, "2025-02-01", feedback.ProblemLongTerm},
	}
	var all []*feedback.Problem
	for _, r := range rows {
		all = append(all, mustProblem(t, st, c, r.list, r.title, r.unit, r.deadline, r.status))
	}
	// Look-backs: two rectified problems due by 03-10 (one on the day),
	// one due later, a verified one whose date has passed (done already).
	for _, lb := range []struct {
		list   *feedback.ProblemList
		title  string
		unit   string
		status feedback.ProblemStatus
		due    feedback.Date
	}{
		{fines, "乱收费整改回头看", unitMarket, feedback.ProblemRectified, "2025-03-08"},
		{town, "门前三包以罚代管", unitCity, feedback.ProblemRectified, "2025-03-10"},
		{town, "夜间施工扰民", unitCity, feedback.ProblemRectified, "2025-03-20"},
		{fines, "罚款票据不规范", unitJustice, feedback.ProblemVerified, "2025-02-20"},
	} {
		p := newProblem(c, lb.list, lb.title, lb.unit, "2025-02-28", lb.status)
		p.LookbackDue = lb.due
		must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p)}), "create "+lb.title)
		all = append(all, p)
	}
	const today = feedback.Date("2025-03-10")
	tests := []struct {
		name string
		f    feedback.ProblemFilter
		keep func(p *feedback.Problem) bool
	}{
		{"none", feedback.ProblemFilter{}, func(p *feedback.Problem) bool { return true }},
		{"list", feedback.ProblemFilter{ProblemListID: town.ID}, func(p *feedback.Problem) bool { return p.ProblemListID == town.ID }},
		{"triage list (empty)", feedback.ProblemFilter{ProblemListID: feedback.TriageListID}, func(p *feedback.Problem) bool { return false }},
		{"unit", feedback.ProblemFilter{Unit: unitMarket}, func(p *feedback.Problem) bool { return p.InvolvesUnit(unitMarket) }},
		{"unit covers its co-handled problems", feedback.ProblemFilter{Unit: unitJustice}, func(p *feedback.Problem) bool { return p.InvolvesUnit(unitJustice) }},
		{"status", feedback.ProblemFilter{Status: feedback.ProblemOpen}, func(p *feedback.Problem) bool { return p.Status == feedback.ProblemOpen }},
		{"overdue", feedback.ProblemFilter{OverdueOn: today}, func(p *feedback.Problem) bool { return p.OverdueOn(today) }},
		{"overdue later", feedback.ProblemFilter{OverdueOn: "2025-04-01"}, func(p *feedback.Problem) bool { return p.OverdueOn("2025-04-01") }},
		{"list and status", feedback.ProblemFilter{ProblemListID: fines.ID, Status: feedback.ProblemRectifying},
			func(p *feedback.Problem) bool {
				return p.ProblemListID == fines.ID && p.Status == feedback.ProblemRectifying
			}},
		{"unit and overdue", feedback.ProblemFilter{Unit: unitMarket, OverdueOn: today},
			func(p *feedback.Problem) bool { return p.InvolvesUnit(unitMarket) && p.OverdueOn(today) }},
		{"list, unit and status", feedback.ProblemFilter{ProblemListID: town.ID, Unit: unitCity, Status: feedback.ProblemOpen},
			func(p *feedback.Problem) bool {
				return p.ProblemListID == town.ID && p.InvolvesUnit(unitCity) && p.Status == feedback.ProblemOpen
			}},
		{"overdue and status", feedback.ProblemFilter{OverdueOn: today, Status: feedback.ProblemReopened},
			func(p *feedback.Problem) bool { return p.OverdueOn(today) && p.Status == feedback.ProblemReopened }},
		{"look-back due", feedback.ProblemFilter{LookbackDueOn: today}, func(p *feedback.Problem) bool { return p.LookbackDueOn(today) }},
		{"look-back due earlier", feedback.ProblemFilter{LookbackDueOn: "2025-03-09"}, func(p *feedback.Problem) bool { return p.LookbackDueOn("2025-03-09") }},
		{"look-back due by unit", feedback.ProblemFilter{LookbackDueOn: today, Unit: unitCity},
			func(p *feedback.Problem) bool { return p.LookbackDueOn(today) && p.InvolvesUnit(unitCity) }},
		{"look-back due in a list", feedback.ProblemFilter{LookbackDueOn: today, ProblemListID: fines.ID},
			func(p *feedback.Problem) bool { return p.LookbackDueOn(today) && p.ProblemListID == fines.ID }},
		{"look-back due and another status (none)", feedback.ProblemFilter{LookbackDueOn: today, Status: feedback.ProblemOpen},
			func(p *feedback.Problem) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []*feedback.Problem
			for _, p := range all {
				if tt.keep(p) {
					want = append(want, p)
				}
			}
			page, err := st.ListProblems(ctx(t), tt.f)
			must(t, err, "list")
			wantIDs(t, "one page", page.Items, oldestFirst(want))
			got := collect(t, 2, func(cur string) (feedback.Page[*feedback.Problem], error) {
				f := tt.f
				f.Limit, f.Cursor = 2, cur
				return st.ListProblems(ctx(t), f)
			})
			wantIDs(t, "pages of 2", got, oldestFirst(want))
		})
	}
	t.Run("co-units follow the problem's changes", func(t *testing.T) {
		p := clone(all[0])
		p.CoUnits = []string{unitCity, unitTown, unitCity, p.ResponsibleUnit} // duplicates and the lead: listed once
		p.Status, p.UpdatedAt = feedback.ProblemRectifying, c.Next()
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: p}), "co-units changed")
		listed := func(unit string, f feedback.ProblemFilter) bool {
			f.Unit, f.Limit = unit, feedback.MaxListLimit
			page, err := st.ListProblems(ctx(t), f)
			must(t, err, "list "+unit)
			n := 0
			for _, q := range page.Items {
				if q.ID == p.ID {
					n++
					equal(t, "the listed copy", q, p)
				}
			}
			if n > 1 {
				t.Fatalf("%s lists the problem %d times", unit, n)
			}
			return n == 1
		}
		if listed(unitJustice, feedback.ProblemFilter{}) {
			t.Error("the removed co-unit still lists it")
		}
		if !listed(unitCity, feedback.ProblemFilter{Status: feedback.ProblemRectifying}) || !listed(unitTown, feedback.ProblemFilter{ProblemListID: p.ProblemListID}) {
			t.Error("a new co-unit does not list it with the filters applied to the new state")
		}
		if !listed(p.ResponsibleUnit, feedback.ProblemFilter{}) {
			t.Error("the lead does not list it")
		}
		lead := clone(p)
		lead.ResponsibleUnit, lead.CoUnits = unitCity, []string{unitMarket}
		must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: lead}), "lead changed")
		*p = *lead
		if !listed(unitCity, feedback.ProblemFilter{}) || !listed(unitMarket, feedback.ProblemFilter{}) || listed(unitTown, feedback.ProblemFilter{}) {
			t.Error("after the lead changed to a former co-unit")
		}
	})
	t.Run("overdue sanity", func(t *testing.T) {
		// 03-05 rectifying, 03-09 open, 02-28 reopened; not the rectified,
		// verified or long-term ones, nor the one due today or without a deadline.
		page, err := st.ListProblems(ctx(t), feedback.ProblemFilter{OverdueOn: today})
		must(t, err, "list")
		wantIDs(t, "overdue", page.Items, []string{all[1].ID, all[3].ID, all[4].ID})
	})
}

func testSymposiumFilters(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	var all []*feedback.Symposium
	for i, title := range []string{
		"涉企乱罚款专项整治企业座谈会", "职权下放重放轻管座谈会", "棠下镇综合行政执法进驻式监督座谈会",
		"人大代表政协委员座谈会", "村(社区)代表座谈会",
	} {
		status := []feedback.SymposiumStatus{feedback.SymposiumOpen, feedback.SymposiumClosed, feedback.SymposiumDraft}[i%3]
		all = append(all, mustSymposium(t, st, c, title, campaignFines, status))
	}
	for _, tt := range []struct {
		name   string
		status feedback.SymposiumStatus
	}{{"any", ""}, {"open", feedback.SymposiumOpen}, {"closed", feedback.SymposiumClosed}, {"draft", feedback.SymposiumDraft}} {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for i := len(all) - 1; i >= 0; i-- {
				if tt.status == "" || all[i].Status == tt.status {
					want = append(want, all[i].ID)
				}
			}
			got := collect(t, 2, func(cur string) (feedback.Page[*feedback.Symposium], error) {
				return st.ListSymposia(ctx(t), feedback.SymposiumFilter{Status: tt.status, Limit: 2, Cursor: cur})
			})
			wantIDs(t, "ListSymposia", got, want)
		})
	}
}

func testPagination(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	var sugs []*feedback.Suggestion
	for i := 0; i < 13; i++ {
		sugs = append(sugs, mustSuggestion(t, st, c, sym, samples[i%len(samples)]))
	}
	// Two suggestions in the same millisecond: the ID breaks the tie.
	same := c.Next()
	for i := 0; i < 2; i++ {
		s := newSuggestion(c, sym, samples[i])
		s.SubmittedAt, s.UpdatedAt = same, same
		stored, _, err := st.CreateSuggestion(ctx(t), s)
		must(t, err, "create")
		sugs = append(sugs, stored)
	}
	want := newestFirst(sugs)

	for _, limit := range []int{1, 3, 5, 15, 16} {
		t.Run("suggestions limit "+itoa(limit), func(t *testing.T) {
			got := collect(t, limit, func(cur string) (feedback.Page[*feedback.Suggestion], error) {
				return st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: limit, Cursor: cur})
			})
			wantIDs(t, "all pages", got, want)
		})
	}
	t.Run("limit 0 means the default", func(t *testing.T) {
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{})
		must(t, err, "list")
		if len(page.Items) != len(sugs) || page.NextCursor != "" {
			t.Fatalf("got %d items, cursor %q, want all %d and no cursor", len(page.Items), page.NextCursor, len(sugs))
		}
	})
	t.Run("limit over the maximum is capped", func(t *testing.T) {
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: 1 << 20})
		must(t, err, "list")
		if len(page.Items) != len(sugs) {
			t.Fatalf("got %d items, want %d", len(page.Items), len(sugs))
		}
	})
	t.Run("negative limit means the default", func(t *testing.T) {
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: -5})
		must(t, err, "list")
		if len(page.Items) != len(sugs) {
			t.Fatalf("got %d items, want %d", len(page.Items), len(sugs))
		}
	})
	t.Run("items added between pages are not repeated", func(t *testing.T) {
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: 4})
		must(t, err, "list")
		seen := map[string]bool{}
		for _, s := range page.Items {
			seen[s.ID] = true
		}
		mustSuggestion(t, st, c, sym, samples[3]) // newer than everything: belongs before page 1
		rest := collect(t, 4, func(cur string) (feedback.Page[*feedback.Suggestion], error) {
			if cur == "" {
				cur = page.NextCursor
			}
			return st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: 4, Cursor: cur})
		})
		for _, s := range rest {
			if seen[s.ID] {
				t.Fatalf("suggestion %s returned twice", s.ID)
			}
			seen[s.ID] = true
		}
		if len(seen) != len(sugs) {
			t.Fatalf("saw %d suggestions over the pages, want %d", len(seen), len(sugs))
		}
	})

	t.Run("problems", func(t *testing.T) {
		list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
		var ps []*feedback.Problem
		for i := 0; i < 7; i++ {
			ps = append(ps, mustProblem(t, st, c, list, "问题 "+itoa(i+1), unitMarket, "2025-06-30", feedback.ProblemOpen))
		}
		got := collect(t, 3, func(cur string) (feedback.Page[*feedback.Problem], error) {
			return st.ListProblems(ctx(t), feedback.ProblemFilter{ProblemListID: list.ID, Limit: 3, Cursor: cur})
		})
		wantIDs(t, "problems", got, oldestFirst(ps))
	})
	t.Run("symposia", func(t *testing.T) {
		syms := []string{sym.ID}
		for i := 0; i < 6; i++ {
			syms = append(syms, mustSymposium(t, st, c, "座谈会 "+itoa(i+1), campaignDelegated, feedback.SymposiumDraft).ID)
		}
		got := collect(t, 3, func(cur string) (feedback.Page[*feedback.Symposium], error) {
			return st.ListSymposia(ctx(t), feedback.SymposiumFilter{Limit: 3, Cursor: cur})
		})
		wantIDs(t, "symposia", got, reversed(syms))
	})
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func testCursors(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	var syms []*feedback.Symposium
	for i := 0; i < 3; i++ {
		syms = append(syms, mustSymposium(t, st, c, "座谈会 "+itoa(i+1), campaignFines, feedback.SymposiumOpen))
	}
	for i := 0; i < 3; i++ {
		mustSuggestion(t, st, c, syms[0], samples[i])
	}
	symPage, err := st.ListSymposia(ctx(t), feedback.SymposiumFilter{Limit: 1})
	must(t, err, "list symposia")
	sugPage, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: 1})
	must(t, err, "list suggestions")
	if symPage.NextCursor == "" || sugPage.NextCursor == "" {
		t.Fatalf("expected cursors, got %q and %q", symPage.NextCursor, sugPage.NextCursor)
	}
	good := sugPage.NextCursor

	tampered := []struct{ name, cursor string }{
		{"garbage", "not-a-cursor"},
		{"base64 of JSON", "eyJpZCI6IjEyMyJ9"},
		{"truncated", good[:len(good)/2]},
		{"with a suffix", good + "A"},
		{"from another list", symPage.NextCursor},
		{"invalid UTF-8", "\xff\xfe"},
		{"very long", strings.Repeat("A", 10000)},
		{"one byte over the bound", good + strings.Repeat("A", feedback.CursorMaxBytes+1-len(good))},
	}
	// Every single-character change.
	for i := 0; i < len(good); i++ {
		b := []byte(good)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		tampered = append(tampered, struct{ name, cursor string }{"byte " + itoa(i) + " changed", string(b)})
	}
	for _, tt := range tampered {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: 1, Cursor: tt.cursor})
			wantCode(t, err, feedback.EInvalid)
		})
	}
	t.Run("suggestion cursor to other lists", func(t *testing.T) {
		_, err := st.ListSymposia(ctx(t), feedback.SymposiumFilter{Limit: 1, Cursor: good})
		wantCode(t, err, feedback.EInvalid)
		_, err = st.ListProblems(ctx(t), feedback.ProblemFilter{Limit: 1, Cursor: good})
		wantCode(t, err, feedback.EInvalid)
		_, err = st.ListSummaries(ctx(t), feedback.SummaryFilter{Limit: 1, Cursor: good})
		wantCode(t, err, feedback.EInvalid)
		_, err = st.ListAccounts(ctx(t), 1, good)
		wantCode(t, err, feedback.EInvalid)
		_, err = st.ListAuditEvents(ctx(t), "some-problem", 1, good)
		wantCode(t, err, feedback.EInvalid)
		_, err = st.ListProblemLists(ctx(t), feedback.ProblemListFilter{Limit: 1, Cursor: good})
		wantCode(t, err, feedback.EInvalid)
	})
	t.Run("the good cursor still works", func(t *testing.T) {
		_, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Limit: 1, Cursor: good})
		must(t, err, "list")
	})
}
