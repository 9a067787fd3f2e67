package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// xss is what an attacker types into every field.
const xss = `"><script>alert(1)</script><img src=x onerror=alert(2)>`

// rawMarkup reports whether b holds the attack's markup unescaped.
func rawMarkup(b []byte) bool {
	l := bytes.ToLower(b)
	return bytes.Contains(l, []byte("<script>alert")) || bytes.Contains(l, []byte("<img src=x"))
}

var submissionFields = []string{"participant_kind", "kind", "name", "organization", "contact", "topic", "content", "idempotency_key"}

// submission returns valid values with field set to v.
func submission(field, v string) map[string]string {
	m := map[string]string{"participant_kind": "enterprise", "kind": "suggestion", "name": "张先生",
		"organization": "某某公司", "contact": "13800000000", "topic": "涉企执法",
		"content": "建议公开罚款裁量基准,统一执法尺度。", "idempotency_key": "k-" + field}
	m[field] = v
	return m
}

func formBody(m map[string]string) string {
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v.Encode()
}

func jsonBody(m map[string]string) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// TestNoErrorEchoesMarkup sends an attack payload in every submission
// field, as JSON and as a form post, alone (it may be stored) and with a
// content that is too short (so the form comes back with the values), plus
// as an unknown field name and in 404 paths: no answer carries the markup
// unescaped, and the staff views of what was stored do not either.
func TestNoErrorEchoesMarkup(t *testing.T) {
	e := newSecEnv(t)
	submit := "/api/v1/symposia/" + e.sym.Code + "/suggestions"
	check := func(what string, status int, h http.Header, b []byte) {
		t.Helper()
		if status >= 500 {
			t.Errorf("%s: status %d", what, status)
		}
		if rawMarkup(b) {
			t.Errorf("%s: %d answer echoes the markup unescaped: %s", what, status, b)
		}
		checkHeaders(t, what, h)
	}
	for _, field := range submissionFields {
		for _, short := range []bool{false, true} {
			m := submission(field, xss)
			if short && field != "content" {
				m["content"] = "短"
			}
			m["idempotency_key"] = fmt.Sprintf("k-%s-%v", field, short)
			if field == "idempotency_key" {
				m["idempotency_key"] = xss
			}
			name := fmt.Sprintf("%s (short content %v)", field, short)
			resp := e.do(t, req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(m)})
			check("JSON "+name, resp.StatusCode, resp.Header, readAll(t, resp))
			resp = e.do(t, req{method: "POST", target: submit, ctype: "application/x-www-form-urlencoded", body: formBody(m)})
			b := readAll(t, resp)
			check("form "+name, resp.StatusCode, resp.Header, b)
			if resp.StatusCode == http.StatusBadRequest && field != "content" && field != "participant_kind" && field != "kind" && field != "idempotency_key" &&
				!bytes.Contains(b, []byte("&lt;script&gt;")) {
				t.Errorf("form %s: the form came back without the typed value (escaped): %s", name, b)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				resp := e.do(t, req{method: "GET", target: loc})
				check("receipt page after "+name, resp.StatusCode, resp.Header, readAll(t, resp))
			}
			status, h, b := lambda(t, e.public, req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(m)}, nil)
			check("AWS JSON "+name, status, h, b)
		}
	}
	resp := e.do(t, req{method: "POST", target: submit, ctype: "application/json", body: `{"` + strings.ReplaceAll(xss, `"`, `\"`) + `":1}`})
	check("unknown JSON field", resp.StatusCode, resp.Header, readAll(t, resp))
	resp = e.do(t, req{method: "POST", target: submit, ctype: "text/html; charset=" + url.QueryEscape(xss), body: "x"})
	check("content type", resp.StatusCode, resp.Header, readAll(t, resp))

	p := url.PathEscape(xss)
	for _, target := range []string{"/s/" + p, "/r/" + p, "/api/v1/receipts/" + p, "/" + p, "/api/v1/" + p, "/console/assets/" + p,
		"/api/v1/symposia/" + p + "/suggestions", "/static/" + p} {
		method := "GET"
		if strings.HasSuffix(target, "/suggestions") {
			method = "POST"
		}
		resp := e.do(t, req{method: method, target: target, ctype: "application/json", body: "{}"})
		b := readAll(t, resp)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", method, target, resp.StatusCode)
		}
		check("404 "+target, resp.StatusCode, resp.Header, b)
	}
	for _, target := range []string{"/api/v1/suggestions/" + p, "/api/v1/symposia/" + p, "/api/v1/problems/" + p,
		"/api/v1/suggestions?status=" + url.QueryEscape(xss), "/api/v1/suggestions?cursor=" + url.QueryEscape(xss)} {
		resp := e.do(t, req{method: "GET", target: target, token: secAdminToken})
		check("staff "+target, resp.StatusCode, resp.Header, readAll(t, resp))
	}

	// What was stored comes back escaped to staff: JSON and pages.
	sym, err := e.svc.CreateSymposium(context.Background(), e.admin, feedback.SymposiumInput{Title: "座谈会" + xss, Venue: xss, HostUnit: xss})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/v1/suggestions", "/api/v1/symposia/" + sym.ID, "/api/v1/symposia/" + sym.ID + "/poster", "/s/" + sym.Code} {
		resp := e.do(t, req{method: "GET", target: target, token: secAdminToken})
		b := readAll(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", target, resp.StatusCode)
		}
		check("stored markup via "+target, resp.StatusCode, resp.Header, b)
	}
}

