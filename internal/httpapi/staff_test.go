package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/testenv"
)

// claimsGroups sets the cognito:groups claim (nil removes the authorizer).
func claimsGroups(ev events.APIGatewayV2HTTPRequest, groups *string) events.APIGatewayV2HTTPRequest {
	if groups == nil {
		ev.RequestContext.Authorizer = nil
		return ev
	}
	claims := map[string]string{}
	for k, v := range ev.RequestContext.Authorizer.JWT.Claims {
		claims[k] = v
	}
	if *groups == "" {
		delete(claims, "cognito:groups")
	} else {
		claims["cognito:groups"] = *groups
	}
	ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
		JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
	}
	return ev
}

func TestParseGroups(t *testing.T) {
	tests := []struct {
		in       string
		want     []string
		wantRole feedback.Role
		wantUnit string
	}{
		{"[admin staff]", []string{"admin", "staff"}, feedback.RoleAdmin, ""},
		{"[staff]", []string{"staff"}, feedback.RoleStaff, ""},
		{`["unit:区市场监管局","other"]`, []string{"unit:区市场监管局", "other"}, feedback.RoleUnit, "区市场监管局"},
		{"[unit:区城管局 staff]", []string{"unit:区城管局", "staff"}, feedback.RoleStaff, ""},
		{"admin", []string{"admin"}, feedback.RoleAdmin, ""},
		{"[]", nil, "", ""},
		{"", nil, "", ""},
		{"[readers unit:]", []string{"readers", "unit:"}, "", ""},
	}
	for _, tt := range tests {
		got := ParseGroups(tt.in)
		if len(got) != 0 || len(tt.want) != 0 {
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseGroups(%q) = %q, want %q", tt.in, got, tt.want)
			}
		}
		role, unit := roleFromGroups(got)
		if role != tt.wantRole || unit != tt.wantUnit {
			t.Errorf("roles of %q = %q %q, want %q %q", tt.in, role, unit, tt.wantRole, tt.wantUnit)
		}
	}
}

// staffEvents are all staff payloads; every one needs credentials.
var staffEvents = []string{
	"apigw-create-symposium.json", "apigw-list-symposia.json", "apigw-get-symposium.json",
	"apigw-close-symposium.json", "apigw-get-symposium-qr-png.json", "apigw-get-symposium-qr-svg.json",
	"apigw-get-symposium-poster.json", "apigw-staff-entry.json", "apigw-list-suggestions.json",
	"apigw-get-suggestion.json", "apigw-import-suggestions.json", "apigw-preview-import.json", "apigw-reply-suggestion.json", "apigw-split-suggestion.json", "apigw-export-problems.json", "apigw-live-suggestions.json", "apigw-list-rehandle.json", "apigw-put-settings.json", "apigw-get-labels.json",
}

// TestLabels: any role reads the domain's labels, so the console shows what
// the pages, exports and documents show.
func TestLabels(t *testing.T) {
	e := newEnv(t)
	r := invoke(t, e.staff, loadEvent(t, "apigw-get-labels.json")) // a unit account
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/labels = %d %s", r.status, r.body)
	}
	var got labelsJSON
	r.json(t, &got)
	for _, tt := range []struct{ what, got, want string }{
		{"triage", got.Triage, feedback.TriageListTitle},
		{"problem status open", got.ProblemStatuses["open"], feedback.ProblemOpen.Label()},
		{"suggestion status routed", got.SuggestionStatuses["routed"], feedback.SuggestionRouted.Label()},
		{"participant kind", got.ParticipantKinds["community"], feedback.Community.Label()},
		{"symposium status", got.SymposiumStatuses["closed"], "已结束"},
		{"role", got.Roles["unit"], "责任单位"},
		{"audit action", got.Actions[feedback.ActionLinked], feedback.ActionLabel(feedback.ActionLinked)},
		{"field", got.Fields["responsible_unit"], "责任单位"},
	} {
		if tt.got != tt.want || tt.want == "" {
			t.Errorf("%s = %q, want %q", tt.what, tt.got, tt.want)
		}
	}
	if len(got.ProblemStatuses) != len(feedback.ProblemStatuses) || len(got.Channels) != len(feedback.Channels) {
		t.Errorf("labels miss codes: %d problem statuses, %d channels", len(got.ProblemStatuses), len(got.Channels))
	}
}

