package storetest

import (
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// testSuggestionWithNotices: a reply and its notices to the submitter are
// stored together or not at all.
func testSuggestionWithNotices(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	sg := mustSuggestion(t, st, c, sym, samples[0])
	replyNotice := func() *feedback.Notice {
		n := newNotice(c, feedback.NoticeReply, nil, "")
		n.SuggestionID = sg.ID
		n.Text = "【区委依法治区办】您提交的意见建议已有答复,请查看:https://jianyan.example/r/" + sg.Receipt
		return n
	}
	replied := func(s *feedback.Suggestion, text string) *feedback.Suggestion {
		r := clone(s)
		r.UpdatedAt = c.Next()
		r.Replies = append(append([]feedback.Reply(nil), s.Replies...), feedback.Reply{Text: text, Grade: feedback.GradeA, At: r.UpdatedAt, By: "李科员"})
		r.Notify, r.Contact = true, "13812345678"
		return r
	}

	t.Run("both stored", func(t *testing.T) {
		r, n := replied(sg, "已采纳,将于下月公布裁量基准。"), replyNotice()
		must(t, st.UpdateSuggestionWithNotices(ctx(t), r, []*feedback.Notice{n}), "update with notice")
		if r.Version != sg.Version+1 || n.Version != 1 {
			t.Fatalf("versions: suggestion %d (want %d), notice %d (want 1)", r.Version, sg.Version+1, n.Version)
		}
		equal(t, "suggestion", getSuggestion(t, st, sg.ID), r)
		got, err := st.GetNotice(ctx(t), n.ID)
		must(t, err, "get notice")
		equal(t, "notice", got, n)
		*sg = *r
	})
	t.Run("without notices", func(t *testing.T) {
		r := replied(sg, "补充答复:裁量基准已公布。")
		must(t, st.UpdateSuggestionWithNotices(ctx(t), r, nil), "update")
		equal(t, "suggestion", getSuggestion(t, st, sg.ID), r)
		*sg = *r
	})
	t.Run("a taken notice ID stores nothing", func(t *testing.T) {
		dup := replyNotice()
		must(t, st.CreateNotice(ctx(t), dup), "create notice")
		r := replied(sg, "不应存下的答复")
		wantStoreConflict(t, st.UpdateSuggestionWithNotices(ctx(t), r, []*feedback.Notice{replyNotice(), clone(dup)}))
		equal(t, "suggestion after the failed write", getSuggestion(t, st, sg.ID), sg)
	})
	t.Run("a stale suggestion stores no notice", func(t *testing.T) {
		stale := clone(sg)
		stale.Version--
		r, n := replied(stale, "不应存下的答复"), replyNotice()
		wantCodes(t, st.UpdateSuggestionWithNotices(ctx(t), r, []*feedback.Notice{n}), feedback.EConflict)
		if _, err := st.GetNotice(ctx(t), n.ID); feedback.ErrorCode(err) != feedback.ENotFound {
			t.Fatalf("notice of the failed write: %v, want not found", err)
		}
		equal(t, "suggestion after the failed write", getSuggestion(t, st, sg.ID), sg)
	})
	t.Run("invalid input stores nothing", func(t *testing.T) {
		bad := replyNotice()
		bad.Kind = "gossip"
		tooMany := make([]*feedback.Notice, feedback.MaxNoticesPerWrite+1)
		for i := range tooMany {
			tooMany[i] = replyNotice()
		}
		noContact := replied(sg, "答复")
		noContact.Contact = ""
		badRating := replied(sg, "答复")
		badRating.Replies[len(badRating.Replies)-1].Rating = &feedback.ReplyRating{Rating: feedback.RatingDissatisfied, At: c.Next()}
		for _, tt := range []struct {
			name    string
			sg      *feedback.Suggestion
			notices []*feedback.Notice
		}{
			{"bad notice", replied(sg, "答复"), []*feedback.Notice{replyNotice(), bad}},
			{"too many notices", replied(sg, "答复"), tooMany},
			{"notify without a contact", noContact, nil},
			{"dissatisfied without a comment", badRating, nil},
			{"nil suggestion", nil, nil},
		} {
			wantCode(t, st.UpdateSuggestionWithNotices(ctx(t), tt.sg, tt.notices), feedback.EInvalid)
			for _, n := range tt.notices {
				if _, err := st.GetNotice(ctx(t), n.ID); feedback.ErrorCode(err) != feedback.ENotFound {
					t.Fatalf("%s: notice stored: %v", tt.name, err)
				}
			}
		}
		equal(t, "suggestion after refused writes", getSuggestion(t, st, sg.ID), sg)
	})
}

// testProblemFeedback: a problem's reply tally and re-handles round-trip,
// and the unit counters follow them (as a recount would).
func testProblemFeedback(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	p := newProblem(c, list, "首违不罚清单未落实", unitMarket, "2025-04-30", feedback.ProblemRectified)
	p.RectifiedAt = c.Now()
	p.Feedback, p.Rehandles = feedback.ReplyTally{Replied: 2, Rated: 2, Satisfied: 1}, 1
	must(t, st.CreateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: creationEvent(c, p)}), "create")
	got, err := st.GetProblem(ctx(t), p.ID)
	must(t, err, "get")
	equal(t, "problem", got, p)

	u := clone(got)
	u.Status, u.RectifiedAt, u.Rehandles, u.UpdatedAt = feedback.ProblemReopened, time.Time{}, 2, c.Next()
	u.Feedback = feedback.ReplyTally{Replied: 2, Rated: 2, Satisfied: 0}
	must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: u}), "update")
	got, err = st.GetProblem(ctx(t), p.ID)
	must(t, err, "get")
	equal(t, "problem after a re-handle", got, u)
	agg, err := st.GetProblemAggregates(ctx(t), "", "")
	must(t, err, "aggregates")
	want := feedback.RecountProblems([]*feedback.Problem{u}).Units[unitMarket]
	equal(t, "unit counters", agg.Units[unitMarket], want)
	if want.Replied != 2 || want.Rehandles != 2 {
		t.Fatalf("recount of the unit = %+v; fix the suite", want)
	}

	bad := clone(u)
	bad.Feedback = feedback.ReplyTally{Replied: 1, Rated: 2}
	wantCode(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: bad}), feedback.EInvalid)
}
