package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// stateCounts counts what a refused request must not have changed.
func (e *secEnv) stateCounts(tb testing.TB) map[string]int {
	tb.Helper()
	ctx := context.Background()
	out := map[string]int{}
	sy, err := e.store.ListSymposia(ctx, feedback.SymposiumFilter{Limit: feedback.MaxListLimit})
	if err != nil {
		tb.Fatal(err)
	}
	out["symposia"] = len(sy.Items)
	sg, err := e.store.ListSuggestions(ctx, feedback.SuggestionFilter{Limit: feedback.MaxListLimit})
	if err != nil {
		tb.Fatal(err)
	}
	out["suggestions"] = len(sg.Items)
	for _, s := range sg.Items {
		out["suggestion versions"] += int(s.Version)
	}
	pl, err := e.store.ListProblemLists(ctx, feedback.ProblemListFilter{Limit: feedback.MaxListLimit})
	if err != nil {
		tb.Fatal(err)
	}
	out["problem lists"] = len(pl.Items)
	pr, err := e.store.ListProblems(ctx, feedback.ProblemFilter{Limit: feedback.MaxListLimit})
	if err != nil {
		tb.Fatal(err)
	}
	out["problems"] = len(pr.Items)
	for _, p := range pr.Items {
		out["problem versions"] += int(p.Version)
	}
	ac, err := e.store.ListAccounts(ctx, feedback.MaxListLimit, "")
	if err != nil {
		tb.Fatal(err)
	}
	out["accounts"] = len(ac.Items)
	ev, err := e.store.ListAuditEvents(ctx, "", feedback.MaxListLimit, "")
	if err != nil {
		tb.Fatal(err)
	}
	out["audit events"] = len(ev.Items)
	rs, err := e.store.GetRuleSet(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	out["rules version"] = int(rs.Version)
	return out
}

func sameCounts(tb testing.TB, what string, before, after map[string]int) {
	tb.Helper()
	for k, v := range before {
		if after[k] != v {
			tb.Errorf("%s changed %s: %d → %d", what, k, v, after[k])
		}
	}
}

// mutating reports whether a method changes state (what cross-origin
// protection guards).
func mutating(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// TestEveryStaffRouteRefusesStrangers walks every route registered with
// StaffHandler.Handle and checks, locally and on AWS: no credentials and
// wrong credentials are 401 (with WWW-Authenticate); on AWS a bearer header
// without the authorizer's claims is 401 and a valid identity without a
// role is 403; every state-changing route refuses a cross-site browser
// request, even with a valid admin token. Nothing changes meanwhile.
func TestEveryStaffRouteRefusesStrangers(t *testing.T) {
	e := newSecEnv(t)
	routes := patterns(t, "Handle")
	if len(routes) < 30 {
		t.Fatalf("found only %d staff routes: %v; has route registration changed shape?", len(routes), routes)
	}
	before := e.stateCounts(t)
	body := `{"title":"x","name":"x","role":"admin","older_than_days":1,"rules":[]}`
	mutatingSeen := 0
	for _, rt := range routes {
		target := fill(rt.path, map[string]string{"id": e.sym.ID})
		t.Run(rt.String(), func(t *testing.T) {
			base := req{method: rt.method, target: target, ctype: "application/json", body: body}

			// Local: no token, a wrong token, another scheme.
			for name, hdr := range map[string]string{"no credentials": "", "wrong token": "Bearer " + secAdminToken + "x",
				"basic auth": "Basic YWRtaW46YWRtaW4=", "empty bearer": "Bearer ", "huge token": "Bearer " + strings.Repeat("a", 10000)} {
				r := base
				r.header = map[string]string{"Authorization": hdr}
				resp := e.do(t, r)
				if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("local, %s: %d (WWW-Authenticate %q), want 401", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
				}
			}

			// AWS: identity and roles only from the authorizer's claims.
			aws := []struct {
				name string
				r    req
				c    claims
				want int
			}{
				{"no authorizer context", base, nil, http.StatusUnauthorized},
				{"bearer header without claims", req{method: base.method, target: base.target, ctype: base.ctype, body: base.body, token: secAdminToken}, nil, http.StatusUnauthorized},
				{"claims without subject", base, claims{"cognito:groups": "[admin]"}, http.StatusUnauthorized},
				{"no groups", base, claims{"sub": "u-1", "cognito:username": "zhang"}, http.StatusForbidden},
				{"unknown group", base, claims{"sub": "u-1", "cognito:groups": "[readers]"}, http.StatusForbidden},
				{"empty unit group", base, claims{"sub": "u-1", "cognito:groups": "[unit:]"}, http.StatusForbidden},
			}
			for _, tc := range aws {
				if status, _, b := lambda(t, e.staff, tc.r, tc.c); status != tc.want {
					t.Errorf("AWS, %s: %d %s, want %d", tc.name, status, b, tc.want)
				}
			}

			// Cross-site browser requests that change state are refused
			// before authentication matters: by Sec-Fetch-Site, and by an
			// Origin that is not the host.
			if mutating(rt.method) {
				mutatingSeen++
				for name, hdr := range map[string]map[string]string{
					"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site"},
					"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site": "same-site"},
					"foreign Origin":            {"Origin": "https://evil.example"},
				} {
					r := base
					r.token = secAdminToken
					r.header = hdr
					resp := e.do(t, r)
					b := readAll(t, resp)
					if resp.StatusCode != http.StatusForbidden || !bytes.Contains(b, []byte("拒绝跨站请求")) {
						t.Errorf("local, %s with an admin token: %d %s, want 403 cross-origin", name, resp.StatusCode, b)
					}
					if status, _, b := lambda(t, e.staff, r, claims{"sub": "u-admin", "cognito:groups": "[admin]"}); status != http.StatusForbidden {
						t.Errorf("AWS, %s with admin claims: %d %s, want 403", name, status, b)
					}
				}
			}
		})
	}
	if mutatingSeen < 12 {
		t.Errorf("only %d state-changing staff routes found", mutatingSeen)
	}
	sameCounts(t, "refused requests", before, e.stateCounts(t))
}

