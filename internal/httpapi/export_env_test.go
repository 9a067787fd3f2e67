package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document/docx"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filebackend"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

// Test environment shared by the export and OpenAPI tests: the real local
// handler (public + staff on one mux) over a real SQLite store.

const (
	exportAdminToken = "test-admin-token-0123456789abcdef"
	exportUnitToken  = "test-unit-token-0123456789abcdef"
	exportUnitName   = "区市场监管局"
)

// exportClock is a settable clock.
type exportClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *exportClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *exportClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type exportEnv struct {
	backend filebackend.Backend
	store   filebackend.Store
	svc     *feedback.Service
	handler http.Handler
	clock   *exportClock
	admin   feedback.Identity
	storage feedback.FileStorage
	// files are the file use cases the handler has: on AWS the test plays
	// the check function with them (checkUpload).
	files *feedback.Files
}

func newExportEnv(tb testing.TB) *exportEnv {
	tb.Helper()
	return newExportEnvOn(tb, filebackend.Local, xlsx.Codec{})
}

// newExportEnvWith is newExportEnv with the given spreadsheet codec (nil:
// none, as in a binary that does not wire one).
func newExportEnvWith(tb testing.TB, sheets httpapi.Spreadsheets) *exportEnv {
	tb.Helper()
	return newExportEnvOn(tb, filebackend.Local, sheets)
}

// newExportEnvOn is newExportEnvWith on backend b. On AWS the handler is
// the staff function's: uploads go to the bucket, not to a route of its
// own.
func newExportEnvOn(tb testing.TB, b filebackend.Backend, sheets httpapi.Spreadsheets) *exportEnv {
	tb.Helper()
	ctx := context.Background()
	clock := &exportClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, feedback.Shanghai)}
	store := b.Open(tb, clock.Now)
	registerTestUnits(tb, store)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fileStore := b.Storage(tb, clock.Now, "http://jianyan.test"+httpapi.LocalUploadPath)
	files := feedback.NewFiles(feedback.FileConfig{Records: store, Storage: fileStore, Problems: store, Now: clock.Now, Logger: log})
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: "http://jianyan.test", Now: clock.Now, Logger: log, Files: files})
	err := store.CreateAccount(ctx, &feedback.Account{
		ID: feedback.NewID(clock.Now()), Name: "市场监管局联络员", Role: feedback.RoleUnit, Unit: exportUnitName,
		TokenHash: feedback.HashToken(exportUnitToken), CreatedAt: clock.Now(),
	})
	if err != nil {
		tb.Fatalf("create unit account: %v", err)
	}
	docs := feedback.NewDocuments(feedback.DocumentsConfig{Service: svc, Records: store.(feedback.DocumentRecords), Now: clock.Now, Logger: log,
		Office: func(context.Context) (feedback.DocumentOffice, error) {
			return feedback.DocumentOffice{Issuer: "蓬江区全面依法治区委员会办公室", Prefixes: map[feedback.DocumentKind]string{
				feedback.RectificationNotice: "区依法治办", feedback.FeedbackOpinion: "区依法治督",
				feedback.SupervisionBulletin: "区依法治通", feedback.ReplyLetter: "区依法治办函",
			}}, nil
		}})
	staff := httpapi.StaffConfig{Service: svc, Auth: &httpapi.TokenAuth{Store: store, AdminToken: exportAdminToken}, Logger: log, Spreadsheets: sheets,
		Files: files, Console: testConsole(), Documents: docs, DocumentWriter: docx.Writer{}}
	if b.ChecksOnPost {
		staff.Uploads = feedback.LocalUploads{Files: files, Receiver: fileStore.(feedback.UploadReceiver)}
	}
	h := httpapi.NewHandler(httpapi.PublicConfig{Service: svc, Logger: log}, staff)
	return &exportEnv{backend: b, store: store, svc: svc, handler: h, clock: clock, storage: fileStore, files: files,
		admin: feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}}
}

// do sends one request to the handler; token "" sends none.
func (e *exportEnv) do(tb testing.TB, method, target, token, ctype, body string) *http.Response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.RemoteAddr = "192.0.2.10:1234"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec.Result()
}

// symposium creates an open symposium.
func (e *exportEnv) symposium(tb testing.TB, title, campaign string) *feedback.Symposium {
	tb.Helper()
	s, err := e.svc.CreateSymposium(context.Background(), e.admin, feedback.SymposiumInput{
		Title: title, Campaign: campaign, HostUnit: "区司法局", Venue: "区行政中心3楼会议室",
		StartsAt: e.clock.Now(), EndsAt: e.clock.Now().Add(2 * time.Hour),
	})
	if err != nil {
		tb.Fatalf("create symposium: %v", err)
	}
	return s
}

// submit stores a submission at the given time.
func (e *exportEnv) submit(tb testing.TB, sym *feedback.Symposium, at time.Time, in feedback.SubmissionInput) *feedback.Suggestion {
	tb.Helper()
	e.clock.Set(at)
	sg, _, err := e.svc.Submit(context.Background(), sym.Code, in, feedback.ChannelQR)
	if err != nil {
		tb.Fatalf("submit %q: %v", in.Content, err)
	}
	return sg
}

// registerTestUnits registers the units the export tests assign problems
// to, as an office registers them first.
func registerTestUnits(tb testing.TB, store feedback.Store) {
	tb.Helper()
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, feedback.Shanghai)
	for _, name := range []string{"区司法局", "区市场监管局", "区市场监督管理局", "区城管执法局", "棠下镇", "区财政局", "区城市管理局"} {
		if err := store.CreateUnit(context.Background(), &feedback.Unit{Name: name, CreatedAt: at, UpdatedAt: at}); err != nil {
			tb.Fatalf("register unit %s: %v", name, err)
		}
	}
}
