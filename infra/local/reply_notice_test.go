package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLocalReplyNotice: the local stack's webhook receives the reply notice
// of a submitter who asked to be told, none for one who did not: the
// office's copy, and the delivery for the office's relay with the
// submitter's number in "to" — the one use of the contact. Neither carries
// anything the submitter wrote or who they are, only the receipt page's
// link. The form offers the notice only while a webhook can deliver it.
func TestLocalReplyNotice(t *testing.T) {
	var (
		mu     sync.Mutex
		bodies []map[string]any
		raw    []string
		got    = make(chan struct{}, 8)
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if json.Unmarshal(b, &m) != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		mu.Lock()
		bodies, raw = append(bodies, m), append(raw, string(b))
		mu.Unlock()
		got <- struct{}{}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	token := "a-long-secret-token-for-tests"
	data := filepath.Join(t.TempDir(), "jianyan.db")
	st := start(t, []string{"--data", data},
		map[string]string{"JIANYAN_ADMIN_TOKEN": token, "JIANYAN_WEBHOOK_URL": hook.URL})

	code, sym := st.do(t, "POST", "/api/v1/symposia", token,
		`{"title":"涉企乱罚款问题专项整治座谈会","campaign":"涉企乱罚款","host_unit":"区委依法治区办","status":"open"}`)
	if code != http.StatusCreated {
		t.Fatalf("create symposium = %d %v", code, sym)
	}
	symCode, _ := sym["code"].(string)
	if page := formHTML(t, st, symCode); !strings.Contains(page, `id="f-notify"`) {
		t.Error("with a webhook, the form does not offer 有办理结果时通知我")
	}
	submit := func(body string) (id, receipt string) {
		code, sub := st.do(t, "POST", "/api/v1/symposia/"+symCode+"/suggestions", "", body)
		if code != http.StatusCreated {
			t.Fatalf("submit = %d %v", code, sub)
		}
		id, _ = sub["id"].(string)
		receipt, _ = sub["receipt"].(string)
		return id, receipt
	}
	content := "门前三包执法简单,没有提醒就直接罚款两千元。"
	quietID, quietReceipt := submit(`{"participant_kind":"enterprise","name":"陈建国","contact":"13912345678","content":"` + content + `"}`)
	askedID, askedReceipt := submit(`{"participant_kind":"enterprise","name":"李明","contact":"13812345678","notify":true,"content":"` + content + `"}`)
	if code, got := st.do(t, "POST", "/api/v1/symposia/"+symCode+"/suggestions", "",
		`{"participant_kind":"public","notify":true,"content":"`+content+`"}`); code != http.StatusBadRequest || !strings.Contains(toJSON(got), `"field":"contact"`) {
		t.Fatalf("notify without a contact = %d %v, want 400 field contact", code, got)
	}
	for _, id := range []string{quietID, askedID} {
		if code, got := st.do(t, "POST", "/api/v1/suggestions/"+id+"/reply", token,
			`{"text":"已转区市场监管局核查,将规范门前三包执法。","grade":"B"}`); code != http.StatusOK {
			t.Fatalf("reply = %d %v", code, got)
		}
	}
	select {
	case <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("the webhook received no reply notice within 20s")
	}
	st.stop(t) // delivers whatever is still queued
	mu.Lock()
	defer mu.Unlock()
	var office, deliveries []map[string]any
	for _, b := range bodies {
		switch {
		case b["kind"] == "reply" && b["delivery"] != nil:
			deliveries = append(deliveries, b)
		case b["kind"] == "reply":
			office = append(office, b)
		}
	}
	if len(office) != 1 || len(deliveries) != 1 {
		t.Fatalf("webhook got %d office copies and %d deliveries of reply notices, want 1 and 1 (the opted-in submitter's): %v", len(office), len(deliveries), raw)
	}
	for _, n := range []map[string]any{office[0], deliveries[0]} {
		if link, _ := n["link"].(string); !strings.HasSuffix(link, "/r/"+askedReceipt) || !strings.Contains(n["text"].(string), askedReceipt) {
			t.Errorf("notice = %v, want the receipt %s and its page's link", n, askedReceipt)
		}
	}
	if d := deliveries[0]; d["delivery"] != "sms" || !strings.HasSuffix(fmt.Sprint(d["to"]), "13812345678") || d["id"] != office[0]["id"] {
		t.Errorf("delivery = %v, want an SMS to the submitter's number, of the notice %v", d, office[0]["id"])
	}
	for _, s := range raw {
		private := []string{"李明", "陈建国", "13912345678", "门前三包", quietReceipt}
		if !strings.Contains(s, `"delivery"`) {
			private = append(private, "13812345678") // only a delivery carries the number
		}
		for _, p := range private {
			if strings.Contains(s, p) {
				t.Errorf("a notice carries %q: %s", p, s)
			}
		}
	}

	// Without a webhook nothing can reach a submitter: no offer.
	again := start(t, []string{"--data", data}, map[string]string{"JIANYAN_ADMIN_TOKEN": token})
	if page := formHTML(t, again, symCode); strings.Contains(page, `id="f-notify"`) || strings.Contains(page, "我们会发一条短信或邮件") {
		t.Error("without a webhook, the form still offers 有办理结果时通知我")
	}
	again.stop(t)
}

// formHTML is the public form page of a symposium.
func formHTML(t *testing.T, st *stack, code string) string {
	t.Helper()
	resp, err := http.Get(st.base + "/s/" + code)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /s/%s = %d, %v", code, resp.StatusCode, err)
	}
	return string(b)
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
