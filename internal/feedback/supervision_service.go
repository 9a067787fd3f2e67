package feedback

import (
	"context"
	"errors"
	"fmt"
)

// Supervision (督办): the office marks the problems it follows closely
// (PATCH supervised, EditProblem); the daily run escalates each supervised
// problem whose deadline has passed unrectified, once per deadline: a
// history event and an escalation notice to the unit, in one write.

// EscalateOverdue escalates the supervised problems overdue today that
// were not yet escalated for their current deadline, and returns how many
// it escalated. A problem that fails is joined into the error and does not
// stop the others; running it again escalates nothing twice.
func (s *Service) EscalateOverdue(ctx context.Context) (int, error) {
	today := DateOf(s.now())
	var due []string
	if err := s.eachProblem(ctx, ProblemFilter{Supervised: true, OverdueOn: today}, func(p *Problem) {
		if p.EscalatedDeadline != p.Deadline {
			due = append(due, p.ID)
		}
	}); err != nil {
		return 0, fmt.Errorf("escalate: %w", err)
	}
	n := 0
	var errs []error
	for _, id := range due {
		done, err := s.escalate(ctx, id, today)
		if err != nil {
			errs = append(errs, fmt.Errorf("escalate problem %s: %w", id, err))
			continue
		}
		if done {
			n++
		}
	}
	if n > 0 || len(errs) > 0 {
		s.log.InfoContext(ctx, "overdue supervised problems escalated", "escalated", n, "failed", len(errs))
	}
	return n, errors.Join(errs...)
}

// escalate escalates one problem if it still needs it.
func (s *Service) escalate(ctx context.Context, problemID string, today Date) (bool, error) {
	done := false
	err := retryWrite(func(int) (func() error, error) {
		done = false
		p, err := s.store.GetProblem(ctx, problemID)
		if err != nil {
			return nil, err
		}
		if !p.Supervised || !p.OverdueOn(today) || p.EscalatedDeadline == p.Deadline {
			return nil, nil
		}
		now := s.now()
		days := p.Deadline.DaysUntil(today)
		p.EscalatedDeadline, p.UpdatedAt = p.Deadline, now
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: "系统(每日督办检查)", At: now, Action: ActionEscalated,
			Note: fmt.Sprintf("督办问题已超过整改期限 %d 天(整改期限 %s),升级提醒", days, p.Deadline)}
		text := fmt.Sprintf("【建言】督办提醒:督办问题「%s」已超过整改期限 %d 天(整改期限 %s),请%s立即整改并报送进展;如确需延期,请提出延期申请。",
			p.Title, days, p.Deadline, orText(p.ResponsibleUnit, "责任单位"))
		ns := []*Notice{s.newNotice(NoticeEscalation, p, p.ResponsibleUnit, p.CoUnits, text)}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Notices: ns}); err != nil {
				return err
			}
			s.committed(ns)
			done = true
			return nil
		}, nil
	})
	return done, err
}
