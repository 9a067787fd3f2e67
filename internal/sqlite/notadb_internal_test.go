package sqlite

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIsNotADatabase: a file without SQLite's header is recognised by the
// result code SQLite gives it (SQLITE_NOTADB), whatever the message says;
// other errors, from a real database, are not taken for it.
func TestIsNotADatabase(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, []byte(strings.Repeat("这不是数据库,是一份会议记录。", 40)), 0o644); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, "real.db")
	s, err := Open(t.Context(), real)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	query := func(path, q string) error {
		db, err := sql.Open("sqlite", roDSN(path, config{}))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v any
		return db.QueryRowContext(t.Context(), q).Scan(&v)
	}
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"a text file", query(text, "PRAGMA user_version"), true},
		{"a query error on a real database", query(real, "SELECT nothing FROM nowhere"), false},
		{"no rows on a real database", query(real, "SELECT 1 WHERE 0"), false},
		{"an error of another kind", errors.New("file is not a database"), false},
	} {
		if tt.err == nil {
			t.Fatalf("%s: no error", tt.name)
		}
		if got := isNotADatabase(tt.err); got != tt.want {
			t.Errorf("%s: isNotADatabase(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
