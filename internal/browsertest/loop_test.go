package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestReplyLoopOnPhone closes the loop as people do it: a deputy submits
// on a phone, asking to be told; a clerk replies in the console with a
// grade; the deputy looks the receipt up from the home page (typed
// sloppily), reads the reply and rates it dissatisfied with a reason; the
// clerk finds it in the console's 待重新办理 list.
func TestReplyLoopOnPhone(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	const content = "市场监管部门对首次轻微违法也罚款,建议落实首违不罚清单。"

	// 1. Submit on a phone, asking to be told.
	do(t, ctx, "fill the form",
		phone(),
		chromedp.Navigate(e.url+"/s/"+sym.Code),
		chromedp.WaitVisible(chromedp.CSS("#suggestion-form")),
		chromedp.Click(chromedp.CSS("#pk-npc_deputy")),
		chromedp.SendKeys(chromedp.CSS("#f-content"), content),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "王代表"),
		chromedp.SendKeys(chromedp.CSS("#f-contact"), "13812345678"),
		chromedp.Click(chromedp.CSS("#f-notify")),
	)
	checkPage(t, ctx, dir, "loop-form-notify")
	do(t, ctx, "send", chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS(".receipt")))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/r/") {
		t.Fatalf("after sending: %s, %v", loc, err)
	}
	receipt := loc[strings.LastIndex(loc, "/r/")+3:]
	sg, err := e.store.GetSuggestionByReceipt(context.Background(), receipt)
	if err != nil || !sg.Notify {
		t.Fatalf("stored suggestion %s: notify %v, %v", receipt, sg != nil && sg.Notify, err)
	}
	waitJS(t, ctx, "no rating form before a reply", `!document.querySelector("form#rating") && document.body.innerText.includes("答复后会显示在这里")`)
	checkPage(t, ctx, dir, "loop-receipt-waiting")

	// 2. A clerk replies in the console, from the 待答复 list.
	do(t, ctx, "desktop", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "the unreplied list", chromedp.Click(chromedp.CSS(`label[data-work="unreplied"]`)))
	waitJS(t, ctx, "the suggestion in 待答复", `location.search.includes("replied=false") && [...document.querySelectorAll("#suggestions a.open-suggestion")].some((a) => a.dataset.id === "`+sg.ID+`") && document.querySelector("#suggestions .waited") !== null`)
	// How long it has waited is what the list is for: on screen at 1280 px.
	waitJS(t, ctx, "已等待 N 天 on screen in 待答复", onScreen(`#suggestions .waited`)+` && /^已等待 \d+ 天$/.test(document.querySelector("#suggestions .waited").innerText.trim())`)
	checkPage(t, ctx, dir, "loop-console-unreplied")
	do(t, ctx, "open it", chromedp.Click(chromedp.CSS(`a.open-suggestion[data-id="`+sg.ID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#reply-form")))
	pick(t, ctx, "#reply-form .sel-grade", "B 正在解决或列入计划")
	do(t, ctx, "reply",
		chromedp.SendKeys(chromedp.CSS(`#reply-form textarea[name="reply-text"]`), "已转区市场监管局研究,首违不罚清单将于下月公布。"),
		chromedp.Click(chromedp.CSS("#reply-submit")),
	)
	waitJS(t, ctx, "the reply on the page", `document.querySelector("#replies .reply-list") !== null && document.querySelector("#replies").innerText.includes("首违不罚清单将于下月公布")`)
	checkPage(t, ctx, dir, "loop-console-replied")

	// 3. On the phone: look the receipt up from the home page, typed in
	// lower case with spaces; read the reply; rate it dissatisfied.
	sloppy := strings.ToLower(strings.ReplaceAll(receipt, "-", " "))
	do(t, ctx, "look up",
		phone(),
		chromedp.Navigate(e.url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#lookup")),
	)
	checkPage(t, ctx, dir, "loop-home")
	do(t, ctx, "type the receipt", chromedp.SendKeys(chromedp.CSS("#f-receipt"), sloppy), chromedp.Submit(chromedp.CSS("#lookup")))
	waitJS(t, ctx, "the receipt page", `location.pathname === "/r/`+receipt+`" && document.querySelector("form#rating") !== null`)
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	for _, want := range []string{"首违不罚清单将于下月公布", "B 正在解决或列入计划", sym.Title} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt page lacks %q", want)
		}
	}
	for _, private := range []string{"王代表", "13812345678", content} {
		if strings.Contains(text, private) {
			t.Errorf("receipt page shows %q", private)
		}
	}
	checkPage(t, ctx, dir, "loop-receipt-reply")
	// Dissatisfied without a reason: the script says so, nothing is sent.
	do(t, ctx, "dissatisfied without a reason", chromedp.Click(chromedp.CSS("#rating-dissatisfied")), chromedp.Click(chromedp.CSS("#rate")))
	waitJS(t, ctx, "the reason asked for", `document.getElementById("rating-error").textContent.includes("原因")`)
	if got, _ := e.store.GetSuggestion(context.Background(), sg.ID); got.LatestReply().Rating != nil {
		t.Fatalf("a rating without a reason was stored")
	}
	do(t, ctx, "dissatisfied with a reason",
		chromedp.SendKeys(chromedp.CSS("#f-comment"), "清单公布时间太晚,企业仍在被处罚。"),
		chromedp.Click(chromedp.CSS("#rate")),
	)
	waitJS(t, ctx, "the rating on the page", `!document.querySelector("form#rating") && document.body.innerText.includes("重新办理")`)
	checkPage(t, ctx, dir, "loop-receipt-rehandle")

	// 4. The clerk sees the re-handle in the console.
	do(t, ctx, "desktop again", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/console/suggestions"), chromedp.WaitVisible(chromedp.CSS("#work-lists")))
	do(t, ctx, "the re-handle list", chromedp.Click(chromedp.CSS(`label[data-work="rehandle"]`)))
	waitJS(t, ctx, "the suggestion in 待重新办理", `location.search.includes("rehandle=true") && [...document.querySelectorAll("#suggestions a.open-suggestion")].map((a) => a.dataset.id).join() === "`+sg.ID+`"`)
	waitJS(t, ctx, "已等待 N 天 on screen in 待重新办理", onScreen(`#suggestions .waited`)+` && /^已等待 \d+ 天$/.test(document.querySelector("#suggestions .waited").innerText.trim())`)
	checkPage(t, ctx, dir, "loop-console-rehandle")
	do(t, ctx, "open it", chromedp.Click(chromedp.CSS(`a.open-suggestion[data-id="`+sg.ID+`"]`)), chromedp.WaitVisible(chromedp.CSS("#rehandle-alert")))
	waitJS(t, ctx, "the reason shown to the clerk", `document.querySelector("#replies").innerText.includes("清单公布时间太晚")`)
	checkPage(t, ctx, dir, "loop-console-suggestion-rehandle")

	got, err := e.store.GetSuggestion(context.Background(), sg.ID)
	if err != nil || !got.Rehandle() || got.LatestReply().Rating.Comment != "清单公布时间太晚,企业仍在被处罚。" {
		t.Fatalf("stored after the rating: %+v, %v", got, err)
	}
}
