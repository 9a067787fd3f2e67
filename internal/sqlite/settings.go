package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

// settingsMigration creates the one-row table of the office's settings,
// versioned like the routing rules.
const settingsMigration = `
CREATE TABLE settings (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL,
	data    TEXT NOT NULL
);
`

// GetSettings implements feedback.Store.
func (s *Store) GetSettings(ctx context.Context) (*feedback.Settings, error) {
	st, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM settings WHERE id = 1`),
		func(st *feedback.Settings, v int64) { st.Version = v })
	if errors.Is(err, sql.ErrNoRows) {
		return &feedback.Settings{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get settings: %w", err)
	}
	return st, nil
}

// PutSettings implements feedback.Store.
func (s *Store) PutSettings(ctx context.Context, st *feedback.Settings) error {
	err := st.Validate()
	var data string
	if err == nil {
		c := *st
		c.Version = st.Version + 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			if st.Version == 0 {
				_, err := s.txExec(ctx, tx, `INSERT INTO settings (id, version, data) VALUES (1, 1, ?)`, data)
				return dbError(err)
			}
			res, err := s.txExec(ctx, tx, `UPDATE settings SET version = version + 1, data = ? WHERE id = 1 AND version = ?`, data, st.Version)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return feedback.StoreConflict(fmt.Errorf("settings version %d is stale", st.Version))
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: put settings: %w", err)
	}
	st.Version++
	return nil
}
