package httpapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// personal is what a submitter wrote about themselves and their matter:
// none of it may appear on a receipt page or in its JSON.
var personal = []string{"李明", "某某机械制造有限公司", "13812345678", "罚款决定书送达", "希望重新办理"}

func checkNoPersonalData(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, p := range personal {
		if strings.Contains(string(body), p) {
			t.Errorf("%s carries %q", what, p)
		}
	}
}

func TestReceiptLoop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sym := e.symposium(feedback.SymposiumOpen)
	sg, _, err := e.svc.Submit(ctx, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Name: "李明",
		Organization: "某某机械制造有限公司", Contact: "13812345678", Notify: true,
		Content: "罚款决定书送达不规范,企业不知道申诉渠道。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RouteSuggestion(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
	rating := func(body string) response {
		return invoke(t, e.public, withBody(withPath(loadEvent(t, "apigw-rate-reply.json"), sampleReceipt, sg.Receipt), body))
	}
	reply := func(text, grade string) response {
		ev := withPath(loadEvent(t, "apigw-reply-suggestion.json"), sampleSuggestion, sg.ID)
		return invoke(t, e.staff, withBody(ev, `{"text":"`+text+`","grade":"`+grade+`"}`))
	}
	receipt := func() receiptJSON {
		r := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt.json"), sampleReceipt, sg.Receipt))
		if r.status != http.StatusOK {
			t.Fatalf("receipt = %d %s", r.status, r.body)
		}
		checkNoPersonalData(t, "receipt JSON", r.body)
		var v receiptJSON
		r.json(t, &v)
		return v
	}

	t.Run("home page: the office and a look-up box, no data", func(t *testing.T) {
		r := invoke(t, e.public, loadEvent(t, "apigw-get-home.json"))
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `<form id="lookup" method="get" action="/r">`) ||
			!strings.Contains(string(r.body), feedback.DefaultOfficeName) || strings.Contains(string(r.body), sg.Receipt) {
			t.Fatalf("home = %d\n%s", r.status, r.body)
		}
	})

	t.Run("look-up forgives case, spaces and missing dashes", func(t *testing.T) {
		plain := strings.ReplaceAll(sg.Receipt, "-", "")
		// What a phone's Chinese input method types: full-width letters,
		// digits and dashes.
		wide := strings.Map(func(r rune) rune { return r + 0xFEE0 }, sg.Receipt)
		for _, typed := range []string{sg.Receipt, strings.ToLower(sg.Receipt), strings.ToLower(plain), " " + plain[:4] + " " + plain[4:8] + " " + plain[8:] + " ", plain[:6] + "-" + plain[6:],
			wide, strings.ToLower(wide), "回执号:" + sg.Receipt, "回执号\uFF1A " + strings.ToLower(plain)} {
			ev := withPath(loadEvent(t, "apigw-lookup-receipt.json"), "k7qm+3xpa+9rtd", url.QueryEscape(typed), "k7qm 3xpa 9rtd", typed)
			r := invoke(t, e.public, ev)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/r/"+sg.Receipt {
				t.Errorf("look up %q = %d → %q, want 303 → /r/%s", typed, r.status, r.header.Get("Location"), sg.Receipt)
			}
		}
		for _, tt := range []struct {
			typed  string
			status int
		}{{"ZZZZ-ZZZZ-ZZZZ", http.StatusNotFound}, {"not a receipt", http.StatusNotFound}, {"", http.StatusBadRequest}} {
			ev := withPath(loadEvent(t, "apigw-lookup-receipt.json"), "k7qm+3xpa+9rtd", url.QueryEscape(tt.typed), "k7qm 3xpa 9rtd", tt.typed)
			r := invoke(t, e.public, ev)
			if r.status != tt.status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), `action="/r"`) {
				t.Errorf("look up %q = %d %q, want %d with the look-up box again", tt.typed, r.status, r.header.Get("Content-Type"), tt.status)
			}
		}
	})

	t.Run("no reply yet: 409", func(t *testing.T) {
		if r := rating(`{"rating":"satisfied"}`); r.status != http.StatusConflict {
			t.Fatalf("rate before a reply = %d %s, want 409", r.status, r.body)
		}
		v := receipt()
		if v.Reply != nil || v.CanRate || v.Rating != nil || v.SymposiumTitle != sym.Title || v.HostUnit != sym.HostUnit || v.FormURL != testBaseURL+"/s/"+sym.Code {
			t.Fatalf("receipt before a reply = %+v", v)
		}
	})

	t.Run("reply with a grade", func(t *testing.T) {
		r := reply("已转区市场监管局规范送达程序。", "B")
		if r.status != http.StatusOK {
			t.Fatalf("reply = %d %s", r.status, r.body)
		}
		var got suggestionJSON
		r.json(t, &got)
		if got.Reply == nil || got.Reply.Grade != "B" || got.Reply.GradeLabel != "正在解决或列入计划" || got.ReplyState != "replied" || len(got.Replies) != 1 {
			t.Fatalf("replied suggestion = %+v", got)
		}
		for _, bad := range []string{`{"text":"好","grade":"E"}`, `{"text":"","grade":"A"}`} {
			ev := withPath(loadEvent(t, "apigw-reply-suggestion.json"), sampleSuggestion, sg.ID)
			if r := invoke(t, e.staff, withBody(ev, bad)); r.status != http.StatusBadRequest {
				t.Errorf("reply %s = %d, want 400", bad, r.status)
			}
		}
		if r := invoke(t, e.staff, withGroups(withPath(loadEvent(t, "apigw-reply-suggestion.json"), sampleSuggestion, sg.ID), "[unit:区司法局]")); r.status != http.StatusForbidden {
			t.Errorf("reply as a unit = %d, want 403", r.status)
		}
		v := receipt()
		if v.Reply == nil || v.Reply.Text != "已转区市场监管局规范送达程序。" || v.Reply.Grade != "B" || !v.CanRate {
			t.Fatalf("receipt after the reply = %+v", v)
		}
	})

	t.Run("rating rules", func(t *testing.T) {
		for _, tt := range []struct{ body, field string }{
			{`{"rating":"dissatisfied"}`, "comment"},
			{`{"rating":"dissatisfied","comment":"  "}`, "comment"},
			{`{"rating":"great"}`, "rating"},
			{`{}`, "rating"},
		} {
			r := rating(tt.body)
			if _, field := r.errorCode(); r.status != http.StatusBadRequest || field != tt.field {
				t.Errorf("rate %s = %d %s, want 400 field %s", tt.body, r.status, r.body, tt.field)
			}
		}
		r := invoke(t, e.public, withPath(loadEvent(t, "apigw-rate-reply.json"), sampleReceipt, sg.Receipt))
		if r.status != http.StatusCreated {
			t.Fatalf("rate = %d %s, want 201", r.status, r.body)
		}
		checkNoPersonalData(t, "rating answer", r.body)
		var v receiptJSON
		r.json(t, &v)
		if v.Rating == nil || *v.Rating != "dissatisfied" || v.CanRate || !v.Rehandle {
			t.Fatalf("after rating = %+v", v)
		}
		if r := rating(`{"rating":"satisfied"}`); r.status != http.StatusConflict {
			t.Fatalf("rate twice = %d, want 409", r.status)
		}
		l := invoke(t, e.staff, loadEvent(t, "apigw-list-rehandle.json"))
		var list listJSON[suggestionJSON]
		l.json(t, &list)
		if l.status != http.StatusOK || len(list.Items) != 1 || list.Items[0].ID != sg.ID || !list.Items[0].Rehandle ||
			list.Items[0].Reply.Rating == nil || list.Items[0].Reply.Rating.Comment != "罚款的裁量基准仍未公开，希望重新办理。" {
			t.Fatalf("re-handle list = %d %s", l.status, l.body)
		}
	})

	t.Run("a new reply can be rated again, from the page's plain form", func(t *testing.T) {
		if r := reply("已规范送达程序,并在文书中写明申诉渠道。", "A"); r.status != http.StatusOK {
			t.Fatalf("reply again = %d", r.status)
		}
		page := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sg.Receipt))
		for _, want := range []string{`<form id="rating" method="post" action="/api/v1/receipts/` + sg.Receipt + `/rating">`,
			`value="dissatisfied"`, "A 已解决或已采纳", sym.Title, "再提一条意见建议"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("receipt page lacks %q", want)
			}
		}
		checkNoPersonalData(t, "receipt page", page.body)
		formEv := withPath(loadEvent(t, "apigw-rate-reply-form.json"), sampleReceipt, sg.Receipt)
		bad := formEv
		bad.Body = base64.StdEncoding.EncodeToString([]byte(url.Values{"rating": {"dissatisfied"}}.Encode()))
		if r := invoke(t, e.public, bad); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `id="rating-error"`) ||
			!strings.Contains(string(r.body), "原因") {
			t.Errorf("form without a comment = %d, want 400 with the message on the page", r.status)
		}
		r := invoke(t, e.public, formEv)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/r/"+sg.Receipt+"#rating" {
			t.Fatalf("form rating = %d → %q", r.status, r.header.Get("Location"))
		}
		page = invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sg.Receipt))
		if !strings.Contains(string(page.body), "您对这次答复的评价:满意") || strings.Contains(string(page.body), `<form id="rating"`) {
			t.Errorf("page after the rating lacks it or still offers the form")
		}
		if v := receipt(); v.Rating == nil || *v.Rating != "satisfied" || v.Rehandle {
			t.Errorf("receipt after the second rating = %+v", v)
		}
	})

	t.Run("the page shows the problem's status, deadline and progress", func(t *testing.T) {
		l, err := e.svc.CreateProblemList(ctx, adminID, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.CreateProblem(ctx, adminID, feedback.ProblemInput{ProblemListID: l.ID, Title: "送达不规范", SuggestionIDs: []string{sg.ID}, Deadline: "2025-04-30"})
		if err != nil {
			t.Fatal(err)
		}
		progress := "已修订行政处罚文书样式,写明申诉渠道。"
		if _, err := e.svc.EditProblem(ctx, adminID, p.ID, feedback.ProblemEdit{Progress: &progress}); err != nil {
			t.Fatal(err)
		}
		page := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sg.Receipt))
		// Dates as people write them, like the page's other dates.
		for _, want := range []string{"<dt>整改状态</dt><dd>待整改</dd>", "<dt>整改期限</dt><dd>2025年4月30日</dd>", "<dt>整改进展</dt><dd>" + progress + "</dd>"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("receipt page lacks %q", want)
			}
		}
		checkNoPersonalData(t, "receipt page", page.body)
	})
}

