package httpapi

import (
	"context"
	"net/http"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Working days through the API Gateway payloads in events/, and the
// calendar a year shows.
func TestCalendarAPI(t *testing.T) {
	e := newEnv(t)
	r := invoke(t, e.staff, loadEvent(t, "apigw-add-working-days.json"))
	var got struct {
		Date string `json:"date"`
		From string `json:"from"`
		Days int    `json:"days"`
	}
	r.json(t, &got)
	if r.status != 200 || got.Date != "2025-10-10" || got.From != "2025-09-26" || got.Days != 5 {
		t.Errorf("add working days: %d %s", r.status, r.body)
	}

	r = e.call(t, "GET", "/api/v1/calendar/2025", "")
	var y calendarYearJSON
	r.json(t, &y)
	if r.status != 200 || y.Source != "official" || len(y.Workdays) != 5 || y.Workdays[0] != "2025-01-26" || len(y.Holidays) != 28 {
		t.Errorf("calendar 2025: %d %s", r.status, r.body)
	}
	r = e.call(t, "GET", "/api/v1/calendar/2099", "")
	r.json(t, &y)
	if r.status != 200 || y.Source != "" || y.SourceLabel != "尚未收录" || len(y.Holidays) != 0 {
		t.Errorf("calendar 2099 before entry: %d %s", r.status, r.body)
	}
	if r := e.call(t, "GET", "/api/v1/calendar/add-working-days?from=2099-01-02&days=1", ""); r.status != 400 {
		t.Errorf("working days in an unknown year: %d %s", r.status, r.body)
	} else if _, field := r.errorCode(); field != "days" {
		t.Errorf("field = %q, want days", field)
	}

	put := loadEvent(t, "apigw-put-calendar.json")
	if r := invoke(t, e.staff, withGroups(put, "[staff]")); r.status != http.StatusForbidden {
		t.Errorf("staff entering a year: %d, want 403", r.status)
	}
	r = invoke(t, e.staff, put)
	r.json(t, &y)
	if r.status != 200 || y.Source != "office" || y.Version != 1 || len(y.Holidays) != 4 || y.Workdays[0] != "2099-09-27" {
		t.Fatalf("put 2099: %d %s", r.status, r.body)
	}
	if r := invoke(t, e.staff, put); r.status != http.StatusConflict {
		t.Errorf("second put from version 0: %d, want 409", r.status)
	}
	if r := e.call(t, "GET", "/api/v1/calendar/add-working-days?from=2099-09-30&days=1", ""); r.status != 200 {
		t.Errorf("after entry: %d %s", r.status, r.body)
	} else {
		r.json(t, &got)
		if got.Date != "2099-10-05" { // 10-01…10-03 off, 10-04 a Sunday
			t.Errorf("2099-09-30 + 1 = %s", got.Date)
		}
	}
	for _, tt := range []struct{ path, body, field string }{
		{"/api/v1/calendar/2099", `{"holidays":["2098-12-31"],"version":1}`, "holidays"},
		{"/api/v1/calendar/2099", `{"workdays":["2099-09-28"],"version":1}`, "workdays"},
		{"/api/v1/calendar/1999", `{"holidays":[]}`, "year"},
	} {
		if r := e.call(t, "PUT", tt.path, tt.body); r.status != 400 {
			t.Errorf("PUT %s %s: %d", tt.path, tt.body, r.status)
		} else if _, f := r.errorCode(); f != tt.field {
			t.Errorf("PUT %s %s: field %q, want %q", tt.path, tt.body, f, tt.field)
		}
	}

	// A problem shows its deadline and the working days left.
	ctx := context.Background()
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}
	l, err := e.svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	r = e.call(t, "POST", "/api/v1/problems", `{"problem_list_id":"`+l.ID+`","title":"罚款标准不一","responsible_unit":"区司法局","deadline_working_days":10}`)
	var p problemJSON
	r.json(t, &p)
	if r.status != 201 || p.DeadlineWorkingDays != 10 || p.WorkingDaysLeft == nil || *p.WorkingDaysLeft != 10 || p.Deadline != "2025-03-14" {
		t.Errorf("problem in working days: %d %s", r.status, r.body)
	}
	r = e.call(t, "POST", "/api/v1/problems", `{"problem_list_id":"`+l.ID+`","title":"x","responsible_unit":"区司法局","deadline":"2025-04-01","deadline_working_days":3}`)
	if _, f := r.errorCode(); r.status != 400 || f != "deadline_working_days" {
		t.Errorf("date and working days: %d %s", r.status, r.body)
	}
}
