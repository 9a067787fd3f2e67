package dynamo

import (
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// BulkItems returns the table items of suggestions exactly as
// CreateSuggestion writes them (each validated, at Version 1 when it has
// none), followed by the month markers lists need to find them. It is for
// loading data in bulk with BatchWriteItem — the benchmark harness's
// 100,000 stored suggestions — where one conditional put each would take
// too long; it writes nothing itself, and it checks no receipt or
// idempotency key for clashes.
func BulkItems(sgs []*feedback.Suggestion) ([]map[string]types.AttributeValue, error) {
	out := make([]map[string]types.AttributeValue, 0, len(sgs)+24)
	months := map[string]bool{}
	for _, sg := range sgs {
		if err := sg.Validate(); err != nil {
			return nil, fmt.Errorf("dynamo: bulk item %s: %w", sg.ID, err)
		}
		c := *sg
		c.Version = max(c.Version, 1)
		item, err := suggestionToItem(&c)
		if err != nil {
			return nil, fmt.Errorf("dynamo: bulk item %s: %w", sg.ID, err)
		}
		out = append(out, item)
		months[month(sg.SubmittedAt)] = true
	}
	ms := make([]string, 0, len(months))
	for m := range months {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	for _, m := range ms {
		out = append(out, map[string]types.AttributeValue{
			"pk":   &types.AttributeValueMemberS{Value: pkMonths},
			"sk":   &types.AttributeValueMemberS{Value: m},
			"type": &types.AttributeValueMemberS{Value: typeMonth},
		})
	}
	return out, nil
}
