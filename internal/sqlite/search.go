package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// A text search over all symposia, newest first.
//
// The general list query finds a search's rows with rid IN (SELECT rowid
// FROM suggestions_fts WHERE … MATCH …) and sorts them by time: SQLite
// builds the whole set of matches and looks every one of them up, which
// for a common word in a large file is thousands of rows for a page of
// twenty (5,134 pages read for a page of a word in 30% of 10,000 rows,
// against 164 for reading the index's newest matches).
//
// Rows are inserted in time order, so the full-text index's rowid order is
// nearly the list's order (SubmittedAt, ID): a row is out of place only
// when it was written a moment after a later one (concurrent submissions),
// or came from an older file. searchNewest therefore walks the full-text
// index newest rowid first, stopping after searchSlack rows more than a
// page, and makes the answer exact with a check instead of an assumption:
// every row older than that walk's oldest rowid but newer (in list order)
// than the page's last is found through the time index, and those that
// match join the candidates. Usually there are none, and the check reads a
// few index pages.
//
// It serves searches without a symposium, list, problem or date filter;
// with one of those the general query, which starts from that filter's
// index, reads less.

// searchSlack is how many rows past a page the walk reads, so that a row
// written slightly out of order seldom needs the second look.
const searchSlack = 8

// qOutOfOrder finds the oldest rowid among rows written before rowid ?3
// that come after (?1, ?2) in the list: it walks the time index from there
// (the unary + and the + 0 keep SQLite from reading the table in rowid
// order instead, which its min() shortcut would do).
const qOutOfOrder = `SELECT min(s.rid + 0) FROM suggestions s WHERE (s.submitted_at, s.id) > (?, ?) AND +s.rid < ?`

// searchWalk is the walk down the full-text index: its newest matches
// (rowid descending) that pass the other conditions (cond: "" or
// " AND …"), up to a limit.
func searchWalk(cond string) string {
	return `SELECT ` + searchColumns + ` FROM suggestions_fts f JOIN suggestions s ON s.rid = f.rowid
		WHERE suggestions_fts MATCH ?` + cond + ` ORDER BY f.rowid DESC LIMIT ?`
}

// searchColumns are what the search selects: the list's columns and the
// sort key, then rid.
const searchColumns = `s.version, s.topic, s.content, s.data, s.submitted_at, s.id, s.rid`

// ftsWalkable reports whether f is served by searchNewest, and returns the
// full-text query of its terms of three characters or more.
func ftsWalkable(f feedback.SuggestionFilter) (string, bool) {
	if f.SymposiumID != "" || f.ProblemListID != "" || f.ProblemID != "" || !f.From.IsZero() || !f.To.IsZero() {
		return "", false
	}
	var phrases []string
	for _, term := range strings.Fields(f.Query) {
		if len([]rune(term)) >= 3 {
			phrases = append(phrases, ftsPhrase(term))
		}
	}
	return strings.Join(phrases, " "), len(phrases) > 0
}

// ftsPhrase quotes a term as one FTS5 phrase (an implicit AND joins them).
func ftsPhrase(term string) string { return `"` + strings.ReplaceAll(term, `"`, `""`) + `"` }

// searchRow is a row of the search, not yet decoded (only a page's rows
// are), and its sort key.
type searchRow struct {
	version        int64
	topic, content string
	data           string
	at             int64
	id             string
	rid            int64
}

func (r searchRow) suggestion() (*feedback.Suggestion, error) {
	var sg feedback.Suggestion
	if err := decode(r.data, &sg); err != nil {
		return nil, err
	}
	sg.Version, sg.Topic, sg.Content = r.version, r.topic, r.content
	return &sg, nil
}

// before reports whether a comes before b in the list (newest first).
func (a searchRow) before(b searchRow) bool {
	if a.at != b.at {
		return a.at > b.at
	}
	return a.id > b.id
}

// searchNewest answers spec's list (ListSuggestions' filters except the
// full-text terms, which match holds) by walking the full-text index; see
// the comment above.
func (s *Store) searchNewest(ctx context.Context, spec listSpec, match string, limit int, cursor string) (feedback.Page[*feedback.Suggestion], error) {
	var page feedback.Page[*feedback.Suggestion]
	limit = feedback.ClampLimit(limit)
	where := append([]string(nil), spec.where...)
	args := append([]any(nil), spec.args...)
	if cursor != "" {
		pos, err := s.decodeCursor(spec.list, spec.filter, cursor, len(spec.keys))
		if err != nil {
			return page, err
		}
		where = append(where, "(s.submitted_at, s.id) < (?, ?)")
		args = append(args, pos...)
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot for the three reads
	if err != nil {
		return page, err
	}
	defer func() { _ = tx.Rollback() }()

	want := limit + 1
	rows, err := s.searchRows(ctx, tx, searchWalk(cond), append(append([]any{match}, args...), want+searchSlack)...)
	if err != nil {
		return page, err
	}
	if len(rows) == want+searchSlack {
		// The walk stopped early: rows older than its oldest rowid may
		// still belong on the page if they were written out of order.
		sortRows(rows)
		last := rows[want-1]
		oldest := slices.MinFunc(rows, func(a, b searchRow) int { return cmpInt(a.rid, b.rid) }).rid
		q := qOutOfOrder
		qargs := []any{last.at, last.id, oldest}
		if cursor != "" {
			q += ` AND (s.submitted_at, s.id) < (?, ?)`
			qargs = append(qargs, args[len(args)-2:]...)
		}
		var from sql.NullInt64
		if err := s.txStmt(ctx, tx, q).QueryRowContext(ctx, qargs...).Scan(&from); err != nil {
			return page, err
		}
		if from.Valid {
			more, err := s.searchRows(ctx, tx, `SELECT `+searchColumns+` FROM suggestions_fts f JOIN suggestions s ON s.rid = f.rowid
				WHERE suggestions_fts MATCH ? AND f.rowid >= ? AND f.rowid < ? AND (s.submitted_at, s.id) > (?, ?)`+cond,
				append([]any{match, from.Int64, oldest, last.at, last.id}, args...)...)
			if err != nil {
				return page, err
			}
			rows = append(rows, more...)
		}
	}
	sortRows(rows)
	for i, r := range rows {
		if i == limit {
			prev := rows[i-1]
			c, err := s.encodeCursor(spec.list, spec.filter, []any{prev.at, prev.id})
			if err != nil {
				return page, err
			}
			page.NextCursor = c
			break
		}
		sg, err := r.suggestion()
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, sg)
	}
	return page, tx.Commit()
}

func sortRows(rows []searchRow) {
	slices.SortFunc(rows, func(a, b searchRow) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// txStmt is the prepared statement for query in tx (unprepared past the
// statement cache's bound).
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) interface {
	QueryContext(context.Context, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, ...any) *sql.Row
} {
	st, err := s.stmt(ctx, s.reader, query)
	if err == nil {
		return tx.StmtContext(ctx, st)
	}
	return txQuery{tx, query}
}

type txQuery struct {
	tx    *sql.Tx
	query string
}

func (q txQuery) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return q.tx.QueryContext(ctx, q.query, args...)
}

func (q txQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return q.tx.QueryRowContext(ctx, q.query, args...)
}

// searchRows runs a search query selecting searchColumns.
func (s *Store) searchRows(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]searchRow, error) {
	rows, err := s.txStmt(ctx, tx, query).QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []searchRow
	for rows.Next() {
		var r searchRow
		if err := rows.Scan(&r.version, &r.topic, &r.content, &r.data, &r.at, &r.id, &r.rid); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
