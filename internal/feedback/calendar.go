package feedback

import (
	"time"

	"github.com/jianyan/jianyan/internal/workday"
)

// CalendarYear is the office's own calendar of one year (工作日历): the
// days off and the weekend days worked. It replaces the official schedule
// for that year as a whole (package workday): the office enters it for a
// year the official data does not have yet, or corrects one it gets wrong.
type CalendarYear struct {
	Year      int
	Holidays  []Date
	Workdays  []Date
	UpdatedAt time.Time
	UpdatedBy string
	Version   int64
}

// MaxCalendarDays bounds each list of a calendar year.
const MaxCalendarDays = 366

// workdayYear converts y for package workday.
func (y *CalendarYear) workdayYear() workday.Year {
	out := workday.Year{Year: y.Year}
	for _, d := range y.Holidays {
		out.Holidays = append(out.Holidays, string(d))
	}
	for _, d := range y.Workdays {
		out.Workdays = append(out.Workdays, string(d))
	}
	return out
}

// Normalize checks y and sorts and de-duplicates its days, with the errors
// naming the API's fields.
func (y *CalendarYear) Normalize() error {
	if len(y.Holidays) > MaxCalendarDays || len(y.Workdays) > MaxCalendarDays {
		return FieldErrorf("holidays", "每个列表最多 %d 天", MaxCalendarDays)
	}
	wy := y.workdayYear()
	n, err := wy.Normalize()
	if err != nil {
		// Name the list at fault: the holidays alone, or with the workdays.
		field := "workdays"
		if _, herr := (workday.Year{Year: wy.Year, Holidays: wy.Holidays}).Normalize(); herr != nil {
			field = "holidays"
		}
		if y.Year < workday.MinYear || y.Year > workday.MaxYear {
			field = "year"
		}
		return &Error{Code: EInvalid, Field: field, Message: err.Error()}
	}
	y.Holidays, y.Workdays = toDates(n.Holidays), toDates(n.Workdays)
	return checkText("updated_by", y.UpdatedBy, false, ActorMaxRunes, false)
}

// Validate checks y before it is stored: Normalize without changing it.
func (y *CalendarYear) Validate() error {
	c := *y
	return c.Normalize()
}

func toDates(ss []string) []Date {
	out := make([]Date, 0, len(ss))
	for _, s := range ss {
		out = append(out, Date(s))
	}
	return out
}

// workingDaysError turns a calendar's refusal into the domain error naming
// field: a year nobody entered yet, or a bad count.
func workingDaysError(field string, err error) error {
	if err == nil {
		return nil
	}
	switch err.(type) {
	case *workday.UnknownYearError, *workday.InvalidError:
		return &Error{Code: EInvalid, Field: field, Message: err.Error(), Err: err}
	}
	return err
}
