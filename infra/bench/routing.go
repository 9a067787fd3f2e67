package main

import (
	"fmt"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/routetest"
)

// routingPerSuggestion compiles 1,000 keyword rules and routes the
// suggestion for about d, returning the mean time per suggestion.
func routingPerSuggestion(d time.Duration) (time.Duration, error) {
	router, err := feedback.CompileRules(routetest.KeywordRules(1000))
	if err != nil {
		return 0, fmt.Errorf("compile 1,000 rules: %w", err)
	}
	sg := routetest.Suggestion()
	if got := router.Route(sg).ProblemListID; got != routetest.LastList {
		return 0, fmt.Errorf("the suggestion went to %q, want %s (the last rule)", got, routetest.LastList)
	}
	n, start := 0, time.Now()
	for time.Since(start) < d {
		for range 100 {
			router.Route(sg)
		}
		n += 100
	}
	return time.Since(start) / time.Duration(n), nil
}