func TestStaffNeedsCredentials(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	noRole := ""
	other := "[readers]"
	for _, name := range staffEvents {
		ev := withPath(loadEvent(t, name), sampleSymposiumID, sym.ID)
		t.Run(name, func(t *testing.T) {
			if r := invoke(t, e.staff, claimsGroups(ev, nil)); r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("without authorizer claims = %d, want 401", r.status)
			}
			for _, g := range []*string{&noRole, &other} {
				if r := invoke(t, e.staff, claimsGroups(ev, g)); r.status != http.StatusForbidden {
					t.Errorf("groups %q = %d, want 403", *g, r.status)
				}
			}
			// A bearer header alone means nothing on AWS.
			if r := invoke(t, e.staff, withHeader(claimsGroups(ev, nil), "authorization", "Bearer "+testAdminToken)); r.status != http.StatusUnauthorized {
				t.Errorf("token without claims = %d, want 401", r.status)
			}
		})
	}
	if n := len(e.suggestions(sym.ID)); n != 0 {
		t.Errorf("stored %d without credentials", n)
	}
	p, _ := e.store.ListSymposia(context.Background(), feedback.SymposiumFilter{})
	if len(p.Items) != 1 {
		t.Errorf("%d symposia, want 1", len(p.Items))
	}
}

func TestSymposiumLifecycle(t *testing.T) {
	e := newEnv(t)
	r := invoke(t, e.staff, loadEvent(t, "apigw-create-symposium.json"))
	if r.status != http.StatusCreated {
		t.Fatalf("create = %d %s", r.status, r.body)
	}
	var sym symposiumJSON
	r.json(t, &sym)
	if sym.ID == "" || !feedback.ValidSymposiumCode(sym.Code) || sym.Status != "open" ||
		sym.FormURL != testBaseURL+"/s/"+sym.Code || sym.WebURL != sym.FormURL+"?via=web" ||
		sym.StartsAt != "2025-03-01T09:30:00+08:00" || !reflect.DeepEqual(sym.AllowedKinds, []string{"npc_deputy", "cppcc_member", "enterprise"}) {
		t.Errorf("created %+v", sym)
	}
	ids := []string{sampleSymposiumID, sym.ID}

	r = invoke(t, e.staff, loadEvent(t, "apigw-list-symposia.json"))
	var list listJSON[symposiumJSON]
	r.json(t, &list)
	if r.status != 200 || len(list.Items) != 1 || list.Items[0].ID != sym.ID {
		t.Errorf("list = %d %+v", r.status, list)
	}
	r = invoke(t, e.staff, withPath(loadEvent(t, "apigw-get-symposium.json"), ids...))
	var got symposiumJSON
	r.json(t, &got)
	if r.status != 200 || got.ID != sym.ID || got.FormURL != sym.FormURL {
		t.Errorf("get = %d %+v", r.status, got)
	}
	if r := invoke(t, e.staff, loadEvent(t, "apigw-get-symposium.json")); r.status != http.StatusNotFound {
		t.Errorf("get unknown = %d, want 404", r.status)
	}

	badCreate := []struct{ body, field string }{
		{`{"title":""}`, "title"},
		{`{"title":"x","status":"closed"}`, "status"},
		{`{"title":"x","allowed_kinds":["martian"]}`, "allowed_kinds"},
		{`{"title":"x","starts_at":"tomorrow"}`, "starts_at"},
		{`{"title":"x","starts_at":"2025-03-02T09:00:00+08:00","ends_at":"2025-03-01T09:00:00+08:00"}`, "ends_at"},
	}
	for _, b := range badCreate {
		r := invoke(t, e.staff, withBody(loadEvent(t, "apigw-create-symposium.json"), b.body))
		if _, f := r.errorCode(); r.status != 400 || f != b.field {
			t.Errorf("create %s = %d %q, want 400 %q", b.body, r.status, f, b.field)
		}
	}
	if r := invoke(t, e.staff, withHeader(loadEvent(t, "apigw-create-symposium.json"), "content-type", "text/plain")); r.status != 415 {
		t.Errorf("create text/plain = %d, want 415", r.status)
	}

	// Closing is admin-only; staff get 403, admins 200; closed → draft is 409.
	staff := "[staff]"
	closeEv := withPath(loadEvent(t, "apigw-close-symposium.json"), ids...)
	if r := invoke(t, e.staff, claimsGroups(closeEv, &staff)); r.status != http.StatusForbidden {
		t.Errorf("staff closing = %d, want 403", r.status)
	}
	r = invoke(t, e.staff, closeEv)
	r.json(t, &got)
	if r.status != 200 || got.Status != "closed" {
		t.Errorf("admin closing = %d %+v", r.status, got)
	}
	if r := invoke(t, e.staff, withBody(closeEv, `{"status":"draft"}`)); r.status != http.StatusConflict {
		t.Errorf("closed → draft = %d, want 409", r.status)
	}
	if r := invoke(t, e.staff, claimsGroups(withBody(closeEv, `{"venue":"区行政中心"}`), &staff)); r.status != 200 {
		t.Errorf("staff editing venue = %d %s", r.status, r.body)
	}
	// The form is gone now.
	if r := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-form.json"), sampleCode, sym.Code)); r.status != http.StatusGone {
		t.Errorf("form of a closed symposium = %d, want 410", r.status)
	}
}

