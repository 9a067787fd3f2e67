package checkfn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/checkfn"
	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

type env struct {
	store   *sqlite.Store
	storage *diskfiles.Store
	files   *feedback.Files
	h       checkfn.Handler
}

func newEnv(t *testing.T) *env {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	fs, err := diskfiles.New(t.TempDir(), diskfiles.Options{UploadURL: "http://unused"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	files := feedback.NewFiles(feedback.FileConfig{Records: st, Storage: fs, Problems: st, Logger: log})
	return &env{store: st, storage: fs, files: files, h: checkfn.Handler{Files: files, Logger: log}}
}

// arrive requests an upload and puts bytes where the client's post would
// have put them, as S3 does before it reports the object.
func (e *env) arrive(t *testing.T, declared string, data []byte) *feedback.File {
	t.Helper()
	ctx := context.Background()
	f, _, err := e.files.RequestUpload(ctx, feedback.Identity{Subject: "u1", Name: "市场监管局 王股长", Role: feedback.RoleUnit, Unit: "区市场监督管理局"},
		feedback.UploadSpec{Filename: "照片", ContentType: declared, Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.storage.Put(ctx, feedback.UploadKey(f.ID), bytes.NewReader(data), int64(len(data)), declared); err != nil {
		t.Fatal(err)
	}
	return f
}

// eventFor is events/check-object-created.json naming file id, at time at.
func eventFor(t *testing.T, key string, at time.Time) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile("../../events/check-object-created.json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "uploads/FILEID", key, 1)
	s = strings.Replace(s, "2025-03-12T01:30:00Z", at.UTC().Format(time.RFC3339), 1)
	return json.RawMessage(s)
}

func TestObjectCreatedEvents(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	var pngBytes bytes.Buffer
	_ = png.Encode(&pngBytes, image.NewGray(image.Rect(0, 0, 8, 8)))
	good := e.arrive(t, "image/png", pngBytes.Bytes())
	html := e.arrive(t, "image/png", []byte("<html><script>alert(1)</script></html>"))

	if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey(good.ID), time.Now())); err != nil {
		t.Fatal(err)
	}
	// The classic S3 notification shape, with two records.
	s3 := `{"Records":[{"eventName":"ObjectCreated:Post","eventTime":"` + time.Now().UTC().Format(time.RFC3339) + `","s3":{"object":{"key":"` + feedback.UploadKey(html.ID) + `"}}},` +
		`{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"files/somebody-elses"}}}]}`
	if err := e.h.Handle(ctx, json.RawMessage(s3)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		f    *feedback.File
		want feedback.FileStatus
	}{{good, feedback.FileReady}, {html, feedback.FileRejected}} {
		got, err := e.store.GetFile(ctx, tt.f.ID)
		if err != nil || got.Status != tt.want {
			t.Errorf("file %s: %+v, %v; want %s", tt.f.ID, got, err, tt.want)
		}
	}
	// A repeated event changes nothing; an unknown upload is logged, not retried.
	if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey(good.ID), time.Now())); err != nil {
		t.Errorf("repeated event: %v", err)
	}
	if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey("01JUNKNOWNFILE"), time.Now())); err != nil {
		t.Errorf("unknown upload: %v", err)
	}
	// Arriving long after the form expired: rejected.
	late := e.arrive(t, "image/png", pngBytes.Bytes())
	if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey(late.ID), time.Now().Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.store.GetFile(ctx, late.ID); got.Status != feedback.FileRejected {
		t.Errorf("late upload: %s, want rejected", got.Status)
	}
}
