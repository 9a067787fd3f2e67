package feedback

import "time"

// Period is a summary's length.
type Period string

// Periods.
const (
	Daily   Period = "daily"
	Weekly  Period = "weekly"
	Monthly Period = "monthly"
)

// Valid reports whether p is a known period.
func (p Period) Valid() bool { return p == Daily || p == Weekly || p == Monthly }

// Bounds returns the first and last day of the period of kind p that
// contains d. Weeks start on Monday.
func (p Period) Bounds(d Date) (from, to Date) {
	t := d.Start()
	switch p {
	case Weekly:
		offset := (int(t.Weekday()) + 6) % 7 // Monday = 0
		start := t.AddDate(0, 0, -offset)
		return DateOf(start), DateOf(start.AddDate(0, 0, 6))
	case Monthly:
		start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Shanghai)
		return DateOf(start), DateOf(start.AddDate(0, 1, -1))
	default:
		return d, d
	}
}

// SummaryID is the stable ID of the summary of one period, so re-running a
// period replaces its summary instead of adding another.
func SummaryID(p Period, from Date) string { return string(p) + "-" + string(from) }

// Summary is a report over one period (汇总).
type Summary struct {
	ID          string
	Period      Period
	From        Date
	To          Date
	GeneratedAt time.Time
	Suggestions SuggestionStats
	Problems    ProblemStats
	Units       []UnitScore
}

// SuggestionStats counts what came in during the period.
type SuggestionStats struct {
	Received          int
	ByParticipantKind map[string]int
	BySymposium       map[string]int
	ByStatus          map[string]int
	ByKind            map[string]int
	ByChannel         map[string]int
}

// ProblemStats counts problems by state at the end of the period.
type ProblemStats struct {
	Open         int
	Rectifying   int
	Rectified    int
	Verified     int
	Reopened     int
	LongTerm     int
	Overdue      int
	DueSoon      int
	LookbacksDue int
	OverdueItems []OverdueItem
}

// OverdueItem names one overdue problem in a summary.
type OverdueItem struct {
	ProblemID       string
	Title           string
	ResponsibleUnit string
	Deadline        Date
	DaysOverdue     int
}

// UnitScore is one responsible unit's scorecard.
type UnitScore struct {
	Unit       string
	Assigned   int
	Rectified  int
	OnTimeRate float64 // rectified on or before the deadline / rectified; 0 when none
	Overdue    int
	Relapses   int
}
