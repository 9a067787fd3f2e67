package summarytest_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func zeroFilled(keys []string, set map[string]int) map[string]int {
	m := map[string]int{}
	for _, k := range keys {
		m[k] = 0
	}
	for k, v := range set {
		m[k] = v
	}
	return m
}

var (
	allKinds    = []string{"npc_deputy", "cppcc_member", "enterprise", "community", "public"}
	allStatuses = []string{"received", "triage", "routed", "adopted", "declined"}
	allSKinds   = []string{"suggestion", "problem_lead"}
	allChannels = []string{"qr", "web", "staff_entry", "import"}
)

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// TestIntakeOverPeriodEdges checks exact intake counts of periods whose
// edges fall on the hand-made suggestions, made on demand and by schedule.
func TestIntakeOverPeriodEdges(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := build(t, b.open)
			w.at(sh(2025, 4, 2, 10, 0, 0, 0))
			tests := []struct {
				name     string
				period   feedback.Period
				date     feedback.Date
				id       string
				received int
				byKind   map[string]int
				bySym    map[string]int
			}{
				{"day before midnight", feedback.Daily, "2025-03-09", "daily-2025-03-09", 1, map[string]int{"enterprise": 1}, map[string]int{symA: 1}},
				{"day from midnight", feedback.Daily, "2025-03-10", "daily-2025-03-10", 3, map[string]int{"npc_deputy": 1, "community": 1, "public": 1}, map[string]int{symA: 1, symB: 2}},
				{"week Monday-Sunday", feedback.Weekly, "2025-03-12", "weekly-2025-03-10", 4, map[string]int{"npc_deputy": 1, "community": 1, "public": 1, "enterprise": 1}, map[string]int{symA: 2, symB: 2}},
				{"month to its last minute", feedback.Monthly, "2025-03-31", "monthly-2025-03-01", 6, map[string]int{"enterprise": 2, "npc_deputy": 1, "community": 1, "public": 1, "cppcc_member": 1}, map[string]int{symA: 4, symB: 2}},
				{"month from midnight", feedback.Monthly, "2025-04-01", "monthly-2025-04-01", 1, map[string]int{"enterprise": 1}, map[string]int{symB: 1}},
				{"week across the year", feedback.Weekly, "2025-01-01", "weekly-2024-12-30", 2, map[string]int{"enterprise": 1, "npc_deputy": 1}, map[string]int{symA: 1, symB: 1}},
				{"empty day", feedback.Daily, "2025-02-14", "daily-2025-02-14", 0, nil, map[string]int{}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					sm, err := w.svc.GenerateSummary(t.Context(), office, tt.period, tt.date)
					must(t, err, "generate")
					check(t, "id", sm.ID, tt.id)
					check(t, "received", sm.Suggestions.Received, tt.received)
					check(t, "by participant kind", sm.Suggestions.ByParticipantKind, zeroFilled(allKinds, tt.byKind))
					check(t, "by symposium", sm.Suggestions.BySymposium, tt.bySym)
					check(t, "by status", sm.Suggestions.ByStatus, zeroFilled(allStatuses, map[string]int{"received": tt.received}))
				})
			}
			t.Run("kind and channel", func(t *testing.T) {
				sm, err := w.svc.GenerateSummary(t.Context(), office, feedback.Daily, "2025-03-10")
				must(t, err, "generate")
				check(t, "by kind", sm.Suggestions.ByKind, zeroFilled(allSKinds, map[string]int{"suggestion": 2, "problem_lead": 1}))
				check(t, "by channel", sm.Suggestions.ByChannel, zeroFilled(allChannels, map[string]int{"web": 1, "staff_entry": 1, "qr": 1}))
				check(t, "titles", sm.Suggestions.SymposiumTitles, map[string]string{symA: "涉企乱罚款专项整治企业座谈会", symB: "综合行政执法进驻式监督座谈会"})
			})
			t.Run("scheduled", func(t *testing.T) {
				for _, tt := range []struct {
					period   feedback.Period
					at       time.Time
					id       string
					received int
				}{
					// 2025-03-10T16:05Z is 00:05 on the 11th in Shanghai: yesterday is the 10th.
					{feedback.Daily, time.Date(2025, 3, 10, 16, 5, 0, 0, time.UTC), "daily-2025-03-10", 3},
					// One second before Shanghai midnight it is still the 10th.
					{feedback.Daily, sh(2025, 3, 10, 23, 59, 59, 0), "daily-2025-03-09", 1},
					{"", sh(2025, 3, 11, 0, 5, 0, 0), "daily-2025-03-10", 3}, // no period: daily
					{feedback.Weekly, sh(2025, 3, 17, 0, 5, 0, 0), "weekly-2025-03-10", 4},
					{feedback.Weekly, sh(2025, 3, 18, 8, 0, 0, 0), "weekly-2025-03-10", 4}, // a late retry
					{feedback.Weekly, sh(2025, 1, 6, 0, 5, 0, 0), "weekly-2024-12-30", 2},
					{feedback.Monthly, sh(2025, 4, 1, 0, 5, 0, 0), "monthly-2025-03-01", 6},
				} {
					sm, err := w.svc.ScheduledSummary(t.Context(), tt.period, tt.at)
					must(t, err, "scheduled")
					check(t, "id at "+tt.at.String(), sm.ID, tt.id)
					check(t, "received at "+tt.at.String(), sm.Suggestions.Received, tt.received)
				}
			})
			t.Run("re-running replaces", func(t *testing.T) {
				page, err := w.svc.ListSummaries(t.Context(), office, feedback.SummaryFilter{Period: feedback.Daily, Limit: 100})
				must(t, err, "list")
				var ids []string
				for _, s := range page.Items {
					ids = append(ids, s.ID)
				}
				check(t, "daily summaries", ids, []string{"daily-2025-03-10", "daily-2025-03-09", "daily-2025-02-14"})
			})
		})
	}
}