// TestSameOriginConsolePassesCrossOriginCheck: the console's own requests
// (same origin, as a browser marks them) are not refused.
func TestSameOriginConsolePassesCrossOriginCheck(t *testing.T) {
	e := newSecEnv(t)
	for name, hdr := range map[string]map[string]string{
		"Sec-Fetch-Site same-origin": {"Sec-Fetch-Site": "same-origin"},
		"Origin is the host":         {"Origin": "http://" + secHost},
		"no browser headers (curl)":  nil,
	} {
		resp := e.do(t, req{method: "POST", target: "/api/v1/symposia", token: secStaffToken, ctype: "application/json",
			body: `{"title":"综合行政执法进驻式监督座谈会","host_unit":"区司法局"}`, header: hdr})
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("%s: %d %s, want 201", name, resp.StatusCode, readAll(t, resp))
		}
	}
}

// TestAdminOnlyActions: accounts, routing rules, closing a symposium and
// anonymisation are for administrators; staff and unit accounts get 403,
// locally and on AWS, and nothing changes.
func TestAdminOnlyActions(t *testing.T) {
	e := newSecEnv(t)
	actions := []req{
		{method: "POST", target: "/api/v1/accounts", body: `{"name":"新同事","role":"admin"}`},
		{method: "GET", target: "/api/v1/accounts"},
		{method: "PUT", target: "/api/v1/routing-rules", body: `{"version":0,"rules":[{"name":"全部","match":{},"problem_list_id":"triage"}]}`},
		{method: "PATCH", target: "/api/v1/symposia/" + e.sym.ID, body: `{"status":"closed"}`},
		{method: "POST", target: "/api/v1/admin/anonymize", body: `{"older_than_days":1}`},
	}
	before := e.stateCounts(t)
	for _, a := range actions {
		a.ctype = "application/json"
		for _, who := range []struct {
			name, token string
			c           claims
		}{
			{"staff", secStaffToken, claims{"sub": "u-staff", "cognito:groups": "[staff]"}},
			{"unit", secUnitToken, claims{"sub": "u-unit", "cognito:groups": "[unit:" + secUnit + "]"}},
		} {
			r := a
			r.token = who.token
			if resp := e.do(t, r); resp.StatusCode != http.StatusForbidden {
				t.Errorf("local %s: %s %s = %d %s, want 403", who.name, a.method, a.target, resp.StatusCode, readAll(t, resp))
			}
			r.token = ""
			if status, _, b := lambda(t, e.staff, r, who.c); status != http.StatusForbidden {
				t.Errorf("AWS %s: %s %s = %d %s, want 403", who.name, a.method, a.target, status, b)
			}
		}
	}
	sameCounts(t, "staff and unit attempts at admin actions", before, e.stateCounts(t))
	for _, a := range actions {
		a.ctype, a.token = "application/json", secAdminToken
		if resp := e.do(t, a); resp.StatusCode >= 300 {
			t.Errorf("admin: %s %s = %d %s, want success", a.method, a.target, resp.StatusCode, readAll(t, resp))
		}
	}
}

