package httpapi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// testPhoto is a small JPEG whose EXIF block holds a position.
func testPhoto(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 3)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		tb.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("GPS-22.58N-113.08E")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), append(seg, payload...)...), raw[2:]...)
}

// TestPhotoUploadThenSubmit: the phone form with JavaScript. The sample
// event asks for an upload form (no credentials), the photo is posted to
// it, the submission names it, and the office sees it on the lead.
func TestPhotoUploadThenSubmit(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	photo := testPhoto(t)
	ev := withPath(loadEvent(t, "apigw-request-photo-upload.json"), sampleCode, sym.Code)
	r := invoke(t, e.public, withBody(ev, fmt.Sprintf(`{"filename":"现场.jpg","content_type":"image/jpeg","size":%d}`, len(photo))))
	if r.status != http.StatusCreated {
		t.Fatalf("request photo upload = %d %s", r.status, r.body)
	}
	var form uploadFormJSON
	r.json(t, &form)
	if form.ID == "" || form.Method != "POST" || !strings.HasSuffix(form.URL, LocalUploadPath) || form.Fields["key"] != "uploads/"+form.ID {
		t.Fatalf("form = %+v", form)
	}

	// The photo goes to the form's url (locally the server's own route).
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range form.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "现场.jpg")
	_, _ = fw.Write(photo)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, LocalUploadPath, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.local.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("post the photo = %d %s", rec.Code, rec.Body)
	}

	sub := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)
	r = invoke(t, e.public, withBody(sub, `{"participant_kind":"enterprise","kind":"problem_lead","content":"执法人员检查时未出示执法证件。","photo_file_ids":["`+form.ID+`"]}`))
	if r.status != http.StatusCreated {
		t.Fatalf("submit with a photo = %d %s", r.status, r.body)
	}
	var got submittedJSON
	r.json(t, &got)

	g := withPath(loadEvent(t, "apigw-get-suggestion.json"), sampleSuggestion, got.ID)
	r = invoke(t, e.staff, claimsGroups(g, ptrTo("[staff]")))
	var sg suggestionJSON
	r.json(t, &sg)
	if r.status != http.StatusOK || len(sg.Photos) != 1 {
		t.Fatalf("staff GET the lead = %d %s", r.status, r.body)
	}
	if p := sg.Photos[0]; p.FileID != form.ID || p.Name != "现场.jpg" || p.Status != "ready" || p.StatusLabel != "已通过检查" || p.URL != "/api/v1/files/"+form.ID {
		t.Errorf("photo = %+v", p)
	}
	// A suggestion that is no problem lead takes no photo; an SVG is not a photo.
	r = invoke(t, e.public, withBody(sub, `{"participant_kind":"enterprise","content":"建议公开罚没收入的使用情况。","photo_file_ids":["`+form.ID+`"]}`))
	if code, field := r.errorCode(); r.status != http.StatusBadRequest || code != feedback.EInvalid || field != "photo_file_ids" {
		t.Errorf("photo on a suggestion = %d %s", r.status, r.body)
	}
	r = invoke(t, e.public, withBody(ev, `{"filename":"a.svg","content_type":"image/svg+xml","size":100}`))
	if r.status != http.StatusUnsupportedMediaType {
		t.Errorf("SVG = %d %s, want 415", r.status, r.body)
	}
	r = invoke(t, e.public, withBody(ev, fmt.Sprintf(`{"filename":"a.jpg","content_type":"image/jpeg","size":%d}`, feedback.PhotoMaxBytes+1)))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("11 MB = %d %s, want 413", r.status, r.body)
	}
	r = invoke(t, e.public, withBody(withPath(loadEvent(t, "apigw-request-photo-upload.json"), sampleCode, "NOSUCH23"), `{"filename":"a.jpg","content_type":"image/jpeg","size":10}`))
	if r.status != http.StatusNotFound {
		t.Errorf("unknown symposium = %d, want 404", r.status)
	}
}

func ptrTo(s string) *string { return &s }

// TestPhotoUploadRateLimited: the upload route is limited per address.
func TestPhotoUploadRateLimited(t *testing.T) {
	e := newEnv(t, func(c *PublicConfig) { c.UploadPerIP = &RateLimit{Burst: 2, PerSecond: 0.001} })
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-request-photo-upload.json"), sampleCode, sym.Code)
	var last int
	for range 3 {
		last = invoke(t, e.public, ev).status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("third upload request = %d, want 429", last)
	}
}

// photoForm is the phone form posted without JavaScript, with photos.
func photoForm(tb testing.TB, fields map[string]string, photos map[string][]byte) (string, string) {
	tb.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, data := range photos {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="photos"; filename="`+name+`"`)
		h.Set("Content-Type", "image/jpeg")
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(data)
	}
	// An empty file input sends an empty part: skipped.
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="photos"; filename=""`)
	h.Set("Content-Type", "application/octet-stream")
	_, _ = mw.CreatePart(h)
	_ = mw.Close()
	return b.String(), mw.FormDataContentType()
}

