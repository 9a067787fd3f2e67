package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// The security tests of docs/threat-model.md run the real handlers over a
// real SQLite store, in both shapes: the local one-mux handler with bearer
// tokens, and the AWS staff and public handlers behind the API Gateway v2
// adapter with authorizer claims.

const (
	secAdminToken = "sec-admin-token-0123456789abcdef0123456789"
	secStaffToken = "sec-staff-token-0123456789abcdef0123456789"
	secUnitToken  = "sec-unit-token-0123456789abcdef01234567890"
	secUnit2Token = "sec-unit2-token-0123456789abcdef0123456789"
	secUnit       = "区市场监督管理局"
	secUnit2      = "区城市管理局"
	secHost       = "jianyan.test"
)

// lockedWriter collects log output from concurrent handlers.
type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }

type secClock struct {
	mu sync.Mutex
	t  time.Time
}

// Now ticks a millisecond per reading, so events sort in the order made.
func (c *secClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

type secEnv struct {
	store  *sqlite.Store
	svc    *feedback.Service
	local  http.Handler // public + staff, TokenAuth
	staff  http.Handler // staff, ClaimsAuth (AWS)
	public http.Handler // public (AWS collect)
	logs   *lockedWriter
	admin  feedback.Identity
	sym    *feedback.Symposium
}

func newSecEnv(tb testing.TB) *secEnv {
	tb.Helper()
	ctx := context.Background()
	clock := &secClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, feedback.Shanghai)}
	store, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(clock.Now))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	registerTestUnits(tb, store)
	logs := &lockedWriter{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: "https://" + secHost, Now: clock.Now, Logger: log})
	for _, a := range []*feedback.Account{
		{Name: "法治督察科 李干事", Role: feedback.RoleStaff, TokenHash: feedback.HashToken(secStaffToken)},
		{Name: "市场监管局联络员", Role: feedback.RoleUnit, Unit: secUnit, TokenHash: feedback.HashToken(secUnitToken)},
		{Name: "城管局联络员", Role: feedback.RoleUnit, Unit: secUnit2, TokenHash: feedback.HashToken(secUnit2Token)},
	} {
		a.ID, a.CreatedAt = feedback.NewID(clock.Now()), clock.Now()
		if err := store.CreateAccount(ctx, a); err != nil {
			tb.Fatalf("create account: %v", err)
		}
	}
	off := &httpapi.RateLimit{}
	pub := httpapi.PublicConfig{Service: svc, Logger: log, SubmitPerIP: off, SubmitPerSymposium: off, ReadPerIP: off}
	e := &secEnv{
		store: store, svc: svc, logs: logs,
		local:  httpapi.NewHandler(pub, httpapi.StaffConfig{Service: svc, Auth: &httpapi.TokenAuth{Store: store, AdminToken: secAdminToken}, Logger: log, Spreadsheets: xlsx.Codec{}, Console: testConsole()}),
		staff:  awsStaffRoutes(httpapi.StaffConfig{Service: svc, Auth: httpapi.ClaimsAuth{}, Logger: log, Spreadsheets: xlsx.Codec{}}),
		public: httpapi.NewPublicHandler(pub),
		admin:  feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin},
	}
	e.sym, err = svc.CreateSymposium(ctx, e.admin, feedback.SymposiumInput{
		Title: "涉企乱罚款专项整治座谈会", Campaign: "涉企乱罚款", HostUnit: "区司法局", Status: feedback.SymposiumOpen,
	})
	if err != nil {
		tb.Fatalf("create symposium: %v", err)
	}
	return e
}

// awsStaffRoutes is the staff API as API Gateway routes it: the document
// routes to the documents Lambda, the rest to the staff Lambda.
func awsStaffRoutes(cfg httpapi.StaffConfig) http.Handler {
	staff, docs := httpapi.NewStaffHandler(cfg), httpapi.NewDocumentHandler(cfg)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/documents" || strings.HasPrefix(r.URL.Path, "/api/v1/documents/") {
			docs.ServeHTTP(w, r)
			return
		}
		staff.ServeHTTP(w, r)
	})
}

// req is one request to a handler.
type req struct {
	method, target, token, ctype, body string
	header                             map[string]string
}

// do sends r to the local handler.
func (e *secEnv) do(tb testing.TB, r req) *http.Response {
	tb.Helper()
	var rd io.Reader
	if r.body != "" {
		rd = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, "http://"+secHost+r.target, rd)
	hr.RemoteAddr = "192.0.2.10:1234"
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.local.ServeHTTP(rec, hr)
	return rec.Result()
}

// claims is the authorizer context of an AWS request; nil for none.
type claims map[string]string

// lambda sends r through the API Gateway v2 adapter to h, as on AWS, with
// the given authorizer claims (nil: the route has no authorizer context).
func lambda(tb testing.TB, h http.Handler, r req, c claims) (int, http.Header, []byte) {
	tb.Helper()
	path, query, _ := strings.Cut(r.target, "?")
	hd := map[string]string{"host": secHost}
	if r.ctype != "" {
		hd["content-type"] = r.ctype
	}
	if r.token != "" {
		hd["authorization"] = "Bearer " + r.token
	}
	for k, v := range r.header {
		hd[strings.ToLower(k)] = v
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, RawQueryString: query, Headers: hd,
		Body: base64.StdEncoding.EncodeToString([]byte(r.body)), IsBase64Encoded: true,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "sec-test-request", DomainName: secHost, Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.method, Path: path, Protocol: "HTTP/1.1", SourceIP: "198.51.100.7"},
		},
	}
	if c != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: c},
		}
	}
	return httpapi.ProxyV2(tb, h, ev)
}

func readAll(tb testing.TB, resp *http.Response) []byte {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// route is a registered "METHOD /path" pattern.
type route struct{ method, path string }

func (r route) String() string { return r.method + " " + r.path }

// patterns parses this package's non-test files for the string literals
// passed to Handle (staff routes: authentication and cross-origin
// protection) or HandleFunc (public and console routes).
func patterns(tb testing.TB, fn string) []route {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatal(err)
	}
	re := regexp.MustCompile(`^([A-Z]+) (/\S*)$`)
	seen := map[route]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			tb.Fatalf("parse %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != fn {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			if m := re.FindStringSubmatch(s); m != nil {
				seen[route{m[1], m[2]}] = true
			}
			return true
		})
	}
	out := make([]route, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// fill puts values into a pattern's wildcards.
func fill(path string, vals map[string]string) string {
	path = strings.ReplaceAll(path, "{$}", "")
	return regexp.MustCompile(`\{(\w+)(\.\.\.)?\}`).ReplaceAllStringFunc(path, func(m string) string {
		name := strings.Trim(m, "{}.")
		if v, ok := vals[name]; ok {
			return v
		}
		return "01jn8w5c3r7g2m4q6s8t0v2x4z"
	})
}
