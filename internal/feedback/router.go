package feedback

import (
	"slices"
	"strings"

	"github.com/jianyan/jianyan/internal/textmatch"
)

// Router routes suggestions by one version of the routing rules. It is
// compiled once per RuleSet (CompileRules) and safe for concurrent use.
//
// Routing is one Aho–Corasick pass over a suggestion's topic and content
// that marks which of the rule set's keywords occur, then the rules are
// checked in order against that bitset and the suggestion's other fields;
// the first rule that matches wins.
type Router struct {
	version int64
	rules   []compiledRule
	matcher *textmatch.Matcher // over every distinct keyword of every rule
}

type compiledRule struct {
	rule      RoutingRule
	symposia  []string
	campaigns []string
	topics    []string
	kinds     uint32  // bit i set: ParticipantKinds[i] matches; 0 = any kind
	any       []int32 // keyword indices; any one must occur
	all       []int32 // keyword indices; every one must occur
}

// RouteDecision is where a suggestion goes.
type RouteDecision struct {
	ProblemListID string
	// Rule is the rule that matched, nil when the suggestion goes to triage
	// because none did.
	Rule *RoutingRule
}

// RuleName is the matching rule's name, "" for triage.
func (d RouteDecision) RuleName() string {
	if d.Rule == nil {
		return ""
	}
	return d.Rule.Name
}

// normalizeKeyword is how keywords are compared: trimmed, ASCII lower case
// (the matcher folds ASCII case in texts the same way).
func normalizeKeyword(k string) string { return asciiLower(CleanText(k)) }

// asciiLower folds ASCII letters only, as the matcher folds the text it
// scans. strings.ToLower would also fold other scripts (full-width Ｌａｔｉｎ
// from Chinese input methods, Greek, Cyrillic), and a keyword folded that
// way could never match the text it was copied from (found by
// FuzzRouteKeywords).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// CompileRules validates rs's shape and compiles it into a Router. It does
// not check that the target problem lists exist (PutRules does). A keyword
// set too large to compile is EInvalid.
func CompileRules(rs *RuleSet) (*Router, error) {
	if err := rs.Validate(); err != nil {
		return nil, err
	}
	r := &Router{version: rs.Version, rules: make([]compiledRule, len(rs.Rules))}
	index := map[string]int32{}
	var keywords []string
	kw := func(list []string) []int32 {
		var out []int32
		for _, k := range list {
			k = normalizeKeyword(k)
			if k == "" {
				continue
			}
			i, ok := index[k]
			if !ok {
				i = int32(len(keywords))
				index[k] = i
				keywords = append(keywords, k)
			}
			if !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
		return out
	}
	for i := range rs.Rules {
		src := &rs.Rules[i]
		c := &r.rules[i]
		c.rule = *src
		c.rule.Match = RuleMatch{
			SymposiumIDs:     slices.Clone(src.Match.SymposiumIDs),
			Campaigns:        slices.Clone(src.Match.Campaigns),
			ParticipantKinds: slices.Clone(src.Match.ParticipantKinds),
			Topics:           slices.Clone(src.Match.Topics),
			KeywordsAny:      slices.Clone(src.Match.KeywordsAny),
			KeywordsAll:      slices.Clone(src.Match.KeywordsAll),
		}
		c.symposia = trimmedNonEmpty(src.Match.SymposiumIDs)
		c.campaigns = trimmedNonEmpty(src.Match.Campaigns)
		c.topics = trimmedNonEmpty(src.Match.Topics)
		for _, k := range src.Match.ParticipantKinds {
			c.kinds |= 1 << slices.Index(ParticipantKinds, k)
		}
		c.any = kw(src.Match.KeywordsAny)
		c.all = kw(src.Match.KeywordsAll)
	}
	m, err := textmatch.New(keywords)
	if err != nil {
		return nil, FieldErrorf("rules", "分拣规则的关键词过多(共 %d 个不同的关键词),请精简后再保存", len(keywords))
	}
	r.matcher = m
	return r, nil
}

func trimmedNonEmpty(list []string) []string {
	var out []string
	for _, v := range list {
		if v = CleanText(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Version is the RuleSet version the router was compiled from.
func (r *Router) Version() int64 { return r.version }

// Len is the number of rules.
func (r *Router) Len() int { return len(r.rules) }

// Route decides where sg goes: the first rule whose every non-empty match
// field matches, or the triage list. It reads SymposiumID, Campaign,
// ParticipantKind, Topic and Content; keywords are looked for in the topic
// and the content (ASCII case-insensitively), topics and campaigns compare
// whole (trimmed, ASCII case-insensitively).
func (r *Router) Route(sg *Suggestion) RouteDecision {
	var hits textmatch.Set
	scanned := false
	kind := uint32(0)
	if i := slices.Index(ParticipantKinds, sg.ParticipantKind); i >= 0 {
		kind = 1 << i
	}
	topic := CleanText(sg.Topic)
	campaign := CleanText(sg.Campaign)
	for i := range r.rules {
		c := &r.rules[i]
		if c.rule.Disabled {
			continue
		}
		if c.kinds != 0 && c.kinds&kind == 0 {
			continue
		}
		if len(c.symposia) > 0 && !slices.Contains(c.symposia, sg.SymposiumID) {
			continue
		}
		if len(c.campaigns) > 0 && !containsFold(c.campaigns, campaign) {
			continue
		}
		if len(c.topics) > 0 && !containsFold(c.topics, topic) {
			continue
		}
		if len(c.any) > 0 || len(c.all) > 0 {
			if !scanned {
				hits = r.matcher.NewSet()
				r.matcher.Scan(sg.Topic, hits)
				r.matcher.Scan(sg.Content, hits)
				scanned = true
			}
			if !anyHit(hits, c.any) || !allHit(hits, c.all) {
				continue
			}
		}
		return RouteDecision{ProblemListID: c.rule.ProblemListID, Rule: &c.rule}
	}
	return RouteDecision{ProblemListID: TriageListID}
}

// Rule returns the rule with the given name, or nil.
func (r *Router) Rule(name string) *RoutingRule {
	for i := range r.rules {
		if r.rules[i].rule.Name == name {
			return &r.rules[i].rule
		}
	}
	return nil
}

func containsFold(list []string, v string) bool {
	if v == "" {
		return false
	}
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func anyHit(hits textmatch.Set, ids []int32) bool {
	if len(ids) == 0 {
		return true
	}
	for _, i := range ids {
		if hits.Has(int(i)) {
			return true
		}
	}
	return false
}

func allHit(hits textmatch.Set, ids []int32) bool {
	for _, i := range ids {
		if !hits.Has(int(i)) {
			return false
		}
	}
	return true
}
