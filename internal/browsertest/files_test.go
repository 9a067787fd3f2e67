package browsertest

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
)

const evidenceUnitToken = "browser-test-unit-token-0123456789ab"

// evidenceProblem gives the evidence tests' unit (区市场监管局) an account
// signing in with evidenceUnitToken and a problem to rectify, on either
// store.
func evidenceProblem(t *testing.T, accounts interface {
	CreateAccount(context.Context, *feedback.Account) error
}, svc *feedback.Service, admin feedback.Identity) *feedback.Problem {
	t.Helper()
	ctx := context.Background()
	if err := accounts.CreateAccount(ctx, &feedback.Account{ID: feedback.NewID(time.Now()), Name: "市场监管局联络员", Role: feedback.RoleUnit, Unit: "区市场监管局",
		TokenHash: feedback.HashToken(evidenceUnitToken), CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	list, err := svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateProblem(ctx, admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "对首次轻微违法企业罚款",
		ResponsibleUnit: "区市场监管局", Requirement: "落实首违不罚清单", Deadline: feedback.DateOf(time.Now()).AddDays(30)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writePhoto writes a small PNG photo named name into dir.
func writePhoto(t *testing.T, dir, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 90))
	for y := range 90 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 2), 160, 255})
		}
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEvidenceUnitToOffice: a unit signs in, attaches a photo to its
// problem with a progress report (uploaded as it is chosen, with its
// progress), and sees it among the problem's evidence; the office then
// opens the problem and sees the photo as a thumbnail, fetched with the
// token, and in the problem's history.
func TestEvidenceUnitToOffice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := evidenceProblem(t, e.store, e.svc, e.admin)
	photo := writePhoto(t, t.TempDir(), "整改后现场.png")

	browser := startBrowser(t, 90*time.Second)
	dir := artifacts(t)
	watchCSP(t, browser)
	do(t, browser, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, browser, e.url, evidenceUnitToken, "#workspace-figures")
	do(t, browser, "open the problem", chromedp.Navigate(e.url+"/console/problems/"+p.ID), chromedp.WaitVisible(chromedp.CSS("#progress")))
	// The console's file button is its own Chinese one (the browser's
	// would speak the browser's language); it opens the file chooser.
	choose := "#progress .file-picker-choose"
	if ok, err := chromedp.Run(browser, chromedp.Evaluate[bool](`document.querySelector("`+choose+`").scrollIntoView({block: "center"}), `+onScreen(choose)+` && document.querySelector("`+choose+`").innerText.trim() === "选择文件" && document.querySelector("#progress-files").getBoundingClientRect().width <= 1`)); err != nil || !ok {
		t.Errorf("the console's file button: on screen and Chinese, the browser's own hidden = %v, %v", ok, err)
	}
	do(t, browser, "catch the file chooser", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.SetInterceptFileChooserDialog, page.SetInterceptFileChooserDialogParams{Enabled: true})
		return err
	}))
	if _, err := chromedp.Run(browser, chromedp.WaitEvent(page.FileChooserOpened, nil, chromedp.Click(chromedp.CSS(choose)))); err != nil {
		t.Fatalf("选择文件 does not open the file chooser: %v", err)
	}
	do(t, browser, "choose the photo",
		chromedp.SendKeys(chromedp.CSS("#progress textarea[name=progress]"), "已建立首违不罚清单并公示"),
		chromedp.SetUploadFiles(chromedp.CSS("#progress-files"), []string{photo}),
	)
	waitJS(t, browser, "the photo uploaded", `[...document.querySelectorAll('#progress .upload-list li.done')].some((li) => li.dataset.upload === "整改后现场.png")`)
	do(t, browser, "save the progress", chromedp.Click(chromedp.CSS("#progress-submit")))
	waitJS(t, browser, "the photo among the evidence", `!!document.querySelector('#evidence .file-item[data-file="整改后现场.png"] img')`)
	checkPage(t, browser, dir, "evidence-unit")

	got, err := e.store.GetProblem(ctx, p.ID)
	if err != nil || len(got.Evidence) != 1 || got.Evidence[0].Name != "整改后现场.png" || got.Evidence[0].ContentType != "image/png" {
		t.Fatalf("stored evidence = %+v, %v", got.Evidence, err)
	}

	// The office sees it: a thumbnail from a blob URL, and in the history.
	if _, err := chromedp.Run(browser, chromedp.Evaluate[bool](`(sessionStorage.clear(), true)`)); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	signIn(t, browser, e.url, adminToken, "#suggestions")
	do(t, browser, "open the problem as the office", chromedp.Navigate(e.url+"/console/problems/"+p.ID), chromedp.WaitVisible(chromedp.CSS("#evidence")))
	waitJS(t, browser, "the office's thumbnail", `(() => { const i = document.querySelector('#evidence .file-item[data-file="整改后现场.png"] img'); return !!i && i.src.startsWith("blob:") && i.naturalWidth === 120; })()`)
	waitJS(t, browser, "the photo in the history", `[...document.querySelectorAll('#timeline .event-files .file-item')].some((f) => f.dataset.file === "整改后现场.png")`)
	checkPage(t, browser, dir, "evidence-office")
}

