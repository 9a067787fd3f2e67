package checkfn_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/checkfn"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filebackend"
	"github.com/jianyan/jianyan/internal/feedback/filetest"
)

func TestMain(m *testing.M) { filebackend.Main(m) }

type env struct {
	backend filebackend.Backend
	records feedback.FileRecords
	storage feedback.FileStorage
	files   *feedback.Files
	h       checkfn.Handler
}

func newEnv(t *testing.T, b filebackend.Backend) *env {
	st := b.Open(t, time.Now)
	fs := b.Storage(t, time.Now, "http://unused")
	log := slog.New(slog.DiscardHandler)
	files := feedback.NewFiles(feedback.FileConfig{Records: st, Storage: fs, Problems: st, Logger: log})
	return &env{backend: b, records: st, storage: fs, files: files, h: checkfn.Handler{Files: files, Logger: log}}
}

// arrive requests an upload of declared bytes and puts data where the
// client's post would have put them, as the bucket does before it reports
// the object: on S3 the post itself, with the presigned form.
func (e *env) arrive(t *testing.T, declared string, size int, data []byte) *feedback.File {
	t.Helper()
	ctx := context.Background()
	f, form, err := e.files.RequestUpload(ctx, feedback.Identity{Subject: "u1", Name: "市场监管局 王股长", Role: feedback.RoleUnit, Unit: "区市场监督管理局"},
		feedback.UploadSpec{Filename: "照片", ContentType: declared, Size: int64(size)})
	if err != nil {
		t.Fatal(err)
	}
	if e.backend.ChecksOnPost {
		// The local route checks at once; here the bytes only land.
		err = e.storage.Put(ctx, feedback.UploadKey(f.ID), bytes.NewReader(data), int64(len(data)), declared)
	} else if status, body := filetest.Post(t, form, form.Fields, "照片", data); status/100 != 2 {
		t.Fatalf("post to the bucket: %d %s", status, body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// eventFor is events/check-object-created.json naming key, at time at.
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

// stored returns the bytes under key, or nil when there are none.
func (e *env) stored(t *testing.T, key string) []byte {
	t.Helper()
	rc, _, err := e.storage.Open(context.Background(), key)
	if feedback.IsCode(err, feedback.ENotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const gpsMarker = "GPS-31.2304N-121.4737E"

func jpegWithGPS(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 32, 24)), nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), gpsMarker...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), append(seg, payload...)...), raw[2:]...)
}

// pngBomb claims 40,000 × 40,000 pixels in a few hundred bytes.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	binary.BigEndian.PutUint32(data[16:], 40000)
	binary.BigEndian.PutUint32(data[20:], 40000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// TestObjectCreatedEvents: the check function judges what lands under
// uploads/, on each backend, as S3 reports it: the file is ready with its
// cleaned bytes under files/, or rejected with the reason, and the raw
// upload is removed either way.
func TestObjectCreatedEvents(t *testing.T) {
	for _, b := range filebackend.All {
		t.Run(b.Name, func(t *testing.T) { testObjectCreatedEvents(t, newEnv(t, b)) })
	}
}

func testObjectCreatedEvents(t *testing.T, e *env) {
	ctx := context.Background()
	var small bytes.Buffer
	_ = png.Encode(&small, image.NewGray(image.Rect(0, 0, 8, 8)))
	html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	tests := []struct {
		name     string
		declared string
		size     int // declared; 0: the bytes' own
		data     []byte
		late     bool   // reported two hours after the form expired
		want     string // "" ready, else a part of the reject reason
	}{
		{name: "PNG", declared: "image/png", data: small.Bytes()},
		{name: "JPEG with GPS in its EXIF", declared: "image/jpeg", data: jpegWithGPS(t)},
		{name: "renamed HTML", declared: "image/png", data: html, want: "按文件内容判断"},
		{name: "PNG bomb", declared: "image/png", data: pngBomb(t), want: "40000×40000 像素"},
		{name: "more than declared", declared: "application/pdf", size: len(pdf), data: append(pdf, make([]byte, 100)...), want: "申报的大小"},
		{name: "after the form expired", declared: "application/pdf", data: pdf, late: true, want: "过期"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := tt.size
			if size == 0 {
				size = len(tt.data)
			}
			f := e.arrive(t, tt.declared, size, tt.data)
			at := time.Now()
			if tt.late {
				at = f.ExpiresAt.Add(2 * time.Hour)
			}
			if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey(f.ID), at)); err != nil {
				t.Fatal(err)
			}
			got, err := e.records.GetFile(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			kept := e.stored(t, feedback.FileKey(f.ID))
			if tt.want != "" {
				if got.Status != feedback.FileRejected || !strings.Contains(got.RejectReason, tt.want) || kept != nil {
					t.Errorf("file = %s %q, %d bytes kept; want rejected saying %q, nothing kept", got.Status, got.RejectReason, len(kept), tt.want)
				}
			} else {
				if got.Status != feedback.FileReady || int64(len(kept)) != got.Size || got.ContentType != tt.declared {
					t.Errorf("file = %s %s, %d bytes kept (record %d); want ready", got.Status, got.ContentType, len(kept), got.Size)
				}
				if bytes.Contains(kept, []byte(gpsMarker)) || bytes.Contains(kept, []byte("Exif")) {
					t.Error("the stored bytes still carry the EXIF block")
				}
			}
			if e.stored(t, feedback.UploadKey(f.ID)) != nil {
				t.Error("the raw upload is still there")
			}
			// A repeated event changes nothing.
			if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey(f.ID), time.Now())); err != nil {
				t.Errorf("repeated event: %v", err)
			}
			if again, err := e.records.GetFile(ctx, f.ID); err != nil || again.Version != got.Version {
				t.Errorf("after a repeated event: %+v, %v; want version %d", again, err, got.Version)
			}
		})
	}

	// The classic S3 notification shape, with two records, one outside
	// uploads/; an unknown upload is logged, not retried.
	good := e.arrive(t, "image/png", small.Len(), small.Bytes())
	bad := e.arrive(t, "image/png", len(html), html)
	s3 := `{"Records":[{"eventName":"ObjectCreated:Post","eventTime":"` + time.Now().UTC().Format(time.RFC3339) + `","s3":{"object":{"key":"` + feedback.UploadKey(good.ID) + `"}}},` +
		`{"eventName":"ObjectCreated:Post","eventTime":"` + time.Now().UTC().Format(time.RFC3339) + `","s3":{"object":{"key":"` + feedback.UploadKey(bad.ID) + `"}}},` +
		`{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"files/somebody-elses"}}}]}`
	if err := e.h.Handle(ctx, json.RawMessage(s3)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		f    *feedback.File
		want feedback.FileStatus
	}{{good, feedback.FileReady}, {bad, feedback.FileRejected}} {
		got, err := e.records.GetFile(ctx, tt.f.ID)
		if err != nil || got.Status != tt.want {
			t.Errorf("file %s: %+v, %v; want %s", tt.f.ID, got, err, tt.want)
		}
	}
	if err := e.h.Handle(ctx, eventFor(t, feedback.UploadKey("01JUNKNOWNFILE"), time.Now())); err != nil {
		t.Errorf("unknown upload: %v", err)
	}
}
