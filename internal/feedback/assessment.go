package feedback

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Assessment (考评): each responsible unit starts a period with the
// scheme's base points and gains or loses points per event of its
// problems in the period.
//
// The events are recorded as they happen, in the same atomic write as the
// change that causes them (AssessmentEntriesFor, which the stores call in
// every problem write, like the counters), plus the "overdue" events the
// daily run records for problems whose deadline passed. A period's
// assessment reads the entries of its days only, so its cost follows the
// period and not the years stored; the points come from the scheme in
// force when it is read, so a corrected scheme applies to past periods too.

// Assessment events.
const (
	EventRectifiedOnTime = "rectified_on_time" // 按期整改:rectified by the original deadline
	EventRectifiedLate   = "rectified_late"    // 逾期整改:rectified after it
	EventOverdue         = "overdue"           // 逾期:a deadline passed with the problem unrectified
	EventRelapse         = "relapse"           // 反弹:the office reopened it after rectification or a passed look-back
	EventRehandle        = "rehandle"          // 重新办理:a submitter's dissatisfied rating sends it back to the unit
	EventExtension       = "extension"         // 延期:an extension approved
	EventSatisfied       = "satisfied"         // 满意:a submitter rated the reply satisfied or basically satisfied
	EventDissatisfied    = "dissatisfied"      // 不满意:a submitter rated it dissatisfied
)

// AssessmentEvents lists the events with their Chinese labels, in display
// order.
var AssessmentEvents = []struct{ Event, Label string }{
	{EventRectifiedOnTime, "按期整改"},
	{EventRectifiedLate, "逾期整改"},
	{EventOverdue, "逾期未整改"},
	{EventRelapse, "整改反弹"},
	{EventRehandle, "重新办理"},
	{EventExtension, "申请延期"},
	{EventSatisfied, "群众满意"},
	{EventDissatisfied, "群众不满意"},
}

// AssessmentEventLabel is the Chinese label of an event, "" for none.
func AssessmentEventLabel(event string) string {
	for _, e := range AssessmentEvents {
		if e.Event == event {
			return e.Label
		}
	}
	return ""
}

// AssessmentRule gives an event its points (negative: deducted).
type AssessmentRule struct {
	Event  string
	Points float64
}

// AssessmentScheme is the office's scheme: base points and points per
// event. It is saved as a whole and versioned, like the routing rules.
type AssessmentScheme struct {
	Base      float64
	Rules     []AssessmentRule
	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
}

// DefaultAssessmentScheme is the scheme in force until the office saves its
// own: 100 points, a point for each problem rectified on time, deductions
// for lateness, relapses and dissatisfied submitters. A dissatisfied rating
// is both events, dissatisfied and rehandle, so it costs 2 points.
func DefaultAssessmentScheme() *AssessmentScheme {
	return &AssessmentScheme{Base: 100, Rules: []AssessmentRule{
		{EventRectifiedOnTime, 1},
		{EventRectifiedLate, -1},
		{EventOverdue, -2},
		{EventRelapse, -3},
		{EventRehandle, -1},
		{EventExtension, -0.5},
		{EventSatisfied, 0.5},
		{EventDissatisfied, -1},
	}}
}

// Points limits: what a scheme may give.
const (
	MaxAssessmentBase   = 1000
	MaxAssessmentPoints = 100
)

// Validate checks a scheme before it is stored: known events, each at most
// once, points within ±MaxAssessmentPoints in steps of 0.01.
func (s *AssessmentScheme) Validate() error {
	if s.Base < 0 || s.Base > MaxAssessmentBase || !hundredths(s.Base) {
		return FieldErrorf("base", "基础分应在 0 至 %d 之间,最多两位小数", MaxAssessmentBase)
	}
	seen := map[string]bool{}
	for i, r := range s.Rules {
		field := fmt.Sprintf("rules[%d].event", i)
		if AssessmentEventLabel(r.Event) == "" {
			return FieldErrorf(field, "未知的考评事件 %q", r.Event)
		}
		if seen[r.Event] {
			return FieldErrorf(field, "考评事件「%s」重复设置", AssessmentEventLabel(r.Event))
		}
		seen[r.Event] = true
		if math.Abs(r.Points) > MaxAssessmentPoints || !hundredths(r.Points) {
			return FieldErrorf(fmt.Sprintf("rules[%d].points", i), "「%s」的分值应在 -%d 至 %d 之间,最多两位小数",
				AssessmentEventLabel(r.Event), MaxAssessmentPoints, MaxAssessmentPoints)
		}
	}
	return checkText("updated_by", s.UpdatedBy, false, ActorMaxRunes, false)
}

func hundredths(f float64) bool {
	return !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f*100-math.Round(f*100)) < 1e-6
}

// Points is what the scheme gives one event, 0 when it gives nothing.
func (s *AssessmentScheme) Points(event string) float64 {
	for _, r := range s.Rules {
		if r.Event == event {
			return r.Points
		}
	}
	return 0
}

// AssessmentEntry is one event that counts in a unit's assessment.
// Its ID is derived from what happened, so recording the same event twice
// (a retried write, the daily run and a late rectification both seeing an
// overdue deadline) stores it once.
type AssessmentEntry struct {
	ID           string
	Day          Date
	Unit         string
	Event        string
	ProblemID    string
	ProblemTitle string
	SuggestionID string // ratings: the rated suggestion
	Note         string // e.g. the deadline that passed
	At           time.Time
}

