package feedback

import (
	"context"
	"fmt"
	"time"
)

// ReceiptView is what anyone holding a receipt number may see about their
// suggestion: where it is, the office's reply and, once it became part of a
// problem, that problem's status and deadline. It holds no personal data
// and none of the suggestion's text (which may itself contain some).
type ReceiptView struct {
	Receipt     string
	Kind        SuggestionKind
	Status      SuggestionStatus
	StatusLabel string // Chinese label of Status
	Reply       string // shown to the submitter; "" when none yet
	SubmittedAt time.Time
	// Problem is set once the suggestion was adopted into a problem.
	Problem *ReceiptProblem
}

// ReceiptProblem is the public view of the problem a suggestion became part of.
type ReceiptProblem struct {
	Status      ProblemStatus
	StatusLabel string // Chinese label of Status
	Deadline    Date   // "" when none was set
}

// ReceiptView looks up a suggestion by its receipt number, as the submitter
// typed it (case, spaces and dashes do not matter). A malformed or unknown
// receipt is ENotFound. Needs no identity: the receipt is the credential.
func (s *Service) ReceiptView(ctx context.Context, receipt string) (*ReceiptView, error) {
	norm, ok := NormalizeReceipt(receipt)
	if !ok {
		return nil, NotFound("receipt", receipt)
	}
	sg, err := s.store.GetSuggestionByReceipt(ctx, norm)
	if err != nil {
		return nil, fmt.Errorf("look up receipt %s: %w", norm, err)
	}
	v := &ReceiptView{
		Receipt:     sg.Receipt,
		Kind:        sg.Kind,
		Status:      sg.Status,
		StatusLabel: sg.StatusLabel(),
		Reply:       sg.Reply,
		SubmittedAt: sg.SubmittedAt,
	}
	if sg.Status == SuggestionAdopted && sg.ProblemID != "" {
		p, err := s.store.GetProblem(ctx, sg.ProblemID)
		switch {
		case err == nil:
			v.Problem = &ReceiptProblem{Status: p.Status, StatusLabel: p.Status.Label(), Deadline: p.Deadline}
		case IsCode(err, ENotFound):
			// Problems are never deleted; show the suggestion alone rather
			// than fail the submitter's lookup if one is missing.
			s.log.WarnContext(ctx, "receipt's problem not found", "suggestion_id", sg.ID, "problem_id", sg.ProblemID)
		default:
			return nil, fmt.Errorf("look up receipt %s: problem %s: %w", norm, sg.ProblemID, err)
		}
	}
	return v, nil
}
