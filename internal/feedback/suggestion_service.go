package feedback

import (
	"context"
	"fmt"
	"sort"

	"github.com/jianyan/jianyan/internal/textmatch"
)

// ListSuggestions lists suggestions for staff, newest first. A unit
// account lists only the suggestions of one problem it leads or assists
// (f.ProblemID), and sees names and contact details masked.
func (s *Service) ListSuggestions(ctx context.Context, id Identity, f SuggestionFilter) (Page[*Suggestion], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*Suggestion]{}, err
	}
	if err := canListSuggestions(id, f); err != nil {
		return Page[*Suggestion]{}, err
	}
	if id.Role == RoleUnit {
		if _, err := s.problemFor(ctx, id, f.ProblemID); err != nil {
			return Page[*Suggestion]{}, err
		}
	}
	if err := f.Validate(); err != nil {
		return Page[*Suggestion]{}, err
	}
	// To is exclusive (the API's inclusive "to" day plus one), so To == From
	// is already "to before from".
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return Page[*Suggestion]{}, FieldErrorf("to", "截止日期不能早于起始日期")
	}
	p, err := s.store.ListSuggestions(ctx, f)
	if err != nil {
		return p, fmt.Errorf("list suggestions: %w", err)
	}
	for i, sg := range p.Items {
		p.Items[i] = MaskFor(id, sg)
	}
	return p, nil
}

// GetSuggestion returns one suggestion for staff; masked for unit accounts.
func (s *Service) GetSuggestion(ctx context.Context, id Identity, suggestionID string) (*Suggestion, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	if !ValidKey(suggestionID) {
		return nil, NotFound("suggestion", suggestionID)
	}
	sg, err := s.store.GetSuggestion(ctx, suggestionID)
	if err != nil {
		return nil, fmt.Errorf("get suggestion %s: %w", suggestionID, err)
	}
	if id.Role == RoleUnit {
		if err := s.unitSeesSuggestion(ctx, id, sg); err != nil {
			return nil, err
		}
	}
	return MaskFor(id, sg), nil
}

// unitSeesSuggestion: a unit account sees a suggestion that is part of a
// problem its unit leads or assists (any of the problems it was split
// into); else EForbidden.
func (s *Service) unitSeesSuggestion(ctx context.Context, id Identity, sg *Suggestion) error {
	return seesSuggestion(ctx, s.store, id, sg)
}

// seesSuggestion is unitSeesSuggestion over any problem reader.
func seesSuggestion(ctx context.Context, problems problemReader, id Identity, sg *Suggestion) error {
	var denied error
	for _, pid := range sg.Problems() {
		if !ValidKey(pid) {
			continue
		}
		p, err := problems.GetProblem(ctx, pid)
		if err != nil && !IsCode(err, ENotFound) {
			return fmt.Errorf("suggestion %s: problem %s: %w", sg.ID, pid, err)
		}
		if err == nil {
			if denied = canSeeSuggestion(id, p); denied == nil {
				return nil
			}
		}
	}
	if denied != nil {
		return denied
	}
	return canSeeSuggestion(id, nil)
}

// SuggestionByReceipt finds a suggestion by its receipt number as someone
// read it out or typed it (case, spaces and dashes do not matter), for the
// office answering a submitter who calls with their receipt. A malformed
// or unknown receipt is ENotFound. Office roles only: a receipt names any
// suggestion, not only a unit's own.
func (s *Service) SuggestionByReceipt(ctx context.Context, id Identity, receipt string) (*Suggestion, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	norm, ok := NormalizeReceipt(receipt)
	if !ok {
		return nil, NotFound("receipt", receipt)
	}
	sg, err := s.store.GetSuggestionByReceipt(ctx, norm)
	if err != nil {
		return nil, fmt.Errorf("look up receipt %s: %w", norm, err)
	}
	return MaskFor(id, sg), nil
}

// DeclineSuggestion declines a suggestion that is not part of a problem:
// its status becomes declined and reason becomes its reply, grade D (留作
// 参考), which its submitter sees with the receipt (and, having asked, is
// told of). Declining again with the same reason changes nothing; an
// adopted suggestion cannot be declined (EConflict). Office roles only.
func (s *Service) DeclineSuggestion(ctx context.Context, id Identity, suggestionID, reason string) (*Suggestion, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	return s.reply(ctx, id, suggestionID, "reason", reason, GradeD, true)
}

// SimilarityThreshold is the bigram similarity (Dice, 0..1) from which a
// suggestion is shown as a likely duplicate of another.
const SimilarityThreshold = 0.6

// maxSimilarScan bounds how many suggestions of a list SimilarSuggestions
// compares (the newest); maxSimilarResults how many it returns.
const (
	maxSimilarScan    = 2000
	maxSimilarResults = 20
)

// SimilarSuggestion is a likely duplicate and how alike it is (0..1).
type SimilarSuggestion struct {
	Suggestion *Suggestion
	Score      float64
}

// SimilarSuggestions returns the suggestions in the same problem list (or,
// before routing, the same symposium) whose topic and content are at least
// SimilarityThreshold alike, most similar first. It is a hint: nothing is
// merged; staff decide, e.g. by linking both to one problem. Unit accounts
// see personal data masked.
func (s *Service) SimilarSuggestions(ctx context.Context, id Identity, suggestionID string) ([]SimilarSuggestion, error) {
	// Sorting duplicates is the office's triage work, over suggestions a
	// unit may not see.
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if !ValidKey(suggestionID) {
		return nil, NotFound("suggestion", suggestionID)
	}
	sg, err := s.store.GetSuggestion(ctx, suggestionID)
	if err != nil {
		return nil, fmt.Errorf("similar suggestions to %s: %w", suggestionID, err)
	}
	f := SuggestionFilter{ProblemListID: sg.ProblemListID, Limit: MaxListLimit}
	if sg.ProblemListID == "" {
		f = SuggestionFilter{SymposiumID: sg.SymposiumID, Limit: MaxListLimit}
	}
	target := textmatch.NewProfile(sg.Topic + " " + sg.Content)
	out := []SimilarSuggestion{}
	for seen := 0; seen < maxSimilarScan; {
		page, err := s.store.ListSuggestions(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("similar suggestions to %s: list: %w", suggestionID, err)
		}
		for _, o := range page.Items {
			seen++
			if o.ID == sg.ID {
				continue
			}
			if score := target.Similarity(textmatch.NewProfile(o.Topic + " " + o.Content)); score >= SimilarityThreshold {
				out = append(out, SimilarSuggestion{Suggestion: MaskFor(id, o), Score: score})
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > maxSimilarResults {
		out = out[:maxSimilarResults]
	}
	return out, nil
}
