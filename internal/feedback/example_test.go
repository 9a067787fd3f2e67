package feedback_test

import (
	"fmt"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Routing rules are an ordered list: the first rule whose every filled
// field matches places the suggestion; one that matches none goes to the
// triage list 待分拣.
func ExampleRouter_Route() {
	rules := &feedback.RuleSet{Rules: []feedback.RoutingRule{
		{
			Name: "涉企罚款",
			Match: feedback.RuleMatch{
				Campaigns:        []string{"涉企乱罚款专项整治"},
				ParticipantKinds: []feedback.ParticipantKind{feedback.Enterprise},
				KeywordsAny:      []string{"罚款", "处罚"},
			},
			ProblemListID: "fines", ResponsibleUnit: "区市场监督管理局", DeadlineDays: 30,
		},
		{
			Name:          "下放事项",
			Match:         feedback.RuleMatch{KeywordsAll: []string{"下放", "培训"}},
			ProblemListID: "delegated",
		},
	}}
	router, err := feedback.CompileRules(rules)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, sg := range []*feedback.Suggestion{
		{Campaign: "涉企乱罚款专项整治", ParticipantKind: feedback.Enterprise, Topic: "罚款标准",
			Content: "同一类违法行为,不同执法人员的罚款金额差别很大。"},
		{Campaign: "涉企乱罚款专项整治", ParticipantKind: feedback.NPCDeputy, // not an enterprise
			Content: "建议公开行政处罚裁量基准。"},
		{ParticipantKind: feedback.Community, Content: "下放到镇的审批事项,区级部门放而不管,指导培训跟不上。"},
	} {
		d := router.Route(sg)
		fmt.Printf("%s → %s %q\n", sg.ParticipantKind.Label(), d.ProblemListID, d.RuleName())
	}
	// Output:
	// 企业代表 → fines "涉企罚款"
	// 人大代表 → triage ""
	// 村(社区)代表 → delegated "下放事项"
}

// A problem moves open → rectifying → rectified → verified (回头看通过).
// Each move returns the audit event to store with it; rectified sets the
// look-back date, 30 days later unless the transition names one.
func ExampleProblem_Apply() {
	day := time.Date(2025, 3, 10, 9, 0, 0, 0, feedback.Shanghai)
	p := &feedback.Problem{ID: "p1", Title: "行政处罚裁量基准未公开", Status: feedback.ProblemOpen, Deadline: "2025-04-30"}
	for i, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified, feedback.ProblemVerified} {
		ev, err := p.Apply(feedback.Transition{To: to, Note: "按计划推进"}, day.AddDate(0, 0, 7*i))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s → %s", ev.Action, feedback.ProblemStatus(ev.From).Label(), feedback.ProblemStatus(ev.To).Label())
		if p.LookbackDue != "" {
			fmt.Printf(",回头看 %s", p.LookbackDue)
		}
		fmt.Println()
	}
	// Output:
	// transition: 待整改 → 整改中
	// transition: 整改中 → 已整改,回头看 2025-04-16
	// transition: 已整改 → 回头看通过
}

// A failed look-back reopens a rectified problem with a new deadline and
// counts as a relapse; a move the lifecycle does not allow is a conflict,
// explained in Chinese.
func ExampleProblem_Apply_lookbackFailed() {
	day := time.Date(2025, 4, 20, 9, 0, 0, 0, feedback.Shanghai)
	p := &feedback.Problem{ID: "p2", Title: "占道经营反复出现", Status: feedback.ProblemRectified, Deadline: "2025-04-15"}
	ev, err := p.Apply(feedback.Transition{To: feedback.ProblemReopened, Note: "回头看发现问题反弹", NewDeadline: "2025-05-31"}, day)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Action, p.Status.Label(), p.Deadline, "relapses:", p.Relapses)

	_, err = p.Apply(feedback.Transition{To: feedback.ProblemVerified}, day)
	fmt.Println(feedback.ErrorCode(err), feedback.ErrorMessage(err))
	// Output:
	// lookback_failed 重新整改 2025-05-31 relapses: 1
	// conflict 不允许从「重新整改」变为「回头看通过」
}

// The lifecycle, as the console offers it: the statuses each status may
// move to.
func ExampleProblemStatus_Next() {
	for _, s := range feedback.ProblemStatuses {
		fmt.Print(s.Label(), ":")
		for _, n := range s.Next() {
			fmt.Print(" ", n.Label())
		}
		fmt.Println()
	}
	// Output:
	// 待整改: 整改中 长期坚持
	// 整改中: 已整改 长期坚持
	// 已整改: 回头看通过 重新整改
	// 回头看通过: 重新整改
	// 重新整改: 整改中
	// 长期坚持: 整改中 已整改
}
