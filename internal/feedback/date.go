package feedback

import (
	"regexp"
	"strconv"
	"time"
)

// Shanghai is the office's time zone. China has kept UTC+8 without daylight
// saving since 1991, so a fixed zone is exact and needs no tzdata in the
// Lambda image.
var Shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// DateLayout is how dates travel in the API: YYYY-MM-DD in Asia/Shanghai.
const DateLayout = "2006-01-02"

// Date is a calendar day in Asia/Shanghai, written YYYY-MM-DD. The zero value
// means "no date". Dates in that layout compare correctly as strings.
type Date string

// ParseDate checks s and returns it as a Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return "", nil
	}
	t, err := time.ParseInLocation(DateLayout, s, Shanghai)
	if err != nil || t.Format(DateLayout) != s {
		return "", Errorf(EInvalid, "日期「%s」格式不正确,应为 YYYY-MM-DD", s)
	}
	return Date(s), nil
}

// looseDate matches the ways a clerk or a spreadsheet writes a day:
// 2025-03-12, 2025/3/12, 2025.3.12, 2025年3月12日.
var looseDate = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// ParseLooseDate reads a day written as people and spreadsheets write it
// (ParseDate's YYYY-MM-DD, or 2025/3/12, 2025.3.12, 2025年3月12日);
// "" is no date. A day that does not exist (2025-02-30) is EInvalid.
func ParseLooseDate(s string) (Date, error) {
	m := looseDate.FindStringSubmatch(CleanText(s))
	if m == nil {
		if s == "" {
			return "", nil
		}
		return "", Errorf(EInvalid, "日期「%s」无法识别,请写成 2025-03-12 或 2025年3月12日", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, Shanghai)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", Errorf(EInvalid, "日期「%s」不存在", s)
	}
	return DateOf(t), nil
}

// DateOf is the Shanghai calendar day of t.
func DateOf(t time.Time) Date { return Date(t.In(Shanghai).Format(DateLayout)) }

// Valid reports whether d is empty or a real date.
func (d Date) Valid() bool {
	if d == "" {
		return true
	}
	_, err := ParseDate(string(d))
	return err == nil
}

// Start is midnight at the beginning of d in Shanghai.
func (d Date) Start() time.Time {
	t, _ := time.ParseInLocation(DateLayout, string(d), Shanghai)
	return t
}

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date {
	if d == "" {
		return ""
	}
	return DateOf(d.Start().AddDate(0, 0, n))
}

// Before reports whether d is strictly before e. Empty dates are never before.
func (d Date) Before(e Date) bool { return d != "" && e != "" && d < e }

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.Start().Sub(d.Start()).Hours()+12) / 24
}

// Clock tells the time. Services take one so tests can stop time.
type Clock func() time.Time
