package summarytest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

func TestMain(m *testing.M) { dynamotest.Main(m) }

// clock is the injected clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// sh is a wall-clock time in Asia/Shanghai.
func sh(y int, m time.Month, d, h, min, s, ns int) time.Time {
	return time.Date(y, m, d, h, min, s, ns, feedback.Shanghai)
}

var (
	office = feedback.Identity{Subject: "acc-office", Name: "张科长", Role: feedback.RoleStaff}
	unitID = feedback.Identity{Subject: "acc-unit", Name: "李主任", Role: feedback.RoleUnit, Unit: unitMarket}
)

const (
	unitMarket = "区市场监督管理局"
	unitCity   = "区城市管理和综合执法局"
	unitTown   = "棠下镇"
	symA       = "01jnsymposiuma"
	symB       = "01jnsymposiumb"
)

// backend is one store kind.
type backend struct {
	name string
	open func(tb testing.TB, c *clock) feedback.Store
}

func openSQLite(tb testing.TB, c *clock) feedback.Store {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(c.Now))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func openDynamo(tb testing.TB, c *clock) feedback.Store {
	tb.Helper()
	client := dynamotest.NewClient(tb, dynamotest.Endpoint(tb))
	return dynamo.New(client, dynamotest.CreateTable(tb, client), dynamo.WithClock(c.Now))
}

var backends = []backend{{"sqlite", openSQLite}, {"dynamodb", openDynamo}}

// suggestionAt is one hand-made suggestion.
type suggestionAt struct {
	at      time.Time
	sym     string
	pk      feedback.ParticipantKind
	kind    feedback.SuggestionKind
	channel feedback.Channel
}

// suggestions are placed on the period edges: the last nanosecond-ish of a
// day, midnight exactly, month ends and a week that spans two years.
var suggestions = []suggestionAt{
	{sh(2025, 3, 9, 23, 59, 59, 999_000_000), symA, feedback.Enterprise, feedback.KindSuggestion, feedback.ChannelQR}, // s1 Sunday
	{sh(2025, 3, 10, 0, 0, 0, 0), symA, feedback.NPCDeputy, feedback.KindSuggestion, feedback.ChannelWeb},             // s2 Monday midnight
	{sh(2025, 3, 10, 15, 0, 0, 0), symB, feedback.Community, feedback.KindProblemLead, feedback.ChannelStaffEntry},    // s3
	{sh(2025, 3, 10, 23, 59, 59, 0), symB, feedback.Public, feedback.KindSuggestion, feedback.ChannelQR},              // s4
	{sh(2025, 3, 11, 0, 0, 0, 0), symA, feedback.Enterprise, feedback.KindSuggestion, feedback.ChannelQR},             // s5
	{sh(2025, 3, 31, 23, 59, 0, 0), symA, feedback.CPPCCMember, feedback.KindProblemLead, feedback.ChannelImport},     // s6 month end
	{sh(2025, 4, 1, 0, 0, 0, 0), symB, feedback.Enterprise, feedback.KindSuggestion, feedback.ChannelQR},              // s7 next month
	{sh(2024, 12, 29, 23, 59, 59, 0), symA, feedback.Enterprise, feedback.KindSuggestion, feedback.ChannelQR},         // s8 week before
	{sh(2024, 12, 30, 10, 0, 0, 0), symA, feedback.Enterprise, feedback.KindSuggestion, feedback.ChannelQR},           // s9 Monday, week 2025-W01
	{sh(2025, 1, 5, 23, 0, 0, 0), symB, feedback.NPCDeputy, feedback.KindSuggestion, feedback.ChannelWeb},             // s10 Sunday, same week
	{sh(2025, 1, 6, 0, 0, 0, 0), symB, feedback.NPCDeputy, feedback.KindSuggestion, feedback.ChannelWeb},              // s11 next week
}

// world is a store with the hand-made data and a service over it.
type world struct {
	store feedback.Store
	svc   *feedback.Service
	clock *clock
	ids   map[string]string // problem title → ID
}

func must(tb testing.TB, err error, what string) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

func newSymposium(id, title string, at time.Time) *feedback.Symposium {
	return &feedback.Symposium{ID: id, Code: feedback.NewSymposiumCode(), Title: title, Campaign: "涉企乱罚款专项整治",
		Status: feedback.SymposiumOpen, CreatedAt: at, UpdatedAt: at}
}

func newSuggestion(i int, s suggestionAt) *feedback.Suggestion {
	return &feedback.Suggestion{
		ID: fmt.Sprintf("01jnsugg%04d", i), Receipt: feedback.NewReceipt(), SymposiumID: s.sym,
		Kind: s.kind, ParticipantKind: s.pk, Channel: s.channel, Status: feedback.SuggestionReceived,
		Topic: "执法检查", Content: "建议规范涉企执法检查频次,避免多头重复检查和以罚代管。",
		SubmittedAt: s.at, UpdatedAt: s.at,
	}
}

