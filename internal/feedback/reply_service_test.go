package feedback_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// submitNotify submits with the given contact, asking to be told or not.
func (f *fixture) submitNotify(tb testing.TB, content, contact string, notify bool) *feedback.Suggestion {
	tb.Helper()
	sg, _, err := f.svc.Submit(context.Background(), f.sym.Code, feedback.SubmissionInput{
		ParticipantKind: feedback.Enterprise, Content: content, Name: "陈先生", Contact: contact, Notify: notify,
	}, feedback.ChannelQR)
	if err != nil {
		tb.Fatalf("submit: %v", err)
	}
	f.advance(time.Second)
	return sg
}

func TestReplyAndRatingRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := f.submitRouted(t, feedback.Enterprise, "罚款标准", "同一类违法行为罚款金额差别很大,建议公开裁量基准。")
	rate := func(rating feedback.Rating, comment string) error {
		_, err := f.svc.RateReply(ctx, strings.ToLower(sg.Receipt), feedback.RatingInput{Rating: rating, Comment: comment})
		return err
	}

	// Before any reply: 409, whatever the rating.
	for _, r := range feedback.Ratings {
		wantCode(t, rate(r, "理由"), feedback.EConflict)
	}
	// Bad input is 400 naming its field, before anything else.
	for _, tt := range []struct {
		rating  feedback.Rating
		comment string
		field   string
	}{
		{"great", "", "rating"},
		{"", "", "rating"},
		{feedback.RatingDissatisfied, "", "comment"},
		{feedback.RatingDissatisfied, " \u3000\n", "comment"},
		{feedback.RatingSatisfied, strings.Repeat("好", feedback.RatingCommentMaxRunes+1), "comment"},
	} {
		err := rate(tt.rating, tt.comment)
		if feedback.ErrorCode(err) != feedback.EInvalid || feedback.ErrorField(err) != tt.field {
			t.Errorf("rate %q %q: %v, want invalid %s", tt.rating, tt.comment, err, tt.field)
		}
	}
	if _, err := f.svc.RateReply(ctx, "ZZZZ-ZZZZ-ZZZZ", feedback.RatingInput{Rating: feedback.RatingSatisfied}); feedback.ErrorCode(err) != feedback.ENotFound {
		t.Errorf("unknown receipt: %v, want not found", err)
	}

	// Replies: office only, a known grade, a text.
	_, err := f.svc.ReplyToSuggestion(ctx, f.unit, sg.ID, "已答复", feedback.GradeA)
	wantCode(t, err, feedback.EForbidden)
	_, err = f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "已答复", "E")
	if feedback.ErrorField(err) != "grade" {
		t.Errorf("unknown grade: %v, want field grade", err)
	}
	_, err = f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "  ", feedback.GradeA)
	if feedback.ErrorField(err) != "text" {
		t.Errorf("empty text: %v, want field text", err)
	}
	got, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "  您的建议已采纳,裁量基准将于4月公布。\n", feedback.GradeB)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.LatestReply(); r == nil || r.Text != "您的建议已采纳,裁量基准将于4月公布。" || r.Grade != feedback.GradeB || r.By != f.staff.Name ||
		got.Status != feedback.SuggestionRouted || !got.CanRate() {
		t.Fatalf("after the reply: %+v", got)
	}

	// Rated once: 201; again: 409.
	v, err := f.svc.RateReply(ctx, sg.Receipt, feedback.RatingInput{Rating: feedback.RatingBasicallySatisfied})
	if err != nil || v.CanRate || v.Rating == nil || v.Rating.Rating != feedback.RatingBasicallySatisfied || v.Rating.Label != "基本满意" {
		t.Fatalf("rate: %+v, %v", v, err)
	}
	wantCode(t, rate(feedback.RatingSatisfied, ""), feedback.EConflict)

	// A new reply can be rated again.
	if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "裁量基准已公布。", feedback.GradeA); err != nil {
		t.Fatal(err)
	}
	if err := rate(feedback.RatingDissatisfied, "公布的基准仍不细"); err != nil {
		t.Fatalf("rating the new reply: %v", err)
	}
	st := f.suggestion(t, sg.ID)
	if len(st.Replies) != 2 || st.Replies[0].Rating.Rating != feedback.RatingBasicallySatisfied ||
		st.Replies[1].Rating.Comment != "公布的基准仍不细" || !st.Rehandle() || st.ReplyState() != feedback.ReplyDissatisfied {
		t.Fatalf("stored replies: %+v", st.Replies)
	}
	// Waiting for a re-handle: in the list, since the rating.
	page, err := f.svc.ListSuggestions(ctx, f.staff, feedback.SuggestionFilter{Rehandle: true})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != sg.ID || !page.Items[0].WaitingSince().Equal(st.Replies[1].Rating.At) {
		t.Fatalf("re-handle list: %v, %v", page.Items, err)
	}
	// Answered again: out of it.
	if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "已细化基准,并逐条说明。", feedback.GradeA); err != nil {
		t.Fatal(err)
	}
	if page, _ := f.svc.ListSuggestions(ctx, f.staff, feedback.SuggestionFilter{Rehandle: true}); len(page.Items) != 0 {
		t.Fatalf("answered re-handle still listed: %d", len(page.Items))
	}
}

