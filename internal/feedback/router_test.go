package feedback_test

import (
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/routetest"
)

// testRules is a rule set an office running the campaigns of the district's
// report might write. Order matters: the first matching rule wins.
func testRules() *feedback.RuleSet {
	return &feedback.RuleSet{Rules: []feedback.RoutingRule{
		{
			Name: "涉企乱罚款-企业代表",
			Match: feedback.RuleMatch{
				Campaigns:        []string{"涉企乱罚款专项整治"},
				ParticipantKinds: []feedback.ParticipantKind{feedback.Enterprise},
				KeywordsAny:      []string{"罚款", "处罚", "罚没"},
			},
			ProblemListID: "list-fines", ResponsibleUnit: "区市场监督管理局", DeadlineDays: 30,
		},
		{
			Name:          "职权下放重放轻管",
			Match:         feedback.RuleMatch{KeywordsAll: []string{"下放", "监管"}},
			ProblemListID: "list-delegation", ResponsibleUnit: "区司法局", DeadlineDays: 60,
		},
		{
			Name: "杜阮镇进驻式监督",
			Match: feedback.RuleMatch{
				SymposiumIDs: []string{"sym-duruan"},
				KeywordsAny:  []string{"执法", "案卷"},
			},
			ProblemListID: "list-duruan", ResponsibleUnit: "杜阮镇人民政府",
		},
		{
			Name: "营商环境-两代表",
			Match: feedback.RuleMatch{
				ParticipantKinds: []feedback.ParticipantKind{feedback.NPCDeputy, feedback.CPPCCMember},
				Topics:           []string{"营商环境"},
			},
			ProblemListID: "list-business",
		},
		{
			Name:          "政务APP",
			Match:         feedback.RuleMatch{KeywordsAny: []string{"app", "小程序"}},
			ProblemListID: "list-digital",
		},
		{
			Name: "村居代表-环境整治",
			Match: feedback.RuleMatch{
				ParticipantKinds: []feedback.ParticipantKind{feedback.Community},
				KeywordsAny:      []string{"垃圾", "污水", "噪音"},
				KeywordsAll:      []string{"村"},
			},
			ProblemListID: "list-village",
		},
	}}
}

