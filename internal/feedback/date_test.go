package feedback

import (
	"testing"
	"time"
)

func TestDateOfUsesShanghai(t *testing.T) {
	// 16:30 UTC is 00:30 the next day in Shanghai.
	got := DateOf(time.Date(2025, 3, 31, 16, 30, 0, 0, time.UTC))
	if got != "2025-04-01" {
		t.Fatalf("DateOf = %s, want 2025-04-01", got)
	}
	if d := Date("2025-03-30").DaysUntil("2025-04-02"); d != 3 {
		t.Fatalf("DaysUntil = %d, want 3", d)
	}
	for _, bad := range []string{"2025-3-4", "2025-02-30", "20250304", "2025-03-04T00:00"} {
		if _, err := ParseDate(bad); ErrorCode(err) != EInvalid {
			t.Errorf("ParseDate(%q) error = %v, want invalid", bad, err)
		}
	}
}
