package summarizefn_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filebackend"
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
		{"redrive in detail", `{"detail":{"task":"redrive"}}`, summarizefn.TaskRedrive, false},
		{"bare redrive (README, by hand)", `{"task":"redrive"}`, summarizefn.TaskRedrive, false},
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

// TestDailyRunSweepsFiles: on each backend, the daily run removes files
// nothing referenced within a day, records and bytes (checked ones under
// files/, and raw uploads never checked under uploads/); weekly and monthly
// runs do not sweep.
func TestDailyRunSweepsFiles(t *testing.T) {
	for _, b := range filebackend.All {
		t.Run(b.Name, func(t *testing.T) { testDailyRunSweepsFiles(t, b) })
	}
}

func testDailyRunSweepsFiles(t *testing.T, b filebackend.Backend) {
	var mu sync.Mutex
	now := time.Date(2025, 4, 2, 9, 0, 0, 0, feedback.Shanghai)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st := b.Open(t, clock)
	storage := b.Storage(t, clock, "http://127.0.0.1/upload")
	files := feedback.NewFiles(feedback.FileConfig{Records: st, Storage: storage, Problems: st, Now: clock, Logger: slog.New(slog.DiscardHandler)})
	svc := feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Now: clock, Files: files})
	h := summarizefn.New(svc, nil).WithFiles(files)

	pdf := []byte("%PDF-1.7\n%%EOF\n")
	put := func(name string, at time.Time, status feedback.FileStatus) *feedback.File {
		f := &feedback.File{ID: feedback.NewID(at), Name: name, ContentType: "application/pdf", Size: int64(len(pdf)),
			Purpose: feedback.PurposeEvidence, Status: status, UploadedBy: "王股长", UploaderSubject: "acc-1",
			CreatedAt: at, ExpiresAt: at.Add(feedback.UploadTTL)}
		key := feedback.UploadKey(f.ID)
		if status == feedback.FileReady {
			f.CheckedAt, key = at, feedback.FileKey(f.ID)
		}
		if err := st.CreateFile(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		if err := storage.Put(t.Context(), key, bytes.NewReader(pdf), int64(len(pdf)), f.ContentType); err != nil {
			t.Fatal(err)
		}
		return f
	}
	old := put("前天上传未使用.pdf", now.Add(-30*time.Hour), feedback.FileReady)
	unchecked := put("前天上传未检查.pdf", now.Add(-26*time.Hour), feedback.FilePending)
	young := put("刚上传.pdf", now.Add(-time.Hour), feedback.FileReady)

	run := func(file string) summarizefn.Result {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join("..", "..", "events", file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := h.Handle(t.Context(), raw)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return res
	}
	exists := func(f *feedback.File) bool {
		t.Helper()
		_, err := st.GetFile(t.Context(), f.ID)
		if err != nil && !feedback.IsCode(err, feedback.ENotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	for _, file := range []string{"scheduled-weekly.json", "scheduled-monthly.json"} {
		if res := run(file); res.FilesRemoved != 0 || !exists(old) || !exists(unchecked) {
			t.Errorf("%s removed %d files (old one there: %v); want none", file, res.FilesRemoved, exists(old))
		}
	}
	if res := run("scheduled-daily.json"); res.FilesRemoved != 2 {
		t.Errorf("daily run removed %d files, want 2", res.FilesRemoved)
	}
	if exists(old) || exists(unchecked) || !exists(young) {
		t.Errorf("after the daily run: old file there %v, unchecked upload there %v, young file there %v; want false, false, true",
			exists(old), exists(unchecked), exists(young))
	}
	for _, key := range []string{feedback.FileKey(old.ID), feedback.UploadKey(unchecked.ID)} {
		if _, _, err := storage.Open(t.Context(), key); !feedback.IsCode(err, feedback.ENotFound) {
			t.Errorf("the removed file's bytes under %s: %v, want not found", key, err)
		}
	}
	if rc, _, err := storage.Open(t.Context(), feedback.FileKey(young.ID)); err != nil {
		t.Errorf("the young file's bytes: %v", err)
	} else {
		rc.Close()
	}
}

func TestMain(m *testing.M) { filebackend.Main(m) }
