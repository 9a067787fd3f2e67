package feedback

import (
	"sort"
	"time"
)

// Maintained problem counters.
//
// A summary must not read every problem ever stored, so the stores keep
// counters that change with every problem write, in the same transaction as
// the write (DynamoDB: ADD updates inside the TransactWriteItems; SQLite: the
// same SQL transaction). The problem's optimistic version check makes a
// retried or failed write count exactly once: either the whole transaction
// (problem and counters) commits or none of it does.
//
// There are three kinds of counter, each a CounterDelta scope:
//
//   - status: how many problems are in each status now (key "", one counter
//     per status).
//   - unit: per lead responsible unit (key = unit, "" when none): assigned,
//     rectified (rectified or verified now), rectified_on_time (of those,
//     rectified on or before the first deadline, or with no deadline),
//     relapses (failed look-backs and later relapses) and extended (problems
//     an approved extension moved). These are state-based: every problem contributes
//     ProblemContribution(p), and a write adds contribution(new) −
//     contribution(old). Reassigning a problem to another unit or editing a
//     deadline therefore moves its counts where they belong, and the
//     counters always equal a full recount (RecountProblems) — which the
//     contract suite checks.
//   - day: per Asia/Shanghai day (key = YYYY-MM-DD): created, rectified,
//     verified and reopened. These are event-based: the day a problem was
//     created or moved into that status. A summary reads the days of its
//     period only.

// Counter scopes.
const (
	ScopeStatus = "status"
	ScopeUnit   = "unit"
	ScopeDay    = "day"
)

// Counter names.
const (
	CounterAssigned        = "assigned"
	CounterRectified       = "rectified"
	CounterRectifiedOnTime = "rectified_on_time"
	CounterRelapses        = "relapses"
	CounterExtended        = "extended"
	CounterCreated         = "created"
	CounterVerified        = "verified"
	CounterReopened        = "reopened"
	// The replies and ratings of the unit's problems' suggestions
	// (Problem.Feedback) and their re-handles.
	CounterSuggestions = "suggestions"
	CounterReplied     = "replied"
	CounterRated       = "rated"
	CounterSatisfied   = "satisfied"
	CounterRehandles   = "rehandles"
)

// CounterDelta is one change to a maintained counter.
type CounterDelta struct {
	Scope string // ScopeStatus, ScopeUnit or ScopeDay
	Key   string // "" for status; the unit; the day
	Name  string // a status, or a Counter* name
	N     int
}

// UnitCounters are the maintained counters of one responsible unit.
type UnitCounters struct {
	Assigned        int
	Rectified       int
	RectifiedOnTime int
	Relapses        int
	// Suggestions counts the suggestions of the unit's problems; Replied,
	// Rated and Satisfied those with a reply, a rated latest reply and a
	// satisfied one (ReplyTally); Rehandles their dissatisfied ratings.
	Suggestions int
	Replied     int
	Rated       int
	Satisfied   int
	Rehandles   int
	// Extended counts the unit's problems whose deadline an approved
	// extension moved.
	Extended int
}

// DayCounters are the maintained counters of one day.
type DayCounters struct {
	Created   int
	Rectified int
	Verified  int
	Reopened  int
}

// ProblemAggregates are the maintained counters as a store returns them.
type ProblemAggregates struct {
	ByStatus map[ProblemStatus]int
	Units    map[string]UnitCounters
	Days     map[Date]DayCounters // only the days asked for
}

// NewProblemAggregates returns empty aggregates.
func NewProblemAggregates() *ProblemAggregates {
	return &ProblemAggregates{ByStatus: map[ProblemStatus]int{}, Units: map[string]UnitCounters{}, Days: map[Date]DayCounters{}}
}

// Add applies one counter change; stores use it to fold what they read.
// Unknown scopes and names are ignored (a newer writer's counters).
func (a *ProblemAggregates) Add(scope, key, name string, n int) {
	switch scope {
	case ScopeStatus:
		if ProblemStatus(name).Valid() {
			a.ByStatus[ProblemStatus(name)] += n
		}
	case ScopeUnit:
		u := a.Units[key]
		switch name {
		case CounterAssigned:
			u.Assigned += n
		case CounterRectified:
			u.Rectified += n
		case CounterRectifiedOnTime:
			u.RectifiedOnTime += n
		case CounterRelapses:
			u.Relapses += n
		case CounterSuggestions:
			u.Suggestions += n
		case CounterReplied:
			u.Replied += n
		case CounterRated:
			u.Rated += n
		case CounterSatisfied:
			u.Satisfied += n
		case CounterRehandles:
			u.Rehandles += n
		case CounterExtended:
			u.Extended += n
		default:
			return
		}
		a.Units[key] = u
	case ScopeDay:
		d := a.Days[Date(key)]
		switch name {
		case CounterCreated:
			d.Created += n
		case CounterRectified:
			d.Rectified += n
		case CounterVerified:
			d.Verified += n
		case CounterReopened:
			d.Reopened += n
		default:
			return
		}
		a.Days[Date(key)] = d
	}
}

