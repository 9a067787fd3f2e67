package feedback

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ProblemInput is what staff give to create a problem. Empty
// ResponsibleUnit and Deadline default from the routing rule that routed
// the first suggestion; an empty title from that suggestion's topic or the
// start of its content; an empty ProblemListID from the list it was routed
// to.
type ProblemInput struct {
	ProblemListID     string
	Title             string
	Description       string
	SuggestionIDs     []string // 0..MaxSuggestionsPerProblem; they become adopted
	ResponsibleUnit   string
	CoUnits           []string
	ResponsiblePerson string
	Requirement       string
	Deadline          Date
	// DeadlineWorkingDays sets the deadline as the N-th working day after
	// today instead of Deadline (at most one of the two).
	DeadlineWorkingDays int
}

// defaultTitleRunes is how much of a suggestion's content becomes a
// problem's title when neither the input nor the topic gives one.
const defaultTitleRunes = 40

// CreateProblem creates a problem (status open) from 0..50 suggestions,
// which become adopted and move to the problem's list, with a "created"
// audit event, all in one atomic write. A suggestion already adopted into a
// problem, or missing, is refused. Office roles only.
func (s *Service) CreateProblem(ctx context.Context, id Identity, in ProblemInput) (*Problem, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	ids, err := suggestionIDs(in.SuggestionIDs)
	if err != nil {
		return nil, err
	}
	var p *Problem
	err = retryWrite(func(int) (func() error, error) {
		var (
			ev  *AuditEvent
			sgs []*Suggestion
			err error
		)
		if p, ev, sgs, err = s.newProblem(ctx, id, in, ids); err != nil {
			return nil, err
		}
		assign, err := s.assignmentNotice(ctx, p, nil)
		if err != nil {
			return nil, err
		}
		ns := notices(assign)
		return func() error {
			if err := s.store.CreateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Suggestions: sgs, Notices: ns}); err != nil {
				return fmt.Errorf("create problem: %w", err)
			}
			s.committed(ns)
			s.log.InfoContext(ctx, "problem created", "problem_id", p.ID, "problem_list_id", p.ProblemListID, "suggestions", len(sgs), "by", ev.Actor)
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// suggestionIDs trims, de-duplicates and bounds a list of suggestion IDs.
func suggestionIDs(in []string) ([]string, error) {
	var ids []string
	for _, sid := range in {
		sid = strings.TrimSpace(sid)
		if sid == "" || slices.Contains(ids, sid) {
			continue
		}
		if !ValidKey(sid) {
			return nil, FieldErrorf("suggestion_ids", "意见建议不存在")
		}
		ids = append(ids, sid)
	}
	if err := checkSuggestionCount(len(ids)); err != nil {
		return nil, err
	}
	return ids, nil
}

// newProblem reads what a new problem needs and builds it, its creation
// event and its adopted suggestions, validated, without storing anything.
func (s *Service) newProblem(ctx context.Context, id Identity, in ProblemInput, ids []string) (*Problem, *AuditEvent, []*Suggestion, error) {
	sgs := make([]*Suggestion, 0, len(ids))
	for _, sid := range ids {
		sg, err := s.store.GetSuggestion(ctx, sid)
		if err != nil {
			if IsCode(err, ENotFound) {
				return nil, nil, nil, FieldErrorf("suggestion_ids", "意见建议不存在")
			}
			return nil, nil, nil, fmt.Errorf("create problem: suggestion %s: %w", sid, err)
		}
		if err := adoptable(sg, ""); err != nil {
			return nil, nil, nil, err
		}
		sgs = append(sgs, sg)
	}
	p, ev, err := s.buildProblem(ctx, id, in, sgs)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, ev, sgs, nil
}

// buildProblem builds a new problem from in and the suggestions it is made
// of (already read and checked), with its creation event, and makes the
// suggestions part of it, validated, without storing anything.
func (s *Service) buildProblem(ctx context.Context, id Identity, in ProblemInput, sgs []*Suggestion) (*Problem, *AuditEvent, error) {
	now := s.now()
	ids := make([]string, len(sgs))
	for i, sg := range sgs {
		ids[i] = sg.ID
	}
	p := &Problem{
		ID:                NewID(now),
		ProblemListID:     CleanText(in.ProblemListID),
		Title:             CleanText(in.Title),
		Description:       CleanText(in.Description),
		SuggestionIDs:     ids,
		ResponsibleUnit:   CleanText(in.ResponsibleUnit),
		CoUnits:           trimmedNonEmpty(in.CoUnits),
		ResponsiblePerson: CleanText(in.ResponsiblePerson),
		Requirement:       CleanText(in.Requirement),
		Deadline:          in.Deadline,
		Status:            ProblemOpen,
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	if len(sgs) > 0 {
		first := sgs[0]
		if p.ProblemListID == "" {
			p.ProblemListID = first.ProblemListID
		}
		if p.Title == "" {
			p.Title = defaultTitle(first)
		}
		if (p.ResponsibleUnit == "" || p.Deadline == "") && first.RuleName != "" {
			r, err := s.currentRouter(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("create problem: %w", err)
			}
			if rule := r.Rule(first.RuleName); rule != nil {
				if p.ResponsibleUnit == "" {
					p.ResponsibleUnit = rule.ResponsibleUnit
				}
				if p.Deadline == "" && in.DeadlineWorkingDays == 0 {
					switch {
					case rule.DeadlineDays > 0:
						p.Deadline = DateOf(now).AddDays(rule.DeadlineDays)
					case rule.DeadlineWorkingDays > 0:
						in.DeadlineWorkingDays = rule.DeadlineWorkingDays
					}
				}
			}
		}
	}
	if in.DeadlineWorkingDays != 0 {
		if p.Deadline != "" {
			return nil, nil, FieldErrorf("deadline_working_days", "整改期限只能填写日期或工作日天数之一")
		}
		d, err := s.deadlineIn(ctx, "deadline_working_days", in.DeadlineWorkingDays)
		if err != nil {
			return nil, nil, err
		}
		p.Deadline, p.DeadlineWorkingDays = d, in.DeadlineWorkingDays
	}
	if err := s.requireUnits(ctx, "responsible_unit", p.ResponsibleUnit); err != nil {
		return nil, nil, err
	}
	if err := s.requireUnits(ctx, "co_units", p.CoUnits...); err != nil {
		return nil, nil, err
	}
	if p.ResponsiblePerson == "" {
		// The unit's head is the default first responsible person.
		head, err := s.unitHead(ctx, p.ResponsibleUnit)
		if err != nil {
			return nil, nil, fmt.Errorf("create problem: %w", err)
		}
		p.ResponsiblePerson = head
	}
	switch {
	case p.ProblemListID == "":
		return nil, nil, FieldErrorf("problem_list_id", "请选择问题清单")
	case p.ProblemListID == TriageListID:
		return nil, nil, FieldErrorf("problem_list_id", "问题不能放在待分拣清单中,请选择问题清单")
	case !ValidKey(p.ProblemListID):
		return nil, nil, FieldErrorf("problem_list_id", "问题清单不存在")
	}
	if _, err := s.store.GetProblemList(ctx, p.ProblemListID); err != nil {
		if IsCode(err, ENotFound) {
			return nil, nil, FieldErrorf("problem_list_id", "问题清单不存在")
		}
		return nil, nil, fmt.Errorf("create problem: problem list %s: %w", p.ProblemListID, err)
	}
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionCreated, To: string(ProblemOpen)}
	if len(sgs) > 0 {
		receipts := make([]string, len(sgs))
		for i, sg := range sgs {
			receipts[i] = sg.Receipt
		}
		ev.Note = fmt.Sprintf("由 %d 条意见建议形成,回执号 %s", len(sgs), strings.Join(receipts, "、"))
	}
	for _, sg := range sgs {
		adopt(sg, p, now)
	}
	return p, ev, nil
}

// defaultTitle is a problem title drawn from a suggestion.
func defaultTitle(sg *Suggestion) string {
	if t := CleanText(sg.Topic); t != "" {
		return t
	}
	c := []rune(strings.Join(strings.Fields(sg.Content), " "))
	if len(c) > defaultTitleRunes {
		return string(c[:defaultTitleRunes]) + "…"
	}
	return string(c)
}

// adoptable checks that sg may join problem problemID. A suggestion part
// of another problem joins a further one only by a split
// (SplitSuggestion), which says so on purpose.
func adoptable(sg *Suggestion, problemID string) *Error {
	if sg.Status == SuggestionAdopted && len(sg.Problems()) > 0 && !sg.PartOf(problemID) {
		return &Error{Code: EConflict, Field: "suggestion_ids",
			Message: fmt.Sprintf("回执号 %s 的意见建议已并入其他问题;要让它再形成一个问题,请在意见建议详情中“拆分为多个问题”", sg.Receipt)}
	}
	if !sg.Status.CanBecome(SuggestionAdopted) {
		return &Error{Code: EConflict, Field: "suggestion_ids",
			Message: fmt.Sprintf("回执号 %s 的意见建议「%s」,不能采纳", sg.Receipt, sg.StatusLabel())}
	}
	return nil
}

// adopt makes sg part of p. The first problem also takes it into its
// list; a further one (a split) leaves it where it is.
func adopt(sg *Suggestion, p *Problem, now time.Time) {
	if len(sg.Problems()) == 0 {
		sg.ProblemListID = p.ProblemListID
	}
	if !sg.PartOf(p.ID) {
		// Its replies and ratings so far count in the problem's tally.
		p.retally(nil, sg)
	}
	sg.Status = SuggestionAdopted
	sg.joinProblem(p.ID)
	sg.UpdatedAt = now
}

// LinkSuggestion joins a later suggestion to an existing problem: it
// becomes adopted, moves to the problem's list, and the problem records a
// "linked" audit event. Linking a suggestion already part of that problem
// changes nothing; one part of another problem is EConflict. Office roles
// only.
func (s *Service) LinkSuggestion(ctx context.Context, id Identity, problemID, suggestionID string) (*Problem, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if !ValidKey(problemID) {
		return nil, NotFound("problem", problemID)
	}
	if !ValidKey(suggestionID) {
		return nil, FieldErrorf("suggestion_id", "意见建议不存在")
	}
	var p *Problem
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if p, err = s.store.GetProblem(ctx, problemID); err != nil {
			return nil, fmt.Errorf("link suggestion to problem %s: %w", problemID, err)
		}
		sg, err := s.store.GetSuggestion(ctx, suggestionID)
		if err != nil {
			if IsCode(err, ENotFound) {
				return nil, FieldErrorf("suggestion_id", "意见建议不存在")
			}
			return nil, fmt.Errorf("link suggestion %s: %w", suggestionID, err)
		}
		if sg.Status == SuggestionAdopted && sg.PartOf(p.ID) {
			return nil, nil
		}
		if err := adoptable(sg, p.ID); err != nil {
			err.Field = "suggestion_id"
			return nil, err
		}
		if !slices.Contains(p.SuggestionIDs, sg.ID) {
			if err := checkSuggestionCount(len(p.SuggestionIDs) + 1); err != nil {
				// The problem is full: a conflict with its state, not a
				// malformed request.
				err.Code, err.Field = EConflict, "suggestion_id"
				return nil, err
			}
			p.SuggestionIDs = append(p.SuggestionIDs, sg.ID)
		}
		now := s.now()
		p.UpdatedAt = now
		adopt(sg, p, now)
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionLinked,
			Note: "关联意见建议,回执号 " + sg.Receipt}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Suggestions: []*Suggestion{sg}}); err != nil {
				return fmt.Errorf("link suggestion %s to problem %s: %w", suggestionID, problemID, err)
			}
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ProblemEdit changes some of a problem's fields; nil fields stay as they
// are. Status changes go through TransitionProblem instead.
type ProblemEdit struct {
	Title             *string
	Description       *string
	ResponsibleUnit   *string
	CoUnits           *[]string
	ResponsiblePerson *string
	Requirement       *string
	Deadline          *Date
	// DeadlineWorkingDays sets the deadline as the N-th working day after
	// today instead of Deadline.
	DeadlineWorkingDays *int
	Progress            *string
	// LookbackDue moves the look-back (回头看) date of a rectified problem,
	// set when it was reported rectified.
	LookbackDue *Date
	// Supervised starts (true) or ends (false) the office's supervision
	// (督办) of the problem.
	Supervised *bool
	// Note is the reason for moving a deadline the problem already has
	// (a change the office grants as an extension); only with a deadline.
	Note string
	// EvidenceFileIDs are uploaded files to attach (with a progress report
	// or alone).
	EvidenceFileIDs []string
	// IfVersion, when non-zero, applies the edit only if the problem is
	// still at that version (EConflict otherwise): an editor working from a
	// stale copy does not overwrite someone else's change.
	IfVersion int64
}

