package feedback

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
		return FieldErrorf(field, "缺少%s", FieldLabel(field))
	}
	if !ValidKey(value) {
		return FieldErrorf(field, "%s的编号格式不正确", FieldLabel(field))
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
