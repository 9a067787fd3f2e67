package summarizefn_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
	"github.com/jianyan/jianyan/internal/summarizefn"
)

func TestParseInput(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		period feedback.Period
		at     string
		err    bool
	}{
		{"bare weekly", `{"period":"weekly"}`, feedback.Weekly, "", false},
		{"empty", `{}`, feedback.Daily, "", false},
		{"null", `null`, feedback.Daily, "", false},
		{"classic rule", `{"detail-type":"Scheduled Event","time":"2025-03-31T16:30:00Z","detail":{}}`, feedback.Daily, "2025-03-31T16:30:00Z", false},
		{"scheduler", `{"time":"2025-03-31T16:30:00Z","detail":{"period":"monthly"}}`, feedback.Monthly, "2025-03-31T16:30:00Z", false},
		{"unknown period", `{"detail":{"period":"yearly"}}`, "", "", true},
		{"bad time", `{"time":"yesterday"}`, "", "", true},
		{"not json", `[`, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := summarizefn.ParseInput([]byte(tt.raw))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if in.Period != tt.period {
				t.Errorf("period = %q, want %q", in.Period, tt.period)
			}
			if got := ""; !in.Time.IsZero() {
				got = in.Time.UTC().Format(time.RFC3339)
				if got != tt.at {
					t.Errorf("time = %s, want %s", got, tt.at)
				}
			} else if tt.at != "" {
				t.Errorf("time missing, want %s", tt.at)
			}
		})
	}
}

type notices struct{ n []feedback.Notice }

func (r *notices) Notify(_ context.Context, n feedback.Notice) error {
	r.n = append(r.n, n)
	return nil
}

// TestHandleSampleEvents runs the handler on the sample events in events/.
func TestHandleSampleEvents(t *testing.T) {
	now := time.Date(2025, 4, 2, 9, 0, 0, 0, feedback.Shanghai)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Now: func() time.Time { return now }})
	rec := &notices{}
	h := summarizefn.New(svc, rec)
	for _, tt := range []struct{ file, period string }{
		{"scheduled-daily.json", "daily"}, {"scheduled-weekly.json", "weekly"}, {"scheduled-monthly.json", "monthly"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "events", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			in, err := summarizefn.ParseInput(raw)
			if err != nil {
				t.Fatal(err)
			}
			res, err := h.Handle(t.Context(), raw)
			if err != nil {
				t.Fatal(err)
			}
			if res.Period != tt.period {
				t.Errorf("period = %s, want %s", res.Period, tt.period)
			}
			at := in.Time
			if at.IsZero() {
				at = now
			}
			from, to := feedback.Period(tt.period).Bounds(feedback.LastEndedPeriod(feedback.Period(tt.period), at))
			if res.From != string(from) || res.To != string(to) {
				t.Errorf("summarised %s..%s, want %s..%s", res.From, res.To, from, to)
			}
			if !feedback.DateOf(at).Start().After(to.Start()) {
				t.Errorf("period %s..%s has not ended at %s", from, to, at)
			}
			if len(res.Delivered) == 0 || res.Delivered[0] != "summary" {
				t.Errorf("delivered = %v", res.Delivered)
			}
		})
	}
}
