package feedback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The notice outbox.
//
// A notice that a change causes (a problem assigned, an extension decided,
// a supervised problem escalated, a reply to a submitter) is stored in the
// same atomic write as the change (ProblemWrite.Notices), so that neither
// is stored without the other. Delivery happens after the write commits:
//
//   - on AWS, the table's stream carries the inserted notice to the stream
//     function (functions/route), which calls DeliverNotice; the staff
//     function links neither SNS nor the robots' HTTP code;
//   - locally, the service hands each committed notice to Config.Dispatch,
//     the local stack's in-process dispatcher, which calls DeliverNotice;
//   - everywhere, SweepNotices re-sends what is still undelivered after a
//     grace period (a crash, a robot that refused, a throttled topic).
//
// Delivery is at least once per target: the office's channel
// (TargetOffice: SNS on AWS, the webhook locally) and the own channel of
// every addressed unit that registered one (UnitTarget). Targets that took
// the notice are recorded in Notice.Delivered, so a retry sends only to the
// others; a crash between sending and recording sends that one again.

// UnitNotifier sends a notice to one unit's own channel (package notify's
// Channels).
type UnitNotifier interface {
	NotifyUnit(ctx context.Context, ch NotifyChannel, n Notice) error
}

// ProblemLink is the console page of a problem: after signing in, the
// console returns to it.
func (s *Service) ProblemLink(problemID string) string {
	return s.baseURL + "/console/problems/" + problemID
}

// newNotice returns an outbox notice of kind about problem p, addressed to
// unit (and coUnits), with the text people read.
func (s *Service) newNotice(kind string, p *Problem, unit string, coUnits []string, text string) *Notice {
	now := s.now()
	n := &Notice{
		ID: NewID(now), Kind: kind, Unit: unit, CoUnits: slices.Clone(coUnits),
		Subject: NoticeTitle(kind), Text: text, CreatedAt: now,
	}
	if p != nil {
		n.ProblemID = p.ID
		n.Link = s.ProblemLink(p.ID)
	}
	if r := []rune(n.Text); len(r) > NoticeTextMaxRunes {
		n.Text = string(r[:NoticeTextMaxRunes-1]) + "…"
	}
	return n
}

// committed hands notices whose write has committed to the local
// dispatcher, if there is one.
func (s *Service) committed(notices []*Notice) {
	if s.dispatch == nil {
		return
	}
	for _, n := range notices {
		c := *n
		s.dispatch(&c)
	}
}

// DeliverNotice sends n to every target that does not have it yet and
// records the outcome in the outbox. done reports that every target has it
// now (or that delivery was given up after MaxNoticeAttempts); sends that
// failed are recorded, logged and tried again by SweepNotices. err means
// the outbox could not be read or written: nothing was recorded, and the
// caller should retry (the stream function reports the record as failed).
//
// It reads the stored notice first: the copy it is handed (a stream
// record's image, a queued copy) may predate a delivery, and a redelivered
// record must not send again.
func (s *Service) DeliverNotice(ctx context.Context, n *Notice) (done bool, err error) {
	fresh, err := s.store.GetNotice(ctx, n.ID)
	if err != nil {
		return false, fmt.Errorf("deliver notice %s: %w", n.ID, err)
	}
	*n = *fresh
	if !n.DeliveredAt.IsZero() {
		return true, nil
	}
	targets, channels, err := s.noticeTargets(ctx, n)
	if err != nil {
		return false, fmt.Errorf("deliver notice %s: %w", n.ID, err)
	}
	var sent []string
	var errs []error
	for _, t := range targets {
		if slices.Contains(n.Delivered, t) {
			continue
		}
		var err error
		switch t {
		case TargetOffice:
			err = s.office.Notify(ctx, *n)
		case TargetSubmitter:
			err = s.notifySubmitter(ctx, n) // submitter_notice.go
		default:
			err = s.unitNotifier.NotifyUnit(ctx, channels[t], *n)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t, err))
			continue
		}
		sent = append(sent, t)
	}
	failure := errors.Join(errs...)
	record := func(stored *Notice) {
		for _, t := range sent {
			if !slices.Contains(stored.Delivered, t) {
				stored.Delivered = append(stored.Delivered, t)
			}
		}
		stored.Attempts++
		stored.LastError = ""
		if failure != nil {
			stored.LastError = truncateRunes(failure.Error(), NoteMaxRunes)
		}
		done := true
		for _, t := range targets {
			done = done && slices.Contains(stored.Delivered, t)
		}
		switch {
		case done:
			stored.DeliveredAt = s.now()
		case stored.Attempts >= MaxNoticeAttempts:
			stored.DeliveredAt, stored.Failed = s.now(), true
		}
	}
	cur := n
	err = retryWrite(func(attempt int) (func() error, error) {
		if attempt > 1 {
			fresh, err := s.store.GetNotice(ctx, n.ID)
			if err != nil {
				return nil, err
			}
			cur = fresh
		}
		if !cur.DeliveredAt.IsZero() {
			return nil, nil // someone else finished it
		}
		record(cur)
		return func() error { return s.store.UpdateNotice(ctx, cur) }, nil
	})
	if err != nil {
		return false, fmt.Errorf("record delivery of notice %s: %w", n.ID, err)
	}
	*n = *cur
	switch {
	case n.Failed:
		s.log.ErrorContext(ctx, "notice given up", "notice_id", n.ID, "kind", n.Kind, "attempts", n.Attempts, "error", n.LastError)
	case failure != nil:
		s.log.WarnContext(ctx, "notice not delivered everywhere yet", "notice_id", n.ID, "kind", n.Kind, "attempts", n.Attempts, "error", failure)
	default:
		s.log.InfoContext(ctx, "notice delivered", "notice_id", n.ID, "kind", n.Kind, "targets", len(targets))
	}
	return !n.DeliveredAt.IsZero(), nil
}

