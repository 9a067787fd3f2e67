package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	r := invoke(t, e.public, loadEvent(t, "apigw-healthz.json"))
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", r.status)
	}
}

func TestFormPage(t *testing.T) {
	e := newEnv(t)
	open := e.symposium(feedback.SymposiumOpen, feedback.NPCDeputy, feedback.Enterprise)
	closed := e.symposium(feedback.SymposiumOpen)
	if _, err := e.svc.UpdateSymposium(t.Context(), adminID, closed.ID, feedback.SymposiumPatch{Status: ptr(feedback.SymposiumClosed)}); err != nil {
		t.Fatal(err)
	}
	draft := e.symposium(feedback.SymposiumDraft)
	tests := []struct {
		name, event, code string
		want              int
		contains          []string
		absent            []string
	}{
		{"open", "apigw-get-form.json", open.Code, 200,
			[]string{`lang="zh-CN"`, `name="participant_kind" value="npc_deputy"`, `value="enterprise"`, `<label for="f-content">`,
				`action="/api/v1/symposia/` + open.Code + `/suggestions"`, `name="website"`, `/static/form.js?v=`, `maxlength="5000"`, `个人`[:0] + `不会公开`,
				// A mobile number or an e-mail address: a phone's tel keypad
				// has no letters and no @.
				`<input type="text" autocapitalize="off" autocorrect="off" spellcheck="false" id="f-contact"`},
			[]string{`value="cppcc_member"`, `via=web`, `<script>`, `https://cdn`, `style="`, `type="tel"`}},
		{"web link", "apigw-get-form-web.json", open.Code, 200,
			[]string{`action="/api/v1/symposia/` + open.Code + `/suggestions?via=web"`}, nil},
		{"unknown code", "apigw-get-form.json", "ZZZZZZZZ", 404, []string{"未找到"}, nil},
		{"malformed code", "apigw-get-form.json", "..%2F..%2Fx", 404, nil, nil},
		{"closed", "apigw-get-form.json", closed.Code, 410, []string{closed.Title, "已结束"}, []string{"<form", "尚未开始"}},
		// Not "已结束或尚未开始": the person is told which, and when to come back.
		{"draft", "apigw-get-form.json", draft.Code, 410, []string{"尚未开始", "座谈会开始后"}, []string{"<form", "已结束"}},
	}
	// A link typed by hand from the poster, in lower case, goes to the form.
	lower := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, strings.ToLower(open.Code)))
	if lower.status != http.StatusMovedPermanently || lower.header.Get("Location") != "/s/"+open.Code {
		t.Errorf("lower-case code = %d to %q, want 301 to /s/%s", lower.status, lower.header.Get("Location"), open.Code)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := invoke(t, e.public, withPath(loadEvent(t, tt.event), sampleCode, tt.code))
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.want, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q, want HTML", ct)
			}
			if n := len(r.body); n > 50<<10 {
				t.Errorf("page is %d bytes, want < 50 KB", n)
			}
			body := string(r.body)
			for _, s := range tt.contains {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(body, s) {
					t.Errorf("page contains %q", s)
				}
			}
			if !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("page CSP = %q", r.header.Get("Content-Security-Policy"))
			}
		})
	}
}

func TestFormScript(t *testing.T) {
	e := newEnv(t)
	r := invoke(t, e.public, loadEvent(t, "apigw-get-form-script.json"))
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("status %d type %q", r.status, r.header.Get("Content-Type"))
	}
	for _, s := range []string{"localStorage", "Idempotency-Key", "getRandomValues"} {
		if !strings.Contains(string(r.body), s) {
			t.Errorf("form.js lacks %q", s)
		}
	}
	if len(r.body) > 50<<10 {
		t.Errorf("form.js is %d bytes", len(r.body))
	}
}

func ptr[T any](v T) *T { return &v }

// submitBody is a valid JSON submission with the given key.
func submitBody(key, content string) string {
	b, _ := json.Marshal(map[string]string{
		"participant_kind": "enterprise", "kind": "problem_lead", "name": "李明", "organization": "某某机械制造有限公司",
		"contact": "13812345678", "topic": "涉企执法", "content": content, "idempotency_key": key,
	})
	return string(b)
}

