package dynamo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Receipts and IDs of idempotent submissions are derived, so that a
// submission is one conditional PutItem (docs/dynamodb.md, "Submitting"):
//
//	receipt(g) = readable(HMAC(k, "receipt" | symposium | key | g))[:12]
//	id(r)      = crockford(HMAC(k, "id" | r))[:26]
//
// k is the table's receipt key (META/RECEIPT_KEY, 32 random bytes created
// on first use, like the cursor key). The HMAC makes both unguessable: a
// receipt cannot be computed from the idempotency key or the ID without k.
// g is the generation: 0 for the first submission with a key, 1 for the
// first one after that one's window closed, and so on.

// maxGenerations bounds how many windows one idempotency key can span.
const maxGenerations = 64

// receiptSecret returns the receipt key, loading or creating it on first
// use. Unlike the cursor key it is never configured: receipts handed out
// must stay resolvable for as long as the table lives.
func (s *Store) receiptSecret(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.receiptKey == nil {
		k, err := s.tableSecret(ctx, skReceiptKey, "receipt key")
		if err != nil {
			return nil, err
		}
		s.receiptKey = k
	}
	return s.receiptKey, nil
}

// keyedHash is HMAC-SHA-256 under k over the parts, each length-prefixed
// so that no two part lists give the same input.
func keyedHash(k []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, k)
	var n [4]byte
	for _, p := range parts {
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// readableAlphabet is feedback's receipt alphabet (no 0, O, 1, I).
const readableAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// derivedReceipt is the receipt of generation g of an idempotency key in a
// symposium, in feedback.NewReceipt's shape.
func derivedReceipt(k []byte, symposiumID, idemKey string, g int) string {
	h := keyedHash(k, "receipt", symposiumID, idemKey, fmt.Sprint(g))
	var b [feedback.ReceiptLen]byte
	for i := range b {
		b[i] = readableAlphabet[h[i]&31]
	}
	return string(b[0:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12])
}

// derivedID is the ID of the suggestion whose receipt r was derived: 26
// lower-case Crockford base-32 symbols, the shape of feedback.NewID.
func derivedID(k []byte, receipt string) string {
	const crockford = "0123456789abcdefghjkmnpqrstvwxyz"
	h := keyedHash(k, "id", receipt)
	var b [26]byte
	for i := range b {
		b[i] = crockford[h[i]&31]
	}
	return string(b[:])
}
