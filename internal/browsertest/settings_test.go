package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestConsoleSettings: the administrator names the office, sets the
// number prefixes and uploads an emblem in 系统设置; the public form then
// carries the name and the emblem.
func TestConsoleSettings(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")

	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.Set(x, y, color.NRGBA{R: 0xb3, G: byte(x * 3), B: 0x1e, A: 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	emblem := filepath.Join(t.TempDir(), "徽标.png")
	if err := os.WriteFile(emblem, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 90*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open settings", chromedp.Click(chromedp.CSS(`[data-nav="settings"]`)), chromedp.WaitVisible(chromedp.CSS("#settings-form")))
	do(t, ctx, "fill the settings",
		chromedp.SendKeys(chromedp.CSS("input[name=office_name]"), "某某区委全面依法治区委员会办公室"),
		chromedp.SendKeys(chromedp.CSS("input[name=issuer]"), "中共某某区委全面依法治区委员会办公室"),
		chromedp.SendKeys(chromedp.CSS("input[name=prefix-rectification_notice]"), "区依法治办"),
		chromedp.SetUploadFiles(chromedp.CSS("#emblem-input"), []string{emblem}),
	)
	waitJS(t, ctx, "the chosen emblem's preview", `(document.querySelector("#emblem-preview")?.src || "").startsWith("blob:")`)
	do(t, ctx, "save", chromedp.Click(chromedp.CSS("#settings-save")))
	waitJS(t, ctx, "the saved emblem", `(document.querySelector("#emblem-preview")?.getAttribute("src") || "").startsWith("/emblem/") && document.querySelector("#emblem-preview").naturalWidth === 64`)
	// Who saved them is named in Chinese, as everywhere else.
	waitJS(t, ctx, "who saved", `document.querySelector("#settings-saved-by").innerText.startsWith("上次由 管理员 于 ")`)
	checkPage(t, ctx, dir, "console-settings")

	// Two kinds with one prefix would both issue 区依法治办〔…〕1号: the
	// save is refused with the reason under the prefixes, and nothing
	// changes until each kind has its own.
	do(t, ctx, "give 反馈意见书 the same prefix",
		chromedp.SendKeys(chromedp.CSS("input[name=prefix-feedback_opinion]"), "区依法治办"),
		chromedp.Click(chromedp.CSS("#settings-save")))
	waitJS(t, ctx, "the shared prefix refused", `(document.querySelector("#prefix-error")?.innerText || "").includes("相同的文号")`)
	if st, err := e.svc.OfficeSettings(t.Context()); err != nil || st.NumberPrefix("feedback_opinion") != "" {
		t.Fatalf("a shared prefix was stored: %+v, %v", st, err)
	}
	do(t, ctx, "give 反馈意见书 its own prefix",
		chromedp.SendKeys(chromedp.CSS("input[name=prefix-feedback_opinion]"), kb.Backspace+"督"), // 区依法治办 → 区依法治督
		chromedp.Click(chromedp.CSS("#settings-save")))
	waitJS(t, ctx, "the prefixes saved", `!document.querySelector("#prefix-error")`)
	// The error goes as the save starts, before the answer: wait for the
	// save itself.
	for {
		if st, err := e.svc.OfficeSettings(t.Context()); err != nil || st.NumberPrefix("feedback_opinion") != "" {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the second prefix was never saved")
		case <-time.After(50 * time.Millisecond):
		}
	}

	st, err := e.svc.OfficeSettings(t.Context())
	if err != nil || st.OfficeName != "某某区委全面依法治区委员会办公室" || st.NumberPrefix("rectification_notice") != "区依法治办" ||
		st.NumberPrefix("feedback_opinion") != "区依法治督" || st.Emblem == nil {
		t.Fatalf("stored settings = %+v, %v", st, err)
	}

	do(t, ctx, "open the form", chromedp.Navigate(e.url+"/s/"+sym.Code), chromedp.WaitVisible(chromedp.CSS("header.office")))
	waitJS(t, ctx, "the office's name and emblem on the form", `document.querySelector("header.office").innerText.includes("某某区委全面依法治区委员会办公室") && document.querySelector("header.office img").naturalWidth === 64`)
	checkPage(t, ctx, dir, "form-office")

	// The console's poster (「打开海报(A4 打印)」) carries the office's
	// name and emblem and says word for word what the API's poster says.
	const posterText = `[...document.querySelectorAll(".poster > :not(.noprint):not(.screen)")].map((e) => e.innerText.trim()).filter(Boolean).join("|")`
	do(t, ctx, "the console's poster", chromedp.Navigate(e.url+"/console/print/symposia/"+sym.ID+"/poster"), chromedp.WaitVisible(chromedp.CSS("#poster img.poster-qr")))
	waitJS(t, ctx, "the office's name and emblem on the console's poster", `document.querySelector("#poster .office").innerText.includes("某某区委全面依法治区委员会办公室") && document.querySelector("#poster .office img").naturalWidth === 64`)
	inConsole, err := chromedp.Run(ctx, chromedp.Evaluate[string](posterText))
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, dir, "console-poster-office")
	do(t, ctx, "the API's poster", bearer(adminToken), chromedp.Navigate(e.url+"/api/v1/symposia/"+sym.ID+"/poster"), chromedp.WaitReady(chromedp.CSS(".poster .office img")))
	waitJS(t, ctx, "the emblem on the API's poster", `document.querySelector(".poster .office img").naturalWidth === 64`)
	inAPI, err := chromedp.Run(ctx, chromedp.Evaluate[string](posterText))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(inConsole, "某某区委全面依法治区委员会办公室|涉企乱罚款专项治理座谈会|") || inConsole != inAPI {
		t.Errorf("the console's poster says\n%s\nthe API's\n%s", inConsole, inAPI)
	}
}

// TestConsoleRetention: the administrator removes the personal data of
// suggestions past the retention period from 系统设置, after confirming;
// a newer suggestion keeps its contact, every suggestion its content.
func TestConsoleRetention(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := t.Context()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	submit := func(content string, age time.Duration) *feedback.Suggestion {
		sg, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Name: "张三丰",
			Contact: "13812345678", Content: content}, feedback.ChannelQR)
		if err != nil {
			t.Fatal(err)
		}
		sg.SubmittedAt = sg.SubmittedAt.Add(-age)
		if err := e.store.UpdateSuggestion(bg, sg); err != nil {
			t.Fatal(err)
		}
		return sg
	}
	old := submit("三天前提交的意见:执法检查过多。", 72*time.Hour)
	fresh := submit("今天提交的意见:罚款过重。", 0)

	ctx := startBrowser(t, 90*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open settings", chromedp.Click(chromedp.CSS(`[data-nav="settings"]`)), chromedp.WaitVisible(chromedp.CSS("#anonymize-form")))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector("#anonymize-form input[name=older_than_days]"); i.focus(); i.select(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "two days", chromedp.SendKeys(chromedp.CSS("#anonymize-form input[name=older_than_days]"), "2\t"),
		chromedp.Click(chromedp.CSS("#anonymize-submit")), chromedp.WaitVisible(chromedp.CSS(".el-message-box")))
	checkPage(t, ctx, dir, "console-retention-confirm")
	do(t, ctx, "confirm", still(".el-message-box__btns .el-button--primary"), chromedp.Click(chromedp.CSS(".el-message-box__btns .el-button--primary")),
		chromedp.WaitVisible(chromedp.CSS("#anonymize-result")))
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#anonymize-result").innerText`)); !strings.Contains(got, "删除了其中 1 条的个人信息") {
		t.Errorf("result = %q, want one suggestion's personal data removed", got)
	}
	checkPage(t, ctx, dir, "console-retention-done")
	if sg, err := e.store.GetSuggestion(bg, old.ID); err != nil || sg.HasPersonalData() || sg.Content != old.Content {
		t.Errorf("old suggestion = %+v, %v; want its content without personal data", sg, err)
	}
	if sg, err := e.store.GetSuggestion(bg, fresh.ID); err != nil || sg.Contact != "13812345678" {
		t.Errorf("fresh suggestion = %+v, %v; want its contact kept", sg, err)
	}
}
