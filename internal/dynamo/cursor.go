package dynamo

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Cursors are opaque to callers: base64url(JSON state) "." base64url(MAC),
// where the MAC is HMAC-SHA-256 over the encoded state. The state names the
// list and filter it belongs to, so a cursor from another list or filter is
// rejected even though its MAC is good.

// cursorState is where a list stopped.
type cursorState struct {
	List string            `json:"l"`           // hash of the list and its filter
	Part string            `json:"p"`           // partition the next read starts in
	Key  map[string]string `json:"k,omitempty"` // exclusive start key in Part; nil = its start
}

var b64 = base64.RawURLEncoding.Strict()

// cursorMACLen is the length of the truncated MAC: 128 bits is plenty
// against forgery and keeps cursors short.
const cursorMACLen = 16

// metaKeyItem stores the shared cursor key.
type metaKeyItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	Key  []byte `dynamodbav:"key"`
}

// signingKey returns the cursor key: the configured one, or the one stored
// in the table.
func (s *Store) signingKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.cursorKey == nil {
		k, err := s.tableSecret(ctx, skCursorKey, "cursor key")
		if err != nil {
			return nil, err
		}
		s.cursorKey = k
	}
	return s.cursorKey, nil
}

// tableSecret returns the 32-byte secret stored in the table's meta item
// under sk, creating it if missing. The create is conditional, so instances
// that race on first use all end up with the one that was written.
func (s *Store) tableSecret(ctx context.Context, sk, what string) ([]byte, error) {
	for attempt := 0; attempt < 3; attempt++ {
		var it metaKeyItem
		found, err := s.getItem(ctx, pkMeta, sk, &it)
		if err != nil {
			return nil, fmt.Errorf("dynamo: get %s: %w", what, err)
		}
		if found && len(it.Key) >= 32 {
			return it.Key, nil
		}
		k := make([]byte, 32)
		_, _ = rand.Read(k) // never fails on supported platforms
		item, err := marshal(metaKeyItem{PK: pkMeta, SK: sk, Type: typeMeta, Key: k})
		if err != nil {
			return nil, err
		}
		c := notExists()
		err = s.putIf(ctx, item, c)
		var ccf *types.ConditionalCheckFailedException
		switch {
		case err == nil:
			return k, nil
		case errors.As(err, &ccf):
			continue // another instance won the race: read its key
		default:
			return nil, fmt.Errorf("dynamo: create %s: %w", what, storeErr(err))
		}
	}
	return nil, feedback.Internal(fmt.Errorf("dynamo: %s: gave up", what))
}

// listID binds a cursor to one list and filter.
func listID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return b64.EncodeToString(h[:12])
}

func (s *Store) encodeCursor(ctx context.Context, st cursorState) (string, error) {
	k, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return "", feedback.Internal(fmt.Errorf("encode cursor: %w", err))
	}
	payload := b64.EncodeToString(raw)
	return payload + "." + b64.EncodeToString(mac(k, payload)), nil
}

func mac(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:cursorMACLen]
}

// decodeCursor checks c and returns its state; list is the list it must
// belong to.
func (s *Store) decodeCursor(ctx context.Context, c, list string) (*cursorState, error) {
	payload, sig, ok := strings.Cut(c, ".")
	if !ok || len(c) > feedback.CursorMaxBytes {
		return nil, feedback.InvalidCursor(nil)
	}
	got, err := b64.DecodeString(sig)
	if err != nil || b64.EncodeToString(got) != sig {
		return nil, feedback.InvalidCursor(nil)
	}
	k, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(got, mac(k, payload)) {
		return nil, feedback.InvalidCursor(nil)
	}
	raw, err := b64.DecodeString(payload)
	if err != nil {
		return nil, feedback.InvalidCursor(nil)
	}
	var st cursorState
	if err := json.Unmarshal(raw, &st); err != nil || st.List != list || st.Part == "" {
		return nil, feedback.InvalidCursor(nil)
	}
	return &st, nil
}

// startKey turns a cursor's key back into an ExclusiveStartKey.
func startKey(k map[string]string) map[string]types.AttributeValue {
	if len(k) == 0 {
		return nil
	}
	out := make(map[string]types.AttributeValue, len(k))
	for name, v := range k {
		out[name] = &types.AttributeValueMemberS{Value: v}
	}
	return out
}

// keyOf extracts the key attributes of item for index p.
func keyOf(item map[string]types.AttributeValue, p part) map[string]string {
	out := map[string]string{}
	for _, name := range []string{"pk", "sk", p.pkAttr, p.skAttr} {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			out[name] = v.Value
		}
	}
	return out
}

// stringKey is keyOf for a LastEvaluatedKey (all our keys are strings).
func stringKey(k map[string]types.AttributeValue) map[string]string {
	if len(k) == 0 {
		return nil
	}
	out := make(map[string]string, len(k))
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			out[name] = s.Value
		}
	}
	return out
}
