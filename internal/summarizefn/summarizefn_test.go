package summarizefn_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/deadletter"
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

// fakeRedriver stands in for the dead-letter redrive (package deadletter
// has its own tests against moto's SQS; the emulator test runs the whole).
type fakeRedriver struct {
	calls int
	res   deadletter.Result
	err   error
}

func (f *fakeRedriver) Redrive(context.Context) (deadletter.Result, error) {
	f.calls++
	return f.res, f.err
}

// TestRedriveTask runs events/scheduled-redrive.json: without a queue the
// task fails saying so; with one it reports the redrive, and passes its
// failure on so that the scheduler retries.
func TestRedriveTask(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "scheduled-redrive.json"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := summarizefn.ParseInput(raw)
	if err != nil || in.Task != summarizefn.TaskRedrive {
		t.Fatalf("ParseInput(scheduled-redrive.json) = %+v, %v; want the redrive task", in, err)
	}
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn"})

	if _, err := summarizefn.New(svc, nil).Handle(t.Context(), raw); err == nil || !strings.Contains(err.Error(), "DEAD_LETTER_QUEUE_URL") {
		t.Errorf("redrive without a queue: err = %v, want one naming DEAD_LETTER_QUEUE_URL", err)
	}
	for _, tt := range []struct {
		name string
		r    *fakeRedriver
		err  bool
	}{
		{"done", &fakeRedriver{res: deadletter.Result{Messages: 2, Redriven: 2, Records: 7}}, false},
		{"some left", &fakeRedriver{res: deadletter.Result{Messages: 2, Redriven: 1, Failed: 1}, err: deadletter.ErrIncomplete}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := summarizefn.New(svc, nil).WithRedriver(tt.r).Handle(t.Context(), raw)
			if (err != nil) != tt.err || tt.r.calls != 1 {
				t.Errorf("err = %v after %d calls, want error %v after 1", err, tt.r.calls, tt.err)
			}
			if res.Redriven == nil || *res.Redriven != tt.r.res || res.Swept != nil || res.SummaryID != "" {
				t.Errorf("result = %+v, want the redrive's %+v and nothing else", res, tt.r.res)
			}
		})
	}
}
