package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// CreateProblemList stores l; the triage list's ID is always taken (by the
// seeded item).
func (s *Store) CreateProblemList(ctx context.Context, l *feedback.ProblemList) error {
	if err := l.ValidateCreate(); err != nil {
		return err
	}
	if err := s.EnsureSeed(ctx); err != nil { // the triage list's ID is then taken
		return err
	}
	c := *l
	c.Version = 1
	item, err := problemListToItem(&c)
	if err != nil {
		return err
	}
	n := notExists()
	err = s.putIf(ctx, item, n)
	if err != nil {
		return fmt.Errorf("dynamo: create problem list %s: %w", l.ID, storeErr(err))
	}
	l.Version = 1
	return nil
}

// GetProblemList reads a problem list by ID.
func (s *Store) GetProblemList(ctx context.Context, id string) (*feedback.ProblemList, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("problem list", id)
	}
	if err := s.EnsureSeed(ctx); err != nil {
		return nil, err
	}
	var it problemListItem
	found, err := s.getItem(ctx, pkProblemList+id, skProblemList, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get problem list %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("problem list", id)
	}
	l, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get problem list %s: %w", id, feedback.Internal(err))
	}
	return l, nil
}

// ListProblemLists returns the triage list first (it is kept out of gsi1),
// then the others newest first.
func (s *Store) ListProblemLists(ctx context.Context, f feedback.ProblemListFilter) (feedback.Page[*feedback.ProblemList], error) {
	var page feedback.Page[*feedback.ProblemList]
	limit := feedback.ClampLimit(f.Limit)
	spec := listSpec{id: listID("problem_lists"), parts: []part{gsi(1, g1Lists)}, desc: true, limit: limit}
	if f.Cursor == "" {
		triage, err := s.GetProblemList(ctx, feedback.TriageListID)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, triage)
		spec.limit--
	}
	items, next, err := s.readList(ctx, spec, f.Cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list problem lists: %w", err)
	}
	rest, err := decodeAll(items, (*problemListItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list problem lists: %w", err)
	}
	page.Items = append(page.Items, rest...)
	page.NextCursor = next
	return page, nil
}

// problemWrite builds the transaction of a problem write: the problem under
// cond, its event (create-if-absent) and each suggestion (optimistic).
func (s *Store) problemWrite(ctx context.Context, w feedback.ProblemWrite, pc *condition, newVersion int64) ([]types.TransactWriteItem, error) {
	p, ev, suggestions := w.Problem, w.Event, w.Suggestions
	c := *p
	c.Version = newVersion
	item, err := problemToItem(&c)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{s.put(item, pc)}
	if ev != nil {
		evItem, idItem, err := eventItems(ev)
		if err != nil {
			return nil, err
		}
		items = append(items, s.put(evItem, notExists()), s.put(idItem, notExists()))
	}
	for _, sug := range suggestions {
		sc := *sug
		sc.Version = sug.Version + 1
		sItem, err := suggestionToItem(&sc)
		if err != nil {
			return nil, err
		}
		if err := s.ensureMonth(ctx, month(sug.SubmittedAt)); err != nil {
			return nil, err
		}
		items = append(items, s.put(sItem, versionIs(sug.Version)))
	}
	notices, err := s.noticeWrites(w.Notices) // office.go
	if err != nil {
		return nil, err
	}
	items = append(items, notices...)
	for _, f := range w.Files {
		fItem, err := fileToItem(f, f.Version+1) // files.go
		if err != nil {
			return nil, err
		}
		items = append(items, s.put(fItem, versionIs(f.Version)))
	}
	if w.Extension != nil {
		ext, err := s.extensionWrite(w.Extension) // office.go
		if err != nil {
			return nil, err
		}
		items = append(items, ext)
	}
	if w.Contribution != nil {
		ctb, err := s.contributionWrite(w.Contribution) // office.go
		if err != nil {
			return nil, err
		}
		items = append(items, ctb)
	}
	return items, nil
}

// CreateProblem stores the problem, its creation event, the updated
// suggestions, the notices and the file records in one transaction (at
// most 3 + MaxSuggestionsPerProblem + MaxNoticesPerWrite +
// MaxEvidencePerReport items and the counters, within DynamoDB's 100).
func (s *Store) CreateProblem(ctx context.Context, w feedback.ProblemWrite) error {
	if err := feedback.ValidateProblemWrite(w); err != nil {
		return err
	}
	items, deltas, err := s.createItems(ctx, w)
	if err != nil {
		return err
	}
	if err := s.transact(ctx, append(items, s.counterUpdates(deltas)...)); err != nil { // aggregates.go
		return fmt.Errorf("dynamo: create problem %s: %w", w.Problem.ID, storeErr(err))
	}
	w.Committed(true)
	return nil
}

