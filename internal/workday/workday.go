// Package workday is the working-day calendar of a Chinese public office:
// Monday to Friday, minus the public holidays (法定节假日), plus the weekend
// days the State Council's yearly schedule turns into make-up workdays
// (调休上班).
//
// The official schedules come from github.com/6tail/lunar-go's HolidayUtil,
// which carries every year from 2002 to the newest schedule published when
// the module was released (the State Council publishes the next year's
// schedule around November; a release follows within days). The library is
// the source of truth, but it is not linked: official.go holds its data
// packed into 3 bytes a day (2.7 KB instead of a 20 KB table and its code,
// which matters in the staff function's size budget); `go generate` writes
// it from the library, and a test fails when the two differ, so upgrading
// the module means regenerating. For a year the
// library does not know yet, or gets wrong, the office enters the year's
// calendar itself (Year): it replaces the official data for that year as a
// whole, so what the office reads back is exactly what it entered. A year
// known to neither is refused with *UnknownYearError rather than guessed:
// a deadline that silently ignores the Spring Festival is worse than none.
//
// Dates are calendar days: only a time.Time's year, month and day (in its
// own location) matter, and results are midnight in that location.
package workday

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// DateLayout is how dates are written: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Years the office may enter a calendar for.
const (
	MinYear = 2000
	MaxYear = 2100
)

// Source says where a year's calendar comes from.
type Source string

// Sources of a year's calendar.
const (
	SourceNone     Source = ""         // neither knows the year
	SourceOfficial Source = "official" // the State Council's schedule (lunar-go)
	SourceOffice   Source = "office"   // entered by the office, replacing the official data
)

// Year is one year's special days: Holidays are days off (the schedule lists
// every day of a holiday, weekend days included), Workdays are weekend days
// worked instead (调休上班). Dates are YYYY-MM-DD, sorted.
type Year struct {
	Year     int
	Holidays []string
	Workdays []string
}

// UnknownYearError refuses a computation that needs a year whose holidays
// neither the official data nor the office's calendar has.
type UnknownYearError struct{ Year int }

func (e *UnknownYearError) Error() string {
	return fmt.Sprintf("%d 年的法定节假日和调休安排尚未收录,无法按工作日计算期限;请管理员在「工作日历」中录入 %d 年的放假和调休日期", e.Year, e.Year)
}

// InvalidError is a malformed calendar or argument; Message is Chinese and
// safe to show.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

func invalidf(format string, args ...any) error {
	return &InvalidError{Message: fmt.Sprintf(format, args...)}
}

// day is a calendar date packed as yyyymmdd.
type day int

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(y*10000 + int(m)*100 + d)
}

func (d day) year() int { return int(d) / 10000 }

// special is what the calendar says about one date beyond its weekday.
type special uint8

const (
	holiday special = iota + 1
	makeUp
)

// table is the special days of the years it knows.
type table struct {
	years map[int]bool
	days  map[day]special
}

func newTable() table { return table{years: map[int]bool{}, days: map[day]special{}} }

//go:generate go run ./internal/gen

// official is the State Council's schedules, unpacked once from
// official.go. A year counts as known when the library has that year's own
// holidays; late-December make-up days listed for the next year's New
// Year (2001-12-29 for 2002) belong to the year they fall in but do not
// make it known.
var official = sync.OnceValue(func() table {
	t := newTable()
	for i := 0; i+2 < len(officialDays); i += 3 {
		y := 2000 + int(officialDays[i])
		v := int(officialDays[i+1])<<8 | int(officialDays[i+2])
		d := dayOf(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, v>>1-1))
		if v&1 == 1 {
			t.days[d] = makeUp
		} else {
			t.days[d] = holiday
		}
	}
	for i := 0; i < len(officialKnown); i++ {
		t.years[2000+int(officialKnown[i])] = true
	}
	return t
})

// OfficialYears lists the years the official data knows, in order.
func OfficialYears() []int {
	var ys []int
	for y := range official().years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Official is year y's schedule as the official data has it; false when the
// data does not know y.
func Official(y int) (Year, bool) {
	t := official()
	if !t.years[y] {
		return Year{Year: y}, false
	}
	return t.year(y), true
}

// year lists t's special days in year y.
func (t table) year(y int) Year {
	out := Year{Year: y, Holidays: []string{}, Workdays: []string{}}
	first := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := first; d.Year() == y; d = d.AddDate(0, 0, 1) {
		switch t.days[dayOf(d)] {
		case holiday:
			out.Holidays = append(out.Holidays, d.Format(DateLayout))
		case makeUp:
			out.Workdays = append(out.Workdays, d.Format(DateLayout))
		}
	}
	return out
}

func parseDay(s string) (day, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return 0, invalidf("日期格式应为 YYYY-MM-DD:%q", s)
	}
	return dayOf(t), nil
}

