package browsertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filebackend"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/s3files/s3test"
	"github.com/jianyan/jianyan/ui"
)

func TestMain(m *testing.M) { filebackend.Main(m) }

// awsEnv is the staff function's handler as deployed: records in DynamoDB
// and files in an S3 bucket (both on moto_server), the console allowed to
// reach the bucket, and no upload route of its own: the browser posts
// evidence straight to the bucket. Nothing checks an upload until the
// test plays the check function (files.CheckUpload), as S3's event would
// make it.
type awsEnv struct {
	url   string
	store filebackend.Store
	svc   *feedback.Service
	files *feedback.Files
	admin feedback.Identity
}

func newAWSEnv(t *testing.T) *awsEnv {
	t.Helper()
	store := filebackend.AWS.Open(t, time.Now)
	bucket := filebackend.AWS.Storage(t, time.Now, "")
	s3, err := url.Parse(s3test.Endpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	files := feedback.NewFiles(feedback.FileConfig{Records: store, Storage: bucket, Problems: store, Logger: log})
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: base, Logger: log, Files: files})
	h := httpapi.NewHandler(httpapi.PublicConfig{Service: svc, Logger: log},
		httpapi.StaffConfig{Service: svc, Auth: &httpapi.TokenAuth{Store: store, AdminToken: adminToken}, Logger: log,
			Console: httpapi.ConsoleConfig{Files: ui.Dist(), FilesOrigin: s3.Scheme + "://" + s3.Host}, Files: files})
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e := &awsEnv{url: base, store: store, svc: svc, files: files, admin: feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}}
	if _, err := svc.CreateUnit(context.Background(), e.admin, feedback.UnitInput{Name: "区市场监管局"}); err != nil {
		t.Fatalf("register unit: %v", err)
	}
	return e
}

// pendingFile waits until the file named name is uploaded and waiting for
// its check, and returns it.
func (e *awsEnv) pendingFile(t *testing.T, ctx context.Context, name string) *feedback.File {
	t.Helper()
	for {
		page, err := e.store.ListUnattachedFiles(ctx, time.Now().Add(time.Hour), 100, "")
		if err != nil {
			t.Fatalf("list files: %v", err)
		}
		for _, f := range page.Items {
			if f.Name == name && f.Status == feedback.FilePending {
				return f
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no pending upload named %s", name)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestEvidenceCheckedOnAWS: on AWS a unit's evidence goes straight to S3
// and is checked a moment later. The console says 检查中… next to each
// file and keeps the progress report from being saved until the check has
// settled; a photo that passes then shows 已上传, and a web page renamed
// .pdf shows why it was refused, in place. The report then saves with the
// photo alone, and the photo shows as a thumbnail fetched from the bucket.
func TestEvidenceCheckedOnAWS(t *testing.T) {
	e := newAWSEnv(t)
	ctx := context.Background()
	p := evidenceProblem(t, e.store, e.svc, e.admin)
	dir := t.TempDir()
	photo := writePhoto(t, dir, "整改后现场.png")
	fake := filepath.Join(dir, "整改报告.pdf")
	if err := os.WriteFile(fake, []byte("<!DOCTYPE html><html><body><script>alert(1)</script>整改报告</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}

	browser := startBrowser(t, 120*time.Second)
	shots := artifacts(t)
	watchCSP(t, browser)
	do(t, browser, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, browser, e.url, evidenceUnitToken, "#workspace-figures")
	do(t, browser, "open the problem", chromedp.Navigate(e.url+"/console/problems/"+p.ID), chromedp.WaitVisible(chromedp.CSS("#progress")),
		chromedp.SendKeys(chromedp.CSS("#progress textarea[name=progress]"), "已建立首违不罚清单并公示"),
		chromedp.SetUploadFiles(chromedp.CSS("#progress-files"), []string{photo, fake}))

	// Both reach the bucket; nothing has checked them yet.
	good := e.pendingFile(t, browser, "整改后现场.png")
	bad := e.pendingFile(t, browser, "整改报告.pdf")
	item := func(name string) string {
		return `document.querySelector('#progress .upload-list li[data-upload="` + name + `"]')`
	}
	waitJS(t, browser, "检查中 next to both files, and saving held back with the reason",
		`["整改后现场.png", "整改报告.pdf"].every((n) => { const li = document.querySelector('#progress .upload-list li[data-upload="' + n + '"]'); return li && li.classList.contains("checking") && li.innerText.includes("检查中"); })
		&& document.querySelector("#progress-submit").disabled && document.querySelector("#progress .files-busy").innerText.includes("完成后才能保存")`)
	checkPage(t, browser, shots, "evidence-aws-checking")
	// The console keeps asking while the check is held back.
	time.Sleep(2 * time.Second)
	if ok, err := chromedp.Run(browser, chromedp.Evaluate[bool](item(`整改后现场.png`)+`.classList.contains("checking") && document.querySelector("#progress-submit").disabled`)); err != nil || !ok {
		t.Errorf("before its check the photo should still say 检查中 and saving wait: %v, %v", ok, err)
	}

	// The check function passes the photo: 已上传; the other still waits.
	if f, err := e.files.CheckUpload(ctx, good.ID, time.Now()); err != nil || f.Status != feedback.FileReady {
		t.Fatalf("check the photo: %+v, %v", f, err)
	}
	waitJS(t, browser, "已上传 for the photo", item(`整改后现场.png`)+`.classList.contains("done") && `+item(`整改后现场.png`)+`.innerText.includes("已上传")`)
	if ok, err := chromedp.Run(browser, chromedp.Evaluate[bool](item(`整改报告.pdf`)+`.classList.contains("checking") && document.querySelector("#progress-submit").disabled`)); err != nil || !ok {
		t.Errorf("the unchecked file should keep saving waiting: %v, %v", ok, err)
	}

	// It refuses the web page: the reason shows next to it.
	f, err := e.files.CheckUpload(ctx, bad.ID, time.Now())
	if err != nil || f.Status != feedback.FileRejected || f.RejectReason == "" {
		t.Fatalf("check the renamed page: %+v, %v", f, err)
	}
	// The reason as stored, less what the console leaves out of an API
	// message (a bracketed Latin aside such as (DOCX)): its start and end.
	r := []rune(f.RejectReason)
	head, tail := string(r[:min(6, len(r))]), string(r[max(0, len(r)-8):])
	waitJS(t, browser, "the refusal next to the file", item(`整改报告.pdf`)+`.classList.contains("failed") && ((m) => m.startsWith("文件未通过检查:"+`+jsString(head)+`) && m.endsWith(`+jsString(tail)+`))(`+item(`整改报告.pdf`)+`.querySelector("[role=alert]").innerText.trim())
		&& !document.querySelector("#progress-submit").disabled && !document.querySelector("#progress .files-busy")`)
	checkPage(t, browser, shots, "evidence-aws-checked")

	do(t, browser, "save the progress", chromedp.Click(chromedp.CSS("#progress-submit")))
	waitJS(t, browser, "the photo among the evidence, from the bucket", `(() => { const i = document.querySelector('#evidence .file-item[data-file="整改后现场.png"] img'); return !!i && i.src.startsWith("blob:") && i.naturalWidth === 120; })()`)
	got, err := e.store.GetProblem(ctx, p.ID)
	if err != nil || len(got.Evidence) != 1 || got.Evidence[0].FileID != good.ID || got.Progress != "已建立首违不罚清单并公示" {
		t.Fatalf("stored problem: evidence %+v progress %q, %v", got.Evidence, got.Progress, err)
	}
}
