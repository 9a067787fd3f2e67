package sqlite_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// crashChildEnv names the database file a re-executed test binary writes to
// until it is killed.
const crashChildEnv = "JIANYAN_SQLITE_CRASH_CHILD"

// TestKill9KeepsAcknowledgedWrites re-executes the test binary as a child
// that submits suggestions from several goroutines and prints each receipt
// once CreateSuggestion has returned, kills it with SIGKILL mid-stream, and
// checks that every receipt the child acknowledged is in the file.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	const killAfter = 400
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if r, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, r)
			if len(acked) == killAfter {
				if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
					t.Fatalf("kill child: %v", err)
				}
				break
			}
		}
	}
	// Drain what the child printed before it died: those were acknowledged too.
	for sc.Scan() {
		if r, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, r)
		}
	}
	err = cmd.Wait()
	if len(acked) < killAfter {
		t.Fatalf("child acknowledged only %d writes before exiting (%v)", len(acked), err)
	}
	if err == nil {
		t.Fatalf("child exited cleanly; want it killed")
	}

	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer st.Close()
	for _, r := range acked {
		if _, err := st.GetSuggestionByReceipt(t.Context(), r); err != nil {
			t.Errorf("acknowledged receipt %s lost after kill -9: %v", r, err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v; want ok", check, err)
	}
	t.Logf("%d acknowledged writes survived kill -9", len(acked))
}

// TestCrashChild is the child half of TestKill9KeepsAcknowledgedWrites; it
// does nothing unless started by it.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("only runs as the child of TestKill9KeepsAcknowledgedWrites")
	}
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("child open: %v", err)
	}
	now := time.Now()
	sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
		Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(t.Context(), sym); err != nil {
		t.Fatalf("child: %v", err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1_000_000; i++ {
				at := time.Now()
				s := &feedback.Suggestion{
					ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Kind: feedback.KindSuggestion,
					ParticipantKind: feedback.Enterprise, Topic: "罚款标准", Content: "同一类违法行为罚款金额差别很大,建议公开裁量基准。",
					Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at,
				}
				if _, _, err := st.CreateSuggestion(t.Context(), s); err != nil {
					fmt.Fprintf(os.Stderr, "child: %v\n", err)
					return
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %s\n", s.Receipt) // os.Stdout is unbuffered
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
