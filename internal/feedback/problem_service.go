package feedback

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/textmatch"
)

// ProblemListInput is what staff give to create a problem list.
type ProblemListInput struct {
	Title       string
	Campaign    string
	SymposiumID string // optional: the symposium the list came from
	OwnerUnit   string
}

// CreateProblemList creates a problem list. Office roles only.
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
	if l.SymposiumID != "" {
		if !ValidKey(l.SymposiumID) {
			return nil, FieldErrorf("symposium_id", "unknown symposium")
		}
		if _, err := s.store.GetSymposium(ctx, l.SymposiumID); err != nil {
			if IsCode(err, ENotFound) {
				return nil, FieldErrorf("symposium_id", "unknown symposium")
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

// ProblemCounts counts a list's problems.
type ProblemCounts struct {
	Total    int
	ByStatus map[ProblemStatus]int
	Overdue  int // overdue today (Asia/Shanghai)
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
	return d, nil
}

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
}

// problemAttempts bounds retries when a suggestion or problem changes
// between reading and writing it.
const problemAttempts = 3

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
	for attempt := 1; ; attempt++ {
		p, ev, sgs, err := s.newProblem(ctx, id, in, ids)
		if err != nil {
			return nil, err
		}
		err = s.store.CreateProblem(ctx, p, ev, sgs)
		if err == nil {
			s.log.InfoContext(ctx, "problem created", "problem_id", p.ID, "problem_list_id", p.ProblemListID, "suggestions", len(sgs), "by", ev.Actor)
			return p, nil
		}
		if !IsCode(err, EConflict) || attempt == problemAttempts {
			return nil, fmt.Errorf("create problem: %w", err)
		}
	}
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
			return nil, FieldErrorf("suggestion_ids", "意见建议不存在 (suggestion %q not found)", sid)
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
	now := s.now()
	sgs := make([]*Suggestion, 0, len(ids))
	for _, sid := range ids {
		sg, err := s.store.GetSuggestion(ctx, sid)
		if err != nil {
			if IsCode(err, ENotFound) {
				return nil, nil, nil, FieldErrorf("suggestion_ids", "意见建议不存在 (suggestion %q not found)", sid)
			}
			return nil, nil, nil, fmt.Errorf("create problem: suggestion %s: %w", sid, err)
		}
		if err := adoptable(sg, ""); err != nil {
			return nil, nil, nil, err
		}
		sgs = append(sgs, sg)
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
				return nil, nil, nil, fmt.Errorf("create problem: %w", err)
			}
			if rule := r.Rule(first.RuleName); rule != nil {
				if p.ResponsibleUnit == "" {
					p.ResponsibleUnit = rule.ResponsibleUnit
				}
				if p.Deadline == "" && rule.DeadlineDays > 0 {
					p.Deadline = DateOf(now).AddDays(rule.DeadlineDays)
				}
			}
		}
	}
	switch {
	case p.ProblemListID == "":
		return nil, nil, nil, FieldErrorf("problem_list_id", "请选择问题清单 (problem_list_id is required)")
	case p.ProblemListID == TriageListID:
		return nil, nil, nil, FieldErrorf("problem_list_id", "问题不能放在待分拣清单中,请选择问题清单 (problems do not live in the triage list)")
	case !ValidKey(p.ProblemListID):
		return nil, nil, nil, FieldErrorf("problem_list_id", "问题清单不存在 (unknown problem list)")
	}
	if _, err := s.store.GetProblemList(ctx, p.ProblemListID); err != nil {
		if IsCode(err, ENotFound) {
			return nil, nil, nil, FieldErrorf("problem_list_id", "问题清单不存在 (unknown problem list)")
		}
		return nil, nil, nil, fmt.Errorf("create problem: problem list %s: %w", p.ProblemListID, err)
	}
	if err := p.Validate(); err != nil {
		return nil, nil, nil, err
	}
	ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionCreated, To: string(ProblemOpen)}
	if len(sgs) > 0 {
		ev.Note = fmt.Sprintf("由 %d 条意见建议形成 (from %d suggestions)", len(sgs), len(sgs))
	}
	for _, sg := range sgs {
		adopt(sg, p, now)
	}
	return p, ev, sgs, nil
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

