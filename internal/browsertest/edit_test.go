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

// TestConsoleProblemEdit changes a problem through the console as the
// office does when a campaign meeting reassigns it: every field of the
// edit form, the deadline with the reason the hint asks for; the look-back
// date of a rectified problem; and a later suggestion linked to the
// problem from its own page, which then names it by receipt number.
func TestConsoleProblemEdit(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	today := feedback.DateOf(time.Now())
	p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "首违不罚未落实",
		ResponsibleUnit: "区市场监管局", ResponsiblePerson: "王局长", Requirement: "制定清单", Deadline: today.AddDays(20)})
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚没收入公开不及时",
		ResponsibleUnit: "区财政局", Deadline: today.AddDays(10)})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := e.svc.TransitionProblem(bg, e.admin, done.ID, feedback.Transition{To: st, Note: "按期办理"}); err != nil {
			t.Fatal(err)
		}
	}
	later, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Topic: "又被罚款",
		Content: "上月首次轻微违法仍被罚款两千元。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	// retype replaces what an input holds, as a person selects it and types.
	retype := func(sel, text string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector(`+jsString(sel)+`); i.focus(); i.select(); return true; })()`)); err != nil {
			t.Fatalf("select %s: %v", sel, err)
		}
		do(t, ctx, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
	}

	// 1. Every field of an open problem, the deadline with its reason.
	moved := today.AddDays(45)
	do(t, ctx, "the problem", chromedp.Navigate(e.url+"/console/problems/"+p.ID), chromedp.WaitVisible(chromedp.CSS("#edit-problem")),
		chromedp.Click(chromedp.CSS("#edit-problem")), chromedp.WaitVisible(chromedp.CSS("#edit-form input[name=title]")), still("#edit-form"))
	retype("#edit-form input[name=title]", "首违不罚清单未制定")
	retype("#edit-form input[name=responsible_person]", "李副局长")
	retype("#edit-form textarea[name=requirement]", "30 日内制定首违不罚清单并向社会公开")
	retype("#edit-form textarea[name=description]", "对小微企业首次轻微违法仍予处罚")
	pick(t, ctx, "#edit-form .sel-co_units", "区司法局")
	retype("#edit-form input[name=deadline]", string(moved)+"\r")
	do(t, ctx, "the reason", chromedp.WaitVisible(chromedp.CSS("#deadline-move-hint")),
		chromedp.SendKeys(chromedp.CSS("#edit-form textarea[name=deadline_note]"), "需与司法局联合审定清单"))
	checkPage(t, ctx, dir, "console-problem-edit")
	do(t, ctx, "save", still("#edit-submit"), chromedp.Click(chromedp.CSS("#edit-submit")))
	waitJS(t, ctx, "the saved problem", `document.querySelector("h1").innerText.includes("首违不罚清单未制定") && document.querySelector("#problem").innerText.includes("原定期限")`)
	noDialog(t, ctx)
	got := problemFromPath(t, e, "/console/problems/"+p.ID)
	if got.Title != "首违不罚清单未制定" || got.ResponsiblePerson != "李副局长" || got.Requirement != "30 日内制定首违不罚清单并向社会公开" ||
		got.Description != "对小微企业首次轻微违法仍予处罚" || !slices.Equal(got.CoUnits, []string{"区司法局"}) ||
		got.Deadline != moved || got.OriginalDeadline != p.Deadline || got.Extensions != 1 {
		t.Errorf("edited problem = %+v", got)
	}
	if tl, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#timeline").innerText`)); !strings.Contains(tl, "需与司法局联合审定清单") {
		t.Errorf("the history lacks the reason: %q", tl)
	}
	checkPage(t, ctx, dir, "console-problem-edited")

	// 2. The look-back date of a rectified problem.
	lookback := today.AddDays(60)
	do(t, ctx, "the rectified problem", chromedp.Navigate(e.url+"/console/problems/"+done.ID), chromedp.WaitVisible(chromedp.CSS("#edit-problem")),
		chromedp.Click(chromedp.CSS("#edit-problem")), chromedp.WaitVisible(chromedp.CSS("#edit-form input[name=lookback_due]")), still("#edit-form"))
	retype("#edit-form input[name=lookback_due]", string(lookback)+"\r")
	do(t, ctx, "save the look-back", still("#edit-submit"), chromedp.Click(chromedp.CSS("#edit-submit")))
	waitJS(t, ctx, "the new look-back date", `document.querySelector("#problem").innerText.includes("`+string(lookback)+`")`)
	noDialog(t, ctx)
	if got := problemFromPath(t, e, "/console/problems/"+done.ID); got.LookbackDue != lookback || got.Status != feedback.ProblemRectified {
		t.Errorf("look-back = %s status %s, want %s rectified", got.LookbackDue, got.Status, lookback)
	}

	// 3. A later suggestion joins the first problem from its own page.
	do(t, ctx, "the later suggestion", chromedp.Navigate(e.url+"/console/suggestions/"+later.ID), chromedp.WaitVisible(chromedp.CSS("#link-problem")))
	pick(t, ctx, "#link-problem", "首违不罚清单未制定(区市场监管局)")
	do(t, ctx, "link", chromedp.Click(chromedp.CSS("#link-submit")))
	waitJS(t, ctx, "the problem's page naming the receipt", `location.pathname === "/console/problems/`+p.ID+`" && (document.querySelector("#sources")?.innerText || "").includes("`+later.Receipt+`")`)
	checkPage(t, ctx, dir, "console-problem-linked")
	if sg, err := e.store.GetSuggestion(bg, later.ID); err != nil || sg.ProblemID != p.ID {
		t.Errorf("linked suggestion = %+v, %v", sg, err)
	}
}