// EditProblem changes a problem's fields and records an "edited" audit
// event naming the fields that changed; an edit that changes nothing
// writes nothing. A unit account may edit only the progress text of its
// own problems; everything else is the office's.
func (s *Service) EditProblem(ctx context.Context, id Identity, problemID string, e ProblemEdit) (*Problem, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	if err := canEditProblem(id, e); err != nil {
		return nil, err
	}
	var p *Problem
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if p, err = s.problemFor(ctx, id, problemID); err != nil {
			return nil, err
		}
		if err := canReportProgress(id, p); err != nil {
			return nil, err
		}
		old := *p
		// A conflict on the write, retried, ends here when IfVersion is
		// set: the problem is then at a newer version.
		if e.IfVersion != 0 && e.IfVersion != p.Version {
			return nil, &Error{Code: EConflict, Field: "version", Message: "问题已被他人修改,请刷新后再保存"}
		}
		var changed []string
		str := func(name string, dst *string, src *string) {
			if src == nil {
				return
			}
			if v := CleanText(*src); v != *dst {
				*dst = v
				changed = append(changed, name)
			}
		}
		str("title", &p.Title, e.Title)
		str("description", &p.Description, e.Description)
		str("responsible_unit", &p.ResponsibleUnit, e.ResponsibleUnit)
		str("responsible_person", &p.ResponsiblePerson, e.ResponsiblePerson)
		str("requirement", &p.Requirement, e.Requirement)
		str("progress", &p.Progress, e.Progress)
		if e.CoUnits != nil {
			if v := trimmedNonEmpty(*e.CoUnits); !slices.Equal(v, p.CoUnits) {
				p.CoUnits = v
				changed = append(changed, "co_units")
			}
		}
		e.Note = CleanText(e.Note)
		if e.Note != "" && e.Deadline == nil && e.DeadlineWorkingDays == nil {
			return nil, FieldErrorf("note", "备注只能随状态变更或整改期限调整提交")
		}
		if err := checkText("note", e.Note, false, NoteMaxRunes, true); err != nil {
			return nil, err
		}
		note := ""
		if e.DeadlineWorkingDays != nil {
			if e.Deadline != nil {
				return nil, FieldErrorf("deadline_working_days", "整改期限只能填写日期或工作日天数之一")
			}
			d, err := s.deadlineIn(ctx, "deadline_working_days", *e.DeadlineWorkingDays)
			if err != nil {
				return nil, err
			}
			if d != p.Deadline {
				note = fmt.Sprintf("整改期限 %s → %s", orNone(p.Deadline), orNone(d))
				p.Deadline = d
				changed = append(changed, "deadline")
			}
			p.DeadlineWorkingDays = *e.DeadlineWorkingDays
		}
		if e.Deadline != nil && *e.Deadline != p.Deadline {
			p.DeadlineWorkingDays = 0
			note = fmt.Sprintf("整改期限 %s → %s", orNone(p.Deadline), orNone(*e.Deadline))
			p.Deadline = *e.Deadline
			changed = append(changed, "deadline")
		}
		now := s.now()
		// Moving a deadline the problem already has to a later day is an
		// extension the office grants itself: the first deadline stays the
		// one timeliness is judged against, and it counts as an extension.
		// An earlier day (a tighter deadline, or a mistyped one corrected)
		// is no extension: the unit is judged against it and told of it.
		var ext *Extension
		forward := false
		if p.Deadline != old.Deadline && old.Deadline != "" {
			if forward = p.Deadline.Before(old.Deadline); forward {
				if err := deadlineForward(p); err != nil {
					return nil, err
				}
			} else if ext, err = officeExtension(id, p, &old, e.Note, now); err != nil {
				return nil, err
			}
		}
		files, fileWrites, err := s.attachEvidence(ctx, id, p, e.EvidenceFileIDs, now)
		if err != nil {
			return nil, err
		}
		if len(files) > 0 {
			changed = append(changed, "evidence_file_ids") // 佐证材料, not the 佐证说明 text of a transition
		}
		if e.Supervised != nil && *e.Supervised != p.Supervised {
			p.Supervised = *e.Supervised
			changed = append(changed, "supervised")
		}
		lookback := ""
		if e.LookbackDue != nil && *e.LookbackDue != p.LookbackDue {
			if p.Status != ProblemRectified {
				return nil, FieldErrorf("lookback_due", "只有已完成整改、等待回头看的问题才有回头看日期")
			}
			if *e.LookbackDue == "" || !e.LookbackDue.Valid() {
				return nil, FieldErrorf("lookback_due", "回头看日期应为 YYYY-MM-DD 格式的日期")
			}
			lookback = fmt.Sprintf("回头看日期 %s → %s", orNone(p.LookbackDue), *e.LookbackDue)
			p.LookbackDue = *e.LookbackDue
			changed = append(changed, "lookback_due")
		}
		if len(changed) == 0 {
			return nil, nil
		}
		if p.ResponsibleUnit != old.ResponsibleUnit {
			if err := s.requireUnits(ctx, "responsible_unit", p.ResponsibleUnit); err != nil {
				return nil, err
			}
		}
		var added []string
		for _, u := range p.CoUnits {
			if !slices.Contains(old.CoUnits, u) {
				added = append(added, u)
			}
		}
		if err := s.requireUnits(ctx, "co_units", added...); err != nil {
			return nil, err
		}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		p.UpdatedAt = now
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionEdited,
			Note: "修改了" + fieldList(changed), Files: files}
		if len(changed) == 1 && changed[0] == "supervised" {
			ev.Note = map[bool]string{true: "设为督办", false: "取消督办"}[p.Supervised]
		}
		for _, n := range []string{note, lookback} {
			if n != "" {
				ev.Note += ";" + n
			}
		}
		if forward && e.Note != "" {
			ev.Note += ";理由:" + e.Note
		}
		assign, err := s.assignmentNotice(ctx, p, &old)
		if err != nil {
			return nil, err
		}
		ns := notices(assign)
		if ext != nil {
			// In the history as what it is: an extension the office
			// granted, with whatever else the same save changed.
			ev.Action = ActionExtensionApproved
			ev.Note = "督察部门调整整改期限(视同延期):" + note + ";原定期限 " + string(p.OriginalDeadline)
			if others := slices.DeleteFunc(slices.Clone(changed), func(f string) bool { return f == "deadline" }); len(others) > 0 {
				ev.Note += ";同时修改了" + fieldList(others)
			}
			if e.Note != "" {
				ev.Note += ";理由:" + e.Note
			}
			if assign == nil { // a new lead unit hears of the problem from its assignment notice
				text := fmt.Sprintf("【建言】整改期限调整:问题「%s」的整改期限已由督察部门调整为 %s(视同延期,按期与否仍按原定期限 %s 判断)。",
					p.Title, p.Deadline, p.OriginalDeadline)
				if e.Note != "" {
					text += "理由:" + sentence(e.Note)
				}
				ns = append(ns, s.newNotice(NoticeExtensionDecision, p, p.ResponsibleUnit, nil, text))
			}
		}
		if forward && assign == nil {
			text := fmt.Sprintf("【建言】整改期限调整:问题「%s」的整改期限已由督察部门提前至 %s,请按新的期限整改。", p.Title, p.Deadline)
			if e.Note != "" {
				text += "理由:" + sentence(e.Note)
			}
			ns = append(ns, s.newNotice(NoticeExtensionDecision, p, p.ResponsibleUnit, nil, text))
		}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Extension: ext, Notices: ns, Files: fileWrites}); err != nil {
				return fmt.Errorf("edit problem %s: %w", problemID, err)
			}
			s.committed(ns)
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// fieldList names request fields in Chinese: 标题、整改期限.
func fieldList(fields []string) string {
	labels := make([]string, len(fields))
	for i, f := range fields {
		labels[i] = FieldLabel(f)
	}
	return strings.Join(labels, "、")
}

