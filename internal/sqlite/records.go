package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

// insertEvent appends ev inside tx.
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, ev *feedback.AuditEvent, data string) error {
	_, err := s.txExec(ctx, tx, `INSERT INTO audit_events (id, problem_id, at, data) VALUES (?, ?, ?, ?)`,
		ev.ID, ev.ProblemID, nanos(ev.At), data)
	if err != nil {
		return fmt.Errorf("audit event %s: %w", ev.ID, dbError(err))
	}
	return nil
}

// AppendAuditEvent implements feedback.Store.
func (s *Store) AppendAuditEvent(ctx context.Context, ev *feedback.AuditEvent) error {
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("sqlite: append audit event: %w", err)
	}
	data, err := encode(ev)
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error { return s.insertEvent(ctx, tx, ev, data) })
	}
	if err != nil {
		return fmt.Errorf("sqlite: append audit event %s: %w", ev.ID, err)
	}
	return nil
}

// ListAuditEvents implements feedback.Store: a problem's events, oldest
// first.
func (s *Store) ListAuditEvents(ctx context.Context, problemID string, limit int, cursor string) (feedback.Page[*feedback.AuditEvent], error) {
	spec := listSpec{
		list: "audit_events", filter: problemID,
		cols: "data, at, id", from: "audit_events",
		where: []string{"problem_id = ?"}, args: []any{problemID},
		keys: []string{"at", "id"},
	}
	page, err := list(ctx, s, spec, limit, cursor, func(rows *sql.Rows) (*feedback.AuditEvent, []any, error) {
		var (
			ev   feedback.AuditEvent
			data string
			at   int64
			id   string
		)
		if err := rows.Scan(&data, &at, &id); err != nil {
			return nil, nil, err
		}
		return &ev, []any{at, id}, decode(data, &ev)
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list audit events of %s: %w", problemID, err)
	}
	return page, nil
}

// GetRuleSet implements feedback.Store.
func (s *Store) GetRuleSet(ctx context.Context) (*feedback.RuleSet, error) {
	rs, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM rule_set WHERE id = 1`),
		func(rs *feedback.RuleSet, v int64) { rs.Version = v })
	if errors.Is(err, sql.ErrNoRows) {
		return &feedback.RuleSet{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get rule set: %w", err)
	}
	return rs, nil
}

// PutRuleSet implements feedback.Store.
func (s *Store) PutRuleSet(ctx context.Context, rs *feedback.RuleSet) error {
	err := rs.Validate()
	var data string
	if err == nil {
		c := *rs
		c.Version = rs.Version + 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			if rs.Version == 0 {
				_, err := s.txExec(ctx, tx, `INSERT INTO rule_set (id, version, data) VALUES (1, 1, ?)`, data)
				return dbError(err)
			}
			res, err := s.txExec(ctx, tx, `UPDATE rule_set SET version = version + 1, data = ? WHERE id = 1 AND version = ?`, data, rs.Version)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return feedback.StoreConflict(fmt.Errorf("rule set version %d is stale", rs.Version))
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: put rule set: %w", err)
	}
	rs.Version++
	return nil
}

// PutSummary implements feedback.Store.
func (s *Store) PutSummary(ctx context.Context, sm *feedback.Summary) error {
	err := sm.Validate()
	var data string
	if err == nil {
		data, err = encode(sm)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO summaries (id, period, from_date, data) VALUES (?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET period = excluded.period, from_date = excluded.from_date, data = excluded.data`,
				sm.ID, sm.Period, sm.From, data)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: put summary %s: %w", sm.ID, err)
	}
	return nil
}

// GetSummary implements feedback.Store.
func (s *Store) GetSummary(ctx context.Context, id string) (*feedback.Summary, error) {
	var data string
	err := s.queryRow(ctx, `SELECT data FROM summaries WHERE id = ?`, id).Scan(&data)
	var sm feedback.Summary
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = feedback.NotFound("summary", id)
	case err == nil:
		err = decode(data, &sm)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get summary %s: %w", id, err)
	}
	return &sm, nil
}

// ListSummaries implements feedback.Store: newest period first.
func (s *Store) ListSummaries(ctx context.Context, f feedback.SummaryFilter) (feedback.Page[*feedback.Summary], error) {
	if err := f.Validate(); err != nil {
		return feedback.Page[*feedback.Summary]{}, fmt.Errorf("sqlite: list summaries: %w", err)
	}
	spec := listSpec{
		list: "summaries", filter: string(f.Period),
		cols: "data, from_date, id", from: "summaries",
		keys: []string{"from_date", "id"}, desc: true,
	}
	if f.Period != "" {
		spec.where = []string{"period = ?"}
		spec.args = []any{f.Period}
	}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.Summary, []any, error) {
		var (
			sm       feedback.Summary
			data     string
			from, id string
		)
		if err := rows.Scan(&data, &from, &id); err != nil {
			return nil, nil, err
		}
		return &sm, []any{from, id}, decode(data, &sm)
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list summaries: %w", err)
	}
	return page, nil
}

// CreateAccount implements feedback.Store.
func (s *Store) CreateAccount(ctx context.Context, a *feedback.Account) error {
	err := a.Validate()
	var data string
	if err == nil {
		data, err = encode(a)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO accounts (id, token_hash, created_at, data) VALUES (?, ?, ?, ?)`,
				a.ID, a.TokenHash, nanos(a.CreatedAt), data)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create account %s: %w", a.ID, err)
	}
	return nil
}

// GetAccountByTokenHash implements feedback.Store.
func (s *Store) GetAccountByTokenHash(ctx context.Context, hash string) (*feedback.Account, error) {
	var data string
	err := s.queryRow(ctx, `SELECT data FROM accounts WHERE token_hash = ?`, hash).Scan(&data)
	var a feedback.Account
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = feedback.NotFound("account", "token")
	case err == nil:
		err = decode(data, &a)
	}
	if err != nil {
		// Never put the hash in the error: it would end up in logs.
		return nil, fmt.Errorf("sqlite: get account by token: %w", err)
	}
	return &a, nil
}

// ListAccounts implements feedback.Store: oldest first.
func (s *Store) ListAccounts(ctx context.Context, limit int, cursor string) (feedback.Page[*feedback.Account], error) {
	spec := listSpec{
		list: "accounts", cols: "data, created_at, id", from: "accounts",
		keys: []string{"created_at", "id"},
	}
	page, err := list(ctx, s, spec, limit, cursor, func(rows *sql.Rows) (*feedback.Account, []any, error) {
		var (
			a    feedback.Account
			data string
			at   int64
			id   string
		)
		if err := rows.Scan(&data, &at, &id); err != nil {
			return nil, nil, err
		}
		return &a, []any{at, id}, decode(data, &a)
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list accounts: %w", err)
	}
	return page, nil
}
