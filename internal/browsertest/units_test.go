package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestConsoleUnits goes through the unit workspace as the units and the
// office use it: the office registers a unit with its DingTalk robot; the
// lead unit sees its problem with a deadline in working days and asks for
// an extension (and is not offered the co-units' 协办 report); the co-unit
// finds the problem under 协办, cannot move it, and reports its part with a
// photo, which the lead unit reads; the office finds the requests in
// 延期待审批 (counted in the menu), refuses one the rectification
// overtook, approves the extension, supervises the problem, and reads the
// assessment, changing the scheme.
// The registry, calendar and migration screens pass checkPage.
func TestConsoleUnits(t *testing.T) {
	e := newEnv(t)
	bg := context.Background()
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "门前三包执法简单以罚代管",
		ResponsibleUnit: "区市场监管局", CoUnits: []string{"区司法局"}, ResponsiblePerson: "王局长", DeadlineWorkingDays: 10})
	if err != nil {
		t.Fatal(err)
	}
	account := func(name, unit string) string {
		tok := feedback.NewToken()
		if err := e.store.CreateAccount(bg, &feedback.Account{ID: feedback.NewID(time.Now()), Name: name, Role: feedback.RoleUnit, Unit: unit,
			TokenHash: feedback.HashToken(tok), CreatedAt: time.Now()}); err != nil {
			t.Fatalf("create unit account: %v", err)
		}
		return tok
	}
	leadToken, coToken := account("市场监管局联络员", "区市场监管局"), account("司法局联络员", "区司法局")

	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			img.Set(x, y, color.NRGBA{R: byte(x * 8), G: 0x60, B: 0x30, A: 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(photo, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 180*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	text := func(sel string) string {
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(sel)+`) || {}).innerText || ""`))
		return s
	}
	signOut := func() {
		do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	}

	// 1. The office registers a unit with its DingTalk robot.
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "units", chromedp.Click(chromedp.CSS(`[data-nav="units"]`)), chromedp.WaitVisible(chromedp.CSS("#units .unit-name")))
	do(t, ctx, "register a unit", chromedp.Click(chromedp.CSS("#add-unit")), chromedp.WaitVisible(chromedp.CSS("#unit-form input[name=unit_name]")),
		chromedp.SendKeys(chromedp.CSS("#unit-form input[name=unit_name]"), "区农业农村局"),
		chromedp.SendKeys(chromedp.CSS("#unit-form input[name=head]"), "陈局长"))
	pick(t, ctx, "#unit-form .sel-channel", "钉钉自定义机器人")
	// Another robot's address is refused under the field, the message
	// (two lines here) above the next field's label, not over it.
	do(t, ctx, "a wrong robot address", chromedp.WaitVisible(chromedp.CSS("#unit-form input[name=notify_url]")),
		chromedp.SendKeys(chromedp.CSS("#unit-form input[name=notify_url]"), "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123"),
		still("#unit-submit"), chromedp.Click(chromedp.CSS("#unit-submit")))
	waitJS(t, ctx, "the address refused", `[...document.querySelectorAll("#unit-form .el-form-item__error")].some((e) => e.innerText.includes("钉钉"))`)
	do(t, ctx, "the message in place", still("#unit-form .el-form-item__error"))
	if over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const msg = [...document.querySelectorAll("#unit-form .el-form-item__error")].find((e) => e.innerText.includes("钉钉"));
		const label = [...document.querySelectorAll("#unit-form .el-form-item__label")].find((l) => l.innerText.includes("签名密钥"));
		return msg.getBoundingClientRect().bottom > label.getBoundingClientRect().top + 1;
	})()`)); err != nil || over {
		t.Errorf("the address's error overlaps the secret's label (%v)", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const i = document.querySelector("#unit-form input[name=notify_url]");
		Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(i, "");
		return i.dispatchEvent(new Event("input", { bubbles: true }));
	})()`)); err != nil {
		t.Fatalf("clear the address: %v", err)
	}
	do(t, ctx, "the robot", chromedp.WaitVisible(chromedp.CSS("#unit-form input[name=notify_url]")),
		chromedp.SendKeys(chromedp.CSS("#unit-form input[name=notify_url]"), "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"),
		chromedp.SendKeys(chromedp.CSS("#unit-form input[name=notify_secret]"), "SEC0123456789abcdef0123456789abcdef"),
		still("#unit-submit"), chromedp.Click(chromedp.CSS("#unit-submit")))
	waitJS(t, ctx, "the new unit in the table", `[...document.querySelectorAll("#units .unit-name")].some((s) => s.textContent === "区农业农村局") && document.querySelector("#units [data-channel=dingtalk]") !== null`)
	noDialog(t, ctx)
	u, err := e.svc.GetUnit(bg, e.admin, "区农业农村局")
	if err != nil || u.Head != "陈局长" || u.Notify.Kind != feedback.NotifyDingTalk || !strings.HasPrefix(u.Notify.Secret, "SEC") {
		t.Fatalf("registered unit = %+v, %v", u, err)
	}
	if strings.Contains(text("#units"), "0123456789abcdef0123456789abcdef") {
		t.Errorf("the units table shows the robot's secret")
	}
	checkPage(t, ctx, dir, "console-units")
	other, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "农贸市场收费不透明",
		ResponsibleUnit: "区农业农村局", DeadlineWorkingDays: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range []struct{ name, path, ready string }{
		{"console-unit-migration", "/unit-migration", "#migration"},
		{"console-calendar", "/calendar", "#calendar-source"},
	} {
		do(t, ctx, pg.name, chromedp.Navigate(e.url+"/console"+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready)))
		checkPage(t, ctx, dir, pg.name)
	}
	// A month's days wrap after 、, never inside a day: 2026's February on
	// an office PC's 1366-pixel screen once broke 18｜日.
	do(t, ctx, "2026 on an office screen", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(e.url+"/console/calendar?year=2026"),
		chromedp.WaitVisible(chromedp.CSS("#holidays")))
	waitJS(t, ctx, "days whole", `[...document.querySelectorAll("#holidays li, #workdays li")].every((li) => {
		const n = li.firstChild;
		for (let i = 1; i < n.textContent.length; i++) {
			if (n.textContent[i] !== "日") continue;
			const r = document.createRange();
			r.setStart(n, i - 1);
			r.setEnd(n, i + 1);
			if (new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size !== 1) return false;
		}
		return true;
	})`)
	// A year the data lacks: the administrator enters it from the State
	// Council's notice, picking the days, and sees what was picked
	// (the picker itself shows only the first two).
	do(t, ctx, "a year not entered", chromedp.Navigate(e.url+"/console/calendar?year=2040"), chromedp.WaitVisible(chromedp.CSS("#edit-calendar")),
		chromedp.Click(chromedp.CSS("#edit-calendar")), chromedp.WaitVisible(chromedp.CSS("#calendar-editor")),
		still("#calendar-editor .dates-picker"), chromedp.Click(chromedp.CSS("#calendar-editor .dates-picker")))
	waitJS(t, ctx, "the picker's January 2040", `[...document.querySelectorAll(".el-picker-panel")].some((p) => p.offsetParent !== null && p.innerText.includes("2040 年") && p.innerText.includes("1 月"))`)
	for _, day := range []string{"1", "2", "3"} {
		// One click at a time: each waits for the picker to show it chosen.
		waitJS(t, ctx, "pick January "+day, `(() => {
			const td = [...document.querySelectorAll(".el-picker-panel .el-date-table td.available")].find((td) => td.offsetParent !== null && td.innerText.trim() === "`+day+`");
			if (!td) return false;
			if (td.classList.contains("selected")) return true;
			td.querySelector(".el-date-table-cell__text").click();
			return false;
		})()`)
	}
	waitJS(t, ctx, "confirm the days", `(() => {
		const b = [...document.querySelectorAll(".el-picker-panel__footer .el-button")].find((b) => b.offsetParent !== null);
		if (b) b.click();
		return !b;
	})()`)
	waitJS(t, ctx, "the days picked, listed", `document.querySelector("#picked-holidays").innerText === "已选 3 天:1月:1日、2日、3日" && document.querySelector("#picked-workdays").innerText === "已选 0 天"`)
	checkPage(t, ctx, dir, "console-calendar-editor")
	do(t, ctx, "save the year", chromedp.Click(chromedp.CSS("#save-calendar")))
	waitJS(t, ctx, "the year entered", `!document.querySelector("#calendar-editor") && document.querySelector("#calendar-source").innerText === "本办录入" && document.querySelector("#holidays").innerText === "1月:1日、2日、3日"`)
	do(t, ctx, "back to the usual screen", chromedp.EmulateViewport(1280, 900))
	do(t, ctx, "working days", chromedp.Click(chromedp.CSS("#compute-working-days")))
	waitJS(t, ctx, "the computed date", `document.querySelector("#working-days-result").innerText.includes("个工作日是")`)
	signOut()

	// 2. The lead unit sees its problem, with the deadline in working
	// days, and asks for an extension.
	signIn(t, ctx, e.url, leadToken, "#workspace-figures")
	waitJS(t, ctx, "the led problem", `document.querySelectorAll("#todo a.open-problem").length === 1`)
	// A link to another unit's problem (a robot's message forwarded, or a
	// problem given to another unit since) says so on the page, with the
	// way back, rather than a blank page.
	do(t, ctx, "another unit's problem", chromedp.Navigate(e.url+"/console/problems/"+other.ID), chromedp.WaitVisible(chromedp.CSS("#problem-missing")))
	if got := text("#problem-missing"); !strings.Contains(got, "不属于本单位") {
		t.Errorf("another unit's problem = %q, want why it cannot be opened", got)
	}
	checkPage(t, ctx, dir, "console-unit-problem-missing")
	do(t, ctx, "back to the workspace", chromedp.Click(chromedp.CSS("#problem-missing-back")), chromedp.WaitVisible(chromedp.CSS("#workspace-figures")))
	waitJS(t, ctx, "the led problem again", `document.querySelectorAll("#todo a.open-problem").length === 1`)
	if got, want := text("#todo"), string(p.Deadline)+"(10 个工作日)"; !strings.Contains(got, want) {
		t.Errorf("workspace = %q, want the deadline %s", got, want)
	}
	checkPage(t, ctx, dir, "console-unit-workspace-lead")
	// On a phone or a tablet the deadline and status are under the
	// problem's title, not in columns scrolled off the right of the
	// screen.
	do(t, ctx, "the workspace on a phone", phone())
	seen(t, ctx, "the deadline and status on a phone", "#todo .stacked-deadline", "#todo .stacked-status")
	// An empty list's sentence wraps as text, not in 60 px lines.
	if tall, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`parseFloat(getComputedStyle(document.querySelector("#assisted .el-table__empty-text")).lineHeight) > 40`)); err != nil || tall {
		t.Errorf("on a phone, the empty co-handled list's sentence is set in tall lines (%v)", err)
	}
	checkPage(t, ctx, dir, "console-unit-workspace-lead-phone")
	if small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["#signout", ".menu-button"].filter((s) => document.querySelector(s).getBoundingClientRect().height < 40)`)); err != nil || len(small) > 0 {
		t.Errorf("on a phone, %q are too small to tap (%v)", small, err)
	}
	do(t, ctx, "the workspace on a tablet", chromedp.EmulateViewport(820, 1180, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	seen(t, ctx, "the deadline and status on a tablet", "#todo .stacked-deadline", "#todo .stacked-status")
	do(t, ctx, "back on the desktop", chromedp.EmulateViewport(1280, 900))
	// Its own notice settings, in a dialog.
	do(t, ctx, "the unit's notice settings", chromedp.Click(chromedp.CSS("#unit-channel")), chromedp.WaitVisible(chromedp.CSS("#unit-form")), still("#unit-form"))
	checkPage(t, ctx, dir, "console-unit-channel")
	do(t, ctx, "close it", chromedp.KeyEvent(kb.Escape))
	noDialog(t, ctx)
	asked := feedback.DateOf(time.Now()).AddDays(60)
	do(t, ctx, "open the problem", chromedp.Click(chromedp.CSS("#todo a.open-problem")), chromedp.WaitVisible(chromedp.CSS("#transitions")))
	// The time left reads once: days, and the working days among them
	// (not "剩 N 天,剩 M 个工作日").
	if got := text("#problem"); !regexp.MustCompile(`剩 \d+ 天,其中 \d+ 个工作日`).MatchString(got) || regexp.MustCompile(`剩 \d+ 个工作日`).MatchString(got) {
		t.Errorf("problem = %q, want the time left as 剩 N 天,其中 M 个工作日", got)
	}
	do(t, ctx, "ask for an extension",
		chromedp.Click(chromedp.CSS("#ask-extension")), chromedp.WaitVisible(chromedp.CSS("#extension-form textarea[name=reason]")),
		still("#extension-submit"), chromedp.Click(chromedp.CSS("#extension-submit")))
	// Sent empty, the form marks both the date and the reason at once.
	waitJS(t, ctx, "both missing fields marked", `(() => { const e = [...document.querySelectorAll("#extension-form .el-form-item__error")].map((d) => d.innerText).join("|"); return e.includes("申请延至的日期") && e.includes("延期的理由"); })()`)
	// In working days it says where they count from: today, not the
	// deadline being extended.
	modeTo := func(m string) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { [...document.querySelectorAll("#extension-form .deadline-mode label")].find((l) => l.innerText.trim() === `+jsString(m)+`).click(); return true; })()`)); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	modeTo("按工作日")
	waitJS(t, ctx, "working days counted from today", `(document.querySelector("#extension-form .deadline-days") || {}).innerText?.includes("从今天起算") === true`)
	// Too few to pass the current deadline: the preview says so before
	// the request is sent.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const i = document.querySelector("#extension-form .deadline-days input");
		Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(i, "1");
		i.dispatchEvent(new Event("input", { bubbles: true }));
		return i.dispatchEvent(new Event("change", { bubbles: true }));
	})()`)); err != nil {
		t.Fatalf("one working day: %v", err)
	}
	waitJS(t, ctx, "the preview warns", `document.querySelector("#extension-form .deadline-preview").innerText.includes("须晚于 `+string(p.Deadline)+`")`)
	modeTo("按日期")
	// Its calendar offers no day up to the current deadline, which the
	// request would only be refused for.
	do(t, ctx, "the calendar", chromedp.Click(chromedp.CSS("#extension-form input[name=extension_deadline]")),
		chromedp.WaitVisible(chromedp.CSS(".el-date-picker .el-date-table")))
	deadline, _ := time.Parse(time.DateOnly, string(p.Deadline))
	month := fmt.Sprintf(`(() => { const h = [...document.querySelectorAll(".el-date-picker")].find((e) => e.offsetParent)?.querySelector(".el-date-picker__header")?.innerText || "";
		return h.replace(/\s/g, "") === "%d年%d月"; })()`, deadline.Year(), int(deadline.Month()))
	for i := 0; i < 3; i++ {
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](month)); ok {
			break
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { [...document.querySelectorAll(".el-date-picker")].find((e) => e.offsetParent).querySelector(".arrow-right, .d-arrow-right + button, button[aria-label*='下个月'], button[aria-label*='next month' i]")?.click(); return true; })()`)); err != nil {
			t.Fatal(err)
		}
	}
	waitJS(t, ctx, "the deadline's month", month)
	nextDay := deadline.AddDate(0, 0, 1).Day()
	if nextDay == 1 {
		nextDay = 0 // in the next month: only the deadline's own day is checked
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const cells = [...[...document.querySelectorAll(".el-date-picker")].find((e) => e.offsetParent).querySelectorAll(".el-date-table td")]
			.filter((td) => !td.classList.contains("prev-month") && !td.classList.contains("next-month"));
		const on = cells.find((td) => td.innerText.trim() === "%d"), after = cells.find((td) => td.innerText.trim() === "%d");
		return on.classList.contains("disabled") && (!after || !after.classList.contains("disabled"));
	})()`, deadline.Day(), nextDay))); err != nil || !ok {
		t.Errorf("the extension's calendar offers the current deadline %s (%v)", p.Deadline, err)
	}
	do(t, ctx, "close the calendar", chromedp.Click(chromedp.CSS("#extension-form p.muted")), chromedp.WaitNotVisible(chromedp.CSS(".el-date-picker .el-date-table")))
	do(t, ctx, "fill in the extension", chromedp.WaitVisible(chromedp.CSS("#extension-form input[name=extension_deadline]")),
		chromedp.SendKeys(chromedp.CSS("#extension-form input[name=extension_deadline]"), string(asked)+"\t"),
		chromedp.SendKeys(chromedp.CSS("#extension-form textarea[name=reason]"), "需与城管部门联合制定裁量基准,报区政府审定"))
	// The 协办 report is the co-units' part: the lead unit reports through
	// 整改进展 and is not offered it.
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("#progress") && !document.querySelector("#contribution-form") && document.querySelector("#contributions").innerText.includes("还没有协办单位报送情况")`)); err != nil || !ok {
		t.Errorf("the lead unit: progress report, no 协办 form, the co-units' reports still to come = %v, %v", ok, err)
	}
	checkPage(t, ctx, dir, "console-unit-extension-form")
	do(t, ctx, "ask", still("#extension-submit"), chromedp.Click(chromedp.CSS("#extension-submit")))
	waitJS(t, ctx, "the pending request", `document.querySelector("#extensions [data-status=pending]") !== null && !document.querySelector("#ask-extension")`)
	noDialog(t, ctx)
	checkPage(t, ctx, dir, "console-unit-extension")
	// On a phone, the request's state (and later the office's decision)
	// is on the screen, not in the table's fifth column.
	do(t, ctx, "the problem on a phone", phone())
	seen(t, ctx, "the pending request on a phone", "#extensions [data-status=pending]")
	do(t, ctx, "back on the desktop", chromedp.EmulateViewport(1280, 900))
	signOut()

	// 3. The co-unit finds it under 协办, cannot move it, and reports its
	// part with a photo.
	signIn(t, ctx, e.url, coToken, "#workspace-figures")
	waitJS(t, ctx, "the co-handled problem", `document.querySelectorAll("#assisted a.open-problem").length === 1 && document.querySelector("#assisted [data-role=co]") !== null && document.querySelectorAll("#todo a.open-problem").length === 0`)
	checkPage(t, ctx, dir, "console-unit-workspace-co")
	do(t, ctx, "open it", chromedp.Click(chromedp.CSS("#assisted a.open-problem")), chromedp.WaitVisible(chromedp.CSS("#contribution-form")))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#transitions button, #ask-extension, #edit-problem, #supervise").length`)); n != 0 {
		t.Errorf("the co-unit is offered %d moves or edits", n)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#progress").length`)); n != 0 {
		t.Errorf("the co-unit is offered the lead's progress report")
	}
	do(t, ctx, "report", chromedp.SendKeys(chromedp.CSS("#contribution-form textarea[name=contribution]"), "已审核市场监管局起草的裁量基准,提出三条修改意见"),
		chromedp.SetUploadFiles(chromedp.CSS("#contribution-files"), []string{photo}))
	waitJS(t, ctx, "the photo uploaded", `document.querySelector("#contribution-form [data-upload='现场照片.png'].done") !== null`)
	do(t, ctx, "send the report", chromedp.Click(chromedp.CSS("#contribution-submit")))
	waitJS(t, ctx, "the report", `[...document.querySelectorAll("#contributions .contribution-text")].some((d) => d.innerText.includes("三条修改意见")) && document.querySelector("#contributions").innerText.includes("现场照片.png")`)
	checkPage(t, ctx, dir, "console-unit-contribution")
	cs, err := e.svc.ListContributions(bg, e.admin, p.ID)
	if err != nil || len(cs) != 1 || cs[0].Unit != "区司法局" || len(cs[0].Files) != 1 {
		t.Fatalf("contributions = %+v, %v", cs, err)
	}
	signOut()

	// The lead unit reads the co-unit's report, with its photo, and is
	// still offered no 协办 form.
	signIn(t, ctx, e.url, leadToken, "#workspace-figures")
	do(t, ctx, "the lead unit opens the problem", chromedp.Navigate(e.url+"/console/problems/"+p.ID), chromedp.WaitVisible(chromedp.CSS("#contributions")))
	waitJS(t, ctx, "the co-unit's report, read-only", `[...document.querySelectorAll("#contributions .contribution-text")].some((d) => d.innerText.includes("三条修改意见")) && document.querySelector("#contributions").innerText.includes("区司法局") && !document.querySelector("#contribution-form")`)
	signOut()

	// 4. The office finds the requests waiting for it in 问题跟踪's
	// 延期待审批 (their count beside 问题跟踪 in the menu), refuses the
	// one overtaken by the rectification, approves the other and
	// supervises the problem; the view is empty then.
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	menuCount := `((document.querySelector('.aside [data-nav="problems"] .menu-count-n') || {}).textContent || "")`
	viewCount := `((document.querySelector("#view-extension-pending .view-count") || {}).textContent || "")`
	// openPending goes to 问题跟踪 through the menu and, once its first
	// view has loaded and the button is uncovered (the messages of what
	// was just done stack at the top centre, over the views' buttons), to
	// 延期待审批.
	openPending := func(what string) {
		do(t, ctx, what+": 问题跟踪", chromedp.Click(chromedp.CSS(`.aside [data-nav="problems"]`)), chromedp.WaitVisible(chromedp.CSS("#view-extension-pending")))
		waitJS(t, ctx, what+": 问题跟踪 loaded", `document.querySelector("#view-all").classList.contains("el-button--primary") && !document.querySelector("#problems .el-loading-mask") && `+onScreen("#view-extension-pending"))
		do(t, ctx, what+": 延期待审批", still("#view-extension-pending"), chromedp.Click(chromedp.CSS("#view-extension-pending")))
	}
	waitJS(t, ctx, "the unit's request counted in the menu", menuCount+` === "1"`)
	// A request the unit overtook by rectifying is only refused: approving
	// it would count an extension the unit did not need.
	farm := feedback.Identity{Subject: "farm", Name: "农业农村局联络员", Role: feedback.RoleUnit, Unit: "区农业农村局"}
	if _, err := e.svc.RequestExtension(bg, farm, other.ID, feedback.ExtensionInput{DeadlineWorkingDays: 30, Reason: "等待检测报告"}); err != nil {
		t.Fatal(err)
	}
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := e.svc.TransitionProblem(bg, farm, other.ID, feedback.Transition{To: to, Note: "已公示收费标准"}); err != nil {
			t.Fatal(err)
		}
	}
	waiting := `[...document.querySelectorAll("#problems a.open-problem")].map((a) => a.textContent.trim()).join("|")`
	do(t, ctx, "open 问题跟踪", chromedp.Click(chromedp.CSS(`.aside [data-nav="problems"]`)), chromedp.WaitVisible(chromedp.CSS("#view-extension-pending")))
	waitJS(t, ctx, "both requests counted", menuCount+` === "2" && `+viewCount+` === "2" && !document.querySelector("#problems .el-loading-mask") && `+onScreen("#view-extension-pending"))
	do(t, ctx, "延期待审批", still("#view-extension-pending"), chromedp.Click(chromedp.CSS("#view-extension-pending")))
	waitJS(t, ctx, "the requests waiting", waiting+` === `+jsString(p.Title+"|"+other.Title)+` && document.querySelector("#view-extension-pending").classList.contains("el-button--primary")`)
	if got := text("#problems"); strings.Count(got, "延期申请待审批") != 2 {
		t.Errorf("the 延期待审批 view = %q, want each row marked 延期申请待审批", got)
	}
	checkPage(t, ctx, dir, "console-problems-extension-pending")
	// The list's loading mask fades out over the rows: click once the
	// link is where a person sees it.
	waitJS(t, ctx, "the rectified problem's link uncovered", onScreen(`#problems a.open-problem[data-id="`+other.ID+`"]`))
	do(t, ctx, "open the rectified problem from the view", chromedp.Click(chromedp.CSS(`#problems a.open-problem[data-id="`+other.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#extensions .extension-moot")))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#extensions .approve-extension").length`)); n != 0 {
		t.Errorf("a rectified problem's request offers 同意")
	}
	do(t, ctx, "refuse it", chromedp.Click(chromedp.CSS("#extensions .refuse-extension")), chromedp.WaitVisible(chromedp.CSS("#decision-form textarea[name=decision_note]")),
		chromedp.SendKeys(chromedp.CSS("#decision-form textarea[name=decision_note]"), "已整改完成,无需延期"),
		still("#decision-submit"), chromedp.Click(chromedp.CSS("#decision-submit")))
	waitJS(t, ctx, "the refusal", `document.querySelector("#extensions [data-status=refused]") !== null`)
	noDialog(t, ctx)
	waitJS(t, ctx, "one request left in the menu's count", menuCount+` === "1"`)
	openPending("back to 延期待审批")
	waitJS(t, ctx, "the other request still waiting", waiting+` === `+jsString(p.Title)+` && `+viewCount+` === "1"`)
	waitJS(t, ctx, "the problem's link uncovered", onScreen(`#problems a.open-problem[data-id="`+p.ID+`"]`))
	do(t, ctx, "open the problem from the view", chromedp.Click(chromedp.CSS(`#problems a.open-problem[data-id="`+p.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#extensions .approve-extension")),
		chromedp.Click(chromedp.CSS("#extensions .approve-extension")), chromedp.WaitVisible(chromedp.CSS("#decision-form textarea[name=decision_note]")),
		chromedp.SendKeys(chromedp.CSS("#decision-form textarea[name=decision_note]"), "同意,请按新期限完成"))
	checkPage(t, ctx, dir, "console-extension-decision")
	do(t, ctx, "approve", still("#decision-submit"), chromedp.Click(chromedp.CSS("#decision-submit")))
	waitJS(t, ctx, "the approval", `document.querySelector("#extensions [data-status=approved]") !== null`)
	noDialog(t, ctx)
	do(t, ctx, "supervise", chromedp.Click(chromedp.CSS("#supervise")))
	waitJS(t, ctx, "the supervised tag", `document.querySelector("#supervised-tag") !== null`)
	if got := text("#problem"); !strings.Contains(got, string(p.Deadline)) || !strings.Contains(got, "原定期限") {
		t.Errorf("problem after the extension = %q, want the original deadline %s shown", got, p.Deadline)
	}
	checkPage(t, ctx, dir, "console-problem-extended")
	got, err := e.store.GetProblem(bg, p.ID)
	if err != nil || got.Deadline != asked || got.OriginalDeadline != p.Deadline || !got.Supervised || got.Extensions != 1 {
		t.Fatalf("problem = deadline %s original %s supervised %v extensions %d, %v", got.Deadline, got.OriginalDeadline, got.Supervised, got.Extensions, err)
	}
	waitJS(t, ctx, "nothing left in the menu's count", `document.querySelector(".aside .menu-count") === null`)
	openPending("延期待审批 again")
	waitJS(t, ctx, "延期待审批 empty", `document.querySelector("#view-extension-pending").classList.contains("el-button--primary") && `+
		`document.querySelectorAll("#problems a.open-problem").length === 0 && document.querySelector("#problems").innerText.includes("没有待审批的延期申请") && `+viewCount+` === ""`)
	do(t, ctx, "supervised problems", chromedp.Navigate(e.url+"/console/problems?supervised=true"), chromedp.WaitVisible(chromedp.CSS("#problems a.open-problem")))
	waitJS(t, ctx, "the registered units offered in the unit filter", `(document.querySelector("#problem-filters input[name=unit]").list?.options.length || 0) === 5`)
	checkPage(t, ctx, dir, "console-problems-supervised")

	// 5. The assessment counts the extension; the administrator changes
	// the scheme.
	do(t, ctx, "assessment", chromedp.Click(chromedp.CSS(`[data-nav="assessment"]`)), chromedp.WaitVisible(chromedp.CSS(`#assessment-table [data-unit="区市场监管局"]`)))
	waitJS(t, ctx, "the extension counted", `[...document.querySelectorAll("#assessment-table tr")].some((tr) => tr.innerText.includes("区市场监管局") && tr.querySelector(".score").innerText === "99.5")`)
	checkPage(t, ctx, dir, "console-assessment")
	// On a tablet (the office's, held upright) the score and what made it
	// are on the screen, not in columns scrolled off the right.
	do(t, ctx, "the assessment on a tablet", chromedp.EmulateViewport(768, 1024, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	seen(t, ctx, "the score and its events on a tablet", `#assessment-table .score`, `#assessment-table .stacked-counts`)
	if got := text("#assessment-table"); !strings.Contains(got, "申请延期 1") {
		t.Errorf("assessment on a tablet = %q, want the extension counted in the unit's line", got)
	}
	do(t, ctx, "back on the desktop", chromedp.EmulateViewport(1280, 900))
	do(t, ctx, "edit the scheme", chromedp.Click(chromedp.CSS("#edit-scheme")), chromedp.WaitVisible(chromedp.CSS("#scheme-form")))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const set = (name, v) => { const i = document.querySelector("#scheme-form input[name='" + name + "']"); i.value = v; i.dispatchEvent(new Event("input", { bubbles: true })); i.dispatchEvent(new Event("change", { bubbles: true })); };
		set("base", "90");
		set("points-extension", "-2");
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "save the scheme", chromedp.Click(chromedp.CSS("#save-scheme")))
	waitJS(t, ctx, "the new score", `!document.querySelector("#scheme-form") && [...document.querySelectorAll("#assessment-table tr")].some((tr) => tr.innerText.includes("区市场监管局") && tr.querySelector(".score").innerText === "88")`)
	sc, err := e.svc.AssessmentScheme(bg, e.admin)
	if err != nil || sc.Base != 90 || sc.Points(feedback.EventExtension) != -2 || sc.Version != 1 {
		t.Fatalf("saved scheme = %+v, %v", sc, err)
	}
	checkPage(t, ctx, dir, "console-assessment-scheme")
}

// seen scrolls each element sels match into view and waits until a person
// sees it there: inside the window, not clipped by a table scrolled
// sideways.
func seen(t *testing.T, ctx context.Context, what string, sels ...string) {
	t.Helper()
	for _, sel := range sels {
		q, _ := json.Marshal(sel)
		waitJS(t, ctx, what+" ("+sel+")", `(() => { const el = document.querySelector(`+string(q)+`); if (!el) return false; el.scrollIntoView({ block: "center" }); return `+onScreen(sel)+`; })()`)
	}
}