// createItems are the transaction items of a new problem's write and the
// counter changes it makes.
func (s *Store) createItems(ctx context.Context, w feedback.ProblemWrite) ([]types.TransactWriteItem, []feedback.CounterDelta, error) {
	items, err := s.problemWrite(ctx, w, notExists(), 1)
	if err != nil {
		return nil, nil, err
	}
	links, err := s.coUnitWrites(w.Problem, 1, nil) // office.go
	if err != nil {
		return nil, nil, err
	}
	return append(items, links...), feedback.ProblemCounterDeltas(nil, w.Problem), nil
}

// WriteProblems implements feedback.Store: the items of every write in one
// transaction (ValidateProblemWrites keeps them within DynamoDB's 100),
// with their counter changes summed, since a transaction may touch each
// counter item once.
func (s *Store) WriteProblems(ctx context.Context, ws []feedback.ProblemWrite) error {
	if err := feedback.ValidateProblemWrites(ws); err != nil {
		return err
	}
	var (
		items  []types.TransactWriteItem
		deltas []feedback.CounterDelta
	)
	for _, w := range ws {
		build := s.updateItems
		if w.Problem.Version == 0 {
			build = s.createItems
		}
		it, d, err := build(ctx, w)
		if err != nil {
			return fmt.Errorf("dynamo: write problem %s: %w", w.Problem.ID, err)
		}
		items, deltas = append(items, it...), append(deltas, d...)
	}
	items = append(items, s.counterUpdates(sumDeltas(deltas))...)
	if err := s.transact(ctx, items); err != nil {
		return fmt.Errorf("dynamo: write problems: %w", storeErr(err))
	}
	for _, w := range ws {
		w.Committed(w.Problem.Version == 0)
	}
	return nil
}

// sumDeltas adds up the changes of the same counter, dropping those that
// cancel out.
func sumDeltas(ds []feedback.CounterDelta) []feedback.CounterDelta {
	type k struct{ scope, key, name string }
	at := map[k]int{}
	var out []feedback.CounterDelta
	for _, d := range ds {
		key := k{d.Scope, d.Key, d.Name}
		if i, ok := at[key]; ok {
			out[i].N += d.N
			continue
		}
		at[key] = len(out)
		out = append(out, d)
	}
	kept := out[:0]
	for _, d := range out {
		if d.N != 0 {
			kept = append(kept, d)
		}
	}
	return kept
}

// GetProblem reads a problem by ID.
func (s *Store) GetProblem(ctx context.Context, id string) (*feedback.Problem, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("problem", id)
	}
	var it problemItem
	found, err := s.getItem(ctx, pkProblem+id, skProblem, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get problem %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("problem", id)
	}
	p, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get problem %s: %w", id, feedback.Internal(err))
	}
	return p, nil
}

// UpdateProblem stores the problem (optimistic), its event, the
// suggestions and the notices atomically.
func (s *Store) UpdateProblem(ctx context.Context, w feedback.ProblemWrite) error {
	if err := feedback.ValidateProblemWrite(w); err != nil {
		return err
	}
	items, deltas, err := s.updateItems(ctx, w)
	if err != nil {
		return fmt.Errorf("dynamo: update problem %s: %w", w.Problem.ID, err)
	}
	if err := s.transact(ctx, append(items, s.counterUpdates(deltas)...)); err != nil {
		return fmt.Errorf("dynamo: update problem %s: %w", w.Problem.ID, storeErr(err))
	}
	w.Committed(false)
	return nil
}

// updateItems are the transaction items of a problem update (optimistic on
// its Version) and the counter changes it makes.
func (s *Store) updateItems(ctx context.Context, w feedback.ProblemWrite) ([]types.TransactWriteItem, []feedback.CounterDelta, error) {
	p := w.Problem
	items, err := s.problemWrite(ctx, w, versionIs(p.Version), p.Version+1)
	if err != nil {
		return nil, nil, err
	}
	old, err := s.problemBefore(ctx, p) // aggregates.go: the counters move by new − old
	if err != nil {
		return nil, nil, storeErr(err)
	}
	links, err := s.coUnitWrites(p, p.Version+1, old) // office.go
	if err != nil {
		return nil, nil, err
	}
	items = append(items, links...)
	entries, err := s.assessmentWrites(feedback.AssessmentEntriesFor(old, p, w.Event)) // office.go
	if err != nil {
		return nil, nil, err
	}
	return append(items, entries...), feedback.ProblemCounterDeltas(old, p), nil
}