func TestRoute(t *testing.T) {
	router, err := feedback.CompileRules(testRules())
	if err != nil {
		t.Fatal(err)
	}
	const fines = "涉企乱罚款专项整治"
	tests := []struct {
		name     string
		sg       feedback.Suggestion
		wantList string
		wantRule string
	}{
		{
			name: "enterprise in the fines campaign mentions a fine",
			sg: feedback.Suggestion{SymposiumID: "sym-a", Campaign: fines, ParticipantKind: feedback.Enterprise,
				Content: "我公司门前堆放货物被城管直接罚款两千元，事先没有任何提醒。"},
			wantList: "list-fines", wantRule: "涉企乱罚款-企业代表",
		},
		{
			name: "keyword in the topic only",
			sg: feedback.Suggestion{SymposiumID: "sym-a", Campaign: fines, ParticipantKind: feedback.Enterprise,
				Topic: "行政处罚", Content: "希望执法部门多一些上门指导。"},
			wantList: "list-fines", wantRule: "涉企乱罚款-企业代表",
		},
		{
			name: "same text from the public does not match the enterprise rule",
			sg: feedback.Suggestion{SymposiumID: "sym-a", Campaign: fines, ParticipantKind: feedback.Public,
				Content: "我公司门前堆放货物被城管直接罚款两千元，事先没有任何提醒。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "other campaign does not match the campaign rule",
			sg: feedback.Suggestion{SymposiumID: "sym-a", Campaign: "职权下放重放轻管问题专项整治", ParticipantKind: feedback.Enterprise,
				Content: "企业被重复罚款的问题希望能够解决。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "all keywords present",
			sg: feedback.Suggestion{SymposiumID: "sym-b", ParticipantKind: feedback.NPCDeputy,
				Content: "部分审批权限下放到镇街以后，后续监管跟不上，出现重审批轻监管。"},
			wantList: "list-delegation", wantRule: "职权下放重放轻管",
		},
		{
			name: "only one of the all keywords",
			sg: feedback.Suggestion{SymposiumID: "sym-b", ParticipantKind: feedback.NPCDeputy,
				Content: "权限下放到镇街后，镇街人手不足，承接能力有限。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "first match wins when two rules match",
			sg: feedback.Suggestion{SymposiumID: "sym-a", Campaign: fines, ParticipantKind: feedback.Enterprise,
				Content: "职权下放后监管缺位，反而对企业随意罚款。"},
			wantList: "list-fines", wantRule: "涉企乱罚款-企业代表",
		},
		{
			name: "symposium rule matches its own symposium",
			sg: feedback.Suggestion{SymposiumID: "sym-duruan", ParticipantKind: feedback.Community,
				Content: "综合行政执法队员执法时未出示执法证件。"},
			wantList: "list-duruan", wantRule: "杜阮镇进驻式监督",
		},
		{
			name: "symposium rule ignores other symposia",
			sg: feedback.Suggestion{SymposiumID: "sym-huanshi", ParticipantKind: feedback.Public,
				Content: "综合行政执法队员执法时未出示执法证件。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "topic rule for deputies",
			sg: feedback.Suggestion{SymposiumID: "sym-c", ParticipantKind: feedback.CPPCCMember,
				Topic: " 营商环境 ", Content: "建议进一步压减涉企审批材料，推行告知承诺制。"},
			wantList: "list-business", wantRule: "营商环境-两代表",
		},
		{
			name: "topic must match whole",
			sg: feedback.Suggestion{SymposiumID: "sym-c", ParticipantKind: feedback.CPPCCMember,
				Topic: "营商环境优化", Content: "建议进一步压减涉企审批材料，推行告知承诺制。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "topic rule needs the right kind",
			sg: feedback.Suggestion{SymposiumID: "sym-c", ParticipantKind: feedback.Enterprise,
				Topic: "营商环境", Content: "建议进一步压减涉企审批材料，推行告知承诺制。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "ASCII keywords match any case",
			sg: feedback.Suggestion{SymposiumID: "sym-c", ParticipantKind: feedback.Public,
				Content: "“粤省事”APP上的预约功能经常闪退，希望尽快修复。"},
			wantList: "list-digital", wantRule: "政务APP",
		},
		{
			name: "any and all together",
			sg: feedback.Suggestion{SymposiumID: "sym-d", ParticipantKind: feedback.Community,
				Content: "我们村的生活污水直排河涌，夏天气味很大。"},
			wantList: "list-village", wantRule: "村居代表-环境整治",
		},
		{
			name: "any without all",
			sg: feedback.Suggestion{SymposiumID: "sym-d", ParticipantKind: feedback.Community,
				Content: "小区生活污水直排河涌，夏天气味很大。"},
			wantList: feedback.TriageListID,
		},
		{
			name: "nothing matches",
			sg: feedback.Suggestion{SymposiumID: "sym-e", ParticipantKind: feedback.Public,
				Content: "建议在社区增设长者饭堂。"},
			wantList: feedback.TriageListID,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := router.Route(&tt.sg)
			if d.ProblemListID != tt.wantList || d.RuleName() != tt.wantRule {
				t.Errorf("Route = (%q, %q), want (%q, %q)", d.ProblemListID, d.RuleName(), tt.wantList, tt.wantRule)
			}
			if (d.Rule == nil) != (tt.wantRule == "") {
				t.Errorf("Rule = %v, want rule %q", d.Rule, tt.wantRule)
			}
		})
	}
}

func TestRouteEmptyRules(t *testing.T) {
	router, err := feedback.CompileRules(&feedback.RuleSet{})
	if err != nil {
		t.Fatal(err)
	}
	d := router.Route(&feedback.Suggestion{ParticipantKind: feedback.Public, Content: "建议增设长者饭堂"})
	if d.ProblemListID != feedback.TriageListID || d.Rule != nil {
		t.Errorf("Route with no rules = %+v, want triage", d)
	}
}

func TestRouteCatchAllRule(t *testing.T) {
	rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{{Name: "全部", ProblemListID: "list-all"}}}
	router, err := feedback.CompileRules(rs)
	if err != nil {
		t.Fatal(err)
	}
	if got := router.Route(&feedback.Suggestion{ParticipantKind: feedback.Public, Content: "任何内容"}).ProblemListID; got != "list-all" {
		t.Errorf("catch-all rule routed to %q, want list-all", got)
	}
}

func TestCompileRulesInvalid(t *testing.T) {
	tests := []struct {
		name      string
		rules     []feedback.RoutingRule
		wantField string
	}{
		// Each error names the rule by its place, so that the console marks
		// the rule to correct (an empty name cannot say which one it is).
		{"no name", []feedback.RoutingRule{{Name: "a", ProblemListID: "l"}, {ProblemListID: "l"}}, "rules[1].name"},
		{"duplicate name", []feedback.RoutingRule{{Name: "a", ProblemListID: "l"}, {Name: "a", ProblemListID: "l"}}, "rules[1].name"},
		{"no list", []feedback.RoutingRule{{Name: "a"}}, "rules[0].problem_list_id"},
		{"bad kind", []feedback.RoutingRule{{Name: "a", ProblemListID: "l",
			Match: feedback.RuleMatch{ParticipantKinds: []feedback.ParticipantKind{"mayor"}}}}, "rules[0].match.participant_kinds"},
		{"negative deadline", []feedback.RoutingRule{{Name: "a", ProblemListID: "l", DeadlineDays: -1}}, "rules[0].deadline_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := feedback.CompileRules(&feedback.RuleSet{Rules: tt.rules})
			if got := feedback.ErrorCode(err); got != feedback.EInvalid {
				t.Fatalf("error code = %q (%v), want %q", got, err, feedback.EInvalid)
			}
			if got := feedback.ErrorField(err); got != tt.wantField {
				t.Errorf("field = %q, want %q", got, tt.wantField)
			}
		})
	}
}

var benchSuggestion = routetest.Suggestion()

func TestKeywordRulesReachLastRule(t *testing.T) {
	router, err := feedback.CompileRules(routetest.KeywordRules(1000))
	if err != nil {
		t.Fatal(err)
	}
	if got := router.Route(benchSuggestion).RuleName(); got != "首违不罚" {
		t.Errorf("benchmark suggestion routed by %q, want the last rule 首违不罚", got)
	}
}

// BenchmarkRoute1000Rules measures routing one suggestion against 1,000
// keyword rules (target: ≤ 50 µs per suggestion; see docs/design.md).
func BenchmarkRoute1000Rules(b *testing.B) {
	router, err := feedback.CompileRules(routetest.KeywordRules(1000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if router.Route(benchSuggestion).ProblemListID != "list-last" {
			b.Fatal("wrong route")
		}
	}
}

// BenchmarkCompile1000Rules measures compiling 1,000 keyword rules, paid
// once per rule-set version per process.
func BenchmarkCompile1000Rules(b *testing.B) {
	rs := routetest.KeywordRules(1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := feedback.CompileRules(rs); err != nil {
			b.Fatal(err)
		}
	}
}
