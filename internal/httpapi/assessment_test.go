package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The assessment scheme and scores through the API Gateway payloads in
// events/, with the roles the user pool's groups give.
func TestAssessmentAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}

	r := e.call(t, "GET", "/api/v1/assessment-scheme", "")
	var sc assessmentSchemeJSON
	r.json(t, &sc)
	if r.status != 200 || !sc.Default || sc.Version != 0 || sc.Base != 100 || len(sc.Rules) != len(feedback.AssessmentEvents) ||
		sc.Rules[0].Event != "rectified_on_time" || sc.Rules[0].Label != "按期整改" {
		t.Fatalf("default scheme: %d %s", r.status, r.body)
	}

	put := loadEvent(t, "apigw-put-assessment-scheme.json")
	if r := invoke(t, e.staff, withGroups(put, "[staff]")); r.status != http.StatusForbidden {
		t.Errorf("staff saving the scheme: %d, want 403", r.status)
	}
	r = invoke(t, e.staff, put)
	r.json(t, &sc)
	if r.status != 200 || sc.Default || sc.Version != 1 || sc.UpdatedBy == "" {
		t.Fatalf("put scheme: %d %s", r.status, r.body)
	}
	points := map[string]float64{}
	for _, rule := range sc.Rules {
		points[rule.Event] = rule.Points
	}
	if points["rectified_on_time"] != 2 || points["overdue"] != -3 || points["extension"] != -0.5 || points["satisfied"] != 0 {
		t.Errorf("saved points = %v", points)
	}
	if r := invoke(t, e.staff, put); r.status != http.StatusConflict {
		t.Errorf("saving over version 1 from version 0: %d, want 409", r.status)
	}
	for _, c := range []struct{ body, field string }{
		{`{"base":100,"rules":[{"event":"late","points":-1}],"version":1}`, "rules[0].event"},
		{`{"base":100,"rules":[{"event":"overdue","points":-200}],"version":1}`, "rules[0].points"},
		{`{"rules":[],"version":1}`, "base"},
		{`{"base":100,"bonus":5,"version":1}`, "bonus"},
	} {
		r := e.call(t, "PUT", "/api/v1/assessment-scheme", c.body)
		if _, field := r.errorCode(); r.status != 400 || field != c.field {
			t.Errorf("PUT %s: %d %s, want 400 field %s", c.body, r.status, r.body, c.field)
		}
	}

	// 区司法局 rectifies one problem on time and one late, past its
	// deadline.
	l, err := e.svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	newProblem := func(title string, deadline feedback.Date) *feedback.Problem {
		p, err := e.svc.CreateProblem(ctx, admin, feedback.ProblemInput{ProblemListID: l.ID, Title: title,
			ResponsibleUnit: "区司法局", Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	early, late := newProblem("行政复议案件办理超期", "2025-03-31"), newProblem("执法人员持证上岗不到位", "2025-03-10")
	e.clock.Advance(11 * 24 * time.Hour) // 2025-03-12
	for _, p := range []*feedback.Problem{early, late} {
		for _, st := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
			if _, err := e.svc.TransitionProblem(ctx, admin, p.ID, feedback.Transition{To: st, Evidence: "整改台账"}); err != nil {
				t.Fatal(err)
			}
		}
	}

	get := loadEvent(t, "apigw-get-assessments.json")
	if r := invoke(t, e.staff, withGroups(get, "[unit:区司法局]")); r.status != http.StatusForbidden {
		t.Errorf("a unit reading assessments: %d, want 403", r.status)
	}
	r = invoke(t, e.staff, withGroups(get, "[staff]"))
	var a assessmentJSON
	r.json(t, &a)
	if r.status != 200 || a.From != "2025-03-01" || a.To != "2025-04-30" || a.Truncated || a.Scheme.Version != 1 {
		t.Fatalf("assessments: %d %s", r.status, r.body)
	}
	var justice *unitAssessmentJSON
	for i := range a.Units {
		if a.Units[i].Unit == "区司法局" {
			justice = &a.Units[i]
		} else if a.Units[i].Score != 100 || len(a.Units[i].Items) != 0 {
			t.Errorf("a unit with no events: %+v", a.Units[i])
		}
	}
	// 100 + 2 (on time) − 1 (late) − 3 (overdue).
	if justice == nil || justice.Score != 98 || justice.Counts["rectified_on_time"] != 1 || justice.Counts["rectified_late"] != 1 ||
		justice.Counts["overdue"] != 1 || justice.Counts["relapse"] != 0 || len(justice.Items) != 3 {
		t.Fatalf("区司法局 = %+v", justice)
	}
	for _, it := range justice.Items {
		if it.Event == "overdue" && (it.Date != "2025-03-11" || it.ProblemID != late.ID || it.Label != "逾期未整改" || it.Points != -3 ||
			it.ProblemTitle != "执法人员持证上岗不到位" || it.Note != "整改期限 2025-03-10") {
			t.Errorf("overdue item = %+v", it)
		}
	}
	if want := "/api/v1/assessments.xlsx?from=2025-03-01&to=2025-04-30"; a.Links["xlsx"] != want {
		t.Errorf("xlsx link = %q, want %q", a.Links["xlsx"], want)
	}

	r = e.call(t, "GET", "/api/v1/assessments?from=2025-03-01&to=2025-04-30&unit=区司法局", "")
	r.json(t, &a)
	if r.status != 200 || len(a.Units) != 1 || a.Units[0].Score != 98 {
		t.Errorf("one unit: %d %s", r.status, r.body)
	}
	for _, c := range []struct{ query, field string }{
		{"to=2025-04-30", "from"}, {"from=2025-03-01", "to"}, {"from=2025-3-1&to=2025-04-30", "from"},
		{"from=2025-04-30&to=2025-03-01", "to"}, {"from=2025-03-01&to=2025-04-30&unit=区交通局", "unit"},
	} {
		r := e.call(t, "GET", "/api/v1/assessments?"+c.query, "")
		if _, field := r.errorCode(); r.status != 400 || field != c.field {
			t.Errorf("GET ?%s: %d %s, want 400 field %s", c.query, r.status, r.body, c.field)
		}
	}

	r = e.call(t, "GET", "/api/v1/assessments.xlsx?from=2025-03-01&to=2025-04-30", "")
	if r.status != 200 || r.header.Get("Content-Type") != mimeXLSXDoc {
		t.Fatalf("xlsx: %d %s", r.status, r.header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "考评汇总" || got[1] != "考评明细" {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows("考评汇总")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		if len(row) > 4 && row[0] == "区司法局" {
			found = true
			if row[1] != "98" || row[2] != "1" || row[3] != "1" || row[4] != "1" {
				t.Errorf("区司法局 row = %v", row)
			}
		}
	}
	if !found {
		t.Errorf("no row of 区司法局 in %v", rows)
	}
	rows, err = f.GetRows("考评明细")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 { // title, header, three items
		t.Errorf("detail rows = %v", rows)
	}

	r = e.call(t, "GET", "/api/v1/labels", "")
	var labels labelsJSON
	r.json(t, &labels)
	if labels.AssessmentEvents["rehandle"] != "重新办理" || labels.ExtensionStatuses["pending"] != "待审批" ||
		labels.Fields["rules.points"] != "分值" {
		t.Errorf("labels: %v %v", labels.AssessmentEvents, labels.ExtensionStatuses)
	}
}
