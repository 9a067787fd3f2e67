package summarytest_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// The read cost of a summary must follow what changed in its period, not
// what is stored: the same period contents with 1,000 or 100,000 older
// suggestions in the store must cost the same reads.

// readMeter opens a store and reports its cumulative read cost.
type readMeter struct {
	name string
	open func(tb testing.TB, c *clock) (feedback.Store, func() float64)
}

var sqliteMeter = readMeter{"sqlite pages", func(tb testing.TB, c *clock) (feedback.Store, func() float64) {
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(c.Now))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, func() float64 {
		n, err := st.PagesRead(tb.Context())
		if err != nil {
			tb.Fatalf("pages read: %v", err)
		}
		return float64(n)
	}
}}

var dynamoMeter = readMeter{"dynamodb items", func(tb testing.TB, c *clock) (feedback.Store, func() float64) {
	client := dynamotest.NewClient(tb, dynamotest.Endpoint(tb))
	rc := dynamotest.NewReadCounter(client)
	st := dynamo.New(rc, dynamotest.CreateTable(tb, client), dynamo.WithClock(c.Now))
	return st, func() float64 { return float64(rc.Reads().Items) }
}}

// summaryReads builds the hand-made world plus background older
// suggestions, then returns the read cost of one daily summary.
func summaryReads(tb testing.TB, m readMeter, background int) float64 {
	tb.Helper()
	var reads func() float64
	w := build(tb, func(tb testing.TB, c *clock) feedback.Store {
		st, r := m.open(tb, c)
		reads = r
		return st
	})
	start := sh(2023, 1, 1, 8, 0, 0, 0)
	for i := range background {
		s := newSuggestion(0, suggestionAt{start.Add(time.Duration(i) * 7 * time.Minute), symA, feedback.Enterprise, feedback.KindSuggestion, feedback.ChannelQR})
		s.ID, s.Receipt = fmt.Sprintf("01jnbg%08d", i), feedback.NewReceipt()
		if _, _, err := w.store.CreateSuggestion(tb.Context(), s); err != nil {
			tb.Fatalf("background suggestion %d: %v", i, err)
		}
	}
	w.at(sh(2025, 3, 11, 0, 5, 0, 0))
	// One summary first warms what a store reads once per process (the
	// cursor key, month markers); the second is the one measured.
	if _, err := w.svc.ScheduledSummary(tb.Context(), feedback.Daily, time.Time{}); err != nil {
		tb.Fatalf("summary: %v", err)
	}
	before := reads()
	sm, err := w.svc.ScheduledSummary(tb.Context(), feedback.Daily, time.Time{})
	if err != nil {
		tb.Fatalf("summary: %v", err)
	}
	if sm.Suggestions.Received != 3 || sm.Problems.Overdue != 1 {
		tb.Fatalf("summary contents changed: received %d, overdue %d", sm.Suggestions.Received, sm.Problems.Overdue)
	}
	return reads() - before
}

// TestSummaryReadsFlat compares the read cost with 10× more stored
// suggestions (smaller counts than the benchmark, to stay quick: moto_server
// takes about a third of a second per submission transaction).
func TestSummaryReadsFlat(t *testing.T) {
	for _, tt := range []struct {
		m          readMeter
		small, big int
	}{{sqliteMeter, 1_000, 10_000}, {dynamoMeter, 10, 100}} {
		t.Run(tt.m.name, func(t *testing.T) {
			small := summaryReads(t, tt.m, tt.small)
			big := summaryReads(t, tt.m, tt.big)
			t.Logf("%s: %d stored → %.0f, %d stored → %.0f (ratio %.2f)", tt.m.name, tt.small, small, tt.big, big, big/small)
			if small <= 0 || big > small*1.2 {
				t.Errorf("summary reads grew with the store: %.0f → %.0f", small, big)
			}
		})
	}
}

// BenchmarkSummaryReads reports the read cost of a daily summary as
// reads/op over stores holding more and more older suggestions; the
// figures should stay flat. Run with -benchtime=1x: the set-up dominates.
//
//	go test ./internal/feedback/summarytest -run '^$' -bench SummaryReads -benchtime=1x
func BenchmarkSummaryReads(b *testing.B) {
	for _, tt := range []struct {
		m     readMeter
		sizes []int
	}{{sqliteMeter, []int{1_000, 10_000, 100_000}}, {dynamoMeter, []int{10, 100, 1_000}}} {
		for _, n := range tt.sizes {
			b.Run(fmt.Sprintf("%s/stored=%d", tt.m.name, n), func(b *testing.B) {
				var total float64
				for range b.N {
					total += summaryReads(b, tt.m, n)
				}
				b.ReportMetric(total/float64(b.N), "reads/op")
			})
		}
	}
}
