package feedback

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"time"
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
// stored form, or returns false if it cannot be a receipt.
func NormalizeReceipt(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\u3000' || r == '—':
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
// bits are random.
func NewID(t time.Time) string {
	const crockford = "0123456789abcdefghjkmnpqrstvwxyz"
	var b [26]byte
	ms := uint64(t.UnixMilli())
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	var r [10]byte
	_, _ = rand.Read(r[:])
	hi := binary.BigEndian.Uint64(r[0:8])
	lo := uint64(binary.BigEndian.Uint16(r[8:10]))
	for i := 10; i < 26; i++ {
		// 16 symbols × 5 bits = 80 bits from hi (64) and lo (16).
		b[i] = crockford[(hi>>59)&31]
		hi = hi<<5 | lo>>11
		lo = (lo << 5) & 0xffff
	}
	return string(b[:])
}
