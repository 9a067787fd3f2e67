package textmatch

import (
	"slices"
	"unicode"
)

// Profile is a text's set of character bigrams, ready for comparing with
// other profiles. Build it once per text when comparing one text with many.
type Profile struct {
	grams []uint64 // sorted, unique; a bigram packs two runes, a lone rune its own gram
}

// NewProfile returns the bigram profile of s. Only letters and digits
// count: punctuation, symbols and white space are dropped, ASCII and
// full-width letters are lower-cased and full-width digits and letters are
// read as their ASCII forms, so "ＡＢＣ１２３" and "abc123" are the same text.
// A text with a single letter or digit has that one character as its
// profile; one with none has an empty profile.
func NewProfile(s string) Profile {
	var grams []uint64
	var prev rune = -1
	first := rune(-1)
	for _, r := range s {
		r = normalizeRune(r)
		if r < 0 {
			continue
		}
		if prev >= 0 {
			grams = append(grams, uint64(prev)<<32|uint64(r))
		} else {
			first = r
		}
		prev = r
	}
	if len(grams) == 0 && first >= 0 {
		grams = append(grams, uint64(first)<<32|0xFFFFFFFF)
	}
	slices.Sort(grams)
	return Profile{grams: slices.Compact(grams)}
}

// normalizeRune maps r to the form bigrams use, or -1 to drop it.
func normalizeRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII forms
		r -= 0xFEE0
	}
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
		return -1
	}
	return unicode.ToLower(r)
}

// Len is the number of distinct grams in the profile.
func (p Profile) Len() int { return len(p.grams) }

// Similarity is the Dice coefficient of the two profiles' gram sets,
// 2·|A∩B| / (|A|+|B|): 1 for the same text, 0 for texts with no bigram in
// common or when either profile is empty.
func (p Profile) Similarity(q Profile) float64 {
	if len(p.grams) == 0 || len(q.grams) == 0 {
		return 0
	}
	common := 0
	a, b := p.grams, q.grams
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// Similarity is the bigram Dice similarity of two texts (see Profile).
func Similarity(a, b string) float64 { return NewProfile(a).Similarity(NewProfile(b)) }
