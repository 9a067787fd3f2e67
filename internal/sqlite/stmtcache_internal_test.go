package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestStatementCacheBounded: every search with a different pattern of short
// and long terms is a new SQL text; the prepared-statement cache must not
// keep them all (a staff search box would grow it without end).
func TestStatementCacheBounded(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 2 * maxCachedStmts {
		var terms []string
		for b := range 10 {
			if i&(1<<b) != 0 {
				terms = append(terms, "长词语")
			} else {
				terms = append(terms, "短")
			}
		}
		if _, err := s.ListSuggestions(t.Context(), feedback.SuggestionFilter{Query: strings.Join(terms, " ")}); err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
	}
	s.mu.Lock()
	n := len(s.stmts)
	s.mu.Unlock()
	if n > maxCachedStmts {
		t.Fatalf("%d statements cached, want at most %d", n, maxCachedStmts)
	}
}
