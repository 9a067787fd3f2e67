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

// TestConsoleSymposiumLife runs a symposium's life in the console: created
// as a draft, edited, opened, ended, opened again; the poster button opens
// the printable poster in a new tab; the link to share elsewhere opens the
// form.
func TestConsoleSymposiumLife(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")

	do(t, ctx, "new symposium", chromedp.Navigate(e.url+"/console/symposia"), chromedp.WaitVisible(chromedp.CSS("#new-symposium")),
		chromedp.Click(chromedp.CSS("#new-symposium")), chromedp.WaitVisible(chromedp.CSS("#symposium-form input[name=title]")), still("#symposium-form"),
		chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=title]"), "综合行政执法进驻式监督座谈会"),
		chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=venue]"), "镇政府会议室"))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { [...document.querySelectorAll("#symposium-form .el-radio")].find((r) => r.innerText.includes("存为草稿")).click(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "create the draft", still("#symposium-submit"), chromedp.Click(chromedp.CSS("#symposium-submit")), chromedp.WaitVisible(chromedp.CSS("#edit-symposium")))
	noDialog(t, ctx)
	path, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	id := strings.TrimPrefix(path, "/console/symposia/")
	status := func() feedback.SymposiumStatus {
		t.Helper()
		s, err := e.store.GetSymposium(bg, id)
		if err != nil {
			t.Fatalf("symposium at %s: %v", path, err)
		}
		return s.Status
	}
	if st := status(); st != feedback.SymposiumDraft {
		t.Fatalf("created as %s, want a draft", st)
	}

	// Edited: the venue moves.
	do(t, ctx, "edit", chromedp.Click(chromedp.CSS("#edit-symposium")), chromedp.WaitVisible(chromedp.CSS("#symposium-form input[name=venue]")), still("#symposium-form"))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector("#symposium-form input[name=venue]"); i.focus(); i.select(); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "the new venue", chromedp.SendKeys(chromedp.CSS("#symposium-form input[name=venue]"), "区行政服务中心二楼"),
		still("#symposium-submit"), chromedp.Click(chromedp.CSS("#symposium-submit")))
	waitJS(t, ctx, "the new venue shown", `document.querySelector(".card").innerText.includes("区行政服务中心二楼")`)
	noDialog(t, ctx)
	if s, _ := e.store.GetSymposium(bg, id); s.Venue != "区行政服务中心二楼" {
		t.Errorf("venue = %q", s.Venue)
	}

	// A confirmation declined changes nothing and is no error.
	do(t, ctx, "open, then cancel", chromedp.Click(chromedp.CSS(`.symposium-move[data-status="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(".el-message-box")), still(".el-message-box__btns .el-button:not(.el-button--primary)"),
		chromedp.Click(chromedp.CSS(".el-message-box__btns .el-button:not(.el-button--primary)")))
	noDialog(t, ctx)
	time.Sleep(300 * time.Millisecond)
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".el-message--error")].map((m) => m.innerText).join("|")`)); msg != "" {
		t.Errorf("declining the confirmation says %q", msg)
	}
	if st := status(); st != feedback.SymposiumDraft {
		t.Fatalf("status after declining = %s, want a draft", st)
	}

	// Opened, ended, opened again, each after its confirmation.
	for _, m := range []feedback.SymposiumStatus{feedback.SymposiumOpen, feedback.SymposiumClosed, feedback.SymposiumOpen} {
		btn := `.symposium-move[data-status="` + string(m) + `"]`
		do(t, ctx, "move to "+string(m), chromedp.WaitVisible(chromedp.CSS(btn)), chromedp.Click(chromedp.CSS(btn)),
			chromedp.WaitVisible(chromedp.CSS(".el-message-box")), still(".el-message-box__btns .el-button--primary"),
			chromedp.Click(chromedp.CSS(".el-message-box__btns .el-button--primary")))
		waitJS(t, ctx, "the move saved", `!document.querySelector(`+jsString(btn)+`)`)
		noDialog(t, ctx)
		if st := status(); st != m {
			t.Fatalf("status = %s, want %s", st, m)
		}
	}
	checkPage(t, ctx, dir, "console-symposium-reopened")

	// 打开海报 opens the console's poster in a tab of its own.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const o = window.open; window.open = (...a) => { window.__opened = a; return o.apply(window, a); }; return true; })()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "open the poster", chromedp.Click(chromedp.CSS("#open-poster")))
	waitJS(t, ctx, "a new tab", `!!window.__opened`)
	opened, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__opened`))
	if len(opened) < 2 || opened[0] != "/console/print/symposia/"+id+"/poster" || opened[1] != "_blank" {
		t.Errorf("the poster button opened %q, want the console's poster in a new tab", opened)
	}
	webURL, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#web-url").href`))
	formURL, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#form-url").href`))
	if !strings.HasPrefix(webURL, e.url+"/") || webURL == formURL {
		t.Errorf("web link %q, form link %q: want a link of its own to share", webURL, formURL)
	}
	do(t, ctx, "the poster", chromedp.Navigate(e.url+opened[0]), chromedp.WaitVisible(chromedp.CSS("#print-poster")))
	waitJS(t, ctx, "the poster's QR code", `document.querySelector("#poster img.poster-qr")?.naturalWidth > 0`)
	do(t, ctx, "the shared link", chromedp.Navigate(webURL), chromedp.WaitVisible(chromedp.CSS("#f-content")))
}

