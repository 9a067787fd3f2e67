package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// A write function that panics fails alone; the committer keeps serving.
func TestWritePanicDoesNotStopTheCommitter(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "panic.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.write(ctx, func(*sql.Tx) error { panic("boom") })
	if err == nil {
		t.Fatal("a panicking write returned no error")
	}
	done := make(chan error, 1)
	go func() { done <- s.write(ctx, func(tx *sql.Tx) error { return nil }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("write after the panic: %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the write after a panic hangs: the committer died")
	}
}
