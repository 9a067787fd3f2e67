package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The office's round-two records: the notice outbox, the unit registry,
// the working calendar's office years, extension requests, co-units'
// contributions, the assessment scheme and its entries, and the units of
// each problem (lead and co-units), which lists by unit read.

// officeMigration is the schema step that adds them. problem_units is
// filled from the problems already stored (their lead unit column and the
// co-units in their JSON).
const officeMigration = `
CREATE TABLE notices (
	id         TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL,
	pending    INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX notices_pending ON notices (created_at, id) WHERE pending = 1;

CREATE TABLE units (
	name    TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	data    TEXT NOT NULL
);

CREATE TABLE calendar_years (
	year    INTEGER PRIMARY KEY,
	version INTEGER NOT NULL,
	data    TEXT NOT NULL
);

CREATE TABLE extensions (
	id           TEXT PRIMARY KEY,
	problem_id   TEXT NOT NULL,
	requested_at INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	data         TEXT NOT NULL
);
CREATE INDEX extensions_by_problem ON extensions (problem_id, requested_at, id);

CREATE TABLE contributions (
	id         TEXT PRIMARY KEY,
	problem_id TEXT NOT NULL,
	at         INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX contributions_by_problem ON contributions (problem_id, at, id);

CREATE TABLE assessment_scheme (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL,
	data    TEXT NOT NULL
);

CREATE TABLE assessment_entries (
	id   TEXT PRIMARY KEY,
	day  TEXT NOT NULL,
	data TEXT NOT NULL
);
CREATE INDEX assessment_entries_by_day ON assessment_entries (day, id);

CREATE TABLE problem_units (
	problem_id TEXT NOT NULL,
	unit       TEXT NOT NULL,
	lead       INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (problem_id, unit)
) WITHOUT ROWID;
CREATE INDEX problem_units_by_unit ON problem_units (unit, created_at, problem_id);
INSERT INTO problem_units (problem_id, unit, lead, created_at)
	SELECT id, unit, 1, created_at FROM problems WHERE unit <> '';
INSERT OR IGNORE INTO problem_units (problem_id, unit, lead, created_at)
	SELECT p.id, j.value, 0, p.created_at FROM problems p, json_each(p.data, '$.CoUnits') j
	WHERE j.type = 'text' AND j.value <> '';

ALTER TABLE problems ADD COLUMN supervised INTEGER NOT NULL DEFAULT 0;
CREATE INDEX problems_supervised ON problems (created_at, id) WHERE supervised = 1;
`

// extensionPendingMigration adds the column of problems with an extension
// request waiting for the office's decision (延期待审批), written from
// Problem.PendingExtensionID with every problem write, so it changes in
// the same transaction as the request, its decision, or anything else
// that changes the problem. Problems already stored with a pending
// request get it from their JSON.
const extensionPendingMigration = `
ALTER TABLE problems ADD COLUMN extension_pending INTEGER NOT NULL DEFAULT 0;
UPDATE problems SET extension_pending = 1 WHERE coalesce(json_extract(data, '$.PendingExtensionID'), '') <> '';
CREATE INDEX problems_extension_pending ON problems (created_at, id) WHERE extension_pending = 1;
`

// writeProblemUnits replaces the unit rows of p inside tx: its lead unit
// and its co-units.
func writeProblemUnits(ctx context.Context, s *Store, tx *sql.Tx, p *feedback.Problem) error {
	if _, err := s.txExec(ctx, tx, `DELETE FROM problem_units WHERE problem_id = ?`, p.ID); err != nil {
		return fmt.Errorf("problem units: %w", dbError(err))
	}
	add := func(unit string, lead bool) error {
		_, err := s.txExec(ctx, tx, `INSERT OR IGNORE INTO problem_units (problem_id, unit, lead, created_at) VALUES (?, ?, ?, ?)`,
			p.ID, unit, lead, nanos(p.CreatedAt))
		if err != nil {
			return fmt.Errorf("problem units: %w", dbError(err))
		}
		return nil
	}
	if p.ResponsibleUnit != "" {
		if err := add(p.ResponsibleUnit, true); err != nil {
			return err
		}
	}
	for _, u := range p.CoUnits {
		if err := add(u, false); err != nil {
			return err
		}
	}
	return nil
}

// noticeData encodes n as stored with version v.
func noticeData(n *feedback.Notice, v int64) (string, error) {
	c := *n
	c.Version = v
	return encode(&c)
}

