package feedback_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestPutSettings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := feedback.SettingsInput{
		OfficeName: "  区委依法治区办\u3000", Issuer: "中共某某区委全面依法治区委员会办公室",
		NumberPrefixes: map[feedback.DocumentKind]string{feedback.RectificationNotice: " 区依法治办 ", feedback.ReplyLetter: ""},
	}
	for _, id := range []feedback.Identity{f.staff, f.unit, f.noRole} {
		if _, err := f.svc.PutSettings(ctx, id, in); feedback.ErrorCode(err) != feedback.EForbidden {
			t.Errorf("PutSettings as %q: %v, want forbidden", id.Role, err)
		}
		if _, err := f.svc.GetSettings(ctx, id); feedback.ErrorCode(err) != feedback.EForbidden {
			t.Errorf("GetSettings as %q: %v, want forbidden", id.Role, err)
		}
	}
	got, err := f.svc.PutSettings(ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if got.OfficeName != "区委依法治区办" || got.Version != 1 || got.UpdatedBy != f.admin.Name ||
		got.NumberPrefix(feedback.RectificationNotice) != "区依法治办" || len(got.NumberPrefixes) != 1 {
		t.Fatalf("saved %+v: want the name and prefix trimmed, the empty prefix dropped, version 1", got)
	}

	stale := int64(0)
	in.Version = &stale
	if _, err := f.svc.PutSettings(ctx, f.admin, in); feedback.ErrorCode(err) != feedback.EConflict || feedback.ErrorField(err) != "version" {
		t.Errorf("stale version: %v, want conflict on version", err)
	}
	current := int64(1)
	in.Version, in.OfficeName = &current, "区委全面依法治区委员会办公室"
	if got, err = f.svc.PutSettings(ctx, f.admin, in); err != nil || got.Version != 2 {
		t.Fatalf("save at the version read: %+v, %v", got, err)
	}
	// Numbers count per kind: two kinds with one prefix would both issue
	// 区依法治办〔2026〕1号. Refused, naming both kinds, and nothing saved.
	for _, tt := range []struct {
		prefixes map[feedback.DocumentKind]string
		names    []string // the kinds the message names
	}{
		{map[feedback.DocumentKind]string{feedback.RectificationNotice: "区依法治办", feedback.FeedbackOpinion: "区依法治办"},
			[]string{"整改通知书", "反馈意见书"}},
		{map[feedback.DocumentKind]string{feedback.SupervisionBulletin: "区依法治办函", feedback.ReplyLetter: " 区依法治办函 ", feedback.RectificationNotice: "区依法治办"},
			[]string{"督察通报", "答复函"}},
	} {
		current := int64(2)
		_, err := f.svc.PutSettings(ctx, f.admin, feedback.SettingsInput{OfficeName: "区委依法治区办", Version: &current, NumberPrefixes: tt.prefixes})
		if feedback.ErrorCode(err) != feedback.EInvalid || feedback.ErrorField(err) != "number_prefixes" {
			t.Errorf("prefixes %v: %v, want invalid on number_prefixes", tt.prefixes, err)
			continue
		}
		for _, want := range append(tt.names, "文号") {
			if msg := feedback.ErrorMessage(err); !strings.Contains(msg, want) {
				t.Errorf("prefixes %v: message %q does not say %q", tt.prefixes, msg, want)
			}
		}
	}
	if st, _ := f.svc.OfficeSettings(ctx); st.Version != 2 {
		t.Errorf("after refused saves the settings are at version %d, want 2", st.Version)
	}
	if _, err := f.svc.PutSettings(ctx, f.admin, feedback.SettingsInput{OfficeName: "区委依法治区办", EmblemFileID: new("01jn8x0a1b2c3d4e5f6g7h8j9k")}); feedback.ErrorCode(err) != feedback.EUnsupported {
		t.Errorf("an emblem without file storage: %v, want unsupported", err)
	}
}

func TestOfficeSettingsCache(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if st, err := f.svc.OfficeSettings(ctx); err != nil || st.Name() != feedback.DefaultOfficeName {
		t.Fatalf("before any save: %+v, %v; want the default name", st, err)
	}
	// Another process (the staff function) saves: a service with a cache
	// shows the change once its cache has expired, one without at once.
	cached := feedback.NewService(f.store, feedback.Config{Now: f.svc.Now})
	cached.SetSettingsCacheTTL(30 * time.Second)
	if _, err := cached.OfficeSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PutSettings(ctx, f.admin, feedback.SettingsInput{OfficeName: "区委依法治区办"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.svc.OfficeSettings(ctx); st.Name() != "区委依法治区办" {
		t.Errorf("uncached service shows %q", st.Name())
	}
	if st, _ := cached.OfficeSettings(ctx); st.Name() != feedback.DefaultOfficeName {
		t.Errorf("cached service shows %q within its TTL, want the name it read", st.Name())
	}
	f.advance(31 * time.Second)
	if st, _ := cached.OfficeSettings(ctx); st.Name() != "区委依法治区办" {
		t.Errorf("cached service shows %q after its TTL", st.Name())
	}
}