// build stores the hand-made data: symposia, suggestions and seven
// problems taken through their lifecycle by the service (so the counters
// are maintained by the real write path).
func build(t testing.TB, open func(testing.TB, *clock) feedback.Store) *world {
	t.Helper()
	c := &clock{t: sh(2024, 12, 1, 9, 0, 0, 0)}
	st := open(t, c)
	w := &world{store: st, clock: c, ids: map[string]string{},
		svc: feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Now: c.Now})}
	ctx := t.Context()
	must(t, st.CreateSymposium(ctx, newSymposium(symA, "涉企乱罚款专项整治企业座谈会", c.Now())), "symposium A")
	must(t, st.CreateSymposium(ctx, newSymposium(symB, "综合行政执法进驻式监督座谈会", c.Now())), "symposium B")
	for i, s := range suggestions {
		_, _, err := st.CreateSuggestion(ctx, newSuggestion(i, s))
		must(t, err, "suggestion")
	}
	w.problems(t)
	return w
}

func (w *world) at(t time.Time) { w.clock.Set(t) }

func (w *world) problems(t testing.TB) {
	t.Helper()
	ctx := t.Context()
	w.at(sh(2025, 3, 1, 10, 0, 0, 0))
	l, err := w.svc.CreateProblemList(ctx, office, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款专项整治"})
	must(t, err, "problem list")
	registered := map[string]bool{}
	create := func(title, unit string, deadline feedback.Date) {
		if unit != "" && !registered[unit] {
			_, err := w.svc.CreateUnit(ctx, office, feedback.UnitInput{Name: unit})
			must(t, err, "register "+unit)
			registered[unit] = true
		}
		p, err := w.svc.CreateProblem(ctx, office, feedback.ProblemInput{ProblemListID: l.ID, Title: title, ResponsibleUnit: unit, Deadline: deadline})
		must(t, err, "create "+title)
		w.ids[title] = p.ID
	}
	move := func(at time.Time, title string, tr feedback.Transition) {
		w.at(at)
		_, err := w.svc.TransitionProblem(ctx, office, w.ids[title], tr)
		must(t, err, fmt.Sprintf("%s → %s", title, tr.To))
	}
	create("A 裁量基准未公开", unitMarket, "2025-03-05")
	create("B 首违不罚未落实", unitMarket, "2025-03-06")
	create("C 以罚代管", unitCity, "2025-03-07")
	create("D 重复检查", unitCity, "2025-03-14")
	create("E 执法公示不全", unitTown, "2025-03-15")
	create("F 下放事项承接", unitTown, "2025-03-03")
	create("G 委托执法不规范", unitTown, "2025-02-28")

	rect := func(to feedback.ProblemStatus) feedback.Transition { return feedback.Transition{To: to} }
	move(sh(2025, 3, 1, 11, 0, 0, 0), "G 委托执法不规范", rect(feedback.ProblemRectifying))
	move(sh(2025, 3, 2, 9, 0, 0, 0), "G 委托执法不规范", feedback.Transition{To: feedback.ProblemRectified, LookbackDue: "2025-03-13"})
	move(sh(2025, 3, 2, 10, 0, 0, 0), "F 下放事项承接", rect(feedback.ProblemLongTerm))
	move(sh(2025, 3, 2, 11, 0, 0, 0), "B 首违不罚未落实", rect(feedback.ProblemRectifying))
	move(sh(2025, 3, 4, 9, 0, 0, 0), "A 裁量基准未公开", rect(feedback.ProblemRectifying))
	move(sh(2025, 3, 5, 23, 59, 0, 0), "A 裁量基准未公开", rect(feedback.ProblemRectified)) // on the deadline day: on time
	move(sh(2025, 3, 8, 9, 0, 0, 0), "B 首违不罚未落实", rect(feedback.ProblemRectified))   // late
	move(sh(2025, 3, 9, 9, 0, 0, 0), "D 重复检查", rect(feedback.ProblemRectifying))
	move(sh(2025, 3, 10, 9, 0, 0, 0), "A 裁量基准未公开", rect(feedback.ProblemVerified))
	move(sh(2025, 3, 10, 10, 0, 0, 0), "B 首违不罚未落实", feedback.Transition{To: feedback.ProblemReopened, NewDeadline: "2025-03-12"})
}

// recorder is a Notifier that records notices; fail makes the notices of
// that unit fail.
type recorder struct {
	mu      sync.Mutex
	notices []feedback.Notice
	fail    string
}

func (r *recorder) Notify(_ context.Context, n feedback.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != "" && n.Unit == r.fail {
		return fmt.Errorf("unreachable")
	}
	r.notices = append(r.notices, n)
	return nil
}
