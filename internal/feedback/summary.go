package feedback

import (
	"time"
	"unicode/utf8"
)

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
	// AsOf is the day the problem figures describe: problem states, overdue,
	// due-soon and look-back lists and the unit scorecard are a snapshot
	// taken when the summary is generated (summary_service.go explains why),
	// evaluated on this day (the generation day in Asia/Shanghai).
	AsOf        Date
	Suggestions SuggestionStats
	Problems    ProblemStats
	Units       []UnitScore
	// Assessment is every unit's assessment over the period.
	Assessment []AssessmentScore
	// Delivered records what was sent for this summary ("summary",
	// "reminder:<unit>"), so a retried scheduled run does not send it again.
	Delivered []string
}

// SuggestionStats counts what came in during the period.
type SuggestionStats struct {
	Received          int
	ByParticipantKind map[string]int
	BySymposium       map[string]int
	ByStatus          map[string]int
	ByKind            map[string]int
	ByChannel         map[string]int
	// SymposiumTitles names the symposia in BySymposium.
	SymposiumTitles map[string]string
	// The reply loop of the period's suggestions, as it stands when the
	// summary is made: Replied have a reply, Rated a rated latest reply,
	// Satisfied of those 满意 or 基本满意, Rehandle wait for a re-handle
	// (rated dissatisfied, not answered again). ReplyRate is Replied ÷
	// Received and SatisfactionRate Satisfied ÷ Rated (4 decimals, 0 when
	// there is nothing to divide by).
	Replied          int
	Rated            int
	Satisfied        int
	Rehandle         int
	ReplyRate        float64
	SatisfactionRate float64
}

// StatusTriage is the key of SuggestionStats.ByStatus that counts the
// suggestions waiting in the triage list (待分拣). Beside it, "routed" counts
// only those filed to a real list (已分拣), so the figures add up to
// Received. Summaries stored before this key existed have no "triage" and
// count both under "routed".
const StatusTriage = "triage"

// SummaryStatuses are the keys of SuggestionStats.ByStatus in the order
// people read them.
var SummaryStatuses = []string{string(SuggestionReceived), StatusTriage, string(SuggestionRouted), string(SuggestionAdopted), string(SuggestionDeclined)}

// RoutedOrTriageLabel names "routed" in a summary stored before ByStatus
// counted the triage list apart: its figure holds both.
const RoutedOrTriageLabel = "已分拣或待分拣"

// StatusLabel is the Chinese label of a key of ByStatus: 待分拣 for
// StatusTriage, 已分拣 for suggestions filed to a real list, and for a
// summary made before the triage list was counted apart, a label saying its
// routed figure holds both. An unknown key reads as itself.
func (st *SuggestionStats) StatusLabel(k string) string {
	switch {
	case k == StatusTriage:
		return TriageLabel
	case k == string(SuggestionRouted) && st.ByStatus != nil:
		if _, ok := st.ByStatus[StatusTriage]; !ok {
			return RoutedOrTriageLabel
		}
	}
	if l := SuggestionStatus(k).Label(); l != "" {
		return l
	}
	return k
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
	// Activity counts what happened to problems during the period.
	Activity ProblemActivity
	// DueSoonItems are the problems due within DueSoonDays of AsOf.
	DueSoonItems []DueItem
	// LookbackItems are the rectified problems whose look-back (回头看) is
	// due by AsOf + DueSoonDays.
	LookbackItems []LookbackItem
}

// ProblemActivity counts problem changes during a summary's period, from
// the stores' per-day counters.
type ProblemActivity struct {
	Created   int
	Rectified int
	Verified  int
	Reopened  int // failed look-backs (relapses)
}

// DueItem names one problem due soon in a summary.
type DueItem struct {
	ProblemID       string
	Title           string
	ResponsibleUnit string
	Deadline        Date
	DaysLeft        int // 0 = due on AsOf
}

