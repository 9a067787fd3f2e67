package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The unit registry through the API Gateway payloads in events/: register
// with a robot, read it back masked, let the unit change its own entry.
func TestUnitsAPI(t *testing.T) {
	e := newEnv(t)
	const name = "区城市管理和综合执法局"
	r := invoke(t, e.staff, loadEvent(t, "apigw-create-unit.json"))
	if r.status != http.StatusCreated {
		t.Fatalf("create unit: %d %s", r.status, r.body)
	}
	var u unitJSON
	r.json(t, &u)
	if u.Name != name || u.Head != "陈局长" || u.Notify == nil || u.Notify.Channel != "dingtalk" ||
		u.Notify.ChannelLabel != "钉钉自定义机器人" || !u.Notify.HasSecret || u.Version != 1 {
		t.Errorf("created = %+v", u)
	}
	// Credentials never come back.
	for _, secret := range []string{"9f3c0d2e7b1a4c5d", "SEC7b2e"} {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("response repeats a credential: %s", r.body)
		}
	}
	if u.Notify.URL != "https://oapi.dingtalk.com/robot/send?****" {
		t.Errorf("masked url = %q", u.Notify.URL)
	}
	if r = invoke(t, e.staff, loadEvent(t, "apigw-create-unit.json")); r.status != http.StatusConflict {
		t.Errorf("second registration: %d, want 409", r.status)
	}

	r = invoke(t, e.staff, loadEvent(t, "apigw-list-units.json"))
	var list listJSON[unitJSON]
	r.json(t, &list)
	if r.status != 200 || len(list.Items) != len(testUnits)+1 {
		t.Fatalf("list: %d, %d items", r.status, len(list.Items))
	}

	// The unit itself changes its head; the robot's address and secret stay.
	patch := loadEvent(t, "apigw-patch-unit.json")
	r = invoke(t, e.staff, patch)
	if r.status != 200 {
		t.Fatalf("patch by the unit: %d %s", r.status, r.body)
	}
	stored, err := e.store.GetUnit(context.Background(), name)
	if err != nil || stored.Head != "李局长" || stored.Notify.URL != "https://oapi.dingtalk.com/robot/send?access_token=9f3c0d2e7b1a4c5d" ||
		!strings.HasPrefix(stored.Notify.Secret, "SEC7b2e") {
		t.Errorf("stored after patch = %+v, %v", stored, err)
	}
	if r = invoke(t, e.staff, withGroups(patch, "[unit:区司法局]")); r.status != http.StatusForbidden {
		t.Errorf("patch by another unit: %d, want 403", r.status)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"unknown channel", "POST", "/api/v1/units", `{"name":"区审计局","notify":{"channel":"qq","url":"https://x.example"}}`, 400, "notify.channel"},
		{"robot elsewhere", "POST", "/api/v1/units", `{"name":"区审计局","notify":{"channel":"wecom","url":"https://evil.example/cgi-bin/webhook/send?key=1"}}`, 400, "notify.url"},
		{"no name", "POST", "/api/v1/units", `{"head":"某"}`, 400, "name"},
		{"unknown field", "POST", "/api/v1/units", `{"name":"区审计局","phone":"1"}`, 400, ""},
		{"remove the channel", "PATCH", "/api/v1/units/" + name, `{"notify":{"channel":""}}`, 200, ""},
		{"stale version", "PATCH", "/api/v1/units/" + name, `{"head":"王","version":1}`, 409, "version"},
		{"no such unit", "GET", "/api/v1/units/区不存在局", ``, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, tt.method, tt.path, tt.body)
			if _, field := r.errorCode(); r.status != tt.status || (tt.field != "" && field != tt.field) {
				t.Errorf("%s %s: %d %s, want %d field %q", tt.method, tt.path, r.status, r.body, tt.status, tt.field)
			}
		})
	}
	if got, _ := e.store.GetUnit(context.Background(), name); got.Notify != (feedback.NotifyChannel{}) {
		t.Errorf("channel after removal = %+v", got.Notify)
	}
}

// The migration through the API: the plan lists the free-text names with
// a suggestion; staff may not run it; the admin maps and registers.
func TestUnitMigrationAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}
	l, err := e.svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(ctx, admin, feedback.ProblemInput{ProblemListID: l.ID, Title: "罚款不规范", ResponsibleUnit: "区司法局"})
	if err != nil {
		t.Fatal(err)
	}
	p.ResponsibleUnit, p.CoUnits = "区市场监督局", []string{"区信访局"} // round one's free text
	if err := e.store.UpdateProblem(ctx, feedback.ProblemWrite{Problem: p}); err != nil {
		t.Fatal(err)
	}
	r := e.call(t, "GET", "/api/v1/unit-migration", "")
	var plan struct {
		Items []unitReferenceJSON `json:"items"`
	}
	r.json(t, &plan)
	if r.status != 200 || len(plan.Items) != 2 || plan.Items[1].Name != "区市场监督局" || plan.Items[1].Suggested != "区市场监督管理局" {
		t.Fatalf("plan: %d %s", r.status, r.body)
	}
	body := `{"mappings":[{"from":"区市场监督局","to":"区市场监督管理局"},{"from":"区信访局","to":"区信访局"}]}`
	staffMigration := withBody(withPath(withGroups(loadEvent(t, "apigw-create-unit.json"), "[staff]"), "/api/v1/units", "/api/v1/unit-migration"), body)
	if r = invoke(t, e.staff, staffMigration); r.status != http.StatusForbidden {
		t.Errorf("migration by staff: %d %s, want 403", r.status, r.body)
	}
	r = e.call(t, "POST", "/api/v1/unit-migration", body)
	var res unitMigrationResultJSON
	r.json(t, &res)
	if r.status != 200 || res != (unitMigrationResultJSON{Registered: 1, Problems: 1}) {
		t.Fatalf("migrate: %d %s", r.status, r.body)
	}
	got, _ := e.store.GetProblem(ctx, p.ID)
	if got.ResponsibleUnit != "区市场监督管理局" || got.CoUnits[0] != "区信访局" {
		t.Errorf("problem after migration: %s %q", got.ResponsibleUnit, got.CoUnits)
	}
}
