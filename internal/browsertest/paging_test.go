package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestLargeSymposiumReachable: a symposium brings more suggestions than one
// page holds (130, none matched by a rule). The triage list counts them
// all and pages to the last (the first submitted); the live intake loads
// older ones until it shows every one.
func TestLargeSymposiumReachable(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "百人座谈会", "")
	const n = 130
	receipts := make([]string, n)
	for i := range n {
		sg, _, err := e.svc.Submit(bg, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Public,
			Content: fmt.Sprintf("第 %d 条意见:建议在社区增设便民服务点,方便老年人办事。", i+1)}, feedback.ChannelQR)
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if err := e.svc.RouteSuggestion(bg, sg.ID); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
		receipts[i] = sg.Receipt
	}
	first := receipts[0]

	ctx := startBrowser(t, 150*time.Second)
	shots := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")

	// The triage list: the count of all, then page by page to the last.
	do(t, ctx, "triage", chromedp.Navigate(e.url+"/console/problem-lists/triage"), chromedp.WaitVisible(chromedp.CSS("#triage a.open-suggestion")))
	waitJS(t, ctx, "the count of every waiting suggestion", `document.querySelector("#list-counts").innerText.startsWith("待分拣 `+strconv.Itoa(n)+` 条")`)
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if page > 10 {
			t.Fatalf("still more pages after %d", page-1)
		}
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#triage a.open-suggestion")].map((a) => a.textContent.trim())`))
		if err != nil || len(rows) == 0 {
			t.Fatalf("triage page %d: %v %q", page, err, rows)
		}
		for _, r := range rows {
			seen[r] = true
		}
		more, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("#next-page") && !document.querySelector("#next-page").disabled`))
		if !more {
			checkPage(t, ctx, shots, "console-triage-last-page")
			break
		}
		do(t, ctx, "next triage page", chromedp.Click(chromedp.CSS("#next-page")))
		waitJS(t, ctx, "triage page "+strconv.Itoa(page+1), `document.querySelector(".pager").innerText.includes("第 `+strconv.Itoa(page+1)+` 页") &&
			document.querySelector("#triage a.open-suggestion") && document.querySelector("#triage a.open-suggestion").textContent.trim() !== `+strconv.Quote(rows[0]))
	}
	if len(seen) != n || !seen[first] {
		t.Errorf("the triage pages showed %d of %d suggestions (the first submitted: %v)", len(seen), n, seen[first])
	}

	// The live intake: the newest 20, then older ones until every one.
	do(t, ctx, "symposium page", chromedp.Navigate(e.url+"/console/symposia/"+sym.ID), chromedp.WaitVisible(chromedp.CSS("#intake-older")))
	waitJS(t, ctx, "the newest 20", `document.querySelectorAll("#intake a.open-suggestion").length === 20`)
	for i := 0; ; i++ {
		if i > 10 {
			t.Fatal("the live intake still offers older suggestions after 10 pages")
		}
		done, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("#intake-all")`))
		if done {
			break
		}
		before, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#intake a.open-suggestion").length`))
		do(t, ctx, "load older", still("#intake-older"), chromedp.Click(chromedp.CSS("#intake-older")))
		waitJS(t, ctx, "older suggestions", `document.querySelectorAll("#intake a.open-suggestion").length > `+strconv.Itoa(before))
	}
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#intake a.open-suggestion")].map((a) => a.textContent.trim())`))
	shown := map[string]bool{}
	for _, r := range got {
		shown[r] = true
	}
	if len(got) != n || len(shown) != n || !shown[first] {
		t.Errorf("the live intake shows %d rows, %d distinct, of %d (the first submitted: %v)", len(got), len(shown), n, shown[first])
	}
	waitJS(t, ctx, "every one shown", `document.querySelector("#intake-all").innerText.includes("已显示全部 `+strconv.Itoa(n)+` 条")`)
	checkPage(t, ctx, shots, "console-live-intake-all")
}
