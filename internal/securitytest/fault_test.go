package securitytest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
)

// faultProxy stands between the SDK and the DynamoDB-compatible server and
// answers chosen operations with DynamoDB's own error responses, the way
// DynamoDB answers when a partition is throttled or a node fails. Other
// requests pass through untouched.
type faultProxy struct {
	next http.Handler

	mu       sync.Mutex
	faults   map[string][]fault // operation → what to answer, in order; the last repeats if sticky
	sticky   map[string]bool
	attempts map[string]int
}

// fault is one injected answer.
type fault struct {
	status int
	typ    string // DynamoDB error type
}

var (
	throttled   = fault{http.StatusBadRequest, "ThrottlingException"}
	overloaded  = fault{http.StatusBadRequest, "ProvisionedThroughputExceededException"}
	serverError = fault{http.StatusInternalServerError, "InternalServerError"}
	unavailable = fault{http.StatusServiceUnavailable, "ServiceUnavailable"}
)

func newFaultProxy(tb testing.TB, endpoint string) *httptest.Server {
	tb.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	p := &faultProxy{next: httputil.NewSingleHostReverseProxy(u), faults: map[string][]fault{}, sticky: map[string]bool{}, attempts: map[string]int{}}
	srv := httptest.NewServer(p)
	tb.Cleanup(srv.Close)
	return srv
}

func proxyOf(srv *httptest.Server) *faultProxy { return srv.Config.Handler.(*faultProxy) }

// inject makes the next len(fs) calls of op fail with fs; with sticky the
// last one repeats for ever.
func (p *faultProxy) inject(op string, sticky bool, fs ...fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[op], p.sticky[op] = fs, sticky
}

func (p *faultProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults, p.sticky, p.attempts = map[string][]fault{}, map[string]bool{}, map[string]int{}
}

// count returns how many calls of op reached the proxy.
func (p *faultProxy) count(op string) int { p.mu.Lock(); defer p.mu.Unlock(); return p.attempts[op] }

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	p.mu.Lock()
	p.attempts[op]++
	var f *fault
	if fs := p.faults[op]; len(fs) > 0 {
		f = &fs[0]
		if len(fs) > 1 || !p.sticky[op] {
			p.faults[op] = fs[1:]
		}
	}
	p.mu.Unlock()
	if f == nil {
		p.next.ServeHTTP(w, r)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Requestid", "FAULT"+strconv.Itoa(p.count(op)))
	w.WriteHeader(f.status)
	fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":"injected by the test"}`, f.typ)
}

// faultEnv is the public handler over a DynamoDB store whose client goes
// through a fault proxy, and a direct client to check the table.
type faultEnv struct {
	proxy   *faultProxy
	direct  *dynamodb.Client
	table   string
	handler http.Handler
	sym     *feedback.Symposium
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	endpoint := dynamotest.Endpoint(t)
	direct := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, direct)
	srv := newFaultProxy(t, endpoint)
	// The SDK's standard retryer, as in the functions (3 attempts,
	// exponential backoff with jitter, retrying throttling and 5xx); only
	// the backoff's ceiling is lowered to keep the test fast.
	client := dynamodb.NewFromConfig(dynamotest.Config(srv.URL), func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.NewExponentialJitterBackoff(20 * time.Millisecond)
		})
	})
	store := dynamo.New(client, table)
	log := slog.New(slog.DiscardHandler)
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: "https://jianyan.example.gov.cn", Logger: log})
	sym, err := svc.CreateSymposium(context.Background(), admin, feedback.SymposiumInput{Title: "涉企乱罚款专项整治座谈会"})
	must(t, err, "symposium")
	e := &faultEnv{proxy: proxyOf(srv), direct: direct, table: table, sym: sym,
		handler: httpapi.NewPublicHandler(httpapi.PublicConfig{Service: svc, Logger: log})}
	// One submission before any fault, so that the month marker and the
	// other lazily written items exist: later snapshots show only what a
	// submission itself writes.
	if status, _ := e.submit(t, "warm-up"); status != http.StatusCreated {
		t.Fatalf("warm-up submission: %d", status)
	}
	return e
}

