// Package filetest is the contract suite of feedback.FileStorage: one set of
// cases that the local disk adapter and the S3 adapter (on moto_server) both
// pass. It sends uploads the way a browser does — a multipart/form-data POST
// of the form's fields, then the file — to the form's URL.
package filetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Clock is a settable clock the suite hands to each backend.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Backend is one storage under test.
type Backend struct {
	Storage feedback.FileStorage
	// EnforcesPolicy says the upload endpoint checks the signed policy
	// (expiry, size range, fields). Real S3 and the local route do;
	// moto_server accepts any post, so for S3 the policy is tested against
	// AWS's published example and by the checking step (package filecheck,
	// the domain), not here.
	EnforcesPolicy bool
}

// Run runs every case; newBackend builds a fresh, empty storage whose
// clock is clock.Now.
func Run(t *testing.T, newBackend func(t *testing.T, clock *Clock) Backend) {
	cases := []struct {
		name string
		run  func(t *testing.T, b Backend, clock *Clock)
	}{
		{"UploadThenOpen", testUploadThenOpen},
		{"UploadPolicyRefusals", testUploadPolicy},
		{"PutOpenReplaceDelete", testPutOpenDelete},
		{"InvalidKeys", testInvalidKeys},
		{"DownloadURL", testDownloadURL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &Clock{t: time.Now().UTC().Truncate(time.Second)}
			c.run(t, newBackend(t, clock), clock)
		})
	}
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func newID(t testing.TB) string {
	t.Helper()
	return strings.ToLower(feedback.NewID(time.Now()))
}

