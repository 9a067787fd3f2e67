package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/s3files"
	"github.com/jianyan/jianyan/internal/s3files/s3test"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// Exports of any size: the rows stream into a scratch file page by page,
// the file streams out locally, and on AWS a file over what a Lambda
// response carries goes through the bucket as a short-lived link.

// largeEnv is the staff handler over a store holding many suggestions.
type largeEnv struct {
	store   feedback.Store
	svc     *feedback.Service
	handler http.Handler
	admin   feedback.Identity
	sym     *feedback.Symposium
}

const largeToken = "test-admin-token-large-0123456789"

func newLargeEnv(tb testing.TB, store feedback.Store, files *feedback.Files, now func() time.Time) *largeEnv {
	tb.Helper()
	log := slog.New(slog.DiscardHandler)
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: "http://jianyan.test", Now: now, Logger: log})
	e := &largeEnv{store: store, svc: svc, admin: feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}}
	e.handler = httpapi.NewStaffHandler(httpapi.StaffConfig{Service: svc, Auth: &httpapi.TokenAuth{Store: store, AdminToken: largeToken}, Logger: log,
		Spreadsheets: xlsx.Codec{}, Files: files})
	var err error
	e.sym, err = svc.CreateSymposium(context.Background(), e.admin, feedback.SymposiumInput{
		Title: "涉企乱罚款专项治理座谈会", Campaign: "涉企乱罚款", HostUnit: "区司法局", Status: feedback.SymposiumOpen,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// seed stores n suggestions, one a minute back from 2025-06-30, with
// content of about contentRunes characters.
func (e *largeEnv) seed(tb testing.TB, n, contentRunes int) {
	tb.Helper()
	filler := strings.Repeat("建议规范行政处罚自由裁量基准,公开罚没收入使用情况。", contentRunes/26+1)
	filler = string([]rune(filler)[:contentRunes])
	last := time.Date(2025, 6, 30, 18, 0, 0, 0, feedback.Shanghai)
	for i := range n {
		at := last.Add(-time.Duration(i) * time.Minute)
		sg := &feedback.Suggestion{
			ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: e.sym.ID, Campaign: e.sym.Campaign,
			Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Name: "张三", Contact: "13812345678",
			Topic: fmt.Sprintf("第%d条", i+1), Content: filler, Channel: feedback.ChannelQR,
			Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at,
		}
		if _, _, err := e.store.CreateSuggestion(context.Background(), sg); err != nil {
			tb.Fatalf("seed suggestion %d: %v", i, err)
		}
	}
}

// get sends GET target as the admin.
func (e *largeEnv) get(tb testing.TB, target, accept string) *http.Response {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+largeToken)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// countCSV checks a CSV export of n rows: the header, then n rows newest
// first, and returns the number of data rows.
func countCSV(tb testing.TB, body io.Reader) (rows int, first string) {
	tb.Helper()
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rows == 0 && !strings.HasPrefix(line, "\ufeff提交时间,回执号") {
			tb.Fatalf("header = %q", line)
		}
		if rows == 1 {
			first = line
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows - 1, first
}

// TestExportFiftyThousandRowsLocally: 50,000 suggestions export as CSV and
// as XLSX through the local stack, which streams them (no row cap, no
// size cap); an unmasked export is on the record with its count.
func TestExportFiftyThousandRowsLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 rows")
	}
	const n = 50_000
	e := newSQLiteLargeEnv(t)
	e.seed(t, n, 60)

	resp := e.get(t, "/api/v1/suggestions.csv", "application/json")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV export = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.ContentLength <= 4<<20 {
		t.Errorf("Content-Length = %d, want the whole file (over 4 MB) streamed", resp.ContentLength)
	}
	rows, first := countCSV(t, resp.Body)
	if rows != n || !strings.Contains(first, ",第1条,") {
		t.Errorf("CSV has %d rows (first %q), want %d, newest first", rows, first, n)
	}

	resp = e.get(t, "/api/v1/suggestions.xlsx", "")
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || int64(len(data)) != resp.ContentLength {
		t.Fatalf("XLSX export = %d, %d bytes of %d", resp.StatusCode, len(data), resp.ContentLength)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows("意见建议")
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for it.Next() {
		got++
	}
	if got != n+1 {
		t.Errorf("XLSX has %d rows, want the header and %d", got, n)
	}

	page, err := e.store.ListAuditEvents(context.Background(), "", 10, "")
	if err != nil || len(page.Items) != 2 || !strings.Contains(page.Items[0].Note, fmt.Sprintf("共 %d 条", n)) {
		t.Errorf("audit events = %v, %v; want two exports of %d rows", page.Items, err, n)
	}
}

func newSQLiteLargeEnv(tb testing.TB) *largeEnv {
	tb.Helper()
	now := func() time.Time { return time.Date(2025, 7, 1, 9, 0, 0, 0, feedback.Shanghai) }
	// NORMAL: no flush per commit; this seeds rows, it does not test
	// durability.
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(now), sqlite.WithSynchronous(sqlite.SyncNormal))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	disk, err := diskfiles.New(filepath.Join(tb.TempDir(), "jianyan-files"), diskfiles.Options{UploadURL: "http://jianyan.test" + httpapi.LocalUploadPath, Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	files := feedback.NewFiles(feedback.FileConfig{Records: st, Storage: disk, Problems: st, Now: now, Logger: slog.New(slog.DiscardHandler)})
	return newLargeEnv(tb, st, files, now)
}

// queryCounter counts the Query calls that reach DynamoDB.
type queryCounter struct {
	dynamo.API
	mu sync.Mutex
	n  int
}

func (q *queryCounter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	q.mu.Lock()
	q.n++
	q.mu.Unlock()
	return q.API.Query(ctx, in, o...)
}

func (q *queryCounter) take() int { q.mu.Lock(); defer q.mu.Unlock(); n := q.n; q.n = 0; return n }

// TestExportThroughBucket is what the 50,000-row export does on DynamoDB,
// with fewer rows (moto's index queries read the whole table each time,
// so 50,000 rows take hours there; the count is shown on SQLite,
// TestExportFiftyThousandRowsLocally): the export pages through the
// table, a page of feedback.MaxListLimit at a time with the cursor
// DynamoDB hands back, every row once and newest first, with nothing
// that counts rows; and a file over 4 MB (what a Lambda answer may carry,
// with room to spare) is stored under exports/ in the bucket (moto) and
// answered 303 to a presigned link that serves it as an attachment — or,
// asked for JSON (the console), with the link in the body. One under 4 MB
// is the response itself.
func TestExportThroughBucket(t *testing.T) {
	now := func() time.Time { return time.Now() }
	queries := &queryCounter{API: dynamotest.NewClient(t, dynamotest.Endpoint(t))}
	st := dynamo.New(queries, dynamotest.CreateTable(t, queries.API.(*dynamodb.Client)))
	endpoint := s3test.Endpoint(t)
	bucket := s3test.CreateBucket(t, endpoint)
	storage, err := s3files.New(s3files.Config{Bucket: bucket, Region: s3test.Region, Endpoint: endpoint, Credentials: s3test.Credentials})
	if err != nil {
		t.Fatal(err)
	}
	files := feedback.NewFiles(feedback.FileConfig{Records: st, Storage: storage, Problems: st, Now: now, Logger: slog.New(slog.DiscardHandler)})
	e := newLargeEnv(t, st, files, now)
	// Few rows (moto's index queries read the whole table each time), but
	// long ones: about 6 MB of CSV.
	const n = 900
	e.seed(t, n, 2000)

	queries.take()
	resp := e.get(t, "/api/v1/suggestions.csv", "")
	if pages := (n + feedback.MaxListLimit - 1) / feedback.MaxListLimit; queries.take() < pages {
		t.Errorf("the export made fewer Query calls than its %d pages", pages)
	}
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("large CSV export = %d, want 303", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, endpoint+"/"+bucket+"/exports/") || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("Location = %q (Cache-Control %q), want a link into the bucket's exports/", loc, resp.Header.Get("Cache-Control"))
	}
	dl, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Body.Close()
	// S3 answers with the disposition the link asks for (moto ignores it).
	if u, err := url.Parse(loc); err != nil || !strings.HasPrefix(u.Query().Get("response-content-disposition"), "attachment;") {
		t.Errorf("the link asks for %q, want an attachment", u.Query().Get("response-content-disposition"))
	}
	if dl.StatusCode != http.StatusOK {
		t.Fatalf("GET the link = %d", dl.StatusCode)
	}
	if dl.ContentLength <= 4<<20 {
		t.Errorf("the stored file is %d bytes, want over 4 MB", dl.ContentLength)
	}
	// Every row once, newest first (第1条 is the newest), across the pages.
	sc := bufio.NewScanner(dl.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	rows := -1 // the header
	for sc.Scan() {
		if rows >= 0 && !strings.Contains(sc.Text(), fmt.Sprintf(",第%d条,", rows+1)) {
			t.Fatalf("row %d is not 第%d条: %.80q", rows+1, rows+1, sc.Text())
		}
		rows++
	}
	if rows != n || sc.Err() != nil {
		t.Errorf("the stored CSV has %d rows (%v), want %d", rows, sc.Err(), n)
	}
	// On the record with its count, before the link was handed out.
	page, err := e.store.ListAuditEvents(context.Background(), "", 10, "")
	if err != nil || len(page.Items) != 1 || !strings.Contains(page.Items[0].Note, fmt.Sprintf("共 %d 条", n)) {
		t.Errorf("audit events = %v, %v; want one export of %d rows", page.Items, err, n)
	}

	// The console asks for JSON: the link in the body, not a redirect.
	resp = e.get(t, "/api/v1/suggestions.csv", "application/json, */*")
	var link struct {
		URL       string `json:"url"`
		Name      string `json:"name"`
		ExpiresAt string `json:"expires_at"`
		Size      int64  `json:"size"`
	}
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &link); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("XLSX export asking for JSON = %d %s", resp.StatusCode, body)
	}
	if !strings.HasPrefix(link.URL, endpoint+"/"+bucket+"/exports/") || link.URL == loc || !strings.HasSuffix(link.Name, ".csv") ||
		link.ExpiresAt == "" || link.Size != dl.ContentLength {
		t.Fatalf("link = %+v", link)
	}

	// A narrow export is the response itself.
	resp = e.get(t, "/api/v1/suggestions.csv?q=第1条", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" {
		t.Errorf("small CSV export = %d, want 200 with the file", resp.StatusCode)
	}
}

// BenchmarkExportPeakMemory reports the peak heap an export of 50,000
// suggestions takes (peak-heap-MB, above the heap before it) and the file's
// size: memory follows a page of suggestions, not the export.
func BenchmarkExportPeakMemory(b *testing.B) {
	const n = 50_000
	e := newSQLiteLargeEnv(b)
	e.seed(b, n, 120)
	// A real server, so the response streams to the client (a recorder
	// would hold the whole file in memory).
	srv := httptest.NewServer(e.handler)
	defer srv.Close()
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			var peak, size uint64
			for b.Loop() {
				runtime.GC()
				stop := samplePeakHeap()
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/suggestions."+format, nil)
				req.Header.Set("Authorization", "Bearer "+largeToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				p := stop()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("export = %d", resp.StatusCode)
				}
				peak, size = max(peak, p), uint64(n)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}

// samplePeakHeap samples the heap's object bytes every millisecond until
// the returned function is called, which returns the peak above the
// level at the start.
func samplePeakHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		quit = make(chan struct{})
	)
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(quit)
		<-done
		mu.Lock()
		defer mu.Unlock()
		if peak < base {
			return 0
		}
		return peak - base
	}
}
