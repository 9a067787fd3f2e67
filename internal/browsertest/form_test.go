package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// phone emulates a 390×844 phone (an iPhone 12-class viewport).
func phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
}

// checkReceipt reads the receipt page and checks the stored suggestion.
func checkReceipt(t *testing.T, ctx context.Context, e *env, content string, channel feedback.Channel) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	if !strings.HasPrefix(loc, e.url+"/r/") {
		t.Fatalf("after sending, the browser is at %s, want the receipt page /r/…", loc)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(".receipt"))); err != nil {
		t.Fatalf("receipt page: %v", err)
	}
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(".receipt")))
	if err != nil {
		t.Fatalf("receipt: %v", err)
	}
	receipt := strings.TrimSpace(html[strings.Index(html, ">")+1 : strings.LastIndex(html, "<")])
	if want := strings.TrimPrefix(loc, e.url+"/r/"); receipt != want {
		t.Errorf("receipt shown = %q, URL says %q", receipt, want)
	}
	sg, err := e.store.GetSuggestionByReceipt(context.Background(), receipt)
	if err != nil {
		t.Fatalf("stored suggestion for receipt %s: %v", receipt, err)
	}
	if sg.Content != content || sg.ParticipantKind != feedback.Enterprise || sg.Channel != channel {
		t.Errorf("stored %q by %s via %s, want %q by enterprise via %s", sg.Content, sg.ParticipantKind, sg.Channel, content, channel)
	}
	return receipt
}

func TestFormOnPhoneWithJavaScript(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	ctx := startBrowser(t, 40*time.Second)
	dir := artifacts(t)
	const content = "建议统一行政处罚自由裁量基准,避免同案不同罚。"
	err := chromedp.Do(ctx,
		phone(),
		chromedp.Navigate(e.url+"/s/"+sym.Code),
		chromedp.WaitVisible(chromedp.CSS("#suggestion-form")),
		chromedp.Click(chromedp.CSS("#pk-enterprise")),
		chromedp.SendKeys(chromedp.CSS("#f-topic"), "自由裁量"),
		chromedp.SendKeys(chromedp.CSS("#f-content"), content),
	)
	if err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	screenshot(t, ctx, dir, "form-phone-filled")

	// The draft survives a reload before sending.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#f-content"))); err != nil {
		t.Fatalf("reload: %v", err)
	}
	var got string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if got, err = chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-content"))); err == nil && got == content {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != content {
		t.Fatalf("after reload the content is %q, want the draft %q", got, content)
	}
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("pk-enterprise").checked`))
	if err != nil || !checked {
		t.Errorf("after reload the participant kind is not restored (%v)", err)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#send")), chromedp.WaitVisible(chromedp.CSS(".receipt"))); err != nil {
		t.Fatalf("send: %v", err)
	}
	checkReceipt(t, ctx, e, content, feedback.ChannelQR)
	screenshot(t, ctx, dir, "form-phone-receipt")
}

func TestFormOnPhoneWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(t, "综合行政执法进驻式监督座谈会", "综合行政执法")
	ctx := startBrowser(t, 40*time.Second)
	dir := artifacts(t)
	const content = "乡镇综合执法队伍人手不足,建议充实力量。"
	disable := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	err := chromedp.Do(ctx,
		phone(),
		disable,
		chromedp.Navigate(e.url+"/s/"+sym.Code),
		chromedp.WaitReady(chromedp.CSS("#suggestion-form")),
		chromedp.Click(chromedp.CSS("#pk-enterprise"), chromedp.NodeReady),
		chromedp.SendKeys(chromedp.CSS("#f-content"), content, chromedp.NodeReady),
	)
	if err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	screenshot(t, ctx, dir, "form-phone-nojs-filled")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#send"), chromedp.NodeReady), chromedp.WaitReady(chromedp.CSS(".receipt"))); err != nil {
		t.Fatalf("send: %v", err)
	}
	checkReceipt(t, ctx, e, content, feedback.ChannelQR)
	screenshot(t, ctx, dir, "form-phone-nojs-receipt")
}
