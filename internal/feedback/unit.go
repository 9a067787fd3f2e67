package feedback

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/textmatch"
)

// Unit is an entry of the unit registry (单位): the responsible units that
// problems, routing rules, accounts and scorecards name. Its Name is its
// key: problems store the name, so a unit is never renamed in place (the
// unit migration rewrites references instead).
type Unit struct {
	Name string
	// Head is the unit's head, the default first responsible person (第一责任人)
	// of the problems it leads.
	Head    string
	Contact string
	// Notify is the unit's own notification channel; zero for none.
	Notify    NotifyChannel
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
	Version   int64
}

// Validate checks a unit before it is stored.
func (u *Unit) Validate() error {
	if err := checkUnitName("name", u.Name); err != nil {
		return err
	}
	return firstErr(
		checkText("head", u.Head, false, PersonMaxRunes, false),
		checkText("contact", u.Contact, false, ContactMaxRunes, false),
		u.Notify.Validate(),
		checkText("updated_by", u.UpdatedBy, false, ActorMaxRunes, false),
	)
}

// checkUnitName checks a unit name wherever one is given: required, one
// line, at most UnitMaxRunes, no surrounding space, and none of the
// characters that would make it ambiguous in a user-pool group name
// ("unit:<name>") or a URL path segment.
func checkUnitName(field, name string) error {
	if err := checkText(field, name, true, UnitMaxRunes, false); err != nil {
		return err
	}
	if CleanText(name) != name {
		return FieldErrorf(field, "单位名称前后不能有空格")
	}
	if strings.ContainsAny(name, "/\\?#%:") {
		return FieldErrorf(field, "单位名称不能包含 / \\ ? # %% : 等符号")
	}
	return nil
}

// UnitFilter selects units in name order.
type UnitFilter struct {
	Limit  int
	Cursor string
}

// UnitNameSimilarity scores how likely free-text name a names the same
// unit as registered name b, 0..1. An abbreviation keeps the full name's
// characters in order (区市场监管局 of 区市场监督管理局, 区司法局 of 区司法局
// 办公室), so a name whose characters all appear in order in the other
// scores high; otherwise the score is their character-bigram likeness.
func UnitNameSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(ra) >= 3 && isSubsequence(ra, rb) {
		// Longer abbreviations of the same name are likelier than short
		// ones that fit many names.
		return 0.8 + 0.2*float64(len(ra))/float64(len(rb))
	}
	return textmatch.NewProfile(a).Similarity(textmatch.NewProfile(b))
}

func isSubsequence(short, long []rune) bool {
	i := 0
	for _, r := range long {
		if i < len(short) && short[i] == r {
			i++
		}
	}
	return i == len(short)
}

// unitSuggestionThreshold is the similarity from which a registered unit is
// offered for a free-text name.
const unitSuggestionThreshold = 0.4

// SuggestUnit returns the registered name most like free-text name, or ""
// when none is alike enough to offer.
func SuggestUnit(name string, registered []string) string {
	best, bestScore := "", 0.0
	sorted := slices.Clone(registered)
	sort.Strings(sorted)
	for _, r := range sorted {
		if s := UnitNameSimilarity(name, r); s > bestScore {
			best, bestScore = r, s
		}
	}
	if bestScore < unitSuggestionThreshold {
		return ""
	}
	return best
}
