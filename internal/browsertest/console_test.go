package browsertest

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
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
			t.Fatalf("waiting for %s (%s): %v", what, expr, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestConsole(t *testing.T) {
	e := newEnv(t)
	bg := context.Background()
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	sym2 := e.symposium(t, "综合行政执法进驻式监督座谈会", "综合行政执法")
	var ent *feedback.Suggestion
	for i, in := range []struct {
		sym  *feedback.Symposium
		in   feedback.SubmissionInput
		lead bool
	}{
		{sym, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Name: "张三丰", Contact: "13812345678", Topic: "罚款过重", Content: "市场监管部门对小微企业首次轻微违法也罚款,建议落实首违不罚。"}, false},
		{sym, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Topic: "执法证件", Content: "执法人员检查时未出示执法证件。"}, true},
		{sym2, feedback.SubmissionInput{ParticipantKind: feedback.Community, Content: "村里综合执法队伍人手不足,检查频次低。"}, false},
		{sym2, feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "建议公开罚没收入的使用情况。"}, false},
	} {
		if in.lead {
			in.in.Kind = feedback.KindProblemLead
		}
		sg, _, err := e.svc.Submit(bg, in.sym.Code, in.in, feedback.ChannelQR)
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if err := e.svc.RouteSuggestion(bg, sg.ID); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
		if i == 0 {
			ent = sg
		}
	}
	list, err := e.svc.CreateProblemList(bg, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	// An overdue problem, so the list shows the highlight.
	if _, err := e.svc.CreateProblem(bg, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚没收入公开不及时",
		ResponsibleUnit: "区财政局", ResponsiblePerson: "李局长", Requirement: "按季度公开", Deadline: feedback.DateOf(time.Now().AddDate(0, 0, -3))}); err != nil {
		t.Fatal(err)
	}

	ctx := startBrowser(t, 60*time.Second)
	dir := artifacts(t)
	downloads := allowDownloads(t, ctx)

	// Sign in with the token.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.url+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("input[name=token]")),
	)
	if err != nil {
		t.Fatalf("open console: %v", err)
	}
	screenshot(t, ctx, dir, "console-login")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("input[name=token]"), adminToken),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("table#suggestions")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	waitJS(t, ctx, "four suggestions", `document.querySelectorAll("#suggestions tbody tr[data-id]").length === 4`)
	screenshot(t, ctx, dir, "console-suggestions")

	// Filter by participant kind.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("select[name=participant_kind]"), "enterprise"),
		chromedp.Click(chromedp.CSS("#apply-filters")),
	)
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	waitJS(t, ctx, "the filtered table", `location.hash.includes("participant_kind=enterprise") && document.querySelectorAll("#suggestions tbody tr[data-id]").length === 1`)
	if id, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#suggestions tbody tr[data-id]").dataset.id`)); id != ent.ID {
		t.Fatalf("filtered row = %q, want %q", id, ent.ID)
	}
	screenshot(t, ctx, dir, "console-suggestions-filtered")

	// Export what the filter selects as CSV (fetch + blob download).
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#export-csv"))); err != nil {
		t.Fatalf("export: %v", err)
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	file, err := waitFile(dctx, downloads, ".csv")
	cancel()
	if err != nil {
		t.Fatalf("no CSV download: %v", err)
	}
	var data []byte
	for range 20 { // the file may still be being written
		data, _ = os.ReadFile(file)
		if bytes.Count(data, []byte("\r\n")) >= 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatalf("CSV download has no BOM: %q", data[:min(len(data), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV download: %v", err)
	}
	if len(recs) != 2 || recs[0][0] != "提交时间" || recs[1][1] != ent.Receipt || recs[1][8] != "13812345678" {
		t.Fatalf("CSV download = %q, want the header and the one enterprise suggestion", recs)
	}

	// Open the suggestion and make it a problem.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("a.open-suggestion")),
		chromedp.WaitVisible(chromedp.CSS("#make-problem")),
	)
	if err != nil {
		t.Fatalf("open suggestion: %v", err)
	}
	screenshot(t, ctx, dir, "console-suggestion")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#make-problem select[name=problem_list_id]"), list.ID),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_unit]"), "区市场监管局"),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=co_units]"), "区司法局"),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_person]"), "王局长"),
		chromedp.SendKeys(chromedp.CSS("#make-problem textarea[name=requirement]"), "落实首违不罚清单"),
		chromedp.Click(chromedp.CSS("#make-problem-submit")),
		chromedp.WaitVisible(chromedp.CSS("#timeline li")),
	)
	if err != nil {
		t.Fatalf("make a problem: %v", err)
	}
	sg, err := e.store.GetSuggestion(bg, ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sg.Status != feedback.SuggestionAdopted || sg.ProblemID == "" {
		t.Fatalf("suggestion after making a problem: status %s, problem %q", sg.Status, sg.ProblemID)
	}
	p, err := e.store.GetProblem(bg, sg.ProblemID)
	if err != nil {
		t.Fatal(err)
	}
	if p.ProblemListID != list.ID || p.ResponsibleUnit != "区市场监管局" || p.Title != "罚款过重" || len(p.CoUnits) != 1 {
		t.Errorf("problem = %+v", p)
	}
	// A transition from the problem page lands in the timeline.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#transitions textarea"), "已部署整改"),
		chromedp.Click(chromedp.CSS(`#transitions button[data-status="rectifying"]`)),
	)
	if err != nil {
		t.Fatalf("transition: %v", err)
	}
	waitJS(t, ctx, "two timeline entries", `document.querySelectorAll("#timeline li").length === 2`)
	screenshot(t, ctx, dir, "console-problem")

	for _, page := range []struct{ name, hash, ready string }{
		{"console-problem-list", "#/problem-lists/" + list.ID, "#problems tbody tr.overdue"},
		{"console-problem-lists", "#/problem-lists", "#problem-lists"},
		{"console-symposia", "#/symposia", "#create-symposium"},
		{"console-charts", "#/charts", "#chart-symposium svg rect"},
	} {
		err := chromedp.Do(ctx, chromedp.Navigate(e.url+"/console/"+page.hash), chromedp.WaitVisible(chromedp.CSS(page.ready)))
		if err != nil {
			t.Fatalf("%s: %v", page.name, err)
		}
		if page.name == "console-symposia" {
			waitJS(t, ctx, "QR images", `[...document.querySelectorAll("img.qr")].every(i => i.complete && i.naturalWidth > 0)`)
		}
		screenshot(t, ctx, dir, page.name)
	}
	html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("#chart-kind")))
	if !strings.Contains(html, "企业代表") {
		t.Errorf("intake chart lacks the participant kinds: %s", html)
	}
}
