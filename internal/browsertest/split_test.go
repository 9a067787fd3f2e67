package browsertest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestSplitSuggestion: a clerk splits a suggestion that raises two matters
// into two problems for two units (a missing title is shown under that
// problem's form), the suggestion lists both, each problem names it as a
// source shared with another, and the submitter's receipt shows each
// problem's progress.
func TestSplitSuggestion(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	sg, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Topic: "罚款与执法力量",
		Content: "市场监管部门对首次轻微违法也罚款;镇里综合执法队伍人手不足,检查频次低。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RouteSuggestion(bg, sg.ID); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "open the suggestion", chromedp.Navigate(e.url+"/console/suggestions/"+sg.ID), chromedp.WaitVisible(chromedp.CSS("#split-start")))
	do(t, ctx, "start the split", chromedp.Click(chromedp.CSS("#split-start")), chromedp.WaitVisible(chromedp.CSS(`#split-form [data-part="1"]`)))
	part := func(i, field string) string { return `#split-form [data-part="` + i + `"] [name="` + field + `"]` }
	for i, p := range []struct{ title, unit, person string }{{"首违不罚清单未落实", "区市场监管局", "王局长"}, {"", "区城管执法局", "李局长"}} {
		n := string(rune('0' + i))
		pick(t, ctx, `#split-form [data-part="`+n+`"] .sel-problem_list_id`, list.Title)
		if p.title != "" {
			do(t, ctx, "title "+n, chromedp.SendKeys(chromedp.CSS(part(n, "title")), p.title))
		}
		do(t, ctx, "fill problem "+n,
			chromedp.SendKeys(chromedp.CSS(part(n, "responsible_unit")), p.unit),
			chromedp.SendKeys(chromedp.CSS(part(n, "responsible_person")), p.person),
		)
	}
	do(t, ctx, "split without the second title", chromedp.Click(chromedp.CSS("#split-submit")))
	waitJS(t, ctx, "the error under the second title", `document.querySelector('#split-form [data-part="1"]').innerText.includes("请填写问题标题")`)
	checkPage(t, ctx, dir, "console-split-error")
	if got, _ := e.store.GetSuggestion(bg, sg.ID); got.Status == feedback.SuggestionAdopted {
		t.Fatalf("a refused split adopted the suggestion")
	}
	do(t, ctx, "the second title", chromedp.SendKeys(chromedp.CSS(part("1", "title")), "镇综合执法力量不足"), chromedp.Click(chromedp.CSS("#split-submit")))
	waitJS(t, ctx, "both problems on the suggestion", `document.querySelectorAll("#problems-of ol li").length === 2`)
	checkPage(t, ctx, dir, "console-split-done")

	got, err := e.store.GetSuggestion(bg, sg.ID)
	if err != nil || got.Status != feedback.SuggestionAdopted || len(got.Problems()) != 2 {
		t.Fatalf("stored suggestion: %+v, %v", got, err)
	}
	var units []string
	for _, pid := range got.Problems() {
		p, err := e.store.GetProblem(bg, pid)
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, p.ResponsibleUnit)
	}
	if !slices.Equal(units, []string{"区市场监管局", "区城管执法局"}) {
		t.Errorf("units = %v", units)
	}
	do(t, ctx, "open the second problem", chromedp.Navigate(e.url+"/console/problems/"+got.Problems()[1]), chromedp.WaitVisible(chromedp.CSS("#sources")))
	waitJS(t, ctx, "the shared source", `document.querySelector("#sources").innerText.includes("已拆分为 2 个问题")`)
	checkPage(t, ctx, dir, "console-split-problem")

	do(t, ctx, "the receipt on a phone", phone(), chromedp.Navigate(e.url+"/r/"+sg.Receipt), chromedp.WaitReady(chromedp.CSS("#problems")))
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	for _, want := range []string{"涉及 2 个问题", "问题一", "问题二", "待整改"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	checkPage(t, ctx, dir, "public-receipt-split")
}
