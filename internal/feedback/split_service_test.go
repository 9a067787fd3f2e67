package feedback_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestSplitSuggestion: one suggestion raising several matters becomes the
// source of several problems, each with its own unit and deadline; it stays
// coherent — adopted, listed under each problem, its receipt showing each
// problem's progress, seen by each problem's unit — and replies, ratings
// and rectifications reach every problem it is part of.
func TestSplitSuggestion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submitNotify(t, "市场监管部门对首次轻微违法也罚款,镇里综合执法队伍人手不足,罚没收入去向不公开。", "13812345678", true)
	if err := f.svc.RouteSuggestion(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
	list := f.list(t, "涉企乱罚款问题清单")
	deadline := f.today().AddDays(30)
	in := func(title, unit string) feedback.ProblemInput {
		return feedback.ProblemInput{ProblemListID: list.ID, Title: title, ResponsibleUnit: unit, ResponsiblePerson: "负责人",
			Requirement: "限期整改", Deadline: deadline}
	}

	// Refusals name the problem at fault and store nothing.
	for _, tt := range []struct {
		name  string
		id    feedback.Identity
		ins   []feedback.ProblemInput
		code  string
		field string
	}{
		{"a unit", f.unit, []feedback.ProblemInput{in("首违不罚未落实", unitMarket)}, feedback.EForbidden, ""},
		{"nothing", f.staff, nil, feedback.EInvalid, "problems"},
		{"too many", f.staff, slices.Repeat([]feedback.ProblemInput{in("问题", unitMarket)}, feedback.MaxProblemsPerSuggestion+1), feedback.EInvalid, "problems"},
		{"no title", f.staff, []feedback.ProblemInput{in("首违不罚未落实", unitMarket), in(" ", unitJustice)}, feedback.EInvalid, "problems.1.title"},
		{"unregistered unit", f.staff, []feedback.ProblemInput{in("首违不罚未落实", "区外星局")}, feedback.EInvalid, "problems.0.responsible_unit"},
		{"another suggestion", f.staff, []feedback.ProblemInput{{ProblemListID: list.ID, Title: "别的", ResponsibleUnit: unitMarket, SuggestionIDs: []string{feedback.NewID(time.Now())}}}, feedback.EInvalid, "problems.0.suggestion_ids"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.SplitSuggestion(ctx, tt.id, sg.ID, tt.ins)
			if feedback.ErrorCode(err) != tt.code || feedback.ErrorField(err) != tt.field {
				t.Fatalf("split: %v, want %s %s", err, tt.code, tt.field)
			}
			if strings.HasPrefix(tt.field, "problems.1") && !strings.HasPrefix(feedback.ErrorMessage(err), "第 2 个问题:") {
				t.Errorf("message %q does not say which problem", feedback.ErrorMessage(err))
			}
			if got := f.suggestion(t, sg.ID); got.Status != feedback.SuggestionRouted || len(got.Problems()) != 0 {
				t.Fatalf("a refused split changed the suggestion: %+v", got)
			}
		})
	}

	ps, err := f.svc.SplitSuggestion(ctx, f.staff, sg.ID, []feedback.ProblemInput{in("首违不罚未落实", unitMarket), in("罚没收入使用不公开", unitJustice)})
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	p1, p2 := ps[0], ps[1]
	got := f.suggestion(t, sg.ID)
	if got.Status != feedback.SuggestionAdopted || !slices.Equal(got.Problems(), []string{p1.ID, p2.ID}) || got.ProblemID != p1.ID || got.ProblemListID != list.ID {
		t.Fatalf("after the split: %+v", got)
	}
	for _, p := range ps {
		stored := f.problem(t, p.ID)
		if !slices.Equal(stored.SuggestionIDs, []string{sg.ID}) || stored.Status != feedback.ProblemOpen || stored.Deadline != deadline {
			t.Errorf("problem %s = %+v", p.Title, stored)
		}
		h := f.history(t, p.ID)
		if len(h) != 1 || h[0].Action != feedback.ActionCreated || !strings.Contains(h[0].Note, sg.Receipt) || !strings.Contains(h[0].Note, "共形成 2 个问题") {
			t.Errorf("history of %s = %+v", p.Title, h)
		}
		page, err := f.svc.ListSuggestions(ctx, f.staff, feedback.SuggestionFilter{ProblemID: p.ID})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != sg.ID {
			t.Errorf("suggestions of %s: %v, %v", p.Title, page.Items, err)
		}
	}
	// Each problem's unit sees it; a unit of neither does not.
	if _, err := f.svc.GetSuggestion(ctx, f.otherUnit, sg.ID); err != nil {
		t.Errorf("the second problem's unit cannot see the suggestion: %v", err)
	}
	if _, err := f.svc.GetSuggestion(ctx, f.unit, sg.ID); err != nil {
		t.Errorf("the first problem's unit cannot see the suggestion: %v", err)
	}
	third := feedback.Identity{Subject: "acc-3", Name: "杜阮镇 联络员", Role: feedback.RoleUnit, Unit: "杜阮镇人民政府"}
	wantCode(t, func() error { _, err := f.svc.GetSuggestion(ctx, third, sg.ID); return err }(), feedback.EForbidden)

	// Making a problem of it again the ordinary way is refused, with a
	// pointer to the split; splitting off a third works, a fourth not.
	_, err = f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "又一个", ResponsibleUnit: unitMarket, SuggestionIDs: []string{sg.ID}})
	if feedback.ErrorCode(err) != feedback.EConflict || !strings.Contains(feedback.ErrorMessage(err), "拆分为多个问题") {
		t.Errorf("create problem from a split suggestion: %v", err)
	}
	more, err := f.svc.SplitSuggestion(ctx, f.staff, sg.ID, []feedback.ProblemInput{in("镇执法队伍人手不足", "杜阮镇人民政府")})
	if err != nil {
		t.Fatalf("split off a third: %v", err)
	}
	p3 := more[0]
	if got := f.suggestion(t, sg.ID); !slices.Equal(got.Problems(), []string{p1.ID, p2.ID, p3.ID}) {
		t.Fatalf("after the third: %v", got.Problems())
	}
	_, err = f.svc.SplitSuggestion(ctx, f.staff, sg.ID, []feedback.ProblemInput{in("第四个", unitMarket)})
	if feedback.ErrorField(err) != "problems" {
		t.Errorf("a fourth problem: %v, want field problems", err)
	}

	// The receipt shows each problem's progress.
	if _, err := f.svc.EditProblem(ctx, f.admin, p2.ID, feedback.ProblemEdit{Progress: ptr("已公开上一年度罚没收入使用情况")}); err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.ReceiptView(ctx, sg.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Problems) != 3 || v.Problem == nil || v.Problems[1].Progress != "已公开上一年度罚没收入使用情况" || v.StatusLabel != feedback.SuggestionAdopted.Label() {
		t.Fatalf("receipt = %+v", v)
	}

	// A reply counts in every problem's tally; rectifying one tells the
	// submitter that one of their matters is done.
	if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "三个问题已分别交办,限期整改。", feedback.GradeB); err != nil {
		t.Fatalf("reply: %v", err)
	}
	for _, p := range []*feedback.Problem{p1, p2, p3} {
		if got := f.problem(t, p.ID); got.Feedback.Replied != 1 {
			t.Errorf("%s tally = %+v, want 1 replied", p.Title, got.Feedback)
		}
	}
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := f.svc.TransitionProblem(ctx, f.admin, p1.ID, feedback.Transition{To: to, Note: "整改"}); err != nil {
			t.Fatalf("p1 → %s: %v", to, err)
		}
	}
	pending, err := f.store.ListPendingNotices(ctx, f.svc.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	var rectified *feedback.Notice
	for _, n := range pending {
		if n.Kind == feedback.NoticeReply && strings.Contains(n.Text, "已整改完成") {
			rectified = n
		}
	}
	if rectified == nil || rectified.ProblemID != p1.ID || !strings.Contains(rectified.Text, "中有一项已整改完成") {
		t.Errorf("rectified notice = %+v", rectified)
	}

	// A dissatisfied rating is a re-handle in every problem; the rectified
	// one goes back to reopened.
	if _, err := f.svc.RateReply(ctx, sg.Receipt, feedback.RatingInput{Rating: feedback.RatingDissatisfied, Comment: "罚款问题仍未解决"}); err != nil {
		t.Fatalf("rate: %v", err)
	}
	for _, p := range []*feedback.Problem{p1, p2, p3} {
		got := f.problem(t, p.ID)
		if got.Rehandles != 1 || got.Feedback.Rated != 1 || got.Feedback.Satisfied != 0 {
			t.Errorf("%s after the rating: rehandles %d, tally %+v", p.Title, got.Rehandles, got.Feedback)
		}
		if h := f.history(t, p.ID); h[len(h)-1].Action != feedback.ActionRehandle {
			t.Errorf("%s: last event %s, want a re-handle", p.Title, h[len(h)-1].Action)
		}
	}
	if got := f.problem(t, p1.ID); got.Status != feedback.ProblemReopened {
		t.Errorf("the rectified problem is %s, want reopened", got.Status)
	}
	if got := f.problem(t, p2.ID); got.Status != feedback.ProblemOpen {
		t.Errorf("the open problem is %s, want still open", got.Status)
	}
}
