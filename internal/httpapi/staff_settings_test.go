package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestSettingsAPI(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := loadEvent(t, "apigw-put-settings.json")

	t.Run("unset: default name on the pages", func(t *testing.T) {
		r := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, sym.Code))
		if r.status != http.StatusOK || !strings.Contains(string(r.body), feedback.DefaultOfficeName) {
			t.Fatalf("form = %d, want 200 naming %q", r.status, feedback.DefaultOfficeName)
		}
		var got settingsJSON
		if r := e.call(t, "GET", "/api/v1/settings", ""); r.status != http.StatusOK {
			t.Fatalf("GET = %d %s", r.status, r.body)
		} else if r.json(t, &got); got.Version != 0 || got.OfficeName != "" || got.Emblem != nil {
			t.Fatalf("GET before any save = %+v, want the zero settings", got)
		}
	})

	t.Run("only an admin", func(t *testing.T) {
		for _, g := range []string{"[staff]", "[unit:区司法局]"} {
			if r := invoke(t, e.staff, withGroups(ev, g)); r.status != http.StatusForbidden {
				t.Errorf("PUT as %s = %d, want 403", g, r.status)
			}
			get := withBody(ev, "")
			get.RequestContext.HTTP.Method, get.RouteKey = "GET", "GET /api/v1/settings"
			if r := invoke(t, e.staff, withGroups(get, g)); r.status != http.StatusForbidden {
				t.Errorf("GET as %s = %d, want 403", g, r.status)
			}
		}
	})

	t.Run("save", func(t *testing.T) {
		r := invoke(t, e.staff, ev)
		if r.status != http.StatusOK {
			t.Fatalf("PUT = %d %s", r.status, r.body)
		}
		var got settingsJSON
		r.json(t, &got)
		want := settingsJSON{
			OfficeName: "某某区委全面依法治区委员会办公室", Issuer: "中共某某区委全面依法治区委员会办公室",
			NumberPrefixes: map[string]string{"rectification_notice": "区依法治办", "feedback_opinion": "区依法治督",
				"supervision_bulletin": "区依法治办通报", "reply_letter": "区依法治办函"},
			Version: 1, UpdatedAt: formatTime(e.clock.Now()), UpdatedBy: "张伟",
		}
		if got.OfficeName != want.OfficeName || got.Issuer != want.Issuer || got.Version != want.Version ||
			got.UpdatedBy != want.UpdatedBy || len(got.NumberPrefixes) != 4 || got.NumberPrefixes["reply_letter"] != "区依法治办函" {
			t.Fatalf("PUT answered %+v, want %+v", got, want)
		}
		st, err := e.svc.OfficeSettings(context.Background())
		if err != nil || st.NumberPrefix(feedback.ReplyLetter) != "区依法治办函" || st.Issuer != want.Issuer {
			t.Fatalf("OfficeSettings = %+v, %v", st, err)
		}
	})

	t.Run("stale version is 409 and changes nothing", func(t *testing.T) {
		r := invoke(t, e.staff, withBody(ev, `{"office_name":"另一个名称","version":0}`))
		if code, field := r.errorCode(); r.status != http.StatusConflict || code != "conflict" || field != "version" {
			t.Fatalf("stale PUT = %d %s, want 409 conflict version", r.status, r.body)
		}
		st, _ := e.svc.OfficeSettings(context.Background())
		if st.OfficeName != "某某区委全面依法治区委员会办公室" {
			t.Fatalf("office name after refused PUT = %q", st.OfficeName)
		}
	})

	t.Run("bad fields are 400 naming them", func(t *testing.T) {
		for _, tt := range []struct{ body, field string }{
			{`{"issuer":"只有发文机关"}`, "office_name"},
			{`{"office_name":"区委依法治区办","number_prefixes":{"memo":"区依法治办"}}`, "number_prefixes"},
			{`{"office_name":"区委依法治区办","number_prefixes":{"reply_letter":"区依法治办〔2025〕"}}`, "number_prefixes.reply_letter"},
			{`{"office_name":"区委依法治区办","number_prefixes":{"rectification_notice":"区依法治办","feedback_opinion":"区依法治办"}}`, "number_prefixes"},
			{`{"office_name":"区委依法治区办","emblem_file_id":"01jn8x0a1b2c3d4e5f6g7h8j9k"}`, "emblem_file_id"},
			{`{"office_name":"区委依法治区办","colour":"红"}`, ""},
		} {
			r := invoke(t, e.staff, withBody(ev, tt.body))
			code, field := r.errorCode()
			if r.status != http.StatusBadRequest && !(tt.field == "emblem_file_id" && r.status == http.StatusUnsupportedMediaType) {
				t.Errorf("PUT %s = %d %s, want 400", tt.body, r.status, r.body)
				continue
			}
			if tt.field != "" && field != tt.field {
				t.Errorf("PUT %s: field %q (%s), want %q", tt.body, field, code, tt.field)
			}
			var eb errorBody
			r.json(t, &eb)
			if tt.field != "" && !hasHan(eb.Error.Message) {
				t.Errorf("PUT %s: message %q is not Chinese", tt.body, eb.Error.Message)
			}
		}
	})

	t.Run("the name on the form, the receipt and the poster", func(t *testing.T) {
		form := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, sym.Code))
		if !strings.Contains(string(form.body), `<header class="office"><span>某某区委全面依法治区委员会办公室</span></header>`) {
			t.Errorf("form lacks the office's name:\n%s", form.body)
		}
		sg, _, err := e.svc.Submit(context.Background(), sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Content: "罚款决定书送达不规范。"}, feedback.ChannelQR)
		if err != nil {
			t.Fatal(err)
		}
		rc := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sg.Receipt))
		if rc.status != http.StatusOK || !strings.Contains(string(rc.body), "某某区委全面依法治区委员会办公室") {
			t.Errorf("receipt page = %d, lacks the office's name", rc.status)
		}
		poster := invoke(t, e.staff, withPath(loadEvent(t, "apigw-get-symposium-poster.json"), sampleSymposiumID, sym.ID))
		if poster.status != http.StatusOK || !strings.Contains(string(poster.body), "某某区委全面依法治区委员会办公室") {
			t.Errorf("poster = %d, lacks the office's name", poster.status)
		}
	})
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