func orNone(d Date) string {
	if d == "" {
		return "无"
	}
	return string(d)
}

// TransitionProblem moves a problem through its lifecycle (Problem.Apply):
// a transition the lifecycle forbids is EConflict; each one is an audit
// event with actor, from, to, note and evidence. A failed look-back
// (rectified → reopened) needs t.NewDeadline and counts as a relapse.
func (s *Service) TransitionProblem(ctx context.Context, id Identity, problemID string, t Transition) (*Problem, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	if err := canTransition(id, t); err != nil {
		return nil, err
	}
	t.Note = CleanText(t.Note)
	t.Evidence = CleanText(t.Evidence)
	if t.NewDeadlineWorkingDays != 0 {
		if t.NewDeadline != "" {
			return nil, FieldErrorf("deadline_working_days", "整改期限只能填写日期或工作日天数之一")
		}
		d, err := s.deadlineIn(ctx, "deadline_working_days", t.NewDeadlineWorkingDays)
		if err != nil {
			return nil, err
		}
		t.NewDeadline = d
	}
	var (
		p       *Problem
		written []*Notice
	)
	err := retryWrite(func(int) (func() error, error) {
		var err error
		if p, err = s.problemFor(ctx, id, problemID); err != nil {
			return nil, err
		}
		if err := canMoveStatus(id, p); err != nil {
			return nil, err
		}
		now := s.now()
		ev, err := p.Apply(t, now)
		if err != nil {
			return nil, err
		}
		ev.Actor = actorName(id)
		var fileWrites []*File
		if ev.Files, fileWrites, err = s.attachEvidence(ctx, id, p, t.EvidenceFileIDs, now); err != nil {
			return nil, err
		}
		var ns []*Notice
		if t.To == ProblemRectified {
			// Submitters who asked are told their problem is rectified.
			if ns, err = s.rectifiedNotices(ctx, p); err != nil {
				return nil, err
			}
		}
		if t.To == ProblemReopened && p.ResponsibleUnit != "" {
			// The units hear at once that the problem is theirs again.
			ns = append(ns, s.newNotice(NoticeReopened, p, p.ResponsibleUnit, p.CoUnits, reopenedText(p, ev)))
		}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Files: fileWrites, Notices: ns}); err != nil {
				return fmt.Errorf("transition problem %s to %s: %w", problemID, t.To, err)
			}
			s.log.InfoContext(ctx, "problem transition", "problem_id", p.ID, "from", ev.From, "to", ev.To, "by", ev.Actor, "notices", len(ns))
			written = ns
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.committed(written)
	return p, nil
}

