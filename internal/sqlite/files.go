package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

var _ feedback.FileRecords = (*Store)(nil)

// fileMigration creates the file records. attached is 0 while nothing
// references the file, so the sweep finds unreferenced files through a
// partial index of exactly those.
const fileMigration = `
CREATE TABLE files (
	id         TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL,
	attached   INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX files_unattached ON files (created_at, id) WHERE attached = 0;
`

func attachedFlag(f *feedback.File) int {
	if f.Attached() {
		return 1
	}
	return 0
}

// CreateFile implements feedback.FileRecords.
func (s *Store) CreateFile(ctx context.Context, f *feedback.File) error {
	err := f.Validate()
	c := *f
	c.Version = 1
	var data string
	if err == nil {
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO files (id, created_at, attached, version, data) VALUES (?, ?, ?, 1, ?)`,
				f.ID, nanos(f.CreatedAt), attachedFlag(f), data)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create file %s: %w", f.ID, err)
	}
	f.Version = 1
	return nil
}

// GetFile implements feedback.FileRecords.
func (s *Store) GetFile(ctx context.Context, id string) (*feedback.File, error) {
	var (
		f       feedback.File
		version int64
		data    string
	)
	err := s.queryRow(ctx, `SELECT version, data FROM files WHERE id = ?`, id).Scan(&version, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = feedback.NotFound("file", id)
	case err == nil:
		err = decode(data, &f)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get file %s: %w", id, err)
	}
	f.Version = version
	return &f, nil
}

// UpdateFile implements feedback.FileRecords.
func (s *Store) UpdateFile(ctx context.Context, f *feedback.File) error {
	err := f.Validate()
	var data string
	if err == nil {
		data, err = fileData(f)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error { return s.updateFile(ctx, tx, f, data) })
	}
	if err != nil {
		return fmt.Errorf("sqlite: update file %s: %w", f.ID, err)
	}
	f.Version++
	return nil
}

// fileData encodes f as it is stored by an update (at its next version).
func fileData(f *feedback.File) (string, error) {
	c := *f
	c.Version = f.Version + 1
	return encode(&c)
}

// updateFile stores f's encoded record data inside tx, optimistic on
// f.Version (which the caller increments once tx commits).
func (s *Store) updateFile(ctx context.Context, tx *sql.Tx, f *feedback.File, data string) error {
	res, err := s.txExec(ctx, tx, `UPDATE files SET attached = ?, version = version + 1, data = ? WHERE id = ? AND version = ?`,
		attachedFlag(f), data, f.ID, f.Version)
	if err != nil {
		return dbError(err)
	}
	return s.checkUpdated(ctx, tx, res, `SELECT 1 FROM files WHERE id = ?`, "file", f.ID, f.Version)
}

// DeleteFile implements feedback.FileRecords.
func (s *Store) DeleteFile(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := s.txExec(ctx, tx, `DELETE FROM files WHERE id = ?`, id)
		return dbError(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete file %s: %w", id, err)
	}
	return nil
}

// ListUnattachedFiles implements feedback.FileRecords: oldest first.
func (s *Store) ListUnattachedFiles(ctx context.Context, before time.Time, limit int, cursor string) (feedback.Page[*feedback.File], error) {
	spec := listSpec{
		list: "unattached_files", filter: fmt.Sprint(nanos(before)),
		cols: "version, data, created_at, id", from: "files",
		where: []string{"attached = 0", "created_at < ?"}, args: []any{nanos(before)},
		keys: []string{"created_at", "id"},
	}
	page, err := list(ctx, s, spec, limit, cursor, func(rows *sql.Rows) (*feedback.File, []any, error) {
		var (
			f       feedback.File
			version int64
			data    string
			at      int64
			id      string
		)
		if err := rows.Scan(&version, &data, &at, &id); err != nil {
			return nil, nil, err
		}
		err := decode(data, &f)
		f.Version = version
		return &f, []any{at, id}, err
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list unattached files: %w", err)
	}
	return page, nil
}
