package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestScheduledBackups runs the server's backup loop (--backup-dir,
// --backup-keep 3) on a clock that starts three seconds before the daily
// backup time, over a folder that holds three older backups and a file of
// the office's own. The loop must make a backup at once (the folder has
// none of today), another one at 02:30, delete the oldest backups down to
// three and nothing else, and the scheduled backup must restore.
func TestScheduledBackups(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "jianyan.db")
	seedData(t, data, "每日备份的座谈会")
	backups := filepath.Join(dir, "backups")
	for _, day := range []int{8, 9, 10} {
		if _, _, err := writeBackup(t.Context(), data, backups, time.Date(2025, time.March, day, 2, 30, 0, 0, feedback.Shanghai)); err != nil {
			t.Fatal(err)
		}
	}
	own := filepath.Join(backups, "jianyan-说明.txt")
	if err := os.WriteFile(own, []byte("异地备份每周一取走"), 0o600); err != nil {
		t.Fatal(err)
	}

	base := time.Date(2025, time.March, 12, 2, 29, 57, 0, feedback.Shanghai)
	started := time.Now()
	now := func() time.Time { return base.Add(time.Since(started)) }
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		runBackups(ctx, options{data: data, backupDir: backups, backupKeep: 3}, now, log)
	}()

	names := func() []string {
		entries, err := os.ReadDir(backups)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".tmp") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	scheduled := "jianyan-20250312-023000.tar.gz"
	for deadline := time.Now().Add(30 * time.Second); !slices.Contains(names(), scheduled); {
		if time.Now().After(deadline) {
			t.Fatalf("no backup at 02:30 after 30 s; the folder holds %q", names())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The loop prunes right after the backup it just wrote: wait for that.
	for deadline := time.Now().Add(10 * time.Second); len(names()) > 4 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the backup loop did not stop when its context ended")
	}

	got := names()
	var today []string
	for _, n := range got {
		if strings.HasPrefix(n, "jianyan-20250312-") {
			today = append(today, n)
		}
	}
	if len(today) != 2 || !slices.Contains(today, scheduled) {
		t.Errorf("today's backups = %q, want one at start-up and %s", today, scheduled)
	}
	want := append([]string{"jianyan-20250310-023000.tar.gz", filepath.Base(own)}, today...)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want %q (the newest 3 backups and the office's own file)", got, want)
	}
	for _, gone := range []string{"jianyan-20250308-023000.tar.gz", "jianyan-20250309-023000.tar.gz"} {
		if !strings.Contains(logs.String(), gone) {
			t.Errorf("the log does not name the removed backup %s:\n%s", gone, logs.String())
		}
	}

	restored := filepath.Join(t.TempDir(), "jianyan.db")
	if _, err := restoreBackup(t.Context(), filepath.Join(backups, scheduled), restored, time.Now()); err != nil {
		t.Fatalf("restore the scheduled backup: %v", err)
	}
	if titles := symposiumTitles(t, restored); !slices.Equal(titles, []string{"每日备份的座谈会"}) {
		t.Errorf("the restored data holds symposia %q, want the one backed up", titles)
	}
}
