package feedback

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
)

// Summaries (汇总).
//
// What a summary reads, so that its cost follows what changed in its period
// and never what is stored in total:
//
//   - suggestions: counted by Store.CountSuggestions: SQLite reads only a
//     covering index on submission time, DynamoDB the period's month
//     buckets; plus one GetSymposium per symposium that received some;
//   - problem states, the unit scorecard and the period's problem activity:
//     the maintained counters (GetProblemAggregates, counters.go),
//     a handful of items whatever the number of problems;
//   - overdue, due-soon and look-back lists: the problems currently open,
//     rectifying or reopened, and those rectified and waiting for their
//     look-back, each read from the status index. These are the live
//     working set: verified and long-term problems, which accumulate over
//     the years, are never read.
//
// Problem figures are a snapshot taken when the summary is generated
// (Summary.AsOf), not a reconstruction of the state at the end of the
// period: reconstructing it would mean replaying the audit history of every
// problem. Scheduled runs fire minutes after their period ends, so for them
// the snapshot is the state at the end of the period. Regenerating an old
// period on demand recomputes its intake exactly and shows today's problem
// figures. Period activity (problems created, rectified, verified, reopened
// during the period) comes from per-day counters, so it is exact for any
// period.

// DueSoonDays is how many days ahead a deadline (or a look-back) counts as
// due soon: due on AsOf … AsOf+DueSoonDays.
const DueSoonDays = 3

// maxSummaryItems bounds each problem list in a stored summary (overdue,
// due soon, look-backs); the counts stay exact. It keeps a summary well
// inside one DynamoDB item.
const maxSummaryItems = 200

// GenerateSummary summarises the period of kind p that contains date (today
// in Asia/Shanghai when empty) and stores it under SummaryID, replacing an
// earlier summary of the same period. Office roles only; it sends nothing
// (see DeliverSummary).
func (s *Service) GenerateSummary(ctx context.Context, id Identity, p Period, date Date) (*Summary, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if !p.Valid() {
		return nil, FieldErrorf("period", "汇总周期应为日、周或月")
	}
	today := DateOf(s.now())
	if date == "" {
		date = today
	}
	if !date.Valid() {
		return nil, FieldErrorf("date", "日期格式应为 YYYY-MM-DD")
	}
	if today.Before(date) {
		return nil, FieldErrorf("date", "不能汇总未来的日期")
	}
	return s.summarize(ctx, p, date)
}

// ScheduledSummary summarises the period of kind p that ended last before
// at (the scheduled time; now when zero): yesterday for daily, last Monday
// to Sunday for weekly, last month for monthly. An empty p is daily, as a
// scheduled event without a period asks. A late retry summarises the same
// period, because it is computed from at and not from the clock.
func (s *Service) ScheduledSummary(ctx context.Context, p Period, at time.Time) (*Summary, error) {
	if p == "" {
		p = Daily
	}
	if !p.Valid() {
		return nil, FieldErrorf("period", "未知的汇总周期「%s」", p)
	}
	if at.IsZero() {
		at = s.now()
	}
	return s.summarize(ctx, p, LastEndedPeriod(p, at))
}

// LastEndedPeriod returns a day inside the last period of kind p that ended
// before the day of at (Asia/Shanghai).
func LastEndedPeriod(p Period, at time.Time) Date {
	from, _ := p.Bounds(DateOf(at))
	return from.AddDays(-1)
}

// GetSummary returns a stored summary. Office roles only.
func (s *Service) GetSummary(ctx context.Context, id Identity, summaryID string) (*Summary, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if !ValidKey(summaryID) {
		return nil, NotFound("summary", summaryID)
	}
	sm, err := s.store.GetSummary(ctx, summaryID)
	if err != nil {
		return nil, fmt.Errorf("get summary %s: %w", summaryID, err)
	}
	return sm, nil
}

// ListSummaries lists stored summaries, newest period first. Office roles
// only.
func (s *Service) ListSummaries(ctx context.Context, id Identity, f SummaryFilter) (Page[*Summary], error) {
	if err := requireOffice(id); err != nil {
		return Page[*Summary]{}, err
	}
	if err := f.Validate(); err != nil {
		return Page[*Summary]{}, err
	}
	page, err := s.store.ListSummaries(ctx, f)
	if err != nil {
		return page, fmt.Errorf("list summaries: %w", err)
	}
	return page, nil
}

