package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/jianyan/jianyan/internal/feedback"
)

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
