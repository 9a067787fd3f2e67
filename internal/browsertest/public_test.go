package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// scripts switches the page's own scripts off or on. Pages loaded while
// they are off stay as a browser without JavaScript shows them; switching
// them on again afterwards lets checkPage run axe-core on that page (the
// form's deferred script never runs for it).
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// bearer sends the admin token with every request of the tab (nil: none),
// for the staff API's own HTML pages (the poster, the printable summary).
func bearer(token string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		h := network.Headers{}
		if token != "" {
			h["Authorization"] = "Bearer " + token
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h})
		return err
	})
}

// darkMode makes the page see prefers-color-scheme: dark (or light).
func darkMode(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		v := "light"
		if on {
			v = "dark"
		}
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}})
		return err
	})
}

// TestPublicPages checks every page the public and the office print or
// read outside the console — home, the form with and without JavaScript
// (and its error), the receipt in each state, the 404 and 410 pages, the
// poster and the printable summary — the same way as every console
// screen: no English, "null", "undefined" or ID-shaped text, no CSP
// violation, no critical or serious axe-core violation (colour contrast
// included), on a phone and, where people read them at a desk, a desktop;
// the main phone pages in the dark colour scheme too.
func TestPublicPages(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	closed := e.symposium(t, "职权下放重放轻管问题座谈会", "职权下放")
	if _, err := e.svc.UpdateSymposium(bg, e.admin, closed.ID, feedback.SymposiumPatch{Status: ptr(feedback.SymposiumClosed)}); err != nil {
		t.Fatalf("close symposium: %v", err)
	}
	waiting, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Topic: "罚款过重",
		Content: "对小微企业首次轻微违法也罚款,建议落实首违不罚清单。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	replied, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Kind: feedback.KindProblemLead,
		Content: "执法人员检查时未出示执法证件,企业无从核实身份。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "执法不亮证",
		SuggestionIDs: []string{replied.ID}, ResponsibleUnit: "区城管执法局", ResponsiblePerson: "王局长",
		Requirement: "执法时一律出示证件", Deadline: feedback.DateOf(time.Now()).AddDays(20)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.TransitionProblem(bg, e.admin, p.ID, feedback.Transition{To: feedback.ProblemRectifying, Note: "已组织全员培训"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ReplyToSuggestion(bg, e.admin, replied.ID, "已列入问题清单,由区城管执法局限期整改。", feedback.GradeB); err != nil {
		t.Fatal(err)
	}
	rated, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Community,
		Content: "村里综合执法队伍人手不足,检查频次低。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ReplyToSuggestion(bg, e.admin, rated.ID, "已转区委编办研究充实力量。", feedback.GradeC); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RateReply(bg, rated.Receipt, feedback.RatingInput{Rating: feedback.RatingBasicallySatisfied}); err != nil {
		t.Fatal(err)
	}
	summary, err := e.svc.GenerateSummary(bg, e.admin, feedback.Weekly, feedback.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 300*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)

	pages := []struct {
		name, path, ready string
		noJS, dark        bool
	}{
		{name: "public-home", path: "/", ready: "#lookup", dark: true},
		{name: "public-home-not-found", path: "/r?receipt=ZZZZ-ZZZZ-ZZZZ", ready: "#lookup"},
		{name: "public-form", path: "/s/" + sym.Code, ready: "#suggestion-form", dark: true},
		{name: "public-form-nojs", path: "/s/" + sym.Code, ready: "#suggestion-form", noJS: true},
		{name: "public-receipt-waiting", path: "/r/" + waiting.Receipt, ready: ".receipt"},
		{name: "public-receipt-reply", path: "/r/" + replied.Receipt, ready: "form#rating", dark: true},
		{name: "public-receipt-reply-nojs", path: "/r/" + replied.Receipt, ready: "form#rating", noJS: true},
		{name: "public-receipt-rated", path: "/r/" + rated.Receipt, ready: "p#rating"},
		{name: "public-404-form", path: "/s/ZZZZ9999", ready: "h1"},
		{name: "public-404-receipt", path: "/r/ZZZZ-ZZZZ-ZZZZ", ready: "h1"},
		{name: "public-404-page", path: "/no-such-page", ready: "h1"},
		{name: "public-410-form", path: "/s/" + closed.Code, ready: "h1", dark: true},
	}
	for _, dark := range []bool{false, true} {
		for _, pg := range pages {
			if dark && !pg.dark {
				continue
			}
			name := pg.name
			if dark {
				name += "-dark"
			}
			do(t, ctx, "open "+name, phone(), darkMode(dark), scripts(!pg.noJS),
				chromedp.Navigate(e.url+pg.path), chromedp.WaitReady(chromedp.CSS(pg.ready)))
			if pg.noJS {
				do(t, ctx, "scripts back on for the checks", scripts(true))
			}
			checkPage(t, ctx, dir, name)
			// A thumb on a phone: every link and button is at least 40
			// pixels tall (the links under a receipt or an error were 21).
			small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main a, main button")].filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 40).map((e) => e.textContent + " " + Math.round(e.getBoundingClientRect().height))`))
			if err != nil || len(small) > 0 {
				t.Errorf("%s: links or buttons too small to tap on a phone: %q, %v", name, small, err)
			}
		}
	}
	do(t, ctx, "light", darkMode(false))

	// The form sent without JavaScript and without content comes back with
	// the error at the top and the field marked.
	do(t, ctx, "send an empty form without JavaScript", phone(), scripts(false),
		chromedp.Navigate(e.url+"/s/"+sym.Code), chromedp.WaitReady(chromedp.CSS("#suggestion-form")),
		chromedp.Click(chromedp.CSS("#pk-enterprise"), chromedp.NodeReady),
		chromedp.SendKeys(chromedp.CSS("#f-content"), "太短", chromedp.NodeReady),
		chromedp.Click(chromedp.CSS("#send"), chromedp.NodeReady),
		chromedp.WaitReady(chromedp.CSS(`#f-content[aria-invalid="true"]`)),
		scripts(true))
	checkPage(t, ctx, dir, "public-form-nojs-error")

	// The pages the office prints: the poster (the console's and the
	// API's) and the printable summary, on a desktop.
	do(t, ctx, "desktop", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "the console's poster", chromedp.Navigate(e.url+"/console/print/symposia/"+sym.ID+"/poster"), chromedp.WaitVisible(chromedp.CSS("#poster img.poster-qr")))
	checkPage(t, ctx, dir, "public-poster-console")
	do(t, ctx, "the API's poster", bearer(adminToken), chromedp.Navigate(e.url+"/api/v1/symposia/"+sym.ID+"/poster"), chromedp.WaitReady(chromedp.CSS("h1")))
	checkPage(t, ctx, dir, "public-poster-api")
	do(t, ctx, "the printable summary", chromedp.Navigate(e.url+"/api/v1/summaries/"+summary.ID+".html"), chromedp.WaitReady(chromedp.CSS("h1")))
	checkPage(t, ctx, dir, "public-summary-html")
	do(t, ctx, "the printable summary on a phone", phone(), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("h1")))
	checkPage(t, ctx, dir, "public-summary-html-phone")
	do(t, ctx, "no token", bearer(""))
}

func ptr[T any](v T) *T { return &v }
