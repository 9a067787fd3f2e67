package feedback

import (
	"context"
	"fmt"
)

// AssessmentScheme returns the scheme in force: the office's, or
// DefaultAssessmentScheme (Version 0) until it saves one. Office roles.
func (s *Service) AssessmentScheme(ctx context.Context, id Identity) (*AssessmentScheme, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	return s.assessmentScheme(ctx)
}

func (s *Service) assessmentScheme(ctx context.Context) (*AssessmentScheme, error) {
	sc, err := s.store.GetAssessmentScheme(ctx)
	if err != nil {
		return nil, fmt.Errorf("assessment scheme: %w", err)
	}
	if sc.Version == 0 {
		return DefaultAssessmentScheme(), nil
	}
	return sc, nil
}

// PutAssessmentScheme saves the office's scheme; sc.Version is the version
// read (0 when the default is in force), a stale one is EConflict.
// Administrators only.
func (s *Service) PutAssessmentScheme(ctx context.Context, id Identity, sc *AssessmentScheme) error {
	if err := requireAdminRole(id); err != nil {
		return err
	}
	sc.UpdatedAt, sc.UpdatedBy = s.now(), actorName(id)
	if err := sc.Validate(); err != nil {
		return err
	}
	if err := s.store.PutAssessmentScheme(ctx, sc); err != nil {
		if IsCode(err, EConflict) {
			return &Error{Code: EConflict, Field: "version", Message: "考评办法已被他人修改,请刷新后再保存", Err: err}
		}
		return fmt.Errorf("put assessment scheme: %w", err)
	}
	s.log.InfoContext(ctx, "assessment scheme saved", "version", sc.Version, "by", sc.UpdatedBy)
	return nil
}

// MaxAssessmentDays bounds an assessment's period (three years).
const MaxAssessmentDays = 3 * 366

// Assessment is the units' scores over a period, with the scheme that gave
// them.
type Assessment struct {
	From, To Date
	Scheme   *AssessmentScheme
	Units    []UnitAssessment
}

// Assess scores every registered unit (and any other an entry names) over
// from..to (inclusive), with the items that made each score. Office roles.
func (s *Service) Assess(ctx context.Context, id Identity, from, to Date) (*Assessment, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if from == "" || !from.Valid() {
		return nil, FieldErrorf("from", "请填写起始日期(YYYY-MM-DD)")
	}
	if to == "" || !to.Valid() {
		return nil, FieldErrorf("to", "请填写截止日期(YYYY-MM-DD)")
	}
	if to.Before(from) {
		return nil, FieldErrorf("to", "截止日期不能早于起始日期")
	}
	if from.DaysUntil(to) > MaxAssessmentDays {
		return nil, FieldErrorf("to", "考评期间最长三年")
	}
	return s.assess(ctx, from, to)
}

func (s *Service) assess(ctx context.Context, from, to Date) (*Assessment, error) {
	sc, err := s.assessmentScheme(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.registeredUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("assess: %w", err)
	}
	entries, err := s.store.ListAssessmentEntries(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("assess: %w", err)
	}
	return &Assessment{From: from, To: to, Scheme: sc, Units: Assess(sc, units, entries)}, nil
}

// RecordOverdue records the "overdue" assessment event of every problem
// overdue today (once per problem and deadline: storing it again changes
// nothing). The daily run calls it; a late rectification records the same
// event itself, should a run have missed it.
func (s *Service) RecordOverdue(ctx context.Context) (int, error) {
	today := DateOf(s.now())
	var entries []*AssessmentEntry
	if err := s.eachProblem(ctx, ProblemFilter{OverdueOn: today}, func(p *Problem) {
		entries = append(entries, OverdueEntry(p, s.now()))
	}); err != nil {
		return 0, fmt.Errorf("record overdue: %w", err)
	}
	if len(entries) == 0 {
		return 0, nil
	}
	if err := s.store.PutAssessmentEntries(ctx, entries); err != nil {
		return 0, fmt.Errorf("record overdue: %w", err)
	}
	return len(entries), nil
}
