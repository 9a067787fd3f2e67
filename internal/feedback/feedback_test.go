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
	for _, bad := range []string{"", "ABCD", "K7QM-3XPA-9RT0", "K7QM-3XPA-9RTDX", "K7QM-3XPA-9RT<"} {
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

func TestSuggestionValidate(t *testing.T) {
	valid := func() *Suggestion {
		return &Suggestion{
			ID: "s1", Receipt: "K7QM-3XPA-9RTD", SymposiumID: "sym1", Kind: KindSuggestion,
			ParticipantKind: Enterprise, Channel: ChannelQR, Status: SuggestionReceived,
			Content: "建议规范涉企行政检查,避免多头重复检查。",
		}
	}
	tests := []struct {
		name      string
		edit      func(*Suggestion)
		wantField string
	}{
		{"valid", func(*Suggestion) {}, ""},
		{"content too short in runes", func(s *Suggestion) { s.Content = "罚款太多" }, "content"},
		{"content of exactly 5 Chinese characters", func(s *Suggestion) { s.Content = "乱罚款问题" }, ""},
		{"content at the rune limit", func(s *Suggestion) { s.Content = strings.Repeat("罚", ContentMaxRunes) }, ""},
		{"content over the rune limit", func(s *Suggestion) { s.Content = strings.Repeat("罚", ContentMaxRunes+1) }, "content"},
		{"content blank", func(s *Suggestion) { s.Content = "      " }, "content"},
		{"invalid UTF-8", func(s *Suggestion) { s.Content = "建议\xff\xfe规范检查" }, "content"},
		{"control character", func(s *Suggestion) { s.Topic = "营商\x00环境" }, "topic"},
		{"line break in name", func(s *Suggestion) { s.Name = "张\n三" }, "name"},
		{"multi-line content", func(s *Suggestion) { s.Content = "第一条建议\n第二条建议" }, ""},
		{"unknown participant kind", func(s *Suggestion) { s.ParticipantKind = "mayor" }, "participant_kind"},
		{"unknown kind", func(s *Suggestion) { s.Kind = "complaint" }, "kind"},
		{"long idempotency key", func(s *Suggestion) { s.IdempotencyKey = strings.Repeat("k", 129) }, "idempotency_key"},
		{"idempotency key with space", func(s *Suggestion) { s.IdempotencyKey = "a b" }, "idempotency_key"},
		{"contact too long", func(s *Suggestion) { s.Contact = strings.Repeat("1", ContactMaxRunes+1) }, "contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(s)
			err := s.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate: %v, want nil", err)
				}
				return
			}
			if ErrorCode(err) != EInvalid || ErrorField(err) != tt.wantField {
				t.Fatalf("Validate = %v (field %q), want invalid field %q", err, ErrorField(err), tt.wantField)
			}
		})
	}
}

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

func TestMasking(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"0750-3456789", "075****6789"},
		{"abc", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskContact(tt.in); got != tt.want {
			t.Errorf("MaskContact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := MaskName("张三丰"); got != "张**" {
		t.Errorf("MaskName = %q, want 张**", got)
	}
}

func TestErrorHelpers(t *testing.T) {
	err := FieldErrorf("content", "too short")
	if ErrorCode(err) != EInvalid || ErrorField(err) != "content" || ErrorMessage(err) != "too short" {
		t.Fatalf("FieldErrorf round trip: code %q field %q message %q", ErrorCode(err), ErrorField(err), ErrorMessage(err))
	}
	internal := Internal(errString("disk full at /var/db"))
	if got := ErrorMessage(internal); got != "internal error" {
		t.Fatalf("ErrorMessage(internal) = %q, want a generic message", got)
	}
	if ErrorCode(errString("x")) != EInternal || ErrorCode(nil) != "" {
		t.Fatal("ErrorCode of a plain error should be internal and of nil empty")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

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
