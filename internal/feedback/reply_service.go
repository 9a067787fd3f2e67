package feedback

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// ReplyToSuggestion gives a suggestion the office's reply with an outcome
// grade; its submitter sees it on the receipt page and may rate it. Any
// suggestion may be replied to, whatever its status; a re-handle is
// answered the same way. A suggestion that is part of a problem is written
// together with the problem (its reply tally, a history event), and a
// submitter who asked to be told gets a reply notice in the same write.
// Office roles only.
func (s *Service) ReplyToSuggestion(ctx context.Context, id Identity, suggestionID, text string, grade Grade) (*Suggestion, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	return s.reply(ctx, id, suggestionID, "text", text, grade, false)
}

// reply is ReplyToSuggestion and DeclineSuggestion (decline: the status
// becomes declined and the reply is the reason, grade D). field names the
// text's field in errors.
func (s *Service) reply(ctx context.Context, id Identity, suggestionID, field, text string, grade Grade, decline bool) (*Suggestion, error) {
	text = CleanText(text)
	if err := checkText(field, text, true, ReplyMaxRunes, true); err != nil {
		return nil, err
	}
	if !grade.Valid() {
		return nil, FieldErrorf("grade", "请选择办理结果:A 已解决或已采纳、B 正在解决或列入计划、C 因条件限制需以后解决、D 留作参考")
	}
	if !ValidKey(suggestionID) {
		return nil, NotFound("suggestion", suggestionID)
	}
	var (
		sg      *Suggestion
		written []*Notice
	)
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if sg, err = s.store.GetSuggestion(ctx, suggestionID); err != nil {
			return nil, fmt.Errorf("reply to suggestion %s: %w", suggestionID, err)
		}
		old := *sg
		old.Replies = slices.Clone(sg.Replies)
		if decline {
			if r := sg.LatestReply(); sg.Status == SuggestionDeclined && r != nil && r.Text == text && r.Grade == GradeD {
				return nil, nil // declined already, for the same reason
			}
			if !sg.Status.CanBecome(SuggestionDeclined) {
				return nil, &Error{Code: EConflict, Field: "status",
					Message: fmt.Sprintf("「%s」的意见建议不能标为未采纳", sg.StatusLabel())}
			}
			sg.Status = SuggestionDeclined
		}
		if len(sg.Replies) >= MaxRepliesPerSuggestion {
			return nil, &Error{Code: EConflict, Field: "text", Message: fmt.Sprintf("这条意见建议已答复 %d 次,不能再答复", MaxRepliesPerSuggestion)}
		}
		now := s.now()
		sg.Replies = append(slices.Clone(sg.Replies), Reply{Text: text, Grade: grade, At: now, By: actorName(id)})
		sg.UpdatedAt = now
		ns, err := s.submitterNotices(ctx, []*Suggestion{sg}, noticeReplied, "")
		if err != nil {
			return nil, err
		}
		write, err := s.suggestionWrite(ctx, &old, sg, ns, func(p *Problem) *AuditEvent {
			return &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionReplied,
				To: string(grade), Note: fmt.Sprintf("答复回执号 %s 的提交人,办理结果:%s %s", sg.Receipt, grade, grade.Label())}
		})
		if err != nil {
			return nil, err
		}
		return func() error {
			if err := write(); err != nil {
				return fmt.Errorf("reply to suggestion %s: %w", suggestionID, err)
			}
			written = ns
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.committed(written)
	s.log.InfoContext(ctx, "suggestion replied", "suggestion_id", sg.ID, "grade", string(grade), "decline", decline, "notices", len(written))
	return MaskFor(id, sg), nil
}

