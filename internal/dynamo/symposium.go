package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// CreateSymposium stores s and its code item in one transaction; either key
// being taken is EConflict.
func (s *Store) CreateSymposium(ctx context.Context, sym *feedback.Symposium) error {
	if err := sym.Validate(); err != nil {
		return err
	}
	c := *sym
	c.Version = 1
	main, byCode, err := symposiumItems(&c)
	if err != nil {
		return err
	}
	err = s.transact(ctx, []types.TransactWriteItem{s.put(main, notExists()), s.put(byCode, notExists())})
	if err != nil {
		return fmt.Errorf("dynamo: create symposium %s: %w", sym.ID, storeErr(err))
	}
	sym.Version = 1
	s.codes.forget()
	return nil
}

// GetSymposium reads a symposium by ID.
func (s *Store) GetSymposium(ctx context.Context, id string) (*feedback.Symposium, error) {
	return s.getSymposium(ctx, id, pkSymposium+id, skSymposium)
}

// GetSymposiumByCode reads a symposium by its public code: one consistent
// read of the code item, which holds a full copy.
// With WithSymposiumCache, a symposium read in the last ttl is not read
// again.
func (s *Store) GetSymposiumByCode(ctx context.Context, code string) (*feedback.Symposium, error) {
	if sym, ok := s.codes.get(code, time.Now()); ok {
		return sym, nil
	}
	sym, err := s.getSymposium(ctx, code, pkSymposiumCode+code, skSymposiumCode)
	if err == nil && sym.Code == code {
		s.codes.put(sym, time.Now())
	}
	return sym, err
}

func (s *Store) getSymposium(ctx context.Context, id, pk, sk string) (*feedback.Symposium, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("symposium", id)
	}
	var it symposiumItem
	found, err := s.getItem(ctx, pk, sk, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get symposium %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("symposium", id)
	}
	sym, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get symposium %s: %w", id, feedback.Internal(err))
	}
	return sym, nil
}

// UpdateSymposium stores sym if its Version is still the stored one. The
// code item follows: rewritten in the same transaction, or moved when the
// code changed (the new code must be free).
func (s *Store) UpdateSymposium(ctx context.Context, sym *feedback.Symposium) error {
	if err := sym.Validate(); err != nil {
		return err
	}
	var old symposiumItem
	found, err := s.getItem(ctx, pkSymposium+sym.ID, skSymposium, &old)
	if err != nil {
		return fmt.Errorf("dynamo: update symposium %s: %w", sym.ID, err)
	}
	if !found {
		return fmt.Errorf("dynamo: update symposium %s: %w", sym.ID, feedback.NotFound("symposium", sym.ID))
	}
	if old.Version != sym.Version {
		return fmt.Errorf("dynamo: update symposium %s: %w", sym.ID, feedback.StoreConflict(fmt.Errorf("symposium version %d is stale", sym.Version)))
	}
	c := *sym
	c.Version = sym.Version + 1
	main, byCode, err := symposiumItems(&c)
	if err != nil {
		return err
	}
	ownCode := cond(expression.Name("id").Equal(expression.Value(sym.ID)))
	items := []types.TransactWriteItem{s.put(main, versionIs(sym.Version))}
	if old.Code == sym.Code {
		items = append(items, s.put(byCode, ownCode))
	} else {
		items = append(items, s.put(byCode, notExists()), types.TransactWriteItem{Delete: &types.Delete{
			TableName: s.table, Key: key(pkSymposiumCode+old.Code, skSymposiumCode),
			ConditionExpression: ownCode.expr, ExpressionAttributeNames: ownCode.names, ExpressionAttributeValues: ownCode.values,
		}})
	}
	if err := s.transact(ctx, items); err != nil {
		return fmt.Errorf("dynamo: update symposium %s: %w", sym.ID, storeErr(err))
	}
	sym.Version = c.Version
	s.codes.forget()
	return nil
}

// ListSymposia lists symposia newest first from gsi1; the status filter is
// a filter expression (symposia are few).
func (s *Store) ListSymposia(ctx context.Context, f feedback.SymposiumFilter) (feedback.Page[*feedback.Symposium], error) {
	var page feedback.Page[*feedback.Symposium]
	if err := f.Validate(); err != nil {
		return page, err
	}
	spec := listSpec{
		id:    listID("symposia", string(f.Status)),
		parts: []part{gsi(1, g1Symposia)},
		desc:  true,
		limit: feedback.ClampLimit(f.Limit),
	}
	if f.Status != "" {
		c := expression.Name("status").Equal(expression.Value(string(f.Status)))
		spec.filter = &c
	}
	items, next, err := s.readList(ctx, spec, f.Cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list symposia: %w", err)
	}
	page.Items, err = decodeAll(items, (*symposiumItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list symposia: %w", err)
	}
	page.NextCursor = next
	return page, nil
}
