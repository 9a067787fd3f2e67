package httpapi_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

type uploadFormResp struct {
	ID        string            `json:"id"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt string            `json:"expires_at"`
}

// requestUpload calls POST /api/v1/uploads.
func requestUpload(t *testing.T, e *exportEnv, token, name, ctype string, size int) (uploadFormResp, *http.Response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"filename": name, "content_type": ctype, "size": size})
	resp := e.do(t, "POST", "/api/v1/uploads", token, "application/json", string(body))
	var form uploadFormResp
	if resp.StatusCode == http.StatusCreated {
		if err := json.NewDecoder(resp.Body).Decode(&form); err != nil {
			t.Fatal(err)
		}
	}
	return form, resp
}

// postForm sends the bytes as a browser does: every field, then the file.
func postForm(t *testing.T, e *exportEnv, form uploadFormResp, name string, data []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range form.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	u, err := url.Parse(form.URL)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(form.Method, u.Path, &body)
	req.RemoteAddr = "192.0.2.10:1234"
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// uploadFile requests an upload and sends the bytes; it returns the file ID
// and the status of the post (201 when the bytes passed their check).
func uploadFile(t *testing.T, e *exportEnv, token, name, ctype string, data []byte) (string, int) {
	t.Helper()
	form, resp := requestUpload(t, e, token, name, ctype, len(data))
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /api/v1/uploads: %d %s", resp.StatusCode, b)
	}
	return form.ID, postForm(t, e, form, name, data).StatusCode
}

func jpegWithEXIF(t *testing.T, marker string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 32, 24)), nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), marker...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), append(seg, payload...)...), raw[2:]...)
}

func errorCode(t *testing.T, resp *http.Response) (string, string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return e.Error.Code, e.Error.Message
}

func TestEvidenceThroughTheAPI(t *testing.T) {
	e := newExportEnv(t)
	list, err := e.svc.CreateProblemList(t.Context(), e.admin, feedback.ProblemListInput{Title: "整改清单"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(t.Context(), e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "首违不罚未落实",
		ResponsibleUnit: exportUnitName, Deadline: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}

	// The unit requests an upload: a form for the local upload route.
	const marker = "GPS-31.2304N-121.4737E"
	photo := jpegWithEXIF(t, marker)
	form, resp := requestUpload(t, e, exportUnitToken, "现场照片.jpg", "image/jpeg", len(photo))
	if resp.StatusCode != http.StatusCreated || form.Method != "POST" || !strings.HasSuffix(form.URL, "/api/v1/uploads/local") || form.Fields["key"] == "" || form.ExpiresAt == "" {
		t.Fatalf("upload form: %d %+v", resp.StatusCode, form)
	}
	if r := postForm(t, e, form, "现场照片.jpg", photo); r.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(r.Body)
		t.Fatalf("post: %d %s", r.StatusCode, b)
	}

	// Attach it with a transition; the problem lists it.
	patch := fmt.Sprintf(`{"status":"rectifying","note":"开始整改","evidence_file_ids":[%q]}`, form.ID)
	resp = e.do(t, "PATCH", "/api/v1/problems/"+p.ID, exportUnitToken, "application/json", patch)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PATCH: %d %s", resp.StatusCode, b)
	}
	resp = e.do(t, "GET", "/api/v1/problems/"+p.ID, exportAdminToken, "", "")
	var got struct {
		Evidence []struct {
			FileID      string `json:"file_id"`
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			Size        int64  `json:"size"`
			By          string `json:"by"`
			At          string `json:"at"`
		} `json:"evidence"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Evidence) != 1 || got.Evidence[0].FileID != form.ID || got.Evidence[0].Name != "现场照片.jpg" ||
		got.Evidence[0].ContentType != "image/jpeg" || got.Evidence[0].Size == 0 || got.Evidence[0].By == "" || got.Evidence[0].At == "" {
		t.Fatalf("evidence = %+v", got.Evidence)
	}
	resp = e.do(t, "GET", "/api/v1/problems/"+p.ID+"/history", exportAdminToken, "", "")
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), `"files":[{"file_id":"`+form.ID) {
		t.Errorf("history does not list the file: %s", b)
	}

	// The office downloads it: an attachment, not sniffed, without EXIF.
	resp = e.do(t, "GET", "/api/v1/files/"+form.ID, exportAdminToken, "", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	if bytes.Contains(body, []byte(marker)) || bytes.Contains(body, []byte("Exif")) {
		t.Error("the downloaded photo still has its EXIF block")
	}
	if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
		t.Errorf("downloaded photo: %v", err)
	}
	if resp := e.do(t, "GET", "/api/v1/files/"+form.ID, "", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("download without credentials: %d, want 401", resp.StatusCode)
	}
}

func TestUploadRefusalsThroughTheAPI(t *testing.T) {
	e := newExportEnv(t)
	tests := []struct {
		name, ctype string
		size        int
		want        int
	}{
		{"declared HTML", "text/html", 100, http.StatusUnsupportedMediaType},
		{"over 20 MiB", "application/pdf", feedback.EvidenceMaxBytes + 1, http.StatusRequestEntityTooLarge},
		{"no size", "application/pdf", 0, http.StatusBadRequest},
	}
	for _, tt := range tests {
		if _, resp := requestUpload(t, e, exportUnitToken, "a", tt.ctype, tt.size); resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	if _, resp := requestUpload(t, e, "", "a.pdf", "application/pdf", 10); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", resp.StatusCode)
	}

	// A renamed HTML page: 415 on the post, recorded as refused.
	html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
	form, _ := requestUpload(t, e, exportUnitToken, "照片.jpg", "image/jpeg", len(html))
	resp := postForm(t, e, form, "照片.jpg", html)
	if code, msg := errorCode(t, resp); resp.StatusCode != http.StatusUnsupportedMediaType || code != feedback.EUnsupported || msg == "" {
		t.Errorf("renamed HTML: %d %s %q, want 415", resp.StatusCode, code, msg)
	}
	if resp := e.do(t, "GET", "/api/v1/files/"+form.ID, exportUnitToken, "", ""); resp.StatusCode != http.StatusGone {
		t.Errorf("downloading a refused file: %d, want 410", resp.StatusCode)
	}
	// More bytes than the form allows: 413, nothing stored.
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	form, _ = requestUpload(t, e, exportUnitToken, "a.pdf", "application/pdf", len(pdf))
	resp = postForm(t, e, form, "a.pdf", append(pdf, make([]byte, 100)...))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize post: %d, want 413", resp.StatusCode)
	}
	if resp := e.do(t, "GET", "/api/v1/files/"+form.ID, exportUnitToken, "", ""); resp.StatusCode != http.StatusConflict {
		t.Errorf("a file whose bytes never arrived: %d, want 409 (still pending)", resp.StatusCode)
	}
	// An expired form: 403.
	form, _ = requestUpload(t, e, exportUnitToken, "b.pdf", "application/pdf", len(pdf))
	e.clock.Set(e.clock.Now().Add(feedback.UploadTTL + 1))
	if resp := postForm(t, e, form, "b.pdf", pdf); resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired form: %d, want 403", resp.StatusCode)
	}
	// A unit cannot read another account's unattached upload.
	id, status := uploadFile(t, e, exportAdminToken, "内部材料.pdf", "application/pdf", pdf)
	if status != http.StatusCreated {
		t.Fatalf("admin upload: %d", status)
	}
	if resp := e.do(t, "GET", "/api/v1/files/"+id, exportUnitToken, "", ""); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
		t.Errorf("a unit reading the office's file: %d, want 403 or 404", resp.StatusCode)
	}
}