// Prune drops all-zero units and days and zero statuses, so that two
// stores' answers compare equal whatever zero rows they keep.
func (a *ProblemAggregates) Prune() {
	for k, v := range a.ByStatus {
		if v == 0 {
			delete(a.ByStatus, k)
		}
	}
	for k, v := range a.Units {
		if v == (UnitCounters{}) {
			delete(a.Units, k)
		}
	}
	for k, v := range a.Days {
		if v == (DayCounters{}) {
			delete(a.Days, k)
		}
	}
}

// RectifiedOnTime reports whether p counts as rectified on time: it is
// rectified or verified, and was rectified on or before its deadline (in
// Asia/Shanghai days), or it has no deadline.
//
// The deadline is the one the problem is judged against (JudgedDeadline):
// its first, whatever approved extensions moved it to.
func RectifiedOnTime(p *Problem) bool {
	if !countsRectified(p.Status) {
		return false
	}
	d := p.JudgedDeadline()
	if d == "" {
		return true
	}
	return !p.RectifiedAt.IsZero() && !d.Before(DateOf(p.RectifiedAt))
}

func countsRectified(s ProblemStatus) bool { return s == ProblemRectified || s == ProblemVerified }

// ProblemContribution is what p adds to the state-based counters (status
// and unit scopes).
func ProblemContribution(p *Problem) []CounterDelta {
	out := []CounterDelta{
		{ScopeStatus, "", string(p.Status), 1},
		{ScopeUnit, p.ResponsibleUnit, CounterAssigned, 1},
	}
	if countsRectified(p.Status) {
		out = append(out, CounterDelta{ScopeUnit, p.ResponsibleUnit, CounterRectified, 1})
	}
	if RectifiedOnTime(p) {
		out = append(out, CounterDelta{ScopeUnit, p.ResponsibleUnit, CounterRectifiedOnTime, 1})
	}
	if p.Relapses != 0 {
		out = append(out, CounterDelta{ScopeUnit, p.ResponsibleUnit, CounterRelapses, p.Relapses})
	}
	for _, c := range []struct {
		name string
		n    int
	}{
		{CounterSuggestions, len(p.SuggestionIDs)}, {CounterReplied, p.Feedback.Replied},
		{CounterRated, p.Feedback.Rated}, {CounterSatisfied, p.Feedback.Satisfied}, {CounterRehandles, p.Rehandles},
	} {
		if c.n != 0 {
			out = append(out, CounterDelta{ScopeUnit, p.ResponsibleUnit, c.name, c.n})
		}
	}
	if p.Extensions > 0 {
		out = append(out, CounterDelta{ScopeUnit, p.ResponsibleUnit, CounterExtended, 1})
	}
	return out
}

// ProblemCounterDeltas is what a problem write changes in the counters:
// old is the stored problem being replaced (nil for a create), next the
// problem being written. The result is sorted and holds no zero changes;
// stores apply it in the write's transaction.
func ProblemCounterDeltas(old, next *Problem) []CounterDelta {
	type k struct{ scope, key, name string }
	sum := map[k]int{}
	for _, d := range ProblemContribution(next) {
		sum[k{d.Scope, d.Key, d.Name}] += d.N
	}
	if old != nil {
		for _, d := range ProblemContribution(old) {
			sum[k{d.Scope, d.Key, d.Name}] -= d.N
		}
	}
	day := func(t time.Time, name string) {
		if t.IsZero() {
			return
		}
		sum[k{ScopeDay, string(DateOf(t)), name}]++
	}
	if old == nil {
		day(next.CreatedAt, CounterCreated)
	}
	if old == nil || old.Status != next.Status {
		switch next.Status {
		case ProblemRectified:
			day(firstNonZero(next.RectifiedAt, next.UpdatedAt), CounterRectified)
		case ProblemVerified:
			day(firstNonZero(next.VerifiedAt, next.UpdatedAt), CounterVerified)
		case ProblemReopened:
			day(next.UpdatedAt, CounterReopened)
		}
	}
	out := make([]CounterDelta, 0, len(sum))
	for key, n := range sum {
		if n != 0 {
			out = append(out, CounterDelta{key.scope, key.key, key.name, n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Scope != b.Scope {
			return a.Scope < b.Scope
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Name < b.Name
	})
	return out
}

// RecountedProblemCounters is what p adds to counters recounted from the
// stored problems alone (a store filling its counters for problems written
// before it kept them): its state and its creation day, as a create in its
// present state counts them, plus the day of its rectification when it is
// verified, since it was rectified before its look-back passed. Past
// reopenings cannot be recounted: the problem does not hold them (its
// audit history does).
func RecountedProblemCounters(p *Problem) []CounterDelta {
	out := ProblemCounterDeltas(nil, p)
	if p.Status == ProblemVerified && !p.RectifiedAt.IsZero() {
		out = append(out, CounterDelta{Scope: ScopeDay, Key: string(DateOf(p.RectifiedAt)), Name: CounterRectified, N: 1})
	}
	return out
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// RecountProblems computes the state-based counters (statuses and units)
// from scratch over every problem. Stores use it to build the counters of
// a file or table that predates them; tests use it as the reference.
func RecountProblems(problems []*Problem) *ProblemAggregates {
	a := NewProblemAggregates()
	for _, p := range problems {
		for _, d := range ProblemContribution(p) {
			a.Add(d.Scope, d.Key, d.Name, d.N)
		}
	}
	a.Prune()
	return a
}