// Normalize checks an office-entered year and returns it with its dates
// sorted and duplicates removed. Every date must lie in the year, none may
// be both a holiday and a workday, and a make-up workday must be a Saturday
// or Sunday (any other day is a workday anyway: listing it is a typo).
func (y Year) Normalize() (Year, error) {
	if y.Year < MinYear || y.Year > MaxYear {
		return Year{}, invalidf("年份应在 %d 至 %d 之间", MinYear, MaxYear)
	}
	out := Year{Year: y.Year, Holidays: []string{}, Workdays: []string{}}
	seen := map[string]special{}
	for _, list := range []struct {
		in   []string
		kind special
		out  *[]string
	}{{y.Holidays, holiday, &out.Holidays}, {y.Workdays, makeUp, &out.Workdays}} {
		for _, s := range list.in {
			d, err := parseDay(s)
			if err != nil {
				return Year{}, err
			}
			if d.year() != y.Year {
				return Year{}, invalidf("%s 不在 %d 年内", s, y.Year)
			}
			if k, dup := seen[s]; dup {
				if k != list.kind {
					return Year{}, invalidf("%s 不能既是放假日又是调休上班日", s)
				}
				continue
			}
			if list.kind == makeUp {
				if wd := d.time(time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
					return Year{}, invalidf("%s 是%s,本来就是工作日,无需列为调休上班日", s, weekdayNames[wd])
				}
			}
			seen[s] = list.kind
			*list.out = append(*list.out, s)
		}
	}
	slices.Sort(out.Holidays)
	slices.Sort(out.Workdays)
	return out, nil
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func (d day) time(loc *time.Location) time.Time {
	return time.Date(d.year(), time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, loc)
}

// Calendar is the official data with the office's years over it. It is
// immutable and safe for concurrent use; build a new one when the office's
// years change.
type Calendar struct {
	office table
}

// New returns the calendar with the office's years, each replacing the
// official data for its year.
func New(office ...Year) (*Calendar, error) {
	c := &Calendar{office: newTable()}
	for _, y := range office {
		n, err := y.Normalize()
		if err != nil {
			return nil, err
		}
		c.office.years[n.Year] = true
		for _, s := range n.Holidays {
			d, _ := parseDay(s)
			c.office.days[d] = holiday
		}
		for _, s := range n.Workdays {
			d, _ := parseDay(s)
			c.office.days[d] = makeUp
		}
	}
	return c, nil
}

// Source says where year y's calendar comes from: the office's entry wins
// over the official data.
func (c *Calendar) Source(y int) Source {
	switch {
	case c.office.years[y]:
		return SourceOffice
	case official().years[y]:
		return SourceOfficial
	}
	return SourceNone
}

// Year is the calendar in effect for year y and where it comes from; a year
// known to neither has empty lists and SourceNone.
func (c *Calendar) Year(y int) (Year, Source) {
	switch src := c.Source(y); src {
	case SourceOffice:
		return c.office.year(y), src
	case SourceOfficial:
		return official().year(y), src
	}
	return Year{Year: y, Holidays: []string{}, Workdays: []string{}}, SourceNone
}

func (c *Calendar) table(y int) (table, error) {
	switch c.Source(y) {
	case SourceOffice:
		return c.office, nil
	case SourceOfficial:
		return official(), nil
	}
	return table{}, &UnknownYearError{Year: y}
}

// IsWorkday reports whether t's date is a working day.
func (c *Calendar) IsWorkday(t time.Time) (bool, error) {
	d := dayOf(t)
	tab, err := c.table(d.year())
	if err != nil {
		return false, err
	}
	switch tab.days[d] {
	case holiday:
		return false, nil
	case makeUp:
		return true, nil
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// AddWorkingDays returns the n-th working day after from's date, the next
// day counted first: from a Friday before an ordinary weekend, n = 1 is the
// Monday. n must be at least 1. It fails with *UnknownYearError when a day
// it must look at lies in a year the calendar does not know.
func (c *Calendar) AddWorkingDays(from time.Time, n int) (time.Time, error) {
	if n < 1 {
		return time.Time{}, invalidf("工作日天数应为正整数")
	}
	y, m, dd := from.Date()
	d := time.Date(y, m, dd, 0, 0, 0, 0, from.Location())
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween counts the working days after from up to and including
// to: the inverse of AddWorkingDays, and 0 when to is not after from.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) (int, error) {
	y, m, dd := from.Date()
	d := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	y, m, dd = to.Date()
	end := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	n := 0
	for d.Before(end) {
		d = d.AddDate(0, 0, 1)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
