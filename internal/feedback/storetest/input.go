package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// testBadInput checks that every write validates its argument, returns
// EInvalid and stores nothing.
func testBadInput(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	good := mustSuggestion(t, st, c, sym, samples[0])
	prob := mustProblem(t, st, c, list, "行政处罚裁量基准未公开", unitMarket, "2025-04-30", feedback.ProblemOpen)
	longKey := strings.Repeat("k", feedback.KeyMaxBytes+1)

	t.Run("symposia", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			edit func(s *feedback.Symposium)
		}{
			{"missing ID", func(s *feedback.Symposium) { s.ID = "" }},
			{"ID with invalid UTF-8", func(s *feedback.Symposium) { s.ID = "01jn\xff\xfe" }},
			{"oversized ID", func(s *feedback.Symposium) { s.ID = longKey }},
			{"bad code", func(s *feedback.Symposium) { s.Code = "0OIl" }},
			{"title with invalid UTF-8", func(s *feedback.Symposium) { s.Title = "座谈会\xc3\x28" }},
			{"oversized title", func(s *feedback.Symposium) { s.Title = strings.Repeat("座", feedback.TitleMaxRunes+1) }},
			{"missing title", func(s *feedback.Symposium) { s.Title = "  " }},
			{"bad status", func(s *feedback.Symposium) { s.Status = "archived" }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				s := newSymposium(c, "无效的座谈会", campaignFines, feedback.SymposiumOpen)
				tt.edit(s)
				wantCode(t, st.CreateSymposium(ctx(t), s), feedback.EInvalid)
				if s.Version != 0 {
					t.Fatalf("Version after failed create = %d, want 0", s.Version)
				}
				if s.ID != "" && feedback.ValidKey(s.ID) {
					_, err := st.GetSymposium(ctx(t), s.ID)
					wantCode(t, err, feedback.ENotFound)
				}
				if feedback.ValidSymposiumCode(s.Code) {
					_, err := st.GetSymposiumByCode(ctx(t), s.Code)
					wantCode(t, err, feedback.ENotFound)
				}
				if strings.HasSuffix(tt.name, " ID") {
					return
				}
				u := clone(sym)
				tt.edit(u)
				wantCode(t, st.UpdateSymposium(ctx(t), u), feedback.EInvalid)
				got, err := st.GetSymposium(ctx(t), sym.ID)
				must(t, err, "get")
				equal(t, "symposium after bad update", got, sym)
			})
		}
		page, err := st.ListSymposia(ctx(t), feedback.SymposiumFilter{})
		must(t, err, "list")
		wantIDs(t, "symposia", page.Items, []string{sym.ID})
	})

	t.Run("suggestions", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			edit func(s *feedback.Suggestion)
		}{
			{"missing ID", func(s *feedback.Suggestion) { s.ID = "" }},
			{"ID with invalid UTF-8", func(s *feedback.Suggestion) { s.ID = "\xff" + s.ID }},
			{"oversized ID", func(s *feedback.Suggestion) { s.ID = longKey }},
			{"ID with a separator", func(s *feedback.Suggestion) { s.ID = "SUG#" + s.ID }},
			{"missing receipt", func(s *feedback.Suggestion) { s.Receipt = "" }},
			{"missing symposium", func(s *feedback.Suggestion) { s.SymposiumID = "" }},
			{"oversized symposium reference", func(s *feedback.Suggestion) { s.SymposiumID = longKey }},
			{"bad problem list reference", func(s *feedback.Suggestion) { s.ProblemListID = "清单/1" }},
			{"content with invalid UTF-8", func(s *feedback.Suggestion) { s.Content = "建议公开罚款标准\xe4\xb8" }},
			{"topic with invalid UTF-8", func(s *feedback.Suggestion) { s.Topic = "\xed\xa0\x80罚款" }},
			{"oversized content", func(s *feedback.Suggestion) { s.Content = strings.Repeat("罚", feedback.ContentMaxRunes+1) }},
			{"oversized name", func(s *feedback.Suggestion) { s.Name = strings.Repeat("李", feedback.NameMaxRunes+1) }},
			{"short content", func(s *feedback.Suggestion) { s.Content = "罚款" }},
			{"control character", func(s *feedback.Suggestion) { s.Topic = "罚款\x00标准" }},
			{"bad participant kind", func(s *feedback.Suggestion) { s.ParticipantKind = "official" }},
			{"bad idempotency key", func(s *feedback.Suggestion) { s.IdempotencyKey = "键 key" }},
			{"oversized idempotency key", func(s *feedback.Suggestion) {
				s.IdempotencyKey = strings.Repeat("k", feedback.IdempotencyKeyMaxBytes+1)
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				s := newSuggestion(c, sym, samples[1])
				tt.edit(s)
				stored, created, err := st.CreateSuggestion(ctx(t), s)
				wantCode(t, err, feedback.EInvalid)
				if created || stored != nil {
					t.Fatalf("failed create returned created = %v, stored = %v; want false, nil", created, stored)
				}
				if s.Receipt != "" {
					_, err := st.GetSuggestionByReceipt(ctx(t), s.Receipt)
					wantCode(t, err, feedback.ENotFound)
				}
				if strings.HasSuffix(tt.name, " ID") {
					return
				}
				u := clone(good)
				tt.edit(u)
				if u.ID != good.ID {
					return
				}
				wantCode(t, st.UpdateSuggestion(ctx(t), u), feedback.EInvalid)
				equal(t, "suggestion after bad update", getSuggestion(t, st, good.ID), good)
			})
		}
		page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{})
		must(t, err, "list")
		wantIDs(t, "suggestions", page.Items, []string{good.ID})
	})

	t.Run("malformed keys on get", func(t *testing.T) {
		for _, k := range []string{"", "\xff\xfe", longKey, "a#b", "罚款"} {
			_, err := st.GetSuggestion(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetSuggestionByReceipt(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetSymposium(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetSymposiumByCode(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetProblem(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetProblemList(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetSummary(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
			_, err = st.GetAccountByTokenHash(ctx(t), k)
			wantCodes(t, err, feedback.ENotFound, feedback.EInvalid)
		}
	})

	t.Run("problem lists", func(t *testing.T) {
		for name, edit := range map[string]func(l *feedback.ProblemList){
			"missing ID":                   func(l *feedback.ProblemList) { l.ID = "" },
			"bad ID":                       func(l *feedback.ProblemList) { l.ID = "清单" },
			"missing title":                func(l *feedback.ProblemList) { l.Title = "" },
			"invalid UTF-8":                func(l *feedback.ProblemList) { l.Campaign = "\xff" },
			"oversized unit":               func(l *feedback.ProblemList) { l.OwnerUnit = strings.Repeat("局", feedback.UnitMaxRunes+1) },
			"newline in title":             func(l *feedback.ProblemList) { l.Title = "问题\n清单" },
			"bad symposium reference":      func(l *feedback.ProblemList) { l.SymposiumID = "座谈会/1" },
			"claims to be the triage list": func(l *feedback.ProblemList) { l.Triage = true },
		} {
			t.Run(name, func(t *testing.T) {
				l := newProblemList(c, "无效清单", campaignFines, unitJustice)
				edit(l)
				wantCode(t, st.CreateProblemList(ctx(t), l), feedback.EInvalid)
			})
		}
		page, err := st.ListProblemLists(ctx(t), feedback.ProblemListFilter{})
		must(t, err, "list")
		wantIDs(t, "lists", page.Items, []string{feedback.TriageListID, list.ID})
	})

	t.Run("problems", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			edit func(p *feedback.Problem)
		}{
			{"missing ID", func(p *feedback.Problem) { p.ID = "" }},
			{"missing list", func(p *feedback.Problem) { p.ProblemListID = "" }},
			{"bad status", func(p *feedback.Problem) { p.Status = "done" }},
			{"bad deadline", func(p *feedback.Problem) { p.Deadline = "2025-02-30" }},
			{"invalid UTF-8 description", func(p *feedback.Problem) { p.Description = "整改\xff" }},
			{"oversized requirement", func(p *feedback.Problem) {
				p.Requirement = strings.Repeat("改", feedback.RequirementMaxRunes+1)
			}},
			{"too many co-units", func(p *feedback.Problem) {
				p.CoUnits = make([]string, feedback.MaxCoUnits+1)
				for i := range p.CoUnits {
					p.CoUnits[i] = "单位" + itoa(i)
				}
			}},
			{"bad suggestion reference", func(p *feedback.Problem) { p.SuggestionIDs = []string{"\xff"} }},
			{"bad list reference", func(p *feedback.Problem) { p.ProblemListID = "清单/1" }},
			{"too many suggestion references", func(p *feedback.Problem) {
				p.SuggestionIDs = make([]string, feedback.MaxSuggestionsPerProblem+1)
				for i := range p.SuggestionIDs {
					p.SuggestionIDs[i] = feedback.NewID(c.Now())
				}
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := newProblem(c, list, "无效问题", unitMarket, "2025-04-30", feedback.ProblemOpen)
				tt.edit(p)
				wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p)}), feedback.EInvalid)
				if tt.name == "missing ID" {
					return
				}
				u := clone(prob)
				tt.edit(u)
				wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), feedback.EInvalid)
				equal(t, "problem after bad update", getProblem(t, st, prob.ID), prob)
			})
		}
		t.Run("bad event", func(t *testing.T) {
			p := newProblem(c, list, "事件无效的问题", unitMarket, "2025-04-30", feedback.ProblemOpen)
			ev := creationEvent(c, p)
			ev.Note = "备注\xff"
			wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev}), feedback.EInvalid)
			_, err := st.GetProblem(ctx(t), p.ID)
			wantCode(t, err, feedback.ENotFound)
			u := clone(prob)
			u.Progress = "进展"
			ev = creationEvent(c, prob)
			ev.ID = ""
			wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Event: ev}), feedback.EInvalid)
			equal(t, "problem after bad event", getProblem(t, st, prob.ID), prob)
		})
		// The suggestions written with a problem: one given twice, one
		// missing, or more than one problem may hold are refused before
		// anything is written, on every store alike.
		t.Run("suggestion given twice", func(t *testing.T) {
			p := newProblem(c, list, "重复关联的问题", unitMarket, "2025-04-30", feedback.ProblemOpen)
			p.SuggestionIDs = []string{good.ID}
			a := adopt(c, good, p)
			wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p), Suggestions: []*feedback.Suggestion{a, clone(a)}}), feedback.EInvalid)
			_, err := st.GetProblem(ctx(t), p.ID)
			wantCode(t, err, feedback.ENotFound)
			u := clone(prob)
			u.SuggestionIDs = []string{good.ID}
			a = adopt(c, good, u)
			wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u, Suggestions: []*feedback.Suggestion{a, clone(a)}}), feedback.EInvalid)
			equal(t, "problem after bad update", getProblem(t, st, prob.ID), prob)
			equal(t, "suggestion after bad writes", getSuggestion(t, st, good.ID), good)
		})
		t.Run("missing suggestion", func(t *testing.T) {
			p := newProblem(c, list, "缺少意见建议的问题", unitMarket, "2025-04-30", feedback.ProblemOpen)
			wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p), Suggestions: []*feedback.Suggestion{nil}}), feedback.EInvalid)
			wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: clone(prob), Suggestions: []*feedback.Suggestion{nil}}), feedback.EInvalid)
		})
		t.Run("too many suggestions", func(t *testing.T) {
			p := newProblem(c, list, "关联过多的问题", unitMarket, "2025-04-30", feedback.ProblemOpen)
			var sgs []*feedback.Suggestion
			for range feedback.MaxSuggestionsPerProblem + 1 {
				sg := newSuggestion(c, sym, samples[2])
				sg.Version = 1
				sgs = append(sgs, adopt(c, sg, p))
			}
			wantCode(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p), Suggestions: sgs}), feedback.EInvalid)
			_, err := st.GetProblem(ctx(t), p.ID)
			wantCode(t, err, feedback.ENotFound)
			wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: clone(prob), Suggestions: sgs}), feedback.EInvalid)
			equal(t, "problem after bad update", getProblem(t, st, prob.ID), prob)
		})
		page, err := st.ListProblems(ctx(t), feedback.ProblemFilter{})
		must(t, err, "list")
		wantIDs(t, "problems", page.Items, []string{prob.ID})
		if evs := events(t, st, prob.ID); len(evs) != 1 {
			t.Fatalf("events = %d, want 1", len(evs))
		}
	})

	t.Run("audit events", func(t *testing.T) {
		for name, edit := range map[string]func(e *feedback.AuditEvent){
			"missing ID":      func(e *feedback.AuditEvent) { e.ID = "" },
			"missing action":  func(e *feedback.AuditEvent) { e.Action = "" },
			"missing time":    func(e *feedback.AuditEvent) { e.At = time.Time{} },
			"invalid note":    func(e *feedback.AuditEvent) { e.Note = "\xff" },
			"oversized note":  func(e *feedback.AuditEvent) { e.Note = strings.Repeat("注", feedback.NoteMaxRunes+1) },
			"bad problem ref": func(e *feedback.AuditEvent) { e.ProblemID = "问题" },
		} {
			t.Run(name, func(t *testing.T) {
				e := creationEvent(c, prob)
				e.Action = feedback.ActionExport
				edit(e)
				wantCode(t, st.AppendAuditEvent(ctx(t), e), feedback.EInvalid)
			})
		}
		t.Run("nil event", func(t *testing.T) {
			wantCode(t, st.AppendAuditEvent(ctx(t), nil), feedback.EInvalid)
		})
		if evs := events(t, st, prob.ID); len(evs) != 1 {
			t.Fatalf("events = %d, want 1", len(evs))
		}
	})

	t.Run("rule set", func(t *testing.T) {
		for name, rs := range map[string]*feedback.RuleSet{
			"missing name":         {Rules: []feedback.RoutingRule{{ProblemListID: list.ID}}},
			"missing target":       {Rules: []feedback.RoutingRule{{Name: "乱罚款"}}},
			"duplicate names":      {Rules: []feedback.RoutingRule{{Name: "乱罚款", ProblemListID: list.ID}, {Name: "乱罚款", ProblemListID: list.ID}}},
			"invalid keyword":      {Rules: []feedback.RoutingRule{{Name: "乱罚款", ProblemListID: list.ID, Match: feedback.RuleMatch{KeywordsAny: []string{"\xff"}}}}},
			"bad deadline days":    {Rules: []feedback.RoutingRule{{Name: "乱罚款", ProblemListID: list.ID, DeadlineDays: -1}}},
			"bad target reference": {Rules: []feedback.RoutingRule{{Name: "乱罚款", ProblemListID: "清单/1"}}},
			"bad symposium reference": {Rules: []feedback.RoutingRule{{Name: "乱罚款", ProblemListID: list.ID,
				Match: feedback.RuleMatch{SymposiumIDs: []string{"座谈会"}}}}},
			"invalid author": {Rules: []feedback.RoutingRule{{Name: "乱罚款", ProblemListID: list.ID}}, UpdatedBy: "张\xff"},
		} {
			t.Run(name, func(t *testing.T) {
				wantCode(t, st.PutRuleSet(ctx(t), rs), feedback.EInvalid)
				if rs.Version != 0 {
					t.Fatalf("Version after failed put = %d, want 0", rs.Version)
				}
			})
		}
		got, err := st.GetRuleSet(ctx(t))
		must(t, err, "get")
		if got.Version != 0 || len(got.Rules) != 0 {
			t.Fatalf("rule set after bad puts = %s, want empty version 0", show(got))
		}
	})

	t.Run("summaries", func(t *testing.T) {
		for name, edit := range map[string]func(s *feedback.Summary){
			"missing ID":     func(s *feedback.Summary) { s.ID = "" },
			"bad ID":         func(s *feedback.Summary) { s.ID = "汇总" },
			"bad period":     func(s *feedback.Summary) { s.Period = "yearly" },
			"bad date":       func(s *feedback.Summary) { s.From = "2025-13-01" },
			"to before from": func(s *feedback.Summary) { s.To = "2025-02-01" },
			"invalid unit":   func(s *feedback.Summary) { s.Units[0].Unit = "\xff" },
			"too many units": func(s *feedback.Summary) {
				s.Units = make([]feedback.UnitScore, feedback.MaxSummaryUnits+1)
			},
		} {
			t.Run(name, func(t *testing.T) {
				s := newSummary(c, feedback.Monthly, "2025-03-10")
				edit(s)
				wantCode(t, st.PutSummary(ctx(t), s), feedback.EInvalid)
			})
		}
		page, err := st.ListSummaries(ctx(t), feedback.SummaryFilter{})
		must(t, err, "list")
		if len(page.Items) != 0 {
			t.Fatalf("summaries after bad puts = %v, want none", ids(page.Items))
		}
	})

	t.Run("accounts", func(t *testing.T) {
		for name, edit := range map[string]func(a *feedback.Account){
			"missing ID":         func(a *feedback.Account) { a.ID = "" },
			"bad ID":             func(a *feedback.Account) { a.ID = "账号" },
			"bad role":           func(a *feedback.Account) { a.Role = "root" },
			"unit without unit":  func(a *feedback.Account) { a.Role, a.Unit = feedback.RoleUnit, "" },
			"missing token hash": func(a *feedback.Account) { a.TokenHash = "" },
			"bad token hash":     func(a *feedback.Account) { a.TokenHash = strings.Repeat("\xff", 64) },
			"invalid name":       func(a *feedback.Account) { a.Name = "张\xff" },
		} {
			t.Run(name, func(t *testing.T) {
				a := newAccount(c, "无效账号", feedback.RoleStaff, "")
				edit(a)
				wantCode(t, st.CreateAccount(ctx(t), a), feedback.EInvalid)
			})
		}
		page, err := st.ListAccounts(ctx(t), 0, "")
		must(t, err, "list")
		if len(page.Items) != 0 {
			t.Fatalf("accounts after bad creates = %v, want none", ids(page.Items))
		}
	})
}

