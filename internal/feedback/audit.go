package feedback

import "time"

// Audit actions.
const (
	ActionCreated        = "created"         // problem created
	ActionTransition     = "transition"      // status changed
	ActionLookbackFailed = "lookback_failed" // rectified → reopened, counts as a relapse
	ActionEdited         = "edited"          // fields changed
	ActionLinked         = "linked"          // a suggestion was linked to the problem
	ActionExport         = "export_unmasked" // personal data left the system in an export
	ActionReplied        = "replied"         // the office replied to a suggestion of the problem
	ActionRated          = "rated"           // a submitter rated the reply to a suggestion of the problem

	ActionRelapse            = "relapse"             // verified → reopened: a relapse after a passed look-back
	ActionRehandle           = "rehandle"            // a submitter's dissatisfied rating: a re-handle counted against the unit (and a rectified or verified problem reopened)
	ActionExtensionRequested = "extension_requested" // a unit or the office asked for a later deadline
	ActionExtensionApproved  = "extension_approved"  // the office approved it: the deadline moved
	ActionExtensionRefused   = "extension_refused"   // the office refused it
	ActionSupervised         = "supervised"          // the office started or ended supervising (督办)
	ActionEscalated          = "escalated"           // a supervised problem's deadline passed: escalated
	ActionContribution       = "contribution"        // a co-unit reported its part (协办情况)
	ActionUnitRenamed        = "unit_renamed"        // the unit migration rewrote a free-text unit name
)

// AuditEvent records one change: who, when, from, to, note. Audit events are
// append-only: stores offer no way to change or delete one.
type AuditEvent struct {
	ID        string
	ProblemID string // the problem it belongs to; "" for events not about a problem
	Actor     string // who did it (account name or user-pool subject)
	At        time.Time
	Action    string
	From      string
	To        string
	Note      string
	Evidence  string
	// Files are the evidence files attached with this change.
	Files []EvidenceRef
}

// Audit event limits.
const (
	ActorMaxRunes  = 200
	ActionMaxRunes = 50
)

// Validate checks an audit event before it is stored. A nil event is
// invalid.
func (e *AuditEvent) Validate() error {
	if e == nil {
		return FieldErrorf("event", "缺少审计记录")
	}
	if err := CheckKey("id", e.ID); err != nil {
		return err
	}
	if err := CheckOptionalKey("problem_id", e.ProblemID); err != nil {
		return err
	}
	if e.At.IsZero() {
		return FieldErrorf("at", "缺少时间")
	}
	return firstErr(
		checkText("action", e.Action, true, ActionMaxRunes, false),
		checkText("actor", e.Actor, false, ActorMaxRunes, false),
		checkText("from", e.From, false, ActionMaxRunes, false),
		checkText("to", e.To, false, ActionMaxRunes, false),
		checkText("note", e.Note, false, NoteMaxRunes, true),
		checkText("evidence", e.Evidence, false, NoteMaxRunes, true),
	)
}

// ActionAnonymized is the audit action of an anonymisation run.
const ActionAnonymized = "anonymized"