// TestTriageCountedApart checks that a summary counts the suggestions
// routing left in the triage list as 待分拣 ("triage"), apart from those
// filed to a real list (已分拣, "routed"), as the triage list itself shows
// them.
func TestTriageCountedApart(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := build(t, b.open)
			ctx := t.Context()
			// No routing rules: s2, s3 and s4 of the week of 2025-03-10 go
			// to the triage list; s5 stays received.
			for _, i := range []int{1, 2, 3} {
				must(t, w.svc.RouteSuggestion(ctx, fmt.Sprintf("01jnsugg%04d", i)), "route")
			}
			w.at(sh(2025, 3, 12, 9, 0, 0, 0))
			l, err := w.svc.CreateProblemList(ctx, office, feedback.ProblemListInput{Title: "社区意见清单", Campaign: "涉企乱罚款专项整治"})
			must(t, err, "problem list")
			admin := feedback.Identity{Subject: "acc-admin", Name: "管理员", Role: feedback.RoleAdmin}
			must(t, w.svc.PutRules(ctx, admin, &feedback.RuleSet{Rules: []feedback.RoutingRule{
				{Name: "社区代表", Match: feedback.RuleMatch{ParticipantKinds: []feedback.ParticipantKind{feedback.Community}}, ProblemListID: l.ID}}}), "rules")
			if _, err := w.svc.RerouteTriage(ctx, office); err != nil { // s3 leaves the triage list
				t.Fatalf("reroute: %v", err)
			}
			detail, err := w.svc.GetProblemList(ctx, office, feedback.TriageListID)
			must(t, err, "triage list")
			sm, err := w.svc.GenerateSummary(ctx, office, feedback.Weekly, "2025-03-12")
			must(t, err, "generate")
			check(t, "by status", sm.Suggestions.ByStatus, zeroFilled(allStatuses, map[string]int{"received": 1, "triage": 2, "routed": 1}))
			check(t, "triage as the triage list counts it", sm.Suggestions.ByStatus[feedback.StatusTriage], detail.Counts.Waiting)
			check(t, "labels", []string{sm.Suggestions.StatusLabel("triage"), sm.Suggestions.StatusLabel("routed")}, []string{"待分拣", "已分拣"})
		})
	}
}

