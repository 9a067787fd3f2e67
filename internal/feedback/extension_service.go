package feedback

import (
	"context"
	"fmt"
	"time"
)

// Extensions (延期申请): the lead unit or the office asks for a later
// deadline with a reason; the office decides. A request and its decision
// are each one atomic problem write (the problem, its history event, the
// extension record and, for the decision, the notice to the unit), under
// the problem's version: of two concurrent decisions exactly one is
// stored, and the other finds the request decided.

// ExtensionInput is a request for a later deadline: a date, or a number of
// working days from today.
type ExtensionInput struct {
	Deadline            Date
	DeadlineWorkingDays int
	Reason              string
}

// RequestExtension asks for a later deadline for a problem. The office, or
// the problem's lead unit (a co-unit may not), may ask; one request waits
// at a time (EConflict while one is pending), and only while the problem
// can still run late (open, rectifying, reopened).
func (s *Service) RequestExtension(ctx context.Context, id Identity, problemID string, in ExtensionInput) (*Extension, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	in.Reason = CleanText(in.Reason)
	if err := checkText("reason", in.Reason, true, NoteMaxRunes, true); err != nil {
		return nil, FieldErrorf("reason", "请说明申请延期的理由")
	}
	if in.DeadlineWorkingDays != 0 {
		if in.Deadline != "" {
			return nil, FieldErrorf("deadline_working_days", "申请延至的期限只能填写日期或工作日天数之一")
		}
		d, err := s.deadlineIn(ctx, "deadline_working_days", in.DeadlineWorkingDays)
		if err != nil {
			return nil, err
		}
		in.Deadline = d
	}
	if in.Deadline == "" || !in.Deadline.Valid() {
		return nil, FieldErrorf("deadline", "请填写申请延至的整改期限(YYYY-MM-DD)")
	}
	var ext *Extension
	err := retryWrite(func(int) (func() error, error) {
		p, err := s.problemFor(ctx, id, problemID)
		if err != nil {
			return nil, err
		}
		if err := canRequestExtension(id, p); err != nil {
			return nil, err
		}
		if !p.Status.CanBeOverdue() {
			return nil, &Error{Code: EConflict, Field: "status", Message: fmt.Sprintf("「%s」的问题不能申请延期", p.Status.Label())}
		}
		if p.PendingExtensionID != "" {
			return nil, &Error{Code: EConflict, Field: "deadline", Message: "该问题已有待审批的延期申请,请等待督察部门审批"}
		}
		today := DateOf(s.now())
		if !today.Before(in.Deadline) || (p.Deadline != "" && !p.Deadline.Before(in.Deadline)) {
			return nil, FieldErrorf("deadline", "申请延至的期限应晚于今天和现在的整改期限(%s)", orText(string(p.Deadline), "未设"))
		}
		now := s.now()
		ext = &Extension{
			ID: NewID(now), ProblemID: p.ID, Deadline: in.Deadline, WorkingDays: in.DeadlineWorkingDays,
			PreviousDeadline: p.Deadline, Reason: in.Reason, RequestedBy: actorName(id), RequestedAt: now,
			Status: ExtensionPending,
		}
		if id.Role == RoleUnit {
			ext.RequestedUnit = id.Unit
		}
		if err := ext.Validate(); err != nil {
			return nil, err
		}
		p.PendingExtensionID, p.UpdatedAt = ext.ID, now
		note := fmt.Sprintf("申请将整改期限延至 %s", ext.Deadline)
		if ext.WorkingDays > 0 {
			note += fmt.Sprintf("(%d 个工作日)", ext.WorkingDays)
		}
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now, Action: ActionExtensionRequested,
			Note: note + ";理由:" + ext.Reason}
		// The office hears at once that a decision waits for it: on its
		// own channel only (no unit is addressed), linking to the problem.
		ns := []*Notice{s.newNotice(NoticeExtensionRequest, p, "", nil, extensionRequestText(p, ext))}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Extension: ext, Notices: ns}); err != nil {
				return fmt.Errorf("request extension of problem %s: %w", p.ID, err)
			}
			s.committed(ns)
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "extension requested", "problem_id", problemID, "extension_id", ext.ID, "by", ext.RequestedBy)
	return ext, nil
}

// extensionRequestText tells the office who asks for how much more time
// on which problem, and why.
func extensionRequestText(p *Problem, ext *Extension) string {
	who := ext.RequestedUnit
	if who == "" {
		who = "督察部门" + ext.RequestedBy
	}
	asked := string(ext.Deadline)
	if ext.WorkingDays > 0 {
		asked += fmt.Sprintf("(%d 个工作日)", ext.WorkingDays)
	}
	return fmt.Sprintf("【建言】延期申请待审批:%s申请将问题「%s」的整改期限由 %s 延至 %s。理由:%s请登录建言系统,在问题跟踪的「延期待审批」中审批。",
		who, p.Title, orText(string(ext.PreviousDeadline), "未设"), asked, sentence(ext.Reason))
}

