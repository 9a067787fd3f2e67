package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Placeholders in the problem events of events/.
const (
	sampleListID    = "01jn8y2d4f6h8k0m2p4r6t8v0w"
	sampleProblemID = "01jn8z3e5g7j9m1p3s5v7x9b1d"
)

// call sends a JSON request to the local handler as the admin.
func (e *env) call(tb testing.TB, method, path, body string) response {
	tb.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+testAdminToken)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.local.ServeHTTP(w, r)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// withGroups sets the cognito:groups claim of a staff event.
func withGroups(ev events.APIGatewayV2HTTPRequest, groups string) events.APIGatewayV2HTTPRequest {
	claims := map[string]string{}
	for k, v := range ev.RequestContext.Authorizer.JWT.Claims {
		claims[k] = v
	}
	claims["cognito:groups"] = groups
	jwt := *ev.RequestContext.Authorizer.JWT
	jwt.Claims = claims
	auth := *ev.RequestContext.Authorizer
	auth.JWT = &jwt
	ev.RequestContext.Authorizer = &auth
	return ev
}

// routedSuggestion submits a suggestion and routes it.
func (e *env) routedSuggestion(tb testing.TB, sym *feedback.Symposium, kind feedback.ParticipantKind, content string) *feedback.Suggestion {
	tb.Helper()
	ctx := context.Background()
	sg, _, err := e.svc.Submit(ctx, sym.Code, feedback.SubmissionInput{ParticipantKind: kind, Content: content, Contact: "13812345678"}, feedback.ChannelQR)
	if err != nil {
		tb.Fatal(err)
	}
	if err := e.svc.RouteSuggestion(ctx, sg.ID); err != nil {
		tb.Fatal(err)
	}
	e.clock.Advance(time.Second)
	sg, err = e.store.GetSuggestion(ctx, sg.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return sg
}

func TestProblemsAPI(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)

	// A problem list, owned by a registered unit or refused.
	r := e.call(t, "POST", "/api/v1/problem-lists", `{"title":"涉企乱罚款问题清单","owner_unit":"依法治区办"}`)
	if code, field := r.errorCode(); r.status != 400 || code != feedback.EInvalid || field != "owner_unit" || !strings.Contains(string(r.body), "登记") {
		t.Errorf("a list owned by an unregistered unit: %d %s", r.status, r.body)
	}
	r = e.call(t, "POST", "/api/v1/problem-lists", `{"title":"涉企乱罚款问题清单","campaign":"涉企乱罚款专项整治","owner_unit":"区委依法治区办"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create list: %d %s", r.status, r.body)
	}
	var list problemListJSON
	r.json(t, &list)
	r = e.call(t, "GET", "/api/v1/problem-lists", "")
	var lists listJSON[problemListJSON]
	r.json(t, &lists)
	if len(lists.Items) != 2 || lists.Items[0].ID != feedback.TriageListID || !lists.Items[0].Triage || lists.Items[1].ID != list.ID || lists.Items[1].Triage {
		t.Errorf("lists = %+v, want the triage list (marked) then %s", lists.Items, list.ID)
	}

	// Routing rules, through the API Gateway payload.
	rulesEv := loadEvent(t, "apigw-put-routing-rules.json")
	r = invoke(t, e.staff, rulesEv) // the placeholder list does not exist
	if code, field := r.errorCode(); r.status != 400 || code != feedback.EInvalid || field != "rules[0].problem_list_id" {
		t.Fatalf("rules with an unknown list: %d %s %s; %s", r.status, code, field, r.body)
	}
	rulesEv = withBody(rulesEv, strings.ReplaceAll(rulesEv.Body, sampleListID, list.ID))
	r = invoke(t, e.staff, rulesEv)
	if r.status != 200 {
		t.Fatalf("put rules: %d %s", r.status, r.body)
	}
	var rules ruleSetJSON
	r.json(t, &rules)
	if rules.Version == nil || *rules.Version != 1 || len(rules.Rules) != 2 || rules.UpdatedBy != "张伟" {
		t.Errorf("saved rules = %+v", rules)
	}
	if r = invoke(t, e.staff, rulesEv); r.status != http.StatusConflict { // still version 0
		t.Errorf("put with a stale version: %d, want 409", r.status)
	}
	if r = invoke(t, e.staff, withGroups(rulesEv, "[staff]")); r.status != http.StatusForbidden {
		t.Errorf("put rules as staff: %d, want 403", r.status)
	}
	// A dry run of edited rules, through the API Gateway payload: where
	// recent suggestions would go, nothing saved; a unit may not.
	dry := loadEvent(t, "apigw-dry-run-routing-rules.json")
	dry = withBody(dry, strings.ReplaceAll(dry.Body, sampleListID, list.ID))
	r = invoke(t, e.staff, withGroups(dry, "[staff]"))
	var tried dryRunResultJSON
	r.json(t, &tried)
	if r.status != 200 || tried.Examined != len(tried.Items) {
		t.Errorf("dry run: %d %s", r.status, r.body)
	}
	if r = invoke(t, e.staff, withGroups(dry, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("dry run as a unit: %d, want 403", r.status)
	}
	r = e.call(t, "GET", "/api/v1/routing-rules", "")
	var got ruleSetJSON
	r.json(t, &got)
	if r.status != 200 || got.Version == nil || *got.Version != 1 || got.Rules[0].Match.KeywordsAny[1] != "处罚" {
		t.Errorf("get rules: %d %+v", r.status, got)
	}
	// Sending back what GET returned, without a version, overwrites.
	if r = e.call(t, "PUT", "/api/v1/routing-rules", strings.Replace(string(r.body), `"version":1,`, "", 1)); r.status != 200 {
		t.Errorf("put without version: %d %s", r.status, r.body)
	}

	a := e.routedSuggestion(t, sym, feedback.Enterprise, "门前临时堆放货物，执法人员未提醒就按门前三包罚款两千元。")
	b := e.routedSuggestion(t, sym, feedback.Enterprise, "门前临时堆放货物，执法人员未提醒就按门前三包罚款两千元！")
	c := e.routedSuggestion(t, sym, feedback.Public, "建议在社区增设长者饭堂。")
	if a.ProblemListID != list.ID || c.ProblemListID != feedback.TriageListID {
		t.Fatalf("routing: a → %q, c → %q", a.ProblemListID, c.ProblemListID)
	}

	// Similar suggestions.
	r = e.call(t, "GET", "/api/v1/suggestions/"+a.ID+"/similar", "")
	var sims listJSON[similarJSON]
	r.json(t, &sims)
	if r.status != 200 || len(sims.Items) != 1 || sims.Items[0].ID != b.ID || sims.Items[0].Similarity < feedback.SimilarityThreshold {
		t.Errorf("similar: %d %s", r.status, r.body)
	}

	// A problem from a suggestion, through the API Gateway payload; the
	// empty responsible unit and deadline come from the rule.
	createEv := loadEvent(t, "apigw-create-problem.json")
	createEv = withBody(createEv, strings.NewReplacer(sampleListID, list.ID, sampleSuggestion, a.ID).Replace(createEv.Body))
	r = invoke(t, e.staff, createEv)
	if r.status != http.StatusCreated {
		t.Fatalf("create problem: %d %s", r.status, r.body)
	}
	e.clock.Advance(time.Second)
	var p problemJSON
	r.json(t, &p)
	if p.Status != "open" || p.ResponsibleUnit != "区市场监督管理局" || p.Deadline != string(feedback.DateOf(e.clock.Now()).AddDays(30)) ||
		len(p.SuggestionIDs) != 1 || p.Version != 1 || strings.Join(p.Next, ",") != "rectifying,long_term" {
		t.Errorf("created problem = %+v", p)
	}
	if r.header.Get("Location") != "/api/v1/problems/"+p.ID {
		t.Errorf("Location = %q", r.header.Get("Location"))
	}
	if sg, _ := e.store.GetSuggestion(context.Background(), a.ID); sg.Status != feedback.SuggestionAdopted || sg.ProblemID != p.ID {
		t.Errorf("suggestion after create: %+v", sg)
	}

	// A transition, through the API Gateway payload.
	trEv := withPath(loadEvent(t, "apigw-transition-problem.json"), sampleProblemID, p.ID)
	if r = invoke(t, e.staff, withGroups(trEv, "[unit:区司法局]")); r.status != http.StatusForbidden {
		t.Errorf("transition by another unit: %d, want 403", r.status)
	}
	r = invoke(t, e.staff, withGroups(trEv, "[unit:区市场监督管理局]"))
	if r.status != 200 {
		t.Fatalf("transition: %d %s", r.status, r.body)
	}
	e.clock.Advance(time.Second) // audit events sort by time
	r.json(t, &p)
	if p.Status != "rectifying" || p.StatusLabel != "整改中" {
		t.Errorf("after transition: %+v", p)
	}
	r = e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"status":"verified","note":"跳过整改"}`)
	if code, _ := r.errorCode(); r.status != http.StatusConflict || code != feedback.EConflict {
		t.Errorf("forbidden transition: %d %s", r.status, r.body)
	}
	r = e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"status":"rectified","title":"新标题"}`)
	if _, field := r.errorCode(); r.status != 400 || field != "title" {
		t.Errorf("status with fields: %d %s", r.status, r.body)
	}
	r = e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"progress":"免罚清单已起草","deadline":"2025-05-31","version":`+strconv.FormatInt(p.Version, 10)+`}`)
	if r.status != 200 {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	e.clock.Advance(time.Second)
	r.json(t, &p)
	if p.Progress != "免罚清单已起草" || p.Deadline != "2025-05-31" {
		t.Errorf("after edit: %+v", p)
	}
	if r = e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"progress":"x","version":1}`); r.status != http.StatusConflict {
		t.Errorf("edit with a stale version: %d, want 409", r.status)
	}
	if r = e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"deadline":"31/05/2025"}`); r.status != 400 {
		t.Errorf("bad deadline: %d, want 400", r.status)
	}
	// The look-back date is a field of a rectified problem only.
	for _, body := range []string{`{"lookback_due":"2025-06-30"}`, `{"lookback_due":"30/06/2025"}`} {
		r = e.call(t, "PATCH", "/api/v1/problems/"+p.ID, body)
		if _, field := r.errorCode(); r.status != 400 || field != "lookback_due" {
			t.Errorf("%s on a problem being rectified: %d %s, want 400 on lookback_due", body, r.status, r.body)
		}
	}

	// Link a later suggestion, decline another.
	r = e.call(t, "POST", "/api/v1/problems/"+p.ID+"/suggestions", `{"suggestion_id":"`+b.ID+`"}`)
	if r.status != 200 {
		t.Fatalf("link: %d %s", r.status, r.body)
	}
	r.json(t, &p)
	if len(p.SuggestionIDs) != 2 {
		t.Errorf("after link: suggestions %v", p.SuggestionIDs)
	}
	r = e.call(t, "POST", "/api/v1/suggestions/"+c.ID+"/decline", `{"reason":"不属于本次专项整治范围，已转区民政局参考。"}`)
	var declined suggestionJSON
	r.json(t, &declined)
	if r.status != 200 || declined.Status != "declined" || declined.Reply == nil || declined.Reply.Grade != "D" || declined.ReplyState != "replied" {
		t.Errorf("decline: %d %s", r.status, r.body)
	}
	if r = e.call(t, "POST", "/api/v1/suggestions/"+a.ID+"/decline", `{"reason":"x"}`); r.status != http.StatusConflict {
		t.Errorf("decline an adopted suggestion: %d, want 409", r.status)
	}

	// History.
	r = e.call(t, "GET", "/api/v1/problems/"+p.ID+"/history", "")
	var hist listJSON[auditEventJSON]
	r.json(t, &hist)
	var actions []string
	for _, ev := range hist.Items {
		actions = append(actions, ev.Action)
	}
	// The edit moved the deadline the problem had: an extension the
	// office granted, recorded as such.
	if r.status != 200 || strings.Join(actions, ",") != "created,transition,extension_approved,linked" {
		t.Errorf("history actions = %v (%d)", actions, r.status)
	}
	if tr := hist.Items[1]; tr.From != "open" || tr.To != "rectifying" || tr.Note == "" || tr.Evidence == "" || tr.Actor != "张伟" {
		t.Errorf("transition event = %+v", tr)
	}

	// Lists and the overdue filter.
	r = e.call(t, "GET", "/api/v1/problems?problem_list_id="+list.ID, "")
	var problems listJSON[problemJSON]
	r.json(t, &problems)
	if r.status != 200 || len(problems.Items) != 1 || problems.Items[0].Overdue {
		t.Errorf("list problems: %d %s", r.status, r.body)
	}
	e.clock.Advance(100 * 24 * time.Hour)
	r = e.call(t, "GET", "/api/v1/problems?overdue=true", "")
	r.json(t, &problems)
	if r.status != 200 || len(problems.Items) != 1 || !problems.Items[0].Overdue {
		t.Errorf("overdue problems: %d %s", r.status, r.body)
	}
	if r = e.call(t, "GET", "/api/v1/problems?overdue=maybe", ""); r.status != 400 {
		t.Errorf("overdue=maybe: %d, want 400", r.status)
	}
	r = e.call(t, "GET", "/api/v1/problem-lists/"+list.ID, "")
	var detail problemListDetailJSON
	r.json(t, &detail)
	if r.status != 200 || len(detail.Problems) != 1 || detail.Counts.Total != 1 || detail.Counts.Overdue != 1 || detail.Counts.ByStatus["rectifying"] != 1 {
		t.Errorf("list detail: %d %s", r.status, r.body)
	}
	if r = e.call(t, "GET", "/api/v1/problem-lists/01nosuchlist", ""); r.status != 404 {
		t.Errorf("unknown list: %d, want 404", r.status)
	}

	// Re-running routing on the triage list.
	r = e.call(t, "POST", "/api/v1/problem-lists/triage/reroute", "")
	var counts routingCountsJSON
	r.json(t, &counts)
	if r.status != 200 || counts.Failed != 0 {
		t.Errorf("reroute: %d %s", r.status, r.body)
	}

	// No credentials.
	noAuth := withHeader(trEv, "authorization", "")
	noAuth.RequestContext.Authorizer = nil
	if r = invoke(t, e.staff, noAuth); r.status != http.StatusUnauthorized {
		t.Errorf("no credentials: %d, want 401", r.status)
	}
}

