package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestPaperForms: a clerk types in a paper form with the day it was
// written, then imports a file of paper forms: the preview shows the rows
// and the errors and stores nothing; a corrected file is previewed and
// confirmed, and exactly the previewed rows are stored, with their written
// days.
func TestPaperForms(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	today := feedback.DateOf(time.Now())
	written := today.AddDays(-5)

	dir := t.TempDir()
	badFile := filepath.Join(dir, "纸质意见-有错.csv")
	goodFile := filepath.Join(dir, "纸质意见.csv")
	header := "参会身份,类别,姓名,单位,联系方式,主题,内容,书写日期\n"
	if err := os.WriteFile(badFile, []byte(header+
		"企业代表,意见建议,赵强,某某物流有限公司,13900001111,涉企执法,货车年检时被要求额外缴纳服务费。,"+string(today.AddDays(-3))+"\n"+
		"乡贤,意见建议,,,,,身份写错的一条意见。,\n"+
		"人大代表,问题线索,,,,,日期写错的一条意见。,上个月\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goodFile, []byte(header+
		"企业代表,意见建议,赵强,某某物流有限公司,13900001111,涉企执法,货车年检时被要求额外缴纳服务费。,"+string(today.AddDays(-3))+"\n"+
		"村(社区)代表,问题线索,,,,,村口违建拆除后垃圾无人清运。,"+string(today.AddDays(-2))+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stored := func() []*feedback.Suggestion {
		t.Helper()
		p, err := e.store.ListSuggestions(bg, feedback.SuggestionFilter{SymposiumID: sym.ID})
		if err != nil {
			t.Fatal(err)
		}
		return p.Items
	}

	ctx := startBrowser(t, 150*time.Second)
	shots := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")

	// 1. One paper form, with the day it was written.
	do(t, ctx, "open paper entry", chromedp.Click(chromedp.CSS("#open-entry")), chromedp.WaitVisible(chromedp.CSS("#staff-entry")))
	pick(t, ctx, "#staff-entry .el-form-item:nth-child(1)", sym.Title)
	pick(t, ctx, "#staff-entry .el-form-item:nth-child(2)", "企业代表")
	do(t, ctx, "fill the paper form",
		chromedp.SendKeys(chromedp.CSS(`#staff-entry textarea[name="content"]`), "执法检查前不告知检查依据,企业无所适从。"),
		chromedp.SendKeys(chromedp.CSS(`#staff-entry input[name="written_on"]`), string(written)+"\r"),
	)
	waitJS(t, ctx, "the written day in the picker", `document.querySelector('#staff-entry input[name="written_on"]').value === "`+string(written)+`"`)
	checkPage(t, ctx, shots, "console-paper-entry")
	do(t, ctx, "enter it", still("#staff-entry-submit"), chromedp.Click(chromedp.CSS("#staff-entry-submit")))
	waitJS(t, ctx, "the dialog closed", `!document.querySelector("#staff-entry") || document.querySelector("#staff-entry").offsetParent === null`)
	got := stored()
	if len(got) != 1 || got[0].WrittenOn != written || got[0].Channel != feedback.ChannelStaffEntry {
		t.Fatalf("stored after paper entry: %+v", got)
	}
	do(t, ctx, "open it", chromedp.Navigate(e.url+"/console/suggestions/"+got[0].ID), chromedp.WaitVisible(chromedp.CSS("#suggestion")))
	waitJS(t, ctx, "the written day on the suggestion", `document.querySelector("#suggestion").innerText.includes("书写日期") && document.querySelector("#suggestion").innerText.includes("`+string(written)+`")`)
	checkPage(t, ctx, shots, "console-paper-suggestion")

	// 2. A file with errors: the preview lists them and stores nothing.
	do(t, ctx, "back to the list", chromedp.Navigate(e.url+"/console/suggestions"), chromedp.WaitVisible(chromedp.CSS("#open-import")))
	do(t, ctx, "open import", chromedp.Click(chromedp.CSS("#open-import")), chromedp.WaitVisible(chromedp.CSS("#import-form")))
	pick(t, ctx, "#import-form", sym.Title)
	do(t, ctx, "choose the file with errors", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{badFile}), still("#import-preview"), chromedp.Click(chromedp.CSS("#import-preview")))
	waitJS(t, ctx, "the errors", `document.querySelectorAll("#import-errors tbody tr").length === 2 && document.querySelectorAll("#import-rows tbody tr").length === 1`)
	waitJS(t, ctx, "no way to confirm", `document.querySelector("#import-submit").disabled === true`)
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#import-errors").innerText`))
	for _, want := range []string{"参会身份", "书写日期", "上个月"} {
		if !strings.Contains(text, want) {
			t.Errorf("the error table lacks %q: %q", want, text)
		}
	}
	checkPage(t, ctx, shots, "console-import-preview-errors")
	if n := len(stored()); n != 1 {
		t.Fatalf("the preview stored something: %d suggestions", n)
	}

	// 3. The corrected file: previewed, confirmed, stored as shown.
	do(t, ctx, "choose the corrected file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{goodFile}), still("#import-preview"), chromedp.Click(chromedp.CSS("#import-preview")))
	waitJS(t, ctx, "the rows", `!document.querySelector("#import-errors") && document.querySelectorAll("#import-rows tbody tr").length === 2`)
	text, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#import-rows").innerText`))
	for _, want := range []string{"企业代表", "村(社区)代表", "问题线索", string(today.AddDays(-2)), "新增"} {
		if !strings.Contains(text, want) {
			t.Errorf("the preview lacks %q: %q", want, text)
		}
	}
	checkPage(t, ctx, shots, "console-import-preview")
	if n := len(stored()); n != 1 {
		t.Fatalf("the preview stored something: %d suggestions", n)
	}
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#import-submit")))
	waitJS(t, ctx, "the dialog closed", `!document.querySelector("#import-form") || document.querySelector("#import-form").offsetParent === null`)
	days := map[string]feedback.Date{}
	for _, sg := range stored() {
		if sg.Channel == feedback.ChannelImport {
			days[sg.Content] = sg.WrittenOn
		}
	}
	if len(days) != 2 || days["货车年检时被要求额外缴纳服务费。"] != today.AddDays(-3) || days["村口违建拆除后垃圾无人清运。"] != today.AddDays(-2) {
		t.Errorf("imported: %v", days)
	}

	// 4. Previewed again, the file shows as imported already.
	do(t, ctx, "open import again", chromedp.Click(chromedp.CSS("#open-import")), chromedp.WaitVisible(chromedp.CSS("#import-form")))
	pick(t, ctx, "#import-form", sym.Title)
	do(t, ctx, "the same file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{goodFile}), still("#import-preview"), chromedp.Click(chromedp.CSS("#import-preview")))
	waitJS(t, ctx, "both rows imported already", `[...document.querySelectorAll("#import-rows tbody tr")].filter((r) => r.innerText.includes("此前已导入")).length === 2 && document.querySelector("#import-submit").disabled`)
	// The column saying so is whole in the dialog, not cut off at its
	// right edge behind a sideways scroll.
	waitJS(t, ctx, "此前已导入 whole", `(() => {
		const table = document.querySelector("#import-rows").getBoundingClientRect();
		return [...document.querySelectorAll("#import-rows tbody .el-tag")].every((g) => { const r = g.getBoundingClientRect(); return r.width > 0 && r.right <= table.right; });
	})()`)
	checkPage(t, ctx, shots, "console-import-preview-again")

	// 5. The template, downloaded from the dialog and filled in as Excel,
	// previews without errors and imports.
	downloads := allowDownloads(t, ctx)
	do(t, ctx, "download the template", chromedp.Click(chromedp.CSS("#import-template")))
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	tmpl, err := waitFile(dctx, downloads, ".xlsx")
	cancel()
	if err != nil {
		t.Fatalf("no template download: %v", err)
	}
	if !strings.Contains(filepath.Base(tmpl), "导入模板") {
		t.Errorf("template saved as %q", filepath.Base(tmpl))
	}
	var x *excelize.File
	for range 20 { // the file may still be being written
		if x, err = excelize.OpenFile(tmpl); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("open the template: %v", err)
	}
	defer x.Close()
	first := x.GetSheetName(0)
	if hdr, _ := x.GetRows(first); len(hdr) != 2 || strings.Join(hdr[0], ",") != strings.TrimSuffix(header, "\n") {
		t.Fatalf("template rows = %q, want the import header and an example row", hdr)
	}
	// The example row overwritten, one more row; the first written day
	// is a real date cell, the second as clerks type it.
	day1, day2 := today.AddDays(-4), today.AddDays(-1)
	d2, _ := time.Parse(feedback.DateLayout, string(day2))
	for cell, row := range map[string][]any{
		"A2": {"政协委员", "意见建议", "陈静", "区政协", "13700001234", "营商环境", "建议公布涉企检查事项清单,减少多头检查。", day1.Start().In(feedback.Shanghai)},
		"A3": {"企业代表", "问题线索", "", "", "", "", "同一批货物被两个部门重复检查。", d2.Format("2006年1月2日")},
	} {
		if err := x.SetSheetRow(first, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	filled := filepath.Join(dir, "纸质意见-模板.xlsx")
	if err := x.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "choose the filled template", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{filled}), still("#import-preview"), chromedp.Click(chromedp.CSS("#import-preview")))
	waitJS(t, ctx, "the template's rows", `!document.querySelector("#import-errors") && document.querySelectorAll("#import-rows tbody tr").length === 2 && document.querySelector("#import-summary").innerText.includes("将新增 2 条")`)
	text, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#import-rows").innerText`))
	for _, want := range []string{"政协委员", "陈静", "企业代表", "问题线索", string(day1), string(day2)} {
		if !strings.Contains(text, want) {
			t.Errorf("the preview of the filled template lacks %q: %q", want, text)
		}
	}
	checkPage(t, ctx, shots, "console-import-template-preview")
	do(t, ctx, "confirm the template", still("#import-submit"), chromedp.Click(chromedp.CSS("#import-submit")))
	waitJS(t, ctx, "the dialog closed", `!document.querySelector("#import-form") || document.querySelector("#import-form").offsetParent === null`)
	days = map[string]feedback.Date{}
	for _, sg := range stored() {
		if sg.Channel == feedback.ChannelImport {
			days[sg.Content] = sg.WrittenOn
		}
	}
	if len(days) != 4 || days["建议公布涉企检查事项清单,减少多头检查。"] != day1 || days["同一批货物被两个部门重复检查。"] != day2 {
		t.Errorf("imported from the template: %v", days)
	}
}
