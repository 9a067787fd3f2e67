package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// Sample values used in the events/ payloads; tests substitute real ones.
const (
	sampleCode        = "K7QM3XPA"
	sampleSymposiumID = "01jn8w5c3r7g2m4q6s8t0v2x4z"
	sampleSuggestion  = "01jn8x0a1b2c3d4e5f6g7h8j9k"
	sampleReceipt     = "K7QM-3XPA-9RTD"
	testBaseURL       = "https://jianyan.example.gov.cn"
	testAdminToken    = "test-admin-token-0123456789abcdef0123456789abcdef"
)

// testClock is a settable clock shared by the service and the limiters.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a running stack over a real SQLite store in a temporary directory.
type env struct {
	tb     testing.TB
	clock  *testClock
	store  *sqlite.Store
	svc    *feedback.Service
	public http.Handler
	staff  http.Handler // ClaimsAuth, as on AWS
	local  http.Handler // public + staff with TokenAuth, as locally
	pub    *publicHandler
	files  *feedback.Files
}

type envOption func(*PublicConfig)

func newEnv(tb testing.TB, opts ...envOption) *env {
	tb.Helper()
	clock := &testClock{now: time.Date(2025, 3, 1, 9, 30, 0, 0, feedback.Shanghai)}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(clock.Now))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	registerTestUnits(tb, store)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	disk, err := diskfiles.New(filepath.Join(tb.TempDir(), "jianyan-files"), diskfiles.Options{UploadURL: testBaseURL + LocalUploadPath, Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	files := feedback.NewFiles(feedback.FileConfig{Records: store, Storage: disk, Problems: store, Now: clock.Now, Logger: log})
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: testBaseURL, Now: clock.Now, Logger: log, Files: files})
	pcfg := PublicConfig{Service: svc, Logger: log, Now: clock.Now, Photos: feedback.LocalPhotos{Service: svc, Files: files}}
	for _, o := range opts {
		o(&pcfg)
	}
	e := &env{tb: tb, clock: clock, store: store, svc: svc, files: files}
	e.pub = newPublic(pcfg)
	e.public = common(log, e.pub.mux)
	e.staff = NewStaffHandler(StaffConfig{Service: svc, Auth: ClaimsAuth{}, Logger: log, Spreadsheets: xlsx.Codec{}})
	e.local = NewHandler(pcfg, StaffConfig{Service: svc, Auth: &TokenAuth{Store: store, AdminToken: testAdminToken}, Logger: log, Spreadsheets: xlsx.Codec{},
		Files: files, Uploads: feedback.LocalUploads{Files: files, Receiver: disk}})
	return e
}

var adminID = feedback.Identity{Subject: "test-admin", Name: "admin", Role: feedback.RoleAdmin}

// symposium creates a symposium through the service.
func (e *env) symposium(status feedback.SymposiumStatus, kinds ...feedback.ParticipantKind) *feedback.Symposium {
	e.tb.Helper()
	sym, err := e.svc.CreateSymposium(context.Background(), adminID, feedback.SymposiumInput{
		Title: "涉企乱罚款专项整治座谈会", Campaign: "涉企乱罚款专项整治", HostUnit: "区司法局",
		Venue: "区政务服务中心三楼会议室", StartsAt: e.clock.Now(), Status: status, AllowedKinds: kinds,
	})
	if err != nil {
		e.tb.Fatalf("create symposium: %v", err)
	}
	return sym
}

