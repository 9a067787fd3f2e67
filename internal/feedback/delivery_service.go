package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Delivery of summaries and reminders.
//
// A scheduled run sends one short Chinese text with the summary's link and,
// for the daily run only, one reminder per responsible unit that has
// problems overdue or due within DueSoonDays (weekly and monthly runs would
// otherwise repeat Monday's and the 1st's reminders). Each sent message is
// recorded in Summary.Delivered ("summary", "reminder:<unit>") and the
// record is stored with the summary, so a retried run sends only what was
// not sent yet; a reminder to a unit with its own channel (a group robot)
// also goes there, recorded as "reminder:<unit>:channel". The guarantee is at least once: a crash between sending and
// recording resends that one message. Summaries made on demand
// (GenerateSummary) send nothing.

// SummaryLink is the console's page of summary id: a person who follows it
// signs in and lands on the summary (the API's .html route would answer a
// browser without a token with a JSON 401).
func (s *Service) SummaryLink(id string) string {
	return s.baseURL + "/console/summaries/" + id
}

// WorkspaceLink is the console's page of a responsible unit's own work,
// where the copy of a reminder sent to the unit's own channel leads: unit
// accounts do not see summaries or other units' problems.
func (s *Service) WorkspaceLink() string {
	return s.baseURL + "/console/workspace"
}

// UnitProblemsLink is the console's 问题跟踪 view of unit's problems (only
// the overdue ones when overdue), where the office's copy of a reminder
// leads: the workspace is a unit account's page, which office staff may
// not open. Problems with no unit cannot be filtered by unit, so their
// reminder shows every overdue problem.
func (s *Service) UnitProblemsLink(unit string, overdue bool) string {
	q := url.Values{}
	if unit != "" {
		q.Set("unit", unit)
	}
	if overdue || unit == "" {
		q.Set("overdue", "true")
	}
	return s.baseURL + "/console/problems?" + q.Encode()
}

// DeliverSummary sends sm's notice and, for a daily summary, the unit
// reminders, skipping what sm.Delivered records as sent, then stores the
// updated record. When some sends fail it still records the others and
// returns the failures joined, so a retry sends only those.
func (s *Service) DeliverSummary(ctx context.Context, sm *Summary, n Notifier) error {
	link := s.SummaryLink(sm.ID)
	notices := []Notice{SummaryNotice(sm, link)}
	// own: the reminders as a unit's own channel gets them, by unit.
	own := map[string]Notice{}
	if sm.Period == Daily {
		notices = append(notices, ReminderNotices(sm, s.UnitProblemsLink)...)
		for _, nt := range ReminderNotices(sm, func(string, bool) string { return s.WorkspaceLink() }) {
			own[nt.Unit] = nt
		}
	}
	var errs []error
	sent := 0
	for _, nt := range notices {
		key := deliveryKey(nt)
		if !slices.Contains(sm.Delivered, key) {
			if err := n.Notify(ctx, nt); err != nil {
				errs = append(errs, fmt.Errorf("deliver %s of summary %s: %w", key, sm.ID, err))
				continue
			}
			sm.Delivered = append(sm.Delivered, key)
			sent++
		}
		// A reminder also goes to the unit's own channel, when it has one,
		// leading to the unit's workspace.
		ownKey := key + ":" + TargetUnitChannel
		if nt.Unit == "" || s.unitNotifier == nil || slices.Contains(sm.Delivered, ownKey) {
			continue
		}
		ch, err := s.unitChannel(ctx, nt.Unit)
		if err != nil {
			errs = append(errs, fmt.Errorf("deliver %s of summary %s: %w", ownKey, sm.ID, err))
			continue
		}
		if ch.Kind == "" {
			continue
		}
		if err := s.unitNotifier.NotifyUnit(ctx, ch, own[nt.Unit]); err != nil {
			errs = append(errs, fmt.Errorf("deliver %s of summary %s: %w", ownKey, sm.ID, err))
			continue
		}
		sm.Delivered = append(sm.Delivered, ownKey)
		sent++
	}
	if sent > 0 {
		if err := s.store.PutSummary(ctx, sm); err != nil {
			errs = append(errs, fmt.Errorf("record delivery of summary %s: %w", sm.ID, err))
		}
	}
	s.log.InfoContext(ctx, "summary delivered", "summary_id", sm.ID, "sent", sent, "failed", len(errs))
	return errors.Join(errs...)
}

// RunScheduledSummary is the scheduled job: ScheduledSummary, then
// DeliverSummary. It is safe to run again for the same period.
func (s *Service) RunScheduledSummary(ctx context.Context, p Period, at time.Time, n Notifier) (*Summary, error) {
	if p == Daily || p == "" {
		// The daily run escalates overdue supervised problems first, so
		// the day's summary shows them escalated, and records the overdue
		// problems' assessment events.
		if _, err := s.EscalateOverdue(ctx); err != nil {
			s.log.ErrorContext(ctx, "escalation of overdue supervised problems", "err", err)
		}
		if _, err := s.RecordOverdue(ctx); err != nil {
			s.log.ErrorContext(ctx, "assessment: overdue problems", "err", err)
		}
	}
	sm, err := s.ScheduledSummary(ctx, p, at)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return sm, nil
	}
	return sm, s.DeliverSummary(ctx, sm, n)
}

// CatchUpScheduledSummaries runs the scheduled summary (and its delivery)
// of every period kind whose period that ended last before at has no
// summary yet: what a process that was down at the scheduled time missed.
// It returns the summaries it made; a failure of one period is joined into
// the error and does not stop the others.
func (s *Service) CatchUpScheduledSummaries(ctx context.Context, at time.Time, n Notifier) ([]*Summary, error) {
	var (
		made []*Summary
		errs []error
	)
	for _, p := range []Period{Daily, Weekly, Monthly} {
		from, _ := p.Bounds(LastEndedPeriod(p, at))
		_, err := s.store.GetSummary(ctx, SummaryID(p, from))
		switch {
		case err == nil:
			continue
		case !IsCode(err, ENotFound):
			errs = append(errs, fmt.Errorf("catch up %s summary: %w", p, err))
			continue
		}
		sm, err := s.RunScheduledSummary(ctx, p, at, n)
		if sm != nil {
			made = append(made, sm)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("catch up %s summary: %w", p, err))
		}
	}
	return made, errors.Join(errs...)
}