var (
	inlineScript  = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	inlineHandler = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
)

// checkHeaders holds every answer to the security headers: a CSP with
// frame-ancestors 'none' and no unsafe-inline or unsafe-eval, nosniff, a
// referrer policy; HTML pages also carry no inline script or handler.
func checkHeaders(tb testing.TB, what string, h http.Header) {
	tb.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		tb.Errorf("%s: CSP %q, want frame-ancestors 'none' and nothing unsafe", what, csp)
	}
	if strings.HasPrefix(h.Get("Content-Type"), "text/html") && !strings.Contains(csp, "script-src 'self'") && !strings.Contains(csp, "default-src 'none'") {
		tb.Errorf("%s: HTML page CSP %q allows scripts from elsewhere", what, csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		tb.Errorf("%s: X-Content-Type-Options %q", what, got)
	}
	if h.Get("Referrer-Policy") == "" {
		tb.Errorf("%s: no Referrer-Policy", what)
	}
}

func checkHTML(tb testing.TB, what string, h http.Header, b []byte) {
	tb.Helper()
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		return
	}
	for _, tag := range inlineScript.FindAll(b, -1) {
		if !bytes.Contains(bytes.ToLower(tag), []byte(" src=")) {
			tb.Errorf("%s: inline script %s", what, tag)
		}
	}
	if m := inlineHandler.Find(b); m != nil {
		tb.Errorf("%s: inline event handler in %s", what, m)
	}
}

// TestSecurityHeadersOnEveryRoute requests every registered route (public,
// console and staff, with real IDs and an admin token) and the error pages,
// and checks the security headers on each answer.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	e := newSecEnv(t)
	sg, problem, _ := e.unitFixture(t)
	closed, err := e.svc.CreateSymposium(context.Background(), e.admin, feedback.SymposiumInput{Title: "已结束的座谈会"})
	if err != nil {
		t.Fatal(err)
	}
	st := feedback.SymposiumClosed
	if _, err := e.svc.UpdateSymposium(context.Background(), e.admin, closed.ID, feedback.SymposiumPatch{Status: &st}); err != nil {
		t.Fatal(err)
	}
	resp := e.do(t, req{method: "POST", target: "/api/v1/summaries", token: secAdminToken, ctype: "application/json", body: `{"period":"daily","date":"2025-03-03"}`})
	var sm struct{ ID string }
	if err := json.Unmarshal(readAll(t, resp), &sm); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create summary: %d %v", resp.StatusCode, err)
	}
	routes := append(patterns(t, "HandleFunc"), patterns(t, "Handle")...)
	var targets []req
	for _, rt := range routes {
		id := e.sym.ID
		switch {
		case strings.HasPrefix(rt.path, "/api/v1/suggestions/"):
			id = sg.ID
		case strings.HasPrefix(rt.path, "/api/v1/problems/"):
			id = problem.ID
		case strings.HasPrefix(rt.path, "/api/v1/problem-lists/"):
			id = problem.ProblemListID
		case strings.HasPrefix(rt.path, "/api/v1/summaries/"):
			id = sm.ID
		}
		target := fill(rt.path, map[string]string{"id": id, "code": e.sym.Code, "receipt": sg.Receipt, "path": "assets/app.js"})
		targets = append(targets, req{method: rt.method, target: target, token: secAdminToken})
	}
	for _, target := range []string{
		"/api/v1/problem-lists/" + problem.ProblemListID + ".xlsx", "/api/v1/summaries/" + sm.ID + ".html",
		"/s/NOSUCHCD", "/s/" + closed.Code, "/r/K7QM-3XPA-9RTD", "/console/assets/nothing.js", "/nothing", "/console/index.html", "/console/problems/x",
	} {
		targets = append(targets, req{method: "GET", target: target, token: secAdminToken})
	}
	targets = append(targets,
		req{method: "POST", target: "/api/v1/symposia/" + e.sym.Code + "/suggestions", ctype: "application/x-www-form-urlencoded", body: "participant_kind=enterprise&content=x"},
		req{method: "POST", target: "/api/v1/symposia/" + closed.Code + "/suggestions", ctype: "application/x-www-form-urlencoded", body: formBody(submission("name", "李"))},
		req{method: "POST", target: "/api/v1/symposia/" + e.sym.Code + "/suggestions", ctype: "application/json", body: strings.Repeat("x", 70<<10)},
	)
	pages := 0
	for _, r := range targets {
		resp := e.do(t, r)
		b := readAll(t, resp)
		what := r.method + " " + r.target
		if resp.StatusCode >= 500 {
			t.Errorf("%s: %d", what, resp.StatusCode)
		}
		checkHeaders(t, what, resp.Header)
		checkHTML(t, what, resp.Header, b)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			pages++
		}
	}
	if pages < 8 {
		t.Errorf("only %d HTML pages among %d answers", pages, len(targets))
	}
}