// Validate checks an entry before it is stored.
func (e *AssessmentEntry) Validate() error {
	if err := firstErr(CheckKey("id", e.ID), CheckOptionalKey("problem_id", e.ProblemID),
		CheckOptionalKey("suggestion_id", e.SuggestionID)); err != nil {
		return err
	}
	if e.Day == "" || !e.Day.Valid() {
		return FieldErrorf("day", "日期格式应为 YYYY-MM-DD")
	}
	if AssessmentEventLabel(e.Event) == "" {
		return FieldErrorf("event", "未知的考评事件 %q", e.Event)
	}
	return firstErr(
		checkText("unit", e.Unit, false, UnitMaxRunes, false),
		checkText("problem_title", e.ProblemTitle, false, TitleMaxRunes, false),
		checkText("note", e.Note, false, NoteMaxRunes, false),
	)
}

// assessmentKey makes an entry ID (a store key) from its parts.
func assessmentKey(event string, parts ...string) string {
	k := event
	for _, p := range parts {
		k += "." + p
	}
	return k
}

// OverdueEntry is the "overdue" event of p's deadline passing unrectified:
// dated the day after the deadline, one per problem and deadline.
func OverdueEntry(p *Problem, at time.Time) *AssessmentEntry {
	return &AssessmentEntry{
		ID:  assessmentKey(EventOverdue, p.ID, string(p.Deadline)),
		Day: p.Deadline.AddDays(1), Unit: p.ResponsibleUnit, Event: EventOverdue,
		ProblemID: p.ID, ProblemTitle: p.Title, Note: "整改期限 " + string(p.Deadline), At: at,
	}
}

// JudgedDeadline is the deadline a problem's timeliness is judged against:
// its first one, whatever extensions moved it to.
func (p *Problem) JudgedDeadline() Date {
	if p.OriginalDeadline != "" {
		return p.OriginalDeadline
	}
	return p.Deadline
}

// AssessmentEntriesFor is what a problem write records for the assessment:
// old is the stored problem (nil for a create), next what is written, ev
// the write's audit event (nil for none). Stores call it in the write's
// transaction, so every path that changes a problem records its events.
func AssessmentEntriesFor(old, next *Problem, ev *AuditEvent) []*AssessmentEntry {
	if old == nil {
		return nil
	}
	at := next.UpdatedAt
	key := "v" + fmt.Sprint(old.Version+1) // the write's own version: unique per problem write
	if ev != nil {
		key = ev.ID
	}
	entry := func(event, note string) *AssessmentEntry {
		return &AssessmentEntry{ID: assessmentKey(event, next.ID, key), Day: DateOf(at), Unit: next.ResponsibleUnit,
			Event: event, ProblemID: next.ID, ProblemTitle: next.Title, Note: note, At: at}
	}
	var out []*AssessmentEntry
	if old.Status != next.Status {
		switch next.Status {
		case ProblemRectified:
			day := DateOf(firstNonZero(next.RectifiedAt, at))
			judged := next.JudgedDeadline()
			if judged == "" || !judged.Before(day) {
				out = append(out, entry(EventRectifiedOnTime, deadlineNote(judged)))
			} else {
				out = append(out, entry(EventRectifiedLate, deadlineNote(judged)))
			}
			if next.Deadline != "" && next.Deadline.Before(day) {
				out = append(out, OverdueEntry(next, at))
			}
		case ProblemReopened:
			// A re-handle reopens a rectified problem too: it is scored
			// as a re-handle below, not as a relapse.
			rehandle := ev != nil && ev.Action == ActionRehandle
			if (old.Status == ProblemRectified || old.Status == ProblemVerified) && !rehandle {
				out = append(out, entry(EventRelapse, ""))
			}
		}
	}
	if next.Extensions > old.Extensions {
		out = append(out, entry(EventExtension, "整改期限延至 "+string(next.Deadline)))
	}
	// A submitter's rating of a reply to one of the problem's suggestions
	// (reply_service.go writes the problem with this event).
	if ev != nil {
		switch {
		case ev.Action == ActionRehandle:
			out = append(out, entry(EventDissatisfied, ev.Note), entry(EventRehandle, ev.Note))
		case ev.Action == ActionRated && Rating(ev.To).Satisfied():
			out = append(out, entry(EventSatisfied, ev.Note))
		}
	}
	return out
}

func deadlineNote(d Date) string {
	if d == "" {
		return "未设整改期限"
	}
	return "整改期限 " + string(d)
}

// UnitAssessment is one unit's score for a period and the entries that made
// it.
type UnitAssessment struct {
	Unit   string
	Score  float64
	Counts map[string]int // per event
	Items  []AssessmentItem
}

// AssessmentItem is one entry with the points the scheme gives it.
type AssessmentItem struct {
	Entry  *AssessmentEntry
	Points float64
}

// Assess scores the entries of a period: every unit in units (the
// registry) gets the base, and so does any other unit an entry names.
// Units come in name order, items in time order.
func Assess(scheme *AssessmentScheme, units []string, entries []*AssessmentEntry) []UnitAssessment {
	by := map[string]*UnitAssessment{}
	get := func(u string) *UnitAssessment {
		a, ok := by[u]
		if !ok {
			a = &UnitAssessment{Unit: u, Score: scheme.Base, Counts: map[string]int{}, Items: []AssessmentItem{}}
			by[u] = a
		}
		return a
	}
	for _, u := range units {
		get(u)
	}
	for _, e := range entries {
		a := get(e.Unit)
		pts := scheme.Points(e.Event)
		a.Items = append(a.Items, AssessmentItem{Entry: e, Points: pts})
		a.Counts[e.Event]++
		a.Score += pts
	}
	out := make([]UnitAssessment, 0, len(by))
	for _, a := range by {
		a.Score = math.Round(a.Score*100) / 100
		sort.SliceStable(a.Items, func(i, j int) bool {
			x, y := a.Items[i].Entry, a.Items[j].Entry
			if !x.At.Equal(y.At) {
				return x.At.Before(y.At)
			}
			return x.ID < y.ID
		})
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out
}
