package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

// versioned decodes a data column and sets the version column into it.
func scanVersioned[T any](sc interface{ Scan(...any) error }, setVersion func(*T, int64), extra ...any) (*T, error) {
	var (
		item    T
		version int64
		data    string
	)
	if err := sc.Scan(append([]any{&version, &data}, extra...)...); err != nil {
		return nil, err
	}
	if err := decode(data, &item); err != nil {
		return nil, err
	}
	setVersion(&item, version)
	return &item, nil
}

func setSymposiumVersion(s *feedback.Symposium, v int64) { s.Version = v }

// CreateSymposium implements feedback.Store.
func (s *Store) CreateSymposium(ctx context.Context, sy *feedback.Symposium) error {
	if err := sy.Validate(); err != nil {
		return fmt.Errorf("sqlite: create symposium %s: %w", sy.ID, err)
	}
	c := *sy
	c.Version = 1
	data, err := encode(&c)
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO symposia (id, code, status, created_at, version, data) VALUES (?, ?, ?, ?, 1, ?)`,
				sy.ID, sy.Code, sy.Status, nanos(sy.CreatedAt), data)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create symposium %s: %w", sy.ID, err)
	}
	sy.Version = 1
	return nil
}

func (s *Store) getSymposium(ctx context.Context, op, col, v string) (*feedback.Symposium, error) {
	sy, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM symposia WHERE `+col+` = ?`, v), setSymposiumVersion)
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("symposium", v)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s %s: %w", op, v, err)
	}
	return sy, nil
}

// GetSymposium implements feedback.Store.
func (s *Store) GetSymposium(ctx context.Context, id string) (*feedback.Symposium, error) {
	return s.getSymposium(ctx, "get symposium", "id", id)
}

// GetSymposiumByCode implements feedback.Store.
func (s *Store) GetSymposiumByCode(ctx context.Context, code string) (*feedback.Symposium, error) {
	return s.getSymposium(ctx, "get symposium by code", "code", code)
}

// UpdateSymposium implements feedback.Store.
func (s *Store) UpdateSymposium(ctx context.Context, sy *feedback.Symposium) error {
	if err := sy.Validate(); err != nil {
		return fmt.Errorf("sqlite: update symposium %s: %w", sy.ID, err)
	}
	c := *sy
	c.Version = sy.Version + 1
	data, err := encode(&c)
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			res, err := s.txExec(ctx, tx, `UPDATE symposia SET code = ?, status = ?, created_at = ?, version = version + 1, data = ?
				WHERE id = ? AND version = ?`, sy.Code, sy.Status, nanos(sy.CreatedAt), data, sy.ID, sy.Version)
			if err != nil {
				return dbError(err)
			}
			return s.checkUpdated(ctx, tx, res, `SELECT 1 FROM symposia WHERE id = ?`, "symposium", sy.ID, sy.Version)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: update symposium %s: %w", sy.ID, err)
	}
	sy.Version++
	return nil
}

// ListSymposia implements feedback.Store.
func (s *Store) ListSymposia(ctx context.Context, f feedback.SymposiumFilter) (feedback.Page[*feedback.Symposium], error) {
	if err := f.Validate(); err != nil {
		return feedback.Page[*feedback.Symposium]{}, fmt.Errorf("sqlite: list symposia: %w", err)
	}
	spec := listSpec{
		list: "symposia", filter: string(f.Status),
		cols: "version, data, created_at, id", from: "symposia",
		keys: []string{"created_at", "id"}, desc: true,
	}
	if f.Status != "" {
		spec.where = []string{"status = ?"}
		spec.args = []any{f.Status}
	}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.Symposium, []any, error) {
		var (
			at int64
			id string
		)
		sy, err := scanVersioned(rows, setSymposiumVersion, &at, &id)
		return sy, []any{at, id}, err
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list symposia: %w", err)
	}
	return page, nil
}