// rectifiedNotices are the reply notices telling the submitters of p's
// suggestions who asked to be told that it is rectified.
func (s *Service) rectifiedNotices(ctx context.Context, p *Problem) ([]*Notice, error) {
	var sgs []*Suggestion
	f := SuggestionFilter{ProblemID: p.ID, Limit: MaxListLimit}
	for {
		page, err := s.store.ListSuggestions(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("suggestions of problem %s: %w", p.ID, err)
		}
		for _, sg := range page.Items {
			if sg.PartOf(p.ID) {
				sgs = append(sgs, sg)
			}
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	return s.submitterNotices(ctx, sgs, noticeRectified, p.ID)
}

// reopenedText tells the units a problem they had rectified is theirs
// again: why, and by when.
func reopenedText(p *Problem, ev *AuditEvent) string {
	why := "回头看未通过"
	if ev.From == string(ProblemVerified) {
		why = "回头看通过后再次出现问题(整改反弹)"
	}
	text := fmt.Sprintf("【建言】重新整改通知:问题「%s」%s,请重新整改。", p.Title, why)
	if ev.Note != "" {
		text += "发现的问题:" + sentence(ev.Note)
	}
	if p.Deadline != "" {
		text += "整改期限:" + string(p.Deadline)
		if p.DeadlineWorkingDays > 0 {
			text += fmt.Sprintf("(%d 个工作日)", p.DeadlineWorkingDays)
		}
		text += "。"
	}
	return text + "请登录建言系统查看问题详情,按期整改并报送进展。"
}

// problemFor reads a problem the caller may see: EForbidden for a unit
// account and a problem its unit neither leads nor assists.
func (s *Service) problemFor(ctx context.Context, id Identity, problemID string) (*Problem, error) {
	if !ValidKey(problemID) {
		return nil, NotFound("problem", problemID)
	}
	p, err := s.store.GetProblem(ctx, problemID)
	if err != nil {
		return nil, fmt.Errorf("get problem %s: %w", problemID, err)
	}
	if err := canSeeProblem(id, p); err != nil {
		return nil, err
	}
	return p, nil
}

// GetProblem returns one problem the caller may see.
func (s *Service) GetProblem(ctx context.Context, id Identity, problemID string) (*Problem, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	return s.problemFor(ctx, id, problemID)
}

// ListProblems lists problems, oldest first. f.OverdueOn (e.g. today,
// DateOf(s.Now())) keeps only overdue ones. A unit account lists only the
// problems its unit leads; asking for another unit's is EForbidden.
func (s *Service) ListProblems(ctx context.Context, id Identity, f ProblemFilter) (Page[*Problem], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*Problem]{}, err
	}
	f.Unit = CleanText(f.Unit)
	if err := f.Validate(); err != nil {
		return Page[*Problem]{}, err
	}
	f, err := problemFilterFor(id, f)
	if err != nil {
		return Page[*Problem]{}, err
	}
	page, err := s.store.ListProblems(ctx, f)
	if err != nil {
		return page, fmt.Errorf("list problems: %w", err)
	}
	return page, nil
}

