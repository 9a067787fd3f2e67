package feedback

import "testing"

func TestPeriodBounds(t *testing.T) {
	tests := []struct {
		p        Period
		d        Date
		from, to Date
	}{
		{Daily, "2025-03-04", "2025-03-04", "2025-03-04"},
		{Weekly, "2025-03-04", "2025-03-03", "2025-03-09"}, // Tuesday → Monday..Sunday
		{Weekly, "2025-03-03", "2025-03-03", "2025-03-09"},
		{Weekly, "2025-03-09", "2025-03-03", "2025-03-09"},
		{Weekly, "2026-01-01", "2025-12-29", "2026-01-04"},  // a week across years
		{Monthly, "2024-02-15", "2024-02-01", "2024-02-29"}, // leap year
		{Monthly, "2025-12-31", "2025-12-01", "2025-12-31"},
	}
	for _, tt := range tests {
		from, to := tt.p.Bounds(tt.d)
		if from != tt.from || to != tt.to {
			t.Errorf("%s.Bounds(%s) = %s..%s, want %s..%s", tt.p, tt.d, from, to, tt.from, tt.to)
		}
	}
}

// TestSummaryStatusLabel checks the words of a summary's by-status keys: a
// suggestion waiting in the triage list is 待分拣 and only one filed to a
// real list 已分拣; a summary stored before the triage list was counted
// apart says its routed figure holds both, never a bare 已分拣.
func TestSummaryStatusLabel(t *testing.T) {
	current := &SuggestionStats{ByStatus: map[string]int{"received": 1, "triage": 2, "routed": 1, "adopted": 0, "declined": 0}}
	old := &SuggestionStats{ByStatus: map[string]int{"received": 1, "routed": 3, "adopted": 0, "declined": 0}}
	for _, tt := range []struct {
		st   *SuggestionStats
		key  string
		want string
	}{
		{current, "received", "已收到"},
		{current, "triage", "待分拣"},
		{current, "routed", "已分拣"},
		{current, "adopted", "已采纳"},
		{current, "declined", "未采纳"},
		{old, "routed", "已分拣或待分拣"},
		{old, "received", "已收到"},
	} {
		if got := tt.st.StatusLabel(tt.key); got != tt.want {
			t.Errorf("StatusLabel(%q) of %v = %q, want %q", tt.key, tt.st.ByStatus, got, tt.want)
		}
	}
}
