package feedback

import (
	"strings"
	"testing"
)

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

func TestSuggestionTransitions(t *testing.T) {
	tests := []struct {
		from, to SuggestionStatus
		want     bool
	}{
		{SuggestionReceived, SuggestionRouted, true},
		{SuggestionRouted, SuggestionAdopted, true},
		{SuggestionRouted, SuggestionDeclined, true},
		{SuggestionAdopted, SuggestionDeclined, false},
		{SuggestionAdopted, SuggestionReceived, false},
		{SuggestionRouted, SuggestionReceived, false},
	}
	for _, tt := range tests {
		if got := tt.from.CanBecome(tt.to); got != tt.want {
			t.Errorf("%s → %s: CanBecome = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