// History lists a problem's audit events, oldest first.
func (s *Service) History(ctx context.Context, id Identity, problemID string, limit int, cursor string) (Page[*AuditEvent], error) {
	if err := requireAnyRole(id); err != nil {
		return Page[*AuditEvent]{}, err
	}
	if _, err := s.problemFor(ctx, id, problemID); err != nil {
		return Page[*AuditEvent]{}, err
	}
	page, err := s.store.ListAuditEvents(ctx, problemID, limit, cursor)
	if err != nil {
		return page, fmt.Errorf("history of problem %s: %w", problemID, err)
	}
	for i, ev := range page.Items {
		page.Items[i] = MaskEventFor(id, ev)
	}
	return page, nil
}

// attachEvidence prepares the attachment of the uploaded files fileIDs to
// p (see Files.AttachEvidence): it adds those not yet listed to p.Evidence
// and returns the references added, for the change's audit event, and the
// file records to store in the same write (ProblemWrite.Files). Without a
// file storage configured, naming files is EUnsupported.
func (s *Service) attachEvidence(ctx context.Context, id Identity, p *Problem, fileIDs []string, now time.Time) ([]EvidenceRef, []*File, error) {
	if len(fileIDs) == 0 {
		return nil, nil, nil
	}
	if s.files == nil {
		return nil, nil, &Error{Code: EUnsupported, Field: "evidence_file_ids", Message: "本系统未配置文件存储,无法附加佐证材料"}
	}
	files, changed, err := s.files.AttachEvidence(ctx, id, p, fileIDs)
	if err != nil {
		return nil, nil, err
	}
	listed := map[string]bool{}
	for _, e := range p.Evidence {
		listed[e.FileID] = true
	}
	var added []EvidenceRef
	for _, f := range files {
		if listed[f.ID] {
			continue
		}
		ref := EvidenceRef{FileID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, By: actorName(id), At: now}
		p.Evidence = append(p.Evidence, ref)
		added = append(added, ref)
	}
	return added, changed, nil
}