// requireTool finds a command-line tool or skips (fails in CI).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	return testenv.LookPath(t, "install Debian zbar-tools", name)
}

func TestQRCodes(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	formURL := e.svc.FormURL(sym)

	r := invoke(t, e.staff, withPath(loadEvent(t, "apigw-get-symposium-qr-png.json"), sampleSymposiumID, sym.ID))
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(r.body, []byte("\x89PNG")) {
		t.Fatalf("qr.png = %d %q", r.status, r.header.Get("Content-Type"))
	}
	t.Run("decode", func(t *testing.T) {
		zbar := requireTool(t, "zbarimg")
		path := filepath.Join(t.TempDir(), "qr.png")
		if err := os.WriteFile(path, r.body, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		if got := strings.TrimRight(string(out), "\n"); got != formURL {
			t.Errorf("QR decodes to %q, want form_url %q", got, formURL)
		}
	})

	r = invoke(t, e.staff, withPath(loadEvent(t, "apigw-get-symposium-qr-svg.json"), sampleSymposiumID, sym.ID))
	if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(r.body, []byte("<svg")) || !bytes.Contains(r.body, []byte("h1v1h-1z")) {
		t.Errorf("qr.svg = %d %q %.100s", r.status, r.header.Get("Content-Type"), r.body)
	}

	r = invoke(t, e.staff, withPath(loadEvent(t, "apigw-get-symposium-poster.json"), sampleSymposiumID, sym.ID))
	body := string(r.body)
	for _, s := range []string{"@page{size:A4", sym.Title, sym.HostUnit, sym.Venue, formURL, "<svg", "2025年3月1日 09:30"} {
		if !strings.Contains(body, s) {
			t.Errorf("poster lacks %q", s)
		}
	}
	if r.status != 200 || strings.Contains(body, "<script") {
		t.Errorf("poster = %d", r.status)
	}

	// The console's poster asks for the same content as JSON: every word
	// of it is on the printable page, and nothing the page prints is
	// missing from it.
	r = invoke(t, e.staff, withHeader(withPath(loadEvent(t, "apigw-get-symposium-poster.json"), sampleSymposiumID, sym.ID), "accept", "application/json"))
	var p posterContent
	r.json(t, &p)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("poster as JSON = %d %q", r.status, r.header.Get("Content-Type"))
	}
	want := []string{"主办单位:" + sym.HostUnit, "时间:" + formatWhen(sym.StartsAt), "地点:" + sym.Venue}
	if p.Title != sym.Title || p.FormURL != formURL || p.QRURL != "/api/v1/symposia/"+sym.ID+"/qr.svg" || p.OfficeName == "" || strings.Join(p.Lines, "|") != strings.Join(want, "|") {
		t.Errorf("poster JSON = %+v, want title %q, form_url %q, lines %q", p, sym.Title, formURL, want)
	}
	texts := append([]string{p.OfficeName, p.Title, p.Campaign, p.Call, p.FormURL, p.Note}, p.Lines...)
	for _, s := range texts {
		if !strings.Contains(body, ">"+s+"<") {
			t.Errorf("the printable poster lacks the JSON's %q", s)
		}
	}
	if n := strings.Count(body, "</p>") + strings.Count(body, "</h1>") - 1; n != len(texts) { // less the screen-only print hint
		t.Errorf("the printable poster has %d paragraphs, the JSON %d texts", n, len(texts))
	}
}

