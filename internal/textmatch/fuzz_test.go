package textmatch

import (
	"slices"
	"strings"
	"testing"
)

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = fold(c)
	}
	return string(b)
}

// FuzzFind checks the automaton against the plain definition: pattern i is
// found exactly when it is non-empty and occurs in the text, ASCII
// case-insensitively, whatever the bytes (invalid UTF-8 included).
func FuzzFind(f *testing.F) {
	f.Add("罚款|执法|乱罚款", "对企业乱罚款的线索")
	f.Add("he|she|his|hers", "ushers")
	f.Add("PPP|ppp", "ppP项目")
	f.Add("a|aa||aaa", "aaaa")
	f.Add("\xff\xfe|款", "\xff\xfe罚款")
	f.Fuzz(func(t *testing.T, pats, text string) {
		patterns := strings.Split(pats, "|")
		m, err := New(patterns)
		if err != nil {
			return // too large to compile: refused, not mis-built
		}
		got := m.Find(text)
		want := []int{}
		lt := lowerASCII(text)
		for i, p := range patterns {
			if p != "" && strings.Contains(lt, lowerASCII(p)) {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("patterns %q, text %q: Find = %v, want %v", patterns, text, got, want)
		}
	})
}
