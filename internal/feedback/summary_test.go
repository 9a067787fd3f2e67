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
