package feedback

import (
	"time"
)

// ExtensionStatus is where an extension request (延期申请) stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtensionPending  ExtensionStatus = "pending"  // 待审批
	ExtensionApproved ExtensionStatus = "approved" // 已同意
	ExtensionRefused  ExtensionStatus = "refused"  // 未同意
)

// Valid reports whether s is a known status.
func (s ExtensionStatus) Valid() bool {
	return s == ExtensionPending || s == ExtensionApproved || s == ExtensionRefused
}

// Label is the Chinese label shown to people.
func (s ExtensionStatus) Label() string {
	switch s {
	case ExtensionPending:
		return "待审批"
	case ExtensionApproved:
		return "已同意"
	case ExtensionRefused:
		return "未同意"
	}
	return ""
}

// Extension is a request to move a problem's deadline, with its reason,
// decided by the office. Approval moves Problem.Deadline; the problem keeps
// its first deadline in OriginalDeadline, against which scorecards judge
// "on time".
type Extension struct {
	ID        string
	ProblemID string
	// Deadline is the deadline asked for; WorkingDays the N it was asked as
	// ("N 个工作日"), 0 when it was given as a date.
	Deadline    Date
	WorkingDays int
	// PreviousDeadline is the problem's deadline when it was asked for.
	PreviousDeadline Date
	Reason           string
	RequestedBy      string
	RequestedUnit    string // the unit that asked; "" when the office did
	RequestedAt      time.Time
	Status           ExtensionStatus
	DecidedBy        string
	DecidedAt        time.Time
	DecisionNote     string
	Version          int64
}

// Validate checks an extension before it is stored.
func (e *Extension) Validate() error {
	if err := firstErr(CheckKey("id", e.ID), CheckKey("problem_id", e.ProblemID)); err != nil {
		return err
	}
	if e.Deadline == "" || !e.Deadline.Valid() {
		return FieldErrorf("deadline", "请填写申请延至的整改期限(YYYY-MM-DD)")
	}
	if !e.PreviousDeadline.Valid() {
		return FieldErrorf("previous_deadline", "日期格式应为 YYYY-MM-DD")
	}
	if e.WorkingDays < 0 || e.WorkingDays > MaxWorkingDays {
		return FieldErrorf("deadline_working_days", "工作日天数应在 1 至 %d 之间", MaxWorkingDays)
	}
	if !e.Status.Valid() {
		return FieldErrorf("status", "未知的延期申请状态")
	}
	if e.RequestedAt.IsZero() {
		return FieldErrorf("requested_at", "缺少申请时间")
	}
	if e.Status != ExtensionPending && e.DecidedAt.IsZero() {
		return FieldErrorf("decided_at", "缺少审批时间")
	}
	return firstErr(
		checkText("reason", e.Reason, true, NoteMaxRunes, true),
		checkText("requested_by", e.RequestedBy, false, ActorMaxRunes, false),
		checkText("requested_unit", e.RequestedUnit, false, UnitMaxRunes, false),
		checkText("decided_by", e.DecidedBy, false, ActorMaxRunes, false),
		checkText("note", e.DecisionNote, false, NoteMaxRunes, true),
	)
}