// suggestions lists everything stored for a symposium.
func (e *env) suggestions(symposiumID string) []*feedback.Suggestion {
	e.tb.Helper()
	var out []*feedback.Suggestion
	f := feedback.SuggestionFilter{SymposiumID: symposiumID, Limit: feedback.MaxListLimit}
	for {
		p, err := e.store.ListSuggestions(context.Background(), f)
		if err != nil {
			e.tb.Fatalf("list suggestions: %v", err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

// loadEvent reads an API Gateway HTTP API v2 payload from events/.
func loadEvent(tb testing.TB, name string) events.APIGatewayV2HTTPRequest {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		tb.Fatalf("read event: %v", err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		tb.Fatalf("decode event %s: %v", name, err)
	}
	if ev.Version != "2.0" || ev.RawPath == "" || ev.RequestContext.HTTP.Method == "" || ev.RequestContext.RequestID == "" {
		tb.Fatalf("event %s is not an HTTP API v2 payload", name)
	}
	return ev
}

// withPath replaces the sample IDs in an event's paths and query.
func withPath(ev events.APIGatewayV2HTTPRequest, oldNew ...string) events.APIGatewayV2HTTPRequest {
	r := strings.NewReplacer(oldNew...)
	ev.RawPath = r.Replace(ev.RawPath)
	ev.RequestContext.HTTP.Path = r.Replace(ev.RequestContext.HTTP.Path)
	ev.RawQueryString = r.Replace(ev.RawQueryString)
	qs := map[string]string{}
	for k, v := range ev.QueryStringParameters {
		qs[k] = r.Replace(v)
	}
	ev.QueryStringParameters = qs
	return ev
}

// withBody replaces an event's body (kept base64 when the event is).
func withBody(ev events.APIGatewayV2HTTPRequest, body string) events.APIGatewayV2HTTPRequest {
	if ev.IsBase64Encoded {
		ev.Body = base64.StdEncoding.EncodeToString([]byte(body))
	} else {
		ev.Body = body
	}
	h := map[string]string{}
	for k, v := range ev.Headers {
		h[k] = v
	}
	delete(h, "content-length")
	ev.Headers = h
	return ev
}

func withHeader(ev events.APIGatewayV2HTTPRequest, k, v string) events.APIGatewayV2HTTPRequest {
	h := map[string]string{}
	for hk, hv := range ev.Headers {
		h[hk] = hv
	}
	if v == "" {
		delete(h, k)
	} else {
		h[k] = v
	}
	ev.Headers = h
	return ev
}

// response is a decoded adapter response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("decode %d response %q: %v", r.status, r.body, err)
	}
}

func (r response) errorCode() (code, field string) {
	var eb errorBody
	_ = json.Unmarshal(r.body, &eb)
	return eb.Error.Code, eb.Error.Field
}

// invoke runs ev through the real API Gateway v2 adapter into h, and
// checks the headers every response must carry.
func invoke(tb testing.TB, h http.Handler, ev events.APIGatewayV2HTTPRequest) response {
	tb.Helper()
	status, hd, body := ProxyV2(tb, h, ev)
	checkSecurityHeaders(tb, hd)
	if got, want := hd.Get("X-Request-Id"), ev.RequestContext.RequestID; got != want {
		tb.Errorf("X-Request-Id = %q, want API Gateway's %q", got, want)
	}
	return response{status: status, header: hd, body: body}
}

// ProxyV2 (exported for the external test package too) runs ev through the real API Gateway v2 adapter into h, as Lambda
// does, and returns the response with its headers merged and body decoded.
func ProxyV2(tb testing.TB, h http.Handler, ev events.APIGatewayV2HTTPRequest) (int, http.Header, []byte) {
	tb.Helper()
	out, err := httpadapter.NewV2(h).ProxyWithContext(context.Background(), ev)
	if err != nil {
		tb.Fatalf("adapter: %v", err)
	}
	hd := http.Header{}
	for k, v := range out.Headers {
		hd.Set(k, v)
	}
	for k, vs := range out.MultiValueHeaders {
		for _, v := range vs {
			hd.Add(k, v)
		}
	}
	body := []byte(out.Body)
	if out.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(out.Body); err != nil {
			tb.Fatalf("response body: %v", err)
		}
	}
	return out.StatusCode, hd, body
}

func checkSecurityHeaders(tb testing.TB, h http.Header) {
	tb.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		tb.Errorf("CSP = %q, want frame-ancestors 'none' and no unsafe-inline", csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		tb.Errorf("X-Content-Type-Options = %q", got)
	}
	if got := h.Get("Referrer-Policy"); got == "" {
		tb.Errorf("Referrer-Policy missing")
	}
}

func newTestLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// testUnits are registered in every test store: the units the tests
// assign problems to, as an office registers them first.
var testUnits = []string{"区司法局", "区市场监管局", "区市场监督管理局", "区城管执法局", "棠下镇", "区财政局",
	"区行政中心", "区委依法治区办", "区城市管理局", "区城管局", "各镇(街)综合行政执法办"}

// registerTestUnits registers testUnits in store.
func registerTestUnits(tb testing.TB, store feedback.Store) {
	tb.Helper()
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, feedback.Shanghai)
	for _, name := range testUnits {
		if err := store.CreateUnit(context.Background(), &feedback.Unit{Name: name, CreatedAt: at, UpdatedAt: at}); err != nil {
			tb.Fatalf("register unit %s: %v", name, err)
		}
	}
}
