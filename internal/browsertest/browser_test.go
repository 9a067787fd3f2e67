package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/document/docx"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
	"github.com/jianyan/jianyan/internal/sqlite"
	"github.com/jianyan/jianyan/internal/testenv"
	"github.com/jianyan/jianyan/ui"
)

const adminToken = "browser-test-admin-token-0123456789"

// env is the real local stack on a loopback test server.
type env struct {
	url   string
	store *sqlite.Store
	svc   *feedback.Service
	admin feedback.Identity
	files *feedback.Files
}

// newEnv starts the stack; options adjust the staff side's configuration
// (the console's sign-in, how staff authenticate).
func newEnv(t *testing.T, options ...func(*httpapi.StaffConfig)) *env {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	disk, err := diskfiles.New(filepath.Join(t.TempDir(), "jianyan-files"), diskfiles.Options{UploadURL: base + httpapi.LocalUploadPath})
	if err != nil {
		t.Fatalf("files folder: %v", err)
	}
	files := feedback.NewFiles(feedback.FileConfig{Records: store, Storage: disk, Problems: store, Logger: log})
	// Reply notices reach submitters in a deployment (SNS on AWS, the
	// webhook locally), so the form offers them; delivering them is
	// tested where it happens (infra/local, internal/notify).
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: base, Logger: log, Files: files, SubmitterNoticesElsewhere: true})
	sc := httpapi.StaffConfig{Service: svc, Auth: &httpapi.TokenAuth{Store: store, AdminToken: adminToken}, Logger: log, Spreadsheets: xlsx.Codec{},
		Console: httpapi.ConsoleConfig{Files: ui.Dist()}, Files: files, Uploads: feedback.LocalUploads{Files: files, Receiver: disk},
		Documents: feedback.NewDocuments(feedback.DocumentsConfig{Service: svc, Records: store, Logger: log}), DocumentWriter: docx.Writer{}}
	for _, o := range options {
		o(&sc)
	}
	h := httpapi.NewHandler(
		httpapi.PublicConfig{Service: svc, Logger: log, Photos: feedback.LocalPhotos{Service: svc, Files: files}},
		sc,
	)
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{url: base, store: store, svc: svc, admin: feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}, files: files}
	// The units the tests assign problems to are registered first, as an
	// office does.
	for _, name := range []string{"区司法局", "区城管执法局", "区市场监管局", "区财政局"} {
		if _, err := svc.CreateUnit(context.Background(), e.admin, feedback.UnitInput{Name: name}); err != nil {
			t.Fatalf("register unit %s: %v", name, err)
		}
	}
	return e
}

func (e *env) symposium(t *testing.T, title, campaign string) *feedback.Symposium {
	t.Helper()
	s, err := e.svc.CreateSymposium(context.Background(), e.admin, feedback.SymposiumInput{
		Title: title, Campaign: campaign, HostUnit: "区司法局", Venue: "区行政中心三楼会议室",
		StartsAt: time.Now().Add(-time.Hour), EndsAt: time.Now().Add(2 * time.Hour),
	})
	if err != nil {
		t.Fatalf("create symposium: %v", err)
	}
	return s
}

// requireChromium returns Chromium's path, or skips (locally) or fails (CI)
// without it.
func requireChromium(t *testing.T) string {
	t.Helper()
	return testenv.LookPath(t, "install Debian chromium and chromium-driver to run the browser tests", "chromium", "chromium-browser", "google-chrome")
}

// startBrowser starts a fresh headless Chromium and returns a tab context that
// ends after timeout.
func startBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := requireChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	// Start the browser without a timeout (a timeout on the first run
	// would stop the browser), then bound everything after it.
	if err := chromedp.Do(bctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(bctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// artifacts is where screenshots go: $JIANYAN_ARTIFACTS, else a temporary
// directory of the test.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("JIANYAN_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts dir: %v", err)
	}
	return dir
}

// screenshot saves a full-page PNG of the current page.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG; less is JPEG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
	t.Logf("screenshot: %s", p)
}

// waitFile waits for a finished download in dir with the given extension.
func waitFile(ctx context.Context, dir, ext string) (string, error) {
	for {
		matches, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		for _, m := range matches {
			if !strings.HasSuffix(m, ".crdownload") {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// allowDownloads lets the page save downloads, into a directory it returns.
func allowDownloads(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	})); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	return dir
}
