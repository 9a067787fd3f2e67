package feedback

import (
	"regexp"
	"slices"
)

// Who may do what: every access rule of the use cases is here, so that a
// reader checks one file to know what a role can reach.
//
//   - admin: everything, including accounts, routing rules, closing a
//     symposium and anonymisation;
//   - staff (the office's clerks): everything but administration;
//   - unit (a responsible unit): reads the problem lists, and only the
//     problems its unit leads or assists; reports progress and moves its
//     own problems to rectifying or rectified; sees submitters' names and
//     contacts masked.
//
// A caller with valid credentials but no role may do nothing.

// Identity is the authenticated caller of a staff request.
type Identity struct {
	Subject string // account ID or user-pool subject
	Name    string
	Role    Role   // "" when the caller has no role: 403
	Unit    string // for RoleUnit
}

// CanSeeContacts reports whether the caller may see personal data unmasked.
func (id Identity) CanSeeContacts() bool { return id.Role == RoleAdmin || id.Role == RoleStaff }

// actorName is how an identity appears in audit events and UpdatedBy.
func actorName(id Identity) string {
	if id.Name != "" {
		return id.Name
	}
	return id.Subject
}

// errNoRole answers a caller with valid credentials but no role.
func errNoRole() error {
	return Errorf(EForbidden, "您的账号尚未分配角色,请联系管理员")
}

// requireAnyRole allows any caller with a role.
func requireAnyRole(id Identity) error {
	if !id.Role.Valid() {
		return errNoRole()
	}
	return nil
}

// requireOffice allows the office's own roles (admin and staff): managing
// symposia and entering paper suggestions is not a unit's business.
func requireOffice(id Identity) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case "":
		return errNoRole()
	}
	return Errorf(EForbidden, "仅督察部门工作人员可以办理")
}

// requireAdminRole allows admins only.
func requireAdminRole(id Identity) error {
	switch id.Role {
	case RoleAdmin:
		return nil
	case "":
		return errNoRole()
	}
	return Errorf(EForbidden, "仅管理员可以办理")
}

// canCloseSymposium: closing a symposium ends its collection for everyone,
// so it is the administrators' call.
func canCloseSymposium(id Identity) error {
	if id.Role != RoleAdmin {
		return Errorf(EForbidden, "仅管理员可以结束座谈会")
	}
	return nil
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
		return Errorf(EForbidden, "该问题不属于本单位")
	}
	return errNoRole()
}

// problemFilterFor narrows f to what the caller may list: a unit account
// lists only the problems its unit leads; asking for another unit's is
// EForbidden.
func problemFilterFor(id Identity, f ProblemFilter) (ProblemFilter, error) {
	if id.Role != RoleUnit {
		return f, nil
	}
	if f.Unit != "" && f.Unit != id.Unit {
		return f, Errorf(EForbidden, "只能查看本单位的问题")
	}
	f.Unit = id.Unit
	return f, nil
}

// canEditProblem: a unit account may edit only the progress text of its own
// problems; every other field is the office's.
func canEditProblem(id Identity, e ProblemEdit) error {
	if id.Role != RoleUnit {
		return nil
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"title", e.Title != nil}, {"description", e.Description != nil},
		{"responsible_unit", e.ResponsibleUnit != nil}, {"co_units", e.CoUnits != nil},
		{"responsible_person", e.ResponsiblePerson != nil}, {"requirement", e.Requirement != nil},
		{"deadline", e.Deadline != nil}, {"deadline_working_days", e.DeadlineWorkingDays != nil},
		{"supervised", e.Supervised != nil}, {"lookback_due", e.LookbackDue != nil},
	} {
		if f.set {
			return &Error{Code: EForbidden, Field: f.name, Message: "责任单位只能填写整改进展"}
		}
	}
	return nil
}

// unitTransitions are the statuses a responsible unit may move its own
// problem to: starting and finishing rectification. Long-term status and
// the look-back (verified, reopened) are the supervising office's call.
var unitTransitions = []ProblemStatus{ProblemRectifying, ProblemRectified}

// canTransition: a unit account moves its problems only to unitTransitions,
// and a status change must not carry in a date the unit may not set
// (canEditProblem refuses it a deadline; the look-back is the office's).
func canTransition(id Identity, t Transition) error {
	if id.Role != RoleUnit {
		return nil
	}
	if !slices.Contains(unitTransitions, t.To) {
		return &Error{Code: EForbidden, Field: "status", Message: "该状态变更须由督察部门办理"}
	}
	if t.NewDeadline != "" || t.NewDeadlineWorkingDays != 0 {
		return &Error{Code: EForbidden, Field: "deadline", Message: "整改期限须由督察部门调整"}
	}
	if t.LookbackDue != "" {
		return &Error{Code: EForbidden, Field: "lookback_due", Message: "回头看日期须由督察部门确定"}
	}
	return nil
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
	c.Receipt = MaskReceipt(c.Receipt)
	c.IdempotencyKey = ""
	return &c
}

