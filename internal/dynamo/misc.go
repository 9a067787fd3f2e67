package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// GetRuleSet reads the routing rules; an empty set with Version 0 when none
// were saved.
func (s *Store) GetRuleSet(ctx context.Context) (*feedback.RuleSet, error) {
	var it rulesItem
	found, err := s.getItem(ctx, pkRules, skRules, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get rules: %w", err)
	}
	if !found {
		return &feedback.RuleSet{}, nil
	}
	rs, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get rules: %w", feedback.Internal(err))
	}
	return rs, nil
}

// PutRuleSet replaces the rules if the stored Version is still rs.Version.
func (s *Store) PutRuleSet(ctx context.Context, rs *feedback.RuleSet) error {
	if err := rs.Validate(); err != nil {
		return err
	}
	item, err := rulesToItem(rs, rs.Version+1)
	if err != nil {
		return err
	}
	c := versionIs(rs.Version)
	if rs.Version == 0 {
		c = notExists()
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table, Item: item,
		ConditionExpression: c.expr, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values,
	})
	if err != nil {
		return fmt.Errorf("dynamo: put rules: %w", storeErr(err))
	}
	rs.Version++
	return nil
}

// PutSummary stores sm, replacing the summary of the same period.
func (s *Store) PutSummary(ctx context.Context, sm *feedback.Summary) error {
	if err := sm.Validate(); err != nil {
		return err
	}
	item, err := summaryToItem(sm)
	if err != nil {
		return err
	}
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: s.table, Item: item}); err != nil {
		return fmt.Errorf("dynamo: put summary %s: %w", sm.ID, storeErr(err))
	}
	return nil
}

// GetSummary reads a summary by ID.
func (s *Store) GetSummary(ctx context.Context, id string) (*feedback.Summary, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("summary", id)
	}
	var it summaryItem
	found, err := s.getItem(ctx, pkSummary+id, skSummary, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get summary %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("summary", id)
	}
	sm, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get summary %s: %w", id, feedback.Internal(err))
	}
	return sm, nil
}

// ListSummaries lists summaries newest period first: gsi2 for one period,
// gsi1 for all.
func (s *Store) ListSummaries(ctx context.Context, f feedback.SummaryFilter) (feedback.Page[*feedback.Summary], error) {
	var page feedback.Page[*feedback.Summary]
	if err := f.Validate(); err != nil {
		return page, err
	}
	spec := listSpec{id: listID("summaries", string(f.Period)), parts: []part{gsi(1, g1Summaries)}, desc: true, limit: feedback.ClampLimit(f.Limit)}
	if f.Period != "" {
		spec.parts = []part{gsi(2, g2SummariesP+string(f.Period))}
	}
	items, next, err := s.readList(ctx, spec, f.Cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list summaries: %w", err)
	}
	page.Items, err = decodeAll(items, (*summaryItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list summaries: %w", err)
	}
	page.NextCursor = next
	return page, nil
}

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