// LookbackItem names one problem whose look-back is due.
type LookbackItem struct {
	ProblemID       string
	Title           string
	ResponsibleUnit string
	LookbackDue     Date
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
	Unit      string
	Assigned  int
	Rectified int
	// RectifiedOnTime counts the rectified problems rectified on or before
	// their deadline (or without one).
	RectifiedOnTime int
	OnTimeRate      float64 // RectifiedOnTime / Rectified, 4 decimals; 0 when none
	Overdue         int
	// DueSoon counts the unit's problems due within DueSoonDays.
	DueSoon  int
	Relapses int
	// The reply loop of the suggestions of the unit's problems:
	// Suggestions of them, Replied with a reply (ReplyRate = Replied ÷
	// Suggestions), Rated with a rated latest reply, Satisfied of those
	// 满意 or 基本满意 (SatisfactionRate = Satisfied ÷ Rated), and Rehandles,
	// the dissatisfied ratings counted against the unit.
	Suggestions      int
	Replied          int
	ReplyRate        float64
	Rated            int
	Satisfied        int
	SatisfactionRate float64
	Rehandles        int
	// Extended counts the unit's problems an approved extension moved;
	// on-time is judged against their first deadline.
	Extended int
}

// AssessmentScore is one unit's assessment (考评) over a summary's period:
// its score under the scheme in force when the summary was made, and how
// many of each event made it (AssessmentEvents).
type AssessmentScore struct {
	Unit   string
	Score  float64
	Counts map[string]int
}

// Summary limits: a summary is stored as one item, so its lists are bounded
// to keep it well inside a DynamoDB item (400 KB).
const (
	MaxSummaryUnits        = 500
	MaxSummaryOverdueItems = 500
	MaxSummaryMapEntries   = 1000
)

// Validate checks a summary before it is stored.
func (s *Summary) Validate() error {
	if err := CheckKey("id", s.ID); err != nil {
		return err
	}
	if !s.Period.Valid() {
		return FieldErrorf("period", "汇总周期应为日、周或月")
	}
	if s.From == "" || !s.From.Valid() {
		return FieldErrorf("from", "起始日期应为 YYYY-MM-DD 格式")
	}
	if s.To == "" || !s.To.Valid() {
		return FieldErrorf("to", "截止日期应为 YYYY-MM-DD 格式")
	}
	if s.To.Before(s.From) {
		return FieldErrorf("to", "截止日期不能早于起始日期")
	}
	if len(s.Units) > MaxSummaryUnits || len(s.Assessment) > MaxSummaryUnits {
		return FieldErrorf("units", "单位最多 %d 个", MaxSummaryUnits)
	}
	if len(s.Problems.OverdueItems) > MaxSummaryOverdueItems {
		return FieldErrorf("problems.overdue_items", "逾期问题最多列出 %d 个", MaxSummaryOverdueItems)
	}
	st := &s.Suggestions
	for _, m := range []map[string]int{st.ByParticipantKind, st.BySymposium, st.ByStatus, st.ByKind, st.ByChannel} {
		if len(m) > MaxSummaryMapEntries {
			return FieldErrorf("suggestions", "每项分类统计最多 %d 项", MaxSummaryMapEntries)
		}
		for k := range m {
			if !utf8.ValidString(k) || len(k) > 4*UnitMaxRunes {
				return FieldErrorf("suggestions", "分类统计的名称无效")
			}
		}
	}
	for _, u := range s.Units {
		if err := checkText("units.unit", u.Unit, false, UnitMaxRunes, false); err != nil {
			return err
		}
	}
	for _, it := range s.Problems.OverdueItems {
		if err := firstErr(
			checkText("problems.overdue_items.title", it.Title, false, TitleMaxRunes, false),
			checkText("problems.overdue_items.responsible_unit", it.ResponsibleUnit, false, UnitMaxRunes, false),
		); err != nil {
			return err
		}
	}
	return nil
}
