package feedback

import (
	"unicode/utf8"
)

// KeyMaxBytes bounds every key a store indexes: IDs, symposium codes,
// receipts, token hashes and references to other items. Generated keys are
// far shorter (IDs are 26 bytes); the bound keeps a hostile key from
// reaching a database that would reject it with a non-domain error
// (DynamoDB key attributes are limited to 1–2 KiB).
const KeyMaxBytes = 128

// ValidKey reports whether s can be a stored key: 1..KeyMaxBytes bytes of
// ASCII letters, digits, '-', '_' and '.'. Every generated key (NewID,
// NewReceipt, NewSymposiumCode, SummaryID, HashToken, TriageListID) has
// that shape, so a key outside it can only come from a caller's mistake or
// an attacker, and stores reject it before touching the database.
func ValidKey(s string) bool {
	if s == "" || len(s) > KeyMaxBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// CheckKey returns an EInvalid error naming field unless value is a valid
// key (see ValidKey). Stores call it for the keys of what they write, on top
// of the item's Validate.
func CheckKey(field, value string) error {
	if value == "" {
		return FieldErrorf(field, "%s is required", field)
	}
	if !ValidKey(value) {
		return FieldErrorf(field, "%s is not a valid key", field)
	}
	return nil
}

// CheckOptionalKey is CheckKey for a reference that may be empty.
func CheckOptionalKey(field, value string) error {
	if value == "" {
		return nil
	}
	return CheckKey(field, value)
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
		return FieldErrorf("at", "at is required")
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

// Summary limits: a summary is stored as one item, so its lists are bounded
// to keep it well inside a DynamoDB item (400 KB).
const (
	MaxSummaryUnits        = 500
	MaxSummaryOverdueItems = 500
	MaxSummaryMapEntries   = 1000
)

// Validate checks a summary before it is stored.
func (s *Summary) Validate() error {
	if err := CheckKey("id", s.ID); err != nil {
		return err
	}
	if !s.Period.Valid() {
		return FieldErrorf("period", "period must be daily, weekly or monthly")
	}
	if s.From == "" || !s.From.Valid() {
		return FieldErrorf("from", "from must be YYYY-MM-DD")
	}
	if s.To == "" || !s.To.Valid() {
		return FieldErrorf("to", "to must be YYYY-MM-DD")
	}
	if s.To.Before(s.From) {
		return FieldErrorf("to", "to is before from")
	}
	if len(s.Units) > MaxSummaryUnits {
		return FieldErrorf("units", "at most %d units", MaxSummaryUnits)
	}
	if len(s.Problems.OverdueItems) > MaxSummaryOverdueItems {
		return FieldErrorf("problems.overdue_items", "at most %d overdue items", MaxSummaryOverdueItems)
	}
	st := &s.Suggestions
	for _, m := range []map[string]int{st.ByParticipantKind, st.BySymposium, st.ByStatus, st.ByKind, st.ByChannel} {
		if len(m) > MaxSummaryMapEntries {
			return FieldErrorf("suggestions", "at most %d entries per breakdown", MaxSummaryMapEntries)
		}
		for k := range m {
			if !utf8.ValidString(k) || len(k) > 4*UnitMaxRunes {
				return FieldErrorf("suggestions", "invalid breakdown key")
			}
		}
	}
	for _, u := range s.Units {
		if err := checkText("units.unit", u.Unit, false, UnitMaxRunes, false); err != nil {
			return err
		}
	}
	for _, it := range s.Problems.OverdueItems {
		if err := firstErr(
			checkText("problems.overdue_items.title", it.Title, false, TitleMaxRunes, false),
			checkText("problems.overdue_items.responsible_unit", it.ResponsibleUnit, false, UnitMaxRunes, false),
		); err != nil {
			return err
		}
	}
	return nil
}
