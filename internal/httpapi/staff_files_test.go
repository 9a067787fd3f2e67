package httpapi_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/checkfn"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filebackend"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
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

// postForm sends the bytes as a browser does: every field, then the file,
// to the form's url. Locally that is the handler's own upload route, which
// checks the bytes at once; on AWS it is the bucket (moto), and then the
// check function judges the object, as S3's object-created event makes it
// do. It returns the post's answer.
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
	if !e.backend.ChecksOnPost {
		resp, err := http.Post(form.URL, mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if resp.StatusCode/100 == 2 {
			checkObject(t, e, form.Fields["key"])
		}
		return resp
	}
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

// checkObject runs the check function's handler on the object-created
// event (events/check-object-created.json) S3 sends for key, now.
func checkObject(t *testing.T, e *exportEnv, key string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "check-object-created.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev := strings.Replace(string(raw), "uploads/FILEID", key, 1)
	ev = strings.Replace(ev, "2025-03-12T01:30:00Z", e.clock.Now().UTC().Format(time.RFC3339), 1)
	h := checkfn.Handler{Files: e.files, Logger: slog.New(slog.DiscardHandler)}
	if err := h.Handle(t.Context(), json.RawMessage(ev)); err != nil {
		t.Fatalf("check function on %s: %v", key, err)
	}
}

// download fetches GET /api/v1/files/{id} as token, as a browser does: a
// 303 (AWS) is followed to the bucket. It returns the final status and
// body, and the headers of the API's answer.
func download(t *testing.T, e *exportEnv, token, id string) (int, []byte, http.Header) {
	t.Helper()
	resp := e.do(t, "GET", "/api/v1/files/"+id, token, "", "")
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	loc := resp.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	// S3 serves the object with the type and disposition the link asks
	// for (moto ignores them: check the link).
	q := u.Query()
	if !strings.HasPrefix(q.Get("response-content-disposition"), "attachment;") || q.Get("response-content-type") == "" {
		t.Errorf("the download link %s does not ask for an attachment of the file's type", loc)
	}
	dl, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Body.Close()
	b, _ := io.ReadAll(dl.Body)
	h := resp.Header.Clone()
	h.Set("Content-Type", q.Get("response-content-type"))
	return dl.StatusCode, b, h
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
	for _, b := range filebackend.All {
		t.Run(b.Name, func(t *testing.T) { testEvidenceThroughTheAPI(t, newExportEnvOn(t, b, xlsx.Codec{})) })
	}
}

func testEvidenceThroughTheAPI(t *testing.T, e *exportEnv) {
	list, err := e.svc.CreateProblemList(t.Context(), e.admin, feedback.ProblemListInput{Title: "整改清单"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(t.Context(), e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "首违不罚未落实",
		ResponsibleUnit: exportUnitName, Deadline: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}

	// The unit requests an upload: a form for the local upload route, or
	// for the bucket.
	const marker = "GPS-31.2304N-121.4737E"
	photo := jpegWithEXIF(t, marker)
	form, resp := requestUpload(t, e, exportUnitToken, "现场照片.jpg", "image/jpeg", len(photo))
	if resp.StatusCode != http.StatusCreated || form.Method != "POST" || strings.HasSuffix(form.URL, "/api/v1/uploads/local") != e.backend.ChecksOnPost ||
		form.Fields["key"] != "uploads/"+form.ID || form.ExpiresAt == "" {
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
	status, body, hdr := download(t, e, exportAdminToken, form.ID)
	if status != http.StatusOK || hdr.Get("Content-Type") != "image/jpeg" ||
		!strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment;") || hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v", status, hdr)
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
	// Another unit does not get it.
	if status, _, _ := download(t, e, otherUnitToken(t, e), form.ID); status != http.StatusNotFound && status != http.StatusForbidden {
		t.Errorf("another unit downloading: %d, want 404 or 403", status)
	}
}

// otherUnitToken makes an account for 区司法局 and returns its token.
func otherUnitToken(t *testing.T, e *exportEnv) string {
	t.Helper()
	const token = "test-unit-token-justice-0123456789"
	err := e.store.CreateAccount(t.Context(), &feedback.Account{ID: feedback.NewID(e.clock.Now()), Name: "司法局联络员",
		Role: feedback.RoleUnit, Unit: "区司法局", TokenHash: feedback.HashToken(token), CreatedAt: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestUploadRefusalsThroughTheAPI: on each backend, what the client
// declares is refused before a form is made (415, 413), and bytes that are
// not what they claim, a decompression bomb, more bytes than the form
// allows and a post after the form expired are never served. Locally the
// upload route answers them (415, 413, 403); on AWS S3 refuses the last
// two at the door (moto does not: the check function does) and the check
// function refuses the others after the post, so the API answers 410.
func TestUploadRefusalsThroughTheAPI(t *testing.T) {
	for _, b := range filebackend.All {
		t.Run(b.Name, func(t *testing.T) { testUploadRefusalsThroughTheAPI(t, newExportEnvOn(t, b, xlsx.Codec{})) })
	}
}

func testUploadRefusalsThroughTheAPI(t *testing.T, e *exportEnv) {
	local := e.backend.ChecksOnPost
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

	// Bytes judged by what they are: 415 on the local post; on AWS the
	// post lands and the check refuses it. Either way the file is refused
	// with the reason (410).
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	refused := []struct {
		name, ctype string
		data        []byte
		reason      string
	}{
		{"照片.jpg", "image/jpeg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "按文件内容判断"},
		{"全景.png", "image/png", pngBomb(t), "像素"},
	}
	for _, tt := range refused {
		form, _ := requestUpload(t, e, exportUnitToken, tt.name, tt.ctype, len(tt.data))
		resp := postForm(t, e, form, tt.name, tt.data)
		if local {
			if code, msg := errorCode(t, resp); resp.StatusCode != http.StatusUnsupportedMediaType || code != feedback.EUnsupported || !strings.Contains(msg, tt.reason) {
				t.Errorf("%s: post %d %s %q, want 415 saying %q", tt.name, resp.StatusCode, code, msg, tt.reason)
			}
		} else if resp.StatusCode != http.StatusCreated {
			t.Errorf("%s: post to the bucket %d, want 201", tt.name, resp.StatusCode)
		}
		resp = e.do(t, "GET", "/api/v1/files/"+form.ID, exportUnitToken, "", "")
		if code, msg := errorCode(t, resp); resp.StatusCode != http.StatusGone || !strings.Contains(msg, tt.reason) {
			t.Errorf("%s: downloading a refused file: %d %s %q, want 410 saying %q", tt.name, resp.StatusCode, code, msg, tt.reason)
		}
	}

	// More bytes than the form allows: 413 locally, nothing stored (S3
	// answers 400 EntityTooLarge); where the bytes got in, the check
	// refuses them.
	form, _ := requestUpload(t, e, exportUnitToken, "a.pdf", "application/pdf", len(pdf))
	resp := postForm(t, e, form, "a.pdf", append(pdf, make([]byte, 100)...))
	wantAfter := http.StatusGone
	if local {
		wantAfter = http.StatusConflict // its bytes never arrived: still pending
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("oversize post: %d, want 413", resp.StatusCode)
		}
	}
	if resp := e.do(t, "GET", "/api/v1/files/"+form.ID, exportUnitToken, "", ""); resp.StatusCode != wantAfter {
		t.Errorf("a file posted with more bytes than its form allows: %d, want %d", resp.StatusCode, wantAfter)
	}
	// An expired form: 403 locally (and on S3); where the bytes got in,
	// the check refuses them by their arrival.
	form, _ = requestUpload(t, e, exportUnitToken, "b.pdf", "application/pdf", len(pdf))
	e.clock.Set(e.clock.Now().Add(feedback.UploadTTL + time.Hour))
	resp = postForm(t, e, form, "b.pdf", pdf)
	if local && resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired form: %d, want 403", resp.StatusCode)
	}
	if !local {
		if resp := e.do(t, "GET", "/api/v1/files/"+form.ID, exportUnitToken, "", ""); resp.StatusCode != http.StatusGone {
			t.Errorf("a file posted after its form expired: %d, want 410", resp.StatusCode)
		}
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

// TestMain stops the moto server the DynamoDB and S3 cases start.
func TestMain(m *testing.M) { filebackend.Main(m) }
