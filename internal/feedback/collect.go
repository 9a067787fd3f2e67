package feedback

import (
	"context"
	"fmt"
)

// SubmissionInput is what a participant (or staff copying a paper form)
// fills in. Text is cleaned (trimmed, line endings normalised) before it is
// validated; lengths are counted in runes.
type SubmissionInput struct {
	ParticipantKind ParticipantKind
	Kind            SuggestionKind // "" means KindSuggestion
	Name            string
	Organization    string
	Contact         string
	Topic           string
	Content         string
	// IdempotencyKey makes a retried submission return the first receipt
	// within IdempotencyWindow; "" means none.
	IdempotencyKey string
}

// receiptAttempts bounds retries when a fresh ID or receipt clashes with a
// stored one (60 random bits: practically never).
const receiptAttempts = 3

// Submit stores a participant's submission through the public form of the
// symposium with the given code. Unknown code → ENotFound; a symposium that
// is not open (draft or closed) → EGone; a participant kind the symposium
// does not offer → EInvalid naming participant_kind. A repeated idempotency
// key returns the first suggestion with created == false and stores nothing;
// the same key with different content is EConflict (a reused form, not a
// retry).
func (s *Service) Submit(ctx context.Context, code string, in SubmissionInput, channel Channel) (*Suggestion, bool, error) {
	if channel != ChannelQR && channel != ChannelWeb {
		return nil, false, FieldErrorf("channel", "the public form is channel qr or web")
	}
	sym, err := s.FormSymposium(ctx, code)
	if err != nil {
		return nil, false, err
	}
	in.ParticipantKind = ParticipantKind(CleanText(string(in.ParticipantKind)))
	if in.ParticipantKind != "" && in.ParticipantKind.Valid() && !sym.Allows(in.ParticipantKind) {
		return nil, false, FieldErrorf("participant_kind", "本次座谈会不接受该参会身份 (participant kind %s is not offered by this symposium)", in.ParticipantKind)
	}
	return s.storeSubmission(ctx, sym, in, channel)
}

// FormSymposium returns the symposium behind a public form code. Unknown
// code → ENotFound; a symposium that is not open → EGone, returned together
// with the symposium so the page can name it.
func (s *Service) FormSymposium(ctx context.Context, code string) (*Symposium, error) {
	if !ValidSymposiumCode(code) {
		return nil, NotFound("symposium", code)
	}
	sym, err := s.store.GetSymposiumByCode(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("symposium by code %s: %w", code, err)
	}
	switch sym.Status {
	case SymposiumOpen:
		return sym, nil
	case SymposiumDraft:
		return sym, Errorf(EGone, "该座谈会尚未开始收集意见 (symposium not open yet)")
	}
	return sym, Errorf(EGone, "该座谈会已结束意见收集 (symposium closed)")
}

// StaffEntry stores a paper suggestion typed in by office staff (channel
// staff_entry). The symposium may be in any status: paper forms are often
// entered after the meeting closed. Any valid participant kind is taken,
// since staff copy what is on paper.
func (s *Service) StaffEntry(ctx context.Context, id Identity, symposiumID string, in SubmissionInput) (*Suggestion, bool, error) {
	if err := requireOffice(id); err != nil {
		return nil, false, err
	}
	if symposiumID == "" {
		return nil, false, FieldErrorf("symposium_id", "symposium_id is required")
	}
	if !ValidKey(symposiumID) {
		return nil, false, FieldErrorf("symposium_id", "unknown symposium")
	}
	sym, err := s.store.GetSymposium(ctx, symposiumID)
	if err != nil {
		if IsCode(err, ENotFound) {
			return nil, false, FieldErrorf("symposium_id", "unknown symposium")
		}
		return nil, false, fmt.Errorf("staff entry for %s: %w", symposiumID, err)
	}
	return s.storeSubmission(ctx, sym, in, ChannelStaffEntry)
}

