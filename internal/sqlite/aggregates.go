package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
	sqlitedrv "modernc.org/sqlite"
)

// Maintained problem counters (feedback.ProblemCounterDeltas) are rows of
// problem_counters (scope, key, name) → value, changed by CreateProblem and
// UpdateProblem inside their own transaction, so a write and its counters
// commit or roll back together. A file that had problems before the table
// existed gets its counters rebuilt once, at open (rebuildCounters).

// counterMigration is the schema step that adds the counters. The marker in
// meta asks Open to fill them from the problems already stored.
const counterMigration = `
CREATE TABLE problem_counters (
	scope TEXT NOT NULL,
	key   TEXT NOT NULL,
	name  TEXT NOT NULL,
	value INTEGER NOT NULL,
	PRIMARY KEY (scope, key, name)
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('rebuild_problem_counters', x'01');
`

const qAddCounter = `INSERT INTO problem_counters (scope, key, name, value) VALUES (?, ?, ?, ?)
	ON CONFLICT (scope, key, name) DO UPDATE SET value = value + excluded.value`

// applyCounters adds deltas inside tx.
func applyCounters(ctx context.Context, tx *sql.Tx, deltas []feedback.CounterDelta) error {
	for _, d := range deltas {
		if _, err := tx.ExecContext(ctx, qAddCounter, d.Scope, d.Key, d.Name, d.N); err != nil {
			return fmt.Errorf("problem counters: %w", dbError(err))
		}
	}
	return nil
}

// problemInTx reads the stored problem id inside tx; nil when absent.
func problemInTx(ctx context.Context, tx *sql.Tx, id string) (*feedback.Problem, error) {
	p, err := scanVersioned(tx.QueryRowContext(ctx, `SELECT version, data FROM problems WHERE id = ?`, id), setProblemVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read problem %s: %w", id, err)
	}
	return p, nil
}

// GetProblemAggregates implements feedback.Store: the status and unit
// counters and the day counters from..to (primary-key range reads).
func (s *Store) GetProblemAggregates(ctx context.Context, from, to feedback.Date) (*feedback.ProblemAggregates, error) {
	if err := feedback.ValidateDayRange(from, to); err != nil {
		return nil, fmt.Errorf("sqlite: get problem counters: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT scope, key, name, value FROM problem_counters WHERE scope IN ('status', 'unit')
		UNION ALL
		SELECT scope, key, name, value FROM problem_counters WHERE scope = 'day' AND key BETWEEN ? AND ?`,
		string(from), string(to))
	if err != nil {
		return nil, fmt.Errorf("sqlite: get problem counters: %w", dbError(err))
	}
	defer rows.Close()
	agg := feedback.NewProblemAggregates()
	for rows.Next() {
		var (
			scope, k, name string
			v              int
		)
		if err := rows.Scan(&scope, &k, &name, &v); err != nil {
			return nil, fmt.Errorf("sqlite: get problem counters: %w", err)
		}
		agg.Add(scope, k, name, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: get problem counters: %w", err)
	}
	agg.Prune()
	return agg, nil
}

// rebuildCounters fills problem_counters from the stored problems when the
// migration that added the table asked for it, in one transaction, with
// what feedback.RecountedProblemCounters says each problem adds.
func (s *Store) rebuildCounters(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var marker []byte
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'rebuild_problem_counters'`).Scan(&marker)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rebuild problem counters: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM problem_counters`); err != nil {
			return fmt.Errorf("rebuild problem counters: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT version, data FROM problems`)
		if err != nil {
			return fmt.Errorf("rebuild problem counters: %w", err)
		}
		var deltas []feedback.CounterDelta
		for rows.Next() {
			p, err := scanVersioned(rows, setProblemVersion)
			if err != nil {
				rows.Close()
				return fmt.Errorf("rebuild problem counters: %w", err)
			}
			deltas = append(deltas, feedback.RecountedProblemCounters(p)...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("rebuild problem counters: %w", err)
		}
		if err := applyCounters(ctx, tx, deltas); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'rebuild_problem_counters'`)
		return err
	})
}

// PagesRead returns how many database pages the store's read connections
// have touched since they were opened (SQLite's per-connection cache hits
// plus misses, summed over the read pool). It is a measure of read cost
// that does not depend on how warm the cache is; benchmarks use it. It
// briefly holds every read connection, so do not call it on a request
// path.
func (s *Store) PagesRead(ctx context.Context) (int64, error) {
	n := s.reader.Stats().MaxOpenConnections
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var total int64
	for range n {
		c, err := s.reader.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("sqlite: pages read: %w", err)
		}
		conns = append(conns, c)
		err = c.Raw(func(dc any) error {
			st, ok := dc.(sqlitedrv.DBStatus)
			if !ok {
				return fmt.Errorf("driver connection has no status")
			}
			for _, op := range []sqlitedrv.DBStatusOp{sqlitedrv.DBStatusCacheHit, sqlitedrv.DBStatusCacheMiss} {
				cur, _, err := st.Status(op, false)
				if err != nil {
					return err
				}
				total += int64(cur)
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("sqlite: pages read: %w", err)
		}
	}
	return total, nil
}
