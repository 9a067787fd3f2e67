package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jianyan/jianyan/internal/feedback"
)

func setListVersion(l *feedback.ProblemList, v int64) { l.Version = v }

func setProblemVersion(p *feedback.Problem, v int64) { p.Version = v }

// CreateProblemList implements feedback.Store. The triage list's ID is
// taken by the row seeded at open.
func (s *Store) CreateProblemList(ctx context.Context, l *feedback.ProblemList) error {
	err := l.ValidateCreate()
	var data string
	if err == nil {
		c := *l
		c.Version = 1
		data, err = encode(&c)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := s.txExec(ctx, tx, `INSERT INTO problem_lists (id, triage, created_at, version, data) VALUES (?, 0, ?, 1, ?)`,
				l.ID, nanos(l.CreatedAt), data)
			return dbError(err)
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create problem list %s: %w", l.ID, err)
	}
	l.Version = 1
	return nil
}

// GetProblemList implements feedback.Store.
func (s *Store) GetProblemList(ctx context.Context, id string) (*feedback.ProblemList, error) {
	l, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM problem_lists WHERE id = ?`, id), setListVersion)
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("problem list", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get problem list %s: %w", id, err)
	}
	return l, nil
}

// ListProblemLists implements feedback.Store: the triage list first, then
// newest first.
func (s *Store) ListProblemLists(ctx context.Context, f feedback.ProblemListFilter) (feedback.Page[*feedback.ProblemList], error) {
	spec := listSpec{
		list: "problem_lists", cols: "version, data, triage, created_at, id", from: "problem_lists",
		keys: []string{"triage", "created_at", "id"}, desc: true,
	}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.ProblemList, []any, error) {
		var (
			triage, at int64
			id         string
		)
		l, err := scanVersioned(rows, setListVersion, &triage, &at, &id)
		return l, []any{triage, at, id}, err
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list problem lists: %w", err)
	}
	return page, nil
}

// problemWrite is the encoded form of a problem write.
type problemWrite struct {
	data         string
	event        string
	sugData      []string
	notices      []string
	files        []string
	extension    string
	contribution string
}

func encodeProblemWrite(pw feedback.ProblemWrite, newVersion int64) (*problemWrite, error) {
	p, ev, sugs := pw.Problem, pw.Event, pw.Suggestions
	c := *p
	c.Version = newVersion
	w := &problemWrite{}
	var err error
	if w.data, err = encode(&c); err != nil {
		return nil, err
	}
	if ev != nil {
		if w.event, err = encode(ev); err != nil {
			return nil, err
		}
	}
	for _, sg := range sugs {
		d, err := suggestionData(sg)
		if err != nil {
			return nil, err
		}
		w.sugData = append(w.sugData, d)
	}
	for _, n := range pw.Notices {
		d, err := noticeData(n, 1)
		if err != nil {
			return nil, err
		}
		w.notices = append(w.notices, d)
	}
	for _, f := range pw.Files {
		d, err := fileData(f)
		if err != nil {
			return nil, err
		}
		w.files = append(w.files, d)
	}
	if pw.Extension != nil {
		c := *pw.Extension
		c.Version++
		if w.extension, err = encode(&c); err != nil {
			return nil, err
		}
	}
	if pw.Contribution != nil {
		if w.contribution, err = encode(pw.Contribution); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// writeRest appends ev, updates the suggestions and stores the notices
// and the problem's unit rows, inside tx.
func (s *Store) writeRest(ctx context.Context, tx *sql.Tx, w *problemWrite, pw feedback.ProblemWrite) error {
	ev, sugs := pw.Event, pw.Suggestions
	if ev != nil {
		if err := s.insertEvent(ctx, tx, ev, w.event); err != nil {
			return err
		}
	}
	for i, sg := range sugs {
		if err := s.updateSuggestion(ctx, tx, sg, w.sugData[i]); err != nil {
			return fmt.Errorf("suggestion %s: %w", sg.ID, err)
		}
	}
	for i, n := range pw.Notices {
		if err := insertNotice(ctx, s, tx, n, w.notices[i]); err != nil {
			return err
		}
	}
	for i, f := range pw.Files {
		if err := s.updateFile(ctx, tx, f, w.files[i]); err != nil {
			return fmt.Errorf("file %s: %w", f.ID, err)
		}
	}
	if pw.Extension != nil {
		if err := writeExtension(ctx, s, tx, pw.Extension, w.extension); err != nil {
			return err
		}
	}
	if c := pw.Contribution; c != nil {
		_, err := s.txExec(ctx, tx, `INSERT INTO contributions (id, problem_id, at, data) VALUES (?, ?, ?, ?)`,
			c.ID, c.ProblemID, nanos(c.At), w.contribution)
		if err != nil {
			return fmt.Errorf("contribution %s: %w", c.ID, dbError(err))
		}
	}
	return writeProblemUnits(ctx, s, tx, pw.Problem)
}

// CreateProblem implements feedback.Store: the problem, its event and the
// suggestions' updates in one transaction.
func (s *Store) CreateProblem(ctx context.Context, pw feedback.ProblemWrite) error {
	err := feedback.ValidateProblemWrite(pw)
	var w *problemWrite
	if err == nil {
		w, err = encodeProblemWrite(pw, 1)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error { return s.createProblemTx(ctx, tx, pw, w) })
	}
	if err != nil {
		return fmt.Errorf("sqlite: create problem %s: %w", writeID(pw), err)
	}
	pw.Committed(true)
	return nil
}

// createProblemTx inserts a new problem and the rest of its write in tx.
func (s *Store) createProblemTx(ctx context.Context, tx *sql.Tx, pw feedback.ProblemWrite, w *problemWrite) error {
	p := pw.Problem
	_, err := s.txExec(ctx, tx, `INSERT INTO problems (id, problem_list_id, unit, status, deadline, supervised, extension_pending,
		created_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
		p.ID, p.ProblemListID, p.ResponsibleUnit, p.Status, p.Deadline, p.Supervised, p.PendingExtensionID != "", nanos(p.CreatedAt), w.data)
	if err != nil {
		return dbError(err)
	}
	if err := applyCounters(ctx, tx, feedback.ProblemCounterDeltas(nil, p)); err != nil {
		return err
	}
	return s.writeRest(ctx, tx, w, pw)
}