// TestConsoleStaffRole: a staff account sees the office's work and none
// of the administrator's actions — no accounts or settings in the menu,
// no way to end a symposium, the routing rules, assessment scheme and
// calendar to read only, no unit migration — and the administrator's
// pages say it may not open them.
func TestConsoleStaffRole(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.PutRules(bg, e.admin, &feedback.RuleSet{Rules: []feedback.RoutingRule{{Name: "涉企罚款",
		Match: feedback.RuleMatch{KeywordsAny: []string{"罚款"}}, ProblemListID: list.ID}}}); err != nil {
		t.Fatal(err)
	}
	tok := feedback.NewToken()
	if err := e.store.CreateAccount(bg, &feedback.Account{ID: feedback.NewID(time.Now()), Name: "李干事", Role: feedback.RoleStaff,
		TokenHash: feedback.HashToken(tok), CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	// A token mistyped is refused where it was pasted, in Chinese.
	do(t, ctx, "a wrong token", chromedp.Navigate(e.url+"/console/"), chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
		chromedp.SendKeys(chromedp.CSS("input[name=token]"), tok[:len(tok)-2]), chromedp.Click(chromedp.CSS("#login")))
	waitJS(t, ctx, "the refusal", `document.querySelector("[role=alert]")?.innerText.includes("令牌无效")`)
	checkPage(t, ctx, dir, "console-login-wrong-token")
	signIn(t, ctx, e.url, tok, "#suggestions")
	menu, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".aside [data-nav]")].map((m) => m.dataset.nav)`))
	if slices.Contains(menu, "accounts") || slices.Contains(menu, "settings") || slices.Contains(menu, "workspace") || !slices.Contains(menu, "routing-rules") {
		t.Errorf("staff menu = %q, want the office's pages without accounts and settings", menu)
	}
	none := func(page string, sels ...string) {
		t.Helper()
		for _, sel := range sels {
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`)); n != 0 {
				t.Errorf("%s offers staff %s", page, sel)
			}
		}
	}

	do(t, ctx, "the open symposium", chromedp.Navigate(e.url+"/console/symposia/"+sym.ID), chromedp.WaitVisible(chromedp.CSS("#close-by-admin")))
	none("the symposium", `[data-status="closed"]`)
	checkPage(t, ctx, dir, "console-staff-symposium")

	do(t, ctx, "the rules", chromedp.Navigate(e.url+"/console/routing-rules"), chromedp.WaitVisible(chromedp.CSS(".rule")))
	none("the rules", "#add-rule", "#save-rules", "#try-rules", ".rule-up", ".rule-down", ".rule-delete")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".rule input:not([disabled])").length`)); n != 0 {
		t.Errorf("the rules offer staff %d inputs to edit", n)
	}
	checkPage(t, ctx, dir, "console-staff-rules")

	for _, pg := range []struct{ path, ready, admin string }{
		{"/assessment", "#assessment-table", "#edit-scheme"},
		{"/calendar", "#calendar-source", "#edit-calendar"},
		{"/units", "#units .unit-name", "#open-migration"},
	} {
		do(t, ctx, pg.path, chromedp.Navigate(e.url+"/console"+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready)))
		none(pg.path, pg.admin)
	}
	for _, path := range []string{"/accounts", "/settings", "/unit-migration"} {
		do(t, ctx, path, chromedp.Navigate(e.url+"/console"+path), chromedp.WaitVisible(chromedp.CSS("#forbidden")))
	}
	checkPage(t, ctx, dir, "console-staff-forbidden")
}

// TestConsoleAccountStop: the administrator stops the account of a liaison
// who moved on (账号管理 → 停用, confirmed); its token no longer signs in,
// with the reason on the sign-in page; restored (恢复), it signs in again.
func TestConsoleAccountStop(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	tok := feedback.NewToken()
	acc := &feedback.Account{ID: feedback.NewID(time.Now()), Name: "市场监管局联络员", Role: feedback.RoleUnit, Unit: "区市场监管局",
		TokenHash: feedback.HashToken(tok), CreatedAt: time.Now()}
	if err := e.store.CreateAccount(bg, acc); err != nil {
		t.Fatal(err)
	}
	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	stop := `.disable-account[data-id="` + acc.ID + `"]`
	do(t, ctx, "stop the account", chromedp.Navigate(e.url+"/console/accounts"), chromedp.WaitVisible(chromedp.CSS(stop)),
		chromedp.Click(chromedp.CSS(stop)), chromedp.WaitVisible(chromedp.CSS(".el-message-box")),
		still(".el-message-box__btns .el-button--primary"), chromedp.Click(chromedp.CSS(".el-message-box__btns .el-button--primary")),
		chromedp.WaitVisible(chromedp.CSS(`.enable-account[data-id="`+acc.ID+`"]`)))
	noDialog(t, ctx)
	checkPage(t, ctx, dir, "console-accounts-stopped")
	stopped, err := e.store.GetAccountByTokenHash(bg, acc.TokenHash)
	if err != nil || !stopped.Disabled {
		t.Fatalf("stored account = %+v, %v; want it stopped", stopped, err)
	}

	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
		chromedp.SendKeys(chromedp.CSS("input[name=token]"), tok), chromedp.Click(chromedp.CSS("#login")))
	waitJS(t, ctx, "the refusal", `document.querySelector("[role=alert]")?.innerText.includes("令牌无效")`)

	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "restore it", chromedp.Navigate(e.url+"/console/accounts"), chromedp.WaitVisible(chromedp.CSS(`.enable-account[data-id="`+acc.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`.enable-account[data-id="`+acc.ID+`"]`)), chromedp.WaitVisible(chromedp.CSS(stop)))
	do(t, ctx, "sign out again", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	signIn(t, ctx, e.url, tok, "#workspace-figures")
}
