package browsertest

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestCampaign runs a whole campaign through the browser only, the admin
// token aside: a symposium and its poster, phones sending the form while
// the office watches them arrive, a problem list and a routing rule tried
// before saving, triage, a problem with unit, person and deadline (and one
// for another unit), the unit's account signing in to its own work only
// and reporting, the look-back,
// the summary and the Excel files. Every screen is checked (checkPage) and
// saved as a screenshot, numbered in the order of the campaign.
func TestCampaign(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	ctx := startBrowser(t, 180*time.Second)
	dir := artifacts(t)
	downloads := allowDownloads(t, ctx)
	watchCSP(t, ctx)
	step := 0
	start := time.Now()
	shot := func(name string) {
		t.Helper()
		step++
		t.Logf("step %d %s at %.1fs", step, name, time.Since(start).Seconds())
		checkPage(t, ctx, dir, "campaign-"+string(rune('a'+step-1))+"-"+name)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`)?.innerText || ""`))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}

	// The local stack routes each suggestion in-process right after it is
	// stored; this test server has no router, so a sweep stands in for it.
	routerCtx, stopRouter := context.WithCancel(bg)
	defer stopRouter()
	go func() {
		for routerCtx.Err() == nil {
			_, _ = e.svc.SweepUnrouted(routerCtx, 0)
			time.Sleep(200 * time.Millisecond)
		}
	}()

	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")

	// 1. A symposium, open at once.
	do(t, ctx, "new symposium", chromedp.Navigate(e.url+"/console/symposia"), chromedp.WaitVisible(chromedp.CSS("#new-symposium")),
		chromedp.Click(chromedp.CSS("#new-symposium")), chromedp.WaitVisible(chromedp.CSS("#symposium-form input[name=title]")),
		chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=title]"), "涉企乱罚款问题专项整治座谈会"),
		chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=campaign]"), "涉企乱罚款"),
		chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=host_unit]"), "区委依法治区办"),
		chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=venue]"), "区行政服务中心三楼会议室"))
	shot("new-symposium")
	do(t, ctx, "create symposium", still("#symposium-submit"), chromedp.Click(chromedp.CSS("#symposium-submit")), chromedp.WaitVisible(chromedp.CSS("#qr-card img.qr")))
	waitJS(t, ctx, "the QR code", `document.querySelector("#qr-card img.qr").naturalWidth > 0`)
	symPath, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	formURL := text("#form-url")
	if !strings.HasPrefix(formURL, e.url+"/s/") {
		t.Fatalf("form link %q", formURL)
	}
	shot("symposium")

	// 2. The poster, ready to print.
	posterPath, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`"/console/print" + location.pathname.replace("/console", "") + "/poster"`))
	do(t, ctx, "poster", chromedp.Navigate(e.url+posterPath), chromedp.WaitVisible(chromedp.CSS("#poster img.poster-qr")))
	waitJS(t, ctx, "the poster's QR code", `document.querySelector("#poster img.poster-qr").naturalWidth > 0`)
	if got := text("#poster"); !strings.Contains(got, "涉企乱罚款问题专项整治座谈会") || !strings.Contains(got, formURL) {
		t.Errorf("poster = %q", got)
	}
	shot("poster")

	// 3. Phones send the form while the symposium's page is open: the
	// suggestions appear there without a reload.
	do(t, ctx, "symposium page", chromedp.Navigate(e.url+symPath), chromedp.WaitVisible(chromedp.CSS("#live-intake")))
	phoneCtx, cancelPhone := chromedp.NewContext(ctx)
	defer cancelPhone()
	for _, s := range []struct{ topic, content string }{
		{"罚款过重", "市场监管部门对小微企业首次轻微违法也罚款,建议落实首违不罚清单。"},
		{"检查证件", "执法人员检查时未出示执法证件,也未告知陈述申辩权利。"},
		{"", "建议公开罚没收入的使用情况,接受企业监督。"},
	} {
		do(t, phoneCtx, "phone form", phone(), chromedp.Navigate(formURL), chromedp.WaitVisible(chromedp.CSS("#f-content")),
			chromedp.Click(chromedp.CSS("#pk-enterprise")), chromedp.SendKeys(chromedp.CSS("#f-topic"), s.topic),
			chromedp.SendKeys(chromedp.CSS("#f-content"), s.content), chromedp.Click(chromedp.CSS("#send")),
			chromedp.WaitVisible(chromedp.CSS(".receipt")))
	}
	cancelPhone()
	waitJS(t, ctx, "three suggestions arriving live", `document.querySelectorAll("#intake tr.fresh-row").length === 3`)
	shot("live-intake")

	// 4. A problem list.
	do(t, ctx, "new list", chromedp.Navigate(e.url+"/console/problem-lists"), chromedp.WaitVisible(chromedp.CSS("#new-list")),
		chromedp.Click(chromedp.CSS("#new-list")), chromedp.WaitVisible(chromedp.CSS("#create-list input[name=title]")),
		chromedp.SendKeys(chromedp.CSS("#create-list input[name=title]"), "涉企乱罚款问题清单"),
		chromedp.SendKeys(chromedp.CSS("#create-list input[name=campaign]"), "涉企乱罚款"))
	// The owner unit is picked from the registered units, not typed.
	pick(t, ctx, "#create-list .sel-owner_unit", "区司法局")
	do(t, ctx, "create the list", chromedp.Click(chromedp.CSS("#create-list-submit")), chromedp.WaitVisible(chromedp.CSS("#list-counts")))
	if page, err := e.store.ListProblemLists(bg, feedback.ProblemListFilter{}); err != nil || !slices.ContainsFunc(page.Items, func(l *feedback.ProblemList) bool {
		return l.Title == "涉企乱罚款问题清单" && l.OwnerUnit == "区司法局"
	}) {
		t.Errorf("the list is not stored with its owner unit 区司法局 (%v)", err)
	}
	shot("problem-list")

	// 5. A routing rule, tried on what arrived, then saved; the triage
	// list is routed again by it.
	do(t, ctx, "rules", chromedp.Navigate(e.url+"/console/routing-rules"), chromedp.WaitEnabled(chromedp.CSS("#add-rule")),
		chromedp.Click(chromedp.CSS("#add-rule")), chromedp.WaitVisible(chromedp.CSS(".rule input[name=name]")),
		chromedp.SendKeys(chromedp.CSS(".rule input[name=name]"), "涉企罚款"))
	pick(t, ctx, ".rule .sel-list", "涉企乱罚款问题清单")
	do(t, ctx, "try the rule", chromedp.SendKeys(chromedp.CSS(".rule input[placeholder='如:罚款、处罚']"), "罚款、罚没"),
		chromedp.Click(chromedp.CSS("#try-rules")), chromedp.WaitVisible(chromedp.CSS("#dry-run")))
	waitJS(t, ctx, "the dry run", `document.querySelector("#dry-run").innerText.includes("其中 2 条")`)
	shot("rules-dry-run")
	do(t, ctx, "save the rule", chromedp.Click(chromedp.CSS("#save-rules")))
	waitJS(t, ctx, "the saved rule", `document.querySelector("#save-rules").disabled`)
	do(t, ctx, "triage", chromedp.Navigate(e.url+"/console/problem-lists/triage"), chromedp.WaitVisible(chromedp.CSS("#reroute-submit")))
	shot("triage-before")
	do(t, ctx, "reroute", chromedp.Click(chromedp.CSS("#reroute-submit")))
	waitJS(t, ctx, "one left in triage", `document.querySelectorAll("#triage a.open-suggestion").length === 1`)
	shot("triage-after")
	// The one left in 待分拣 has no list to fall back on: its 问题清单
	// asks for one rather than promising 按分拣结果.
	do(t, ctx, "open the one in triage", chromedp.Click(chromedp.CSS("#triage a.open-suggestion")), chromedp.WaitVisible(chromedp.CSS("#make-problem")))
	waitJS(t, ctx, "the list asked for", `document.querySelector("#make-problem .sel-problem_list_id")?.innerText.trim() === "请选择问题清单"`)

	// 6. The first suggestion becomes a problem with unit, person, deadline.
	deadline := feedback.DateOf(time.Now()).AddDays(30)
	do(t, ctx, "search", chromedp.Navigate(e.url+"/console/suggestions?q="+"罚款过重"))
	waitJS(t, ctx, "the search result", `document.querySelectorAll("#suggestions a.open-suggestion").length === 1 && !document.querySelector("#suggestions .el-loading-mask:not([style*='display: none'])")`)
	do(t, ctx, "open the suggestion", chromedp.Click(chromedp.CSS("#suggestions a.open-suggestion")),
		chromedp.WaitVisible(chromedp.CSS("#make-problem")),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_unit]"), "区市场监管局"),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_person]"), "王局长"),
		chromedp.SendKeys(chromedp.CSS("#make-problem textarea[name=requirement]"), "30 日内制定首违不罚清单并公开"))
	// A deadline already past (a mistyped year) is not taken: the problem
	// would be overdue the moment it is made.
	do(t, ctx, "a past deadline", chromedp.SendKeys(chromedp.CSS("#make-problem input[name=deadline]"), "2020-01-01\t"))
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#make-problem input[name=deadline]").value`)); v != "" {
		t.Fatalf("the deadline field took the past date %q", v)
	}
	do(t, ctx, "the deadline", chromedp.SendKeys(chromedp.CSS("#make-problem input[name=deadline]"), string(deadline)+"\t"))
	shot("make-problem")
	do(t, ctx, "make the problem", chromedp.Click(chromedp.CSS("#make-problem-submit")))
	waitJS(t, ctx, "the problem's page", `location.pathname.startsWith("/console/problems/") && document.querySelectorAll("#timeline .el-timeline-item").length === 1`)
	problemPath, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if got := text("#problem"); !strings.Contains(got, "区市场监管局") || !strings.Contains(got, "王局长") || !strings.Contains(got, string(deadline)) {
		t.Errorf("problem = %q, want unit, person and deadline %s", got, deadline)
	}
	shot("problem")
	// A second problem, led by another unit: the first unit's account must
	// not see it.
	do(t, ctx, "search the second", chromedp.Navigate(e.url+"/console/suggestions?q="+"检查证件"))
	waitJS(t, ctx, "the second search result", `document.querySelectorAll("#suggestions a.open-suggestion").length === 1 && !document.querySelector("#suggestions .el-loading-mask:not([style*='display: none'])")`)
	do(t, ctx, "open the second suggestion", chromedp.Click(chromedp.CSS("#suggestions a.open-suggestion")), chromedp.WaitVisible(chromedp.CSS("#make-problem")))
	pick(t, ctx, "#make-problem .sel-problem_list_id", "涉企乱罚款问题清单")
	do(t, ctx, "make the second problem",
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_unit]"), "区城管执法局"),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_person]"), "赵队长"),
		chromedp.Click(chromedp.CSS("#make-problem-submit")))
	waitJS(t, ctx, "the second problem's page", `location.pathname.startsWith("/console/problems/") && location.pathname !== "`+problemPath+`" && document.querySelectorAll("#timeline .el-timeline-item").length === 1`)

	// 7. An account for the unit; its token is shown once. The first
	// administrator's account, named "admin" by older releases, is listed
	// in Chinese.
	if _, _, err := e.svc.CreateAccount(bg, e.admin, feedback.AccountInput{Name: "admin", Role: feedback.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "accounts", chromedp.Navigate(e.url+"/console/accounts"), chromedp.WaitVisible(chromedp.CSS("#create-account")),
		chromedp.SendKeys(chromedp.CSS("#create-account input[name=name]"), "市场监管局联络员"))
	pick(t, ctx, "#create-account", "责任单位")
	do(t, ctx, "unit account", chromedp.WaitVisible(chromedp.CSS("#create-account input[name=unit]")),
		chromedp.SendKeys(chromedp.CSS("#create-account input[name=unit]"), "区市场监管局"),
		chromedp.Click(chromedp.CSS("#create-account-submit")), chromedp.WaitVisible(chromedp.CSS("#token-value")))
	unitToken := strings.TrimSpace(text("#token-value"))
	if names, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#accounts tbody tr td:first-child")].map((c) => c.innerText.trim())`)); !slices.Contains(names, "管理员") || slices.Contains(names, "admin") {
		t.Errorf("账号管理 lists the accounts as %q, want the first administrator as 管理员", names)
	}
	shot("accounts")

	// 8. The unit signs in, sees only its work, starts and reports.
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	signIn(t, ctx, e.url, unitToken, "#workspace-figures")
	waitJS(t, ctx, "the unit's problem", `document.querySelectorAll("#todo a.open-problem").length === 1`)
	if got := text("#todo") + text("#assisted") + text("#waiting"); strings.Contains(got, "检查证件") || strings.Contains(got, "区城管执法局") {
		t.Errorf("the unit's workspace shows another unit's problem: %q", got)
	}
	if menu, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".aside [data-nav]")].map((m) => m.dataset.nav)`)); strings.Join(menu, ",") != "workspace" {
		t.Errorf("the unit's menu = %q, want only its workspace", menu)
	}
	shot("unit-workspace")
	do(t, ctx, "unit opens its problem", chromedp.Click(chromedp.CSS("#todo a.open-problem")), chromedp.WaitVisible(chromedp.CSS("#transitions")))
	// The way back leads to the unit's own workspace, not to 问题跟踪,
	// which a unit cannot open; the menu keeps the workspace lit.
	if crumbs := text(".crumbs"); !strings.HasPrefix(crumbs, "本单位工作台") || strings.Contains(crumbs, "问题跟踪") {
		t.Errorf("a unit's problem page is under %q, want 本单位工作台", crumbs)
	}
	if lit := text(".aside .el-menu-item.is-active"); lit != "本单位工作台" {
		t.Errorf("a unit's problem page lights the menu entry %q, want 本单位工作台", lit)
	}
	do(t, ctx, "unit starts rectifying",
		chromedp.Click(chromedp.CSS(`#transitions button[data-status="rectifying"]`)), chromedp.WaitVisible(chromedp.CSS("#transition-form textarea[name=note]")),
		chromedp.SendKeys(chromedp.CSS("#transition-form textarea[name=note]"), "已召开专题会部署整改"),
		still("#transition-submit"), chromedp.Click(chromedp.CSS("#transition-submit")))
	waitJS(t, ctx, "rectifying", `document.querySelectorAll("#timeline .el-timeline-item").length === 2`)
	noDialog(t, ctx)
	do(t, ctx, "progress", chromedp.SendKeys(chromedp.CSS("#progress textarea[name=progress]"), "首违不罚清单已起草,正在征求意见"),
		chromedp.Click(chromedp.CSS("#progress-submit")))
	waitJS(t, ctx, "the progress", `document.querySelectorAll("#timeline .el-timeline-item").length === 3`)
	noDialog(t, ctx)
	do(t, ctx, "report rectified", chromedp.Click(chromedp.CSS(`#transitions button[data-status="rectified"]`)),
		chromedp.WaitVisible(chromedp.CSS("#transition-form textarea[name=evidence]")))
	// Nothing said and nothing attached: the dialog asks for it under 说明.
	do(t, ctx, "report rectified with nothing", still("#transition-submit"), chromedp.Click(chromedp.CSS("#transition-submit")))
	waitJS(t, ctx, "the request for an account", `[...document.querySelectorAll("#transition-form .el-form-item__error")].some((e) => e.textContent.includes("请说明整改完成的情况"))`)
	do(t, ctx, "account of the rectification",
		chromedp.SendKeys(chromedp.CSS("#transition-form textarea[name=note]"), "清单已印发并在政府网站公开"),
		chromedp.SendKeys(chromedp.CSS("#transition-form textarea[name=evidence]"), "区市监发〔2025〕12号"))
	shot("unit-report-rectified")
	do(t, ctx, "send the report", still("#transition-submit"), chromedp.Click(chromedp.CSS("#transition-submit")))
	waitJS(t, ctx, "rectified", `document.querySelectorAll("#timeline .el-timeline-item").length === 4`)
	noDialog(t, ctx)
	shot("unit-rectified")

	// 9. The office's look-back passes.
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "look-back", chromedp.Navigate(e.url+problemPath), chromedp.WaitVisible(chromedp.CSS(`#transitions button[data-status="verified"]`)),
		chromedp.Click(chromedp.CSS(`#transitions button[data-status="verified"]`)), chromedp.WaitVisible(chromedp.CSS("#transition-form textarea[name=note]")),
		chromedp.SendKeys(chromedp.CSS("#transition-form textarea[name=note]"), "回头看:清单已执行,抽查 5 家企业无首违罚款"),
		still("#transition-submit"), chromedp.Click(chromedp.CSS("#transition-submit")))
	waitJS(t, ctx, "verified", `document.querySelectorAll("#timeline .el-timeline-item").length === 5`)
	noDialog(t, ctx)
	shot("verified")
	p := problemFromPath(t, e, problemPath)
	if p.Status != feedback.ProblemVerified || p.ResponsibleUnit != "区市场监管局" || p.Deadline != deadline {
		t.Errorf("problem after the campaign: %+v", p)
	}

	// 10. The week's summary, and the Excel files.
	do(t, ctx, "summary", chromedp.Navigate(e.url+"/console/summaries"), chromedp.WaitVisible(chromedp.CSS("#generate-submit")),
		chromedp.Click(chromedp.CSS("#generate-submit")), chromedp.WaitVisible(chromedp.CSS("#scorecard")))
	waitJS(t, ctx, "the summary's charts", `document.querySelectorAll("section[id^=chart-] svg").length >= 6`)
	if got := text("#summary-figures"); !strings.Contains(got, "3\n收到意见建议") {
		t.Errorf("summary figures = %q, want 3 received", got)
	}
	shot("summary")
	for _, x := range []struct{ name, nav, button string }{
		{"summary", "", "#download-xlsx"},
		{"rectification list", "/console/problem-lists/" + p.ProblemListID, "#export-list"},
	} {
		if x.nav != "" {
			do(t, ctx, x.name, chromedp.Navigate(e.url+x.nav), chromedp.WaitVisible(chromedp.CSS(x.button)))
		}
		before, _ := os.ReadDir(downloads)
		do(t, ctx, "download "+x.name, chromedp.Click(chromedp.CSS(x.button)))
		waitJS(t, ctx, "the download", "true")
		deadlineCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		for {
			entries, _ := os.ReadDir(downloads)
			if n := countXLSX(entries); n > countXLSX(before) {
				break
			}
			select {
			case <-deadlineCtx.Done():
				cancel()
				t.Fatalf("no Excel file for the %s", x.name)
			case <-time.After(100 * time.Millisecond):
			}
		}
		cancel()
	}
	shot("excel")
}

// noDialog waits until no dialog or its fading overlay covers the page,
// so the next click reaches what it aims at.
func noDialog(t *testing.T, ctx context.Context) {
	t.Helper()
	waitJS(t, ctx, "the dialog to close", `![...document.querySelectorAll(".el-overlay")].some((o) => getComputedStyle(o).display !== "none")`)
}

func countXLSX(entries []os.DirEntry) int {
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xlsx") {
			n++
		}
	}
	return n
}

// problemFromPath reads the problem a console path /console/problems/ID names.
func problemFromPath(t *testing.T, e *env, path string) *feedback.Problem {
	t.Helper()
	p, err := e.store.GetProblem(context.Background(), strings.TrimPrefix(path, "/console/problems/"))
	if err != nil {
		t.Fatalf("problem at %s: %v", path, err)
	}
	return p
}

func jsString(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "`", "\\`") + "`"
}
