package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// A co-unit lists and opens the problems it co-handles (each item says
// which), reports its part through the API Gateway payload in events/, may
// not move the status, and sees no problem it is not part of.
func TestCoUnitsAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}
	l, err := e.svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(title, lead string, co ...string) *feedback.Problem {
		p, err := e.svc.CreateProblem(ctx, admin, feedback.ProblemInput{ProblemListID: l.ID, Title: title, ResponsibleUnit: lead, CoUnits: co, Deadline: "2025-04-30"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	led := mk("司法局牵头的问题", "区司法局")
	assisted := mk("司法局协办的问题", "区市场监管局", "区司法局")
	other := mk("与司法局无关的问题", "区财政局", "区市场监管局")

	list := loadEvent(t, "apigw-list-units.json")
	list = withPath(list, "/api/v1/units", "/api/v1/problems")
	r := invoke(t, e.staff, withGroups(list, "[unit:区司法局]"))
	var page listJSON[problemJSON]
	r.json(t, &page)
	roles := map[string]string{}
	for _, p := range page.Items {
		roles[p.ID] = p.UnitRole
	}
	if r.status != 200 || len(page.Items) != 2 || roles[led.ID] != "lead" || roles[assisted.ID] != "co" {
		t.Fatalf("co-unit's list: %d %s", r.status, r.body)
	}
	r = e.call(t, "GET", "/api/v1/problems?unit="+"%E5%8C%BA%E5%8F%B8%E6%B3%95%E5%B1%80", "") // ?unit=区司法局 for the office
	r.json(t, &page)
	if len(page.Items) != 2 {
		t.Errorf("?unit= for the office: %d items", len(page.Items))
	}

	add := withPath(loadEvent(t, "apigw-add-contribution.json"), sampleProblemID, assisted.ID)
	r = invoke(t, e.staff, add)
	if r.status != http.StatusCreated {
		t.Fatalf("contribution: %d %s", r.status, r.body)
	}
	var c contributionJSON
	r.json(t, &c)
	if c.Unit != "区司法局" || c.Text == "" {
		t.Errorf("contribution = %+v", c)
	}
	if r := invoke(t, e.staff, withPath(loadEvent(t, "apigw-add-contribution.json"), sampleProblemID, other.ID)); r.status != http.StatusForbidden {
		t.Errorf("a contribution to a problem it is not part of: %d, want 403", r.status)
	}
	if r := invoke(t, e.staff, withGroups(add, "[staff]")); r.status != http.StatusForbidden {
		t.Errorf("the office contributing: %d, want 403", r.status)
	}
	// The lead reports through the problem's progress, not as a co-unit.
	if r := invoke(t, e.staff, withGroups(add, "[unit:区市场监管局]")); r.status != http.StatusForbidden || !bytes.Contains(r.body, []byte("协办单位")) {
		t.Errorf("the lead contributing: %d %s, want 403 saying only co-units report", r.status, r.body)
	}
	r = invoke(t, e.staff, withGroups(withPath(loadEvent(t, "apigw-list-units.json"), "/api/v1/units", "/api/v1/problems/"+assisted.ID+"/contributions"), "[unit:区市场监管局]"))
	if r.status != 200 || !bytes.Contains(r.body, []byte(c.ID)) {
		t.Errorf("the lead reads the contribution: %d %s", r.status, r.body)
	}

	// Only the lead moves the status.
	tr := withPath(loadEvent(t, "apigw-transition-problem.json"), sampleProblemID, assisted.ID)
	if r := invoke(t, e.staff, withGroups(tr, "[unit:区司法局]")); r.status != http.StatusForbidden {
		t.Errorf("the co-unit moving the status: %d, want 403", r.status)
	}
	if r := invoke(t, e.staff, withGroups(tr, "[unit:区市场监管局]")); r.status != 200 {
		t.Errorf("the lead moving the status: %d %s", r.status, r.body)
	}
	get := withPath(loadEvent(t, "apigw-list-units.json"), "/api/v1/units", "/api/v1/problems/"+other.ID)
	if r := invoke(t, e.staff, withGroups(get, "[unit:区司法局]")); r.status != http.StatusForbidden {
		t.Errorf("a problem it is not part of: %d, want 403", r.status)
	}
}
