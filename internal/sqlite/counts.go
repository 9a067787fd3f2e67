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

// triageIndexMigration replaces the summary's covering index with one that
// also holds problem_list_id, so the count can tell a suggestion waiting in
// the triage list (待分拣) from one filed to a real list (已分拣) and still
// read the index alone.
const triageIndexMigration = `
CREATE INDEX suggestions_summary_lists ON suggestions
	(submitted_at, id, participant_kind, status, kind, channel, symposium_id, reply_state, problem_list_id);
DROP INDEX suggestions_summary_replies;
`

// qCountSuggestions is answered from suggestions_summary_lists alone (a
// covering index scan; see TestCountSuggestionsPlan). Its seventh column is
// feedback.Suggestion.InTriage.
const qCountSuggestions = `SELECT symposium_id, participant_kind, kind, status, channel, reply_state,
	status = '` + string(feedback.SuggestionRouted) + `' AND problem_list_id = '` + feedback.TriageListID + `' AS triage, count(*)
	FROM suggestions WHERE submitted_at >= ? AND submitted_at < ?
	GROUP BY symposium_id, participant_kind, kind, status, channel, reply_state, triage`

// CountSuggestions implements feedback.Store from the covering index
// suggestions_summary_lists. A zero from or to leaves that end open.
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
		if err := rows.Scan(&c.SymposiumID, &c.ParticipantKind, &c.Kind, &c.Status, &c.Channel, &c.ReplyState, &c.Triage, &c.N); err != nil {
			return nil, fmt.Errorf("sqlite: count suggestions: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: count suggestions: %w", err)
	}
	return out, nil
}