func insertNotice(ctx context.Context, s *Store, tx *sql.Tx, n *feedback.Notice, data string) error {
	_, err := s.txExec(ctx, tx, `INSERT INTO notices (id, created_at, pending, version, data) VALUES (?, ?, ?, 1, ?)`,
		n.ID, nanos(n.CreatedAt), n.DeliveredAt.IsZero(), data)
	if err != nil {
		return fmt.Errorf("notice %s: %w", n.ID, dbError(err))
	}
	return nil
}

// CreateNotice implements feedback.Store.
func (s *Store) CreateNotice(ctx context.Context, n *feedback.Notice) error {
	err := n.Validate()
	var data string
	if err == nil {
		data, err = noticeData(n, 1)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error { return insertNotice(ctx, s, tx, n, data) })
	}
	if err != nil {
		return fmt.Errorf("sqlite: create notice %s: %w", n.ID, err)
	}
	n.Version = 1
	return nil
}

func setNoticeVersion(n *feedback.Notice, v int64) { n.Version = v }

// GetNotice implements feedback.Store.
func (s *Store) GetNotice(ctx context.Context, id string) (*feedback.Notice, error) {
	n, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM notices WHERE id = ?`, id), setNoticeVersion)
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("notice", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get notice %s: %w", id, err)
	}
	return n, nil
}

// UpdateNotice implements feedback.Store.
func (s *Store) UpdateNotice(ctx context.Context, n *feedback.Notice) error {
	err := n.Validate()
	var data string
	if err == nil {
		data, err = noticeData(n, n.Version+1)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			res, err := s.txExec(ctx, tx, `UPDATE notices SET pending = ?, version = version + 1, data = ? WHERE id = ? AND version = ?`,
				n.DeliveredAt.IsZero(), data, n.ID, n.Version)
			if err != nil {
				return dbError(err)
			}
			return s.checkUpdated(ctx, tx, res, `SELECT 1 FROM notices WHERE id = ?`, "notice", n.ID, n.Version)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: update notice %s: %w", n.ID, err)
	}
	n.Version++
	return nil
}

// ListPendingNotices implements feedback.Store: a partial index holds the
// pending ones only.
func (s *Store) ListPendingNotices(ctx context.Context, before time.Time, limit int) ([]*feedback.Notice, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT version, data FROM notices WHERE pending = 1 AND created_at < ?
		ORDER BY created_at, id LIMIT ?`, nanos(before), feedback.ClampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list pending notices: %w", dbError(err))
	}
	defer rows.Close()
	out := []*feedback.Notice{}
	for rows.Next() {
		n, err := scanVersioned(rows, setNoticeVersion)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list pending notices: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list pending notices: %w", dbError(err))
	}
	return out, nil
}

func setUnitVersion(u *feedback.Unit, v int64) { u.Version = v }

// CreateUnit implements feedback.Store.
func (s *Store) CreateUnit(ctx context.Context, u *feedback.Unit) error {
	err := u.Validate()
	var data string
	if err == nil {
		c := *u
		c.Version = 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO units (name, version, data) VALUES (?, 1, ?)`, u.Name, data)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create unit %s: %w", u.Name, err)
	}
	u.Version = 1
	return nil
}

// GetUnit implements feedback.Store.
func (s *Store) GetUnit(ctx context.Context, name string) (*feedback.Unit, error) {
	u, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM units WHERE name = ?`, name), setUnitVersion)
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("unit", name)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get unit %s: %w", name, err)
	}
	return u, nil
}

// UpdateUnit implements feedback.Store.
func (s *Store) UpdateUnit(ctx context.Context, u *feedback.Unit) error {
	err := u.Validate()
	var data string
	if err == nil {
		c := *u
		c.Version = u.Version + 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			res, err := s.txExec(ctx, tx, `UPDATE units SET version = version + 1, data = ? WHERE name = ? AND version = ?`,
				data, u.Name, u.Version)
			if err != nil {
				return dbError(err)
			}
			return s.checkUpdated(ctx, tx, res, `SELECT 1 FROM units WHERE name = ?`, "unit", u.Name, u.Version)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: update unit %s: %w", u.Name, err)
	}
	u.Version++
	return nil
}

// ListUnits implements feedback.Store: name order.
func (s *Store) ListUnits(ctx context.Context, f feedback.UnitFilter) (feedback.Page[*feedback.Unit], error) {
	spec := listSpec{list: "units", cols: "version, data, name", from: "units", keys: []string{"name"}}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.Unit, []any, error) {
		var name string
		u, err := scanVersioned(rows, setUnitVersion, &name)
		return u, []any{name}, err
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list units: %w", err)
	}
	return page, nil
}