func TestUnrepliedList(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.submitRouted(t, feedback.Enterprise, "", "执法人员检查时未出示执法证件。")
	f.advance(72 * time.Hour)
	b := f.submitRouted(t, feedback.Public, "", "建议公开罚没收入的使用情况。")
	if _, err := f.svc.DeclineSuggestion(ctx, f.staff, b.ID, "不属于本次专项范围,已转区财政局。"); err != nil {
		t.Fatal(err)
	}
	page, err := f.svc.ListSuggestions(ctx, f.staff, feedback.SuggestionFilter{Unreplied: true})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != a.ID {
		t.Fatalf("unreplied: %v, %v; want only the first", page.Items, err)
	}
	if w := page.Items[0].WaitingSince(); !w.Equal(a.SubmittedAt) {
		t.Errorf("waiting since %v, want its submission %v", w, a.SubmittedAt)
	}
	if _, err := f.svc.ListSuggestions(ctx, f.staff, feedback.SuggestionFilter{Unreplied: true, Rehandle: true}); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("both filters: %v, want invalid", err)
	}
}

func TestRehandleReopensRectifiedProblem(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.newProblem(t, "门前三包执法简单以罚代管")
	sgs := []*feedback.Suggestion{
		f.submitRouted(t, feedback.Enterprise, "", "门前三包执法简单,直接罚款。"),
		f.submitRouted(t, feedback.Community, "", "门前堆放货物没有提醒就罚款。"),
	}
	for _, sg := range sgs {
		if _, err := f.svc.LinkSuggestion(ctx, f.staff, p.ID, sg.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, feedback.Transition{To: st}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sg := range sgs {
		if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg.ID, "已建立首违不罚清单并公示。", feedback.GradeA); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.problem(t, p.ID); got.Feedback != (feedback.ReplyTally{Replied: 2}) || got.Status != feedback.ProblemRectified {
		t.Fatalf("after the replies: feedback %+v status %s", got.Feedback, got.Status)
	}
	if _, err := f.svc.RateReply(ctx, sgs[0].Receipt, feedback.RatingInput{Rating: feedback.RatingSatisfied}); err != nil {
		t.Fatal(err)
	}
	if got := f.problem(t, p.ID); got.Status != feedback.ProblemRectified || got.Rehandles != 0 || got.Feedback != (feedback.ReplyTally{Replied: 2, Rated: 1, Satisfied: 1}) {
		t.Fatalf("a satisfied rating changed the problem: %+v", got)
	}
	if _, err := f.svc.RateReply(ctx, sgs[1].Receipt, feedback.RatingInput{Rating: feedback.RatingDissatisfied, Comment: "门口仍被罚款"}); err != nil {
		t.Fatal(err)
	}
	got := f.problem(t, p.ID)
	if got.Status != feedback.ProblemReopened || got.Rehandles != 1 || got.LookbackDue != "" || !got.RectifiedAt.IsZero() ||
		got.Feedback != (feedback.ReplyTally{Replied: 2, Rated: 2, Satisfied: 1}) || got.Relapses != 0 {
		t.Fatalf("after a dissatisfied rating: %+v", got)
	}
	h := f.history(t, p.ID)
	last := h[len(h)-1]
	if last.Action != feedback.ActionRehandle || last.From != string(feedback.ProblemRectified) || last.To != string(feedback.ProblemReopened) ||
		strings.Contains(last.Note, "门口仍被罚款") {
		t.Fatalf("last history event = %+v, want a rehandle rectified → reopened without the comment", last)
	}
	// The unit's counters: two suggestions, both replied, one of two
	// ratings satisfied, one re-handle.
	agg, err := f.store.GetProblemAggregates(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if u := agg.Units[unitMarket]; u.Suggestions != 2 || u.Replied != 2 || u.Rated != 2 || u.Satisfied != 1 || u.Rehandles != 1 || u.Rectified != 0 {
		t.Fatalf("unit counters = %+v", u)
	}
	all, _ := f.store.ListProblems(ctx, feedback.ProblemFilter{})
	if want := feedback.RecountProblems(all.Items).Units[unitMarket]; agg.Units[unitMarket] != want {
		t.Errorf("maintained counters %+v differ from a recount %+v", agg.Units[unitMarket], want)
	}
	sm, err := f.svc.GenerateSummary(ctx, f.staff, feedback.Daily, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range sm.Units {
		if u.Unit == unitMarket && (u.ReplyRate != 1 || u.SatisfactionRate != 0.5 || u.Rehandles != 1 || u.Suggestions != 2) {
			t.Errorf("scorecard of %s = %+v", unitMarket, u)
		}
	}
	if s := sm.Suggestions; s.Replied != 2 || s.Rated != 2 || s.Satisfied != 1 || s.Rehandle != 1 || s.SatisfactionRate != 0.5 {
		t.Errorf("summary's reply figures = %+v", s)
	}

	// A re-handle of a problem still being rectified counts, and leaves the
	// status alone.
	p2 := f.newProblem(t, "执法文书不规范")
	sg3 := f.submitRouted(t, feedback.NPCDeputy, "", "执法文书填写不规范,当事人看不懂。")
	if _, err := f.svc.LinkSuggestion(ctx, f.staff, p2.ID, sg3.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ReplyToSuggestion(ctx, f.staff, sg3.ID, "正在修订文书模板。", feedback.GradeB); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RateReply(ctx, sg3.Receipt, feedback.RatingInput{Rating: feedback.RatingDissatisfied, Comment: "进度太慢"}); err != nil {
		t.Fatal(err)
	}
	if got := f.problem(t, p2.ID); got.Status != feedback.ProblemOpen || got.Rehandles != 1 {
		t.Errorf("open problem after a re-handle: %s, %d re-handles", got.Status, got.Rehandles)
	}
}

// recordingSubmitters records what would go to submitters.
type recordingSubmitters struct {
	mu   sync.Mutex
	sent []string // channel address text
}

func (r *recordingSubmitters) NotifySubmitter(_ context.Context, channel, address string, n feedback.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, channel+" "+address+" "+n.Text)
	return nil
}

func TestSubmitterNotices(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	deliver := func() []*feedback.Notice {
		ns := e.takeDispatched()
		for _, n := range ns {
			if done, err := e.svc.DeliverNotice(ctx, n); err != nil || !done {
				t.Fatalf("deliver %s: %v, done %v", n.ID, err, done)
			}
		}
		return ns
	}
	content := "门前三包执法简单,直接罚款两千元,建议先教育后处罚。"
	asked := e.submitNotify(t, content, "138 1234 5678", true)
	quiet := e.submitNotify(t, content, "13912345678", false)
	mailer := e.submitNotify(t, content, "chen@example.com", true)
	if _, _, err := e.svc.Submit(ctx, e.sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: content, Notify: true}, feedback.ChannelQR); feedback.ErrorField(err) != "contact" {
		t.Errorf("notify without a contact: %v, want field contact", err)
	}
	if _, _, err := e.svc.Submit(ctx, e.sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: content, Contact: "0750-3123456", Notify: true}, feedback.ChannelQR); feedback.ErrorField(err) != "contact" {
		t.Errorf("notify to a landline: %v, want field contact", err)
	}

	for _, sg := range []*feedback.Suggestion{asked, quiet, mailer} {
		if _, err := e.svc.ReplyToSuggestion(ctx, e.staff, sg.ID, "已转区市场监管局办理,将于30日内答复。", feedback.GradeB); err != nil {
			t.Fatal(err)
		}
	}
	ns := deliver()
	if len(ns) != 2 {
		t.Fatalf("%d reply notices, want 2 (the opted-in submitters only)", len(ns))
	}
	for _, n := range ns {
		sg := asked
		if n.SuggestionID == mailer.ID {
			sg = mailer
		}
		if n.Kind != feedback.NoticeReply || n.SuggestionID != sg.ID || n.Link != "https://jianyan.example.gov.cn/r/"+sg.Receipt ||
			!strings.Contains(n.Text, sg.Receipt) || !strings.Contains(n.Text, n.Link) {
			t.Errorf("notice = %+v", n)
		}
		for _, private := range []string{"陈先生", "138", "chen@", content[:12]} {
			if strings.Contains(n.Text, private) || strings.Contains(n.Subject, private) {
				t.Errorf("notice %q carries %q", n.Text, private)
			}
		}
	}
	e.mu.Lock()
	office := len(e.office)
	e.mu.Unlock()
	if office != 2 {
		t.Errorf("the office's webhook got %d notices, want 2", office)
	}
}

func TestSubmitterNoticeDelivery(t *testing.T) {
	rec := &recordingSubmitters{}
	var dispatched []*feedback.Notice
	var mu sync.Mutex
	f := newFixture(t, func(c *feedback.Config) {
		c.Submitters = rec
		c.Dispatch = func(n *feedback.Notice) { mu.Lock(); dispatched = append(dispatched, n); mu.Unlock() }
	})
	ctx := context.Background()
	p := f.newProblem(t, "门前三包执法简单以罚代管")
	sms := f.submitNotify(t, "门前三包执法简单,直接罚款。", "+86 138-1234-5678", true)
	mail := f.submitNotify(t, "门前堆放货物没有提醒就罚款。", "chen@example.com", true)
	for _, sg := range []*feedback.Suggestion{sms, mail} {
		if err := f.svc.RouteSuggestion(ctx, sg.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.LinkSuggestion(ctx, f.staff, p.ID, sg.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, feedback.Transition{To: st}); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	var ns []*feedback.Notice
	for _, n := range dispatched {
		if n.Kind == feedback.NoticeReply {
			ns = append(ns, n)
		}
	}
	mu.Unlock()
	if len(ns) != 2 {
		t.Fatalf("rectified: %d notices, want one per opted-in submitter", len(ns))
	}
	for _, n := range ns {
		if done, err := f.svc.DeliverNotice(ctx, n); err != nil || !done {
			t.Fatalf("deliver: %v %v", err, done)
		}
		if !strings.Contains(n.Text, "已整改完成") {
			t.Errorf("rectified notice text %q", n.Text)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	got := strings.Join(rec.sent, "\n")
	if !strings.Contains(got, "sms +8613812345678 ") || !strings.Contains(got, "email chen@example.com ") || len(rec.sent) != 2 {
		t.Errorf("sent to submitters:\n%s", got)
	}
}
