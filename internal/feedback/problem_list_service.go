package feedback

import (
	"context"
	"fmt"
	"slices"
)

// ProblemListInput is what staff give to create a problem list.
type ProblemListInput struct {
	Title       string
	Campaign    string
	SymposiumID string // optional: the symposium the list came from
	OwnerUnit   string
}

// CreateProblemList creates a problem list. Office roles only. Its owner
// unit (牵头单位), when given, is a registered unit, as a problem's units
// are: a free-text name would be counted, notified and renamed apart from
// the unit it means.
func (s *Service) CreateProblemList(ctx context.Context, id Identity, in ProblemListInput) (*ProblemList, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	now := s.now()
	l := &ProblemList{
		ID:          NewID(now),
		Title:       CleanText(in.Title),
		Campaign:    CleanText(in.Campaign),
		SymposiumID: CleanText(in.SymposiumID),
		OwnerUnit:   CleanText(in.OwnerUnit),
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if err := s.requireUnits(ctx, "owner_unit", l.OwnerUnit); err != nil {
		return nil, err
	}
	if l.SymposiumID != "" {
		if !ValidKey(l.SymposiumID) {
			return nil, FieldErrorf("symposium_id", "座谈会不存在")
		}
		if _, err := s.store.GetSymposium(ctx, l.SymposiumID); err != nil {
			if IsCode(err, ENotFound) {
				return nil, FieldErrorf("symposium_id", "座谈会不存在")
			}
			return nil, fmt.Errorf("create problem list: symposium %s: %w", l.SymposiumID, err)
		}
	}
	if err := s.store.CreateProblemList(ctx, l); err != nil {
		return nil, fmt.Errorf("create problem list: %w", err)
	}
	return l, nil
}

// ListProblemLists lists problem lists, the triage list 待分拣 first. Any
// role may see the lists themselves; what is in them is filtered per caller.
func (s *Service) ListProblemLists(ctx context.Context, id Identity, f ProblemListFilter) (Page[*ProblemList], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*ProblemList]{}, err
	}
	page, err := s.store.ListProblemLists(ctx, f)
	if err != nil {
		return page, fmt.Errorf("list problem lists: %w", err)
	}
	if f.Cursor == "" && !slices.ContainsFunc(page.Items, func(l *ProblemList) bool { return l.ID == TriageListID }) {
		// Every store seeds the triage list; never let a caller see a
		// first page without it.
		page.Items = append([]*ProblemList{NewTriageList(s.now())}, page.Items...)
	}
	return page, nil
}

// ProblemCounts counts what a list holds.
type ProblemCounts struct {
	// Total is how many items the list holds: its problems, and for the
	// triage list (where problems never live) the suggestions waiting in
	// it, so that 待分拣 never reads 共 0 项 with suggestions in it.
	Total    int
	ByStatus map[ProblemStatus]int
	Overdue  int // overdue today (Asia/Shanghai)
	// Waiting counts the suggestions waiting in the triage list to be
	// sorted by hand (office roles only; 0 for other lists).
	Waiting int
}

// ProblemListDetail is a problem list with its problems (oldest first) and
// their counts.
type ProblemListDetail struct {
	List     *ProblemList
	Problems []*Problem
	Counts   ProblemCounts
	// Truncated is true when the list holds more problems than one detail
	// view returns (maxDetailProblems); counts then cover those returned.
	Truncated bool
}

// maxDetailProblems bounds a problem-list detail view. Real lists hold tens
// of problems; the bound keeps a runaway list from exhausting memory.
const maxDetailProblems = 5000

// GetProblemList returns a problem list with its problems and counts. A
// unit account sees only the problems its unit leads or assists.
func (s *Service) GetProblemList(ctx context.Context, id Identity, listID string) (*ProblemListDetail, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	if !ValidKey(listID) {
		return nil, NotFound("problem list", listID)
	}
	l, err := s.store.GetProblemList(ctx, listID)
	if err != nil {
		return nil, fmt.Errorf("get problem list %s: %w", listID, err)
	}
	d := &ProblemListDetail{List: l, Problems: []*Problem{}, Counts: ProblemCounts{ByStatus: map[ProblemStatus]int{}}}
	for _, st := range ProblemStatuses {
		d.Counts.ByStatus[st] = 0
	}
	today := DateOf(s.now())
	f := ProblemFilter{ProblemListID: listID, Limit: MaxListLimit}
	for {
		page, err := s.store.ListProblems(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("get problem list %s: problems: %w", listID, err)
		}
		for _, p := range page.Items {
			if id.Role == RoleUnit && !p.InvolvesUnit(id.Unit) {
				continue
			}
			if len(d.Problems) == maxDetailProblems {
				d.Truncated = true
				break
			}
			d.Problems = append(d.Problems, p)
			d.Counts.Total++
			d.Counts.ByStatus[p.Status]++
			if p.OverdueOn(today) {
				d.Counts.Overdue++
			}
		}
		if d.Truncated || page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if l.ID == TriageListID && requireOffice(id) == nil {
		n, err := s.countWaiting(ctx)
		if err != nil {
			return nil, fmt.Errorf("get problem list %s: %w", listID, err)
		}
		d.Counts.Waiting = n
		d.Counts.Total += n
	}
	return d, nil
}

// countWaiting counts the suggestions waiting in the triage list, up to
// maxDetailProblems.
func (s *Service) countWaiting(ctx context.Context) (int, error) {
	n := 0
	f := SuggestionFilter{ProblemListID: TriageListID, Status: SuggestionRouted, Limit: MaxListLimit}
	for n < maxDetailProblems {
		page, err := s.store.ListSuggestions(ctx, f)
		if err != nil {
			return 0, fmt.Errorf("waiting suggestions: %w", err)
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	return min(n, maxDetailProblems), nil
}