// TestProblemFigures checks the problem section and the scorecard against
// the hand-made lifecycle (see build).
func TestProblemFigures(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := build(t, b.open)
			w.at(sh(2025, 3, 11, 0, 5, 0, 0))
			sm, err := w.svc.ScheduledSummary(t.Context(), feedback.Daily, time.Time{})
			must(t, err, "scheduled")
			check(t, "as of", sm.AsOf, feedback.Date("2025-03-11"))
			p := sm.Problems
			check(t, "states", []int{p.Open, p.Rectifying, p.Rectified, p.Verified, p.Reopened, p.LongTerm}, []int{2, 1, 1, 1, 1, 1})
			check(t, "overdue", p.OverdueItems, []feedback.OverdueItem{
				{ProblemID: w.ids["C 以罚代管"], Title: "C 以罚代管", ResponsibleUnit: unitCity, Deadline: "2025-03-07", DaysOverdue: 4}})
			check(t, "due soon", p.DueSoonItems, []feedback.DueItem{
				{ProblemID: w.ids["B 首违不罚未落实"], Title: "B 首违不罚未落实", ResponsibleUnit: unitMarket, Deadline: "2025-03-12", DaysLeft: 1},
				{ProblemID: w.ids["D 重复检查"], Title: "D 重复检查", ResponsibleUnit: unitCity, Deadline: "2025-03-14", DaysLeft: 3}})
			check(t, "look-backs", p.LookbackItems, []feedback.LookbackItem{
				{ProblemID: w.ids["G 委托执法不规范"], Title: "G 委托执法不规范", ResponsibleUnit: unitTown, LookbackDue: "2025-03-13"}})
			check(t, "counts", []int{p.Overdue, p.DueSoon, p.LookbacksDue}, []int{1, 2, 1})
			check(t, "activity of the 10th", p.Activity, feedback.ProblemActivity{Verified: 1, Reopened: 1})
			check(t, "units", sm.Units, []feedback.UnitScore{
				{Unit: unitCity, Assigned: 2, Overdue: 1, DueSoon: 1},
				{Unit: unitMarket, Assigned: 2, Rectified: 1, RectifiedOnTime: 1, OnTimeRate: 1, DueSoon: 1, Relapses: 1},
				{Unit: unitTown, Assigned: 3, Rectified: 1},
			})

			month, err := w.svc.GenerateSummary(t.Context(), office, feedback.Monthly, "2025-03-11")
			must(t, err, "month")
			check(t, "activity of March", month.Problems.Activity, feedback.ProblemActivity{Created: 7, Rectified: 3, Verified: 1, Reopened: 1})
			feb, err := w.svc.GenerateSummary(t.Context(), office, feedback.Monthly, "2025-02-11")
			must(t, err, "february")
			check(t, "activity of February", feb.Problems.Activity, feedback.ProblemActivity{})

			// One more rectification on time moves the rate to a fraction.
			w.at(sh(2025, 3, 11, 9, 0, 0, 0))
			_, err = w.svc.TransitionProblem(t.Context(), office, w.ids["D 重复检查"], feedback.Transition{To: feedback.ProblemRectified})
			must(t, err, "rectify D")
			_, err = w.svc.TransitionProblem(t.Context(), office, w.ids["C 以罚代管"], feedback.Transition{To: feedback.ProblemRectifying})
			must(t, err, "C rectifying")
			_, err = w.svc.TransitionProblem(t.Context(), office, w.ids["C 以罚代管"], feedback.Transition{To: feedback.ProblemRectified})
			must(t, err, "rectify C late")
			sm, err = w.svc.GenerateSummary(t.Context(), office, feedback.Daily, "")
			must(t, err, "today")
			city := sm.Units[slices.IndexFunc(sm.Units, func(u feedback.UnitScore) bool { return u.Unit == unitCity })]
			check(t, "city after", city, feedback.UnitScore{Unit: unitCity, Assigned: 2, Rectified: 2, RectifiedOnTime: 1, OnTimeRate: 0.5})
		})
	}
}