// DecideExtension approves or refuses a pending request. The office only
// (a unit account gets EForbidden). Approval moves the deadline; the
// problem keeps its first deadline in OriginalDeadline and counts the
// extension. The unit hears of the decision at once (a notice).
func (s *Service) DecideExtension(ctx context.Context, id Identity, problemID, extID string, approve bool, note string) (*Extension, error) {
	if err := canDecideExtension(id); err != nil {
		return nil, err
	}
	note = CleanText(note)
	if err := checkText("note", note, false, NoteMaxRunes, true); err != nil {
		return nil, err
	}
	var ext *Extension
	err := retryWrite(func(int) (func() error, error) {
		p, err := s.problemFor(ctx, id, problemID)
		if err != nil {
			return nil, err
		}
		if !ValidKey(extID) {
			return nil, NotFound("extension", extID)
		}
		if ext, err = s.store.GetExtension(ctx, p.ID, extID); err != nil {
			return nil, fmt.Errorf("decide extension %s: %w", extID, err)
		}
		if ext.Status != ExtensionPending || p.PendingExtensionID != ext.ID {
			return nil, &Error{Code: EConflict, Field: "approve", Message: fmt.Sprintf("该延期申请已审批(%s)", ext.Status.Label())}
		}
		if approve && !p.Status.CanBeOverdue() {
			// Rectified while the request waited: a later deadline would
			// only count an extension against a unit that needed none.
			return nil, &Error{Code: EConflict, Field: "approve", Message: fmt.Sprintf("问题已%s,不再需要延期;请选择不同意,结束这份申请", p.Status.Label())}
		}
		now := s.now()
		ext.DecidedBy, ext.DecidedAt, ext.DecisionNote = actorName(id), now, note
		ev := &AuditEvent{ID: NewID(now), ProblemID: p.ID, Actor: actorName(id), At: now}
		var text string
		if approve {
			ext.Status = ExtensionApproved
			if p.OriginalDeadline == "" {
				p.OriginalDeadline = p.Deadline
			}
			ev.Action = ActionExtensionApproved
			ev.Note = fmt.Sprintf("同意延期:整改期限 %s → %s", orText(string(p.Deadline), "未设"), ext.Deadline)
			p.Deadline, p.DeadlineWorkingDays = ext.Deadline, ext.WorkingDays
			p.Extensions++
			text = fmt.Sprintf("【建言】延期申请审批结果:问题「%s」的延期申请已同意,整改期限延至 %s。", p.Title, ext.Deadline)
		} else {
			ext.Status = ExtensionRefused
			ev.Action = ActionExtensionRefused
			ev.Note = fmt.Sprintf("不同意延期至 %s,整改期限仍为 %s", ext.Deadline, orText(string(p.Deadline), "未设"))
			text = fmt.Sprintf("【建言】延期申请审批结果:问题「%s」的延期申请未获同意,整改期限仍为 %s,请按期整改。", p.Title, orText(string(p.Deadline), "未设"))
		}
		if note != "" {
			ev.Note += ";" + note
			text += "审批意见:" + sentence(note)
		}
		p.PendingExtensionID, p.UpdatedAt = "", now
		n := s.newNotice(NoticeExtensionDecision, p, p.ResponsibleUnit, nil, text)
		ns := []*Notice{n}
		return func() error {
			if err := s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev, Extension: ext, Notices: ns}); err != nil {
				return fmt.Errorf("decide extension %s: %w", extID, err)
			}
			s.committed(ns)
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "extension decided", "problem_id", problemID, "extension_id", extID, "status", ext.Status, "by", ext.DecidedBy)
	return ext, nil
}

// officeExtension is the record of the office moving p's deadline itself
// (old is p before the change): an extension requested and approved by
// the office at once, so that the problem keeps its first deadline
// (OriginalDeadline), counts the extension (scorecards' extended, the
// assessment's extension event) and lists it with the requests. A request
// waiting for a decision must be decided first (EConflict): approving it
// later would move the deadline again from a date nobody saw.
func officeExtension(id Identity, p, old *Problem, reason string, now time.Time) (*Extension, error) {
	if p.PendingExtensionID != "" {
		return nil, &Error{Code: EConflict, Field: "deadline", Message: "该问题有待审批的延期申请,请先审批,再调整整改期限"}
	}
	if reason == "" {
		reason = "督察部门直接调整整改期限"
	}
	ext := &Extension{
		ID: NewID(now), ProblemID: p.ID, Deadline: p.Deadline, WorkingDays: p.DeadlineWorkingDays,
		PreviousDeadline: old.Deadline, Reason: reason, RequestedBy: actorName(id), RequestedAt: now,
		Status: ExtensionApproved, DecidedBy: actorName(id), DecidedAt: now, DecisionNote: "督察部门直接调整整改期限",
	}
	if err := ext.Validate(); err != nil {
		return nil, err
	}
	if p.OriginalDeadline == "" {
		p.OriginalDeadline = old.Deadline
	}
	p.Extensions++
	return ext, nil
}

// deadlineForward checks and records the office bringing p's deadline
// forward (p.Deadline is already the earlier day). A request waiting for
// a decision is decided first, as for a later deadline. Extensions
// granted before stay counted; if the new deadline is earlier than the
// first one, it is the one timeliness is judged against.
func deadlineForward(p *Problem) error {
	if p.PendingExtensionID != "" {
		return &Error{Code: EConflict, Field: "deadline", Message: "该问题有待审批的延期申请,请先审批,再调整整改期限"}
	}
	if p.OriginalDeadline != "" && p.Deadline.Before(p.OriginalDeadline) {
		p.OriginalDeadline = p.Deadline
	}
	return nil
}

// ListExtensions lists a problem's extension requests, oldest first, for
// whoever may see the problem.
func (s *Service) ListExtensions(ctx context.Context, id Identity, problemID string) ([]*Extension, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, err
	}
	p, err := s.problemFor(ctx, id, problemID)
	if err != nil {
		return nil, err
	}
	out, err := s.store.ListExtensions(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("list extensions of problem %s: %w", problemID, err)
	}
	return out, nil
}
