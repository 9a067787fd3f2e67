package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// TestBackupFileWhileWriting copies a file while writers keep going, and
// checks that the copy is sound and holds every write acknowledged before
// the copy began (later ones may or may not be in it).
func TestBackupFileWhileWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jianyan.db")
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2025, time.March, 12, 9, 30, 0, 0, feedback.Shanghai)
	sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
		Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(t.Context(), sym); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		acked []string
		n     atomic.Int64
	)
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				at := now.Add(time.Duration(n.Add(1)) * time.Millisecond)
				s := &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID,
					Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Content: "建议公开行政处罚裁量基准。",
					Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at}
				if _, _, err := st.CreateSuggestion(ctx, s); err != nil {
					if !errors.Is(err, context.Canceled) {
						t.Errorf("write: %v", err)
					}
					return
				}
				mu.Lock()
				acked = append(acked, s.Receipt)
				mu.Unlock()
			}
		}()
	}
	// Let some writes land, then copy while the writers go on.
	for n.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	dst := filepath.Join(dir, "backup", "copy.db")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	info, err := sqlite.BackupFile(t.Context(), path, dst)
	stop()
	wg.Wait()
	if err != nil {
		t.Fatalf("back up while writing: %v", err)
	}
	if info.SchemaVersion != sqlite.SchemaVersion || info.Bytes == 0 {
		t.Errorf("backup info = %+v, want version %d and a size", info, sqlite.SchemaVersion)
	}
	if _, err := sqlite.BackupFile(t.Context(), path, dst); err == nil {
		t.Errorf("a second backup over %s succeeded; want it refused", dst)
	}
	if _, err := os.Stat(dst + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary copy left behind: %v", err)
	}
	cp, err := sqlite.Open(t.Context(), dst)
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer cp.Close()
	for _, r := range before {
		if _, err := cp.GetSuggestionByReceipt(t.Context(), r); err != nil {
			t.Errorf("receipt %s acknowledged before the backup is missing from it: %v", r, err)
		}
	}
	t.Logf("%d writes acknowledged before the backup, %d in all", len(before), len(acked))
}

func TestBackupFileRefusesMissingSource(t *testing.T) {
	dir := t.TempDir()
	_, err := sqlite.BackupFile(t.Context(), filepath.Join(dir, "missing.db"), filepath.Join(dir, "copy.db"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("back up a missing file: err = %v, want not exist", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backing up a missing file created it")
	}
}

// TestClaimFile checks that a data file an open store uses cannot be
// claimed, that a claimed one cannot be opened, and that a claim leaves
// the WAL empty.
func TestClaimFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jianyan.db")
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := sqlite.ClaimFile(t.Context(), path); !errors.Is(err, sqlite.ErrInUse) {
		if c != nil {
			c.Release()
		}
		t.Fatalf("claim a file a store has open: err = %v, want ErrInUse", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := sqlite.ClaimFile(t.Context(), path)
	if err != nil {
		t.Fatalf("claim a closed file: %v", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("WAL after the claim: %d bytes, want none", fi.Size())
	}
	if _, err := sqlite.Open(t.Context(), path, sqlite.WithBusyTimeout(50*time.Millisecond)); err == nil {
		t.Errorf("opened a claimed file")
	}
	if err := c.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open after the claim ended: %v", err)
	}
	again.Close()
	if _, err := sqlite.ClaimFile(t.Context(), filepath.Join(t.TempDir(), "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("claim a missing file: %v", err)
	}
}
