// Package routetest holds the routing workload that the routing benchmark
// (internal/feedback) and the benchmark harness (infra/bench) both measure,
// so their figures describe the same thing.
package routetest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// LastRule names the one rule Suggestion matches; it comes last, so routing
// tries every rule before it.
const LastRule = "首违不罚"

// LastList is LastRule's problem list.
const LastList = "list-last"

// KeywordRules returns n rules: n-1 with three keywords_any of 2–4 random
// common Chinese characters each (always the same, from a fixed seed), then
// LastRule.
func KeywordRules(n int) *feedback.RuleSet {
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
		Name:          LastRule,
		Match:         feedback.RuleMatch{KeywordsAny: []string{"首违不罚"}, KeywordsAll: []string{"企业", "执法"}},
		ProblemListID: LastList,
	})
	return rs
}

// Suggestion returns a typical 150-character suggestion that matches only
// LastRule.
func Suggestion() *feedback.Suggestion {
	return &feedback.Suggestion{
		SymposiumID: "sym-bench", Campaign: "涉企乱罚款专项整治", ParticipantKind: feedback.Enterprise,
		Topic: "涉企行政检查",
		Content: "建议对涉企行政检查实行“综合查一次”，减少多头检查、重复检查。" +
			"部分执法人员对小微企业门前三包问题直接罚款，没有先行教育提醒，建议推行首违不罚清单，" +
			"对轻微违法行为依法不予行政处罚，同时加强执法监督，畅通企业投诉渠道，及时回应企业关切。",
	}
}
