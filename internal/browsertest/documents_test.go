package browsertest

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestConsoleDocuments: a clerk issues a rectification notice from a
// problem list and a bulletin from a summary, downloads the Word file, and
// finds both in 文书 by their numbers; then issues a notice from 单位管理,
// where 文书 opens with the unit and the one list it leads problems on
// chosen, and for a unit that leads none says so.
func TestConsoleDocuments(t *testing.T) {
	e := newEnv(t)
	bg := context.Background()
	if _, err := e.svc.PutSettings(bg, e.admin, feedback.SettingsInput{OfficeName: "区委依法治区办", Issuer: "中共某某区委全面依法治区委员会办公室",
		NumberPrefixes: map[feedback.DocumentKind]string{feedback.RectificationNotice: "区依法治办", feedback.SupervisionBulletin: "区依法治办通报"}}); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ unit, title string }{
		{"区市场监管局", "罚款收缴未严格执行罚缴分离制度"}, {"区市场监管局", "行政处罚决定书未载明履行方式和期限"}, {"区财政局", "罚没收入公开不及时"},
	} {
		if _, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: p.title, ResponsibleUnit: p.unit,
			ResponsiblePerson: "王局长", Requirement: "逐项整改到位", Deadline: feedback.DateOf(time.Now().AddDate(0, 1, 0))}); err != nil {
			t.Fatal(err)
		}
	}
	// 区财政局 only co-handles this list's problem: a notice to it is not
	// issued from this list.
	other, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "窗口服务问题清单", Campaign: "窗口服务"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: other.ID, Title: "收费窗口未公示收费依据", ResponsibleUnit: "区市场监管局",
		CoUnits: []string{"区财政局"}, ResponsiblePerson: "李科长", Requirement: "公示到位", Deadline: feedback.DateOf(time.Now().AddDate(0, 1, 0))}); err != nil {
		t.Fatal(err)
	}
	sm, err := e.svc.GenerateSummary(bg, e.admin, feedback.Monthly, feedback.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	year := time.Now().In(feedback.Shanghai).Year()
	notice, bulletin := fmt.Sprintf("区依法治办〔%d〕1号", year), fmt.Sprintf("区依法治办通报〔%d〕1号", year)
	notice2 := fmt.Sprintf("区依法治办〔%d〕2号", year)

	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	downloads := allowDownloads(t, ctx)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")

	// From the problem list: a notice to one of its units.
	do(t, ctx, "open the list", chromedp.Navigate(e.url+"/console/problem-lists/"+list.ID), chromedp.WaitVisible(chromedp.CSS("#issue-notice")))
	do(t, ctx, "open the dialog", chromedp.Click(chromedp.CSS("#issue-notice")), chromedp.WaitVisible(chromedp.CSS("#issue-document-form")))
	pick(t, ctx, "#issue-document-form", "区市场监管局")
	checkPage(t, ctx, dir, "console-issue-notice")
	do(t, ctx, "issue", still("#issue-document-submit"), chromedp.Click(chromedp.CSS("#issue-document-submit")), chromedp.WaitVisible(chromedp.CSS("#issued-number")))
	waitJS(t, ctx, "the notice's number", `document.querySelector("#issued-number").innerText === `+quote(notice))
	checkPage(t, ctx, dir, "console-issued-notice")

	do(t, ctx, "download the Word file", chromedp.Click(chromedp.CSS("#download-issued")))
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	file, err := waitFile(dctx, downloads, ".docx")
	cancel()
	if err != nil {
		t.Fatalf("no DOCX download: %v", err)
	}
	text := docxText(t, file)
	for _, want := range []string{notice, "区市场监管局：", "罚款收缴未严格执行罚缴分离制度", "行政处罚决定书未载明履行方式和期限"} {
		if !strings.Contains(text, want) {
			t.Errorf("the downloaded notice does not say %q", want)
		}
	}
	if strings.Contains(text, "罚没收入公开不及时") {
		t.Error("the notice names another unit's problem")
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}

	// From the summary: a bulletin.
	do(t, ctx, "open the summary", chromedp.Navigate(e.url+"/console/summaries/"+sm.ID), chromedp.WaitVisible(chromedp.CSS("#issue-bulletin")))
	do(t, ctx, "issue the bulletin", chromedp.Click(chromedp.CSS("#issue-bulletin")), chromedp.WaitVisible(chromedp.CSS("#issue-document-submit")),
		still("#issue-document-submit"), chromedp.Click(chromedp.CSS("#issue-document-submit")), chromedp.WaitVisible(chromedp.CSS("#issued-number")))
	waitJS(t, ctx, "the bulletin's number", `document.querySelector("#issued-number").innerText === `+quote(bulletin))

	// 文书: both, newest first, by number.
	do(t, ctx, "open 文书", chromedp.Navigate(e.url+"/console/documents"), chromedp.WaitVisible(chromedp.CSS("#documents")))
	waitJS(t, ctx, "both documents listed", `[...document.querySelectorAll("#documents .document-number")].map((e) => e.innerText).join("|") === `+quote(bulletin+"|"+notice))
	// A long number (the README's 区依法治办通报) breaks, if at all, only
	// before its year: 〔2026〕1号 stays on one line, 号 never alone.
	waitJS(t, ctx, "numbers unbroken", `[...document.querySelectorAll("#documents .document-number")].every((el) => {
		const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		const r = document.createRange();
		for (let n = w.nextNode(); n; n = w.nextNode()) {
			const i = n.textContent.indexOf("〔");
			if (i >= 0) r.setStart(n, i);
			r.setEnd(n, n.textContent.length);
		}
		return new Set([...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top))).size === 1;
	})`)
	// Who issued them is named in Chinese, as everywhere else.
	waitJS(t, ctx, "issued by 管理员", `[...document.querySelectorAll("#documents .issued-by")].map((e) => e.innerText).join("|") === "管理员|管理员"`)
	checkPage(t, ctx, dir, "console-documents")

	// From 单位管理: 发整改通知书 on 区财政局's row opens 文书 with the unit
	// and the only list it leads problems on chosen; the list it only
	// co-handles is not offered.
	do(t, ctx, "units", chromedp.Click(chromedp.CSS(`[data-nav="units"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.issue-unit-notice[data-unit="区财政局"]`)))
	checkPage(t, ctx, dir, "console-units-notice")
	do(t, ctx, "发整改通知书", still(`.issue-unit-notice[data-unit="区财政局"]`), chromedp.Click(chromedp.CSS(`.issue-unit-notice[data-unit="区财政局"]`)))
	waitJS(t, ctx, "文书 for 区财政局", `location.pathname === "/console/documents" && (document.querySelector("#source-unit") || {}).innerText === "区财政局"`)
	waitJS(t, ctx, "its list chosen", `document.querySelector("#document-source").innerText.includes("涉企乱罚款问题清单") && !document.querySelector("#open-issue").disabled`)
	do(t, ctx, "open the lists", still("#document-source .el-select__wrapper"), chromedp.Click(chromedp.CSS("#document-source .el-select__wrapper")))
	waitJS(t, ctx, "only the list it leads problems on", `[...document.querySelectorAll(".el-select-dropdown__item")].filter((o) => o.offsetParent !== null).map((o) => o.textContent.trim()).join("|") === "涉企乱罚款问题清单"`)
	do(t, ctx, "close the lists", chromedp.KeyEvent(kb.Escape))
	checkPage(t, ctx, dir, "console-documents-for-unit")
	do(t, ctx, "制发…", chromedp.Click(chromedp.CSS("#open-issue")), chromedp.WaitVisible(chromedp.CSS("#issue-document-form")))
	waitJS(t, ctx, "the unit chosen in the dialog", `document.querySelector("#issue-document-form").innerText.includes("区财政局")`)
	do(t, ctx, "issue to 区财政局", still("#issue-document-submit"), chromedp.Click(chromedp.CSS("#issue-document-submit")), chromedp.WaitVisible(chromedp.CSS("#issued-number")))
	waitJS(t, ctx, "the second notice's number", `document.querySelector("#issued-number").innerText === `+quote(notice2))
	do(t, ctx, "download it", chromedp.Click(chromedp.CSS("#download-issued")))
	dctx, cancel = context.WithTimeout(ctx, 15*time.Second)
	file, err = waitFile(dctx, downloads, ".docx")
	cancel()
	if err != nil {
		t.Fatalf("no DOCX download: %v", err)
	}
	text = docxText(t, file)
	for _, want := range []string{notice2, "区财政局：", "罚没收入公开不及时"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice from 单位管理 does not say %q", want)
		}
	}
	if strings.Contains(text, "罚款收缴未严格执行罚缴分离制度") || strings.Contains(text, "收费窗口未公示收费依据") {
		t.Error("the notice from 单位管理 names another unit's problem")
	}

	// Opened with a list or a summary chosen, 文书 is ready to issue from it.
	do(t, ctx, "文书 for a list", chromedp.Navigate(e.url+"/console/documents?list="+url.QueryEscape(other.ID)), chromedp.WaitVisible(chromedp.CSS("#document-source")))
	waitJS(t, ctx, "the list chosen", `document.querySelector("#document-source").innerText.includes("窗口服务问题清单") && !document.querySelector("#open-issue").disabled`)
	do(t, ctx, "文书 for a summary", chromedp.Navigate(e.url+"/console/documents?summary="+url.QueryEscape(sm.ID)), chromedp.WaitVisible(chromedp.CSS("#source-summary")))
	waitJS(t, ctx, "the summary chosen", `!document.querySelector("#open-issue").disabled`)

	// A unit that leads no problem: 文书 says why nothing can be issued.
	do(t, ctx, "文书 for 区城管执法局", chromedp.Navigate(e.url+"/console/documents?unit="+url.QueryEscape("区城管执法局")),
		chromedp.WaitVisible(chromedp.CSS("#source-unit-note")))
	waitJS(t, ctx, "nothing to issue", `document.querySelector("#source-unit-note").innerText.includes("区城管执法局在各问题清单中都没有牵头整改的问题") && document.querySelector("#open-issue").disabled`)
}

func quote(s string) string { return "`" + s + "`" }

// docxText is the text of a Word file's body.
func docxText(t *testing.T, path string) string {
	t.Helper()
	var (
		zr  *zip.ReadCloser
		err error
	)
	for range 20 { // the file may still be being written
		if zr, err = zip.OpenReader(path); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the download is not a DOCX file: %v", err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		for _, part := range strings.Split(string(b), `<w:t xml:space="preserve">`)[1:] {
			out.WriteString(part[:strings.Index(part, "<")])
		}
		return out.String()
	}
	t.Fatal("the download has no word/document.xml")
	return ""
}
