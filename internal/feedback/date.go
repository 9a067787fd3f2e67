package feedback

import (
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
