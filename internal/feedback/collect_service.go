package feedback

import (
	"context"
	"fmt"
	"slices"
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
	// Notify asks to be told of the outcome (有办理结果时通知我); it needs
	// a Contact that is a mainland mobile number or an e-mail address.
	Notify bool
	// PhotoFileIDs are photos uploaded for a problem lead through the
	// symposium's public upload route (at most MaxPhotosPerSuggestion).
	PhotoFileIDs []string
	// WrittenOn is the day a paper form was written (staff entry and
	// import only).
	WrittenOn Date
}

// Submit stores a participant's submission through the public form of the
// symposium with the given code. Unknown code → ENotFound; a symposium that
// is not open (draft or closed) → EGone; a participant kind the symposium
// does not offer → EInvalid naming participant_kind. A repeated idempotency
// key returns the first suggestion with created == false and stores nothing;
// the same key with different content is EConflict (a reused form, not a
// retry).
func (s *Service) Submit(ctx context.Context, code string, in SubmissionInput, channel Channel) (*Suggestion, bool, error) {
	if channel != ChannelQR && channel != ChannelWeb {
		return nil, false, FieldErrorf("channel", "公开表单只能扫码或通过网页提交")
	}
	sym, err := s.FormSymposium(ctx, code)
	if err != nil {
		return nil, false, err
	}
	in.ParticipantKind = ParticipantKind(CleanText(string(in.ParticipantKind)))
	if in.ParticipantKind != "" && in.ParticipantKind.Valid() && !sym.Allows(in.ParticipantKind) {
		return nil, false, FieldErrorf("participant_kind", "本次座谈会不接受「%s」提交意见", in.ParticipantKind.Label())
	}
	sg, err := s.newSubmission(sym, in, channel)
	if err != nil {
		return nil, false, err
	}
	photos, err := s.submittedPhotos(ctx, sym, sg) // photo_service.go
	if err != nil {
		return nil, false, err
	}
	s.routeNew(ctx, sg) // route_service.go: on AWS, routed before its one write
	stored, created, err := s.createSuggestion(ctx, sg)
	if err != nil {
		return nil, false, err
	}
	s.attachPhotos(ctx, stored, photos)
	return stored, created, nil
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
		return sym, Errorf(EGone, "该座谈会尚未开始收集意见")
	}
	return sym, Errorf(EGone, "该座谈会已结束意见收集")
}

// StaffEntry stores a paper suggestion typed in by office staff (channel
// staff_entry). The symposium may be in any status: paper forms are often
// entered after the meeting closed. Any valid participant kind is taken,
// since staff copy what is on paper.
func (s *Service) StaffEntry(ctx context.Context, id Identity, symposiumID string, in SubmissionInput) (*Suggestion, bool, error) {
	if err := requireOffice(id); err != nil {
		return nil, false, err
	}
	if len(in.PhotoFileIDs) > 0 {
		return nil, false, FieldErrorf("photo_file_ids", "录入纸质意见不能附照片")
	}
	if symposiumID == "" {
		return nil, false, FieldErrorf("symposium_id", "请选择座谈会")
	}
	if !ValidKey(symposiumID) {
		return nil, false, FieldErrorf("symposium_id", "座谈会不存在")
	}
	sym, err := s.store.GetSymposium(ctx, symposiumID)
	if err != nil {
		if IsCode(err, ENotFound) {
			return nil, false, FieldErrorf("symposium_id", "座谈会不存在")
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
		Notify:          in.Notify,
		PhotoFileIDs:    uniqueIDs(in.PhotoFileIDs),
		WrittenOn:       in.WrittenOn,
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
// receipt if either clashes (60 random bits: practically never), and tells
// a retry from a reused key.
func (s *Service) createSuggestion(ctx context.Context, sg *Suggestion) (*Suggestion, bool, error) {
	var (
		stored  *Suggestion
		created bool
	)
	err := retryWrite(func(attempt int) (func() error, error) {
		if attempt > 1 {
			sg.ID = NewID(sg.SubmittedAt)
			sg.Receipt = NewReceipt()
		}
		return func() error {
			var err error
			if stored, created, err = s.store.CreateSuggestion(ctx, sg); err != nil {
				return fmt.Errorf("store suggestion for symposium %s: %w", sg.SymposiumID, err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, false, err
	}
	if !created && !sameSubmission(stored, sg) {
		// The earlier receipt stays out of the message: whoever reuses a
		// key with other content is not its submitter.
		return nil, false, &Error{Code: EConflict, Field: "idempotency_key",
			Message: "此表单已提交过,请打开新的表单再提交"}
	}
	return stored, created, nil
}

// sameSubmission reports whether b repeats a: a retry carries the same
// text, whereas a form reused after it was sent carries new text. Photos
// do not tell: a form post sent twice uploads its photos twice (the second
// copies, never attached, are swept).
func sameSubmission(a, b *Suggestion) bool {
	return a.Content == b.Content && a.Topic == b.Topic && a.Kind == b.Kind &&
		a.ParticipantKind == b.ParticipantKind && a.Channel == b.Channel
}

// uniqueIDs drops repeated IDs, keeping the first of each; nil for none.
func uniqueIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
