package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/jianyan/jianyan/internal/feedback"
)

// loadOpenAPI fetches the document from the handler and validates it.
func loadOpenAPI(t *testing.T, e *exportEnv) *openapi3.T {
	t.Helper()
	resp := e.do(t, "GET", "/api/v1/openapi.yaml", "", "", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.yaml without credentials: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/yaml") {
		t.Errorf("content type = %q", ct)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load OpenAPI document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("OpenAPI document is invalid: %v", err)
	}
	return doc
}

func TestOpenAPIValid(t *testing.T) {
	loadOpenAPI(t, newExportEnv(t))
}

// registeredRoutes parses this package's non-test Go files and returns
// every "METHOD /path" pattern passed as a string literal to Handle or
// HandleFunc, as "METHOD /path" with ServeMux syntax turned into OpenAPI
// syntax ({$} dropped, {x...} → {x}).
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	wildcardRest := regexp.MustCompile(`\{(\w+)\.\.\.\}`)
	seen := map[string]bool{}
	for _, r := range append(patterns(t, "Handle"), patterns(t, "HandleFunc")...) {
		p := strings.ReplaceAll(r.path, "{$}", "")
		seen[r.method+" "+wildcardRest.ReplaceAllString(p, "{$1}")] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func documented(doc *openapi3.T) []string {
	var out []string
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+p)
		}
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t, newExportEnv(t))
	docOps := documented(doc)
	routes := registeredRoutes(t)
	if len(routes) < 30 {
		t.Fatalf("found only %d registered routes: %q; has route registration changed shape?", len(routes), routes)
	}
	for _, r := range routes {
		if !slices.Contains(docOps, r) {
			t.Errorf("route %q is registered but not in openapi.yaml", r)
		}
	}
}

// TestOpenAPIEveryOperationAnswers sends each documented operation to the
// real local handler, with real IDs, and expects neither 404 nor 405.
// Bodies are left out: a 415 or 400 proves the route exists without
// changing anything.
func TestOpenAPIEveryOperationAnswers(t *testing.T) {
	fx := newExportFixture(t)
	e := fx.env
	doc := loadOpenAPI(t, e)
	ctx := context.Background()
	list, err := e.svc.CreateProblemList(ctx, e.admin, feedback.ProblemListInput{Title: "测试清单"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(ctx, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "测试问题",
		SuggestionIDs: []string{fx.sg["a"].ID}, ResponsibleUnit: "区司法局", Deadline: "2025-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	resp := e.do(t, "POST", "/api/v1/summaries", exportAdminToken, "application/json", `{"period":"daily","date":"2025-03-06"}`)
	var sm struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sm); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create summary: status %d, %v", resp.StatusCode, err)
	}

	resp = e.do(t, "POST", "/api/v1/documents", exportAdminToken, "application/json", `{"kind":"supervision_bulletin","summary_id":"`+sm.ID+`"}`)
	var issued struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&issued); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("issue a document: status %d, %v", resp.StatusCode, err)
	}

	fileID, status := uploadFile(t, e, exportAdminToken, "整改报告.pdf", "application/pdf", []byte("%PDF-1.7\n%%EOF\n"))
	if status != http.StatusCreated {
		t.Fatalf("upload: %d", status)
	}
	emblem := setEmblem(t, e)
	resp = e.do(t, "POST", "/api/v1/accounts", exportAdminToken, "application/json", `{"name":"测试账号","role":"staff"}`)
	var acc struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&acc); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create an account: status %d, %v", resp.StatusCode, err)
	}
	ids := []struct{ prefix, id string }{
		{"/api/v1/accounts/{id}", acc.ID},
		{"/api/v1/files/{id}", fileID},
		{"/api/v1/symposia/{id}", fx.sym1.ID},
		{"/api/v1/suggestions/{id}", fx.sg["b"].ID},
		{"/api/v1/problem-lists/{id}", list.ID},
		{"/api/v1/problems/{id}", p.ID},
		{"/api/v1/summaries/{id}", sm.ID},
		{"/api/v1/documents/{id}", issued.ID},
	}
	fill := func(path string) string {
		for _, x := range ids {
			if strings.HasPrefix(path, x.prefix) {
				path = strings.Replace(path, "{id}", x.id, 1)
			}
		}
		path = strings.Replace(path, "{year}", "2025", 1)
		path = strings.Replace(path, "{eid}", "01jnnoextensionnoextension0", 1)
		if strings.HasPrefix(path, "/api/v1/units/{name}") {
			path = strings.Replace(path, "{name}", url.PathEscape("区司法局"), 1)
		}
		r := strings.NewReplacer("{code}", fx.sym1.Code, "{receipt}", fx.sg["b"].Receipt, "{path}", "assets/app.js",
			"{name}", strings.TrimPrefix(emblem, "/emblem/"))
		return r.Replace(path)
	}
	for _, op := range documented(doc) {
		method, path, _ := strings.Cut(op, " ")
		target := fill(path)
		if strings.Contains(target, "{") {
			t.Errorf("%s: no test value for a parameter in %s", op, target)
			continue
		}
		resp := e.do(t, method, target, exportAdminToken, "", "")
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			body, _ := io.ReadAll(resp.Body)
			t.Errorf("%s (%s %s): status %d: %s", op, method, target, resp.StatusCode, body)
		}
	}
}