// TestSplitSuggestionAPI: a suggestion split into two problems through the
// API Gateway payload; each problem lists it, the suggestion names both,
// its receipt (JSON and page) shows each problem's progress, and an error
// about one problem names it.
func TestSplitSuggestionAPI(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	r := e.call(t, "POST", "/api/v1/problem-lists", `{"title":"涉企乱罚款问题清单","campaign":"涉企乱罚款专项整治"}`)
	var list problemListJSON
	r.json(t, &list)
	sg := e.routedSuggestion(t, sym, feedback.Enterprise, "市场监管部门对首次轻微违法也罚款,罚没收入去向也不公开。")

	ev := withPath(loadEvent(t, "apigw-split-suggestion.json"), sampleSuggestion, sg.ID)
	ev = withBody(ev, strings.ReplaceAll(ev.Body, sampleListID, list.ID))
	if r := invoke(t, e.staff, withGroups(ev, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("split by a unit: %d, want 403", r.status)
	}
	bad := withBody(ev, strings.Replace(ev.Body, `"罚没收入使用情况未公开"`, `""`, 1))
	r = invoke(t, e.staff, bad)
	if code, field := r.errorCode(); r.status != 400 || code != feedback.EInvalid || field != "problems.1.title" {
		t.Errorf("split without a title = %d %s", r.status, r.body)
	}
	r = invoke(t, e.staff, ev)
	if r.status != http.StatusCreated {
		t.Fatalf("split = %d %s", r.status, r.body)
	}
	var made listJSON[problemJSON]
	r.json(t, &made)
	if len(made.Items) != 2 || made.Items[0].ResponsibleUnit != "区市场监督管理局" || made.Items[1].DeadlineWorkingDays != 20 {
		t.Fatalf("made = %+v", made.Items)
	}
	e.clock.Advance(time.Second)

	r = e.call(t, "GET", "/api/v1/suggestions/"+sg.ID, "")
	var got suggestionJSON
	r.json(t, &got)
	if got.Status != "adopted" || got.ProblemID != made.Items[0].ID || strings.Join(got.ProblemIDs, ",") != made.Items[0].ID+","+made.Items[1].ID {
		t.Errorf("suggestion after the split = %+v", got)
	}
	for _, p := range made.Items {
		r = e.call(t, "GET", "/api/v1/suggestions?problem_id="+p.ID, "")
		var page listJSON[suggestionJSON]
		r.json(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != sg.ID {
			t.Errorf("suggestions of %s = %s", p.Title, r.body)
		}
	}
	r = e.call(t, "GET", "/api/v1/receipts/"+sg.Receipt, "")
	var rc receiptJSON
	r.json(t, &rc)
	if len(rc.Problems) != 2 || rc.Problem == nil || rc.Problems[1].Deadline != made.Items[1].Deadline {
		t.Errorf("receipt = %s", r.body)
	}
	page := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sg.Receipt))
	for _, want := range []string{"涉及 2 个问题", "<h3>问题一</h3>", "<h3>问题二</h3>", formatDay(feedback.Date(made.Items[1].Deadline))} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("receipt page lacks %q", want)
		}
	}
	for _, p := range made.Items {
		if strings.Contains(string(page.body), p.Title) {
			t.Errorf("receipt page shows the problem's title %q", p.Title)
		}
	}
}

