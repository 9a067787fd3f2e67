package sqlite_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// TestEveryAcknowledgedWriteIsFlushed writes suggestions from many
// goroutines through a store opened on the instrumented VFS
// (syncprobe_test.go) and checks, for each write the store acknowledged,
// that a flush of the WAL began after the commit that holds it and ended
// before the acknowledgement. With SyncFull (the default) every write must
// be covered, and the writes waiting together must share flushes (fewer
// flushes than writes). With SyncNormal the same check must find uncovered
// writes: that is what the setting trades away, and it shows the check can
// fail.
func TestEveryAcknowledgedWriteIsFlushed(t *testing.T) {
	registerProbeVFS(t)
	const workers, perWorker = 16, 40
	for _, tt := range []struct {
		name        string
		opts        []sqlite.Option
		wantCovered bool
	}{
		{"default", nil, true},
		{"SyncFull", []sqlite.Option{sqlite.WithSynchronous(sqlite.SyncFull)}, true},
		{"SyncNormal", []sqlite.Option{sqlite.WithSynchronous(sqlite.SyncNormal)}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newSyncProbe()
			probeActive.Store(p)
			defer probeActive.Store(nil)
			st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"), append(tt.opts, sqlite.WithVFS(probeVFS))...)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer st.Close()
			now := time.Date(2025, time.March, 12, 9, 30, 0, 0, feedback.Shanghai)
			sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
				Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
			if err := st.CreateSymposium(t.Context(), sym); err != nil {
				t.Fatalf("create symposium: %v", err)
			}

			var (
				mu   sync.Mutex
				acks []ack
				wg   sync.WaitGroup
			)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perWorker {
						marker := fmt.Sprintf("probe-%06d", w*perWorker+i)
						at := now.Add(time.Duration(w*perWorker+i) * time.Millisecond)
						s := &feedback.Suggestion{
							ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Kind: feedback.KindSuggestion,
							ParticipantKind: feedback.Enterprise, Topic: "罚款标准",
							Content: "同一类违法行为罚款金额差别很大,建议公开裁量基准。" + marker,
							Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at,
						}
						_, _, err := st.CreateSuggestion(t.Context(), s)
						ev := p.seq.Add(1) // first thing after the acknowledgement
						if err != nil {
							t.Errorf("create %s: %v", marker, err)
							return
						}
						mu.Lock()
						acks = append(acks, ack{marker: marker, at: ev})
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(acks) != workers*perWorker {
				t.Fatalf("acknowledged %d writes, want %d", len(acks), workers*perWorker)
			}

			missing := p.uncovered(acks)
			p.mu.Lock()
			commits, walSyncs, dbSyncs := len(p.commits), len(p.syncs), p.dbSyncs
			p.mu.Unlock()
			t.Logf("%d acknowledged writes, %d commits, %d WAL flushes, %d database-file flushes: %.3f flushes per write, %d writes not covered",
				len(acks), commits, walSyncs, dbSyncs, float64(walSyncs+dbSyncs)/float64(len(acks)), len(missing))
			if tt.wantCovered {
				if len(missing) > 0 {
					t.Errorf("%d of %d acknowledged writes not covered by a flush, e.g. %v", len(missing), len(acks), missing[:min(5, len(missing))])
				}
				if commits >= len(acks) {
					t.Errorf("%d commits for %d concurrent writes: want group commit to share commits and their flushes", commits, len(acks))
				}
				if walSyncs < commits {
					t.Errorf("%d WAL flushes for %d commits: want at least one per commit", walSyncs, commits)
				}
			} else if len(missing) == 0 {
				t.Errorf("with %s every acknowledged write was covered by a flush; want the check to find uncovered ones", tt.name)
			}
		})
	}
}