// newSubmission builds and validates a suggestion for sym without storing it.
func (s *Service) newSubmission(sym *Symposium, in SubmissionInput, channel Channel) (*Suggestion, error) {
	now := s.now()
	sg := &Suggestion{
		ID:              NewID(now),
		Receipt:         NewReceipt(),
		SymposiumID:     sym.ID,
		Campaign:        sym.Campaign,
		Kind:            SuggestionKind(CleanText(string(in.Kind))),
		ParticipantKind: ParticipantKind(CleanText(string(in.ParticipantKind))),
		Name:            CleanText(in.Name),
		Organization:    CleanText(in.Organization),
		Contact:         CleanText(in.Contact),
		Topic:           CleanText(in.Topic),
		Content:         CleanText(in.Content),
		Channel:         channel,
		Status:          SuggestionReceived,
		IdempotencyKey:  in.IdempotencyKey,
		SubmittedAt:     now,
		UpdatedAt:       now,
	}
	if sg.Kind == "" {
		sg.Kind = KindSuggestion
	}
	if err := sg.Validate(); err != nil {
		return nil, err
	}
	return sg, nil
}

// storeSubmission validates and stores one submission, honouring its
// idempotency key.
func (s *Service) storeSubmission(ctx context.Context, sym *Symposium, in SubmissionInput, channel Channel) (*Suggestion, bool, error) {
	sg, err := s.newSubmission(sym, in, channel)
	if err != nil {
		return nil, false, err
	}
	return s.createSuggestion(ctx, sg)
}

// createSuggestion stores a validated suggestion, drawing a new ID and
// receipt if either clashes, and tells a retry from a reused key.
func (s *Service) createSuggestion(ctx context.Context, sg *Suggestion) (*Suggestion, bool, error) {
	for attempt := 1; ; attempt++ {
		stored, created, err := s.store.CreateSuggestion(ctx, sg)
		if err == nil {
			if !created && !sameSubmission(stored, sg) {
				// The earlier receipt stays out of the message: whoever
				// reuses a key with other content is not its submitter.
				return nil, false, &Error{Code: EConflict, Field: "idempotency_key",
					Message: "此表单已提交过,请打开新的表单再提交 (idempotency key already used for a different submission)"}
			}
			return stored, created, nil
		}
		if !IsCode(err, EConflict) || attempt == receiptAttempts {
			return nil, false, fmt.Errorf("store suggestion for symposium %s: %w", sg.SymposiumID, err)
		}
		sg.ID = NewID(sg.SubmittedAt)
		sg.Receipt = NewReceipt()
	}
}

// sameSubmission reports whether b repeats a: a retry carries the same
// text, whereas a form reused after it was sent carries new text.
func sameSubmission(a, b *Suggestion) bool {
	return a.Content == b.Content && a.Topic == b.Topic && a.Kind == b.Kind &&
		a.ParticipantKind == b.ParticipantKind && a.Channel == b.Channel
}

// ListSuggestions lists suggestions for staff, newest first. Unit accounts
// see names and contact details masked.
func (s *Service) ListSuggestions(ctx context.Context, id Identity, f SuggestionFilter) (Page[*Suggestion], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*Suggestion]{}, err
	}
	if err := f.Validate(); err != nil {
		return Page[*Suggestion]{}, err
	}
	// To is exclusive (the API's inclusive "to" day plus one), so To == From
	// is already "to before from".
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return Page[*Suggestion]{}, FieldErrorf("to", "to is before from")
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
	return MaskFor(id, sg), nil
}

// MaskFor returns sg as the caller may see it: unchanged for admin and
// staff, a copy with name and contact masked for anyone else. The
// organization stays visible: it is usually the enterprise or village the
// problem is about, which a responsible unit needs to act.
func MaskFor(id Identity, sg *Suggestion) *Suggestion {
	if id.CanSeeContacts() || sg == nil {
		return sg
	}
	c := *sg
	c.Name = MaskName(c.Name)
	c.Contact = MaskContact(c.Contact)
	c.IdempotencyKey = ""
	return &c
}
