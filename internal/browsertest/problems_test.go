package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

// TestProblemViews: 问题跟踪's views across every list — overdue, look-back
// due, supervised, by unit — each listing what it should, and 导出 Excel
// downloading exactly the rows the view shows.
func TestProblemViews(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	today := feedback.DateOf(time.Now())
	fines, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	town, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "综合行政执法问题清单", Campaign: "综合行政执法"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(list *feedback.ProblemList, title, unit string, deadline feedback.Date, steps ...feedback.Transition) *feedback.Problem {
		t.Helper()
		p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: title, ResponsibleUnit: unit,
			ResponsiblePerson: "局长", Requirement: "按期整改", Deadline: deadline})
		if err != nil {
			t.Fatalf("create %s: %v", title, err)
		}
		for _, st := range steps {
			if p, err = e.svc.TransitionProblem(bg, e.admin, p.ID, st); err != nil {
				t.Fatalf("%s → %s: %v", title, st.To, err)
			}
		}
		time.Sleep(2 * time.Millisecond) // distinct creation times, so the order is the order made
		return p
	}
	supervised := mk(fines, "罚没收入公开不及时", "区财政局", today.AddDays(-3))
	if _, err := e.svc.EditProblem(bg, e.admin, supervised.ID, feedback.ProblemEdit{Supervised: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	mk(fines, "首违不罚清单未公布", "区市场监管局", today.AddDays(20))
	mk(town, "门前三包以罚代管", "区城管执法局", today.AddDays(-1))
	mk(fines, "重复检查扰企", "区市场监管局", today.AddDays(5), feedback.Transition{To: feedback.ProblemRectifying},
		feedback.Transition{To: feedback.ProblemRectified, LookbackDue: today})
	mk(town, "夜间施工扰民", "区城管执法局", today.AddDays(5), feedback.Transition{To: feedback.ProblemRectifying},
		feedback.Transition{To: feedback.ProblemRectified, LookbackDue: today.AddDays(10)})

	ctx := startBrowser(t, 150*time.Second)
	dir := artifacts(t)
	downloads := allowDownloads(t, ctx)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open 问题跟踪", chromedp.Click(chromedp.CSS(`.aside [data-nav="problems"]`)), chromedp.WaitVisible(chromedp.CSS("#view-lookback")))

	shown := `[...document.querySelectorAll("#problems a.open-problem")].map((a) => a.textContent.trim()).join("|")`
	for _, v := range []struct {
		button, name string
		want         []string
	}{
		{"#view-overdue", "overdue", []string{"罚没收入公开不及时", "门前三包以罚代管"}},
		{"#view-lookback", "lookback", []string{"重复检查扰企"}},
		{"#view-supervised", "supervised", []string{"罚没收入公开不及时"}},
		{"#view-all", "all", []string{"罚没收入公开不及时", "首违不罚清单未公布", "门前三包以罚代管", "重复检查扰企", "夜间施工扰民"}},
	} {
		do(t, ctx, "view "+v.name, chromedp.Click(chromedp.CSS(v.button)))
		want := ""
		for i, s := range v.want {
			if i > 0 {
				want += "|"
			}
			want += s
		}
		waitJS(t, ctx, "the "+v.name+" view", shown+` === "`+want+`"`)
		checkPage(t, ctx, dir, "console-problems-"+v.name)
		if d, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#next-page").disabled`)); !d {
			t.Errorf("view %s: 下一页 is enabled on the only page", v.name)
		}
		exportAndCompare(t, ctx, downloads, v.name, v.want)
	}

	// By unit, through the filter form.
	do(t, ctx, "filter by unit", chromedp.SendKeys(chromedp.CSS(`#problem-filters input[name="unit"]`), "区城管执法局"),
		chromedp.Click(chromedp.CSS(`#problem-filters button[type="submit"]`)))
	waitJS(t, ctx, "the unit's problems", shown+` === "门前三包以罚代管|夜间施工扰民"`)
	checkPage(t, ctx, dir, "console-problems-unit")
	exportAndCompare(t, ctx, downloads, "unit", []string{"门前三包以罚代管", "夜间施工扰民"})

	// A view longer than a page: 下一页 leads on, 上一页 back.
	many, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "占道经营整治问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 51 {
		if _, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: many.ID, Title: "占道经营点位 " + strconv.Itoa(i+1),
			ResponsibleUnit: "区城管执法局"}); err != nil {
			t.Fatal(err)
		}
	}
	rows := `document.querySelectorAll("#problems a.open-problem").length`
	do(t, ctx, "a long view", chromedp.Navigate(e.url+"/console/problems?problem_list_id="+many.ID), chromedp.WaitVisible(chromedp.CSS("#next-page")))
	waitJS(t, ctx, "the first page", rows+` === 50 && !document.querySelector("#next-page").disabled && document.querySelector("#prev-page").disabled`)
	do(t, ctx, "next page", chromedp.Click(chromedp.CSS("#next-page")))
	waitJS(t, ctx, "the second page", rows+` === 1 && document.querySelector("#next-page").disabled && !document.querySelector("#prev-page").disabled`)
	do(t, ctx, "previous page", chromedp.Click(chromedp.CSS("#prev-page")))
	waitJS(t, ctx, "the first page again", rows+` === 50`)
}