// TestRehandleThroughTheAPI: a submitter's 不满意 on a rectified problem,
// as the office meets it through the API and the summary's pages: the
// problem back to 重新整改 with a re-handle in its history, the suggestion
// in 待重新办理 with the reason, and the unit's scorecard (JSON, HTML,
// workbook) counting the re-handle, the reply rate and the satisfaction
// rate.
func TestRehandleThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	sg := e.routedSuggestion(t, sym, feedback.Enterprise, "罚款决定书送达不规范,企业不知道申诉渠道。")
	const unit = "区市场监管局"
	ok := func(r response, want int, what string) map[string]any {
		t.Helper()
		if r.status != want {
			t.Fatalf("%s = %d %s, want %d", what, r.status, r.body, want)
		}
		var m map[string]any
		if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			r.json(t, &m)
		}
		return m
	}
	list := ok(e.call(t, "POST", "/api/v1/problem-lists", `{"title":"涉企乱罚款问题清单"}`), http.StatusCreated, "create list")
	p := ok(e.call(t, "POST", "/api/v1/problems", `{"problem_list_id":"`+list["id"].(string)+`","title":"送达不规范","suggestion_ids":["`+sg.ID+`"],"responsible_unit":"`+unit+`","deadline":"2025-03-20"}`),
		http.StatusCreated, "create problem")
	pid := p["id"].(string)
	for _, to := range []string{"rectifying", "rectified"} {
		ok(e.call(t, "PATCH", "/api/v1/problems/"+pid, `{"status":"`+to+`","note":"按要求整改"}`), http.StatusOK, "move to "+to)
	}
	ok(e.call(t, "POST", "/api/v1/suggestions/"+sg.ID+"/reply", `{"text":"已规范送达程序。","grade":"A"}`), http.StatusOK, "reply")
	ok(e.call(t, "POST", "/api/v1/receipts/"+sg.Receipt+"/rating", `{"rating":"dissatisfied","comment":"文书里仍没有申诉渠道"}`), http.StatusCreated, "rate")

	if got := ok(e.call(t, "GET", "/api/v1/problems/"+pid, ""), http.StatusOK, "problem"); got["status"] != "reopened" || got["rehandles"] != float64(1) {
		t.Errorf("problem after 不满意: status %v, rehandles %v; want reopened, 1", got["status"], got["rehandles"])
	}
	history := e.call(t, "GET", "/api/v1/problems/"+pid+"/history", "")
	if !strings.Contains(string(history.body), `"action":"rehandle"`) {
		t.Errorf("history lacks the re-handle: %s", history.body)
	}
	rehandle := e.call(t, "GET", "/api/v1/suggestions?rehandle=true", "")
	if !strings.Contains(string(rehandle.body), sg.ID) || !strings.Contains(string(rehandle.body), "文书里仍没有申诉渠道") {
		t.Errorf("待重新办理 lacks the suggestion or its reason: %s", rehandle.body)
	}

	sm := ok(e.call(t, "POST", "/api/v1/summaries", `{"period":"daily"}`), http.StatusCreated, "summary")
	var score map[string]any
	for _, u := range sm["units"].([]any) {
		if u := u.(map[string]any); u["unit"] == unit {
			score = u
		}
	}
	if score == nil || score["rehandles"] != float64(1) || score["reply_rate"] != float64(1) || score["rated"] != float64(1) || score["satisfaction_rate"] != float64(0) {
		t.Errorf("the unit's scorecard = %v; want 1 re-handle, reply rate 1, satisfaction rate 0 of 1 rated", score)
	}
	html := e.call(t, "GET", "/api/v1/summaries/"+sm["id"].(string)+".html", "")
	if page := string(html.body); html.status != http.StatusOK || !strings.Contains(page, "<th class=\"n\">重新办理</th>") ||
		!regexp.MustCompile(unit+`</td>(<td[^>]*>[^<]*</td>)*<td class="n">100(\.0)?%</td><td class="n">0(\.0)?%</td><td class="n">1</td></tr>`).MatchString(page) {
		t.Errorf("the summary page's scorecard row for %s lacks 答复率 100%%, 满意率 0%%, 重新办理 1:\n%s", unit, page)
	}
}