// summarize computes and stores the summary of the period of kind p that
// contains date.
func (s *Service) summarize(ctx context.Context, p Period, date Date) (*Summary, error) {
	from, to := p.Bounds(date)
	now := s.now()
	sm := &Summary{
		ID: SummaryID(p, from), Period: p, From: from, To: to,
		GeneratedAt: now, AsOf: DateOf(now),
	}
	if err := s.summarizeSuggestions(ctx, sm); err != nil {
		return nil, fmt.Errorf("summary %s: %w", sm.ID, err)
	}
	if err := s.summarizeProblems(ctx, sm); err != nil {
		return nil, fmt.Errorf("summary %s: %w", sm.ID, err)
	}
	a, err := s.assess(ctx, sm.From, sm.To) // assessment_service.go
	if err != nil {
		return nil, fmt.Errorf("summary %s: %w", sm.ID, err)
	}
	for _, u := range a.Units {
		if len(sm.Assessment) == MaxSummaryUnits {
			break
		}
		sc := AssessmentScore{Unit: u.Unit, Score: u.Score, Counts: u.Counts}
		if len(sc.Counts) == 0 {
			sc.Counts = nil // as every store reads it back
		}
		sm.Assessment = append(sm.Assessment, sc)
	}
	// Keep the delivery record of the summary this one replaces, so a
	// retried scheduled run does not send again.
	old, err := s.store.GetSummary(ctx, sm.ID)
	switch {
	case err == nil:
		sm.Delivered = old.Delivered
	case !IsCode(err, ENotFound):
		return nil, fmt.Errorf("summary %s: read previous: %w", sm.ID, err)
	}
	if err := s.store.PutSummary(ctx, sm); err != nil {
		return nil, fmt.Errorf("summary %s: store: %w", sm.ID, err)
	}
	s.log.InfoContext(ctx, "summary generated", "summary_id", sm.ID, "suggestions", sm.Suggestions.Received, "overdue", sm.Problems.Overdue)
	return sm, nil
}

// summarizeSuggestions counts the suggestions submitted in the period.
func (s *Service) summarizeSuggestions(ctx context.Context, sm *Summary) error {
	st := &sm.Suggestions
	st.ByParticipantKind = map[string]int{}
	st.ByStatus = map[string]int{}
	st.ByKind = map[string]int{}
	st.ByChannel = map[string]int{}
	st.BySymposium = map[string]int{}
	st.SymposiumTitles = map[string]string{}
	for _, k := range ParticipantKinds {
		st.ByParticipantKind[string(k)] = 0
	}
	for _, k := range SummaryStatuses {
		st.ByStatus[k] = 0
	}
	for _, k := range SuggestionKinds {
		st.ByKind[string(k)] = 0
	}
	for _, k := range Channels {
		st.ByChannel[string(k)] = 0
	}
	counts, err := s.store.CountSuggestions(ctx, sm.From.Start(), sm.To.AddDays(1).Start())
	if err != nil {
		return fmt.Errorf("suggestions: %w", err)
	}
	for _, c := range counts {
		st.Received += c.N
		st.ByParticipantKind[string(c.ParticipantKind)] += c.N
		if c.Triage {
			st.ByStatus[StatusTriage] += c.N
		} else {
			st.ByStatus[string(c.Status)] += c.N
		}
		st.ByKind[string(c.Kind)] += c.N
		st.ByChannel[string(c.Channel)] += c.N
		st.BySymposium[c.SymposiumID] += c.N
		switch c.ReplyState {
		case ReplyAwaiting:
		case ReplyDissatisfied:
			st.Replied += c.N
			st.Rated += c.N
			st.Rehandle += c.N
		case ReplyGiven:
			st.Replied += c.N
		default:
			st.Replied += c.N
			st.Rated += c.N
			if Rating(c.ReplyState).Satisfied() {
				st.Satisfied += c.N
			}
		}
	}
	st.ReplyRate = Rate(st.Replied, st.Received)
	st.SatisfactionRate = Rate(st.Satisfied, st.Rated)
	for id := range st.BySymposium {
		if len(st.BySymposium) > MaxSummaryMapEntries {
			break // Validate refuses it; never happens with real symposia
		}
		sym, err := s.store.GetSymposium(ctx, id)
		switch {
		case err == nil:
			st.SymposiumTitles[id] = sym.Title
		case !IsCode(err, ENotFound):
			return fmt.Errorf("symposium %s: %w", id, err)
		}
	}
	return nil
}

