package dynamo

import (
	"context"
	"fmt"

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
	err = s.putIf(ctx, item, c)
	if err != nil {
		return fmt.Errorf("dynamo: put rules: %w", storeErr(err))
	}
	rs.Version++
	return nil
}
