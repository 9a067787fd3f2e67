package storetest

import (
	"bytes"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// emblemPNG is a 1×1 PNG, as bytes an emblem could hold.
var emblemPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
}

func testSettings(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()

	t.Run("none saved", func(t *testing.T) {
		got, err := st.GetSettings(ctx(t))
		must(t, err, "get")
		if got == nil || got.Version != 0 || got.OfficeName != "" || got.Emblem != nil || len(got.NumberPrefixes) != 0 {
			t.Fatalf("GetSettings on an empty store = %s, want the zero settings, version 0", show(got))
		}
	})
	s1 := &feedback.Settings{
		OfficeName: "某某区委全面依法治区委员会办公室",
		Issuer:     "中共某某区委全面依法治区委员会办公室",
		NumberPrefixes: map[feedback.DocumentKind]string{
			feedback.RectificationNotice: "区依法治办", feedback.ReplyLetter: "区依法治办函",
		},
		Emblem:    &feedback.Emblem{ContentType: "image/png", Data: emblemPNG},
		UpdatedAt: c.Next(), UpdatedBy: "张科长",
	}
	t.Run("first put from version 0", func(t *testing.T) {
		must(t, st.PutSettings(ctx(t), s1), "put")
		if s1.Version != 1 {
			t.Fatalf("Version = %d, want 1", s1.Version)
		}
		got, err := st.GetSettings(ctx(t))
		must(t, err, "get")
		equal(t, "GetSettings", got, s1)
		if !bytes.Equal(got.Emblem.Data, emblemPNG) {
			t.Fatalf("emblem bytes changed on the way: got %d bytes", len(got.Emblem.Data))
		}
	})
	t.Run("stale put", func(t *testing.T) {
		for _, v := range []int64{0, 2, 9} {
			stale := &feedback.Settings{OfficeName: "旧名称", Version: v, UpdatedAt: c.Next()}
			wantCode(t, st.PutSettings(ctx(t), stale), feedback.EConflict)
			if stale.Version != v {
				t.Fatalf("Version after failed put = %d, want %d", stale.Version, v)
			}
		}
		got, err := st.GetSettings(ctx(t))
		must(t, err, "get")
		equal(t, "after stale puts", got, s1)
	})
	t.Run("replace, without emblem and prefixes", func(t *testing.T) {
		s2 := &feedback.Settings{OfficeName: "区委依法治区办", Version: s1.Version, UpdatedAt: c.Next(), UpdatedBy: "李科员"}
		must(t, st.PutSettings(ctx(t), s2), "put")
		if s2.Version != 2 {
			t.Fatalf("Version = %d, want 2", s2.Version)
		}
		got, err := st.GetSettings(ctx(t))
		must(t, err, "get")
		equal(t, "after replace", got, s2)
	})
	t.Run("invalid settings store nothing", func(t *testing.T) {
		before, err := st.GetSettings(ctx(t))
		must(t, err, "get")
		for _, bad := range []*feedback.Settings{
			{Version: before.Version},                      // no office name
			{OfficeName: "有\n换行", Version: before.Version}, // line break
			{OfficeName: "区委依法治区办", Version: before.Version, NumberPrefixes: map[feedback.DocumentKind]string{"memo": "区依法治办"}},
			{OfficeName: "区委依法治区办", Version: before.Version, NumberPrefixes: map[feedback.DocumentKind]string{feedback.ReplyLetter: "区依法治办〔2025〕"}},
			{OfficeName: "区委依法治区办", Version: before.Version, Emblem: &feedback.Emblem{ContentType: "image/svg+xml", Data: []byte("<svg/>")}},
			{OfficeName: "区委依法治区办", Version: before.Version, Emblem: &feedback.Emblem{ContentType: "image/png", Data: make([]byte, feedback.EmblemMaxBytes+1)}},
		} {
			wantCode(t, st.PutSettings(ctx(t), bad), feedback.EInvalid)
		}
		got, err := st.GetSettings(ctx(t))
		must(t, err, "get")
		equal(t, "after refused puts", got, before)
	})
}