func TestSubmitJSON(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)

	r := invoke(t, e.public, ev)
	if r.status != http.StatusCreated {
		t.Fatalf("status = %d, want 201; body %s", r.status, r.body)
	}
	var first submittedJSON
	r.json(t, &first)
	if first.ID == "" || first.Status != "received" || first.SubmittedAt == "" {
		t.Errorf("response = %+v", first)
	}
	if _, ok := feedback.NormalizeReceipt(first.Receipt); !ok {
		t.Errorf("receipt %q malformed", first.Receipt)
	}

	// The same idempotency key again: same receipt, 201, nothing new.
	r2 := invoke(t, e.public, ev)
	var second submittedJSON
	r2.json(t, &second)
	if r2.status != http.StatusCreated || second != first {
		t.Errorf("replay = %d %+v, want 201 %+v", r2.status, second, first)
	}
	if r2.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay lacks Idempotent-Replayed")
	}
	// The key in the header instead of the body: same again.
	var m map[string]string
	_ = json.Unmarshal([]byte(ev.Body), &m)
	key := m["idempotency_key"]
	delete(m, "idempotency_key")
	b, _ := json.Marshal(m)
	r3 := invoke(t, e.public, withHeader(withBody(ev, string(b)), "idempotency-key", key))
	var third submittedJSON
	r3.json(t, &third)
	if third.Receipt != first.Receipt {
		t.Errorf("header key gave receipt %q, want %q", third.Receipt, first.Receipt)
	}
	// The same key with other content: a reused form, 409.
	r4 := invoke(t, e.public, withBody(ev, submitBody(key, "完全不同的另一条意见内容")))
	if code, field := r4.errorCode(); r4.status != http.StatusConflict || field != "idempotency_key" {
		t.Errorf("reused key = %d %s %s, want 409 idempotency_key", r4.status, code, field)
	}
	if strings.Contains(string(r4.body), first.Receipt) {
		t.Errorf("the 409 for a reused key reveals the earlier receipt %s: %s", first.Receipt, r4.body)
	}

	got := e.suggestions(sym.ID)
	if len(got) != 1 {
		t.Fatalf("stored %d suggestions, want exactly 1", len(got))
	}
	sg := got[0]
	if sg.Channel != feedback.ChannelQR || sg.Receipt != first.Receipt || sg.Campaign != sym.Campaign ||
		sg.ParticipantKind != feedback.Enterprise || sg.Kind != feedback.KindProblemLead || sg.Contact != "13812345678" {
		t.Errorf("stored %+v", sg)
	}
}

func TestSubmitChannelWeb(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)
	ev.RawQueryString = "via=web"
	r := invoke(t, e.public, ev)
	if r.status != http.StatusCreated {
		t.Fatalf("status = %d", r.status)
	}
	if got := e.suggestions(sym.ID); len(got) != 1 || got[0].Channel != feedback.ChannelWeb {
		t.Errorf("stored %v, want one with channel web", got)
	}
}

