package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Extensions and supervision through the API Gateway payloads in events/,
// with the roles the user pool's groups give.
func TestExtensionsAndSupervisionAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}
	if _, err := e.svc.CreateUnit(ctx, admin, feedback.UnitInput{Name: "区市场监督管理局", Head: "王局长"}); err != nil &&
		feedback.ErrorCode(err) != feedback.EConflict {
		t.Fatal(err)
	}
	l, err := e.svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(ctx, admin, feedback.ProblemInput{ProblemListID: l.ID, Title: "门前三包罚款标准不一",
		ResponsibleUnit: "区市场监督管理局", CoUnits: []string{"区司法局"}, Deadline: "2025-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	req := withPath(loadEvent(t, "apigw-request-extension.json"), sampleProblemID, p.ID)
	if r := invoke(t, e.staff, withGroups(req, "[unit:区司法局]")); r.status != http.StatusForbidden {
		t.Errorf("a co-unit asking: %d, want 403", r.status)
	}
	r := invoke(t, e.staff, req)
	if r.status != http.StatusCreated {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	var ext extensionJSON
	r.json(t, &ext)
	if ext.Status != "pending" || ext.StatusLabel != "待审批" || ext.Deadline != "2025-04-30" || ext.RequestedUnit != "区市场监督管理局" {
		t.Errorf("requested = %+v", ext)
	}
	if r := invoke(t, e.staff, req); r.status != http.StatusConflict {
		t.Errorf("a second pending request: %d, want 409", r.status)
	}

	// 延期待审批: the office finds the request waiting; a unit account
	// gets its own, as with the other filters.
	pending := func(r response) []problemJSON {
		t.Helper()
		var page listJSON[problemJSON]
		r.json(t, &page)
		if r.status != http.StatusOK {
			t.Fatalf("pending list: %d %s", r.status, r.body)
		}
		return page.Items
	}
	if got := pending(e.call(t, "GET", "/api/v1/problems?extension_pending=true", "")); len(got) != 1 || got[0].ID != p.ID || got[0].PendingExtensionID != ext.ID {
		t.Errorf("the office's pending list = %+v, want the problem with its request", got)
	}
	asUnit := func(unit, query string) response {
		ev := withGroups(loadEvent(t, "apigw-export-problems.json"), "[unit:"+unit+"]")
		ev.RawPath, ev.RequestContext.HTTP.Path = "/api/v1/problems", "/api/v1/problems"
		ev.RawQueryString, ev.QueryStringParameters = query, nil
		return invoke(t, e.staff, ev)
	}
	if got := pending(asUnit("区市场监督管理局", "extension_pending=true")); len(got) != 1 || got[0].ID != p.ID {
		t.Errorf("the lead unit's pending list = %+v, want its own problem", got)
	}
	if got := pending(asUnit("区城管执法局", "extension_pending=true")); len(got) != 0 {
		t.Errorf("another unit's pending list = %+v, want none", got)
	}
	if r := asUnit("区城管执法局", "extension_pending=true&unit=%E5%8C%BA%E5%B8%82%E5%9C%BA%E7%9B%91%E7%9D%A3%E7%AE%A1%E7%90%86%E5%B1%80"); r.status != http.StatusForbidden {
		t.Errorf("another unit asking for the lead's pending list: %d, want 403", r.status)
	}
	if r := e.call(t, "GET", "/api/v1/problems?extension_pending=maybe", ""); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "延期待审批筛选条件无效") {
		t.Errorf("a bad extension_pending: %d %s, want 400 in Chinese", r.status, r.body)
	}
	if r := e.call(t, "GET", "/api/v1/problems.xlsx?extension_pending=true", ""); r.status != http.StatusOK || r.header.Get("Content-Type") != mimeXLSXDoc {
		t.Errorf("export of the pending view: %d %s", r.status, r.header.Get("Content-Type"))
	}

	decide := withPath(loadEvent(t, "apigw-decide-extension.json"), sampleProblemID, p.ID, "01jn9a4f6h8k0n2q4t6w8y0c2e", ext.ID)
	if r := invoke(t, e.staff, withGroups(decide, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("a unit deciding: %d, want 403", r.status)
	}
	r = invoke(t, e.staff, decide)
	if r.status != 200 {
		t.Fatalf("decide: %d %s", r.status, r.body)
	}
	r.json(t, &ext)
	if ext.Status != "approved" || ext.Note == "" {
		t.Errorf("decided = %+v", ext)
	}
	if r := invoke(t, e.staff, decide); r.status != http.StatusConflict {
		t.Errorf("deciding again: %d, want 409", r.status)
	}
	if got := pending(e.call(t, "GET", "/api/v1/problems?extension_pending=true", "")); len(got) != 0 {
		t.Errorf("the pending list after the decision = %+v, want none", got)
	}
	if r := e.call(t, "POST", "/api/v1/problems/"+p.ID+"/extensions/"+ext.ID+"/decision", `{"note":"x"}`); r.status != 400 {
		t.Errorf("decision without approve: %d", r.status)
	}
	r = e.call(t, "GET", "/api/v1/problems/"+p.ID, "")
	var pj problemJSON
	r.json(t, &pj)
	if pj.Deadline != "2025-04-30" || pj.OriginalDeadline != "2025-03-31" || pj.Extensions != 1 {
		t.Errorf("problem after approval: %s %s %d", pj.Deadline, pj.OriginalDeadline, pj.Extensions)
	}
	r = e.call(t, "GET", "/api/v1/problems/"+p.ID+"/extensions", "")
	if r.status != 200 || !strings.Contains(string(r.body), ext.ID) {
		t.Errorf("list: %d %s", r.status, r.body)
	}

	// Supervision: the office marks, a unit may not, the filter lists.
	patch := withBody(withPath(loadEvent(t, "apigw-transition-problem.json"), sampleProblemID, p.ID), `{"supervised":true}`)
	if r := invoke(t, e.staff, withGroups(patch, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("a unit supervising: %d %s, want 403", r.status, r.body)
	}
	if r := invoke(t, e.staff, withGroups(patch, "[staff]")); r.status != 200 {
		t.Fatalf("supervise: %d %s", r.status, r.body)
	}
	r = e.call(t, "GET", "/api/v1/problems?supervised=true", "")
	var list listJSON[problemJSON]
	r.json(t, &list)
	if r.status != 200 || len(list.Items) != 1 || !list.Items[0].Supervised {
		t.Errorf("supervised list: %d %s", r.status, r.body)
	}
	if r := e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"supervised":false,"status":"rectifying"}`); r.status != 400 {
		t.Errorf("supervised with a status change: %d", r.status)
	}

	// The office moving the deadline itself, with a reason: an extension
	// it grants, never a silent move of the date judged against.
	move := withBody(withPath(loadEvent(t, "apigw-transition-problem.json"), sampleProblemID, p.ID), `{"deadline":"2025-05-31","note":"汛期无法施工"}`)
	if r := invoke(t, e.staff, withGroups(move, "[unit:区市场监督管理局]")); r.status != http.StatusForbidden {
		t.Errorf("a unit moving its deadline: %d, want 403", r.status)
	}
	if r := e.call(t, "PATCH", "/api/v1/problems/"+p.ID, `{"title":"门前三包罚款标准不统一","note":"x"}`); r.status != 400 {
		t.Errorf("a note with a field change but no deadline: %d, want 400", r.status)
	}
	r = invoke(t, e.staff, withGroups(move, "[staff]"))
	if r.status != 200 {
		t.Fatalf("move: %d %s", r.status, r.body)
	}
	r.json(t, &pj)
	if pj.Deadline != "2025-05-31" || pj.OriginalDeadline != "2025-03-31" || pj.Extensions != 2 {
		t.Errorf("problem after the office moved it: deadline %s original %s extensions %d, want 2025-05-31 2025-03-31 2", pj.Deadline, pj.OriginalDeadline, pj.Extensions)
	}
	r = e.call(t, "GET", "/api/v1/problems/"+p.ID+"/extensions", "")
	var exts listJSON[extensionJSON]
	r.json(t, &exts)
	if n := len(exts.Items); n != 2 || exts.Items[1].Status != "approved" || exts.Items[1].Reason != "汛期无法施工" || exts.Items[1].PreviousDeadline != "2025-04-30" {
		t.Errorf("extensions after the move: %s", r.body)
	}
}