// UpdateProblemList implements feedback.Store.
func (s *Store) UpdateProblemList(ctx context.Context, l *feedback.ProblemList) error {
	err := l.ValidateUpdate()
	var data string
	if err == nil {
		c := *l
		c.Version = l.Version + 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			res, err := s.txExec(ctx, tx, `UPDATE problem_lists SET version = version + 1, data = ? WHERE id = ? AND version = ? AND triage = 0`,
				data, l.ID, l.Version)
			if err != nil {
				return dbError(err)
			}
			return s.checkUpdated(ctx, tx, res, `SELECT 1 FROM problem_lists WHERE id = ?`, "problem list", l.ID, l.Version)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: update problem list %s: %w", l.ID, err)
	}
	l.Version++
	return nil
}

// UpdateAccount implements feedback.Store.
func (s *Store) UpdateAccount(ctx context.Context, a *feedback.Account) error {
	err := a.Validate()
	var data string
	if err == nil {
		data, err = encode(a)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			res, err := s.txExec(ctx, tx, `UPDATE accounts SET data = ? WHERE id = ? AND token_hash = ?`, data, a.ID, a.TokenHash)
			if err != nil {
				return dbError(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return feedback.NotFound("account", a.ID)
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: update account %s: %w", a.ID, err)
	}
	return nil
}

// ListCalendarYears implements feedback.Store.
func (s *Store) ListCalendarYears(ctx context.Context) ([]*feedback.CalendarYear, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT version, data FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list calendar years: %w", dbError(err))
	}
	defer rows.Close()
	out := []*feedback.CalendarYear{}
	for rows.Next() {
		y, err := scanVersioned(rows, func(y *feedback.CalendarYear, v int64) { y.Version = v })
		if err != nil {
			return nil, fmt.Errorf("sqlite: list calendar years: %w", err)
		}
		out = append(out, y)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list calendar years: %w", dbError(err))
	}
	return out, nil
}

// PutCalendarYear implements feedback.Store.
func (s *Store) PutCalendarYear(ctx context.Context, y *feedback.CalendarYear) error {
	err := y.Validate()
	var data string
	if err == nil {
		c := *y
		c.Version = y.Version + 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			if y.Version == 0 {
				_, err := s.txExec(ctx, tx, `INSERT INTO calendar_years (year, version, data) VALUES (?, 1, ?)`, y.Year, data)
				return dbError(err)
			}
			res, err := s.txExec(ctx, tx, `UPDATE calendar_years SET version = version + 1, data = ? WHERE year = ? AND version = ?`,
				data, y.Year, y.Version)
			if err != nil {
				return dbError(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return feedback.StoreConflict(fmt.Errorf("calendar year %d version %d is stale", y.Year, y.Version))
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: put calendar year %d: %w", y.Year, err)
	}
	y.Version++
	return nil
}

// writeExtension creates (Version 0) or updates (optimistic) e inside tx.
func writeExtension(ctx context.Context, s *Store, tx *sql.Tx, e *feedback.Extension, data string) error {
	if e.Version == 0 {
		_, err := s.txExec(ctx, tx, `INSERT INTO extensions (id, problem_id, requested_at, version, data) VALUES (?, ?, ?, 1, ?)`,
			e.ID, e.ProblemID, nanos(e.RequestedAt), data)
		if err != nil {
			return fmt.Errorf("extension %s: %w", e.ID, dbError(err))
		}
		return nil
	}
	res, err := s.txExec(ctx, tx, `UPDATE extensions SET version = version + 1, data = ? WHERE id = ? AND problem_id = ? AND version = ?`,
		data, e.ID, e.ProblemID, e.Version)
	if err != nil {
		return fmt.Errorf("extension %s: %w", e.ID, dbError(err))
	}
	return s.checkUpdated(ctx, tx, res, `SELECT 1 FROM extensions WHERE id = ?`, "extension", e.ID, e.Version)
}

func setExtensionVersion(e *feedback.Extension, v int64) { e.Version = v }

// GetExtension implements feedback.Store.
func (s *Store) GetExtension(ctx context.Context, problemID, id string) (*feedback.Extension, error) {
	e, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM extensions WHERE id = ? AND problem_id = ?`, id, problemID), setExtensionVersion)
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("extension", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get extension %s: %w", id, err)
	}
	return e, nil
}

// ListExtensions implements feedback.Store: oldest first.
func (s *Store) ListExtensions(ctx context.Context, problemID string) ([]*feedback.Extension, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT version, data FROM extensions WHERE problem_id = ? ORDER BY requested_at, id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list extensions of %s: %w", problemID, dbError(err))
	}
	defer rows.Close()
	out := []*feedback.Extension{}
	for rows.Next() {
		e, err := scanVersioned(rows, setExtensionVersion)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list extensions of %s: %w", problemID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list extensions of %s: %w", problemID, dbError(err))
	}
	return out, nil
}

// ListContributions implements feedback.Store: oldest first.
func (s *Store) ListContributions(ctx context.Context, problemID string) ([]*feedback.Contribution, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT data FROM contributions WHERE problem_id = ? ORDER BY at, id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list contributions of %s: %w", problemID, dbError(err))
	}
	defer rows.Close()
	out := []*feedback.Contribution{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("sqlite: list contributions of %s: %w", problemID, err)
		}
		var c feedback.Contribution
		if err := decode(data, &c); err != nil {
			return nil, fmt.Errorf("sqlite: list contributions of %s: %w", problemID, err)
		}
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list contributions of %s: %w", problemID, dbError(err))
	}
	return out, nil
}

// GetAssessmentScheme implements feedback.Store.
func (s *Store) GetAssessmentScheme(ctx context.Context) (*feedback.AssessmentScheme, error) {
	sc, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM assessment_scheme WHERE id = 1`),
		func(sc *feedback.AssessmentScheme, v int64) { sc.Version = v })
	if errors.Is(err, sql.ErrNoRows) {
		return &feedback.AssessmentScheme{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get assessment scheme: %w", err)
	}
	return sc, nil
}

// PutAssessmentScheme implements feedback.Store.
func (s *Store) PutAssessmentScheme(ctx context.Context, sc *feedback.AssessmentScheme) error {
	err := sc.Validate()
	var data string
	if err == nil {
		c := *sc
		c.Version = sc.Version + 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			if sc.Version == 0 {
				_, err := s.txExec(ctx, tx, `INSERT INTO assessment_scheme (id, version, data) VALUES (1, 1, ?)`, data)
				return dbError(err)
			}
			res, err := s.txExec(ctx, tx, `UPDATE assessment_scheme SET version = version + 1, data = ? WHERE id = 1 AND version = ?`, data, sc.Version)
			if err != nil {
				return dbError(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return feedback.StoreConflict(fmt.Errorf("assessment scheme version %d is stale", sc.Version))
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: put assessment scheme: %w", err)
	}
	sc.Version++
	return nil
}

const qPutAssessmentEntry = `INSERT INTO assessment_entries (id, day, data) VALUES (?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET day = excluded.day, data = excluded.data`

// putAssessmentEntries stores entries inside tx.
func putAssessmentEntries(ctx context.Context, s *Store, tx *sql.Tx, entries []*feedback.AssessmentEntry) error {
	for _, e := range entries {
		data, err := encode(e)
		if err != nil {
			return err
		}
		if _, err := s.txExec(ctx, tx, qPutAssessmentEntry, e.ID, e.Day, data); err != nil {
			return fmt.Errorf("assessment entry %s: %w", e.ID, dbError(err))
		}
	}
	return nil
}

// PutAssessmentEntries implements feedback.Store.
func (s *Store) PutAssessmentEntries(ctx context.Context, entries []*feedback.AssessmentEntry) error {
	for _, e := range entries {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("sqlite: put assessment entries: %w", err)
		}
	}
	if err := s.write(ctx, func(tx *sql.Tx) error { return putAssessmentEntries(ctx, s, tx, entries) }); err != nil {
		return fmt.Errorf("sqlite: put assessment entries: %w", err)
	}
	return nil
}

// ListAssessmentEntries implements feedback.Store.
func (s *Store) ListAssessmentEntries(ctx context.Context, from, to feedback.Date) ([]*feedback.AssessmentEntry, error) {
	if err := feedback.ValidateDayRange(from, to); err != nil {
		return nil, fmt.Errorf("sqlite: list assessment entries: %w", err)
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT data FROM assessment_entries WHERE day >= ? AND day <= ? ORDER BY day, id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list assessment entries: %w", dbError(err))
	}
	defer rows.Close()
	out := []*feedback.AssessmentEntry{}
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("sqlite: list assessment entries: %w", err)
		}
		var e feedback.AssessmentEntry
		if err := decode(data, &e); err != nil {
			return nil, fmt.Errorf("sqlite: list assessment entries: %w", err)
		}
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list assessment entries: %w", dbError(err))
	}
	return out, nil
}