// TestAccountsAPI: an administrator creates local accounts; the token is
// shown once, stored only as its hash, works at once with its role, and no
// listing ever shows a token or hash. On AWS the route explains that
// accounts are user-pool users.
func TestAccountsAPI(t *testing.T) {
	e := newSecEnv(t)
	resp := e.do(t, req{method: "POST", target: "/api/v1/accounts", token: secAdminToken, ctype: "application/json",
		body: `{"name":"司法局联络员","role":"unit","unit":"区司法局"}`})
	raw := readAll(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create account: %d %s", resp.StatusCode, raw)
	}
	var created struct {
		ID, Name, Role, Unit, Token string
	}
	if err := json.Unmarshal(raw, &created); err != nil {
		t.Fatal(err)
	}
	if created.Token == "" || created.Role != "unit" || created.Unit != "区司法局" {
		t.Fatalf("created = %+v", created)
	}
	page, err := e.store.ListAccounts(context.Background(), 100, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Items {
		if a.ID == created.ID {
			if a.TokenHash != feedback.HashToken(created.Token) || strings.Contains(a.TokenHash, created.Token) {
				t.Errorf("stored token hash %q is not the hash of the token", a.TokenHash)
			}
		}
	}
	// The new token signs in as a unit: it sees its problems, may not
	// create a symposium.
	if resp := e.do(t, req{method: "GET", target: "/api/v1/problems", token: created.Token}); resp.StatusCode != http.StatusOK {
		t.Errorf("new unit token lists problems: %d", resp.StatusCode)
	}
	if resp := e.do(t, req{method: "POST", target: "/api/v1/symposia", token: created.Token, ctype: "application/json", body: `{"title":"x"}`}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("new unit token creates a symposium: %d, want 403", resp.StatusCode)
	}
	// A token one character off is refused.
	off := created.Token[:len(created.Token)-1] + string(rune('A'+(created.Token[len(created.Token)-1]+1)%26))
	if resp := e.do(t, req{method: "GET", target: "/api/v1/suggestions", token: off}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("altered token: %d, want 401", resp.StatusCode)
	}
	resp = e.do(t, req{method: "GET", target: "/api/v1/accounts", token: secAdminToken})
	list := readAll(t, resp)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(list, []byte("司法局联络员")) {
		t.Fatalf("list accounts: %d %s", resp.StatusCode, list)
	}
	for _, a := range page.Items {
		if bytes.Contains(list, []byte(a.TokenHash)) {
			t.Errorf("account list shows the token hash of %s", a.Name)
		}
	}
	for _, bad := range []string{created.Token, secStaffToken, "token", "hash"} {
		if bytes.Contains(list, []byte(bad)) {
			t.Errorf("account list contains %q: %s", bad, list)
		}
	}
	for _, body := range []string{`{"name":"x","role":"root"}`, `{"name":"","role":"staff"}`, `{"name":"x","role":"unit"}`, `{"name":"x","role":"staff","token_hash":"00"}`} {
		if resp := e.do(t, req{method: "POST", target: "/api/v1/accounts", token: secAdminToken, ctype: "application/json", body: body}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("create %s: %d, want 400", body, resp.StatusCode)
		}
	}
	// Stopped, the token is refused from the next request on; restored,
	// it signs in again. Staff may not stop an account.
	patch := func(token, id, body string) int {
		t.Helper()
		resp := e.do(t, req{method: "PATCH", target: "/api/v1/accounts/" + id, token: token, ctype: "application/json", body: body})
		readAll(t, resp)
		return resp.StatusCode
	}
	if got := patch(secStaffToken, created.ID, `{"disabled":true}`); got != http.StatusForbidden {
		t.Errorf("staff stops an account: %d, want 403", got)
	}
	for _, x := range []struct {
		body   string
		status int
		signIn int
	}{
		{`{"disabled":true}`, http.StatusOK, http.StatusUnauthorized},
		{`{"disabled":false}`, http.StatusOK, http.StatusOK},
		{`{}`, http.StatusBadRequest, http.StatusOK},
	} {
		if got := patch(secAdminToken, created.ID, x.body); got != x.status {
			t.Errorf("PATCH %s: %d, want %d", x.body, got, x.status)
		}
		if resp := e.do(t, req{method: "GET", target: "/api/v1/problems", token: created.Token}); resp.StatusCode != x.signIn {
			t.Errorf("after %s the token gets %d, want %d", x.body, resp.StatusCode, x.signIn)
		}
	}
	if got := patch(secAdminToken, "01nosuchaccount", `{"disabled":true}`); got != http.StatusNotFound {
		t.Errorf("stop an unknown account: %d, want 404", got)
	}
	status, _, b := lambda(t, e.staff, req{method: "POST", target: "/api/v1/accounts", ctype: "application/json", body: `{"name":"x","role":"staff"}`},
		claims{"sub": "u-admin", "cognito:groups": "[admin]"})
	if status != http.StatusNotFound || !bytes.Contains(b, []byte("用户池")) {
		t.Errorf("AWS admin POST /api/v1/accounts = %d %s, want 404 explaining the user pool", status, b)
	}
}

// unitFixture makes a suggestion with personal data and one problem for
// each of two units.
func (e *secEnv) unitFixture(tb testing.TB) (sg *feedback.Suggestion, mine, theirs *feedback.Problem) {
	tb.Helper()
	ctx := context.Background()
	sg, _, err := e.svc.Submit(ctx, e.sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise,
		Name: "欧阳娜娜", Organization: "某某机械有限公司", Contact: "13912345678",
		Content: "执法人员对首次轻微违法直接罚款,建议推行首违不罚。"}, feedback.ChannelQR)
	if err != nil {
		tb.Fatal(err)
	}
	if err := e.svc.RouteSuggestion(ctx, sg.ID); err != nil {
		tb.Fatal(err)
	}
	sg2, _, err := e.svc.Submit(ctx, e.sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Community,
		Content: "占道经营整治后又反弹,建议建立长效机制。"}, feedback.ChannelQR)
	if err != nil {
		tb.Fatal(err)
	}
	list, err := e.svc.CreateProblemList(ctx, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		tb.Fatal(err)
	}
	mine, err = e.svc.CreateProblem(ctx, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "首违不罚未落实",
		SuggestionIDs: []string{sg.ID}, ResponsibleUnit: secUnit, Deadline: "2025-06-30"})
	if err != nil {
		tb.Fatal(err)
	}
	theirs, err = e.svc.CreateProblem(ctx, e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "占道经营反弹",
		SuggestionIDs: []string{sg2.ID}, ResponsibleUnit: secUnit2, Deadline: "2025-06-30"})
	if err != nil {
		tb.Fatal(err)
	}
	return sg, mine, theirs
}