// adoptable checks that sg may join problem problemID.
func adoptable(sg *Suggestion, problemID string) error {
	if sg.Status == SuggestionAdopted && sg.ProblemID != "" && sg.ProblemID != problemID {
		return &Error{Code: EConflict, Field: "suggestion_ids",
			Message: fmt.Sprintf("意见建议已并入其他问题 (suggestion %s is already part of problem %s)", sg.ID, sg.ProblemID)}
	}
	if !sg.Status.CanBecome(SuggestionAdopted) {
		return &Error{Code: EConflict, Field: "suggestion_ids",
			Message: fmt.Sprintf("意见建议当前状态不能采纳 (suggestion %s is %s)", sg.ID, sg.Status)}
	}
	return nil
}

// adopt makes sg part of p.
func adopt(sg *Suggestion, p *Problem, now time.Time) {
	sg.Status = SuggestionAdopted
	sg.ProblemID = p.ID
	sg.ProblemListID = p.ProblemListID
	sg.UpdatedAt = now
}

// DeclineSuggestion declines a suggestion that is not part of a problem:
// its status becomes declined and reason becomes the reply its submitter
// sees with the receipt. Declining again with the same reason changes
// nothing; an adopted suggestion cannot be declined (EConflict). Office
// roles only.
func (s *Service) DeclineSuggestion(ctx context.Context, id Identity, suggestionID, reason string) (*Suggestion, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	reason = CleanText(reason)
	if err := checkText("reason", reason, true, ReplyMaxRunes, true); err != nil {
		return nil, err
	}
	if !ValidKey(suggestionID) {
		return nil, NotFound("suggestion", suggestionID)
	}
	for attempt := 1; ; attempt++ {
		sg, err := s.store.GetSuggestion(ctx, suggestionID)
		if err != nil {
			return nil, fmt.Errorf("decline suggestion %s: %w", suggestionID, err)
		}
		if sg.Status == SuggestionDeclined && sg.Reply == reason {
			return sg, nil
		}
		if !sg.Status.CanBecome(SuggestionDeclined) {
			return nil, &Error{Code: EConflict, Field: "status",
				Message: fmt.Sprintf("「%s」的意见建议不能标为未采纳 (a %s suggestion cannot be declined)", sg.Status.Label(), sg.Status)}
		}
		sg.Status = SuggestionDeclined
		sg.Reply = reason
		sg.UpdatedAt = s.now()
		err = s.store.UpdateSuggestion(ctx, sg)
		if err == nil {
			return sg, nil
		}
		if !IsCode(err, EConflict) || attempt == problemAttempts {
			return nil, fmt.Errorf("decline suggestion %s: %w", suggestionID, err)
		}
	}
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
		return nil, FieldErrorf("suggestion_id", "意见建议不存在 (suggestion %q not found)", suggestionID)
	}
	for attempt := 1; ; attempt++ {
		p, err := s.store.GetProblem(ctx, problemID)
		if err != nil {
			return nil, fmt.Errorf("link suggestion to problem %s: %w", problemID, err)
		}
		sg, err := s.store.GetSuggestion(ctx, suggestionID)
		if err != nil {
			if IsCode(err, ENotFound) {
				return nil, FieldErrorf("suggestion_id", "意见建议不存在 (suggestion %q not found)", suggestionID)
			}
			return nil, fmt.Errorf("link suggestion %s: %w", suggestionID, err)
		}
		if sg.Status == SuggestionAdopted && sg.ProblemID == p.ID {
			return p, nil
		}
		if err := adoptable(sg, p.ID); err != nil {
			err.(*Error).Field = "suggestion_id"
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
			Note: "关联意见建议 (linked suggestion) " + sg.ID}
		err = s.store.UpdateProblem(ctx, p, ev, []*Suggestion{sg})
		if err == nil {
			return p, nil
		}
		if !IsCode(err, EConflict) || attempt == problemAttempts {
			return nil, fmt.Errorf("link suggestion %s to problem %s: %w", suggestionID, problemID, err)
		}
	}
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
	Progress          *string
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
	if id.Role == RoleUnit {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"title", e.Title != nil}, {"description", e.Description != nil},
			{"responsible_unit", e.ResponsibleUnit != nil}, {"co_units", e.CoUnits != nil},
			{"responsible_person", e.ResponsiblePerson != nil}, {"requirement", e.Requirement != nil},
			{"deadline", e.Deadline != nil},
		} {
			if f.set {
				return nil, &Error{Code: EForbidden, Field: f.name, Message: "责任单位只能填写整改进展 (a unit account may only update progress)"}
			}
		}
	}
	for attempt := 1; ; attempt++ {
		p, err := s.problemFor(ctx, id, problemID)
		if err != nil {
			return nil, err
		}
		if e.IfVersion != 0 && e.IfVersion != p.Version {
			return nil, &Error{Code: EConflict, Field: "version", Message: "问题已被他人修改,请刷新后再保存 (the problem changed since it was read)"}
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
		note := ""
		if e.Deadline != nil && *e.Deadline != p.Deadline {
			note = fmt.Sprintf("deadline %s → %s", orNone(p.Deadline), orNone(*e.Deadline))
			p.Deadline = *e.Deadline
			changed = append(changed, "deadline")
		}
		if len(changed) == 0 {
			return p, nil
		}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		now := s.now()
		p.UpdatedAt = now
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionEdited,
			Note: "修改 (edited): " + strings.Join(changed, ", ")}
		if note != "" {
			ev.Note += "; " + note
		}
		err = s.store.UpdateProblem(ctx, p, ev, nil)
		if err == nil {
			return p, nil
		}
		if !IsCode(err, EConflict) || e.IfVersion != 0 || attempt == problemAttempts {
			return nil, fmt.Errorf("edit problem %s: %w", problemID, err)
		}
	}
}

