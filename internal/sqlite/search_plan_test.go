package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSearchPlans pins the plans search.go relies on: the walk reads the
// full-text index newest rowid first and looks each row up by rowid (no
// sort of every match), and the out-of-order check walks the time index
// (not the table in rowid order).
func TestSearchPlans(t *testing.T) {
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	for _, tt := range []struct {
		name, query string
		args        []any
		want        []string
		not         string
	}{
		{"walk", searchWalk(" AND s.status = ?"), []any{`"行政检查"`, "routed", 21},
			[]string{"SCAN f VIRTUAL TABLE", "SEARCH s USING INTEGER PRIMARY KEY"}, "TEMP B-TREE"},
		{"out-of-order check", qOutOfOrder, []any{int64(1), "x", int64(100)},
			[]string{"USING COVERING INDEX", "(submitted_at,id)>"}, "SCAN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := st.reader.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tt.query, tt.args...)
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
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("plan = %q, want it to contain %q", got, w)
				}
			}
			if strings.Contains(got, tt.not) {
				t.Errorf("plan = %q, want no %q", got, tt.not)
			}
		})
	}
}
