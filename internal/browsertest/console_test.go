package browsertest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jianyan/jianyan/internal/feedback"
)

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

	unitToken := feedback.NewToken()
	if err := e.store.CreateAccount(bg, &feedback.Account{ID: feedback.NewID(time.Now()), Name: "区财政局联络员",
		Role: feedback.RoleUnit, Unit: "区财政局", TokenHash: feedback.HashToken(unitToken), CreatedAt: time.Now()}); err != nil {
		t.Fatalf("create unit account: %v", err)
	}

	ctx := startBrowser(t, 120*time.Second)
	dir := artifacts(t)
	downloads := allowDownloads(t, ctx)
	watchCSP(t, ctx)

	// Sign in with the token.
	do(t, ctx, "open console", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	checkPage(t, ctx, dir, "console-login")
	signIn(t, ctx, e.url, adminToken, "#suggestions")
	waitJS(t, ctx, "four suggestions", `document.querySelectorAll("#suggestions a.open-suggestion").length === 4`)
	checkPage(t, ctx, dir, "console-suggestions")

	// Filter by participant kind.
	pick(t, ctx, "#filters .sel-participant_kind", "企业代表")
	do(t, ctx, "filter", chromedp.Click(chromedp.CSS("#apply-filters")))
	waitJS(t, ctx, "the filtered table", `location.search.includes("participant_kind=enterprise") && document.querySelectorAll("#suggestions a.open-suggestion").length === 1`)
	if id, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#suggestions a.open-suggestion").dataset.id`)); id != ent.ID {
		t.Fatalf("filtered row = %q, want %q", id, ent.ID)
	}
	checkPage(t, ctx, dir, "console-suggestions-filtered")

	// Export what the filter selects as CSV (fetch + blob download).
	do(t, ctx, "export", chromedp.Click(chromedp.CSS("#export-csv")))
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
	do(t, ctx, "open suggestion", chromedp.Click(chromedp.CSS("a.open-suggestion")), chromedp.WaitVisible(chromedp.CSS("#make-problem")))
	checkPage(t, ctx, dir, "console-suggestion")
	pick(t, ctx, "#make-problem .sel-problem_list_id", list.Title)
	// Co-units are picked from the registered units, several at once.
	pick(t, ctx, "#make-problem .sel-co_units", "区司法局")
	pickMore(t, ctx, "区城管执法局")
	do(t, ctx, "make a problem",
		chromedp.Click(chromedp.CSS("#make-problem input[name=responsible_person]")), // closes the unit list
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_unit]"), "区市场监管局"),
		chromedp.SendKeys(chromedp.CSS("#make-problem input[name=responsible_person]"), "王局长"),
		chromedp.SendKeys(chromedp.CSS("#make-problem textarea[name=requirement]"), "落实首违不罚清单"),
		chromedp.Click(chromedp.CSS("#make-problem-submit")),
		chromedp.WaitVisible(chromedp.CSS("#timeline .el-timeline-item")),
	)
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
	if p.ProblemListID != list.ID || p.ResponsibleUnit != "区市场监管局" || p.Title != "罚款过重" || !slices.Equal(p.CoUnits, []string{"区司法局", "区城管执法局"}) {
		t.Errorf("problem = %+v", p)
	}
	// The problem names its source by receipt number, never by ID.
	if src, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#sources").innerText`)); !strings.Contains(src, ent.Receipt) || strings.Contains(src, ent.ID) {
		t.Errorf("sources = %q, want receipt %s", src, ent.Receipt)
	}
	// A transition from the problem page, through its form, lands in the timeline.
	do(t, ctx, "open the transition", chromedp.Click(chromedp.CSS(`#transitions button[data-status="rectifying"]`)),
		chromedp.WaitVisible(chromedp.CSS("#transition-form textarea[name=note]")))
	do(t, ctx, "transition", chromedp.SendKeys(chromedp.CSS("#transition-form textarea[name=note]"), "已部署整改"),
		still("#transition-submit"), chromedp.Click(chromedp.CSS("#transition-submit")))
	waitJS(t, ctx, "two timeline entries", `document.querySelectorAll("#timeline .el-timeline-item").length === 2`)
	if got, _ := e.store.GetProblem(bg, p.ID); got.Status != feedback.ProblemRectifying {
		t.Errorf("status after the transition = %s", got.Status)
	}
	checkPage(t, ctx, dir, "console-problem")

	for _, pg := range []struct{ name, path, ready string }{
		{"console-problem-list", "/problem-lists/" + list.ID, "#problems tr.overdue-row"},
		{"console-problem-lists", "/problem-lists", "#problem-lists a.open-list"},
		{"console-triage", "/problem-lists/triage", "#triage a.open-suggestion"},
		{"console-problems", "/problems?overdue=true", "#problems a.open-problem"},
		{"console-symposia", "/symposia", "#symposia a.open-symposium"},
		{"console-symposium", "/symposia/" + sym.ID, "#qr-card img.qr"},
		{"console-poster", "/print/symposia/" + sym.ID + "/poster", "#poster img.poster-qr"},
		{"console-charts", "/charts", "#chart-symposium svg"},
		{"console-rules", "/routing-rules", "#add-rule"},
		{"console-accounts", "/accounts", "#create-account"},
		{"console-summaries", "/summaries", "#generate-summary"},
		{"console-not-found", "/no/such/page", "#not-found"},
	} {
		do(t, ctx, pg.name, chromedp.Navigate(e.url+"/console"+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready)))
		if strings.HasPrefix(pg.name, "console-symposium") || pg.name == "console-poster" {
			waitJS(t, ctx, "QR images", `[...document.querySelectorAll("img")].every(i => i.complete && i.naturalWidth > 0)`)
		}
		checkPage(t, ctx, dir, pg.name)
		if pg.name == "console-rules" {
			// A rule, tried on recent suggestions before saving, then saved.
			do(t, ctx, "add a rule", chromedp.WaitEnabled(chromedp.CSS("#add-rule")), chromedp.Click(chromedp.CSS("#add-rule")), chromedp.WaitVisible(chromedp.CSS(".rule input[name=name]")),
				chromedp.SendKeys(chromedp.CSS(".rule input[name=name]"), "涉企罚款"))
			pick(t, ctx, ".rule .sel-list", list.Title)
			do(t, ctx, "keywords", chromedp.SendKeys(chromedp.CSS(".rule input[placeholder='如:罚款、处罚']"), "罚没、执法证件"),
				chromedp.Click(chromedp.CSS("#try-rules")), chromedp.WaitVisible(chromedp.CSS("#dry-run")))
			waitJS(t, ctx, "the dry run", `document.querySelectorAll("#dry-run [data-list='`+list.ID+`']").length === 2`)
			if rs, _ := e.svc.GetRules(bg, e.admin); len(rs.Rules) != 0 {
				t.Errorf("a dry run saved the rules: %+v", rs.Rules)
			}
			checkPage(t, ctx, dir, "console-rules-dry-run")
			do(t, ctx, "save rules", chromedp.Click(chromedp.CSS("#save-rules")))
			waitJS(t, ctx, "the saved rules", `document.querySelector("#save-rules").disabled`)
			if rs, _ := e.svc.GetRules(bg, e.admin); len(rs.Rules) != 1 || rs.Rules[0].Name != "涉企罚款" || rs.Rules[0].ProblemListID != list.ID {
				t.Errorf("saved rules = %+v", rs.Rules)
			}
		}
		if pg.name == "console-charts" {
			bars, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#chart-kind [data-bars]").dataset.bars`))
			if !strings.Contains(bars, "企业代表:1条") {
				t.Errorf("intake chart bars = %s, want the participant kinds", bars)
			}
		}
	}

	// The symposium's QR card warns that a loopback address cannot be
	// opened from phones.
	do(t, ctx, "symposium", chromedp.Navigate(e.url+"/console/symposia/"+sym.ID), chromedp.WaitVisible(chromedp.CSS("#reach-warning")))
	// Its advice keeps the port the server listens on.
	port := e.url[strings.LastIndex(e.url, ":")+1:]
	if warn, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#reach-warning").innerText`)); !strings.Contains(warn, "--addr 0.0.0.0:"+port+" ") || !strings.Contains(warn, "本机局域网地址:"+port+" ") {
		t.Errorf("the QR card's warning = %q, want the restart on port %s", warn, port)
	}

	// Live intake: a phone's submission appears on the open symposium's page
	// without a reload, marked as new.
	waitJS(t, ctx, "the intake list", `document.querySelectorAll("#intake a.open-suggestion").length === 2`)
	resp, err := http.Post(e.url+"/api/v1/symposia/"+sym.Code+"/suggestions", "application/json",
		strings.NewReader(`{"participant_kind":"enterprise","topic":"检查过多","content":"同一家企业一个月内被检查五次,建议统筹安排联合检查。"}`))
	if err != nil {
		t.Fatal(err)
	}
	var sub struct{ Receipt string }
	if err := json.NewDecoder(resp.Body).Decode(&sub); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("phone submission: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	waitJS(t, ctx, "the new suggestion in the live list", `[...document.querySelectorAll("#intake tr.fresh-row a")].some((a) => a.textContent === "`+sub.Receipt+`")
		&& document.querySelector("#fresh-count").textContent.includes("1 条")`)
	checkPage(t, ctx, dir, "console-live-intake")
	// Routed a moment later: the row shows its new place, once, on top.
	routed, err := e.store.GetSuggestionByReceipt(bg, sub.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RouteSuggestion(bg, routed.ID); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the routed suggestion updated in place", `(() => {
		const rows = [...document.querySelectorAll("#intake tbody tr")];
		const mine = rows.filter((r) => r.innerText.includes("`+sub.Receipt+`"));
		return rows.length === 3 && mine.length === 1 && rows[0] === mine[0] && mine[0].innerText.includes("待分拣");
	})()`)

	// Look-up by the receipt a submitter reads out on the phone.
	do(t, ctx, "receipt look-up", chromedp.Navigate(e.url+"/console/suggestions"), chromedp.WaitVisible(chromedp.CSS("#receipt-lookup")),
		chromedp.SendKeys(chromedp.CSS("#receipt-lookup input[name=receipt]"), strings.ToLower(strings.ReplaceAll(sub.Receipt, "-", " "))),
		chromedp.Click(chromedp.CSS("#receipt-lookup-submit")), chromedp.WaitVisible(chromedp.CSS("#make-problem")))
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#suggestion").innerText`)); !strings.Contains(got, sub.Receipt) {
		t.Errorf("receipt look-up opened %q, want the suggestion %s", got, sub.Receipt)
	}

	// A unit account sees its own workspace and no office screen.
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("input[name=token]")))
	signIn(t, ctx, e.url, unitToken, "#workspace-figures")
	menu, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".aside [data-nav]")].map((m) => m.dataset.nav)`))
	if strings.Join(menu, ",") != "workspace" {
		t.Errorf("unit account menu = %q, want only its workspace", menu)
	}
	waitJS(t, ctx, "the unit's overdue problem", `document.querySelector("#todo a.open-problem") !== null`)
	checkPage(t, ctx, dir, "console-unit-workspace")
	do(t, ctx, "unit opens its problem", chromedp.Click(chromedp.CSS("#todo a.open-problem")), chromedp.WaitVisible(chromedp.CSS("#transitions")))
	moves, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#transitions button")].map((b) => b.dataset.status)`))
	for _, m := range moves {
		if m != "rectifying" && m != "rectified" {
			t.Errorf("unit account is offered the move %q", m)
		}
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#edit-problem").length`)); n != 0 {
		t.Errorf("unit account is offered to edit the problem")
	}
	checkPage(t, ctx, dir, "console-unit-problem")
	do(t, ctx, "unit opens an office page", chromedp.Navigate(e.url+"/console/suggestions"), chromedp.WaitVisible(chromedp.CSS("#forbidden")))
	checkPage(t, ctx, dir, "console-unit-forbidden")
}
