package workday

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func date(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(DateLayout, s, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// The State Council's 2025 schedule (国办发明电〔2024〕12号): 元旦 1-1;
// 春节 1-28…2-4, make-up Sunday 1-26 and Saturday 2-8; 清明 4-4…4-6;
// 劳动节 5-1…5-5, make-up Sunday 4-27; 端午 5-31…6-2; 国庆中秋 10-1…10-8,
// make-up Sunday 9-28 and Saturday 10-11. 2026 starts with 元旦 1-1…1-3 and
// make-up Sunday 1-4.
func TestAddWorkingDays2025(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"ordinary weekday", "2025-03-04", 1, "2025-03-05"},
		{"ordinary weekend skipped", "2025-03-07", 1, "2025-03-10"},
		{"a week", "2025-03-07", 5, "2025-03-14"},
		{"from a Sunday the Monday counts first", "2025-03-09", 1, "2025-03-10"},
		{"New Year's Day", "2024-12-31", 1, "2025-01-02"},
		{"Spring Festival: make-up Sunday 1-26 is worked", "2025-01-24", 1, "2025-01-26"},
		{"Spring Festival: Monday before the holiday", "2025-01-24", 2, "2025-01-27"},
		{"Spring Festival: the holiday is skipped", "2025-01-27", 1, "2025-02-05"},
		{"Spring Festival: make-up Saturday 2-8 is worked", "2025-01-27", 4, "2025-02-08"},
		{"Spring Festival: Sunday after the make-up Saturday", "2025-02-08", 1, "2025-02-10"},
		{"Spring Festival: across it, both make-up days worked", "2025-01-20", 10, "2025-02-08"},
		{"Qingming", "2025-04-03", 1, "2025-04-07"},
		{"Labour Day: make-up Sunday 4-27 is worked", "2025-04-25", 1, "2025-04-27"},
		{"Labour Day: the holiday is skipped", "2025-04-30", 1, "2025-05-06"},
		{"Dragon Boat", "2025-05-30", 1, "2025-06-03"},
		{"National Day: make-up Sunday 9-28 is worked", "2025-09-26", 1, "2025-09-28"},
		{"National Day: Monday after the make-up Sunday", "2025-09-28", 1, "2025-09-29"},
		{"National Day: the eight days are skipped", "2025-09-30", 1, "2025-10-09"},
		{"National Day: make-up Saturday 10-11 is worked", "2025-09-30", 3, "2025-10-11"},
		{"National Day: five working days set the Friday before", "2025-09-26", 5, "2025-10-10"},
		{"from inside the holiday", "2025-10-03", 1, "2025-10-09"},
		{"across the year: 2026's make-up Sunday 1-4", "2025-12-31", 1, "2026-01-04"},
		{"across the year: then Monday", "2025-12-31", 2, "2026-01-05"},
		{"a long deadline over National Day", "2025-09-01", 30, "2025-10-17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.AddWorkingDays(date(t, tt.from), tt.n)
			if err != nil {
				t.Fatalf("AddWorkingDays(%s, %d): %v", tt.from, tt.n, err)
			}
			if g := got.Format(DateLayout); g != tt.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, g, tt.want)
			}
			if got.Location() != shanghai || got.Hour() != 0 {
				t.Errorf("AddWorkingDays(%s, %d) = %v, want midnight in the caller's location", tt.from, tt.n, got)
			}
			back, err := c.WorkingDaysBetween(date(t, tt.from), got)
			if err != nil || back != tt.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v, want %d", tt.from, tt.want, back, err, tt.n)
			}
		})
	}
}