// TestProblemViewsAndExport: the views of 问题跟踪 — overdue, by unit, by
// status, look-back due, supervised, extension pending — each exported as the spreadsheet of
// exactly what the view lists, in its order, titled with the view.
func TestProblemViewsAndExport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	today := feedback.DateOf(e.clock.Now())
	list, err := e.svc.CreateProblemList(ctx, adminID, feedback.ProblemListInput{Title: "涉企乱罚款问题清单", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(title, unit string, deadline feedback.Date, steps ...feedback.Transition) *feedback.Problem {
		t.Helper()
		p, err := e.svc.CreateProblem(ctx, adminID, feedback.ProblemInput{ProblemListID: list.ID, Title: title, ResponsibleUnit: unit,
			ResponsiblePerson: "局长", Requirement: "按期整改", Deadline: deadline})
		if err != nil {
			t.Fatalf("create %s: %v", title, err)
		}
		for _, st := range steps {
			if p, err = e.svc.TransitionProblem(ctx, adminID, p.ID, st); err != nil {
				t.Fatalf("%s → %s: %v", title, st.To, err)
			}
		}
		e.clock.Advance(time.Second)
		return p
	}
	overdue := mk("罚没收入公开不及时", "区市场监督管理局", today.AddDays(-3))
	if _, err := e.svc.EditProblem(ctx, adminID, overdue.ID, feedback.ProblemEdit{Supervised: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	waiting := mk("首违不罚清单未公布", "区市场监督管理局", today.AddDays(20))
	if _, err := e.svc.RequestExtension(ctx, adminID, waiting.ID, feedback.ExtensionInput{Deadline: today.AddDays(30), Reason: "需征求企业意见"}); err != nil {
		t.Fatal(err)
	}
	mk("门前三包以罚代管", "区城管执法局", today.AddDays(-1))
	due := mk("重复检查", "区市场监督管理局", today.AddDays(5), feedback.Transition{To: feedback.ProblemRectifying},
		feedback.Transition{To: feedback.ProblemRectified, LookbackDue: today})
	mk("夜间施工扰民", "区城管执法局", today.AddDays(5), feedback.Transition{To: feedback.ProblemRectifying},
		feedback.Transition{To: feedback.ProblemRectified, LookbackDue: today.AddDays(10)})

	titles := func(query string) []string {
		t.Helper()
		r := e.call(t, "GET", "/api/v1/problems?"+query, "")
		var page listJSON[problemJSON]
		r.json(t, &page)
		if r.status != http.StatusOK || page.NextCursor != "" {
			t.Fatalf("list %s = %d %s", query, r.status, r.body)
		}
		var out []string
		for _, p := range page.Items {
			out = append(out, p.Title)
		}
		return out
	}
	exported := func(r response) [][]string {
		t.Helper()
		if r.status != http.StatusOK || r.header.Get("Content-Type") != mimeXLSXDoc {
			t.Fatalf("export = %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("open export: %v", err)
		}
		rows, err := f.GetRows("问题跟踪")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	for _, tt := range []struct {
		query, view string
		want        []string
	}{
		{"", "全部问题", []string{"罚没收入公开不及时", "首违不罚清单未公布", "门前三包以罚代管", "重复检查", "夜间施工扰民"}},
		{"overdue=true", "逾期", []string{"罚没收入公开不及时", "门前三包以罚代管"}},
		{"unit=区城管执法局", "单位「区城管执法局」", []string{"门前三包以罚代管", "夜间施工扰民"}},
		{"status=rectified", "已整改", []string{"重复检查", "夜间施工扰民"}},
		{"lookback_due=true", "待回头看", []string{"重复检查"}},
		{"supervised=true", "督办", []string{"罚没收入公开不及时"}},
		{"extension_pending=true", "延期待审批", []string{"首违不罚清单未公布"}},
		{"unit=区市场监督管理局&overdue=true", "单位「区市场监督管理局」、逾期", []string{"罚没收入公开不及时"}},
	} {
		t.Run(tt.view, func(t *testing.T) {
			if got := titles(tt.query); !slices.Equal(got, tt.want) {
				t.Fatalf("view %q lists %q, want %q", tt.query, got, tt.want)
			}
			rows := exported(e.call(t, "GET", "/api/v1/problems.xlsx?"+tt.query, ""))
			if want := "问题跟踪:" + tt.view + "(" + string(today) + ")"; rows[0][0] != want {
				t.Errorf("title = %q, want %q", rows[0][0], want)
			}
			var got []string
			for _, row := range rows[2:] {
				got = append(got, row[1])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("export of %q has %q, want %q", tt.query, got, tt.want)
			}
		})
	}

	// The API Gateway payload: the unit's overdue problems; cells as the
	// table shows them.
	r := invoke(t, e.staff, loadEvent(t, "apigw-export-problems.json"))
	rows := exported(r)
	wantHeader := []string{"序号", "问题", "督办", "问题清单", "牵头单位", "协办单位", "第一责任人", "整改期限", "期限情况", "状态", "回头看日期", "整改进展"}
	if !slices.Equal(rows[1], wantHeader) {
		t.Errorf("header = %q", rows[1])
	}
	if len(rows) != 3 || !slices.Equal(rows[2][:10], []string{"1", overdue.Title, "督办", list.Title, "区市场监督管理局", "", "局长", string(overdue.Deadline), "逾期 3 天", "待整改"}) {
		t.Errorf("rows = %q", rows)
	}
	if r := e.call(t, "GET", "/api/v1/problems.xlsx?lookback_due=maybe", ""); r.status != 400 {
		t.Errorf("a bad flag = %d", r.status)
	}
	if got := titles("lookback_due=true"); len(got) != 1 || got[0] != due.Title {
		t.Errorf("look-back due = %q", got)
	}
}

// TestLiveSuggestionsAPI: the live feed through the API Gateway payload
// (a cursor from the test clock's start), then polled: new ones come with
// the next cursor, newest first.
func TestLiveSuggestionsAPI(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	r := e.call(t, "GET", "/api/v1/suggestions/live?symposium_id="+sym.ID, "")
	var start liveJSON
	r.json(t, &start)
	if r.status != 200 || len(start.Items) != 0 || start.After == "" {
		t.Fatalf("start = %d %s", r.status, r.body)
	}
	e.clock.Advance(2 * time.Minute)
	a := e.routedSuggestion(t, sym, feedback.Enterprise, "现场提交的第一条意见。")
	b := e.routedSuggestion(t, sym, feedback.Public, "现场提交的第二条意见。")
	r = e.call(t, "GET", "/api/v1/suggestions/live?symposium_id="+sym.ID+"&after="+url.QueryEscape(start.After), "")
	var p liveJSON
	r.json(t, &p)
	if r.status != 200 || len(p.Items) != 2 || p.Items[0].ID != b.ID || p.Items[1].ID != a.ID || p.Items[0].StatusLabel == "" {
		t.Fatalf("poll = %d %s", r.status, r.body)
	}
	if at, err := time.Parse(time.RFC3339Nano, p.After); err != nil || !at.Equal(b.SubmittedAt) {
		t.Errorf("after = %q, want %s", p.After, b.SubmittedAt)
	}
	ev := withPath(loadEvent(t, "apigw-live-suggestions.json"), sampleSymposiumID, sym.ID)
	r = invoke(t, e.staff, ev)
	r.json(t, &p)
	if r.status != 200 || len(p.Items) != 2 {
		t.Errorf("the sample event = %d %s", r.status, r.body)
	}
	if r := invoke(t, e.staff, withGroups(ev, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("unit = %d, want 403", r.status)
	}
	bad := ev
	bad.RawQueryString = "symposium_id=" + sym.ID + "&after=yesterday"
	if r := invoke(t, e.staff, bad); r.status != 400 {
		t.Errorf("a bad cursor = %d", r.status)
	}
}
