package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jianyan/jianyan/internal/feedback"
)

// suggestionData is what goes in the data column: everything but the
// columns search reads.
func suggestionData(s *feedback.Suggestion) (string, error) {
	c := *s
	c.Topic, c.Content, c.Version = "", "", 0
	return encode(&c)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const suggestionCols = `version, topic, content, data`

func scanSuggestion(sc interface{ Scan(...any) error }) (*feedback.Suggestion, error) {
	var (
		s    feedback.Suggestion
		data string
	)
	if err := sc.Scan(&s.Version, &s.Topic, &s.Content, &data); err != nil {
		return nil, err
	}
	v, topic, content := s.Version, s.Topic, s.Content
	if err := decode(data, &s); err != nil {
		return nil, err
	}
	s.Version, s.Topic, s.Content = v, topic, content
	return &s, nil
}

const (
	qIdemLookup = `SELECT ` + suggestionCols + ` FROM suggestions
		WHERE symposium_id = ? AND idem_key = ? ORDER BY submitted_at DESC, id DESC LIMIT 1`
	qInsertSuggestion = `INSERT INTO suggestions (id, receipt, symposium_id, participant_kind, kind, status, channel,
		problem_list_id, problem_id, idem_key, topic, content, submitted_at, reply_state, version, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`
	qUpdateSuggestion = `UPDATE suggestions SET receipt = ?, symposium_id = ?, participant_kind = ?, kind = ?,
		status = ?, channel = ?, problem_list_id = ?, problem_id = ?, idem_key = ?, topic = ?, content = ?,
		submitted_at = ?, reply_state = ?, version = version + 1, data = ?
		WHERE id = ? AND version = ?`
	qSuggestionExists = `SELECT 1 FROM suggestions WHERE id = ?`
	// qSuggestionCols reads the columns an update may change, to find out
	// which ones it does (updateSuggestion).
	qSuggestionCols = `SELECT receipt, symposium_id, participant_kind, kind, channel, ifnull(idem_key, ''),
		topic, content, submitted_at, version FROM suggestions WHERE id = ?`
	// qUpdateSuggestionState is an update that leaves every column but the
	// state ones as they are: routing, adoption, declining. Unlike
	// qUpdateSuggestion it only touches the indexes over those columns
	// (SQLite rewrites the entries of every index with a column in SET,
	// changed or not).
	qUpdateSuggestionState = `UPDATE suggestions SET status = ?, problem_list_id = ?, problem_id = ?,
		reply_state = ?, version = version + 1, data = ? WHERE id = ? AND version = ?`
)

// CreateSuggestion stores s in one short transaction: an idempotency lookup
// (when s has a key) and one insert, both prepared. See feedback.Store.
func (s *Store) CreateSuggestion(ctx context.Context, sg *feedback.Suggestion) (*feedback.Suggestion, bool, error) {
	if err := sg.Validate(); err != nil {
		return nil, false, fmt.Errorf("sqlite: create suggestion %s: %w", sg.ID, err)
	}
	data, err := suggestionData(sg)
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: create suggestion %s: %w", sg.ID, err)
	}
	var earlier *feedback.Suggestion
	err = s.write(ctx, func(tx *sql.Tx) error {
		earlier = nil // fn may run twice (commit.go)
		if sg.IdempotencyKey != "" {
			prev, err := scanSuggestion(s.txQueryRow(ctx, tx, qIdemLookup, sg.SymposiumID, sg.IdempotencyKey))
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			case sg.SubmittedAt.Sub(prev.SubmittedAt) < feedback.IdempotencyWindow:
				earlier = prev
				return nil
			}
		}
		_, err := s.txExec(ctx, tx, qInsertSuggestion,
			sg.ID, sg.Receipt, sg.SymposiumID, sg.ParticipantKind, sg.Kind, sg.Status, sg.Channel,
			sg.ProblemListID, sg.ProblemID, nullIfEmpty(sg.IdempotencyKey), sg.Topic, sg.Content,
			nanos(sg.SubmittedAt), sg.ReplyState(), data)
		return dbError(err)
	})
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: create suggestion %s: %w", sg.ID, err)
	}
	if earlier != nil {
		return earlier, false, nil
	}
	sg.Version = 1
	stored := *sg
	return &stored, true, nil
}

