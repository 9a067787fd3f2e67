package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

func TestParseRetention(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"730d", 730 * 24 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"17520h", 17520 * time.Hour, false},
		{"", 0, true},
		{"0d", 0, true},
		{"-5d", 0, true},
		{"1h", 0, true}, // under feedback.MinRetention
		{"two years", 0, true},
	}
	for _, tt := range tests {
		got, err := parseRetention(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseRetention(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestAnonymizeCommand runs `anonymize --older-than 730d` on a SQLite file:
// old suggestions lose name, organization and contact, new ones keep them,
// and the run is recorded; a second run anonymizes nothing.
func TestAnonymizeCommand(t *testing.T) {
	rawID := regexp.MustCompile(`[0-9a-z]{16,}`) // an audit event's ID means nothing at the terminal
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "jianyan.db")
	st, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治座谈会",
		Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(ctx, sym); err != nil {
		t.Fatal(err)
	}
	mk := func(age time.Duration) string {
		at := now.Add(-age)
		s := &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID,
			Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Name: "张三丰", Organization: "某某机械有限公司",
			Contact: "13812345678", Content: "建议公开罚款裁量基准,统一执法尺度。", Channel: feedback.ChannelQR,
			Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at}
		if _, _, err := st.CreateSuggestion(ctx, s); err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	old, recent := mk(800*24*time.Hour), mk(10*24*time.Hour)
	st.Close()

	var out strings.Builder
	if err := run(ctx, []string{"anonymize", "--older-than", "730d", "--data", data}, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("anonymize: %v", err)
	}
	if !strings.Contains(out.String(), "检查 1 条,匿名化 1 条,失败 0 条") || rawID.MatchString(out.String()) {
		t.Errorf("output = %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"anonymize", "--older-than", "730d", "--data", data}, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("second anonymize: %v", err)
	}
	if !strings.Contains(out.String(), "检查 1 条,匿名化 0 条,失败 0 条") {
		t.Errorf("second run output = %q", out.String())
	}
	if err := run(ctx, []string{"anonymize", "--data", data}, func(string) string { return "" }, &out); err == nil {
		t.Error("anonymize without --older-than succeeded")
	}

	st, err = sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for id, wantPersonal := range map[string]bool{old: false, recent: true} {
		sg, err := st.GetSuggestion(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if sg.HasPersonalData() != wantPersonal || sg.Content == "" {
			t.Errorf("suggestion %s: name %q org %q contact %q content %q; want personal data %v, content kept",
				id, sg.Name, sg.Organization, sg.Contact, sg.Content, wantPersonal)
		}
	}
	evs, err := st.ListAuditEvents(ctx, "", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, ev := range evs.Items {
		if ev.Action == feedback.ActionAnonymized {
			runs++
			if ev.Actor != "command line" || strings.Contains(ev.Note, "张三丰") || strings.Contains(ev.Note, "13812345678") {
				t.Errorf("audit event %+v", ev)
			}
		}
	}
	if runs != 2 {
		t.Errorf("%d anonymize audit events, want 2", runs)
	}
}

func TestRateLimitFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
		err  bool
	}{
		{nil, "on", false},
		{[]string{"--rate-limit=off"}, "off", false},
		{[]string{"--rate-limit", "none"}, "", true},
	} {
		o, err := parseOptions(tt.args, func(string) string { return "" })
		if (err != nil) != tt.err || (err == nil && o.rateLimit != tt.want) {
			t.Errorf("parseOptions(%q) = %q, %v; want %q, error %v", tt.args, o.rateLimit, err, tt.want, tt.err)
		}
	}
}
