package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestGroupCommitIsolatesFailures sends many concurrent writes, so that
// they share transactions; every third one writes and then fails. Each
// caller must get its own outcome, and exactly the successful writes must
// be stored, each once.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	errFail := errors.New("planned failure")
	const n = 300
	got := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = st.write(t.Context(), func(tx *sql.Tx) error {
				if _, err := tx.Exec(`INSERT INTO meta (key, value) VALUES (?, x'01')`, fmt.Sprintf("test-%d", i)); err != nil {
					return err
				}
				if i%3 == 0 {
					return errFail
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range got {
		if want := i%3 == 0; errors.Is(err, errFail) != want || (!want && err != nil) {
			t.Errorf("write %d: err = %v, want failure %v", i, err, want)
		}
		var count int
		if err := st.reader.QueryRow(`SELECT count(*) FROM meta WHERE key = ?`, fmt.Sprintf("test-%d", i)).Scan(&count); err != nil {
			t.Fatalf("count: %v", err)
		}
		if want := map[bool]int{true: 0, false: 1}[i%3 == 0]; count != want {
			t.Errorf("write %d stored %d times, want %d", i, count, want)
		}
	}
}