// GetSuggestion implements feedback.Store.
func (s *Store) GetSuggestion(ctx context.Context, id string) (*feedback.Suggestion, error) {
	sg, err := scanSuggestion(s.queryRow(ctx, `SELECT `+suggestionCols+` FROM suggestions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("suggestion", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get suggestion %s: %w", id, err)
	}
	return sg, nil
}

// GetSuggestionByReceipt implements feedback.Store.
func (s *Store) GetSuggestionByReceipt(ctx context.Context, receipt string) (*feedback.Suggestion, error) {
	sg, err := scanSuggestion(s.queryRow(ctx, `SELECT `+suggestionCols+` FROM suggestions WHERE receipt = ?`, receipt))
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("receipt", receipt)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get suggestion by receipt %s: %w", receipt, err)
	}
	return sg, nil
}

// UpdateSuggestion implements feedback.Store.
func (s *Store) UpdateSuggestion(ctx context.Context, sg *feedback.Suggestion) error {
	if err := sg.Validate(); err != nil {
		return fmt.Errorf("sqlite: update suggestion %s: %w", sg.ID, err)
	}
	data, err := suggestionData(sg)
	if err != nil {
		return fmt.Errorf("sqlite: update suggestion %s: %w", sg.ID, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		return s.updateSuggestion(ctx, tx, sg, data)
	})
	if err != nil {
		return fmt.Errorf("sqlite: update suggestion %s: %w", sg.ID, err)
	}
	sg.Version++
	return nil
}

// updateSuggestion writes sg if its stored version is still sg.Version.
func (s *Store) updateSuggestion(ctx context.Context, tx *sql.Tx, sg *feedback.Suggestion, data string) error {
	if s.stateOnlyChange(ctx, tx, sg) {
		res, err := s.txExec(ctx, tx, qUpdateSuggestionState,
			sg.Status, sg.ProblemListID, sg.ProblemID, sg.ReplyState(), data, sg.ID, sg.Version)
		if err != nil {
			return dbError(err)
		}
		return s.checkUpdated(ctx, tx, res, qSuggestionExists, "suggestion", sg.ID, sg.Version)
	}
	res, err := s.txExec(ctx, tx, qUpdateSuggestion,
		sg.Receipt, sg.SymposiumID, sg.ParticipantKind, sg.Kind, sg.Status, sg.Channel,
		sg.ProblemListID, sg.ProblemID, nullIfEmpty(sg.IdempotencyKey), sg.Topic, sg.Content,
		nanos(sg.SubmittedAt), sg.ReplyState(), data, sg.ID, sg.Version)
	if err != nil {
		return dbError(err)
	}
	return s.checkUpdated(ctx, tx, res, qSuggestionExists, "suggestion", sg.ID, sg.Version)
}

// stateOnlyChange reports whether the stored sg, at sg.Version, differs
// from sg in its state columns only (status, problem list, problem) and in
// data. Anything else (absent, another version, other columns changed)
// takes the full update, which also reports conflicts.
func (s *Store) stateOnlyChange(ctx context.Context, tx *sql.Tx, sg *feedback.Suggestion) bool {
	var (
		receipt, sym, pk, kind, ch, idem, topic, content string
		at, version                                      int64
	)
	err := s.txQueryRow(ctx, tx, qSuggestionCols, sg.ID).Scan(&receipt, &sym, &pk, &kind, &ch, &idem, &topic, &content, &at, &version)
	return err == nil && version == sg.Version && receipt == sg.Receipt && sym == sg.SymposiumID &&
		pk == string(sg.ParticipantKind) && kind == string(sg.Kind) && ch == string(sg.Channel) &&
		idem == sg.IdempotencyKey && topic == sg.Topic && content == sg.Content && at == nanos(sg.SubmittedAt)
}

// checkUpdated turns "no row updated" into ENotFound or EConflict.
func (s *Store) checkUpdated(ctx context.Context, tx *sql.Tx, res sql.Result, existsQuery, what, id string, version int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var one int
	switch err := s.txQueryRow(ctx, tx, existsQuery, id).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return feedback.NotFound(what, id)
	case err != nil:
		return err
	}
	return feedback.StoreConflict(fmt.Errorf("%s %s: version %d is stale", what, id, version))
}

// ListSuggestions implements feedback.Store. Query terms of three or more
// characters use the trigram index; shorter ones scan with instr().
func (s *Store) ListSuggestions(ctx context.Context, f feedback.SuggestionFilter) (feedback.Page[*feedback.Suggestion], error) {
	if err := f.Validate(); err != nil {
		return feedback.Page[*feedback.Suggestion]{}, fmt.Errorf("sqlite: list suggestions: %w", err)
	}
	spec := listSpec{
		list: "suggestions",
		cols: suggestionCols + `, submitted_at, id`,
		from: "suggestions",
		keys: []string{"submitted_at", "id"},
		desc: true,
	}
	// A search over all symposia walks the full-text index (search.go);
	// its terms go in the MATCH, the other filters here. Its queries join
	// the index, whose columns are named like the table's: hence "s.".
	match, walk := ftsWalkable(f)
	col := func(c string) string {
		if walk {
			return "s." + c
		}
		return c
	}
	eq := func(c, v string) {
		if v != "" {
			spec.where = append(spec.where, col(c)+" = ?")
			spec.args = append(spec.args, v)
		}
	}
	eq("symposium_id", f.SymposiumID)
	eq("participant_kind", string(f.ParticipantKind))
	eq("kind", string(f.Kind))
	eq("status", string(f.Status))
	eq("problem_list_id", f.ProblemListID)
	if f.ProblemID != "" {
		// The suggestions a problem is made of are the ones it lists: a
		// suggestion split into several problems is in each of them, and
		// the problem_id column holds only its first.
		spec.where = append(spec.where, "id IN (SELECT value FROM problems, json_each(problems.data, '$.SuggestionIDs') WHERE problems.id = ?)")
		spec.args = append(spec.args, f.ProblemID)
	}
	eq("channel", string(f.Channel))
	if f.Rehandle {
		spec.where = append(spec.where, col("reply_state")+" = 'dissatisfied'")
	}
	if f.Unreplied {
		spec.where = append(spec.where, col("reply_state")+" = ''")
	}
	if !f.From.IsZero() {
		spec.where = append(spec.where, "submitted_at >= ?")
		spec.args = append(spec.args, nanos(f.From))
	}
	if !f.To.IsZero() {
		spec.where = append(spec.where, "submitted_at < ?")
		spec.args = append(spec.args, nanos(f.To))
	}
	for _, term := range strings.Fields(f.Query) {
		switch {
		case utf8.RuneCountInString(term) < 3:
			spec.where = append(spec.where, "(instr("+col("topic")+", ?) > 0 OR instr("+col("content")+", ?) > 0)")
			spec.args = append(spec.args, term, term)
		case !walk:
			spec.where = append(spec.where, "rid IN (SELECT rowid FROM suggestions_fts WHERE suggestions_fts MATCH ?)")
			spec.args = append(spec.args, ftsPhrase(term))
		}
	}
	spec.filter = fmt.Sprintf("%q|%q|%q|%q|%q|%q|%q|%d|%d|%q|%t|%t", f.SymposiumID, f.ParticipantKind, f.Kind, f.Status,
		f.ProblemListID, f.ProblemID, f.Channel, nanos(f.From), nanos(f.To), strings.Join(strings.Fields(f.Query), " "), f.Rehandle, f.Unreplied)
	if walk {
		page, err := s.searchNewest(ctx, spec, match, f.Limit, f.Cursor)
		if err != nil {
			return page, fmt.Errorf("sqlite: list suggestions: %w", err)
		}
		return page, nil
	}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.Suggestion, []any, error) {
		var (
			sg   feedback.Suggestion
			data string
			at   int64
			id   string
		)
		if err := rows.Scan(&sg.Version, &sg.Topic, &sg.Content, &data, &at, &id); err != nil {
			return nil, nil, err
		}
		v, topic, content := sg.Version, sg.Topic, sg.Content
		if err := decode(data, &sg); err != nil {
			return nil, nil, err
		}
		sg.Version, sg.Topic, sg.Content = v, topic, content
		return &sg, []any{at, id}, nil
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list suggestions: %w", err)
	}
	return page, nil
}

// UpdateSuggestionWithNotices implements feedback.Store: the suggestion's
// update and the notices' inserts in one transaction.
func (s *Store) UpdateSuggestionWithNotices(ctx context.Context, sg *feedback.Suggestion, notices []*feedback.Notice) error {
	err := feedback.ValidateSuggestionWrite(sg, notices)
	var (
		data  string
		ndata []string
	)
	if err == nil {
		data, err = suggestionData(sg)
	}
	for _, n := range notices {
		if err != nil {
			break
		}
		var d string
		d, err = noticeData(n, 1)
		ndata = append(ndata, d)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			if err := s.updateSuggestion(ctx, tx, sg, data); err != nil {
				return err
			}
			for i, n := range notices {
				if err := insertNotice(ctx, s, tx, n, ndata[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		if sg == nil {
			return fmt.Errorf("sqlite: update suggestion: %w", err)
		}
		return fmt.Errorf("sqlite: update suggestion %s: %w", sg.ID, err)
	}
	sg.Version++
	for _, n := range notices {
		n.Version = 1
	}
	return nil
}
