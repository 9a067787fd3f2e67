package feedback

import (
	"context"
	"fmt"

	"github.com/jianyan/jianyan/internal/workday"
)

// Working days (工作日): deadlines given as "N 个工作日" are the N-th working
// day after the day of the request (Asia/Shanghai), the next day counted
// first, by the official calendar with the office's years over it.

// workCalendar is the calendar in force: the official schedules and the
// office's years as stored now.
func (s *Service) workCalendar(ctx context.Context) (*workday.Calendar, error) {
	years, err := s.store.ListCalendarYears(ctx)
	if err != nil {
		return nil, fmt.Errorf("working calendar: %w", err)
	}
	var ys []workday.Year
	for _, y := range years {
		ys = append(ys, y.workdayYear())
	}
	c, err := workday.New(ys...)
	if err != nil {
		// Stored years were checked when they were saved.
		return nil, fmt.Errorf("working calendar: %w", err)
	}
	return c, nil
}

// WorkCalendar returns the calendar in force, for views that show working
// days left (any role).
func (s *Service) WorkCalendar(ctx context.Context, id Identity) (*workday.Calendar, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	return s.workCalendar(ctx)
}

// AddWorkingDays is the n-th working day after from (today when empty).
// Any role. A year the calendar does not know is EInvalid with field
// "days", telling the office to enter it.
func (s *Service) AddWorkingDays(ctx context.Context, id Identity, from Date, n int) (Date, error) {
	if err := requireAnyRole(id); err != nil {
		return "", err
	}
	if from == "" {
		from = DateOf(s.now())
	}
	if !from.Valid() {
		return "", FieldErrorf("from", "日期格式应为 YYYY-MM-DD")
	}
	if n < 1 || n > MaxWorkingDays {
		return "", FieldErrorf("days", "工作日天数应在 1 至 %d 之间", MaxWorkingDays)
	}
	c, err := s.workCalendar(ctx)
	if err != nil {
		return "", err
	}
	d, err := c.AddWorkingDays(from.Start(), n)
	if err != nil {
		return "", workingDaysError("days", err)
	}
	return DateOf(d), nil
}

// deadlineIn is the deadline n working days after today, for a field that
// gave it so.
func (s *Service) deadlineIn(ctx context.Context, field string, n int) (Date, error) {
	if n < 1 || n > MaxWorkingDays {
		return "", FieldErrorf(field, "工作日天数应在 1 至 %d 之间", MaxWorkingDays)
	}
	c, err := s.workCalendar(ctx)
	if err != nil {
		return "", err
	}
	d, err := c.AddWorkingDays(s.now().In(Shanghai), n)
	if err != nil {
		return "", workingDaysError(field, err)
	}
	return DateOf(d), nil
}

// WorkingDaysLeft counts the working days from today up to deadline, for
// display ("还剩 N 个工作日"); ok is false when there is no deadline, it has
// passed, or the calendar does not know a year on the way.
func WorkingDaysLeft(c *workday.Calendar, today, deadline Date) (n int, ok bool) {
	if c == nil || deadline == "" || deadline.Before(today) {
		return 0, false
	}
	n, err := c.WorkingDaysBetween(today.Start(), deadline.Start())
	return n, err == nil
}

// CalendarYearView is one year of the calendar as people see it: the days
// in force and where they come from; for a year the office entered over
// the official data, the official days too.
type CalendarYearView struct {
	Year             int
	Source           workday.Source
	Holidays         []Date
	Workdays         []Date
	OfficialHolidays []Date // when the office's entry replaced official data
	OfficialWorkdays []Date
	Office           *CalendarYear // the office's entry, when there is one
}

// CalendarYear returns year y of the calendar. Any role.
func (s *Service) CalendarYear(ctx context.Context, id Identity, y int) (*CalendarYearView, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	if y < workday.MinYear || y > workday.MaxYear {
		return nil, FieldErrorf("year", "年份应在 %d 至 %d 之间", workday.MinYear, workday.MaxYear)
	}
	years, err := s.store.ListCalendarYears(ctx)
	if err != nil {
		return nil, fmt.Errorf("calendar %d: %w", y, err)
	}
	c, err := s.workCalendar(ctx)
	if err != nil {
		return nil, err
	}
	wy, src := c.Year(y)
	v := &CalendarYearView{Year: y, Source: src, Holidays: toDates(wy.Holidays), Workdays: toDates(wy.Workdays)}
	for _, cy := range years {
		if cy.Year == y {
			v.Office = cy
		}
	}
	if off, ok := workday.Official(y); ok && src == workday.SourceOffice {
		v.OfficialHolidays, v.OfficialWorkdays = toDates(off.Holidays), toDates(off.Workdays)
	}
	return v, nil
}

// PutCalendarYear saves the office's calendar of one year, replacing the
// official data for that year. y.Version is the version read (0 when the
// office has not entered the year): a stale one is EConflict.
// Administrators only.
func (s *Service) PutCalendarYear(ctx context.Context, id Identity, y *CalendarYear) error {
	if err := requireAdminRole(id); err != nil {
		return err
	}
	y.UpdatedAt, y.UpdatedBy = s.now(), actorName(id)
	if err := y.Normalize(); err != nil {
		return err
	}
	if err := s.store.PutCalendarYear(ctx, y); err != nil {
		if IsCode(err, EConflict) {
			return &Error{Code: EConflict, Field: "version", Message: "该年度的工作日历已被他人修改,请刷新后再保存", Err: err}
		}
		return fmt.Errorf("put calendar %d: %w", y.Year, err)
	}
	s.log.InfoContext(ctx, "calendar year saved", "year", y.Year, "holidays", len(y.Holidays), "workdays", len(y.Workdays), "by", y.UpdatedBy)
	return nil
}
