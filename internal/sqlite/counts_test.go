package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCountSuggestionsPlan checks that a summary's count reads the covering
// index only: a SEARCH of suggestions_summary_lists, no table lookups.
func TestCountSuggestionsPlan(t *testing.T) {
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	rows, err := st.reader.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+qCountSuggestions, 0, 1)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatalf("scan: %v", err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if want := "SEARCH suggestions USING COVERING INDEX suggestions_summary_lists"; !strings.Contains(got, want) {
		t.Errorf("plan = %q, want it to contain %q", got, want)
	}
}
