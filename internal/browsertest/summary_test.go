package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestConsoleSummary generates a weekly summary from the console's 汇总
// view and checks its charts, tables and scorecard against hand-made data,
// then the downloads, the list, a tablet-width layout and the message a
// unit account gets instead of the summaries.
func TestConsoleSummary(t *testing.T) {
	requireChromium(t) // skip before seeding when there is none
	e := newEnv(t)
	bg := context.Background()
	today := feedback.DateOf(time.Now())

	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	sym2 := e.symposium(t, "综合行政执法进驻式监督座谈会", "综合行政执法")
	for i, in := range []struct {
		sym  *feedback.Symposium
		in   feedback.SubmissionInput
		lead bool
	}{
		{sym, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Topic: "罚款过重", Content: "对小微企业首次轻微违法也罚款,建议落实首违不罚。"}, false},
		{sym, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Content: "同一事项多个部门重复检查,建议联合检查。"}, false},
		{sym, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Topic: "执法证件", Content: "执法人员检查时未出示执法证件。"}, true},
		{sym2, feedback.SubmissionInput{ParticipantKind: feedback.Community, Content: "村里综合执法队伍人手不足,检查频次低。"}, false},
		{sym2, feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "建议公开罚没收入的使用情况。"}, false},
	} {
		if in.lead {
			in.in.Kind = feedback.KindProblemLead
		}
		sg, _, err := e.svc.Submit(bg, in.sym.Code, in.in, feedback.ChannelQR)
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if err := e.svc.RouteSuggestion(bg, sg.ID); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
	}

	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	// With no rules all five went to 待分拣; a rule saved now files the
	// community representative's to the list, four stay waiting.
	if err := e.svc.PutRules(bg, e.admin, &feedback.RuleSet{Rules: []feedback.RoutingRule{{Name: "村(社区)代表意见",
		Match: feedback.RuleMatch{ParticipantKinds: []feedback.ParticipantKind{feedback.Community}}, ProblemListID: list.ID}}}); err != nil {
		t.Fatalf("save rules: %v", err)
	}
	if c, err := e.svc.RerouteTriage(bg, e.admin); err != nil || c.Moved != 1 {
		t.Fatalf("reroute the triage list: %+v, %v", c, err)
	}
	problem := func(title, unit string, deadline feedback.Date, steps ...feedback.Transition) *feedback.Problem {
		t.Helper()
		p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: title,
			ResponsibleUnit: unit, ResponsiblePerson: "责任人", Requirement: "按期整改", Deadline: deadline})
		if err != nil {
			t.Fatalf("create problem %s: %v", title, err)
		}
		for _, st := range steps {
			if p, err = e.svc.TransitionProblem(bg, e.admin, p.ID, st); err != nil {
				t.Fatalf("problem %s → %s: %v", title, st.To, err)
			}
		}
		return p
	}
	to := func(s feedback.ProblemStatus) feedback.Transition { return feedback.Transition{To: s} }
	// 区财政局: one problem, 3 days overdue.
	overdue := problem("罚没收入公开不及时", "区财政局", today.AddDays(-3))
	// 区市场监管局: two rectified, one on time (its look-back due in 2
	// days) and one late: on-time rate 50.0%.
	problem("首违不罚清单未落实", "区市场监管局", today.AddDays(10), to(feedback.ProblemRectifying),
		feedback.Transition{To: feedback.ProblemRectified, LookbackDue: today.AddDays(2)})
	problem("重复检查", "区市场监管局", today.AddDays(-2), to(feedback.ProblemRectifying), to(feedback.ProblemRectified))
	// 区城管执法局: failed its look-back (a relapse), now due in 2 days.
	problem("夜间施工扰民", "区城管执法局", today.AddDays(5), to(feedback.ProblemRectifying), to(feedback.ProblemRectified),
		feedback.Transition{To: feedback.ProblemReopened, NewDeadline: today.AddDays(2)})

	unitToken := feedback.NewToken()
	if err := e.store.CreateAccount(bg, &feedback.Account{ID: feedback.NewID(time.Now()), Name: "区财政局联络员",
		Role: feedback.RoleUnit, Unit: "区财政局", TokenHash: feedback.HashToken(unitToken), CreatedAt: time.Now()}); err != nil {
		t.Fatalf("create unit account: %v", err)
	}

	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	downloads := allowDownloads(t, ctx)
	watchCSP(t, ctx)

	// Sign in with the admin token and open 汇总 from the menu.
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open summaries", chromedp.Click(chromedp.CSS(`.aside [data-nav="summaries"]`)), chromedp.WaitVisible(chromedp.CSS("#generate-summary")))
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#generate-summary input[name=date]").value`)); got != string(today) {
		t.Errorf("default date = %q, want today in Asia/Shanghai %q", got, today)
	}
	waitJS(t, ctx, "the empty list", `document.querySelector("#summaries .el-table__empty-text")?.textContent.includes("还没有汇总")`)

	// Generate this week's summary from the form.
	pick(t, ctx, "#generate-summary", "周汇总")
	do(t, ctx, "generate", chromedp.Click(chromedp.CSS("#generate-submit")), chromedp.WaitVisible(chromedp.CSS("#scorecard")))
	monday, sunday := feedback.Weekly.Bounds(today)
	wantID := feedback.SummaryID(feedback.Weekly, monday)
	if path, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); path != "/console/summaries/"+wantID {
		t.Errorf("after generating, the page is %q, want /console/summaries/%s", path, wantID)
	}
	if _, err := e.svc.GetSummary(bg, e.admin, wantID); err != nil {
		t.Fatalf("the generated summary is not stored: %v", err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#summary-title").textContent`))
	if want := "建言工作周汇总(" + string(monday) + " 至 " + string(sunday) + ")"; title != want {
		t.Errorf("title = %q, want %q", title, want)
	}

	// One chart per section, drawn as SVG; each says its bars in words.
	waitJS(t, ctx, "the charts", `document.querySelectorAll("section[id^=chart-] svg").length >= 8`)
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][]string](`(() => {
		const out = {};
		for (const c of document.querySelectorAll("section[id^=chart-]")) {
			const d = c.querySelector("[data-bars]");
			if (d && d.querySelector("svg")) out[c.id] = JSON.parse(d.dataset.bars);
		}
		return out;
	})()`))
	if err != nil {
		t.Fatalf("read charts: %v", err)
	}
	for _, tt := range []struct {
		chart string
		want  []string
	}{
		{"chart-participant", []string{"人大代表:1条", "政协委员:0条", "企业代表:2条", "村(社区)代表:1条", "群众/其他:1条"}},
		{"chart-symposium", []string{"涉企乱罚款专项治理座谈会:3条", "综合行政执法进驻式监督座谈会:2条"}},
		{"chart-kind", []string{"意见建议:4条", "问题线索:1条"}},
		{"chart-channel", []string{"扫码:5条", "网页:0条", "工作人员录入:0条", "批量导入:0条"}},
		// 待分拣 as the triage list says (checked below), 已分拣 only for
		// the one filed to a real list.
		{"chart-status", []string{"已收到:0条", "待分拣:4条", "已分拣:1条", "已采纳:0条", "未采纳:0条"}},
		{"chart-problem-states", []string{"待整改:1个", "整改中:0个", "已整改:2个", "回头看通过:0个", "重新整改:1个", "长期坚持:0个"}},
		{"chart-overdue", []string{"罚没收入公开不及时:3天"}},
		{"chart-due", []string{"[到期] 夜间施工扰民:2天", "[回头看] 首违不罚清单未落实:2天"}},
	} {
		got, ok := bars[tt.chart]
		if !ok {
			t.Errorf("chart %s: no SVG chart", tt.chart)
			continue
		}
		if tt.want == nil {
			continue
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("chart %s bars = %q, want %q", tt.chart, got, tt.want)
		}
	}
	// Every bar's label is readable: no two words of a chart (axis labels,
	// values) run into each other, even with six problem states side by
	// side in a third of the page (three charts a row from 1366 px).
	for _, w := range []int64{1280, 1366} {
		do(t, ctx, "viewport", chromedp.EmulateViewport(w, 900))
		// The charts redraw on resize: give them up to 3 s.
		var clash []string
		var err error
		for range 15 {
			time.Sleep(200 * time.Millisecond)
			if clash, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](chartClashes)); err == nil && len(clash) == 0 {
				break
			}
		}
		if err != nil || len(clash) > 0 {
			t.Errorf("at %d px chart labels overlap: %q, %v", w, clash, err)
		}
	}
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	// The due-soon table shows all its columns once laid out again: its
	// last header ends inside its card.
	waitJS(t, ctx, "the due-soon table whole in its card", `(() => {
		const th = [...document.querySelectorAll("#due-soon-table th")].find((th) => th.innerText.includes("剩余天数"));
		return !!th && th.getBoundingClientRect().right <= document.querySelector("#summary-due-soon").getBoundingClientRect().right;
	})()`)
	// Units with nothing rectified have no rate: "—".
	if got := strings.Join(bars["chart-ontime"], "|"); !strings.Contains(got, "区市场监管局:50%") || !strings.Contains(got, "区财政局:—") {
		t.Errorf("chart-ontime bars = %q", got)
	}
	statusTotal := 0
	for _, b := range bars["chart-status"] {
		_, num, _ := strings.Cut(b, ":")
		n, err := strconv.Atoi(strings.TrimSuffix(num, "条"))
		if err != nil {
			t.Errorf("chart-status bar %q: %v", b, err)
		}
		statusTotal += n
	}
	if statusTotal != 5 {
		t.Errorf("chart-status bars %q add up to %d, want 5", bars["chart-status"], statusTotal)
	}

	// The scorecard: one row per unit with the exact numbers.
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(
		[...document.querySelectorAll("#scorecard tbody tr")].map((tr) =>
			[tr.querySelector("[data-unit]").dataset.unit, [...tr.querySelectorAll("td")].slice(1).map((td) => td.textContent.trim()).join(",")]))`))
	if err != nil {
		t.Fatalf("read scorecard: %v", err)
	}
	// assigned, rectified, rectified on time, on-time rate, overdue, due soon, relapses,
	// extended, reply rate, satisfaction rate, re-handles (no suggestions here: no rates)
	wantRows := map[string]string{
		"区财政局":   "1,0,0,—,1,0,0,0,—,—,0",
		"区市场监管局": "2,2,1,50.0%,0,0,0,0,—,—,0",
		"区城管执法局": "1,0,0,—,0,1,1,0,—,—,0",
	}
	if len(rows) != len(wantRows) {
		t.Errorf("scorecard rows = %q, want %q", rows, wantRows)
	}
	for unit, want := range wantRows {
		if got := rows[unit]; got != want {
			t.Errorf("scorecard %s = %q, want %q", unit, got, want)
		}
	}
	overdueRow, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#overdue-table tbody tr")].map((tr) =>
		tr.querySelector("a").getAttribute("href") + "|" + [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()).join("|")).join("\n")`))
	if want := "/console/problems/" + overdue.ID + "|罚没收入公开不及时|区财政局|" + string(today.AddDays(-3)) + "|3"; overdueRow != want {
		t.Errorf("overdue table = %q, want %q", overdueRow, want)
	}
	for _, sel := range []string{"#due-soon-table tbody tr", "#lookback-table tbody tr"} {
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`)); n != 1 {
			t.Errorf("%s: %d rows, want 1", sel, n)
		}
	}
	checkPage(t, ctx, dir, "console-summary")

	// Downloads carry the token (fetch + blob): the XLSX and the printable page.
	for _, d := range []struct{ button, ext, want string }{
		{"#download-xlsx", ".xlsx", "PK\x03\x04"},
		{"#download-html", ".html", "<!doctype html>"},
	} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(d.button))); err != nil {
			t.Fatalf("click %s: %v", d.button, err)
		}
		dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		file, err := waitFile(dctx, downloads, d.ext)
		cancel()
		if err != nil {
			t.Fatalf("no %s download: %v", d.ext, err)
		}
		var data []byte
		for range 20 { // the file may still be being written
			data, _ = os.ReadFile(file)
			if len(data) > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !bytes.HasPrefix(data, []byte(d.want)) {
			t.Errorf("%s download starts %q, want %q", d.ext, data[:min(len(data), 16)], d.want)
		}
		if d.ext == ".html" && !bytes.Contains(data, []byte(title)) {
			t.Errorf("printable page lacks the title %q", title)
		}
	}

	// A tablet: no sideways scrolling of the page, charts still drawn.
	do(t, ctx, "tablet", chromedp.EmulateViewport(820, 1180), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#chart-ontime svg")))
	if wide, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Errorf("at 820 px the summary page scrolls sideways")
	}
	// Every unit's figures on the screen, not in columns off its right.
	seen(t, ctx, "the scorecard and the assessment on a tablet", "#scorecard .stacked-counts", "#assessment-table .stacked-counts")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#scorecard tbody tr")].find((tr) => tr.innerText.includes("区市场监管局"))?.innerText || ""`)); !strings.Contains(got, "交办 2 · 已整改 2 · 按期整改 1") || !strings.Contains(got, "50.0%") {
		t.Errorf("区市场监管局 on a tablet = %q, want its figures under its name", got)
	}
	checkPage(t, ctx, dir, "console-summary-tablet")
	// A phone: the menu folds into a drawer, the page still fits.
	do(t, ctx, "phone", phone(), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#scorecard")))
	if wide, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Errorf("on a phone the summary page scrolls sideways")
	}
	checkPage(t, ctx, dir, "console-summary-phone")

	// The list shows the summary, newest first, and filters by period.
	do(t, ctx, "summary list", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/console/summaries"),
		chromedp.WaitVisible(chromedp.CSS(`#summaries a.open-summary[data-id="`+wantID+`"]`)))
	checkPage(t, ctx, dir, "console-summaries-list")
	do(t, ctx, "daily filter", chromedp.Click(chromedp.CSS(`#summary-period label:nth-of-type(2)`)))
	waitJS(t, ctx, "the daily filter", `location.search === "?period=daily" && document.querySelector("#summaries .el-table__empty-text") !== null`)

	// The chart's 待分拣 is the number the triage list itself shows.
	do(t, ctx, "the triage list", chromedp.Navigate(e.url+"/console/problem-lists/triage"), chromedp.WaitVisible(chromedp.CSS("#list-counts")))
	counts, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#list-counts").textContent`))
	waiting := -1
	for _, b := range bars["chart-status"] {
		if label, num, _ := strings.Cut(b, ":"); label == "待分拣" {
			waiting, _ = strconv.Atoi(strings.TrimSuffix(num, "条"))
		}
	}
	if want := fmt.Sprintf("待分拣 %d 条", waiting); waiting < 1 || !strings.HasPrefix(counts, want) {
		t.Errorf("the summary says 待分拣 %d (bars %q), the triage list says %q", waiting, bars["chart-status"], counts)
	}

	// A unit account never sees the summaries: its menu lacks them and the
	// link gives a clear message, not a broken page.
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	signIn(t, ctx, e.url, unitToken, "#workspace-figures")
	do(t, ctx, "unit account opens a summary", chromedp.Navigate(e.url+"/console/summaries/"+wantID), chromedp.WaitVisible(chromedp.CSS("#forbidden")))
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#forbidden").textContent`))
	if !strings.Contains(msg, "无权访问") {
		t.Errorf("unit account message = %q", msg)
	}
	checkPage(t, ctx, dir, "console-summary-forbidden")

	// A notice's link, followed while signed out, asks for the sign-in and
	// then opens the summary it names (never a JSON 401).
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	link := e.svc.SummaryLink(wantID)
	if !strings.HasPrefix(link, e.url+"/console/summaries/") {
		t.Fatalf("summary link %q is not the console's page", link)
	}
	do(t, ctx, "follow the link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
		chromedp.SendKeys(chromedp.CSS("input[name=token]"), adminToken), chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#summary-title")))
	if path, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); path != "/console/summaries/"+wantID {
		t.Errorf("after signing in from the link, the page is %q", path)
	}

	// A reminder's links, followed while signed out: the office's copy
	// opens the unit's overdue problems, the unit's own copy its workspace.
	for _, r := range []struct {
		who, link, token, path, sel, shows, hides string
	}{
		{"office", e.svc.UnitProblemsLink("区财政局", true), adminToken, "/console/problems", "#problems .el-table__row", overdue.Title, "首违不罚清单未落实"},
		{"unit", e.svc.WorkspaceLink(), unitToken, "/console/workspace", "#workspace-figures", overdue.Title, "首违不罚清单未落实"},
	} {
		do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
		do(t, ctx, "follow the "+r.who+"'s reminder link", chromedp.Navigate(r.link), chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
			chromedp.SendKeys(chromedp.CSS("input[name=token]"), r.token), chromedp.Click(chromedp.CSS("#login")),
			chromedp.WaitVisible(chromedp.CSS(r.sel)))
		waitJS(t, ctx, "the "+r.who+"'s reminder page lists the overdue problem", `document.querySelector("main").innerText.includes(`+strconv.Quote(r.shows)+`)`)
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[location.pathname, document.querySelector("main").innerText]`))
		if len(page) != 2 || page[0] != r.path {
			t.Errorf("the %s's reminder link opens %q, want %s", r.who, page, r.path)
		} else if strings.Contains(page[1], r.hides) {
			t.Errorf("the %s's reminder page shows another unit's problem %q", r.who, r.hides)
		}
		checkPage(t, ctx, dir, "console-reminder-"+r.who)
	}
}

// chartClashes lists the pairs of texts that overlap in the charts on the
// page, as "chart: a / b".
const chartClashes = `(() => {
	const out = [];
	for (const svg of document.querySelectorAll("section[id^=chart-] svg")) {
		const ts = [...svg.querySelectorAll("text")].map((t) => ({ s: t.textContent, r: t.getBoundingClientRect() })).filter((t) => t.s.trim() && t.r.width);
		for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) {
			const a = ts[i].r, b = ts[j].r;
			if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
				out.push(svg.closest("section").id + ": " + ts[i].s + " / " + ts[j].s);
		}
	}
	return out;
})()`
