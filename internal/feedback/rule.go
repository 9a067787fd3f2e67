package feedback

import (
	"fmt"
	"time"
)

// RuleMatch is what a routing rule looks at. Every non-empty field must match
// (AND); within a field any listed value matches (OR), except KeywordsAll,
// where every keyword must occur. Keywords are substrings of the topic and
// content.
type RuleMatch struct {
	SymposiumIDs     []string
	Campaigns        []string
	ParticipantKinds []ParticipantKind
	Topics           []string
	KeywordsAny      []string
	KeywordsAll      []string
}

// RoutingRule sends matching suggestions to a problem list (分拣规则).
type RoutingRule struct {
	Name            string
	Match           RuleMatch
	ProblemListID   string
	ResponsibleUnit string // default lead unit for problems made from what it routed
	DeadlineDays    int    // default deadline, in days after the problem is made; 0 = none
	// Disabled keeps the rule in its place without using it: routing skips
	// it, as if it were not there, until it is enabled again.
	Disabled bool
	// DeadlineWorkingDays is the default deadline in working days after the
	// problem is made (workday calendar); 0 = none. At most one of the two.
	DeadlineWorkingDays int
}

// RuleSet is the ordered list of routing rules; the first match wins. It is
// saved as a whole and versioned so two clerks editing rules cannot
// overwrite each other unknowingly.
type RuleSet struct {
	Rules     []RoutingRule
	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
}

// Validate checks the rules' shape. Whether the target lists exist is checked
// by the service, which can ask the store.
func (rs *RuleSet) Validate() error {
	if len(rs.Rules) > MaxRules {
		return FieldErrorf("rules", "分拣规则最多 %d 条", MaxRules)
	}
	seen := map[string]bool{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if err := checkText(fmt.Sprintf("rules[%d].name", i), r.Name, true, RuleNameMaxRunes, false); err != nil {
			return err
		}
		if seen[r.Name] {
			return FieldErrorf(fmt.Sprintf("rules[%d].name", i), "规则名称「%s」重复", r.Name)
		}
		seen[r.Name] = true
		if r.ProblemListID == "" {
			return FieldErrorf(fmt.Sprintf("rules[%d].problem_list_id", i), "请为规则「%s」选择问题清单", r.Name)
		}
		if !ValidKey(r.ProblemListID) {
			return FieldErrorf(fmt.Sprintf("rules[%d].problem_list_id", i), "规则「%s」的问题清单不存在", r.Name)
		}
		for j, sid := range r.Match.SymposiumIDs {
			if !ValidKey(sid) {
				return FieldErrorf(fmt.Sprintf("rules[%d].match.symposium_ids[%d]", i, j), "规则「%s」的座谈会不存在", r.Name)
			}
		}
		if r.DeadlineWorkingDays < 0 || r.DeadlineWorkingDays > MaxWorkingDays {
			return FieldErrorf(fmt.Sprintf("rules[%d].deadline_working_days", i), "规则「%s」的工作日天数应在 1 至 %d 之间", r.Name, MaxWorkingDays)
		}
		if r.DeadlineWorkingDays > 0 && r.DeadlineDays > 0 {
			return FieldErrorf(fmt.Sprintf("rules[%d].deadline_working_days", i), "规则「%s」的默认期限只能按自然日或工作日之一填写", r.Name)
		}
		if r.DeadlineDays < 0 || r.DeadlineDays > 3650 {
			return FieldErrorf(fmt.Sprintf("rules[%d].deadline_days", i), "规则「%s」的默认整改天数应为 0 到 3650", r.Name)
		}
		if err := checkText(fmt.Sprintf("rules[%d].responsible_unit", i), r.ResponsibleUnit, false, UnitMaxRunes, false); err != nil {
			return err
		}
		for _, k := range r.Match.ParticipantKinds {
			if !k.Valid() {
				return FieldErrorf(fmt.Sprintf("rules[%d].match.participant_kinds", i), "规则「%s」含有未知的参会身份「%s」", r.Name, k)
			}
		}
		kw := len(r.Match.KeywordsAny) + len(r.Match.KeywordsAll)
		if kw > MaxKeywordsPerRule {
			return FieldErrorf(fmt.Sprintf("rules[%d].match", i), "规则「%s」的关键词最多 %d 个", r.Name, MaxKeywordsPerRule)
		}
		for _, list := range [][]string{r.Match.KeywordsAny, r.Match.KeywordsAll, r.Match.Topics, r.Match.Campaigns} {
			for _, k := range list {
				if err := checkText(fmt.Sprintf("rules[%d].match", i), k, true, KeywordMaxRunes, false); err != nil {
					return err
				}
			}
		}
	}
	return checkText("updated_by", rs.UpdatedBy, false, ActorMaxRunes, false)
}
