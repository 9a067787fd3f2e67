package feedback_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/workday"
)

// setDay puts the fixture's clock at 10:00 on day (Asia/Shanghai).
func (f *fixture) setDay(day string) {
	d, _ := time.ParseInLocation(feedback.DateLayout, day, feedback.Shanghai)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = d.Add(10 * time.Hour)
}

func fieldErr(err error) (code, field, msg string) {
	if e, ok := err.(*feedback.Error); ok {
		return e.Code, e.Field, e.Message
	}
	return feedback.ErrorCode(err), "", ""
}

// Deadlines in working days: set the Friday before National Day 2025, five
// working days are the make-up Sunday 9-28, 9-29, 9-30 and, after the
// eight days off, 10-9 and 10-10.
func TestDeadlineInWorkingDays(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list := f.list(t, "涉企乱罚款问题清单")
	f.setDay("2025-09-26")
	p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚款标准不一",
		ResponsibleUnit: unitMarket, DeadlineWorkingDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	if p.Deadline != "2025-10-10" || p.DeadlineWorkingDays != 5 {
		t.Errorf("deadline = %s (%d working days), want 2025-10-10 (5)", p.Deadline, p.DeadlineWorkingDays)
	}
	_, err = f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "两种期限",
		ResponsibleUnit: unitMarket, Deadline: "2025-10-31", DeadlineWorkingDays: 5})
	if _, field, _ := fieldErr(err); field != "deadline_working_days" {
		t.Errorf("both a date and working days: %v", err)
	}

	// An edit in working days, then back to a date.
	p, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{DeadlineWorkingDays: ptr(3)})
	if err != nil || p.Deadline != "2025-09-30" || p.DeadlineWorkingDays != 3 {
		t.Fatalf("edit to 3 working days: %s (%d), %v", p.Deadline, p.DeadlineWorkingDays, err)
	}
	p, err = f.svc.EditProblem(ctx, f.staff, p.ID, feedback.ProblemEdit{Deadline: ptr(feedback.Date("2025-10-15"))})
	if err != nil || p.DeadlineWorkingDays != 0 {
		t.Fatalf("edit to a date keeps the working days: %d, %v", p.DeadlineWorkingDays, err)
	}
	if _, err := f.svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{DeadlineWorkingDays: ptr(3)}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit setting its own deadline: %v", err)
	}

	// A rule's default in working days.
	f.rules(t, feedback.RoutingRule{Name: "执法检查", Match: feedback.RuleMatch{KeywordsAny: []string{"检查"}},
		ProblemListID: list.ID, ResponsibleUnit: unitJustice, DeadlineWorkingDays: 10})
	sg := f.submitRouted(t, feedback.Enterprise, "检查", "一个月内接受了四次检查,希望合并检查。")
	p, err = f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{SuggestionIDs: []string{sg.ID}})
	if err != nil {
		t.Fatal(err)
	}
	// From 2025-09-26: 9-28, 9-29, 9-30, 10-9, 10-10, 10-11 (Sat, make-up), 10-13 … 10-16.
	if p.Deadline != "2025-10-16" || p.DeadlineWorkingDays != 10 || p.ResponsibleUnit != unitJustice {
		t.Errorf("from the rule: %s (%d) %s, want 2025-10-16 (10) %s", p.Deadline, p.DeadlineWorkingDays, p.ResponsibleUnit, unitJustice)
	}
	got, err := f.svc.AddWorkingDays(ctx, f.unit, "2025-01-24", 4)
	if err != nil || got != "2025-02-06" {
		t.Errorf("AddWorkingDays(2025-01-24, 4) = %s, %v; want 2025-02-06 (1-26 Sun and 1-27 worked, 1-28…2-4 off)", got, err)
	}
}

// A year the official data lacks refuses a working-day deadline with a
// clear error until the office enters its calendar.
func TestUnknownYearUntilEntered(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list := f.list(t, "涉企乱罚款问题清单")
	years := workday.OfficialYears()
	next := years[len(years)-1] + 1
	f.setDay(time.Date(next-1, 12, 28, 0, 0, 0, 0, time.UTC).Format(feedback.DateLayout))
	in := feedback.ProblemInput{ProblemListID: list.ID, Title: "年底交办", ResponsibleUnit: unitMarket, DeadlineWorkingDays: 5}
	_, err := f.svc.CreateProblem(ctx, f.staff, in)
	code, field, msg := fieldErr(err)
	if code != feedback.EInvalid || field != "deadline_working_days" || !strings.Contains(msg, "尚未收录") || !strings.Contains(msg, "工作日历") {
		t.Fatalf("deadline into an unknown year: %s %s %q", code, field, msg)
	}
	if _, err := f.svc.AddWorkingDays(ctx, f.staff, "", 5); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("AddWorkingDays into an unknown year: %v", err)
	}
	v, err := f.svc.CalendarYear(ctx, f.staff, next)
	if err != nil || v.Source != workday.SourceNone {
		t.Fatalf("CalendarYear(%d) = %+v, %v", next, v, err)
	}

	y := &feedback.CalendarYear{Year: next, Holidays: []feedback.Date{feedback.Date(time.Date(next, 1, 1, 0, 0, 0, 0, time.UTC).Format(feedback.DateLayout))}}
	if err := f.svc.PutCalendarYear(ctx, f.staff, y); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("staff entering the calendar: %v", err)
	}
	if err := f.svc.PutCalendarYear(ctx, f.admin, y); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.CreateProblem(ctx, f.staff, in)
	if err != nil || p.Deadline == "" {
		t.Fatalf("after the office entered %d: %v", next, err)
	}
	if v, _ := f.svc.CalendarYear(ctx, f.staff, next); v.Source != workday.SourceOffice || v.Office == nil || v.Office.Version != 1 {
		t.Errorf("CalendarYear after entry = %+v", v)
	}
	stale := &feedback.CalendarYear{Year: next}
	if err := f.svc.PutCalendarYear(ctx, f.admin, stale); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("a second entry from version 0: %v", err)
	}
	bad := &feedback.CalendarYear{Year: next, Workdays: []feedback.Date{feedback.Date(time.Date(next, 3, 1, 0, 0, 0, 0, time.UTC).Format(feedback.DateLayout))}, Version: 1}
	if wd := time.Date(next, 3, 1, 0, 0, 0, 0, time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
		if _, field, _ := fieldErr(f.svc.PutCalendarYear(ctx, f.admin, bad)); field != "workdays" {
			t.Errorf("a weekday as make-up day: field %q", field)
		}
	}
}
