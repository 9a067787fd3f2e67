package securitytest

import (
	"context"
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

// clock is a settable test clock that ticks a millisecond per reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 4, 10, 0, 0, 0, feedback.Shanghai)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// backend is one store under test.
type backend struct {
	name string
	open func(tb testing.TB, c *clock) feedback.Store
}

var backends = []backend{
	{"sqlite", func(tb testing.TB, c *clock) feedback.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(c.Now))
		if err != nil {
			tb.Fatalf("open sqlite: %v", err)
		}
		tb.Cleanup(func() { st.Close() })
		return st
	}},
	{"dynamodb", func(tb testing.TB, c *clock) feedback.Store {
		client := dynamotest.NewClient(tb, dynamotest.Endpoint(tb))
		return dynamo.New(client, dynamotest.CreateTable(tb, client), dynamo.WithClock(c.Now))
	}},
}

var (
	admin = feedback.Identity{Subject: "acc-admin", Name: "法治督察科 张科长", Role: feedback.RoleAdmin}
	staff = feedback.Identity{Subject: "acc-staff", Name: "法治督察科 李干事", Role: feedback.RoleStaff}
	unit  = feedback.Identity{Subject: "acc-unit", Name: "市场监管局 王股长", Role: feedback.RoleUnit, Unit: "区市场监督管理局"}
)

func must(tb testing.TB, err error, what string) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}