func TestStaffEntryAndList(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ids := []string{sampleSymposiumID, sym.ID}
	entry := withPath(loadEvent(t, "apigw-staff-entry.json"), ids...)
	entry = withBody(entry, strings.Replace(entry.Body, sampleSymposiumID, sym.ID, 1))

	r := invoke(t, e.staff, withHeader(entry, "idempotency-key", "paper-001"))
	if r.status != http.StatusCreated {
		t.Fatalf("staff entry = %d %s", r.status, r.body)
	}
	var sg suggestionJSON
	r.json(t, &sg)
	if sg.Channel != "staff_entry" || sg.Contact != "0571-8888 6666" || sg.SymposiumID != sym.ID || sg.WrittenOn != "2025-02-26" {
		t.Errorf("entered %+v", sg)
	}
	if r := invoke(t, e.staff, withHeader(entry, "idempotency-key", "paper-001")); r.status != 201 {
		t.Errorf("replay = %d", r.status)
	}
	// The receipt shows a paper form's written day and when it was entered.
	rp := invoke(t, e.public, withPath(loadEvent(t, "apigw-get-receipt-page.json"), sampleReceipt, sg.Receipt))
	for _, want := range []string{"<dt>书写日期</dt><dd>2025年2月26日</dd>", "<dt>录入时间</dt>"} {
		if !strings.Contains(string(rp.body), want) {
			t.Errorf("receipt page lacks %q", want)
		}
	}
	if strings.Contains(string(rp.body), "提交时间") {
		t.Errorf("receipt page of a paper form says 提交时间")
	}
	for _, bad := range []struct{ body, field string }{
		{`{"participant_kind":"public","content":"没有座谈会编号的意见。"}`, "symposium_id"},
		{`{"symposium_id":"nope","participant_kind":"public","content":"座谈会不存在的意见。"}`, "symposium_id"},
		{`{"symposium_id":"` + sym.ID + `","participant_kind":"public","content":"短"}`, "content"},
		{`{"symposium_id":"` + sym.ID + `","participant_kind":"public","content":"写于明天的意见。","written_on":"2025-03-02"}`, "written_on"},
		{`{"symposium_id":"` + sym.ID + `","participant_kind":"public","content":"书写日期写错的意见。","written_on":"2月26日"}`, "written_on"},
	} {
		r := invoke(t, e.staff, withBody(entry, bad.body))
		if _, f := r.errorCode(); r.status != 400 || f != bad.field {
			t.Errorf("entry %s = %d %q, want 400 %q", bad.body, r.status, f, bad.field)
		}
	}
	unit := "[unit:区市场监管局]"
	if r := invoke(t, e.staff, claimsGroups(entry, &unit)); r.status != http.StatusForbidden {
		t.Errorf("unit entering = %d, want 403", r.status)
	}
	// A public submission too, so filters have something to tell apart.
	if r := invoke(t, e.public, withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code)); r.status != 201 {
		t.Fatal(r.status)
	}
	if n := len(e.suggestions(sym.ID)); n != 2 {
		t.Fatalf("stored %d, want 2", n)
	}

	list := withPath(loadEvent(t, "apigw-list-suggestions.json"), ids...)
	r = invoke(t, e.staff, list)
	var page listJSON[suggestionJSON]
	r.json(t, &page)
	if r.status != 200 || len(page.Items) != 1 || page.Items[0].ParticipantKind != "enterprise" || page.Items[0].Contact != "13812345678" {
		t.Errorf("list enterprise = %d %+v", r.status, page)
	}
	// Dates: to is inclusive, in Shanghai; nothing on 2025-02-28.
	feb := list
	feb.RawQueryString = "symposium_id=" + sym.ID + "&to=2025-02-28"
	r = invoke(t, e.staff, feb)
	r.json(t, &page)
	if len(page.Items) != 0 {
		t.Errorf("to=2025-02-28 gave %d items", len(page.Items))
	}
	all := list
	all.RawQueryString = "symposium_id=" + sym.ID + "&from=2025-03-01&to=2025-03-01&limit=1"
	r = invoke(t, e.staff, all)
	r.json(t, &page)
	if len(page.Items) != 1 || page.NextCursor == "" {
		t.Errorf("limit=1 page = %+v", page)
	}
	all.RawQueryString += "&cursor=" + page.NextCursor
	r = invoke(t, e.staff, all)
	var page2 listJSON[suggestionJSON]
	r.json(t, &page2)
	if len(page2.Items) != 1 || page2.Items[0].ID == page.Items[0].ID {
		t.Errorf("second page = %+v", page2)
	}
	for _, q := range []string{"from=2025-3-1", "limit=abc", "kind=rant", "participant_kind=x", "status=nope", "cursor=forged",
		"from=2025-03-02&to=2025-03-01", "from=2025-03-03&to=2025-03-01"} {
		bad := list
		bad.RawQueryString = q
		if r := invoke(t, e.staff, bad); r.status != 400 {
			t.Errorf("?%s = %d, want 400", q, r.status)
		}
	}

	// Unit accounts see the suggestions behind their problems only, with
	// contact details masked, in lists and single items.
	if r := invoke(t, e.staff, claimsGroups(list, &unit)); r.status != http.StatusForbidden {
		t.Errorf("unit list of every suggestion = %d, want 403", r.status)
	}
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}
	pl, err := e.svc.CreateProblemList(context.Background(), admin, feedback.ProblemListInput{Title: "涉企问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	var enterprise string
	for _, x := range e.suggestions(sym.ID) {
		if x.ParticipantKind == feedback.Enterprise {
			enterprise = x.ID
		}
	}
	prob, err := e.svc.CreateProblem(context.Background(), admin, feedback.ProblemInput{ProblemListID: pl.ID, Title: "重复检查",
		SuggestionIDs: []string{enterprise, sg.ID}, ResponsibleUnit: "区市场监管局"})
	if err != nil {
		t.Fatal(err)
	}
	unitList := list
	unitList.RawQueryString = "participant_kind=enterprise&problem_id=" + prob.ID
	r = invoke(t, e.staff, claimsGroups(unitList, &unit))
	r.json(t, &page)
	if len(page.Items) != 1 || page.Items[0].Contact != "138****5678" || page.Items[0].Name != "李*" {
		t.Errorf("unit list = %d %+v", r.status, page.Items)
	}
	get := withPath(loadEvent(t, "apigw-get-suggestion.json"), sampleSuggestion, sg.ID)
	r = invoke(t, e.staff, claimsGroups(get, &unit))
	var one suggestionJSON
	r.json(t, &one)
	if r.status != 200 || one.Contact != "057****6666" || one.Name != "王*" || one.Content == "" {
		t.Errorf("unit get = %d %+v", r.status, one)
	}
	r = invoke(t, e.staff, get)
	r.json(t, &one)
	if one.Contact != "0571-8888 6666" {
		t.Errorf("admin get contact = %q", one.Contact)
	}
	if r := invoke(t, e.staff, loadEvent(t, "apigw-get-suggestion.json")); r.status != 404 {
		t.Errorf("unknown suggestion = %d, want 404", r.status)
	}
}

// TestImportPreview: the preview shows every row as it would be stored
// (kinds read, written dates parsed) and stores nothing; the import with
// its token stores exactly that file, and another file with the token is
// refused.
func TestImportPreview(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-preview-import.json"), sampleSymposiumID, sym.ID)
	r := invoke(t, e.staff, ev)
	var p importPreviewJSON
	r.json(t, &p)
	if r.status != http.StatusOK || p.New != 2 || p.Duplicates != 0 || len(p.Rows) != 2 || len(p.Errors) != 0 || p.Token == "" {
		t.Fatalf("preview = %d %s", r.status, r.body)
	}
	if n := len(e.suggestions(sym.ID)); n != 0 {
		t.Fatalf("the preview stored %d suggestions", n)
	}
	want := []importRowJSON{
		{Row: 2, ParticipantKind: "enterprise", Kind: "problem_lead", Name: "赵强", Organization: "某某物流有限公司", Contact: "13900001111",
			Topic: "涉企执法", Content: "货车年检时被要求额外缴纳“服务费”,无收费依据。", WrittenOn: "2025-02-26"},
		{Row: 3, ParticipantKind: "npc_deputy", Kind: "suggestion", Content: "建议对首次轻微违法行为推行免罚清单。", WrittenOn: "2025-02-27"},
	}
	for i, w := range want {
		if p.Rows[i] != w {
			t.Errorf("row %d = %+v, want %+v", i, p.Rows[i], w)
		}
	}

	// Confirmed with another file: 409, nothing stored.
	imp := ev
	imp.RawPath, imp.RequestContext.HTTP.Path = "/api/v1/suggestions/import", "/api/v1/suggestions/import"
	imp.RawQueryString = "symposium_id=" + sym.ID + "&preview_token=" + p.Token
	other := "内容,参会身份,书写日期\n另一份文件里的一条意见。,企业代表,2025-02-26\n"
	if r := invoke(t, e.staff, withBody(imp, other)); r.status != http.StatusConflict {
		t.Errorf("another file with the token = %d %s, want 409", r.status, r.body)
	}
	if n := len(e.suggestions(sym.ID)); n != 0 {
		t.Fatalf("a refused import stored %d suggestions", n)
	}
	r = invoke(t, e.staff, imp)
	var res importResultJSON
	r.json(t, &res)
	if r.status != http.StatusCreated || res.Created != 2 {
		t.Fatalf("import with the token = %d %s", r.status, r.body)
	}
	got := e.suggestions(sym.ID)
	written := map[string]feedback.Date{}
	for _, sg := range got {
		written[sg.Content] = sg.WrittenOn
	}
	for _, w := range want {
		if written[w.Content] != feedback.Date(w.WrittenOn) {
			t.Errorf("stored %q written on %q, want %q", w.Content, written[w.Content], w.WrittenOn)
		}
	}
	// Previewed again: both rows are there already.
	r = invoke(t, e.staff, ev)
	r.json(t, &p)
	if p.New != 0 || p.Duplicates != 2 || !p.Rows[0].Duplicate {
		t.Errorf("second preview = %s", r.body)
	}
	// Bad rows are listed, with a 200.
	r = invoke(t, e.staff, withBody(ev, "内容,参会身份,书写日期\n短,企业代表,\n日期写错的一条意见。,企业代表,上周\n"))
	r.json(t, &p)
	if r.status != http.StatusOK || len(p.Errors) != 2 || p.Errors[0].Field != "content" || p.Errors[1].Field != "written_on" || p.New != 0 {
		t.Errorf("preview of bad rows = %d %s", r.status, r.body)
	}
}

func TestImport(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	ev := withPath(loadEvent(t, "apigw-import-suggestions.json"), sampleSymposiumID, sym.ID)

	r := invoke(t, e.staff, ev)
	var res importResultJSON
	r.json(t, &res)
	if r.status != http.StatusCreated || res.Created != 2 || res.Duplicates != 0 {
		t.Fatalf("import = %d %s", r.status, r.body)
	}
	got := e.suggestions(sym.ID)
	if len(got) != 2 {
		t.Fatalf("stored %d, want 2", len(got))
	}
	for _, sg := range got {
		if sg.Channel != feedback.ChannelImport {
			t.Errorf("channel %s", sg.Channel)
		}
	}
	// The same file again stores nothing — also after the 24-hour window.
	e.clock.Advance(feedback.IdempotencyWindow + 1)
	r = invoke(t, e.staff, ev)
	r.json(t, &res)
	if r.status != http.StatusOK || res.Created != 0 || res.Duplicates != 2 {
		t.Errorf("re-import = %d %s", r.status, r.body)
	}
	if n := len(e.suggestions(sym.ID)); n != 2 {
		t.Errorf("stored %d after re-import, want 2", n)
	}

	// One bad row → 400 listing every bad row, nothing stored.
	bad := "内容,参会身份,类别\n" +
		"建议推行包容审慎监管。,企业代表,\n" +
		"短,企业代表,\n" +
		"这一行的身份无法识别。,外星人,\n" +
		",,\n" +
		"这一行的类别不对劲。,人大代表,牢骚\n"
	r = invoke(t, e.staff, withBody(ev, bad))
	var eb errorBody
	r.json(t, &eb)
	want := []rowErrorJSON{{Row: 3, Field: "content"}, {Row: 4, Field: "participant_kind"}, {Row: 6, Field: "kind"}}
	if r.status != 400 || len(eb.Error.Rows) != len(want) {
		t.Fatalf("bad import = %d %s", r.status, r.body)
	}
	for i, w := range want {
		if g := eb.Error.Rows[i]; g.Row != w.Row || g.Field != w.Field || g.Message == "" {
			t.Errorf("row error %d = %+v, want %+v", i, g, w)
		}
	}
	if n := len(e.suggestions(sym.ID)); n != 2 {
		t.Errorf("stored %d after a bad file, want still 2", n)
	}

	// XLSX written by excelize, sent as multipart like a browser upload.
	x := excelize.NewFile()
	rows := [][]any{
		{"参会身份", "类别", "姓名", "单位", "联系方式", "主题", "内容"},
		{"政协委员", "意见建议", "陈静", "", 13700001234, "营商环境", "建议公布涉企检查事项清单,减少多头检查。"},
		{"村(社区)代表", "问题线索", "", "", "", "", "村道两侧违建长期未处理。"},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var xb bytes.Buffer
	if err := x.Write(&xb); err != nil {
		t.Fatal(err)
	}
	var mb bytes.Buffer
	mw := multipart.NewWriter(&mb)
	_ = mw.WriteField("symposium_id", sym.ID)
	fw, _ := mw.CreateFormFile("file", "纸质意见.xlsx")
	_, _ = fw.Write(xb.Bytes())
	_ = mw.Close()
	mp := withHeader(withBody(ev, mb.String()), "content-type", mw.FormDataContentType())
	mp.RawQueryString = ""
	mp.QueryStringParameters = nil
	r = invoke(t, e.staff, mp)
	r.json(t, &res)
	if r.status != http.StatusCreated || res.Created != 2 {
		t.Fatalf("xlsx import = %d %s", r.status, r.body)
	}
	var found bool
	for _, sg := range e.suggestions(sym.ID) {
		if sg.Name == "陈静" {
			found = sg.Contact == "13700001234" && sg.ParticipantKind == feedback.CPPCCMember
		}
	}
	if !found {
		t.Errorf("xlsx row not stored as written")
	}

	for _, tt := range []struct {
		name, ctype, body string
		want              int
	}{
		{"json", "application/json", `{}`, 415},
		{"xlsx that is not", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "内容\n建议推行包容审慎监管。\n", 400},
		{"old binary xls", "text/csv", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 504), 400},
		{"no header", "text/csv", "a,b\n1,2\n", 400},
		{"not utf-8", "text/csv", "内容\n\xff\xfe建议\n", 400},
		{"too large", "text/csv", "内容\n" + strings.Repeat("建议推行包容审慎监管。\n", 400_000), 413},
	} {
		r := invoke(t, e.staff, withHeader(withBody(ev, tt.body), "content-type", tt.ctype))
		if r.status != tt.want {
			t.Errorf("%s = %d, want %d: %.200s", tt.name, r.status, tt.want, r.body)
		}
	}
	if n := len(e.suggestions(sym.ID)); n != 4 {
		t.Errorf("stored %d, want 4", n)
	}
}

// TestLocalTokens runs the local one-mux handler with bearer tokens.
func TestLocalTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, a := range []*feedback.Account{
		{ID: "acc-staff", Name: "李文书", Role: feedback.RoleStaff, TokenHash: feedback.HashToken("staff-token-1234567890")},
		{ID: "acc-unit", Name: "市场监管", Role: feedback.RoleUnit, Unit: "区市场监管局", TokenHash: feedback.HashToken("unit-token-1234567890")},
	} {
		a.CreatedAt = e.clock.Now()
		if err := e.store.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(e.local)
	defer srv.Close()
	do := func(method, path, token, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		checkSecurityHeaders(t, res.Header)
		return res
	}
	create := `{"title":"综合行政执法进驻式监督座谈会","host_unit":"区司法局"}`
	tests := []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"no token", "GET", "/api/v1/symposia", "", "", 401},
		{"wrong token", "GET", "/api/v1/symposia", "nope-nope-nope", "", 401},
		{"admin token", "GET", "/api/v1/symposia", testAdminToken, "", 200},
		{"staff token", "POST", "/api/v1/symposia", "staff-token-1234567890", create, 201},
		{"unit lists", "GET", "/api/v1/problems", "unit-token-1234567890", "", 200},
		{"unit lists every suggestion", "GET", "/api/v1/suggestions", "unit-token-1234567890", "", 403},
		{"unit creates", "POST", "/api/v1/symposia", "unit-token-1234567890", create, 403},
		{"public healthz", "GET", "/healthz", "", "", 200},
		{"unknown route", "GET", "/api/v1/nothing", testAdminToken, "", 404},
	}
	for _, tt := range tests {
		if res := do(tt.method, tt.path, tt.token, tt.body); res.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.StatusCode, tt.want)
		}
	}
	// A cross-site browser POST is refused even with a token.
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/symposia", strings.NewReader(create))
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", res.StatusCode)
	}
	// Locally the client address is the socket's peer, not X-Forwarded-For.
	req = httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.1:5555"
	req.Header.Set("X-Forwarded-For", "203.0.113.99")
	if ip := clientIP(req); ip != "192.0.2.1" {
		t.Errorf("clientIP = %q, want the peer address", ip)
	}
}

// TestInternalErrorsHidden: a failing store answers 500 with the generic message,
// logged once with the request ID, and nothing about the cause.
func TestInternalErrorsHidden(t *testing.T) {
	e := newEnv(t)
	sym := e.symposium(feedback.SymposiumOpen)
	var logBuf bytes.Buffer
	e.pub.log = newTestLogger(&logBuf)
	e.public = common(e.pub.log, e.pub.mux)
	e.store.Close() // every later call fails
	r := invoke(t, e.public, withPath(loadEvent(t, "apigw-submit-suggestion.json"), sampleCode, sym.Code))
	var eb errorBody
	r.json(t, &eb)
	if r.status != 500 || eb.Error.Code != "internal" || eb.Error.Message != feedback.InternalMessage {
		t.Errorf("got %d %+v", r.status, eb)
	}
	logs := logBuf.String()
	if strings.Count(logs, "internal error") != 1 || !strings.Contains(logs, "Jq8vNgZ4ZPEEMkT=") {
		t.Errorf("logs = %s", logs)
	}
	for _, p := range []string{"李明", "13812345678", "重复检查", "某某机械"} {
		if strings.Contains(logs, p) {
			t.Errorf("logs contain personal data %q", p)
		}
	}
	_ = json.Valid
}
