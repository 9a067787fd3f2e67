package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// keywordRules builds n keyword rules the way internal/feedback's
// BenchmarkRoute1000Rules does: n-1 rules of three random 2–4 character
// Chinese words each, and last the one the benchmark suggestion matches,
// so every rule is tried.
func keywordRules(n int) *feedback.RuleSet {
	rng := rand.New(rand.NewPCG(42, 42))
	word := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteRune(rune(0x4E00 + rng.IntN(6000)))
		}
		return b.String()
	}
	rs := &feedback.RuleSet{}
	for i := range n - 1 {
		rs.Rules = append(rs.Rules, feedback.RoutingRule{
			Name:          fmt.Sprintf("规则%04d", i),
			Match:         feedback.RuleMatch{KeywordsAny: []string{word(), word(), word()}},
			ProblemListID: fmt.Sprintf("list-%d", i%20),
		})
	}
	rs.Rules = append(rs.Rules, feedback.RoutingRule{
		Name:          "首违不罚",
		Match:         feedback.RuleMatch{KeywordsAny: []string{"首违不罚"}, KeywordsAll: []string{"企业", "执法"}},
		ProblemListID: "list-last",
	})
	return rs
}

// routeSuggestion is a typical 150-character suggestion (the same as the
// package benchmark's).
var routeSuggestion = &feedback.Suggestion{
	SymposiumID: "sym-bench", Campaign: "涉企乱罚款专项整治", ParticipantKind: feedback.Enterprise,
	Topic: "涉企行政检查",
	Content: "建议对涉企行政检查实行“综合查一次”，减少多头检查、重复检查。" +
		"部分执法人员对小微企业门前三包问题直接罚款，没有先行教育提醒，建议推行首违不罚清单，" +
		"对轻微违法行为依法不予行政处罚，同时加强执法监督，畅通企业投诉渠道，及时回应企业关切。",
}

// routingPerSuggestion compiles 1,000 keyword rules and routes the
// suggestion for about d, returning the mean time per suggestion.
func routingPerSuggestion(d time.Duration) (time.Duration, error) {
	router, err := feedback.CompileRules(keywordRules(1000))
	if err != nil {
		return 0, fmt.Errorf("compile 1,000 rules: %w", err)
	}
	if got := router.Route(routeSuggestion).ProblemListID; got != "list-last" {
		return 0, fmt.Errorf("the suggestion went to %q, want list-last (the last rule)", got)
	}
	n, start := 0, time.Now()
	for time.Since(start) < d {
		for range 100 {
			router.Route(routeSuggestion)
		}
		n += 100
	}
	return time.Since(start) / time.Duration(n), nil
}
