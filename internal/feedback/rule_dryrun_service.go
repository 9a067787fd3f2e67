package feedback

import (
	"context"
	"fmt"
)

// DryRunItem is one recent suggestion and where rules under test would put
// it, beside where it is now.
type DryRunItem struct {
	Suggestion *Suggestion
	// ProblemListID is where the rules under test put it: a rule's list,
	// or TriageListID when none matches. RuleName names that rule.
	ProblemListID string
	RuleName      string
	// Changed reports that this differs from the list it is in now, for a
	// suggestion still waiting to be handled (received or routed): an
	// adopted or declined one stays where it is whatever the rules say.
	Changed bool
}

// Dry-run sample sizes: DefaultDryRun suggestions unless asked, at most
// MaxDryRun.
const (
	DefaultDryRun = 50
	MaxDryRun     = 200
)

// DryRunRules routes the n most recent suggestions (DefaultDryRun when n
// is 0) by rs as it would be saved, and stores nothing: an administrator
// sees where each would go before saving edited rules. The rules are
// checked as PutRules checks their shape; target lists are not looked up
// (a list that does not exist is reported when saving). Office roles: staff
// may try rules they propose to an administrator.
func (s *Service) DryRunRules(ctx context.Context, id Identity, rs *RuleSet, n int) ([]DryRunItem, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if n < 0 || n > MaxDryRun {
		return nil, FieldErrorf("limit", "试运行的意见条数须在 1 到 %d 之间", MaxDryRun)
	}
	if n == 0 {
		n = DefaultDryRun
	}
	cleanRules(rs)
	router, err := CompileRules(rs)
	if err != nil {
		return nil, err
	}
	page, err := s.store.ListSuggestions(ctx, SuggestionFilter{Limit: n})
	if err != nil {
		return nil, fmt.Errorf("dry run of routing rules: list suggestions: %w", err)
	}
	out := make([]DryRunItem, 0, len(page.Items))
	for _, sg := range page.Items {
		d := router.Route(sg)
		out = append(out, DryRunItem{Suggestion: MaskFor(id, sg), ProblemListID: d.ProblemListID, RuleName: d.RuleName(),
			Changed: waiting(sg) && d.ProblemListID != sg.ProblemListID})
	}
	return out, nil
}

// waiting reports whether routing may still move sg.
func waiting(sg *Suggestion) bool {
	return sg.Status == SuggestionReceived || sg.Status == SuggestionRouted
}
