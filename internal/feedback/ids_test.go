package feedback

import (
	"strings"
	"testing"
	"time"
)

func TestReceipts(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		r := NewReceipt()
		if len(r) != 14 || r[4] != '-' || r[9] != '-' {
			t.Fatalf("receipt %q does not have the XXXX-XXXX-XXXX shape", r)
		}
		if strings.ContainsAny(r, "01IO") {
			t.Fatalf("receipt %q holds a confusable symbol", r)
		}
		if seen[r] {
			t.Fatalf("receipt %q handed out twice", r)
		}
		seen[r] = true
		if got, ok := NormalizeReceipt(strings.ToLower(strings.ReplaceAll(r, "-", " "))); !ok || got != r {
			t.Fatalf("NormalizeReceipt(lowercase, spaced %q) = %q, %v; want %q, true", r, got, ok, r)
		}
	}
	// What people type or paste on a phone.
	for _, typed := range []string{
		"k7qm3xpa9rtd",
		"Ｋ７ＱＭ－３ＸＰＡ－９ＲＴＤ",             // a Chinese input method's full-width forms
		"ｋ７ｑｍ　３ｘｐａ　９ｒｔｄ",             // full-width, lower case, ideographic spaces
		"K7QM—3XPA–9RTD",             // dashes a keyboard substitutes
		"回执号:K7QM-3XPA-9RTD",         // copied with its label
		"回执号\uFF1A k7qm 3xpa 9rtd\n", // with a full-width colon and a line break
		" k7qm 3xpa 9rtd。",           // copied with the sentence's full stop
		"「K7QM-3XPA-9RTD」,",          // copied with quotes and a comma
		"回执号:“K7QM-3XPA-9RTD”.",      // label, quotes and a full stop
	} {
		if got, ok := NormalizeReceipt(typed); !ok || got != "K7QM-3XPA-9RTD" {
			t.Errorf("NormalizeReceipt(%q) = %q, %v; want K7QM-3XPA-9RTD, true", typed, got, ok)
		}
	}
	for _, bad := range []string{"", "ABCD", "K7QM-3XPA-9RT0", "K7QM-3XPA-9RTDX", "K7QM-3XPA-9RT<", "回执号", "回执号:", "号:K7QM-3XPA-9RTD", "K7QM-3XPA-9RTＤＤ"} {
		if got, ok := NormalizeReceipt(bad); ok {
			t.Errorf("NormalizeReceipt(%q) = %q, true; want false", bad, got)
		}
	}
}

func TestNewIDSortsByTime(t *testing.T) {
	t0 := time.Date(2025, 3, 4, 10, 0, 0, 0, Shanghai)
	a, b := NewID(t0), NewID(t0.Add(time.Millisecond))
	if len(a) != 26 || !(a < b) {
		t.Fatalf("NewID: %q then %q; want 26 characters, increasing", a, b)
	}
	if c, d := NewID(t0), NewID(t0); c == d {
		t.Fatal("two IDs in the same millisecond are equal")
	}
}

func TestNewIDMonotonicWithinMillisecond(t *testing.T) {
	t0 := time.Date(2025, 3, 4, 10, 0, 0, 0, Shanghai)
	prev := NewID(t0)
	for i := 0; i < 1000; i++ {
		id := NewID(t0)
		if !(prev < id) {
			t.Fatalf("ID %d in the same millisecond: %q after %q, want increasing", i, id, prev)
		}
		prev = id
	}
	// A clock that steps back a little must not produce IDs that sort earlier.
	if id := NewID(t0.Add(-10 * time.Millisecond)); !(prev < id) {
		t.Fatalf("ID after the clock went back: %q after %q, want increasing", id, prev)
	}
}
