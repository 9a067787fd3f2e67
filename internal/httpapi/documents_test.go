package httpapi

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/document/docx"
	"github.com/jianyan/jianyan/internal/feedback"
)

// documentsEnv is the test stack with the document use cases wired as the
// binaries wire them: the documents Lambda's handler with AWS's ClaimsAuth
// (staff), and the local stack's one handler with a token (local).
type documentsEnv struct {
	*env
	office       feedback.DocumentOffice
	staff, local http.Handler
}

func newDocumentsEnv(t *testing.T) *documentsEnv {
	t.Helper()
	e := &documentsEnv{env: newEnv(t), office: feedback.DocumentOffice{
		Issuer:   "蓬江区全面依法治区委员会办公室",
		Prefixes: map[feedback.DocumentKind]string{feedback.RectificationNotice: "区依法治办", feedback.SupervisionBulletin: "区依法治通"},
	}}
	docs := feedback.NewDocuments(feedback.DocumentsConfig{
		Service: e.svc, Records: e.store, Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
		Office: func(context.Context) (feedback.DocumentOffice, error) { return e.office, nil },
	})
	cfg := StaffConfig{Service: e.svc, Auth: ClaimsAuth{}, Logger: slog.New(slog.DiscardHandler), Documents: docs, DocumentWriter: docx.Writer{}}
	e.staff = NewDocumentHandler(cfg)
	cfg.Auth = &TokenAuth{Store: e.store, AdminToken: testAdminToken}
	e.local = NewHandler(PublicConfig{Service: e.svc, Logger: cfg.Logger, Now: e.clock.Now}, cfg)
	return e
}

func (e *documentsEnv) call(tb testing.TB, method, path, body string) response {
	tb.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+testAdminToken)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.local.ServeHTTP(w, r)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// docxText is the text of a Word file's body.
func docxText(tb testing.TB, data []byte) string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatalf("not a DOCX file: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				tb.Fatal(err)
			}
			var out strings.Builder
			for _, part := range strings.Split(string(b), "<w:t xml:space=\"preserve\">")[1:] {
				out.WriteString(part[:strings.Index(part, "<")])
			}
			return out.String()
		}
	}
	tb.Fatal("the file has no word/document.xml")
	return ""
}