// suggestionWrite returns the write that stores sg (changed from old) with
// notices: with its problems, when it is part of any — each problem's
// reply tally moves from what old added to what sg adds, and event (when
// not nil) records why in each — else on its own. A suggestion split into
// several problems is written with all of them at once.
func (s *Service) suggestionWrite(ctx context.Context, old, sg *Suggestion, ns []*Notice, event func(*Problem) *AuditEvent) (func() error, error) {
	var ws []ProblemWrite
	for _, pid := range sg.Problems() {
		p, err := s.store.GetProblem(ctx, pid)
		if IsCode(err, ENotFound) {
			// Problems are never deleted; write without it rather than
			// fail if one is missing.
			s.log.WarnContext(ctx, "suggestion's problem not found", "suggestion_id", sg.ID, "problem_id", pid)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("problem %s: %w", pid, err)
		}
		p.retally(old, sg)
		p.UpdatedAt = sg.UpdatedAt
		var ev *AuditEvent
		if event != nil {
			ev = event(p)
		}
		ws = append(ws, ProblemWrite{Problem: p, Event: ev})
	}
	switch len(ws) {
	case 0:
		return func() error { return s.store.UpdateSuggestionWithNotices(ctx, sg, ns) }, nil
	case 1:
		ws[0].Suggestions, ws[0].Notices = []*Suggestion{sg}, ns
		return func() error { return s.store.UpdateProblem(ctx, ws[0]) }, nil
	}
	ws[0].Suggestions, ws[0].Notices = []*Suggestion{sg}, ns
	return func() error { return s.store.WriteProblems(ctx, ws) }, nil
}

// RatingInput is a submitter's rating of the reply they received.
type RatingInput struct {
	Rating  Rating
	Comment string
}

// RateReply records the submitter's rating of the latest reply to the
// suggestion behind receipt (typed as people type it). The rating must be
// known (EInvalid, field rating) and a dissatisfied one needs a comment
// (EInvalid, field comment); with no reply yet, or the latest reply already
// rated, it is EConflict. A dissatisfied rating starts a re-handle: the
// suggestion waits for a new reply (GET /api/v1/suggestions?rehandle=true),
// each of its problems records a rehandle event counted against its unit,
// and those already rectified or verified go back to reopened. It
// needs no identity: the receipt is the credential. It returns the receipt
// view after the rating.
func (s *Service) RateReply(ctx context.Context, receipt string, in RatingInput) (*ReceiptView, error) {
	rt := &ReplyRating{Rating: Rating(CleanText(string(in.Rating))), Comment: CleanText(in.Comment)}
	if err := rt.validate(); err != nil {
		return nil, err
	}
	norm, ok := NormalizeReceipt(receipt)
	if !ok {
		return nil, NotFound("receipt", receipt)
	}
	var sg *Suggestion
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if sg, err = s.store.GetSuggestionByReceipt(ctx, norm); err != nil {
			return nil, fmt.Errorf("rate reply to %s: %w", norm, err)
		}
		switch r := sg.LatestReply(); {
		case r == nil:
			return nil, &Error{Code: EConflict, Field: "rating", Message: "这条意见建议还没有答复,答复后才能评价"}
		case r.Rating != nil:
			return nil, &Error{Code: EConflict, Field: "rating", Message: "您已评价过这次答复;收到新的答复后可以再次评价"}
		}
		old := *sg
		old.Replies = slices.Clone(sg.Replies)
		now := s.now()
		sg.Replies = slices.Clone(sg.Replies)
		c := *rt
		c.At = now
		sg.Replies[len(sg.Replies)-1].Rating = &c
		sg.UpdatedAt = now
		write, err := s.suggestionWrite(ctx, &old, sg, nil, func(p *Problem) *AuditEvent {
			ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: "提交人(回执号 " + sg.Receipt + ")", At: now,
				Action: ActionRated, To: string(c.Rating), Note: "提交人评价:" + c.Rating.Label()}
			if c.Rating != RatingDissatisfied {
				return ev
			}
			p.Rehandles++
			ev.Action = ActionRehandle
			// The comment stays with the suggestion: the history says
			// where to read it, not what it says.
			ev.Note = "回执号 " + sg.Receipt + " 的提交人对答复不满意,重新办理"
			if p.Status == ProblemRectified || p.Status == ProblemVerified {
				ev.From, ev.To = string(p.Status), string(ProblemReopened)
				p.Status = ProblemReopened
				p.LookbackDue = ""
				p.RectifiedAt = time.Time{}
			}
			return ev
		})
		if err != nil {
			return nil, err
		}
		return func() error {
			if err := write(); err != nil {
				return fmt.Errorf("rate reply to %s: %w", norm, err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "reply rated", "suggestion_id", sg.ID, "rating", string(rt.Rating), "problem_id", sg.ProblemID)
	return s.receiptView(ctx, sg)
}
