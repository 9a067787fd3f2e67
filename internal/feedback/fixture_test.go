package feedback_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// fixture is a Service over a real SQLite store with a test clock, an
// open symposium and one identity per role.
type fixture struct {
	svc   *feedback.Service
	store feedback.Store
	sym   *feedback.Symposium

	mu  sync.Mutex
	now time.Time

	admin, staff, unit, otherUnit, noRole feedback.Identity
}

const (
	unitMarket  = "区市场监督管理局"
	unitJustice = "区司法局"
)

// fixtureUnits are registered in every fixture.
var fixtureUnits = []string{unitMarket, unitJustice, "杜阮镇人民政府", "环市街道办事处", "各镇(街)综合行政执法办", "区委依法治区办"}

// newFixture returns a fixture on SQLite; opts adjust the service's
// configuration (notice delivery, say).
func newFixture(tb testing.TB, opts ...func(*feedback.Config)) *fixture {
	tb.Helper()
	return newFixtureOn(tb, openSQLite, opts...)
}

// openSQLite opens a fresh SQLite store on clock.
func openSQLite(tb testing.TB, clock feedback.Clock) feedback.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(clock))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// newFixtureOn is newFixture on the store open returns.
func newFixtureOn(tb testing.TB, open func(tb testing.TB, clock feedback.Clock) feedback.Store, opts ...func(*feedback.Config)) *fixture {
	tb.Helper()
	ctx := context.Background()
	f := &fixture{
		now:       time.Date(2025, 3, 4, 10, 0, 0, 0, feedback.Shanghai),
		admin:     feedback.Identity{Subject: "acc-admin", Name: "法治督察科 张科长", Role: feedback.RoleAdmin},
		staff:     feedback.Identity{Subject: "acc-staff", Name: "法治督察科 李干事", Role: feedback.RoleStaff},
		unit:      feedback.Identity{Subject: "acc-unit", Name: "市场监管局 王股长", Role: feedback.RoleUnit, Unit: unitMarket},
		otherUnit: feedback.Identity{Subject: "acc-unit2", Name: "司法局 赵股长", Role: feedback.RoleUnit, Unit: unitJustice},
		noRole:    feedback.Identity{Subject: "acc-none", Name: "无角色"},
	}
	// The clock ticks a millisecond per reading, so events and IDs made one
	// after another sort in the order they were made.
	clock := func() time.Time {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.now = f.now.Add(time.Millisecond)
		return f.now
	}
	st := open(tb, clock)
	f.store = st
	cfg := feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Now: clock, Logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&cfg)
	}
	f.svc = feedback.NewService(st, cfg)
	// The units the tests name are registered, as an office registers
	// its units before assigning problems.
	for _, name := range fixtureUnits {
		if _, err := f.svc.CreateUnit(ctx, f.admin, feedback.UnitInput{Name: name}); err != nil {
			tb.Fatalf("register unit %s: %v", name, err)
		}
	}
	var err error
	f.sym, err = f.svc.CreateSymposium(ctx, f.admin, feedback.SymposiumInput{
		Title: "涉企乱罚款问题专项整治征求意见座谈会", Campaign: "涉企乱罚款专项整治",
		HostUnit: "区委依法治区办", Status: feedback.SymposiumOpen,
	})
	if err != nil {
		tb.Fatalf("create symposium: %v", err)
	}
	return f
}

// advance moves the clock on.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fixture) today() feedback.Date { return feedback.DateOf(f.svc.Now()) }

// submit stores a suggestion through the public form; it is not routed.
func (f *fixture) submit(tb testing.TB, kind feedback.ParticipantKind, topic, content string) *feedback.Suggestion {
	tb.Helper()
	sg, _, err := f.svc.Submit(context.Background(), f.sym.Code, feedback.SubmissionInput{
		ParticipantKind: kind, Topic: topic, Content: content, Name: "陈先生", Contact: "13800138000",
	}, feedback.ChannelQR)
	if err != nil {
		tb.Fatalf("submit: %v", err)
	}
	f.advance(time.Second)
	return sg
}

// submitRouted submits and routes a suggestion.
func (f *fixture) submitRouted(tb testing.TB, kind feedback.ParticipantKind, topic, content string) *feedback.Suggestion {
	tb.Helper()
	sg := f.submit(tb, kind, topic, content)
	if err := f.svc.RouteSuggestion(context.Background(), sg.ID); err != nil {
		tb.Fatalf("route %s: %v", sg.ID, err)
	}
	return f.suggestion(tb, sg.ID)
}

func (f *fixture) suggestion(tb testing.TB, id string) *feedback.Suggestion {
	tb.Helper()
	sg, err := f.store.GetSuggestion(context.Background(), id)
	if err != nil {
		tb.Fatalf("get suggestion %s: %v", id, err)
	}
	return sg
}

func (f *fixture) problem(tb testing.TB, id string) *feedback.Problem {
	tb.Helper()
	p, err := f.store.GetProblem(context.Background(), id)
	if err != nil {
		tb.Fatalf("get problem %s: %v", id, err)
	}
	return p
}

// list creates a problem list.
func (f *fixture) list(tb testing.TB, title string) *feedback.ProblemList {
	tb.Helper()
	l, err := f.svc.CreateProblemList(context.Background(), f.staff, feedback.ProblemListInput{
		Title: title, Campaign: "涉企乱罚款专项整治", SymposiumID: f.sym.ID, OwnerUnit: "区委依法治区办",
	})
	if err != nil {
		tb.Fatalf("create problem list: %v", err)
	}
	return l
}

// rules saves rules as the admin, over whatever is stored.
func (f *fixture) rules(tb testing.TB, rules ...feedback.RoutingRule) *feedback.RuleSet {
	tb.Helper()
	rs := &feedback.RuleSet{Rules: rules}
	if err := f.svc.ReplaceRules(context.Background(), f.admin, rs); err != nil {
		tb.Fatalf("replace rules: %v", err)
	}
	return rs
}

// history returns a problem's audit events.
func (f *fixture) history(tb testing.TB, problemID string) []*feedback.AuditEvent {
	tb.Helper()
	p, err := f.svc.History(context.Background(), f.admin, problemID, feedback.MaxListLimit, "")
	if err != nil {
		tb.Fatalf("history %s: %v", problemID, err)
	}
	return p.Items
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := feedback.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

var (
	collectAdmin = feedback.Identity{Subject: "a", Name: "admin", Role: feedback.RoleAdmin}
	collectStaff = feedback.Identity{Subject: "s", Name: "staff", Role: feedback.RoleStaff}
	collectUnit  = feedback.Identity{Subject: "u", Name: "unit", Role: feedback.RoleUnit, Unit: "区市场监管局"}
)

func newCollectService(tb testing.TB) *feedback.Service {
	tb.Helper()
	now := time.Date(2025, 3, 1, 9, 30, 0, 0, feedback.Shanghai)
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jy.example.gov.cn/", Now: func() time.Time { return now }})
}

func ptr[T any](v T) *T { return &v }