// Post sends form with file as a browser does and returns the status and
// the start of the body.
func Post(t testing.TB, form feedback.UploadForm, fields map[string]string, filename string, file []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, err := http.NewRequest(form.Method, form.URL, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post upload: %v", err)
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	return resp.StatusCode, string(head)
}

func readAll(t testing.TB, s feedback.FileStorage, key string) ([]byte, error) {
	t.Helper()
	rc, size, err := s.Open(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if int64(len(b)) != size {
		t.Errorf("Open(%s) said %d bytes, read %d", key, size, len(b))
	}
	return b, nil
}

func copyFields(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func testUploadThenOpen(t *testing.T, b Backend, clock *Clock) {
	ctx := context.Background()
	key := feedback.UploadKey(newID(t))
	form, err := b.Storage.UploadForm(ctx, feedback.UploadRequest{Key: key, ContentType: "image/jpeg", MaxSize: 1 << 20, Expires: clock.Now().Add(15 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if form.Method != "POST" || form.URL == "" || form.Fields["key"] != key || form.Fields["Content-Type"] != "image/jpeg" || !form.ExpiresAt.Equal(clock.Now().Add(15*time.Minute)) {
		t.Fatalf("form = %+v", form)
	}
	data := randomBytes(t, 300<<10)
	if status, body := Post(t, form, form.Fields, "整改照片.jpg", data); status/100 != 2 {
		t.Fatalf("upload: %d %s", status, body)
	}
	got, err := readAll(t, b.Storage, key)
	if err != nil {
		t.Fatalf("Open after upload: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("stored %d bytes differ from the %d sent", len(got), len(data))
	}
}

func testUploadPolicy(t *testing.T, b Backend, clock *Clock) {
	if !b.EnforcesPolicy {
		t.Skip("this endpoint does not check POST policies (moto_server); see Backend.EnforcesPolicy")
	}
	ctx := context.Background()
	newForm := func(t *testing.T, max int64) (string, feedback.UploadForm) {
		key := feedback.UploadKey(newID(t))
		form, err := b.Storage.UploadForm(ctx, feedback.UploadRequest{Key: key, ContentType: "application/pdf", MaxSize: max, Expires: clock.Now().Add(10 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		return key, form
	}
	tests := []struct {
		name   string
		size   int
		change func(map[string]string)
		after  time.Duration
		want   int
	}{
		{"at the limit", 4096, nil, 0, 0},
		{"one byte over", 4097, nil, 0, http.StatusRequestEntityTooLarge},
		{"expired", 10, nil, 11 * time.Minute, http.StatusForbidden},
		{"declared HTML", 10, func(f map[string]string) { f["Content-Type"] = "text/html" }, 0, http.StatusForbidden},
		{"another key", 10, func(f map[string]string) { f["key"] = "files/" + f["key"][len("uploads/"):] }, 0, http.StatusForbidden},
		{"an extra field", 10, func(f map[string]string) { f["x-amz-website-redirect-location"] = "/x" }, 0, http.StatusForbidden},
		{"signature forged", 10, func(f map[string]string) { f["x-amz-signature"] = strings.Repeat("0", 64) }, 0, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, form := newForm(t, 4096)
			fields := copyFields(form.Fields)
			if tt.change != nil {
				tt.change(fields)
			}
			clock.Advance(tt.after)
			status, body := Post(t, form, fields, "a.pdf", randomBytes(t, tt.size))
			if tt.want == 0 {
				if status/100 != 2 {
					t.Fatalf("upload: %d %s, want success", status, body)
				}
				return
			}
			if status != tt.want {
				t.Errorf("upload: %d %s, want %d", status, body, tt.want)
			}
			for _, k := range []string{key, fields["key"]} {
				if _, err := readAll(t, b.Storage, k); !feedback.IsCode(err, feedback.ENotFound) {
					t.Errorf("after a refused upload, Open(%s) = %v, want not found", k, err)
				}
			}
		})
	}
}

func testPutOpenDelete(t *testing.T, b Backend, _ *Clock) {
	ctx := context.Background()
	key := feedback.FileKey(newID(t))
	if _, err := readAll(t, b.Storage, key); !feedback.IsCode(err, feedback.ENotFound) {
		t.Fatalf("Open(missing) = %v, want not found", err)
	}
	first := randomBytes(t, 3<<20+7)
	if err := b.Storage.Put(ctx, key, bytes.NewReader(first), int64(len(first)), "image/png"); err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(t, b.Storage, key); err != nil || !bytes.Equal(got, first) {
		t.Fatalf("Open after Put: %d bytes, %v; want the %d put", len(got), err, len(first))
	}
	second := []byte("第二版整改报告")
	if err := b.Storage.Put(ctx, key, bytes.NewReader(second), int64(len(second)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if got, _ := readAll(t, b.Storage, key); !bytes.Equal(got, second) {
		t.Errorf("Put did not replace: got %q", got)
	}
	if err := b.Storage.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, b.Storage, key); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("Open after Delete = %v, want not found", err)
	}
	if err := b.Storage.Delete(ctx, key); err != nil {
		t.Errorf("Delete(missing) = %v, want nil", err)
	}
}

func testInvalidKeys(t *testing.T, b Backend, clock *Clock) {
	ctx := context.Background()
	for _, key := range []string{"", "../etc/passwd", "files/../../x", "files//x", "/files/x", "files/x y", "files/文件", "files/."} {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			if err := b.Storage.Put(ctx, key, strings.NewReader("x"), 1, "text/plain"); !feedback.IsCode(err, feedback.EInvalid) {
				t.Errorf("Put = %v, want invalid", err)
			}
			if _, _, err := b.Storage.Open(ctx, key); !feedback.IsCode(err, feedback.EInvalid) {
				t.Errorf("Open = %v, want invalid", err)
			}
			if err := b.Storage.Delete(ctx, key); !feedback.IsCode(err, feedback.EInvalid) {
				t.Errorf("Delete = %v, want invalid", err)
			}
			if _, err := b.Storage.UploadForm(ctx, feedback.UploadRequest{Key: key, ContentType: "image/png", MaxSize: 10, Expires: clock.Now().Add(time.Minute)}); !feedback.IsCode(err, feedback.EInvalid) {
				t.Errorf("UploadForm = %v, want invalid", err)
			}
		})
	}
}

func testDownloadURL(t *testing.T, b Backend, _ *Clock) {
	ctx := context.Background()
	key := feedback.FileKey(newID(t))
	data := []byte("%PDF-1.7 整改报告")
	if err := b.Storage.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	u, err := b.Storage.DownloadURL(ctx, key, feedback.Download{Filename: "整改报告.pdf", ContentType: "application/pdf", TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if u == "" {
		return // the host serves the bytes from Open, tested above
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Errorf("GET download URL: %d %q, want 200 %q", resp.StatusCode, got, data)
	}
}
