package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestReceiptViewFollowsProblem(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submitRouted(t, feedback.Enterprise, "门前三包", "门前临时堆放货物，未经提醒即被罚款两千元。")
	v, err := f.svc.ReceiptView(ctx, sg.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	// No rule matched: it waits in the triage list, and its receipt says
	// so in the words staff see there, not 已分拣.
	if v.Status != feedback.SuggestionRouted || v.StatusLabel != feedback.TriageListTitle || v.Problem != nil || !v.SubmittedAt.Equal(sg.SubmittedAt) {
		t.Errorf("routed receipt view = %+v, want status label %s", v, feedback.TriageListTitle)
	}
	l := f.list(t, "罚款清单")
	p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: l.ID, SuggestionIDs: []string{sg.ID}, Deadline: "2025-04-30"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, transition(feedback.ProblemRectifying, "")); err != nil {
		t.Fatal(err)
	}
	v, err = f.svc.ReceiptView(ctx, sg.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != feedback.SuggestionAdopted || v.Problem == nil || v.Problem.Status != feedback.ProblemRectifying ||
		v.Problem.StatusLabel != "整改中" || v.Problem.Deadline != "2025-04-30" {
		t.Errorf("adopted receipt view = %+v (problem %+v)", v, v.Problem)
	}
	for _, bad := range []string{"", "0000-0000-0000", "ABCD"} {
		_, err := f.svc.ReceiptView(ctx, bad)
		wantCode(t, err, feedback.ENotFound)
	}
}

// TestReceiptViewAnswered: a suggestion answered from the triage list,
// without becoming a problem, reads 已答复 on its receipt, beside the
// reply, not 待分拣; adopted and declined keep their own words.
func TestReceiptViewAnswered(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submitRouted(t, feedback.CPPCCMember, "涉企执法", "建议设立涉企执法监督热线,方便企业反映问题。")
	if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "已转有关部门研究,条件成熟时设立。", feedback.GradeC); err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.ReceiptView(ctx, sg.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != feedback.SuggestionRouted || v.StatusLabel != "已答复" || v.Reply == nil {
		t.Errorf("answered receipt view: status %s %q, reply %+v; want routed 已答复 with the reply", v.Status, v.StatusLabel, v.Reply)
	}
	// Rated 不满意: the office handles it again, and the status says so
	// rather than 已答复 beside "您的意见已转为重新办理".
	if _, err := f.svc.RateReply(ctx, sg.Receipt, feedback.RatingInput{Rating: feedback.RatingDissatisfied, Comment: "热线至今没有设立"}); err != nil {
		t.Fatal(err)
	}
	if v, err := f.svc.ReceiptView(ctx, sg.Receipt); err != nil || !v.Rehandle || v.StatusLabel != feedback.RehandleLabel {
		t.Errorf("receipt view after a dissatisfied rating = %+v, %v; want 重新办理中", v, err)
	}
	if _, err := f.svc.DeclineSuggestion(ctx, f.staff, sg.ID, "已有同类制度,留作参考。"); err != nil {
		t.Fatal(err)
	}
	if v, err := f.svc.ReceiptView(ctx, sg.Receipt); err != nil || v.StatusLabel != "未采纳" {
		t.Errorf("declined receipt view = %+v, %v; want 未采纳", v, err)
	}
}