func TestIsWorkday2025(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		day  string
		want bool
	}{
		{"2025-01-01", false}, // 元旦, Wednesday
		{"2025-01-26", true},  // Sunday, make-up for 春节
		{"2025-01-28", false}, // 除夕, Tuesday
		{"2025-02-04", false}, // last day of 春节, Tuesday
		{"2025-02-05", true},
		{"2025-02-08", true},  // Saturday, make-up for 春节
		{"2025-02-09", false}, // ordinary Sunday
		{"2025-04-04", false}, // 清明, Friday
		{"2025-04-27", true},  // Sunday, make-up for 劳动节
		{"2025-05-05", false}, // 劳动节, Monday
		{"2025-06-02", false}, // 端午, Monday
		{"2025-09-28", true},  // Sunday, make-up for 国庆
		{"2025-10-06", false}, // 中秋 inside 国庆
		{"2025-10-08", false}, // last day of 国庆中秋, Wednesday
		{"2025-10-11", true},  // Saturday, make-up for 国庆
		{"2025-10-12", false}, // ordinary Sunday
		{"2025-10-13", true},  // ordinary Monday
	}
	for _, tt := range tests {
		got, err := c.IsWorkday(date(t, tt.day))
		if err != nil || got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, %v, want %v", tt.day, got, err, tt.want)
		}
	}
}

func TestOfficialData(t *testing.T) {
	ys := OfficialYears()
	if len(ys) == 0 || ys[0] != 2002 {
		t.Fatalf("OfficialYears() = %v, want years from 2002", ys)
	}
	for i, y := range ys {
		if y != 2002+i {
			t.Fatalf("OfficialYears() = %v: gap before %d", ys, y)
		}
	}
	if last := ys[len(ys)-1]; last < 2026 {
		t.Errorf("OfficialYears() ends at %d, want at least 2026 (published 2025-11)", last)
	}
	y, ok := Official(2025)
	if !ok {
		t.Fatal("Official(2025): unknown")
	}
	wantWork := []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}
	if !slices.Equal(y.Workdays, wantWork) {
		t.Errorf("Official(2025).Workdays = %v, want %v", y.Workdays, wantWork)
	}
	// 1 + 8 + 3 + 5 + 3 + 8 days off.
	if len(y.Holidays) != 28 {
		t.Errorf("Official(2025) has %d holidays, want 28: %v", len(y.Holidays), y.Holidays)
	}
	if _, ok := Official(2001); ok {
		t.Error("Official(2001) known; the data starts with 2002's schedule")
	}
}