func (e *faultEnv) submit(tb testing.TB, key string) (int, http.Header) {
	tb.Helper()
	body := `{"participant_kind":"enterprise","content":"罚款标准不统一,建议公开裁量基准。","name":"张先生","idempotency_key":"` + key + `"}`
	r := httptest.NewRequest("POST", "/api/v1/symposia/"+e.sym.Code+"/suggestions", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	return w.Code, w.Result().Header
}

func (e *faultEnv) get(tb testing.TB, target string) (int, http.Header) {
	tb.Helper()
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	return w.Code, w.Result().Header
}

// snapshot lists every key in the table, read directly.
func (e *faultEnv) snapshot(tb testing.TB) []string {
	tb.Helper()
	var keys []string
	p := dynamodb.NewScanPaginator(e.direct, &dynamodb.ScanInput{TableName: aws.String(e.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		must(tb, err, "scan")
		for _, it := range page.Items {
			keys = append(keys, fmt.Sprintf("%v|%v", it["pk"], it["sk"]))
		}
	}
	slices.Sort(keys)
	return keys
}

// TestDynamoDBFaults injects throttling and server errors between the SDK
// and DynamoDB: transient ones are retried by the SDK and the submission
// succeeds, stored once; persistent ones come back from the HTTP handler as
// 503 with Retry-After, and the table holds exactly what it held before.
func TestDynamoDBFaults(t *testing.T) {
	e := newFaultEnv(t)
	tests := []struct {
		name     string
		op       string
		sticky   bool
		faults   []fault
		do       string // submit, form, receipt
		want     int
		attempts int // calls of op that reached the proxy, 0 = don't check
		stored   int // items the table gains
	}{
		// A keyed submission is one PutItem of one item (docs/dynamodb.md, "Submitting").
		{"transient throttle on the write", "PutItem", false, []fault{throttled, throttled}, "submit", http.StatusCreated, 3, 1},
		{"transient 500 on the write", "PutItem", false, []fault{serverError}, "submit", http.StatusCreated, 2, 1},
		{"transient capacity error on the symposium read", "GetItem", false, []fault{overloaded, unavailable}, "submit", http.StatusCreated, 3, 1},
		{"persistent throttle on the write", "PutItem", true, []fault{throttled}, "submit", http.StatusServiceUnavailable, 3, 0},
		{"persistent 500 on the write", "PutItem", true, []fault{serverError}, "submit", http.StatusServiceUnavailable, 3, 0},
		{"persistent 503 on the symposium read", "GetItem", true, []fault{unavailable}, "submit", http.StatusServiceUnavailable, 0, 0},
		{"persistent throttle on the form page", "GetItem", true, []fault{throttled}, "form", http.StatusServiceUnavailable, 0, 0},
		{"persistent throttle on a receipt lookup", "GetItem", true, []fault{throttled}, "receipt", http.StatusServiceUnavailable, 0, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.proxy.reset()
			before := e.snapshot(t)
			e.proxy.inject(tt.op, tt.sticky, tt.faults...)
			var status int
			var h http.Header
			switch tt.do {
			case "submit":
				status, h = e.submit(t, fmt.Sprintf("fault-%d", i))
			case "form":
				status, h = e.get(t, "/s/"+e.sym.Code)
			case "receipt":
				status, h = e.get(t, "/api/v1/receipts/K7QM-3XPA-9RTD")
			}
			if status != tt.want {
				t.Fatalf("status %d, want %d", status, tt.want)
			}
			if status == http.StatusServiceUnavailable {
				if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra < 1 {
					t.Errorf("Retry-After = %q, want whole seconds", h.Get("Retry-After"))
				}
			}
			if got := e.proxy.count(tt.op); tt.attempts != 0 && got != tt.attempts {
				t.Errorf("%s reached DynamoDB %d times, want %d (the SDK's retries)", tt.op, got, tt.attempts)
			}
			if got := e.proxy.count(tt.op); tt.want == http.StatusServiceUnavailable && got < 2 {
				t.Errorf("%s was tried %d times before giving up, want retries", tt.op, got)
			}
			e.proxy.reset()
			after := e.snapshot(t)
			if gained := len(after) - len(before); gained != tt.stored {
				t.Errorf("the table gained %d items, want %d", gained, tt.stored)
			}
			if tt.stored == 0 && !slices.Equal(before, after) {
				t.Errorf("the table changed although the request failed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
	// The same idempotency key after a persistent failure stores it once.
	e.proxy.inject("PutItem", true, throttled)
	if status, _ := e.submit(t, "retry-later"); status != http.StatusServiceUnavailable {
		t.Fatalf("throttled submission: %d", status)
	}
	e.proxy.reset()
	before := e.snapshot(t)
	for range 2 {
		if status, _ := e.submit(t, "retry-later"); status != http.StatusCreated {
			t.Fatalf("retried submission: %d", status)
		}
	}
	if gained := len(e.snapshot(t)) - len(before); gained != 1 {
		t.Errorf("a retry after 503 and its replay stored %d items, want 1 (one suggestion)", gained)
	}
}