// TestFormPhotoOnPhone: a problem lead with a photo from the phone form,
// with JavaScript (the photo uploaded first, then named) and without (the
// photo inside the form post); either way the lead carries the photo,
// checked and stored without metadata.
func TestFormPhotoOnPhone(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "javascript", false: "no-javascript"}[js]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			sym := e.symposium(t, "综合行政执法进驻式监督座谈会", "综合行政执法")
			ctx := startBrowser(t, 60*time.Second)
			dir := artifacts(t)
			photo := writePhoto(t, t.TempDir(), "现场照片.png")
			content := "执法人员检查时未出示执法证件,现场照片见附件(" + map[bool]string{true: "开启脚本", false: "未开启脚本"}[js] + ")。"
			steps := []chromedp.Action[chromedp.Void]{phone()}
			if !js {
				steps = append(steps, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
					_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
					return err
				}))
			}
			steps = append(steps,
				chromedp.Navigate(e.url+"/s/"+sym.Code),
				chromedp.WaitReady(chromedp.CSS("#suggestion-form")),
				chromedp.Click(chromedp.CSS("#pk-enterprise"), chromedp.NodeReady),
				chromedp.Click(chromedp.CSS("#kind-problem_lead"), chromedp.NodeReady),
				chromedp.SendKeys(chromedp.CSS("#f-content"), content, chromedp.NodeReady),
			)
			do(t, ctx, "fill the form", steps...)
			// The photo button is the page's own Chinese label (the browser's
			// file button, hidden, would speak the browser's language), and
			// it opens the file chooser with and without script.
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#photo-pick").scrollIntoView({block: "center"}), `+onScreen("#photo-pick")+` && document.querySelector("#photo-pick").innerText.trim() === "选择照片" && document.querySelector("#photo-pick").htmlFor === "f-photo_file_ids" && document.querySelector("#f-photo_file_ids").getBoundingClientRect().width <= 1`)); err != nil || !ok {
				t.Errorf("the photo button: on screen and Chinese, the browser's own hidden = %v, %v", ok, err)
			}
			do(t, ctx, "catch the file chooser", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, page.SetInterceptFileChooserDialog, page.SetInterceptFileChooserDialogParams{Enabled: true})
				return err
			}))
			if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.FileChooserOpened, nil, chromedp.Click(chromedp.CSS("#photo-pick"), chromedp.NodeReady))); err != nil {
				t.Fatalf("the photo button does not open the file chooser: %v", err)
			}
			do(t, ctx, "choose the photo", chromedp.SetUploadFiles(chromedp.CSS("#f-photo_file_ids"), []string{photo}, chromedp.NodeReady))
			if js {
				waitJS(t, ctx, "the chosen photo named", `document.querySelector("#photo-status").innerText === "已选择 1 张照片:现场照片.png"`)
			}
			screenshot(t, ctx, dir, "form-photo-"+name+"-filled")
			do(t, ctx, "send", chromedp.Click(chromedp.CSS("#send"), chromedp.NodeReady), chromedp.WaitReady(chromedp.CSS(".receipt")))
			receipt := checkReceipt(t, ctx, e, content, feedback.ChannelQR)
			screenshot(t, ctx, dir, "form-photo-"+name+"-receipt")
			sg, err := e.store.GetSuggestionByReceipt(t.Context(), receipt)
			if err != nil || sg.Kind != feedback.KindProblemLead || len(sg.PhotoFileIDs) != 1 {
				t.Fatalf("stored lead = %+v, %v; want one photo", sg, err)
			}
			f, err := e.files.GetFile(t.Context(), e.admin, sg.PhotoFileIDs[0])
			if err != nil || f.Status != feedback.FileReady || f.Name != "现场照片.png" || f.SuggestionID != sg.ID {
				t.Errorf("the photo = %+v, %v", f, err)
			}
			// The office sees it on the lead, as a thumbnail fetched with
			// the token; the receipt never shows it.
			if shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.images].some((i) => !i.closest(".office")) || document.body.innerText.includes("现场照片.png")`)); err != nil || shown {
				t.Errorf("the receipt page shows the photo: %v, %v", shown, err)
			}
			if !js {
				do(t, ctx, "scripts on again for the console", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
					_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
					return err
				}))
			}
			do(t, ctx, "desktop", chromedp.EmulateViewport(1280, 900))
			signIn(t, ctx, e.url, adminToken, "#suggestions")
			do(t, ctx, "open the lead", chromedp.Navigate(e.url+"/console/suggestions/"+sg.ID), chromedp.WaitVisible(chromedp.CSS("#photos")))
			waitJS(t, ctx, "the lead's photo as a thumbnail", `(() => { const i = document.querySelector('#photos .file-item[data-file="现场照片.png"] img'); return !!i && i.src.startsWith("blob:") && i.naturalWidth === 120; })()`)
			checkPage(t, ctx, dir, "form-photo-"+name+"-office")
		})
	}
}

// TestFormPhotoNetworkDrop: the venue's Wi-Fi drops while a photo uploads.
// The phone says, in Chinese, that the draft is kept and it will try again
// (never the browser's own "Failed to fetch"), and once the network is back
// the lead goes in with its photo and the receipt opens.
func TestFormPhotoNetworkDrop(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(t, "综合行政执法进驻式监督座谈会", "综合行政执法")
	ctx := startBrowser(t, 60*time.Second)
	dir := artifacts(t)
	photo := writePhoto(t, t.TempDir(), "现场照片.png")
	content := "执法人员检查时未出示执法证件,现场照片见附件(网络中断后重试)。"
	block := func(on bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			var patterns []*network.BlockPattern
			if on {
				patterns = []*network.BlockPattern{{URLPattern: e.url + httpapi.LocalUploadPath, Block: true}}
			}
			_, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns})
			return err
		})
	}
	do(t, ctx, "fill the form", phone(),
		chromedp.Navigate(e.url+"/s/"+sym.Code),
		chromedp.WaitReady(chromedp.CSS("#suggestion-form")),
		chromedp.Click(chromedp.CSS("#pk-enterprise"), chromedp.NodeReady),
		chromedp.Click(chromedp.CSS("#kind-problem_lead"), chromedp.NodeReady),
		chromedp.SendKeys(chromedp.CSS("#f-content"), content, chromedp.NodeReady),
		chromedp.SetUploadFiles(chromedp.CSS("#f-photo_file_ids"), []string{photo}, chromedp.NodeReady),
		block(true),
		chromedp.Click(chromedp.CSS("#send"), chromedp.NodeReady))
	waitJS(t, ctx, "the retry note", `document.querySelector("#send-status").innerText.includes("网络不稳定")`)
	if txt, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#form-error").innerText + document.querySelector("#send-status").innerText + document.querySelector("#photo-status").innerText`)); err != nil || strings.Contains(txt, "fetch") || strings.Contains(txt, "Failed") {
		t.Errorf("the form while the network is down says %q (%v); want only Chinese", txt, err)
	}
	screenshot(t, ctx, dir, "form-photo-network-drop")
	do(t, ctx, "the network back", block(false))
	waitJS(t, ctx, "the receipt after the retry", `!!document.querySelector(".receipt")`)
	receipt := checkReceipt(t, ctx, e, content, feedback.ChannelQR)
	sg, err := e.store.GetSuggestionByReceipt(t.Context(), receipt)
	if err != nil || len(sg.PhotoFileIDs) != 1 {
		t.Fatalf("stored lead = %+v, %v; want one photo", sg, err)
	}
}