// WriteProblems implements feedback.Store: every write in one
// transaction, each as CreateProblem (Version 0) or UpdateProblem would.
func (s *Store) WriteProblems(ctx context.Context, ws []feedback.ProblemWrite) error {
	err := feedback.ValidateProblemWrites(ws)
	enc := make([]*problemWrite, len(ws))
	for i, pw := range ws {
		if err != nil {
			break
		}
		version := int64(1)
		if pw.Problem.Version != 0 {
			version = pw.Problem.Version + 1
		}
		enc[i], err = encodeProblemWrite(pw, version)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error {
			for i, pw := range ws {
				write := s.updateProblemTx
				if pw.Problem.Version == 0 {
					write = s.createProblemTx
				}
				if err := write(ctx, tx, pw, enc[i]); err != nil {
					return fmt.Errorf("problem %s: %w", pw.Problem.ID, err)
				}
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sqlite: write problems: %w", err)
	}
	for _, pw := range ws {
		pw.Committed(pw.Problem.Version == 0)
	}
	return nil
}

// GetProblem implements feedback.Store.
func (s *Store) GetProblem(ctx context.Context, id string) (*feedback.Problem, error) {
	p, err := scanVersioned(s.queryRow(ctx, `SELECT version, data FROM problems WHERE id = ?`, id), setProblemVersion)
	if errors.Is(err, sql.ErrNoRows) {
		err = feedback.NotFound("problem", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get problem %s: %w", id, err)
	}
	return p, nil
}

// UpdateProblem implements feedback.Store.
func (s *Store) UpdateProblem(ctx context.Context, pw feedback.ProblemWrite) error {
	err := feedback.ValidateProblemWrite(pw)
	var w *problemWrite
	if err == nil {
		w, err = encodeProblemWrite(pw, pw.Problem.Version+1)
	}
	if err == nil {
		err = s.write(ctx, func(tx *sql.Tx) error { return s.updateProblemTx(ctx, tx, pw, w) })
	}
	if err != nil {
		return fmt.Errorf("sqlite: update problem %s: %w", writeID(pw), err)
	}
	pw.Committed(false)
	return nil
}

// updateProblemTx updates a problem under its version and writes the rest
// of its write in tx.
func (s *Store) updateProblemTx(ctx context.Context, tx *sql.Tx, pw feedback.ProblemWrite, w *problemWrite) error {
	p := pw.Problem
	// The stored problem, for the counters' deltas; the write lock is held
	// from BEGIN, so it cannot change before the UPDATE.
	old, err := problemInTx(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	res, err := s.txExec(ctx, tx, `UPDATE problems SET problem_list_id = ?, unit = ?, status = ?, deadline = ?,
		supervised = ?, extension_pending = ?, created_at = ?, version = version + 1, data = ? WHERE id = ? AND version = ?`,
		p.ProblemListID, p.ResponsibleUnit, p.Status, p.Deadline, p.Supervised, p.PendingExtensionID != "", nanos(p.CreatedAt),
		w.data, p.ID, p.Version)
	if err != nil {
		return dbError(err)
	}
	if err := s.checkUpdated(ctx, tx, res, `SELECT 1 FROM problems WHERE id = ?`, "problem", p.ID, p.Version); err != nil {
		return err
	}
	if err := applyCounters(ctx, tx, feedback.ProblemCounterDeltas(old, p)); err != nil {
		return err
	}
	if err := putAssessmentEntries(ctx, s, tx, feedback.AssessmentEntriesFor(old, p, pw.Event)); err != nil {
		return err
	}
	return s.writeRest(ctx, tx, w, pw)
}

// ListProblems implements feedback.Store: oldest first.
func (s *Store) ListProblems(ctx context.Context, f feedback.ProblemFilter) (feedback.Page[*feedback.Problem], error) {
	if err := f.Validate(); err != nil {
		return feedback.Page[*feedback.Problem]{}, fmt.Errorf("sqlite: list problems: %w", err)
	}
	spec := listSpec{
		list: "problems", cols: "version, data, created_at, id", from: "problems",
		keys:   []string{"created_at", "id"},
		filter: fmt.Sprintf("%q|%q|%q|%q|%v|%q", f.ProblemListID, f.Unit, f.Status, f.OverdueOn, f.Supervised, f.LookbackDueOn),
	}
	if f.ExtensionPending {
		// Only when set, so that cursors of the other views stay valid.
		spec.filter += "|extension_pending"
	}
	eq := func(col, v string) {
		if v != "" {
			spec.where = append(spec.where, col+" = ?")
			spec.args = append(spec.args, v)
		}
	}
	eq("problem_list_id", f.ProblemListID)
	if f.Unit != "" {
		// Lead or co-unit: the problem's unit rows (office.go).
		spec.where = append(spec.where, "id IN (SELECT problem_id FROM problem_units WHERE unit = ?)")
		spec.args = append(spec.args, f.Unit)
	}
	eq("status", string(f.Status))
	if f.Supervised {
		spec.where = append(spec.where, "supervised = 1")
	}
	if f.ExtensionPending {
		spec.where = append(spec.where, "extension_pending = 1")
	}
	if f.LookbackDueOn != "" {
		// Rectified problems are few at any time: the status index narrows,
		// the date is read from the row's data.
		spec.where = append(spec.where, "status = ? AND json_extract(data, '$.LookbackDue') <> '' AND json_extract(data, '$.LookbackDue') <= ?")
		spec.args = append(spec.args, string(feedback.ProblemRectified), string(f.LookbackDueOn))
	}
	if f.OverdueOn != "" {
		var overdue []any
		marks := ""
		for _, st := range feedback.ProblemStatuses {
			if st.CanBeOverdue() {
				overdue = append(overdue, string(st))
				marks += ", ?"
			}
		}
		spec.where = append(spec.where, "deadline <> '' AND deadline < ? AND status IN ("+marks[2:]+")")
		spec.args = append(append(spec.args, string(f.OverdueOn)), overdue...)
	}
	page, err := list(ctx, s, spec, f.Limit, f.Cursor, func(rows *sql.Rows) (*feedback.Problem, []any, error) {
		var (
			at int64
			id string
		)
		p, err := scanVersioned(rows, setProblemVersion, &at, &id)
		return p, []any{at, id}, err
	})
	if err != nil {
		return page, fmt.Errorf("sqlite: list problems: %w", err)
	}
	return page, nil
}

// writeID names the problem of a write in errors, also when it is missing.
func writeID(pw feedback.ProblemWrite) string {
	if pw.Problem == nil {
		return "(none)"
	}
	return pw.Problem.ID
}