func TestUnknownYear(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	last := OfficialYears()[len(OfficialYears())-1]
	unknown := last + 1
	from := time.Date(last, 12, 31, 0, 0, 0, 0, shanghai)
	_, err = c.AddWorkingDays(from, 1)
	var ue *UnknownYearError
	if !errors.As(err, &ue) || ue.Year != unknown {
		t.Fatalf("AddWorkingDays into %d: err = %v, want *UnknownYearError{%d}", unknown, err, unknown)
	}
	if msg := err.Error(); !containsAll(msg, "尚未收录", "工作日历") {
		t.Errorf("message %q does not tell the office what to do", msg)
	}
	if got := c.Source(unknown); got != SourceNone {
		t.Errorf("Source(%d) = %q, want none", unknown, got)
	}
	if _, err := c.IsWorkday(time.Date(1999, 5, 4, 0, 0, 0, 0, time.UTC)); !errors.As(err, &ue) {
		t.Errorf("IsWorkday(1999-05-04): err = %v, want *UnknownYearError", err)
	}

	// Once the office enters the year, deadlines into it work.
	c, err = New(Year{Year: unknown,
		Holidays: []string{date2(unknown, 1, 1), date2(unknown, 1, 2), date2(unknown, 1, 3)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.AddWorkingDays(from, 1)
	if err != nil {
		t.Fatalf("AddWorkingDays after the office's entry: %v", err)
	}
	want := time.Date(unknown, 1, 4, 0, 0, 0, 0, shanghai)
	for w := want.Weekday(); w == time.Saturday || w == time.Sunday; w = want.Weekday() {
		want = want.AddDate(0, 0, 1)
	}
	if !got.Equal(want) {
		t.Errorf("AddWorkingDays(%s, 1) = %s, want %s", from.Format(DateLayout), got.Format(DateLayout), want.Format(DateLayout))
	}
	if got := c.Source(unknown); got != SourceOffice {
		t.Errorf("Source(%d) = %q, want office", unknown, got)
	}
}

func date2(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Format(DateLayout)
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// The office's entry replaces the official year as a whole: a holiday it
// leaves out is a working day, a make-up day it adds is worked.
func TestOfficeOverridesOfficialYear(t *testing.T) {
	off, _ := Official(2025)
	var holidays []string
	for _, d := range off.Holidays {
		if d < "2025-10-01" || d > "2025-10-08" {
			holidays = append(holidays, d)
		}
	}
	holidays = append(holidays, "2025-12-24") // an office's own day off
	c, err := New(Year{Year: 2025, Holidays: holidays, Workdays: []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-12-27"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		day  string
		want bool
	}{
		{"2025-10-01", true},  // no longer a holiday
		{"2025-09-28", false}, // no longer a make-up Sunday
		{"2025-12-24", false}, // the office's day off
		{"2025-12-27", true},  // the office's make-up Saturday
		{"2025-01-28", false}, // kept from the official data
		{"2026-01-04", true},  // 2026 still official
	}
	for _, tt := range tests {
		got, err := c.IsWorkday(date(t, tt.day))
		if err != nil || got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, %v, want %v", tt.day, got, err, tt.want)
		}
	}
	y, src := c.Year(2025)
	if src != SourceOffice || !slices.Contains(y.Holidays, "2025-12-24") || slices.Contains(y.Holidays, "2025-10-01") {
		t.Errorf("Year(2025) = %v, %q; want the office's entry", y, src)
	}
	if _, src := c.Year(2026); src != SourceOfficial {
		t.Errorf("Year(2026) source = %q, want official", src)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      Year
		want    Year
		wantErr string
	}{
		{"sorted and deduplicated",
			Year{Year: 2030, Holidays: []string{"2030-10-02", "2030-10-01", "2030-10-02"}, Workdays: []string{"2030-09-29"}},
			Year{Year: 2030, Holidays: []string{"2030-10-01", "2030-10-02"}, Workdays: []string{"2030-09-29"}}, ""},
		{"empty year is a year without special days",
			Year{Year: 2030}, Year{Year: 2030, Holidays: []string{}, Workdays: []string{}}, ""},
		{"bad date", Year{Year: 2030, Holidays: []string{"2030-02-30"}}, Year{}, "日期格式应为 YYYY-MM-DD"},
		{"bad layout", Year{Year: 2030, Holidays: []string{"2030/10/01"}}, Year{}, "日期格式应为 YYYY-MM-DD"},
		{"other year", Year{Year: 2030, Holidays: []string{"2031-01-01"}}, Year{}, "不在 2030 年内"},
		{"both lists", Year{Year: 2030, Holidays: []string{"2030-09-29"}, Workdays: []string{"2030-09-29"}}, Year{}, "不能既是放假日又是调休上班日"},
		{"weekday as make-up day", Year{Year: 2030, Workdays: []string{"2030-09-30"}}, Year{}, "是星期一,本来就是工作日"},
		{"year out of range", Year{Year: 1999}, Year{}, "年份应在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize()
			if tt.wantErr != "" {
				var ie *InvalidError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Normalize() err = %v, want *InvalidError with %q", err, tt.wantErr)
				}
				if _, err := New(tt.in); err == nil {
					t.Errorf("New accepted %v", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Year != tt.want.Year || !slices.Equal(got.Holidays, tt.want.Holidays) || !slices.Equal(got.Workdays, tt.want.Workdays) ||
				got.Holidays == nil || got.Workdays == nil {
				t.Errorf("Normalize() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestAddWorkingDaysRefusesNonPositive(t *testing.T) {
	c, _ := New()
	for _, n := range []int{0, -3} {
		var ie *InvalidError
		if _, err := c.AddWorkingDays(date(t, "2025-03-03"), n); !errors.As(err, &ie) {
			t.Errorf("AddWorkingDays(n=%d): err = %v, want *InvalidError", n, err)
		}
	}
	if n, err := c.WorkingDaysBetween(date(t, "2025-03-10"), date(t, "2025-03-03")); n != 0 || err != nil {
		t.Errorf("WorkingDaysBetween backwards = %d, %v, want 0", n, err)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c, _ := New()
	from := date(b, "2025-09-01")
	for b.Loop() {
		if _, err := c.AddWorkingDays(from, 30); err != nil {
			b.Fatal(err)
		}
	}
}
