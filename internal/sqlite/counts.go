package sqlite

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// summaryIndexMigration adds the index a summary counts suggestions from.
// It holds every column CountSuggestions reads, so the count is a range
// scan of the index alone: no row of the table is visited, and the pages
// read follow the period's suggestions and the index's depth, not the
// table's (whose rows are wide and whose B-tree is deeper). It starts with
// (submitted_at, id), so it also serves everything suggestions_by_time
// did, which is dropped to keep the cost of an insert unchanged.
const summaryIndexMigration = `
CREATE INDEX suggestions_summary ON suggestions
	(submitted_at, id, participant_kind, status, kind, channel, symposium_id);
DROP INDEX suggestions_by_time;
`

// qCountSuggestions is answered from suggestions_summary_replies alone (a covering
// index scan; see TestCountSuggestionsPlan).
const qCountSuggestions = `SELECT symposium_id, participant_kind, kind, status, channel, reply_state, count(*)
	FROM suggestions WHERE submitted_at >= ? AND submitted_at < ?
	GROUP BY symposium_id, participant_kind, kind, status, channel, reply_state`

// CountSuggestions implements feedback.Store from the covering index
// suggestions_summary_replies (replies.go). A zero from or to leaves that end open.
func (s *Store) CountSuggestions(ctx context.Context, from, to time.Time) ([]feedback.SuggestionCount, error) {
	st, err := s.stmt(ctx, s.reader, qCountSuggestions)
	if err != nil {
		return nil, fmt.Errorf("sqlite: count suggestions: %w", err)
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = nanos(from)
	}
	if !to.IsZero() {
		hi = nanos(to)
	}
	rows, err := st.QueryContext(ctx, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sqlite: count suggestions: %w", dbError(err))
	}
	defer rows.Close()
	var out []feedback.SuggestionCount
	for rows.Next() {
		var c feedback.SuggestionCount
		if err := rows.Scan(&c.SymposiumID, &c.ParticipantKind, &c.Kind, &c.Status, &c.Channel, &c.ReplyState, &c.N); err != nil {
			return nil, fmt.Errorf("sqlite: count suggestions: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: count suggestions: %w", err)
	}
	return out, nil
}
