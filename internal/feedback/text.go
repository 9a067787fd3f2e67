package feedback

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits, counted in runes. They are the single source for validation, the
// form's maxlength attributes and the character counter.
const (
	ContentMinRunes      = 5
	ContentMaxRunes      = 5000
	NameMaxRunes         = 50
	OrganizationMaxRunes = 100
	ContactMaxRunes      = 100
	TopicMaxRunes        = 100
	TitleMaxRunes        = 200
	UnitMaxRunes         = 100
	PersonMaxRunes       = 50
	DescriptionMaxRunes  = 5000
	RequirementMaxRunes  = 2000
	ReplyMaxRunes        = 2000
	NoteMaxRunes         = 2000
	ProgressMaxRunes     = 5000
	VenueMaxRunes        = 200
	CampaignMaxRunes     = 100
	RuleNameMaxRunes     = 100
	KeywordMaxRunes      = 50
	// QueryMaxRunes bounds a search text (SuggestionFilter.Query).
	QueryMaxRunes = 100

	// IdempotencyKeyMaxBytes bounds client-chosen idempotency keys; they are
	// opaque ASCII tokens, so bytes are the right unit here.
	IdempotencyKeyMaxBytes = 128
	// CursorMaxBytes bounds a pagination cursor a store accepts: longer is
	// EInvalid (InvalidCursor) before any decoding, on every store.
	CursorMaxBytes = 4096

	MaxCoUnits               = 20
	MaxSuggestionsPerProblem = 50 // keeps a problem's creation within one storage transaction
	// MaxProblemsPerSuggestion bounds the problems one suggestion may be
	// split into: a reply or a rating writes all of them, with their
	// co-units' copies, in one storage transaction (DynamoDB's 100 items:
	// 3 problems of 20 co-units each still fit).
	MaxProblemsPerSuggestion = 3
	MaxRules                 = 2000
	MaxKeywordsPerRule       = 100
	MaxListLimit             = 200
	DefaultListLimit         = 50
)

// checkText validates one text field: valid UTF-8, no control characters
// (multi-line fields may hold newlines and tabs), at most max runes and, when
// required, not empty. It returns the field error or nil.
func checkText(field, value string, required bool, max int, multiline bool) error {
	if !utf8.ValidString(value) {
		return FieldErrorf(field, "%s含有无效的字符", FieldLabel(field))
	}
	if required && strings.TrimSpace(value) == "" {
		return FieldErrorf(field, "请填写%s", FieldLabel(field))
	}
	if n := utf8.RuneCountInString(value); n > max {
		return FieldErrorf(field, "%s最多 %d 个字,现有 %d 个", FieldLabel(field), max, n)
	}
	for _, r := range value {
		if r == '\n' || r == '\t' || r == '\r' {
			if multiline {
				continue
			}
			return FieldErrorf(field, "%s不能换行", FieldLabel(field))
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return FieldErrorf(field, "%s含有无法显示的控制字符", FieldLabel(field))
		}
	}
	return nil
}

// CleanText trims surrounding white space (including the full-width space
// U+3000 that Chinese input methods produce) and normalises line endings.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimFunc(s, unicode.IsSpace)
}

// RuneCount counts what a person sees as characters.
func RuneCount(s string) int { return utf8.RuneCountInString(s) }

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