func TestSubmitFormPost(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-submit-suggestion-form.json"), sampleCode, sym.Code)
	r := invoke(t, e.public, ev)
	if r.status != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303; body %s", r.status, r.body)
	}
	got := e.suggestions(sym.ID)
	if len(got) != 1 {
		t.Fatalf("stored %d, want 1", len(got))
	}
	if loc, want := r.header.Get("Location"), "/r/"+got[0].Receipt; loc != want {
		t.Errorf("Location = %q, want %q", loc, want)
	}
	if got[0].Topic != "基层治理" || got[0].ParticipantKind != feedback.NPCDeputy || got[0].Channel != feedback.ChannelQR {
		t.Errorf("stored %+v", got[0])
	}
	// Pressing send twice without JavaScript posts the same hidden key.
	r2 := invoke(t, e.public, ev)
	if r2.status != http.StatusSeeOther || r2.header.Get("Location") != r.header.Get("Location") {
		t.Errorf("second post = %d %q", r2.status, r2.header.Get("Location"))
	}
	if n := len(e.suggestions(sym.ID)); n != 1 {
		t.Errorf("stored %d after a double post, want 1", n)
	}

	// A field error shows the form again (400) with what was typed.
	bad := url.Values{"participant_kind": {"npc_deputy"}, "content": {"太短"}, "topic": {"<b>主题</b>"}, "idempotency_key": {"f-bad"}}
	r3 := invoke(t, e.public, withBody(ev, bad.Encode()))
	body := string(r3.body)
	if r3.status != http.StatusBadRequest || !strings.Contains(body, "<form") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("invalid form post = %d, want the form again with the error; body %s", r3.status, body)
	}
	if strings.Contains(body, "<b>主题</b>") || !strings.Contains(body, "&lt;b&gt;主题&lt;/b&gt;") {
		t.Errorf("typed text not escaped")
	}
	if n := len(e.suggestions(sym.ID)); n != 1 {
		t.Errorf("stored %d after an invalid post, want 1", n)
	}
}

