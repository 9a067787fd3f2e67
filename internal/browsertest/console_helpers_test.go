package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/testenv"
)

// waitJS polls a JavaScript condition until it is true.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			saveFailure(t, ctx, "waiting for "+what)
			t.Fatalf("waiting for %s (%s): %v", what, expr, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// do runs steps and fails the test with what they were for.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		saveFailure(t, ctx, what)
		t.Fatalf("%s: %v", what, err)
	}
}

// saveFailure saves a screenshot of the page as it was when what failed.
func saveFailure(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if png, e := chromedp.Run(context.WithoutCancel(ctx), chromedp.FullScreenshot(100)); e == nil {
		p := filepath.Join(artifacts(t), "failure.png")
		if os.WriteFile(p, png, 0o644) == nil {
			t.Logf("the page when %s failed: %s", what, p)
		}
	}
}

// watchCSP records, in every document the tab opens, the violations of
// the page's Content-Security-Policy (window.__csp), for checkPage. The
// script is injected by DevTools, which the CSP does not govern.
func watchCSP(t *testing.T, ctx context.Context) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`})
		return err
	}))
	if err != nil {
		t.Fatalf("watch CSP: %v", err)
	}
}

// signIn opens the console's sign-in page, pastes token and waits for sel.
func signIn(t *testing.T, ctx context.Context, base, token, sel string) {
	t.Helper()
	do(t, ctx, "sign in",
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
		chromedp.SendKeys(chromedp.CSS("input[name=token]"), token),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS(sel)),
	)
}

// still waits until no running animation or transition moves the element
// sel matches (an animation on it or on one of its ancestors). A dialog
// slides 20 px into place as it opens; a click aimed at where a control
// was in an early frame lands beside it once the dialog has moved on, and
// nothing happens. Wait for this before clicking inside something that
// has just appeared.
func still(sel string) chromedp.Action[chromedp.Void] {
	q, _ := json.Marshal(sel)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`(() => {
			const el = document.querySelector(`+string(q)+`);
			return !!el && document.getAnimations().every((a) =>
				a.playState !== "running" || !(a.effect?.target instanceof Element) || !a.effect.target.contains(el));
		})()`)(ctx, t)
		return err
	})
}

// onScreen is a JavaScript condition: the first element sel matches is
// where a person sees it, inside the window and not clipped by a
// scrolling table or covered (the element at its centre is it or inside
// it).
func onScreen(sel string) string {
	q, _ := json.Marshal(sel)
	return `(() => {
		const el = document.querySelector(` + string(q) + `);
		if (!el) return false;
		const r = el.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		if (r.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
		const hit = document.elementFromPoint(x, y);
		return !!hit && (hit === el || el.contains(hit));
	})()`
}

// pick chooses text in the Element Plus select inside sel: it opens the
// select, once it is still, and clicks the visible option.
func pick(t *testing.T, ctx context.Context, sel, text string) {
	t.Helper()
	wrapper := sel + " .el-select__wrapper"
	do(t, ctx, "open select "+sel, still(wrapper), chromedp.Click(chromedp.CSS(wrapper)))
	q, _ := json.Marshal(text)
	waitJS(t, ctx, "option "+text, `[...document.querySelectorAll(".el-select-dropdown__item")].some((o) => o.offsetParent !== null && o.textContent.trim() === `+string(q)+`)`)
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const o = [...document.querySelectorAll(".el-select-dropdown__item")].find((o) => o.offsetParent !== null && o.textContent.trim() === `+string(q)+`);
		o.click();
		return true;
	})()`))
	if err != nil {
		t.Fatalf("pick %s in %s: %v", text, sel, err)
	}
}

