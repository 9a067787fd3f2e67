package textmatch

import (
	"fmt"
	"math/bits"
)

// MaxTableEntries bounds the automaton's transition table (4 bytes each).
// A realistic rule set of a few thousand Chinese keywords needs a few
// million; the bound stops a pathological keyword list from exhausting a
// Lambda's memory.
const MaxTableEntries = 16 << 20

// Matcher is an Aho–Corasick automaton over a fixed set of patterns. It is
// safe for concurrent use once built.
//
// The automaton is a full DFA over byte classes: bytes that occur in no
// pattern share one class, every other byte has its own (ASCII upper- and
// lower-case letters share theirs). Each step is one table load, so a scan
// costs the same for ten patterns as for ten thousand.
type Matcher struct {
	n       int // number of patterns
	classes [256]uint8
	nc      uint32 // number of byte classes
	// trans holds, for state s and class c at index s*nc+c, the next state
	// premultiplied by nc and shifted left by one; the low bit is set when
	// the next state has outputs.
	trans  []uint32
	outOff []int32 // outputs of state s: outIDs[outOff[s]:outOff[s+1]]
	outIDs []int32
	dict   []int32 // nearest state on the failure chain with outputs, or -1
}

// New builds a matcher over patterns. Pattern i is reported as i. Empty
// patterns never match. It fails only when the patterns are too many or too
// long to fit MaxTableEntries.
func New(patterns []string) (*Matcher, error) {
	m := &Matcher{n: len(patterns)}

	// Byte classes. Class 0 is every byte that occurs in no pattern.
	var seen [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			seen[fold(p[i])] = true
		}
	}
	next := uint8(1)
	for b := 0; b < 256; b++ {
		if seen[b] {
			m.classes[b] = next
			next++
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		m.classes[b] = m.classes[b+('a'-'A')]
	}
	nc := uint32(next)
	m.nc = nc

	// The trie, written straight into a dense table: 0 means "no child"
	// (the root is never anyone's child).
	// Every pattern byte adds at most one state; size for that bound (or
	// the limit) up front rather than growing a large table by doubling.
	bound := uint64(1)
	for _, p := range patterns {
		bound += uint64(len(p))
	}
	bound = min(bound, MaxTableEntries/uint64(nc))
	trans := make([]uint32, nc, bound*uint64(nc))
	ownHead := make([]int32, 1, bound) // per state: 1 + first pattern ending there, 0 = none
	patNext := make([]int32, len(patterns))
	states := uint32(1)
	for i, p := range patterns {
		if p == "" {
			continue
		}
		var s uint32
		for j := 0; j < len(p); j++ {
			c := uint32(m.classes[p[j]])
			t := trans[s*nc+c]
			if t == 0 {
				if uint64(states+1)*uint64(nc) > MaxTableEntries {
					return nil, fmt.Errorf("textmatch: %d patterns are too large for one automaton (over %d table entries)", len(patterns), MaxTableEntries)
				}
				t = states
				states++
				trans = append(trans, make([]uint32, nc)...)
				ownHead = append(ownHead, 0)
				trans[s*nc+c] = t
			}
			s = t
		}
		patNext[i] = ownHead[s]
		ownHead[s] = int32(i) + 1
	}

	// Breadth-first: failure links, dictionary links, and the missing
	// transitions filled in from the failure state's (already complete) row.
	fail := make([]uint32, states)
	m.dict = make([]int32, states)
	m.dict[0] = -1
	queue := make([]uint32, 0, states)
	queue = append(queue, 0)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		row := trans[s*nc : (s+1)*nc]
		for c := uint32(0); c < nc; c++ {
			t := row[c]
			if t != 0 {
				f := uint32(0)
				if s != 0 {
					f = trans[fail[s]*nc+c]
				}
				fail[t] = f
				if ownHead[f] != 0 {
					m.dict[t] = int32(f)
				} else {
					m.dict[t] = m.dict[f]
				}
				queue = append(queue, t)
			} else if s != 0 {
				row[c] = trans[fail[s]*nc+c]
			}
		}
	}

	// Premultiply and flag states with outputs.
	hasOut := func(t uint32) bool { return ownHead[t] != 0 || m.dict[t] >= 0 }
	for i, t := range trans {
		v := (t * nc) << 1
		if hasOut(t) {
			v |= 1
		}
		trans[i] = v
	}
	m.trans = trans

	// Flatten the per-state output lists.
	m.outOff = make([]int32, states+1)
	for s := uint32(0); s < states; s++ {
		m.outOff[s] = int32(len(m.outIDs))
		for h := ownHead[s]; h != 0; h = patNext[h-1] {
			m.outIDs = append(m.outIDs, h-1)
		}
	}
	m.outOff[states] = int32(len(m.outIDs))
	return m, nil
}

func fold(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// Len is the number of patterns the matcher was built with.
func (m *Matcher) Len() int { return m.n }

// States is the number of automaton states, for sizing and tests.
func (m *Matcher) States() int { return len(m.dict) }

// Scan adds to set every pattern that occurs in text. set must have room
// for Len patterns (see NewSet); it is not cleared first, so several texts
// can be scanned into one set.
func (m *Matcher) Scan(text string, set Set) {
	if m.n == 0 {
		return
	}
	trans := m.trans
	var s uint32
	for i := 0; i < len(text); i++ {
		v := trans[s+uint32(m.classes[text[i]])]
		s = v >> 1
		if v&1 != 0 {
			m.emit(s/m.nc, set)
		}
	}
}

func (m *Matcher) emit(state uint32, set Set) {
	for st := int32(state); st >= 0; st = m.dict[st] {
		for _, id := range m.outIDs[m.outOff[st]:m.outOff[st+1]] {
			set[id>>6] |= 1 << (uint(id) & 63)
		}
	}
}

// Find returns the indices of the patterns that occur in text, ascending.
func (m *Matcher) Find(text string) []int {
	set := m.NewSet()
	m.Scan(text, set)
	return set.Indices()
}

// NewSet returns an empty set with room for the matcher's patterns.
func (m *Matcher) NewSet() Set { return NewSet(m.n) }

// Set is a set of pattern indices, a bitset.
type Set []uint64

// NewSet returns an empty set with room for indices 0..n-1.
func NewSet(n int) Set { return make(Set, (n+63)/64) }

// Has reports whether i is in the set.
func (s Set) Has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

// Add puts i in the set.
func (s Set) Add(i int) { s[i>>6] |= 1 << (uint(i) & 63) }

// Reset empties the set.
func (s Set) Reset() { clear(s) }

// Count is the number of indices in the set.
func (s Set) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Indices returns the indices in the set, ascending.
func (s Set) Indices() []int {
	out := make([]int, 0, s.Count())
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, wi*64+b)
			w &= w - 1
		}
	}
	return out
}
