package sqlite

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Cursors are keyset positions: the sort-key values of the last item
// returned, as a JSON array, followed by an HMAC-SHA256 tag (truncated to
// 16 bytes) and encoded as unpadded base64url in strict mode, so that no two
// strings decode to the same cursor. The tag covers the list's name and its
// filter too, so a cursor works only for the list and filter that issued it
// and only in the file whose random key signed it (kept in the meta table).
const tagLen = 16

var cursorEncoding = base64.RawURLEncoding.Strict()

func (s *Store) tag(list, filter string, payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(list))
	m.Write([]byte{0})
	m.Write([]byte(filter))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:tagLen]
}

func (s *Store) encodeCursor(list, filter string, pos []any) (string, error) {
	payload, err := json.Marshal(pos)
	if err != nil {
		return "", err
	}
	return cursorEncoding.EncodeToString(append(payload, s.tag(list, filter, payload)...)), nil
}

func (s *Store) decodeCursor(list, filter, cursor string, n int) ([]any, error) {
	if len(cursor) > feedback.CursorMaxBytes {
		return nil, feedback.InvalidCursor(nil)
	}
	raw, err := cursorEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= tagLen {
		return nil, feedback.InvalidCursor(nil)
	}
	payload, tag := raw[:len(raw)-tagLen], raw[len(raw)-tagLen:]
	if !hmac.Equal(tag, s.tag(list, filter, payload)) {
		return nil, feedback.InvalidCursor(nil)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var pos []any
	if err := dec.Decode(&pos); err != nil || len(pos) != n {
		return nil, feedback.InvalidCursor(nil)
	}
	for i, v := range pos {
		if num, ok := v.(json.Number); ok {
			iv, err := num.Int64()
			if err != nil {
				return nil, feedback.InvalidCursor(nil)
			}
			pos[i] = iv
		}
	}
	return pos, nil
}

// listSpec describes one keyset-paginated query.
type listSpec struct {
	list   string   // the list's name, bound into cursors
	filter string   // the filter's canonical form, bound into cursors
	cols   string   // what to select (the scan function's columns)
	from   string   // table
	where  []string // conditions, ANDed
	args   []any
	keys   []string // sort columns, all in the same direction
	desc   bool
}

// list runs spec and returns one page. scan reads a row and returns the item
// and its sort-key values (matching spec.keys).
func list[T any](ctx context.Context, s *Store, spec listSpec, limit int, cursor string, scan func(*sql.Rows) (T, []any, error)) (feedback.Page[T], error) {
	var page feedback.Page[T]
	limit = feedback.ClampLimit(limit)
	where := append([]string(nil), spec.where...)
	args := append([]any(nil), spec.args...)
	if cursor != "" {
		pos, err := s.decodeCursor(spec.list, spec.filter, cursor, len(spec.keys))
		if err != nil {
			return page, err
		}
		op := ">"
		if spec.desc {
			op = "<"
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(pos)), ", ")
		where = append(where, fmt.Sprintf("(%s) %s (%s)", strings.Join(spec.keys, ", "), op, marks))
		args = append(args, pos...)
	}
	dir := " ASC"
	if spec.desc {
		dir = " DESC"
	}
	q := "SELECT " + spec.cols + " FROM " + spec.from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + strings.Join(spec.keys, dir+", ") + dir + " LIMIT ?"
	args = append(args, limit+1)

	var rows *sql.Rows
	st, err := s.stmt(ctx, s.reader, q)
	switch {
	case err == nil:
		rows, err = st.QueryContext(ctx, args...)
	case errors.Is(err, errStmtCacheFull):
		rows, err = s.reader.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return page, err
	}
	defer rows.Close()
	var last []any
	for rows.Next() {
		if len(page.Items) == limit {
			// There is at least one more: hand out a cursor after the last.
			c, err := s.encodeCursor(spec.list, spec.filter, last)
			if err != nil {
				return page, err
			}
			page.NextCursor = c
			break
		}
		item, pos, err := scan(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, item)
		last = pos
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	return page, nil
}

// nanos is the integer form of a time stored in sort columns. The zero time
// is 0; times outside what int64 nanoseconds can hold are clamped.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	switch {
	case t.Year() < 1678:
		return math.MinInt64 + 1
	case t.Year() > 2261:
		return math.MaxInt64
	}
	return t.UnixNano()
}

// encode is the JSON of what goes in a data column.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", &feedback.Error{Code: feedback.EInvalid, Message: "内容无法保存", Err: fmt.Errorf("encode: %w", err)}
	}
	return string(b), nil
}

func decode(data string, v any) error {
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return fmt.Errorf("decode stored item: %w", err)
	}
	return nil
}
