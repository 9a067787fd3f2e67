package feedback_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

var (
	collectAdmin = feedback.Identity{Subject: "a", Name: "admin", Role: feedback.RoleAdmin}
	collectStaff = feedback.Identity{Subject: "s", Name: "staff", Role: feedback.RoleStaff}
	collectUnit  = feedback.Identity{Subject: "u", Name: "unit", Role: feedback.RoleUnit, Unit: "区市场监管局"}
)

func newCollectService(tb testing.TB) *feedback.Service {
	tb.Helper()
	now := time.Date(2025, 3, 1, 9, 30, 0, 0, feedback.Shanghai)
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return feedback.NewService(st, feedback.Config{PublicBaseURL: "https://jy.example.gov.cn/", Now: func() time.Time { return now }})
}

func TestSymposiumService(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	if _, err := svc.CreateSymposium(ctx, collectUnit, feedback.SymposiumInput{Title: "x"}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit create: %v", err)
	}
	if _, err := svc.CreateSymposium(ctx, feedback.Identity{Subject: "n"}, feedback.SymposiumInput{Title: "x"}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("no-role create: %v", err)
	}
	if _, err := svc.CreateSymposium(ctx, collectStaff, feedback.SymposiumInput{Title: "x", Status: feedback.SymposiumClosed}); feedback.ErrorField(err) != "status" {
		t.Errorf("closed create: %v", err)
	}
	sym, err := svc.CreateSymposium(ctx, collectStaff, feedback.SymposiumInput{Title: "  座谈会 ", Status: feedback.SymposiumDraft,
		AllowedKinds: []feedback.ParticipantKind{feedback.Enterprise, feedback.Enterprise}})
	if err != nil {
		t.Fatal(err)
	}
	if sym.Title != "座谈会" || len(sym.AllowedKinds) != 1 || sym.Status != feedback.SymposiumDraft {
		t.Errorf("created %+v", sym)
	}
	if got, want := svc.FormURL(sym), "https://jy.example.gov.cn/s/"+sym.Code; got != want {
		t.Errorf("FormURL = %q, want %q", got, want)
	}
	st := func(s feedback.SymposiumStatus) feedback.SymposiumPatch { return feedback.SymposiumPatch{Status: &s} }
	steps := []struct {
		who   feedback.Identity
		patch feedback.SymposiumPatch
		code  string
	}{
		{collectStaff, st(feedback.SymposiumOpen), ""},
		{collectStaff, st(feedback.SymposiumClosed), feedback.EForbidden},
		{collectUnit, st(feedback.SymposiumOpen), feedback.EForbidden},
		{collectAdmin, st(feedback.SymposiumClosed), ""},
		{collectAdmin, st(feedback.SymposiumDraft), feedback.EConflict},
		{collectAdmin, st("bogus"), feedback.EInvalid},
		{collectStaff, st(feedback.SymposiumOpen), ""},
	}
	for i, s := range steps {
		if _, err := svc.UpdateSymposium(ctx, s.who, sym.ID, s.patch); feedback.ErrorCode(err) != s.code {
			t.Errorf("step %d: err %v, want code %q", i, err, s.code)
		}
	}
}

func TestSubmitRules(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "座谈会"})
	if err != nil {
		t.Fatal(err)
	}
	in := func(content string) feedback.SubmissionInput {
		return feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: content}
	}
	tests := []struct {
		name    string
		code    string
		in      feedback.SubmissionInput
		channel feedback.Channel
		want    string
	}{
		{"five hanzi", sym.Code, in("五个汉字啊"), feedback.ChannelQR, ""},
		{"four hanzi", sym.Code, in("四个汉字"), feedback.ChannelQR, feedback.EInvalid},
		{"5000 hanzi", sym.Code, in(strings.Repeat("字", 5000)), feedback.ChannelWeb, ""},
		{"5001 hanzi", sym.Code, in(strings.Repeat("字", 5001)), feedback.ChannelWeb, feedback.EInvalid},
		{"padded with full-width spaces", sym.Code, in("\u3000\u3000四个汉字\u3000"), feedback.ChannelQR, feedback.EInvalid},
		{"staff channel", sym.Code, in("五个汉字啊"), feedback.ChannelStaffEntry, feedback.EInvalid},
		{"unknown code", "ZZZZZZZZ", in("五个汉字啊"), feedback.ChannelQR, feedback.ENotFound},
		{"garbage code", "../../x", in("五个汉字啊"), feedback.ChannelQR, feedback.ENotFound},
	}
	for _, tt := range tests {
		_, _, err := svc.Submit(ctx, tt.code, tt.in, tt.channel)
		if got := feedback.ErrorCode(err); got != tt.want {
			t.Errorf("%s: code %q (%v), want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestImportRows(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "座谈会", Status: feedback.SymposiumDraft})
	if err != nil {
		t.Fatal(err)
	}
	rows := []feedback.ImportRow{
		{Row: 2, Input: feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Content: "建议推行首违不罚。"}},
		{Row: 3, Input: feedback.SubmissionInput{ParticipantKind: "x", Content: "短"}},
		{Row: 5, Input: feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "另一条合格的意见。"}},
	}
	_, err = svc.Import(ctx, collectStaff, sym.ID, rows)
	var ie *feedback.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 3 || feedback.ErrorCode(err) != feedback.EInvalid {
		t.Fatalf("import with a bad row: %v", err)
	}
	if _, err := svc.Import(ctx, collectUnit, sym.ID, rows); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit import: %v", err)
	}
	good := []feedback.ImportRow{rows[0], rows[2]}
	res, err := svc.Import(ctx, collectStaff, sym.ID, good) // a draft symposium takes paper forms
	if err != nil || res.Created != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	res, err = svc.Import(ctx, collectStaff, sym.ID, good)
	if err != nil || res.Created != 0 || res.Duplicates != 2 {
		t.Errorf("re-import: %+v %v", res, err)
	}
	// Another file (one row changed) is another import.
	changed := []feedback.ImportRow{rows[0], {Row: 5, Input: feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "改过的一条意见。"}}}
	res, err = svc.Import(ctx, collectStaff, sym.ID, changed)
	if err != nil || res.Created != 2 {
		t.Errorf("changed file: %+v %v", res, err)
	}
}

func TestMaskFor(t *testing.T) {
	sg := &feedback.Suggestion{Name: "张三丰", Contact: "13812345678", Organization: "某公司", IdempotencyKey: "k"}
	if got := feedback.MaskFor(collectStaff, sg); got != sg {
		t.Errorf("staff got a copy")
	}
	got := feedback.MaskFor(collectUnit, sg)
	if got.Name != "张**" || got.Contact != "138****5678" || got.Organization != "某公司" || got.IdempotencyKey != "" {
		t.Errorf("unit sees %+v", got)
	}
	if sg.Name != "张三丰" {
		t.Errorf("MaskFor changed its argument")
	}
}