// receiptPattern matches a receipt number in a text, such as an audit
// note's "回执号 K7QM-3XPA-9RTD".
var receiptPattern = regexp.MustCompile(`[` + readableAlphabet + `]{4}-[` + readableAlphabet + `]{4}-[` + readableAlphabet + `]{4}`)

// MaskReceipt keeps a receipt's first group ("K7QM-****-****"): enough to
// tell a problem's suggestions apart, not enough to open the receipt. The
// receipt is the submitter's key to the reply and to rating it, so a
// responsible unit, whose reply the rating judges, never sees it whole.
func MaskReceipt(r string) string {
	return receiptPattern.ReplaceAllStringFunc(r, func(m string) string { return m[:4] + "-****-****" })
}

// MaskEventFor returns ev as the caller may see it: unchanged for admin and
// staff, a copy with the receipts in its actor and notes masked for anyone
// else.
func MaskEventFor(id Identity, ev *AuditEvent) *AuditEvent {
	if id.CanSeeContacts() || ev == nil {
		return ev
	}
	c := *ev
	c.Actor = MaskReceipt(c.Actor)
	c.Note = MaskReceipt(c.Note)
	c.Evidence = MaskReceipt(c.Evidence)
	return &c
}

// canEditUnit: the office edits any unit's registry entry; a unit account
// its own (to register its group robot, say).
func canEditUnit(id Identity, name string) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case RoleUnit:
		if id.Unit != "" && id.Unit == name {
			return nil
		}
		return Errorf(EForbidden, "只能修改本单位的登记信息")
	}
	return errNoRole()
}

// canRequestExtension: the office, or the problem's lead unit, asks for a
// later deadline; a co-unit reports its part instead.
func canRequestExtension(id Identity, p *Problem) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case RoleUnit:
		if id.Unit != "" && id.Unit == p.ResponsibleUnit {
			return nil
		}
		return Errorf(EForbidden, "只有牵头单位可以申请延期")
	}
	return errNoRole()
}

// canDecideExtension: only the office decides extension requests.
func canDecideExtension(id Identity) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case RoleUnit:
		return Errorf(EForbidden, "延期申请须由督察部门审批")
	}
	return errNoRole()
}

// canMoveStatus: a unit moves the status of the problems it leads only;
// a co-unit reports its part (contributions) instead.
func canMoveStatus(id Identity, p *Problem) error {
	if id.Role == RoleUnit && p.ResponsibleUnit != id.Unit {
		return &Error{Code: EForbidden, Field: "status", Message: "协办单位不能变更问题状态,请报送协办情况,由牵头单位办理"}
	}
	return nil
}

// canReportProgress: a unit writes the progress (and attaches evidence) of
// the problems it leads only; a co-unit reports its part as a
// contribution, so it cannot overwrite the lead's account.
func canReportProgress(id Identity, p *Problem) error {
	if id.Role == RoleUnit && p.ResponsibleUnit != id.Unit {
		return &Error{Code: EForbidden, Field: "progress", Message: "整改进展由牵头单位填写;协办单位请报送本单位协办情况"}
	}
	return nil
}

// canContribute: contributions are the co-units' reports of their part;
// the lead unit reports through the problem's own progress and status, and
// the office follows the problem itself.
func canContribute(id Identity, p *Problem) error {
	if id.Role != RoleUnit || id.Unit == "" || !slices.Contains(p.CoUnits, id.Unit) {
		return Errorf(EForbidden, "协办情况由该问题的协办单位报送")
	}
	return nil
}

// canSeeSuggestion: the office sees every suggestion; a unit account only
// those behind the problems it leads or assists (p, the suggestion's
// problem; nil when it has none).
func canSeeSuggestion(id Identity, p *Problem) error {
	switch id.Role {
	case RoleAdmin, RoleStaff:
		return nil
	case RoleUnit:
		if p != nil && id.Unit != "" && p.InvolvesUnit(id.Unit) {
			return nil
		}
		return Errorf(EForbidden, "只能查看本单位问题所涉及的意见建议")
	}
	return errNoRole()
}

// canListSuggestions: the office lists any suggestions; a unit account
// only those of one problem (f.ProblemID), which the caller then checks it
// may see (canSeeProblem) — never the district's at large.
func canListSuggestions(id Identity, f SuggestionFilter) error {
	if id.Role == RoleUnit && f.ProblemID == "" {
		return Errorf(EForbidden, "只能查看本单位问题所涉及的意见建议,请从问题详情查看")
	}
	return nil
}