// TestPhotoFormPost: the phone form without JavaScript posts its photos
// inside the form (multipart): 303 to the receipt, the photos stored
// without metadata and named by the lead; a refused photo shows the form
// again with the reason.
func TestPhotoFormPost(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	fields := map[string]string{"participant_kind": "enterprise", "kind": "problem_lead", "content": "执法人员检查时未出示执法证件。", "idempotency_key": "f-nojs-1"}
	body, ctype := photoForm(t, fields, map[string][]byte{"现场.jpg": testPhoto(t)})
	ev := withHeader(withBody(withPath(loadEvent(t, "apigw-submit-suggestion-form.json"), sampleCode, sym.Code), body), "content-type", ctype)
	r := invoke(t, e.public, ev)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/r/") {
		t.Fatalf("form post with a photo = %d %s", r.status, r.body)
	}
	got := e.suggestions(sym.ID)
	if len(got) != 1 || len(got[0].PhotoFileIDs) != 1 {
		t.Fatalf("stored %d suggestions, photos %v", len(got), got)
	}
	f, err := e.files.GetFile(t.Context(), adminID, got[0].PhotoFileIDs[0])
	if err != nil || f.Status != feedback.FileReady || f.SuggestionID != got[0].ID || f.Name != "现场.jpg" {
		t.Fatalf("the photo = %+v, %v", f, err)
	}

	// Not an image: the form again (415), with the reason, nothing stored.
	fields["idempotency_key"] = "f-nojs-2"
	body, ctype = photoForm(t, fields, map[string][]byte{"假照片.jpg": []byte("<html><script>alert(1)</script></html>")})
	r = invoke(t, e.public, withHeader(withBody(ev, body), "content-type", ctype))
	if r.status != http.StatusUnsupportedMediaType || !strings.Contains(string(r.body), "假照片.jpg") {
		t.Errorf("form post with a fake photo = %d %.300s", r.status, r.body)
	}
	// Four photos: the form again, naming the field.
	fields["idempotency_key"] = "f-nojs-3"
	p := testPhoto(t)
	body, ctype = photoForm(t, fields, map[string][]byte{"1.jpg": p, "2.jpg": p, "3.jpg": p, "4.jpg": p})
	r = invoke(t, e.public, withHeader(withBody(ev, body), "content-type", ctype))
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `id="f-photo_file_ids"`) {
		t.Errorf("four photos = %d %.300s", r.status, r.body)
	}
	if n := len(e.suggestions(sym.ID)); n != 1 {
		t.Errorf("%d suggestions stored, want 1", n)
	}
}

// TestPhotoFormPostRefusedKeepsTheForm: a form post without JavaScript
// that is refused comes back with everything typed, before the photos in
// the form and after them, and asks for the photos again: a browser
// cannot put them back, and a lead sent again without them would lose
// them without a word.
func TestPhotoFormPostRefusedKeepsTheForm(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-submit-suggestion-form.json"), sampleCode, sym.Code)
	const content, name, contact = "执法人员检查时未出示执法证件,现场照片三张。", "陈建国", "13912345678"
	// post builds the form as a browser sends it: the fields in the order
	// of the page, the photos between content and the submitter's details.
	post := func(content string, photos ...[]byte) (string, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, kv := range [][2]string{{"idempotency_key", "f-nojs-refused"}, {"participant_kind", "enterprise"}, {"kind", "problem_lead"}, {"content", content}} {
			_ = mw.WriteField(kv[0], kv[1])
		}
		for i, data := range photos {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="photos"; filename="现场%d.jpg"`, i+1))
			h.Set("Content-Type", "image/jpeg")
			w, _ := mw.CreatePart(h)
			_, _ = w.Write(data)
		}
		_ = mw.WriteField("name", name)
		_ = mw.WriteField("contact", contact)
		_ = mw.Close()
		return b.String(), mw.FormDataContentType()
	}
	p := testPhoto(t)
	huge := append(append([]byte{}, p...), make([]byte, feedback.PhotoMaxBytes)...)
	for _, tt := range []struct {
		name    string
		content string
		photos  [][]byte
		status  int
		field   string
	}{
		{"four photos", content, [][]byte{p, p, p, p}, http.StatusBadRequest, "photo_file_ids"},
		{"a photo over 10 MiB", content, [][]byte{p, huge}, http.StatusRequestEntityTooLarge, "photo_file_ids"},
		{"content too short, with a photo", "短", [][]byte{p}, http.StatusBadRequest, "content"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, ctype := post(tt.content, tt.photos...)
			r := invoke(t, e.public, withHeader(withBody(ev, body), "content-type", ctype))
			page := string(r.body)
			if r.status != tt.status || !strings.Contains(page, `<form id="suggestion-form"`) {
				t.Fatalf("= %d, want %d with the form again:\n%.400s", r.status, tt.status, page)
			}
			for _, want := range []string{
				`<a href="#` + fieldAnchor(tt.field) + `">`,
				`value="` + name + `"`, `value="` + contact + `"`, `value="problem_lead" checked`, `value="enterprise" checked`,
				">" + tt.content + "</textarea>",
				`<p class="status" id="photo-status" aria-live="polite">` + photosLost + `</p>`,
				// The error and the request for the photos read as two sentences.
				"。" + photosLost + "</div>",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("the form again lacks %q", want)
				}
			}
			if n := len(e.suggestions(sym.ID)); n != 0 {
				t.Errorf("%d suggestions stored, want none", n)
			}
		})
	}
	// Without photos, nothing asks for them.
	body, ctype := post("短")
	r := invoke(t, e.public, withHeader(withBody(ev, body), "content-type", ctype))
	if r.status != http.StatusBadRequest || strings.Contains(string(r.body), photosLost) {
		t.Errorf("a refused post without photos = %d, asks for photos %v", r.status, strings.Contains(string(r.body), photosLost))
	}
}

// TestFormPageWeight: the public form with its script stays within 20 KB
// (docs/design.md's page weight), photos field and all.
func TestFormPageWeight(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	r := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, sym.Code))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `name="photos"`) || !strings.Contains(string(r.body), `enctype="multipart/form-data"`) {
		t.Fatalf("form = %d, photos field or multipart encoding missing", r.status)
	}
	t.Logf("form page %d bytes, script %d bytes", len(r.body), len(formJS))
	if total := len(r.body) + len(formJS); total > 20<<10 {
		t.Errorf("form page %d + script %d = %d bytes, want at most %d", len(r.body), len(formJS), total, 20<<10)
	}
}