func TestDocumentsAPI(t *testing.T) {
	e := newDocumentsEnv(t)
	ctx := context.Background()
	list, err := e.svc.CreateProblemList(ctx, adminID, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款专项整治"})
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"罚款收缴未严格执行罚缴分离制度", "行政处罚决定书未载明履行方式和期限"} {
		if _, err := e.svc.CreateProblem(ctx, adminID, feedback.ProblemInput{ProblemListID: list.ID, Title: title,
			ResponsibleUnit: "区市场监督管理局", ResponsiblePerson: "王局长", Requirement: "逐项整改到位", Deadline: "2025-03-31"}); err != nil {
			t.Fatal(err)
		}
	}

	// Issued through the API Gateway payload, by the office.
	createEv := loadEvent(t, "apigw-create-document.json")
	createEv = withBody(createEv, strings.ReplaceAll(createEv.Body, sampleListID, list.ID))
	if r := invoke(t, e.staff, withGroups(createEv, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("issued by a unit account: %d, want 403", r.status)
	}
	r := invoke(t, e.staff, createEv)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var doc DocumentJSON
	r.json(t, &doc)
	if doc.ID != "rectification_notice-2025-1" || doc.Number != "区依法治办〔2025〕1号" || doc.Kind != "rectification_notice" ||
		doc.KindLabel != "整改通知书" || doc.Title != "关于涉企乱罚款问题整改的通知书" || doc.CreatedAt == "" || doc.Unit != "区市场监督管理局" {
		t.Errorf("created %+v", doc)
	}
	if loc := r.header.Get("Location"); loc != doc.DocxURL || doc.DocxURL != "/api/v1/documents/rectification_notice-2025-1.docx" {
		t.Errorf("Location %q, docx_url %q", loc, doc.DocxURL)
	}

	// The Word file, through the API Gateway payload.
	r = invoke(t, e.staff, loadEvent(t, "apigw-get-document-docx.json"))
	if r.status != http.StatusOK {
		t.Fatalf("docx: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != mimeDOCX {
		t.Errorf("Content-Type %q", ct)
	}
	cd := r.header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="rectification_notice-2025-1.docx"`) ||
		!strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("区依法治办〔2025〕1号 关于涉企乱罚款问题整改的通知书.docx")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no X-Content-Type-Options: nosniff")
	}
	text := docxText(t, r.body)
	for _, want := range []string{"区依法治办〔2025〕1号", "区市场监督管理局：", "罚款收缴未严格执行罚缴分离制度", "行政处罚决定书未载明履行方式和期限", "蓬江区全面依法治区委员会办公室"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Word file does not say %q:\n%s", want, text)
		}
	}
	if r := invoke(t, e.staff, withGroups(loadEvent(t, "apigw-get-document-docx.json"), "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("docx for a unit account: %d, want 403", r.status)
	}

	// The record, the list by kind.
	if r := e.call(t, "GET", "/api/v1/documents/"+doc.ID, ""); r.status != 200 || !strings.Contains(string(r.body), `"number":"区依法治办〔2025〕1号"`) {
		t.Errorf("record: %d %s", r.status, r.body)
	}
	second := e.call(t, "POST", "/api/v1/documents", `{"kind":"rectification_notice","problem_list_id":"`+list.ID+`","unit":"区市场监督管理局"}`)
	if second.status != http.StatusCreated || !strings.Contains(string(second.body), `"number":"区依法治办〔2025〕2号"`) {
		t.Fatalf("second notice: %d %s", second.status, second.body)
	}
	var page listJSON[DocumentJSON]
	r = e.call(t, "GET", "/api/v1/documents?kind=rectification_notice&limit=1", "")
	r.json(t, &page)
	if r.status != 200 || len(page.Items) != 1 || page.Items[0].Number != "区依法治办〔2025〕2号" || page.NextCursor == "" {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	r = e.call(t, "GET", "/api/v1/documents?kind=supervision_bulletin", "")
	r.json(t, &page)
	if r.status != 200 || len(page.Items) != 0 {
		t.Errorf("bulletins: %d %s", r.status, r.body)
	}

	for _, c := range []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"unknown kind", "POST", "/api/v1/documents", `{"kind":"memo"}`, 400, feedback.EInvalid, "kind"},
		{"no unit", "POST", "/api/v1/documents", `{"kind":"rectification_notice","problem_list_id":"` + list.ID + `"}`, 400, feedback.EInvalid, "unit"},
		{"no prefix", "POST", "/api/v1/documents", `{"kind":"reply_letter","suggestion_id":"` + sampleSuggestion + `"}`, 409, feedback.EConflict, ""},
		{"list of an unknown kind", "GET", "/api/v1/documents?kind=memo", "", 400, feedback.EInvalid, "kind"},
		{"unknown document", "GET", "/api/v1/documents/rectification_notice-2025-9.docx", "", 404, feedback.ENotFound, ""},
		{"not a document ID", "GET", "/api/v1/documents/01jn8x0a1b2c3d4e5f6g7h8j9k", "", 404, feedback.ENotFound, ""},
	} {
		r := e.call(t, c.method, c.path, c.body)
		code, field := r.errorCode()
		if r.status != c.status || code != c.code || field != c.field {
			t.Errorf("%s: %d %s, want %d %s %q", c.name, r.status, r.body, c.status, c.code, c.field)
		}
	}
}

// TestDocumentsNotWired: a handler without the document use cases answers
// their routes with 415, like the XLSX routes without a codec; the staff
// Lambda's handler does not have them (the documents Lambda serves them).
func TestDocumentsNotWired(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/api/v1/documents", "/api/v1/documents/rectification_notice-2025-1.docx"} {
		if r := e.call(t, "GET", p, ""); r.status != http.StatusUnsupportedMediaType {
			t.Errorf("GET %s: %d %s, want 415", p, r.status, r.body)
		}
	}
	if r := invoke(t, e.staff, loadEvent(t, "apigw-get-document-docx.json")); r.status != http.StatusNotFound {
		t.Errorf("the staff Lambda answers a document route: %d, want 404", r.status)
	}
	// Only the document routes are in the documents Lambda.
	docs := NewDocumentHandler(StaffConfig{Service: e.svc, Auth: ClaimsAuth{}})
	if r := invoke(t, docs, loadEvent(t, "apigw-get-suggestion.json")); r.status != http.StatusNotFound {
		t.Errorf("the documents Lambda answers a suggestion route: %d, want 404", r.status)
	}
}
