package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// FuzzSubmit posts fuzzed bodies to the real public handler over a real
// SQLite store, as JSON and as a form (the decoder, the honeypot, the
// idempotency key and the domain validation): no answer is a 5xx, a JSON
// answer is valid JSON, a page carries no markup but the form's own script
// tag, and whatever was stored passes Validate and reads back by receipt.
func FuzzSubmit(f *testing.F) {
	e := newEnv(f, func(c *PublicConfig) {
		off := &RateLimit{}
		c.SubmitPerIP, c.SubmitPerSymposium, c.ReadPerIP = off, off, off
	})
	sym := e.symposium(feedback.SymposiumOpen)
	target := "/api/v1/symposia/" + sym.Code + "/suggestions"
	f.Add(false, `{"participant_kind":"enterprise","content":"同一类违法行为罚款金额差别很大,建议公开裁量基准。","name":"张三","contact":"13812345678"}`, "")
	f.Add(false, `{"participant_kind":"npc_deputy","kind":"problem_lead","topic":"执法","content":"执法检查过于频繁,企业疲于应付。","idempotency_key":"k1"}`, "k1")
	f.Add(false, `{"participant_kind":"enterprise","content":"短"}`, "")
	f.Add(false, `{"participant_kind":"enterprise","content":"罚款罚款罚款罚款","website":"http://spam.example"}`, "")
	f.Add(false, `{"participant_kind":"enterprise","content":"罚款罚款罚款罚款","symposium_id":"x"}`, "")
	f.Add(false, `{"content":1}`, "")
	f.Add(false, `[]`, "")
	f.Add(false, `{"participant_kind":"enterprise","content":"罚款\u0000罚款罚款罚款"}{}`, "")
	f.Add(true, "participant_kind=enterprise&content=%E7%BD%9A%E6%AC%BE%E8%BF%87%E9%87%8D%EF%BC%8C%E5%BB%BA%E8%AE%AE%E8%A7%84%E8%8C%83&name=%3Cscript%3E", "")
	f.Add(true, "participant_kind=public&content=x&topic=%22%3E%3Cimg+src%3Dx%3E", "")
	f.Add(true, "%zz=1&content", "")
	f.Add(true, "participant_kind=enterprise&content=%E7%BD%9A%E6%AC%BE%E7%BD%9A%E6%AC%BE%E7%BD%9A%E6%AC%BE&idempotency_key=%01", "hdr")
	f.Fuzz(func(t *testing.T, form bool, body, idemHeader string) {
		req := httptest.NewRequest("POST", target, strings.NewReader(body))
		req.RemoteAddr = "192.0.2.20:4000"
		if form {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		if idemHeader != "" {
			req.Header.Set("Idempotency-Key", idemHeader)
		}
		rec := httptest.NewRecorder()
		e.public.ServeHTTP(rec, req)
		res := rec.Result()
		b := rec.Body.Bytes()
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", res.StatusCode, body, b)
		}
		ct := res.Header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "application/json"):
			if !json.Valid(b) {
				t.Fatalf("invalid JSON answer %q", b)
			}
		case strings.HasPrefix(ct, "text/html"):
			if n := bytes.Count(bytes.ToLower(b), []byte("<script")); n > 1 {
				t.Fatalf("page with %d script tags for %q", n, body)
			}
			if bytes.Contains(bytes.ToLower(b), []byte("<img")) {
				t.Fatalf("page echoes markup for %q", body)
			}
		}
		if res.StatusCode == http.StatusCreated && !form && !strings.Contains(body, `"website"`) {
			var out submittedJSON
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			sg, err := e.store.GetSuggestionByReceipt(context.Background(), out.Receipt)
			if err != nil {
				t.Fatalf("receipt %s answered 201 but not stored: %v", out.Receipt, err)
			}
			if err := sg.Validate(); err != nil {
				t.Fatalf("stored an invalid suggestion: %v", err)
			}
		}
	})
}