func orNone(d Date) string {
	if d == "" {
		return "(none)"
	}
	return string(d)
}

// unitTransitions are the statuses a responsible unit may move its own
// problem to: starting and finishing rectification. Long-term status and
// the look-back (verified, reopened) are the supervising office's call.
var unitTransitions = []ProblemStatus{ProblemRectifying, ProblemRectified}

// TransitionProblem moves a problem through its lifecycle (Problem.Apply):
// a transition the lifecycle forbids is EConflict; each one is an audit
// event with actor, from, to, note and evidence. A failed look-back
// (rectified → reopened) needs t.NewDeadline and counts as a relapse.
func (s *Service) TransitionProblem(ctx context.Context, id Identity, problemID string, t Transition) (*Problem, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	if id.Role == RoleUnit && !slices.Contains(unitTransitions, t.To) {
		return nil, &Error{Code: EForbidden, Field: "status", Message: "该状态变更须由督察部门办理 (only the office may make this transition)"}
	}
	// Dates are the office's too: EditProblem refuses a unit's deadline,
	// so a status change must not carry one in (nor push the look-back).
	if id.Role == RoleUnit && t.NewDeadline != "" {
		return nil, &Error{Code: EForbidden, Field: "deadline", Message: "整改期限须由督察部门调整 (only the office may change the deadline)"}
	}
	if id.Role == RoleUnit && t.LookbackDue != "" {
		return nil, &Error{Code: EForbidden, Field: "lookback_due", Message: "回头看日期须由督察部门确定 (only the office may set the look-back date)"}
	}
	t.Note = CleanText(t.Note)
	t.Evidence = CleanText(t.Evidence)
	for attempt := 1; ; attempt++ {
		p, err := s.problemFor(ctx, id, problemID)
		if err != nil {
			return nil, err
		}
		ev, err := p.Apply(t, s.now())
		if err != nil {
			return nil, err
		}
		ev.Actor = actorName(id)
		err = s.store.UpdateProblem(ctx, p, ev, nil)
		if err == nil {
			s.log.InfoContext(ctx, "problem transition", "problem_id", p.ID, "from", ev.From, "to", ev.To, "by", ev.Actor)
			return p, nil
		}
		if !IsCode(err, EConflict) || attempt == problemAttempts {
			return nil, fmt.Errorf("transition problem %s to %s: %w", problemID, t.To, err)
		}
	}
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

// canSeeProblem is the one authorization rule for problems: office roles
// see all, a unit only those it leads or assists.
func canSeeProblem(id Identity, p *Problem) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case RoleUnit:
		if id.Unit != "" && p.InvolvesUnit(id.Unit) {
			return nil
		}
		return Errorf(EForbidden, "该问题不属于本单位 (this problem is not your unit's)")
	}
	return Errorf(EForbidden, "no role")
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
	if id.Role == RoleUnit {
		if f.Unit != "" && f.Unit != id.Unit {
			return Page[*Problem]{}, Errorf(EForbidden, "只能查看本单位的问题 (a unit account sees only its own unit's problems)")
		}
		f.Unit = id.Unit
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
	return page, nil
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
	if err := requireAnyRole(id); err != nil {
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
