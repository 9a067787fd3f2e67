package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/storetest"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// MustOpenDB opens a store on a fresh file in a temporary directory and
// closes it when the test ends.
func MustOpenDB(tb testing.TB, opts ...sqlite.Option) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "jianyan.db"), opts...)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return st
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) feedback.Store { return MustOpenDB(tb) })
}

func TestFileRecordsContract(t *testing.T) {
	storetest.RunFileRecords(t, func(tb testing.TB) feedback.FileRecords { return MustOpenDB(tb) })
}

func TestDocumentRecordsContract(t *testing.T) {
	storetest.RunDocumentRecords(t, func(tb testing.TB) feedback.DocumentRecords { return MustOpenDB(tb) })
}
