package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

var _ feedback.DocumentRecords = (*Store)(nil)

// documentMigration creates the issued documents. A document's ID is its
// number (feedback.DocumentID), so the primary key is what makes a number
// taken once; documents_by_number serves the last number of a kind and
// year.
const documentMigration = `
CREATE TABLE documents (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	year       INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	data       TEXT NOT NULL,
	content    BLOB NOT NULL
);
CREATE UNIQUE INDEX documents_by_number ON documents (kind, year, seq);
CREATE INDEX documents_by_time ON documents (created_at, id);
CREATE INDEX documents_by_kind ON documents (kind, created_at, id);
`

// CreateDocument implements feedback.DocumentRecords: one insert; a taken
// number is a taken primary key.
func (s *Store) CreateDocument(ctx context.Context, d *feedback.Document) error {
	err := d.Validate()
	var data string
	if err == nil {
		c := *d
		c.Content = nil // its own column
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO documents (id, kind, year, seq, created_at, data, content) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				d.ID, d.Kind, d.Year, d.Seq, nanos(d.CreatedAt), data, d.Content)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create document %s: %w", d.ID, err)
	}
	return nil
}

// LastDocumentSeq implements feedback.DocumentRecords. A write answers
// once committed, so a number just issued is seen at once.
func (s *Store) LastDocumentSeq(ctx context.Context, kind feedback.DocumentKind, year int) (int, error) {
	var last int
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM documents WHERE kind = ? AND year = ?`, kind, year).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("sqlite: last document number %s %d: %w", kind, year, err)
	}
	return last, nil
}

// GetDocument implements feedback.DocumentRecords.
func (s *Store) GetDocument(ctx context.Context, id string) (*feedback.Document, error) {
	var (
		d       feedback.Document
		data    string
		content []byte
	)
	err := s.queryRow(ctx, `SELECT data, content FROM documents WHERE id = ?`, id).Scan(&data, &content)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = feedback.NotFound("document", id)
	case err == nil:
		err = decode(data, &d)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get document %s: %w", id, err)
	}
	d.Content = content
	return &d, nil
}

// ListDocuments implements feedback.DocumentRecords: newest first.
func (s *Store) ListDocuments(ctx context.Context, f feedback.DocumentFilter) (feedback.Page[*feedback.Document], error) {
	if err := f.Validate(); err != nil {
		return feedback.Page[*feedback.Document]{}, fmt.Errorf("sqlite: list documents: %w", err)
	}
	spec := listSpec{
		list: "documents", filter: string(f.Kind),
		cols: "data, created_at, id", from: "documents",
		keys: []string{"created_at", "id"}, desc: true,
	}
	if f.Kind != "" {
		spec.where, spec.args = []string{"kind = ?"}, []any{f.Kind}
	}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.Document, []any, error) {
		var (
			d    feedback.Document
			data string
			at   int64
			id   string
		)
		if err := rows.Scan(&data, &at, &id); err != nil {
			return nil, nil, err
		}
		return &d, []any{at, id}, decode(data, &d)
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list documents: %w", err)
	}
	return page, nil
}
