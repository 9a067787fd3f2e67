package main

import (
	"encoding/json"
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
// of a submitter who asked to be told, none for one who did not, and the
// notice carries the receipt page's link but nothing the submitter wrote or
// who they are.
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
	st := start(t, []string{"--data", filepath.Join(t.TempDir(), "jianyan.db")},
		map[string]string{"JIANYAN_ADMIN_TOKEN": token, "JIANYAN_WEBHOOK_URL": hook.URL})

	code, sym := st.do(t, "POST", "/api/v1/symposia", token,
		`{"title":"涉企乱罚款问题专项整治座谈会","campaign":"涉企乱罚款","host_unit":"区委依法治区办","status":"open"}`)
	if code != http.StatusCreated {
		t.Fatalf("create symposium = %d %v", code, sym)
	}
	symCode, _ := sym["code"].(string)
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
	var replies []map[string]any
	for _, b := range bodies {
		if b["kind"] == "reply" {
			replies = append(replies, b)
		}
	}
	if len(replies) != 1 {
		t.Fatalf("webhook got %d reply notices, want 1 (the opted-in submitter's): %v", len(replies), raw)
	}
	n := replies[0]
	if link, _ := n["link"].(string); !strings.HasSuffix(link, "/r/"+askedReceipt) || !strings.Contains(n["text"].(string), askedReceipt) {
		t.Errorf("notice = %v, want the receipt %s and its page's link", n, askedReceipt)
	}
	for _, s := range raw {
		for _, private := range []string{"李明", "陈建国", "13812345678", "13912345678", "门前三包", quietReceipt} {
			if strings.Contains(s, private) {
				t.Errorf("a notice carries %q: %s", private, s)
			}
		}
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
