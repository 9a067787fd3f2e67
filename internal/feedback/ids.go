package feedback

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync"
	"time"
	"unicode"
)

// readableAlphabet has 32 symbols and leaves out 0, O, 1 and I, so a receipt
// read out over the phone cannot be misheard as another.
const readableAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// ReceiptLen is the number of symbols in a receipt (60 random bits): far too
// many to guess one receipt from another, short enough to read out as three
// groups of four.
const ReceiptLen = 12

// SymposiumCodeLen is the number of symbols in a symposium's public code.
const SymposiumCodeLen = 8

func randomSymbols(n int) string {
	var b strings.Builder
	b.Grow(n)
	buf := make([]byte, n)
	// crypto/rand.Read never returns an error on supported platforms.
	_, _ = rand.Read(buf)
	for _, c := range buf {
		b.WriteByte(readableAlphabet[c&31])
	}
	return b.String()
}

// NewReceipt returns a fresh receipt number such as "K7QM-3XPA-9RTD".
func NewReceipt() string {
	s := randomSymbols(ReceiptLen)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12]
}

// NormalizeReceipt turns what a person typed ("k7qm 3xpa 9rtd") into the
// stored form, or returns false if it cannot be a receipt. A phone's Chinese
// input method types full-width letters, digits and dashes
// ("Ｋ７ＱＭ－３ＸＰＡ－９ＲＴＤ"), and a receipt copied from its page or a
// message may keep its label ("回执号:K7QM-3XPA-9RTD") or the sentence's
// punctuation around it ("K7QM-3XPA-9RTD。", "「K7QM-3XPA-9RTD」"): all are
// forgiven.
func NormalizeReceipt(s string) (string, bool) {
	edge := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }
	s = strings.TrimFunc(s, edge)
	if rest, ok := strings.CutPrefix(s, "回执号"); ok {
		s = strings.TrimFunc(rest, edge)
	}
	var b strings.Builder
	for _, r := range halfWidth(s) {
		r = unicode.ToUpper(r)
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '\u2212':
			continue
		case r < 128 && strings.ContainsRune(readableAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != ReceiptLen {
		return "", false
	}
	c := b.String()
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12], true
}

// NewSymposiumCode returns a fresh short public code for links and QR codes.
func NewSymposiumCode() string { return randomSymbols(SymposiumCodeLen) }

// ValidSymposiumCode reports whether s has the shape of a symposium code.
func ValidSymposiumCode(s string) bool {
	if len(s) != SymposiumCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(readableAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// NewID returns a 26-character identifier whose first 10 characters encode the
// millisecond time, so IDs sort by creation time as strings. The remaining 80
// bits are random, except that IDs made in the same millisecond by one
// process count up from the first one's random bits: events written in quick
// succession keep their order (as ULID's monotonic mode does).
func NewID(t time.Time) string {
	const crockford = "0123456789abcdefghjkmnpqrstvwxyz"
	ms := uint64(t.UnixMilli())
	idMu.Lock()
	if ms <= idLast.ms && idLast.ms-ms < 1000 {
		// The same millisecond, or a clock that stepped back a little:
		// stay after the previous ID. (A clock far in the past is a test's
		// injected clock; it starts afresh.)
		ms = idLast.ms
		idLast.lo++
		if idLast.lo == 0 {
			idLast.hi++
		}
	} else {
		var r [10]byte
		_, _ = rand.Read(r[:])
		idLast.ms = ms
		// Keep the top bit clear so counting up cannot overflow 80 bits.
		idLast.hi = binary.BigEndian.Uint16(r[0:2]) & 0x7fff
		idLast.lo = binary.BigEndian.Uint64(r[2:10])
	}
	hi, lo := idLast.hi, idLast.lo
	idMu.Unlock()

	var b [26]byte
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	// 80 bits (hi:16, lo:64) as 16 symbols of 5 bits, most significant first.
	for i := 25; i >= 10; i-- {
		b[i] = crockford[lo&31]
		lo = lo>>5 | uint64(hi&31)<<59
		hi >>= 5
	}
	return string(b[:])
}

var (
	idMu   sync.Mutex
	idLast struct {
		ms uint64
		hi uint16
		lo uint64
	}
)
