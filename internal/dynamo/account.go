package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// CreateAccount stores the account and its token item in one transaction.
func (s *Store) CreateAccount(ctx context.Context, a *feedback.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	main, byToken, err := accountItems(a)
	if err != nil {
		return err
	}
	if err := s.transact(ctx, []types.TransactWriteItem{s.put(main, notExists()), s.put(byToken, notExists())}); err != nil {
		return fmt.Errorf("dynamo: create account %s: %w", a.ID, storeErr(err))
	}
	return nil
}

// GetAccountByTokenHash reads the token item: one consistent read.
func (s *Store) GetAccountByTokenHash(ctx context.Context, hash string) (*feedback.Account, error) {
	if !feedback.ValidKey(hash) {
		return nil, feedback.NotFound("account", "")
	}
	var it accountItem
	found, err := s.getItem(ctx, pkToken+hash, skToken, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get account by token: %w", err)
	}
	if !found {
		return nil, feedback.NotFound("account", "")
	}
	a, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get account by token: %w", feedback.Internal(err))
	}
	return a, nil
}

// ListAccounts lists accounts oldest first.
func (s *Store) ListAccounts(ctx context.Context, limit int, cursor string) (feedback.Page[*feedback.Account], error) {
	var page feedback.Page[*feedback.Account]
	spec := listSpec{id: listID("accounts"), parts: []part{gsi(1, g1Accounts)}, limit: feedback.ClampLimit(limit)}
	items, next, err := s.readList(ctx, spec, cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list accounts: %w", err)
	}
	page.Items, err = decodeAll(items, (*accountItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list accounts: %w", err)
	}
	page.NextCursor = next
	return page, nil
}