func TestSubmitErrors(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen, feedback.NPCDeputy, feedback.CPPCCMember)
	closed := e.symposium(feedback.SymposiumOpen)
	if _, err := e.svc.UpdateSymposium(t.Context(), adminID, closed.ID, feedback.SymposiumPatch{Status: ptr(feedback.SymposiumClosed)}); err != nil {
		t.Fatal(err)
	}
	valid := `{"participant_kind":"npc_deputy","content":"建议公开行政处罚裁量基准。"}`
	tests := []struct {
		name        string
		code        string
		contentType string
		body        string
		wantStatus  int
		wantCode    string
		wantField   string
	}{
		{"missing participant kind", sym.Code, "application/json", `{"content":"建议公开行政处罚裁量基准。"}`, 400, "invalid", "participant_kind"},
		{"kind not offered", sym.Code, "application/json", `{"participant_kind":"enterprise","content":"建议公开行政处罚裁量基准。"}`, 400, "invalid", "participant_kind"},
		{"unknown participant kind", sym.Code, "application/json", `{"participant_kind":"martian","content":"建议公开行政处罚裁量基准。"}`, 400, "invalid", "participant_kind"},
		{"content too short", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"四个汉字"}`, 400, "invalid", "content"},
		{"content blank", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"　　  "}`, 400, "invalid", "content"},
		{"content too long", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"` + strings.Repeat("长", 5001) + `"}`, 400, "invalid", "content"},
		{"name too long", sym.Code, "application/json", `{"participant_kind":"npc_deputy","name":"` + strings.Repeat("名", 51) + `","content":"建议公开行政处罚裁量基准。"}`, 400, "invalid", "name"},
		{"bad kind", sym.Code, "application/json", `{"participant_kind":"npc_deputy","kind":"rant","content":"建议公开行政处罚裁量基准。"}`, 400, "invalid", "kind"},
		{"bad idempotency key", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"建议公开行政处罚裁量基准。","idempotency_key":"含中文"}`, 400, "invalid", "idempotency_key"},
		{"invalid JSON", sym.Code, "application/json", `{"participant_kind":`, 400, "invalid", ""},
		{"unknown field", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"建议公开行政处罚裁量基准。","secret":1}`, 400, "invalid", "secret"},
		{"symposium_id in body", sym.Code, "application/json", `{"symposium_id":"x","participant_kind":"npc_deputy","content":"建议公开行政处罚裁量基准。"}`, 400, "invalid", "symposium_id"},
		{"key header differs", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"建议公开行政处罚裁量基准。","idempotency_key":"other"}`, 400, "invalid", "idempotency_key"},
		{"wrong type", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":12345}`, 400, "invalid", "content"},
		{"unknown code", "ZZZZZZZZ", "application/json", valid, 404, "not_found", ""},
		{"closed", closed.Code, "application/json", valid, 410, "gone", ""},
		{"too large", sym.Code, "application/json", `{"participant_kind":"npc_deputy","content":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "too_large", ""},
		{"text/plain", sym.Code, "text/plain", valid, 415, "unsupported", ""},
		{"multipart/mixed", sym.Code, "multipart/mixed; boundary=x", valid, 415, "unsupported", ""},
		{"no content type", sym.Code, "", valid, 415, "unsupported", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := withBody(withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, tt.code), tt.body)
			ev = withHeader(ev, "content-type", tt.contentType)
			if tt.name == "key header differs" {
				ev = withHeader(ev, "idempotency-key", "the-header-key")
			}
			r := invoke(t, e.public, ev)
			code, field := r.errorCode()
			if r.status != tt.wantStatus || code != tt.wantCode || field != tt.wantField {
				t.Errorf("got %d %s %q, want %d %s %q; body %.300s", r.status, code, field, tt.wantStatus, tt.wantCode, tt.wantField, r.body)
			}
		})
	}
	if n := len(e.suggestions(sym.ID)) + len(e.suggestions(closed.ID)); n != 0 {
		t.Errorf("stored %d suggestions on errors, want 0", n)
	}
}

func TestHoneypot(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	hits := 0
	e.pub.honeypotHits = func() { hits++ }
	ev := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)
	var m map[string]string
	_ = json.Unmarshal([]byte(ev.Body), &m)
	m["website"] = "http://spam.example"
	b, _ := json.Marshal(m)
	r := invoke(t, e.public, withBody(ev, string(b)))
	var out submittedJSON
	r.json(t, &out)
	if r.status != http.StatusCreated || out.Receipt == "" {
		t.Errorf("honeypot = %d %+v, want a success look-alike", r.status, out)
	}
	form := withPath(loadEvent(t, "apigw-submit-suggestion-form.json"), sampleCode, sym.Code)
	r2 := invoke(t, e.public, withBody(form, "participant_kind=public&content=%E4%BD%A0%E5%A5%BD%E4%BD%A0%E5%A5%BD%E4%BD%A0&website=x"))
	if r2.status != http.StatusSeeOther {
		t.Errorf("form honeypot = %d, want 303", r2.status)
	}
	if n := len(e.suggestions(sym.ID)); n != 0 || hits != 2 {
		t.Errorf("stored %d, hits %d; want 0 stored, 2 hits", n, hits)
	}
	// The fake receipt leads nowhere.
	r3 := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt.json"), sampleReceipt, out.Receipt))
	if r3.status != http.StatusNotFound {
		t.Errorf("fake receipt lookup = %d, want 404", r3.status)
	}
}

func TestReceipt(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	r := invoke(t, e.public, withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code))
	var sub submittedJSON
	r.json(t, &sub)

	personal := []string{"李明", "某某机械", "13812345678", "重复检查"}
	t.Run("json", func(t *testing.T) {
		// People type receipts in lower case with spaces; it still resolves.
		typed := strings.ToLower(strings.ReplaceAll(sub.Receipt, "-", ""))
		r := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt.json"), sampleReceipt, typed))
		if r.status != 200 {
			t.Fatalf("status = %d; %s", r.status, r.body)
		}
		var v receiptJSON
		r.json(t, &v)
		if v.Receipt != sub.Receipt || v.Status != "received" || v.StatusLabel != "已收到" || v.Problem != nil {
			t.Errorf("receipt = %+v", v)
		}
		for _, p := range personal {
			if strings.Contains(string(r.body), p) {
				t.Errorf("receipt JSON shows %q", p)
			}
		}
	})
	t.Run("page", func(t *testing.T) {
		r := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sub.Receipt))
		if r.status != 200 || !strings.Contains(string(r.body), sub.Receipt) || !strings.Contains(string(r.body), "已收到") {
			t.Fatalf("status = %d; %s", r.status, r.body)
		}
		for _, p := range personal {
			if strings.Contains(string(r.body), p) {
				t.Errorf("receipt page shows %q", p)
			}
		}
	})
	for _, ev := range []string{"apigw-get-receipt.json", "apigw-get-receipt-page.json"} {
		for _, rc := range []string{"2222-3333-4444", "not-a-receipt"} {
			r := invoke(t, e.public, withPath(loadEvent(t, ev), sampleReceipt, rc))
			if r.status != http.StatusNotFound {
				t.Errorf("%s %s = %d, want 404", ev, rc, r.status)
			}
			// A mistyped receipt link offers the lookup form, not a dead end.
			if ev == "apigw-get-receipt-page.json" && (!strings.Contains(string(r.body), `<form id="lookup"`) || !strings.Contains(string(r.body), "没有找到回执号")) {
				t.Errorf("page for unknown receipt %s lacks the lookup form and its message: %s", rc, r.body)
			}
		}
	}
}

// TestVenueNAT: 200 participants behind one venue address, each loading the
// form, sending a suggestion and reading the receipt within a few minutes,
// all get through.
func TestVenueNAT(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	form := withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, sym.Code)
	submit := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)
	for i := range 200 {
		e.clock.Advance(900 * time.Millisecond) // 200 people over three minutes
		if r := invoke(t, e.public, form); r.status != 200 {
			t.Fatalf("participant %d form = %d", i, r.status)
		}
		r := invoke(t, e.public, withBody(submit, submitBody("venue-"+string(rune('A'+i%26))+strings.Repeat("x", i/26), "第"+string(rune('一'+i))+"条意见:建议统一检查计划。")))
		if r.status != http.StatusCreated {
			t.Fatalf("participant %d submit = %d %s", i, r.status, r.body)
		}
		var s submittedJSON
		r.json(t, &s)
		if rr := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, s.Receipt)); rr.status != 200 {
			t.Fatalf("participant %d receipt = %d", i, rr.status)
		}
	}
	if n := len(e.suggestions(sym.ID)); n != 200 {
		t.Errorf("stored %d, want 200", n)
	}
}

// TestFlood: one address sending far beyond a symposium's volume is held
// back with 429 and Retry-After, and let through again once it slows down.
func TestFlood(t *testing.T) {
	e := newEnv(t, func(c *PublicConfig) {
		c.SubmitPerIP = &RateLimit{Burst: 20, PerSecond: 1}
	})
	sym := e.symposium(feedback.SymposiumOpen)
	submit := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)
	ok, limited := 0, 0
	var last response
	for i := range 50 {
		r := invoke(t, e.public, withBody(submit, submitBody("flood-"+strings.Repeat("x", i+1), "刷屏内容第几条无所谓啦")))
		switch r.status {
		case http.StatusCreated:
			ok++
		case http.StatusTooManyRequests:
			limited++
			last = r
		default:
			t.Fatalf("status %d", r.status)
		}
	}
	if ok != 20 || limited != 30 {
		t.Errorf("ok %d limited %d, want 20 and 30", ok, limited)
	}
	if code, _ := last.errorCode(); code != "rate_limited" || last.header.Get("Retry-After") != "1" {
		t.Errorf("429 = %s Retry-After %q", code, last.header.Get("Retry-After"))
	}
	if n := len(e.suggestions(sym.ID)); n != 20 {
		t.Errorf("stored %d, want 20", n)
	}
	// Another address is unaffected; the flooder is let through after a pause.
	other := submit
	other.RequestContext.HTTP.SourceIP = "198.51.100.9"
	if r := invoke(t, e.public, withBody(other, submitBody("other-1", "另一个地址的正常意见。"))); r.status != http.StatusCreated {
		t.Errorf("other address = %d", r.status)
	}
	e.clock.Advance(2 * time.Second)
	if r := invoke(t, e.public, withBody(submit, submitBody("flood-after", "停一会儿之后的意见。"))); r.status != http.StatusCreated {
		t.Errorf("after pause = %d", r.status)
	}
	// A form post that is limited gets a page, not JSON.
	form := withPath(loadEvent(t, "apigw-submit-suggestion-form.json"), sampleCode, sym.Code)
	for range 3 {
		invoke(t, e.public, form)
	}
	r := invoke(t, e.public, withBody(form, "participant_kind=public&content=%E4%BD%A0%E5%A5%BD%E4%BD%A0%E5%A5%BD%E4%BD%A0&idempotency_key=k2"))
	if r.status != http.StatusTooManyRequests || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || r.header.Get("Retry-After") == "" {
		t.Errorf("limited form post = %d %q", r.status, r.header.Get("Content-Type"))
	}
}

func TestPerSymposiumCap(t *testing.T) {
	e := newEnv(t, func(c *PublicConfig) {
		c.SubmitPerSymposium = &RateLimit{Burst: 5, PerSecond: 0.5}
	})
	sym := e.symposium(feedback.SymposiumOpen)
	other := e.symposium(feedback.SymposiumOpen)
	submit := withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)
	for i := range 8 {
		ev := withBody(submit, submitBody("cap-"+strings.Repeat("x", i+1), "分布式刷屏的意见内容。"))
		ev.RequestContext.HTTP.SourceIP = "198.51.100." + string(rune('1'+i)) // many addresses
		r := invoke(t, e.public, ev)
		want := http.StatusCreated
		if i >= 5 {
			want = http.StatusTooManyRequests
		}
		if r.status != want {
			t.Errorf("submission %d = %d, want %d", i, r.status, want)
		}
	}
	r := invoke(t, e.public, withBody(withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, other.Code), submitBody("cap-other", "另一个座谈会不受影响。")))
	if r.status != http.StatusCreated {
		t.Errorf("other symposium = %d", r.status)
	}
}

// TestFormOffersNoticeOnlyWhenDelivered: the form promises a text message
// or an e-mail with the outcome, so it offers "有办理结果时通知我" only where
// reply notices reach submitters: a host that delivers them (Submitters)
// or one whose deployment does (SubmitterNoticesElsewhere: the collect
// function on AWS, with the topic configured).
func TestFormOffersNoticeOnlyWhenDelivered(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name  string
		cfg   feedback.Config
		offer bool
	}{
		{"nobody delivers", feedback.Config{}, false},
		{"this host delivers", feedback.Config{Submitters: noSubmitters{}}, true},
		{"the deployment delivers", feedback.Config{SubmitterNoticesElsewhere: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.PublicBaseURL, tt.cfg.Now, tt.cfg.Logger = testBaseURL, e.clock.Now, log
			svc := feedback.NewService(e.store, tt.cfg)
			if got := svc.OffersSubmitterNotices(); got != tt.offer {
				t.Errorf("OffersSubmitterNotices() = %v, want %v", got, tt.offer)
			}
			h := common(log, newPublic(PublicConfig{Service: svc, Logger: log, Now: e.clock.Now}).mux)
			pages := map[string]string{}
			r := invoke(t, h, withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, sym.Code))
			pages["form"] = string(r.body)
			// The page answering a form post with an error (no content).
			post := withPath(loadEvent(t, "apigw-submit-suggestion-form.json"), sampleCode, sym.Code)
			post = withBody(post, "participant_kind=public&kind=suggestion&content=&idempotency_key=f-1")
			r = invoke(t, h, post)
			if r.status != http.StatusBadRequest {
				t.Fatalf("form post without content: %d, want 400", r.status)
			}
			pages["form with an error"] = string(r.body)
			for name, page := range pages {
				for _, s := range []string{`id="f-notify"`, "有办理结果时通知我", "我们会发一条短信或邮件"} {
					if strings.Contains(page, s) != tt.offer {
						t.Errorf("%s: contains %q = %v, want %v", name, s, !tt.offer, tt.offer)
					}
				}
				if !strings.Contains(page, `id="f-contact"`) {
					t.Errorf("%s: no contact field", name)
				}
			}
		})
	}
}

// noSubmitters is a host's delivery to submitters that sends nothing.
type noSubmitters struct{}

func (noSubmitters) NotifySubmitter(context.Context, string, string, feedback.Notice) error {
	return nil
}