// exportAndCompare clicks 导出 Excel and checks the file holds exactly the
// problems want, in order.
func exportAndCompare(t *testing.T, ctx context.Context, downloads, view string, want []string) {
	t.Helper()
	old, _ := filepath.Glob(filepath.Join(downloads, "*.xlsx"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	do(t, ctx, "export "+view, chromedp.Click(chromedp.CSS("#export-problems")))
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	file, err := waitFile(dctx, downloads, ".xlsx")
	if err != nil {
		t.Fatalf("no export of %s: %v", view, err)
	}
	var rows [][]string
	for range 20 { // the file may still be being written
		if data, err := os.ReadFile(file); err == nil {
			if rows, err = (xlsx.Codec{}).Read(data); err == nil {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(rows) < 2 || rows[1][0] != "序号" {
		t.Fatalf("export of %s: %q", view, rows)
	}
	var got []string
	for _, r := range rows[2:] {
		got = append(got, r[1])
	}
	if !slices.Equal(got, want) {
		t.Errorf("export of %s holds %q, want %q", view, got, want)
	}
}

// TestProblemRatingWording: a problem whose only rating is 基本满意 says so
// on its page: the count of 满意和基本满意, as the summary and the unit
// scorecard word it, never "满意 1 条" beside a history that reads 基本满意.
func TestProblemRatingWording(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	sg, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise,
		Content: "对小微企业首次轻微违法也罚款,建议落实首违不罚清单。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "首违不罚清单未落实",
		SuggestionIDs: []string{sg.ID}, ResponsibleUnit: "区市场监管局", ResponsiblePerson: "王局长",
		Requirement: "公布首违不罚清单", Deadline: feedback.DateOf(time.Now()).AddDays(20)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ReplyToSuggestion(bg, e.admin, sg.ID, "清单已起草,下月公布。", feedback.GradeB); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RateReply(bg, sg.Receipt, feedback.RatingInput{Rating: feedback.RatingBasicallySatisfied}); err != nil {
		t.Fatal(err)
	}
	ctx := startBrowser(t, 60*time.Second)
	dir := artifacts(t)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1366, 768))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open the problem", chromedp.Navigate(e.url+"/console/problems/"+p.ID), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	waitJS(t, ctx, "the rating in the history", `document.querySelector("#timeline").innerText.includes("基本满意")`)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const l = [...document.querySelectorAll(".el-descriptions__label")].find((l) => l.innerText.trim() === "提交人评价");
		return l ? l.nextElementSibling.innerText.trim() : "";
	})()`))
	if want := "已评价 1 条,满意和基本满意 1 条"; err != nil || got != want {
		t.Errorf("提交人评价 reads %q (%v), want %q", got, err, want)
	}
	checkPage(t, ctx, dir, "problem-rating-wording")
}

// TestProblemDeadlineWorkingDaysOnOneLine: a deadline set in working days
// reads 2026-12-25(15 个工作日) in the problem table at 1366 px, the
// parenthesis on one line, never broken as 工作 / 日.
func TestProblemDeadlineWorkingDaysOnOneLine(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "首违不罚清单未落实",
		ResponsibleUnit: "区市场监管局", ResponsiblePerson: "王局长", Requirement: "公布首违不罚清单", DeadlineWorkingDays: 15})
	if err != nil {
		t.Fatal(err)
	}
	ctx := startBrowser(t, 60*time.Second)
	dir := artifacts(t)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1366, 768))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open 问题跟踪", chromedp.Navigate(e.url+"/console/problems"), chromedp.WaitVisible(chromedp.CSS("#problems a.open-problem")))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const wd = document.querySelector("#problems .deadline-wd");
		return wd ? wd.innerText + "|" + wd.getClientRects().length : "";
	})()`))
	if want := "(15 个工作日)|1"; err != nil || got != want {
		t.Errorf("the deadline's working days read %q (%v), want %q (on one line) for %s", got, err, want, p.Deadline)
	}
	// The date itself stays whole too, even where the column is narrow
	// (a tablet): never 2026-12- / 25.
	do(t, ctx, "tablet", chromedp.EmulateViewport(1100, 800))
	got, err = chromedp.Run(ctx, chromedp.Poll[string](`(() => {
		const wd = document.querySelector("#problems .deadline-wd");
		const day = wd && wd.previousElementSibling;
		return day && day.textContent.length === 10 ? day.textContent + "|" + day.getClientRects().length : "";
	})()`))
	if want := string(p.Deadline) + "|1"; err != nil || got != want {
		t.Errorf("the deadline reads %q (%v), want %q (on one line)", got, err, want)
	}
	checkPage(t, ctx, dir, "problems-deadline-working-days")
}
