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
}
