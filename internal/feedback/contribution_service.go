package feedback

import (
	"context"
	"fmt"
)

// AddContribution records a co-unit's report of its part in a problem,
// with evidence files (uploaded first, as for progress reports), in one
// problem write with a history event. Unit accounts of the problem's
// units only; the lead unit reports through progress and status instead,
// but may add a contribution too.
func (s *Service) AddContribution(ctx context.Context, id Identity, problemID, text string, fileIDs []string) (*Contribution, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	text = CleanText(text)
	if err := checkText("text", text, true, ContributionMaxRunes, true); err != nil {
		return nil, FieldErrorf("text", "请填写协办情况(%d 字以内)", ContributionMaxRunes)
	}
	var c *Contribution
	err := retryWrite(func(int) (func() error, error) {
		p, err := s.problemFor(ctx, id, problemID)
		if err != nil {
			return nil, err
		}
		if err := canContribute(id, p); err != nil {
			return nil, err
		}
		now := s.now()
		added, changed, err := s.attachEvidence(ctx, id, p, fileIDs, now)
		if err != nil {
			return nil, err
		}
		c = &Contribution{ID: NewID(now), ProblemID: p.ID, Unit: id.Unit, Text: text, Files: added, By: actorName(id), At: now}
		if err := c.Validate(); err != nil {
			return nil, err
		}
		p.UpdatedAt = now
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionContribution,
			Note: id.Unit + "报送协办情况:" + truncateRunes(text, NoteMaxRunes-len([]rune(id.Unit))-10), Files: added}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Files: changed, Contribution: c}); err != nil {
				return fmt.Errorf("contribution to problem %s: %w", problemID, err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "contribution recorded", "problem_id", problemID, "unit", id.Unit, "files", len(c.Files))
	return c, nil
}

// ListContributions lists a problem's contributions, oldest first, for
// whoever may see the problem.
func (s *Service) ListContributions(ctx context.Context, id Identity, problemID string) ([]*Contribution, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	p, err := s.problemFor(ctx, id, problemID)
	if err != nil {
		return nil, err
	}
	out, err := s.store.ListContributions(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("list contributions of problem %s: %w", problemID, err)
	}
	return out, nil
}