// Personal data used by the logging test: none of it may reach a log line.
var personal = []string{"欧阳娜娜", "绝密精工机械厂", "13912345678", "ouyang.nana@example.cn", "独一无二的内容标记", "另一段独特的办理意见"}

// TestPersonalDataNeverLogged runs a full submission and staff flow, the
// error paths included (bad fields, oversized and mistyped bodies, the
// honeypot, a search by name, an internal error), with every log line of
// the handlers and the service captured at debug level: none carries a
// submitted name, organization, contact or content.
func TestPersonalDataNeverLogged(t *testing.T) {
	e := newSecEnv(t)
	submit := "/api/v1/symposia/" + e.sym.Code + "/suggestions"
	full := map[string]string{"participant_kind": "enterprise", "kind": "problem_lead", "name": personal[0],
		"organization": personal[1], "contact": personal[2], "topic": "涉企执法",
		"content": "反映问题:" + personal[4] + ",执法人员检查时未出示证件。"}
	var ids []string
	keep := func(b []byte) {
		var out struct{ ID string }
		if json.Unmarshal(b, &out) == nil && out.ID != "" {
			ids = append(ids, out.ID)
		}
	}
	post := func(r req, want int) []byte {
		t.Helper()
		resp := e.do(t, r)
		b := readAll(t, resp)
		if resp.StatusCode != want {
			t.Errorf("%s %s: %d %s, want %d", r.method, r.target, resp.StatusCode, b, want)
		}
		return b
	}
	m := full
	m["idempotency_key"] = "log-1"
	keep(post(req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(m)}, http.StatusCreated))
	post(req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(m)}, http.StatusCreated) // replay
	m["idempotency_key"], m["contact"] = "log-2", personal[3]
	post(req{method: "POST", target: submit, ctype: "application/x-www-form-urlencoded", body: formBody(m)}, http.StatusSeeOther)
	bad := map[string]string{"content": "短", "name": strings.Repeat(personal[0], 30), "contact": strings.Repeat(personal[2], 10),
		"participant_kind": personal[1]}
	for field, v := range bad {
		m := submission(field, v)
		if field != "name" && field != "contact" {
			m["name"], m["contact"] = personal[0], personal[2]
		}
		post(req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(m)}, http.StatusBadRequest)
		post(req{method: "POST", target: submit, ctype: "application/x-www-form-urlencoded", body: formBody(m)}, http.StatusBadRequest)
	}
	post(req{method: "POST", target: submit, ctype: "application/json", body: `{"` + personal[0] + `":"` + personal[2] + `"}`}, http.StatusBadRequest)
	post(req{method: "POST", target: submit, ctype: "application/json", body: `{"name":"` + personal[0] + `",`}, http.StatusBadRequest)
	post(req{method: "POST", target: submit, ctype: "application/json", body: `{"name":"` + strings.Repeat(personal[0], 8000) + `"}`}, http.StatusRequestEntityTooLarge)
	post(req{method: "POST", target: submit, ctype: "text/plain", body: personal[0]}, http.StatusUnsupportedMediaType)
	hp := submission("name", personal[0])
	hp["website"] = personal[3]
	post(req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(hp)}, http.StatusCreated)
	post(req{method: "POST", target: "/api/v1/symposia/NOSUCHCD/suggestions", ctype: "application/json", body: jsonBody(full)}, http.StatusNotFound)

	// Staff: entry, lists, search by name, exports, a problem, a decline,
	// a transition, anonymisation.
	entry := map[string]string{"symposium_id": e.sym.ID, "participant_kind": "npc_deputy", "name": personal[0], "organization": personal[1],
		"contact": personal[2], "content": "纸质意见:" + personal[4] + "。"}
	keep(post(req{method: "POST", target: "/api/v1/suggestions", token: secStaffToken, ctype: "application/json", body: jsonBody(entry)}, http.StatusCreated))
	ctx := context.Background()
	for _, id := range ids {
		if err := e.svc.RouteSuggestion(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, target := range []string{"/api/v1/suggestions", "/api/v1/suggestions?q=" + url.QueryEscape(personal[0]), "/api/v1/suggestions/" + ids[0],
		"/api/v1/suggestions.csv?q=" + url.QueryEscape(personal[4]), "/api/v1/suggestions/" + ids[0] + "/similar"} {
		// A unit is refused suggestions outside its problems (and the
		// refusal logs nothing personal either).
		for tok, want := range map[string]int{secStaffToken: http.StatusOK, secUnitToken: http.StatusForbidden} {
			if resp := e.do(t, req{method: "GET", target: target, token: tok}); resp.StatusCode != want {
				t.Errorf("GET %s: %d, want %d", target, resp.StatusCode, want)
			}
		}
	}
	b := post(req{method: "POST", target: "/api/v1/problem-lists", token: secStaffToken, ctype: "application/json", body: `{"title":"涉企执法问题清单"}`}, http.StatusCreated)
	var list struct{ ID string }
	_ = json.Unmarshal(b, &list)
	b = post(req{method: "POST", target: "/api/v1/problems", token: secStaffToken, ctype: "application/json",
		body: `{"problem_list_id":"` + list.ID + `","title":"检查未出示证件","suggestion_ids":["` + ids[0] + `"],"responsible_unit":"` + secUnit + `","deadline":"2025-06-30"}`}, http.StatusCreated)
	var problem struct{ ID string }
	_ = json.Unmarshal(b, &problem)
	for _, target := range []string{"/api/v1/suggestions?problem_id=" + problem.ID, "/api/v1/suggestions/" + ids[0],
		"/api/v1/suggestions.csv?problem_id=" + problem.ID + "&q=" + url.QueryEscape(personal[4])} {
		if resp := e.do(t, req{method: "GET", target: target, token: secUnitToken}); resp.StatusCode != http.StatusOK {
			t.Errorf("unit GET %s: %d", target, resp.StatusCode)
		}
	}
	post(req{method: "PATCH", target: "/api/v1/problems/" + problem.ID, token: secUnitToken, ctype: "application/json",
		body: `{"status":"rectifying","note":"` + personal[5] + `"}`}, http.StatusOK)
	post(req{method: "POST", target: "/api/v1/suggestions/" + ids[1] + "/decline", token: secStaffToken, ctype: "application/json",
		body: `{"reason":"` + personal[5] + `"}`}, http.StatusOK)
	post(req{method: "POST", target: "/api/v1/admin/anonymize", token: secAdminToken, ctype: "application/json", body: `{"older_than_days":1}`}, http.StatusOK)

	// An internal error: the store goes away mid-flight.
	e.store.Close()
	post(req{method: "POST", target: submit, ctype: "application/json", body: jsonBody(full)}, http.StatusInternalServerError)
	post(req{method: "GET", target: "/api/v1/suggestions?q=" + url.QueryEscape(personal[0]), token: secStaffToken}, http.StatusInternalServerError)

	logs := e.logs.String()
	if strings.Count(logs, `"msg":"request"`) < 30 || !strings.Contains(logs, "internal error") || !strings.Contains(logs, "honeypot") {
		t.Fatalf("the flow logged too little to prove anything:\n%s", logs)
	}
	for _, p := range personal {
		if strings.Contains(logs, p) {
			for _, line := range strings.Split(logs, "\n") {
				if strings.Contains(line, p) {
					t.Errorf("log line carries personal data %q: %s", p, line)
				}
			}
		}
	}
}
