package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestConsoleRules edits the routing rules as an administrator does: one
// rule moved up, one disabled, saved; then one deleted while a colleague
// saves a rule of their own in between. The conflicting save stores
// nothing and says who changed what — the colleague's rule, not this
// administrator's own earlier save.
func TestConsoleRules(t *testing.T) {
	requireChromium(t)
	e := newEnv(t)
	bg := context.Background()
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	rule := func(name, word string) feedback.RoutingRule {
		return feedback.RoutingRule{Name: name, Match: feedback.RuleMatch{KeywordsAny: []string{word}}, ProblemListID: list.ID}
	}
	if err := e.svc.PutRules(bg, e.admin, &feedback.RuleSet{Rules: []feedback.RoutingRule{rule("罚款", "罚款"), rule("检查", "检查"), rule("证件", "证件")}}); err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		rs, err := e.svc.GetRules(bg, e.admin)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs.Rules {
			n := r.Name
			if r.Disabled {
				n += "(停用)"
			}
			out = append(out, n)
		}
		return out
	}

	ctx := startBrowser(t, 90*time.Second)
	dir := artifacts(t)
	watchCSP(t, ctx)
	do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	do(t, ctx, "rules", chromedp.Navigate(e.url+"/console/routing-rules"), chromedp.WaitVisible(chromedp.CSS(`.rule[data-index="2"]`)))

	// 检查 moves above 罚款; 证件 is switched off.
	do(t, ctx, "move up", chromedp.Click(chromedp.CSS(`.rule[data-index="1"] .rule-up`)))
	waitJS(t, ctx, "the new order", `document.querySelector('.rule[data-index="0"] h2').innerText.includes("检查")`)
	do(t, ctx, "disable", chromedp.Click(chromedp.CSS(`.rule[data-index="2"] .rule-enabled`)))
	waitJS(t, ctx, "the disabled tag", `document.querySelector('.rule[data-index="2"] h2').innerText.includes("已停用")`)
	do(t, ctx, "save", chromedp.Click(chromedp.CSS("#save-rules")))
	waitJS(t, ctx, "saved", `document.querySelector("#save-rules").disabled`)
	if got := strings.Join(names(), ","); got != "检查,罚款,证件(停用)" {
		t.Fatalf("saved rules = %s, want 检查,罚款,证件(停用)", got)
	}
	checkPage(t, ctx, dir, "console-rules-edited")

	// A colleague saves a rule of their own; this page still holds the
	// version it saved, deletes 罚款 and saves.
	colleague := feedback.Identity{Subject: "li", Name: "李四", Role: feedback.RoleAdmin}
	rs, err := e.svc.GetRules(bg, colleague)
	if err != nil {
		t.Fatal(err)
	}
	rs.Rules = append(rs.Rules, rule("罚没", "罚没"))
	if err := e.svc.PutRules(bg, colleague, rs); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "delete", chromedp.Click(chromedp.CSS(`.rule[data-index="1"] .rule-delete`)))
	waitJS(t, ctx, "two rules left", `document.querySelectorAll(".rule").length === 2`)
	do(t, ctx, "save again", chromedp.Click(chromedp.CSS("#save-rules")), chromedp.WaitVisible(chromedp.CSS("#rules-conflict")))
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#rules-conflict").innerText`))
	if !strings.Contains(msg, "李四") || !strings.Contains(msg, "新增「罚没」") || strings.Contains(msg, "顺序") || strings.Contains(msg, "修改「证件」") {
		t.Errorf("conflict message = %q, want 李四 adding 罚没 and nothing of this administrator's own save", msg)
	}
	if got := strings.Join(names(), ","); got != "检查,罚款,证件(停用),罚没" {
		t.Errorf("rules after the refused save = %s, want the colleague's", got)
	}
	checkPage(t, ctx, dir, "console-rules-conflict")

	// A rule added last and left without a name: trying the rules marks
	// that rule's card, not just a message at the top of the page.
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.rule[data-index="3"]`)))
	do(t, ctx, "add a rule", chromedp.WaitEnabled(chromedp.CSS("#add-rule")), chromedp.Click(chromedp.CSS("#add-rule")), chromedp.WaitVisible(chromedp.CSS(`.rule[data-index="4"]`)))
	do(t, ctx, "try", chromedp.Click(chromedp.CSS("#try-rules")))
	waitJS(t, ctx, "the unnamed rule marked", `document.querySelector('.rule[data-index="4"] .el-alert')?.innerText.includes("规则名称") && document.querySelectorAll(".rule .el-alert").length === 1`)
}