// TestSameOnBothStores computes the same summaries on SQLite and DynamoDB
// and compares their JSON.
func TestSameOnBothStores(t *testing.T) {
	render := func(w *world) []string {
		var out []string
		w.at(sh(2025, 4, 1, 0, 5, 0, 0))
		for _, q := range []struct {
			p feedback.Period
			d feedback.Date
		}{{feedback.Daily, "2025-03-10"}, {feedback.Weekly, "2025-03-10"}, {feedback.Monthly, "2025-03-10"}, {feedback.Weekly, "2025-01-01"}} {
			sm, err := w.svc.GenerateSummary(t.Context(), office, q.p, q.d)
			must(t, err, "generate")
			stored, err := w.svc.GetSummary(t.Context(), office, sm.ID)
			must(t, err, "get")
			for _, s := range []*feedback.Summary{sm, stored} {
				// Problem IDs are random per store; titles are unique.
				for i := range s.Problems.OverdueItems {
					s.Problems.OverdueItems[i].ProblemID = ""
				}
				for i := range s.Problems.DueSoonItems {
					s.Problems.DueSoonItems[i].ProblemID = ""
				}
				for i := range s.Problems.LookbackItems {
					s.Problems.LookbackItems[i].ProblemID = ""
				}
				s.GeneratedAt = s.GeneratedAt.UTC()
				b, err := json.Marshal(s)
				must(t, err, "marshal")
				out = append(out, string(b))
			}
		}
		return out
	}
	sq := render(build(t, openSQLite))
	dy := render(build(t, openDynamo))
	for i := range sq {
		if sq[i] != dy[i] {
			t.Errorf("summary %d differs:\n sqlite   %s\n dynamodb %s", i, sq[i], dy[i])
		}
		if i%2 == 1 && sq[i] != sq[i-1] {
			t.Errorf("stored summary %d differs from the generated one:\n generated %s\n stored    %s", i, sq[i-1], sq[i])
		}
	}
}

// TestDelivery checks that a scheduled run sends the summary and one
// reminder per unit with problems overdue or due soon, once.
func TestDelivery(t *testing.T) {
	w := build(t, openDynamo)
	w.at(sh(2025, 3, 11, 0, 5, 0, 0))
	r := &recorder{fail: unitMarket}
	_, err := w.svc.RunScheduledSummary(t.Context(), "", time.Time{}, r)
	if err == nil {
		t.Fatal("a failed reminder returned no error")
	}
	var got []string
	for _, n := range r.notices {
		got = append(got, n.Kind+":"+n.Unit)
	}
	check(t, "first run", got, []string{"summary:", "reminder:" + unitCity})
	// Links open console pages after signing in: the summary, and for the
	// office's copy of a reminder the unit's overdue problems (the unit's
	// own copy, which leads to its workspace, is in package feedback's
	// TestReminderLinks).
	check(t, "summary link", r.notices[0].Link, "https://jianyan.example.gov.cn/console/summaries/daily-2025-03-10")
	check(t, "reminder link", r.notices[1].Link, "https://jianyan.example.gov.cn/console/problems?overdue=true&unit="+url.QueryEscape(unitCity))
	if !strings.Contains(r.notices[1].Text, r.notices[1].Link) {
		t.Errorf("reminder text %q lacks its link", r.notices[1].Text)
	}
	r.fail, r.notices = "", nil
	sm, err := w.svc.RunScheduledSummary(t.Context(), feedback.Daily, time.Time{}, r)
	must(t, err, "retry")
	check(t, "retry sends only what failed", len(r.notices), 1)
	check(t, "retry unit", r.notices[0].Unit, unitMarket)
	check(t, "delivered", sm.Delivered, []string{"summary", "reminder:" + unitCity, "reminder:" + unitMarket})
	r.notices = nil
	_, err = w.svc.RunScheduledSummary(t.Context(), feedback.Daily, time.Time{}, r)
	must(t, err, "again")
	check(t, "third run", len(r.notices), 0)
	// Weekly runs send the summary, no reminders.
	w.at(sh(2025, 3, 17, 0, 5, 0, 0))
	_, err = w.svc.RunScheduledSummary(t.Context(), feedback.Weekly, time.Time{}, r)
	must(t, err, "weekly")
	check(t, "weekly", len(r.notices), 1)
	check(t, "weekly link", r.notices[0].Link, "https://jianyan.example.gov.cn/console/summaries/weekly-2025-03-10")
}

func TestAuthorization(t *testing.T) {
	w := build(t, openDynamo)
	_, err := w.svc.GenerateSummary(t.Context(), unitID, feedback.Daily, "")
	check(t, "unit generates", feedback.ErrorCode(err), feedback.EForbidden)
	_, err = w.svc.ListSummaries(t.Context(), unitID, feedback.SummaryFilter{})
	check(t, "unit lists", feedback.ErrorCode(err), feedback.EForbidden)
	_, err = w.svc.GenerateSummary(t.Context(), office, "yearly", "")
	check(t, "bad period", feedback.ErrorCode(err), feedback.EInvalid)
	w.at(sh(2025, 3, 11, 10, 0, 0, 0))
	_, err = w.svc.GenerateSummary(t.Context(), office, feedback.Daily, "2025-03-12")
	check(t, "future", feedback.ErrorCode(err), feedback.EInvalid)
}