// ListProblems lists problems oldest first from the narrowest index: by
// unit (lead or co-unit), by list, the sparse index of problems that can be
// overdue, by status, or all. The other fields become a filter expression.
func (s *Store) ListProblems(ctx context.Context, f feedback.ProblemFilter) (feedback.Page[*feedback.Problem], error) {
	var page feedback.Page[*feedback.Problem]
	if err := f.Validate(); err != nil {
		return page, err
	}
	spec := listSpec{
		id:    listID("problems", f.ProblemListID, f.Unit, string(f.Status), string(f.OverdueOn), fmt.Sprint(f.Supervised), string(f.LookbackDueOn)),
		limit: feedback.ClampLimit(f.Limit),
	}
	if f.ExtensionPending {
		// Only when set, so that cursors of the other views stay valid.
		spec.id = listID(spec.id, "extension_pending")
	}
	var conds []expression.ConditionBuilder
	eq := func(attr, v string) {
		if v != "" {
			conds = append(conds, expression.Name(attr).Equal(expression.Value(v)))
		}
	}
	switch {
	case f.Unit != "":
		// The unit's partition holds what it leads and a copy of what it
		// assists (office.go).
		spec.parts = []part{gsi(4, g4ProblemsU+f.Unit)}
		eq("problem_list_id", f.ProblemListID)
		eq("status", string(f.Status))
	case f.ProblemListID != "":
		spec.parts = []part{gsi(2, g2ProblemsL+f.ProblemListID)}
		eq("status", string(f.Status))
	case f.OverdueOn != "":
		spec.parts = []part{gsi(5, g5ProblemsDue)}
		eq("status", string(f.Status))
	case f.LookbackDueOn != "":
		// Look-backs are due only on rectified problems: their status
		// partition, the date as a filter below.
		spec.parts = []part{gsi(3, g3ProblemsS+string(feedback.ProblemRectified))}
		eq("status", string(f.Status))
	case f.Status != "":
		spec.parts = []part{gsi(3, g3ProblemsS+string(f.Status))}
	default:
		spec.parts = []part{gsi(1, g1Problems)}
	}
	if f.Supervised {
		// Supervised problems are few (the office's own focus): a filter on
		// the index chosen above, not an index of their own.
		conds = append(conds, expression.Name("supervised").Equal(expression.Value(true)))
	}
	if f.ExtensionPending {
		// Requests waiting for a decision are few, like supervised
		// problems: a filter on the index chosen above. The attribute is
		// the problem's PendingExtensionID, present only while a request
		// waits (omitempty), on every problem item and co-unit copy since
		// extensions exist, so items stored before this filter need no
		// backfill.
		conds = append(conds, expression.AttributeExists(expression.Name("pending_extension_id")))
	}
	if f.LookbackDueOn != "" {
		conds = append(conds,
			expression.Name("status").Equal(expression.Value(string(feedback.ProblemRectified))),
			expression.AttributeExists(expression.Name("lookback_due")),
			expression.Name("lookback_due").LessThanEqual(expression.Value(string(f.LookbackDueOn))))
	}
	if f.OverdueOn != "" {
		var overdueable []expression.OperandBuilder
		for _, st := range feedback.ProblemStatuses {
			if st.CanBeOverdue() {
				overdueable = append(overdueable, expression.Value(string(st)))
			}
		}
		conds = append(conds,
			expression.Name("status").In(overdueable[0], overdueable[1:]...),
			expression.AttributeExists(expression.Name("deadline")),
			expression.Name("deadline").LessThan(expression.Value(string(f.OverdueOn))))
	}
	if len(conds) > 0 {
		c := conds[0]
		if len(conds) > 1 {
			c = expression.And(conds[0], conds[1], conds[2:]...)
		}
		spec.filter = &c
	}
	items, next, err := s.readList(ctx, spec, f.Cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list problems: %w", err)
	}
	page.Items, err = decodeAll(items, (*problemItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list problems: %w", err)
	}
	page.NextCursor = next
	return page, nil
}

// AppendAuditEvent stores ev in its problem's event partition; an event
// whose ID is taken is EConflict (events are never overwritten).
func (s *Store) AppendAuditEvent(ctx context.Context, ev *feedback.AuditEvent) error {
	if err := ev.Validate(); err != nil {
		return err
	}
	item, idItem, err := eventItems(ev)
	if err != nil {
		return err
	}
	if err := s.transact(ctx, []types.TransactWriteItem{s.put(item, notExists()), s.put(idItem, notExists())}); err != nil {
		return fmt.Errorf("dynamo: append audit event %s: %w", ev.ID, storeErr(err))
	}
	return nil
}

// ListAuditEvents lists a problem's events oldest first: one partition of
// the table, read strongly consistently.
func (s *Store) ListAuditEvents(ctx context.Context, problemID string, limit int, cursor string) (feedback.Page[*feedback.AuditEvent], error) {
	var page feedback.Page[*feedback.AuditEvent]
	if problemID != "" && !feedback.ValidKey(problemID) {
		return page, nil
	}
	spec := listSpec{id: listID("events", problemID), parts: []part{tablePart(pkEvents + problemID)}, limit: feedback.ClampLimit(limit)}
	items, next, err := s.readList(ctx, spec, cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list audit events of %s: %w", problemID, err)
	}
	page.Items, err = decodeAll(items, (*eventItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list audit events of %s: %w", problemID, err)
	}
	page.NextCursor = next
	return page, nil
}
