package feedback_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestDeclineSuggestion(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submitRouted(t, feedback.Public, "", "建议在社区增设长者饭堂。")
	reason := "该建议不属于本次专项整治范围，已转区民政局研究参考。"

	got, err := f.svc.DeclineSuggestion(ctx, f.staff, sg.ID, "  "+reason+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if r := got.LatestReply(); got.Status != feedback.SuggestionDeclined || r == nil || r.Text != reason || r.Grade != feedback.GradeD || len(got.Replies) != 1 {
		t.Errorf("declined: status %q replies %+v, want one grade-D reply with the reason", got.Status, got.Replies)
	}
	v, err := f.svc.ReceiptView(ctx, strings.ToLower(strings.ReplaceAll(sg.Receipt, "-", " ")))
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != feedback.SuggestionDeclined || v.Reply == nil || v.Reply.Text != reason || v.Reply.Grade != feedback.GradeD ||
		v.Reply.GradeLabel != "留作参考" || !v.CanRate || v.StatusLabel != "未采纳" || v.Problem != nil {
		t.Errorf("receipt view = %+v", v)
	}
	// Again with the same reason: nothing changes.
	again, err := f.svc.DeclineSuggestion(ctx, f.staff, sg.ID, reason)
	if err != nil || again.Version != got.Version {
		t.Errorf("repeat decline: %v, version %d → %d", err, got.Version, again.Version)
	}

	_, err = f.svc.DeclineSuggestion(ctx, f.staff, sg.ID, "")
	wantCode(t, err, feedback.EInvalid)
	_, err = f.svc.DeclineSuggestion(ctx, f.unit, sg.ID, reason)
	wantCode(t, err, feedback.EForbidden)

	p := f.newProblem(t, "门前三包执法简单以罚代管")
	adopted := f.submitRouted(t, feedback.Enterprise, "", "门前三包执法简单，直接罚款。")
	if _, err := f.svc.LinkSuggestion(ctx, f.staff, p.ID, adopted.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.DeclineSuggestion(ctx, f.staff, adopted.ID, reason)
	wantCode(t, err, feedback.EConflict)
}

func TestSimilarSuggestions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.submitRouted(t, feedback.Enterprise, "", "我公司门前临时堆放货物，执法人员没有提醒就直接罚款两千元，希望先教育后处罚。")
	b := f.submitRouted(t, feedback.Enterprise, "", "门前临时堆放货物，执法人员没有提醒就直接罚款两千元，希望先教育再处罚。")
	f.submitRouted(t, feedback.Public, "", "建议在社区增设长者饭堂，方便老人就餐。")

	got, err := f.svc.SimilarSuggestions(ctx, f.staff, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Suggestion.ID != b.ID || got[0].Score < feedback.SimilarityThreshold || got[0].Score > 1 {
		t.Fatalf("similar = %+v, want only %s", got, b.ID)
	}
	// A hint only: nothing changed.
	if sg := f.suggestion(t, b.ID); sg.Status != feedback.SuggestionRouted || sg.ProblemID != "" {
		t.Errorf("similar suggestion changed: %+v", sg)
	}
	// Sorting duplicates is the office's: a unit would see suggestions
	// behind other units' problems.
	_, err = f.svc.SimilarSuggestions(ctx, f.unit, a.ID)
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.SimilarSuggestions(ctx, f.noRole, a.ID)
	wantCode(t, err, feedback.EForbidden)
}
