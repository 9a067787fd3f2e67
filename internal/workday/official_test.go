package workday

import (
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// TestOfficialMatchesLunarGo holds official.go to the library it is
// generated from: every day of every year, and which years are known. It
// fails after a module upgrade until `go generate ./internal/workday` runs.
func TestOfficialMatchesLunarGo(t *testing.T) {
	lib := newTable()
	for y := MinYear; y <= MaxYear; y++ {
		for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := parseDay(h.GetDay())
			if err != nil || d.year() != y {
				continue
			}
			if h.IsWork() {
				lib.days[d] = makeUp
			} else {
				lib.days[d] = holiday
			}
			if target, err := parseDay(h.GetTarget()); err == nil && target.year() == y {
				lib.years[y] = true
			}
		}
	}
	got := official()
	if len(got.days) != len(lib.days) || len(got.years) != len(lib.years) {
		t.Fatalf("official.go has %d days in %d years, lunar-go %d in %d: run go generate ./internal/workday",
			len(got.days), len(got.years), len(lib.days), len(lib.years))
	}
	for d, k := range lib.days {
		if got.days[d] != k {
			t.Errorf("%s: official.go says %d, lunar-go %d", d.time(time.UTC).Format(DateLayout), got.days[d], k)
		}
	}
	for y := range lib.years {
		if !got.years[y] {
			t.Errorf("%d known to lunar-go, not to official.go", y)
		}
	}
}