// noticeTargets lists where n goes: the office's channel, when the service
// has one, and the own channel of each addressed unit that registered one.
func (s *Service) noticeTargets(ctx context.Context, n *Notice) ([]string, map[string]NotifyChannel, error) {
	var targets []string
	if s.office != nil {
		targets = append(targets, TargetOffice)
	}
	if n.Kind == NoticeReply && n.SuggestionID != "" && s.submitters != nil {
		targets = append(targets, TargetSubmitter)
	}
	channels := map[string]NotifyChannel{}
	if s.unitNotifier == nil {
		return targets, channels, nil
	}
	for _, name := range n.Units() {
		ch, err := s.unitChannel(ctx, name)
		if err != nil {
			return nil, nil, err
		}
		if ch.Kind != "" {
			t := UnitTarget(name)
			targets = append(targets, t)
			channels[t] = ch
		}
	}
	return targets, channels, nil
}

// unitChannel is the registered channel of unit name; zero when the unit is
// not registered or has none.
func (s *Service) unitChannel(ctx context.Context, name string) (NotifyChannel, error) {
	u, err := s.store.GetUnit(ctx, name)
	switch {
	case err == nil:
		return u.Notify, nil
	case IsCode(err, ENotFound):
		return NotifyChannel{}, nil
	}
	return NotifyChannel{}, fmt.Errorf("unit %s: %w", name, err)
}

// NoticeSweepLimit is how many pending notices one sweep delivers.
const NoticeSweepLimit = 100

// SweepNotices delivers the notices still pending grace after they were
// made: those whose immediate delivery failed or never ran. It returns how
// many it finished and how many are still pending.
func (s *Service) SweepNotices(ctx context.Context, grace time.Duration) (delivered, failed int, err error) {
	pending, err := s.store.ListPendingNotices(ctx, s.now().Add(-grace), NoticeSweepLimit)
	if err != nil {
		return 0, 0, fmt.Errorf("sweep notices: %w", err)
	}
	for _, n := range pending {
		if err := ctx.Err(); err != nil {
			return delivered, failed, err
		}
		done, err := s.DeliverNotice(ctx, n)
		if err != nil {
			return delivered, failed, err
		}
		if done {
			delivered++
		} else {
			failed++
		}
	}
	return delivered, failed, nil
}

// truncateRunes makes an error text storable: valid UTF-8, no control
// characters but line breaks, at most max runes.
func truncateRunes(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// assignmentNotice is the notice to the units that a write newly gives p:
// every unit of a new problem (old == nil), or the new lead and the added
// co-units of an edited one. nil when no unit is newly given it.
func (s *Service) assignmentNotice(ctx context.Context, p, old *Problem) (*Notice, error) {
	var lead string
	var co []string
	if old == nil || p.ResponsibleUnit != old.ResponsibleUnit {
		lead = p.ResponsibleUnit
	}
	for _, u := range p.CoUnits {
		if old == nil || (!slices.Contains(old.CoUnits, u) && u != old.ResponsibleUnit) {
			co = append(co, u)
		}
	}
	if lead == "" && len(co) == 0 {
		return nil, nil
	}
	listTitle := ""
	if l, err := s.store.GetProblemList(ctx, p.ProblemListID); err == nil {
		listTitle = l.Title
	} else if !IsCode(err, ENotFound) {
		return nil, fmt.Errorf("assignment notice: problem list %s: %w", p.ProblemListID, err)
	}
	var b strings.Builder
	b.WriteString("【建言】交办通知:")
	if lead != "" {
		b.WriteString("请" + lead + "牵头")
		if len(p.CoUnits) > 0 {
			b.WriteString("、" + strings.Join(p.CoUnits, "、") + "协办")
		}
	} else {
		b.WriteString("请" + strings.Join(co, "、") + "协助" + orText(p.ResponsibleUnit, "牵头单位"))
	}
	b.WriteString("整改问题「" + p.Title + "」")
	if listTitle != "" {
		b.WriteString("(" + listTitle + ")")
	}
	b.WriteString("。")
	if p.Requirement != "" {
		b.WriteString("整改要求:" + sentence(p.Requirement))
	}
	if p.Deadline != "" {
		b.WriteString("整改期限:" + string(p.Deadline))
		if p.DeadlineWorkingDays > 0 {
			fmt.Fprintf(&b, "(%d 个工作日)", p.DeadlineWorkingDays)
		}
		b.WriteString("。")
	}
	if p.ResponsiblePerson != "" {
		b.WriteString("第一责任人:" + p.ResponsiblePerson + "。")
	}
	b.WriteString("请登录建言系统查看问题详情,按期整改并报送进展。")
	unit := lead
	if unit == "" {
		unit, co = co[0], co[1:]
	}
	return s.newNotice(NoticeAssignment, p, unit, co, b.String()), nil
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// notices collects the non-nil notices of a write.
func notices(ns ...*Notice) []*Notice {
	var out []*Notice
	for _, n := range ns {
		if n != nil {
			out = append(out, n)
		}
	}
	return out
}