// TestUnitSeesOnlyItsOwn: a unit account lists, reads and changes only its
// unit's problems (403 for another's, which stays unchanged), and sees
// names and contacts masked in lists, details and exports.
func TestUnitSeesOnlyItsOwn(t *testing.T) {
	e := newSecEnv(t)
	sg, mine, theirs := e.unitFixture(t)
	get := func(token, target string) (int, []byte) {
		resp := e.do(t, req{method: "GET", target: target, token: token})
		return resp.StatusCode, readAll(t, resp)
	}
	status, b := get(secUnitToken, "/api/v1/problems")
	if status != http.StatusOK || !bytes.Contains(b, []byte(mine.ID)) || bytes.Contains(b, []byte(theirs.ID)) {
		t.Errorf("unit lists problems: %d %s; want only its own", status, b)
	}
	if status, _ := get(secUnitToken, "/api/v1/problems?unit="+secUnit2); status != http.StatusForbidden {
		t.Errorf("unit lists another unit's problems: %d, want 403", status)
	}
	for _, target := range []string{"/api/v1/problems/" + theirs.ID, "/api/v1/problems/" + theirs.ID + "/history"} {
		if status, b := get(secUnitToken, target); status != http.StatusForbidden {
			t.Errorf("unit GET %s: %d %s, want 403", target, status, b)
		}
		if status, _ := get(secUnitToken, strings.Replace(target, theirs.ID, mine.ID, 1)); status != http.StatusOK {
			t.Errorf("unit GET its own %s: %d, want 200", target, status)
		}
	}
	before, _ := e.store.GetProblem(context.Background(), theirs.ID)
	resp := e.do(t, req{method: "PATCH", target: "/api/v1/problems/" + theirs.ID, token: secUnitToken, ctype: "application/json", body: `{"status":"rectifying","note":"已整改"}`})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unit PATCH another unit's problem: %d, want 403", resp.StatusCode)
	}
	after, _ := e.store.GetProblem(context.Background(), theirs.ID)
	if after.Version != before.Version || after.Status != before.Status {
		t.Errorf("another unit's problem changed: %+v → %+v", before, after)
	}
	resp = e.do(t, req{method: "PATCH", target: "/api/v1/problems/" + mine.ID, token: secUnitToken, ctype: "application/json", body: `{"status":"rectifying","note":"已制定整改方案"}`})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("unit PATCH its own problem: %d %s, want 200", resp.StatusCode, readAll(t, resp))
	}

	// A unit sees only the suggestions behind its own problems.
	for _, target := range []string{"/api/v1/suggestions", "/api/v1/suggestions.csv", "/api/v1/suggestions/" + theirs.SuggestionIDs[0],
		"/api/v1/suggestions?problem_id=" + theirs.ID, "/api/v1/suggestions/" + sg.ID + "/similar"} {
		if status, b := get(secUnitToken, target); status != http.StatusForbidden {
			t.Errorf("unit GET %s: %d %s, want 403", target, status, b)
		}
	}
	// Masking: list, detail, CSV export; staff see everything.
	for _, target := range []string{"/api/v1/suggestions?problem_id=" + mine.ID, "/api/v1/suggestions/" + sg.ID, "/api/v1/suggestions.csv?problem_id=" + mine.ID} {
		status, b := get(secUnitToken, target)
		if status != http.StatusOK {
			t.Errorf("unit GET %s: %d", target, status)
			continue
		}
		for _, secret := range []string{"13912345678", "欧阳娜娜"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("unit GET %s shows %q unmasked", target, secret)
			}
		}
		if !bytes.Contains(b, []byte("139****5678")) {
			t.Errorf("unit GET %s lacks the masked contact", target)
		}
		if status, b := get(secStaffToken, target); status != http.StatusOK || !bytes.Contains(b, []byte("13912345678")) {
			t.Errorf("staff GET %s: %d, want the contact unmasked", target, status)
		}
	}
	// XLSX exports are built from the same masked rows: the unit's file
	// must not hold the contact either, the staff's must.
	status, b = get(secUnitToken, "/api/v1/suggestions.xlsx?problem_id="+mine.ID)
	if status != http.StatusOK {
		t.Fatalf("unit GET /api/v1/suggestions.xlsx = %d, want 200", status)
	}
	if zipContains(t, b, "13912345678") || zipContains(t, b, "欧阳娜娜") {
		t.Errorf("unit XLSX export holds personal data unmasked")
	}
	if status, b := get(secStaffToken, "/api/v1/suggestions.xlsx"); status != http.StatusOK || !zipContains(t, b, "13912345678") {
		t.Errorf("staff XLSX export: %d, want 200 with the contact unmasked", status)
	}
}

// zipContains reports whether any file in the zip archive b holds s.
func zipContains(tb testing.TB, b []byte, s string) bool {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("not a zip archive: %v", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(s)) {
			return true
		}
	}
	return false
}
