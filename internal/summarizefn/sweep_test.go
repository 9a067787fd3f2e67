package summarizefn_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
	"github.com/jianyan/jianyan/internal/summarizefn"
)

func TestParseInputTask(t *testing.T) {
	tests := []struct {
		name, raw, task string
		err             bool
	}{
		{"summary by default", `{"detail":{"period":"weekly"}}`, summarizefn.TaskSummarize, false},
		{"sweep in detail", `{"time":"2025-03-04T02:10:00Z","detail":{"task":"sweep"}}`, summarizefn.TaskSweep, false},
		{"bare sweep", `{"task":"sweep"}`, summarizefn.TaskSweep, false},
		{"unknown task", `{"detail":{"task":"drop-table"}}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := summarizefn.ParseInput([]byte(tt.raw))
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if err == nil && in.Task != tt.task {
				t.Errorf("task = %q, want %q", in.Task, tt.task)
			}
		})
	}
}

// TestSweepHealsCrashBetweenWriteAndRouting: a suggestion stored but never
// routed (the stream record was lost, or the process died between the
// write and routing) is routed by the scheduled sweep once the grace period
// has passed, and not before; a second sweep changes nothing.
func TestSweepHealsCrashBetweenWriteAndRouting(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, feedback.Shanghai)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"), sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Now: clock})
	admin := feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}
	sym, err := svc.CreateSymposium(t.Context(), admin, feedback.SymposiumInput{Title: "涉企乱罚款专项整治座谈会", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	// Submit stores the suggestion only: nothing routes it here, as after
	// a crash right after the write.
	sg, _, err := svc.Submit(t.Context(), sym.Code, feedback.SubmissionInput{
		ParticipantKind: feedback.Enterprise, Content: "同一类违法行为罚款金额差别很大,建议公开裁量基准。",
	}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "scheduled-sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := summarizefn.New(svc, nil)
	status := func() feedback.SuggestionStatus {
		t.Helper()
		got, err := st.GetSuggestion(t.Context(), sg.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}

	advance(time.Minute) // within the grace period: the stream may still route it
	res, err := h.Handle(t.Context(), raw)
	if err != nil || res.Swept == nil || res.Swept.Examined != 0 || status() != feedback.SuggestionReceived {
		t.Fatalf("sweep within grace: %+v, %v, status %s; want nothing examined", res.Swept, err, status())
	}
	advance(summarizefn.SweepGrace)
	res, err = h.Handle(t.Context(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *res.Swept, (summarizefn.SweepResult{Examined: 1, Routed: 1}); got != want {
		t.Errorf("sweep after grace = %+v, want %+v", got, want)
	}
	if got := status(); got != feedback.SuggestionRouted {
		t.Errorf("status after sweep = %s, want routed", got)
	}
	res, err = h.Handle(t.Context(), raw)
	if err != nil || *res.Swept != (summarizefn.SweepResult{}) {
		t.Errorf("second sweep = %+v, %v; want nothing to do", res.Swept, err)
	}
	if res.SummaryID != "" {
		t.Errorf("a sweep made a summary %s", res.SummaryID)
	}
}
