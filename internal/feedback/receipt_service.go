package feedback

import (
	"context"
	"fmt"
	"time"
)

// ReceiptView is what anyone holding a receipt number may see about their
// suggestion: where it is, the symposium it was given at, the office's
// reply and its grade, the submitter's rating of it, and, once it became
// part of a problem, that problem's status, deadline and progress. It holds
// no personal data and none of the suggestion's text (which may itself
// contain some), nor the submitter's rating comment.
type ReceiptView struct {
	Receipt     string
	Kind        SuggestionKind
	Status      SuggestionStatus
	StatusLabel string // Chinese label of Status
	SubmittedAt time.Time
	// WrittenOn is the day a paper form was written ("" for online ones).
	WrittenOn Date
	// SymposiumTitle and HostUnit name the symposium; SymposiumCode is its
	// form's code while it still collects (the way back to the form), ""
	// once it is closed.
	SymposiumTitle string
	HostUnit       string
	SymposiumCode  string
	// Reply is the latest reply, nil before the first one.
	Reply *ReceiptReply
	// Rating is the submitter's rating of Reply, nil until rated.
	Rating *ReceiptRating
	// CanRate: there is a reply and it is not rated yet.
	CanRate bool
	// Rehandle: the submitter was dissatisfied with Reply; the office is
	// handling the suggestion again.
	Rehandle bool
	// Problem is set once the suggestion was adopted into a problem (the
	// first one); Problems are all of them, first first, when it was split
	// into several — the submitter follows each one's progress.
	Problem  *ReceiptProblem
	Problems []ReceiptProblem
}

// ReceiptReply is a reply as its submitter sees it.
type ReceiptReply struct {
	Text       string
	Grade      Grade
	GradeLabel string
	At         time.Time
}

// ReceiptRating is a rating as the receipt shows it: without its comment.
type ReceiptRating struct {
	Rating Rating
	Label  string
	At     time.Time
}

// ReceiptProblem is the public view of the problem a suggestion became part of.
type ReceiptProblem struct {
	Status      ProblemStatus
	StatusLabel string // Chinese label of Status
	Deadline    Date   // "" when none was set
	Progress    string // the latest progress report (整改进展)
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
	return s.receiptView(ctx, sg)
}

// receiptView is sg as its submitter sees it.
func (s *Service) receiptView(ctx context.Context, sg *Suggestion) (*ReceiptView, error) {
	v := &ReceiptView{
		Receipt:     sg.Receipt,
		Kind:        sg.Kind,
		Status:      sg.Status,
		StatusLabel: sg.StatusLabel(),
		SubmittedAt: sg.SubmittedAt,
		WrittenOn:   sg.WrittenOn,
		CanRate:     sg.CanRate(),
		Rehandle:    sg.Rehandle(),
	}
	if r := sg.LatestReply(); r != nil {
		v.Reply = &ReceiptReply{Text: r.Text, Grade: r.Grade, GradeLabel: r.Grade.Label(), At: r.At}
		if sg.Status == SuggestionRouted {
			// Answered without becoming part of a problem (most
			// suggestions are): the submitter, reading the reply below,
			// is told it was answered, not that it waits to be sorted.
			v.StatusLabel = RepliedLabel
			if v.Rehandle {
				v.StatusLabel = RehandleLabel
			}
		}
		if rt := r.Rating; rt != nil {
			v.Rating = &ReceiptRating{Rating: rt.Rating, Label: rt.Rating.Label(), At: rt.At}
		}
	}
	sym, err := s.store.GetSymposium(ctx, sg.SymposiumID)
	switch {
	case err == nil:
		v.SymposiumTitle, v.HostUnit = sym.Title, sym.HostUnit
		if sym.Status == SymposiumOpen {
			v.SymposiumCode = sym.Code
		}
	case !IsCode(err, ENotFound):
		return nil, fmt.Errorf("look up receipt %s: symposium %s: %w", sg.Receipt, sg.SymposiumID, err)
	}
	if sg.Status != SuggestionAdopted {
		return v, nil
	}
	for _, pid := range sg.Problems() {
		p, err := s.store.GetProblem(ctx, pid)
		switch {
		case err == nil:
			v.Problems = append(v.Problems, ReceiptProblem{Status: p.Status, StatusLabel: p.Status.Label(), Deadline: p.Deadline, Progress: p.Progress})
		case IsCode(err, ENotFound):
			// Problems are never deleted; show the rest rather than fail
			// the submitter's lookup if one is missing.
			s.log.WarnContext(ctx, "receipt's problem not found", "suggestion_id", sg.ID, "problem_id", pid)
		default:
			return nil, fmt.Errorf("look up receipt %s: problem %s: %w", sg.Receipt, pid, err)
		}
	}
	if len(v.Problems) > 0 {
		v.Problem = &v.Problems[0]
	}
	return v, nil
}