// testBadFilters checks that every list refuses a filter its Validate
// refuses, with EInvalid on every store alike (the rules live in the
// domain), and accepts the longest search text allowed.
func testBadFilters(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	mustSuggestion(t, st, c, sym, samples[0])

	t.Run("suggestions", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			f    feedback.SuggestionFilter
		}{
			{"unknown participant kind", feedback.SuggestionFilter{ParticipantKind: "official"}},
			{"unknown kind", feedback.SuggestionFilter{Kind: "complaint"}},
			{"unknown status", feedback.SuggestionFilter{Status: "archived"}},
			{"unknown channel", feedback.SuggestionFilter{Channel: "fax"}},
			{"bad symposium reference", feedback.SuggestionFilter{SymposiumID: "座谈会"}},
			{"oversized list reference", feedback.SuggestionFilter{ProblemListID: strings.Repeat("l", feedback.KeyMaxBytes+1)}},
			{"bad problem reference", feedback.SuggestionFilter{ProblemID: "a#b"}},
			{"search text with invalid UTF-8", feedback.SuggestionFilter{Query: "罚款\xff"}},
			{"search text too long", feedback.SuggestionFilter{Query: strings.Repeat("罚", feedback.QueryMaxRunes+1)}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := st.ListSuggestions(ctx(t), tt.f)
				wantCode(t, err, feedback.EInvalid)
			})
		}
		t.Run("longest search text", func(t *testing.T) {
			q := strings.Repeat("罚", feedback.QueryMaxRunes)
			page, err := st.ListSuggestions(ctx(t), feedback.SuggestionFilter{Query: q})
			must(t, err, "list")
			wantIDs(t, "suggestions", page.Items, nil)
		})
	})
	t.Run("problems", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			f    feedback.ProblemFilter
		}{
			{"unknown status", feedback.ProblemFilter{Status: "done"}},
			{"bad overdue day", feedback.ProblemFilter{OverdueOn: "2025-02-30"}},
			{"bad list reference", feedback.ProblemFilter{ProblemListID: "清单/1"}},
			{"oversized unit", feedback.ProblemFilter{Unit: strings.Repeat("局", feedback.UnitMaxRunes+1)}},
			{"unit with invalid UTF-8", feedback.ProblemFilter{Unit: "区\xff"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := st.ListProblems(ctx(t), tt.f)
				wantCode(t, err, feedback.EInvalid)
			})
		}
	})
	t.Run("symposia", func(t *testing.T) {
		_, err := st.ListSymposia(ctx(t), feedback.SymposiumFilter{Status: "archived"})
		wantCode(t, err, feedback.EInvalid)
	})
	t.Run("summaries", func(t *testing.T) {
		_, err := st.ListSummaries(ctx(t), feedback.SummaryFilter{Period: "yearly"})
		wantCode(t, err, feedback.EInvalid)
	})
	t.Run("problem aggregates", func(t *testing.T) {
		_, err := st.GetProblemAggregates(ctx(t), "2025-13-01", "2025-12-31")
		wantCode(t, err, feedback.EInvalid)
		_, err = st.GetProblemAggregates(ctx(t), "2025-01-01", "2025/12/31")
		wantCode(t, err, feedback.EInvalid)
	})
}