// pickMore chooses one more option in the multiple select that pick left
// open.
func pickMore(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	q, _ := json.Marshal(text)
	waitJS(t, ctx, "option "+text, `[...document.querySelectorAll(".el-select-dropdown__item")].some((o) => o.offsetParent !== null && o.textContent.trim() === `+string(q)+`)`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		[...document.querySelectorAll(".el-select-dropdown__item")].find((o) => o.offsetParent !== null && o.textContent.trim() === `+string(q)+`).click();
		return true;
	})()`)); err != nil {
		t.Fatalf("pick %s: %v", text, err)
	}
}

// Words a person may read that are not Chinese: file formats and the
// programs that open them, the paper size, the national standard's code, and the option that makes QR codes reachable (named in the warning
// that says how), and the words the group robots' own settings screens
// show (Webhook 地址, the SEC prefix of a DingTalk secret), and the
// groups and the claim (cognito:groups) an administrator sets at sign-in;
// receipt numbers, whole or as units see them (K7QM-****-****), are
// letters and digits by design.
var allowedWords = regexp.MustCompile(`\bEnter\b|\.(?:csv|xlsx|html|png|docx|jpg|jpeg|webp|pdf)\b|--[a-z-]+|GB/T|\b(?:CSV|Excel|Word|A4|PNG|JPEG|WebP|PDF|KiB|PUBLIC_BASE_URL|Wi-Fi|HTML|UTF-8)\b|--public-base-url|https?://\S+|\bWebhook\b|\bSEC\b|\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b|\b[A-Z0-9]{4}-\*{4}-\*{4}|\b[A-Z0-9]{8}\b|unit:\S*|\b(?:admin|staff)\b|Cognito|\bcognito:groups\b`)

var (
	latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)
	idShaped  = regexp.MustCompile(`\b[0-9a-z]{20,}\b`)
)

// visibleText is what a person reads on the page: its text, and the
// placeholders, labels and titles of its controls.
const visibleText = `(() => {
	const body = document.body.cloneNode(true);
	for (const e of body.querySelectorAll("#token-value, script, style, noscript")) e.remove();
	const parts = [document.body.innerText, document.title];
	for (const e of document.querySelectorAll("[placeholder], [aria-label], [title], img[alt]")) {
		for (const a of ["placeholder", "aria-label", "title", "alt"]) if (e.getAttribute(a)) parts.push(e.getAttribute(a));
	}
	const token = document.querySelector("#token-value");
	let text = parts.join("\n");
	if (token) text = text.split(token.textContent).join("");
	return text;
})()`

var axeOnce sync.Once
var axeSource string

// axeScript is axe-core from ui/node_modules (npm ci in ui/ installs it).
func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("..", "..", "ui", "node_modules", "axe-core", "axe.min.js"))
		if err == nil {
			axeSource = string(b)
		}
	})
	if axeSource == "" {
		testenv.Missing(t, "axe-core is not installed: run npm ci in ui/")
	}
	return axeSource
}

// checkPage is run on every console screen and public page the tests
// visit: no Content-Security-Policy violation, no English word, "null",
// "undefined" or ID-shaped string in what a person reads, and no critical
// or serious accessibility violation (axe-core, WCAG 2 A and AA, colour
// contrast included). It also saves the screenshot.
func checkPage(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	time.Sleep(300 * time.Millisecond) // let transitions finish before reading colours
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`)); err == nil && len(v) > 0 {
		t.Errorf("%s: Content-Security-Policy violations: %q", name, v)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](visibleText))
	if err != nil {
		t.Fatalf("%s: read text: %v", name, err)
	}
	clean := allowedWords.ReplaceAllString(text, "")
	for _, loc := range latinWord.FindAllStringIndex(clean, 10) {
		a, b := max(0, loc[0]-30), min(len(clean), loc[1]+30)
		t.Errorf("%s: English or code word a person reads: %q in %q", name, clean[loc[0]:loc[1]], clean[a:b])
	}
	if ids := idShaped.FindAllString(clean, 5); len(ids) > 0 {
		t.Errorf("%s: ID-shaped strings a person reads: %q", name, ids)
	}
	src := axeScript(t)
	if !strings.Contains(src, "axe") {
		t.Fatalf("axe-core script looks wrong")
	}
	type violation struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](`(async () => {
		if (!window.axe) { `+src+` }
		const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
		return r.violations.filter((v) => v.impact === "critical" || v.impact === "serious")
			.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.failureSummary || "").slice(0, 200)) }));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe-core: %v", name, err)
	}
	for _, v := range got {
		t.Errorf("%s: accessibility (%s) %s: %s — %q", name, v.Impact, v.ID, v.Help, v.Nodes)
	}
	screenshot(t, ctx, dir, name)
}