// summarizeProblems fills the problem figures and the unit scorecard from
// the maintained counters and the live problems.
func (s *Service) summarizeProblems(ctx context.Context, sm *Summary) error {
	agg, err := s.store.GetProblemAggregates(ctx, sm.From, sm.To)
	if err != nil {
		return fmt.Errorf("problem counters: %w", err)
	}
	ps := &sm.Problems
	ps.Open = agg.ByStatus[ProblemOpen]
	ps.Rectifying = agg.ByStatus[ProblemRectifying]
	ps.Rectified = agg.ByStatus[ProblemRectified]
	ps.Verified = agg.ByStatus[ProblemVerified]
	ps.Reopened = agg.ByStatus[ProblemReopened]
	ps.LongTerm = agg.ByStatus[ProblemLongTerm]
	for day, d := range agg.Days {
		if day.Before(sm.From) || sm.To.Before(day) {
			continue
		}
		ps.Activity.Created += d.Created
		ps.Activity.Rectified += d.Rectified
		ps.Activity.Verified += d.Verified
		ps.Activity.Reopened += d.Reopened
	}

	asOf := sm.AsOf
	soon := asOf.AddDays(DueSoonDays)
	overdueByUnit := map[string]int{}
	dueSoonByUnit := map[string]int{}
	for _, st := range ProblemStatuses {
		if !st.CanBeOverdue() && st != ProblemRectified {
			continue
		}
		err := s.eachProblem(ctx, ProblemFilter{Status: st}, func(p *Problem) {
			switch {
			case st == ProblemRectified:
				if p.LookbackDue != "" && !soon.Before(p.LookbackDue) {
					ps.LookbacksDue++
					ps.LookbackItems = append(ps.LookbackItems, LookbackItem{
						ProblemID: p.ID, Title: p.Title, ResponsibleUnit: p.ResponsibleUnit, LookbackDue: p.LookbackDue})
				}
			case p.OverdueOn(asOf):
				ps.Overdue++
				overdueByUnit[p.ResponsibleUnit]++
				ps.OverdueItems = append(ps.OverdueItems, OverdueItem{
					ProblemID: p.ID, Title: p.Title, ResponsibleUnit: p.ResponsibleUnit,
					Deadline: p.Deadline, DaysOverdue: p.Deadline.DaysUntil(asOf)})
			case p.Deadline != "" && !soon.Before(p.Deadline):
				ps.DueSoon++
				dueSoonByUnit[p.ResponsibleUnit]++
				ps.DueSoonItems = append(ps.DueSoonItems, DueItem{
					ProblemID: p.ID, Title: p.Title, ResponsibleUnit: p.ResponsibleUnit,
					Deadline: p.Deadline, DaysLeft: asOf.DaysUntil(p.Deadline)})
			}
		})
		if err != nil {
			return err
		}
	}
	sort.Slice(ps.OverdueItems, func(i, j int) bool {
		a, b := ps.OverdueItems[i], ps.OverdueItems[j]
		if a.Deadline != b.Deadline {
			return a.Deadline < b.Deadline
		}
		return a.ProblemID < b.ProblemID
	})
	sort.Slice(ps.DueSoonItems, func(i, j int) bool {
		a, b := ps.DueSoonItems[i], ps.DueSoonItems[j]
		if a.Deadline != b.Deadline {
			return a.Deadline < b.Deadline
		}
		return a.ProblemID < b.ProblemID
	})
	sort.Slice(ps.LookbackItems, func(i, j int) bool {
		a, b := ps.LookbackItems[i], ps.LookbackItems[j]
		if a.LookbackDue != b.LookbackDue {
			return a.LookbackDue < b.LookbackDue
		}
		return a.ProblemID < b.ProblemID
	})
	ps.OverdueItems = capped(ps.OverdueItems)
	ps.DueSoonItems = capped(ps.DueSoonItems)
	ps.LookbackItems = capped(ps.LookbackItems)

	units := map[string]bool{}
	for u, c := range agg.Units {
		if c != (UnitCounters{}) {
			units[u] = true
		}
	}
	for u := range overdueByUnit {
		units[u] = true
	}
	for u := range dueSoonByUnit {
		units[u] = true
	}
	for u := range units {
		c := agg.Units[u]
		sm.Units = append(sm.Units, UnitScore{
			Unit: u, Assigned: c.Assigned, Rectified: c.Rectified, RectifiedOnTime: c.RectifiedOnTime,
			OnTimeRate: OnTimeRate(c.RectifiedOnTime, c.Rectified),
			Overdue:    overdueByUnit[u], DueSoon: dueSoonByUnit[u], Relapses: c.Relapses, Extended: c.Extended,
			Suggestions: c.Suggestions, Replied: c.Replied, ReplyRate: Rate(c.Replied, c.Suggestions),
			Rated: c.Rated, Satisfied: c.Satisfied, SatisfactionRate: Rate(c.Satisfied, c.Rated), Rehandles: c.Rehandles,
		})
	}
	sort.Slice(sm.Units, func(i, j int) bool { return sm.Units[i].Unit < sm.Units[j].Unit })
	if len(sm.Units) > MaxSummaryUnits {
		sm.Units = sm.Units[:MaxSummaryUnits]
	}
	return nil
}

// OnTimeRate is onTime / rectified rounded to 4 decimals, 0 when nothing
// was rectified.
func OnTimeRate(onTime, rectified int) float64 { return Rate(onTime, rectified) }

// Rate is part ÷ whole rounded to 4 decimals, 0 when whole is not positive
// and never above 1 (counters of records older than the part's counter
// could make it so).
func Rate(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(min(float64(part)/float64(whole), 1)*10000) / 10000
}

func capped[T any](items []T) []T {
	if len(items) > maxSummaryItems {
		return items[:maxSummaryItems]
	}
	return items
}

// eachProblem calls fn for every problem f selects, page by page.
func (s *Service) eachProblem(ctx context.Context, f ProblemFilter, fn func(*Problem)) error {
	f.Limit = MaxListLimit
	for {
		page, err := s.store.ListProblems(ctx, f)
		if err != nil {
			return fmt.Errorf("problems (%s): %w", f.Status, err)
		}
		for _, p := range page.Items {
			fn(p)
		}
		if page.NextCursor == "" {
			return nil
		}
		f.Cursor = page.NextCursor
	}
}
