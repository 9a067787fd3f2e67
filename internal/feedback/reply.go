package feedback

import (
	"regexp"
	"strings"
	"time"
)

// Replies (答复) and ratings (满意度): the office answers a suggestion with a
// text and an outcome grade; its submitter judges the answer from the
// receipt page. A dissatisfied rating starts a re-handle (重新办理): the
// suggestion waits for a new reply, and a problem it became part of that
// was already rectified goes back to reopened, counted against its unit.

// Grade is a reply's outcome grade (办理结果).
type Grade string

// Outcome grades.
const (
	GradeA Grade = "A" // 已解决或已采纳
	GradeB Grade = "B" // 正在解决或列入计划
	GradeC Grade = "C" // 因条件限制需以后解决
	GradeD Grade = "D" // 留作参考; a decline's reason is a grade-D reply
)

// Grades lists the grades in order.
var Grades = []Grade{GradeA, GradeB, GradeC, GradeD}

// Valid reports whether g is a known grade.
func (g Grade) Valid() bool { _, ok := gradeLabels[g]; return ok }

// Rating is a submitter's judgement of a reply.
type Rating string

// Ratings.
const (
	RatingSatisfied          Rating = "satisfied"           // 满意
	RatingBasicallySatisfied Rating = "basically_satisfied" // 基本满意
	RatingDissatisfied       Rating = "dissatisfied"        // 不满意: needs a comment, starts a re-handle
)

// Ratings lists the ratings in the order the receipt page offers them.
var Ratings = []Rating{RatingSatisfied, RatingBasicallySatisfied, RatingDissatisfied}

// Valid reports whether r is a known rating.
func (r Rating) Valid() bool { _, ok := ratingLabels[r]; return ok }

// Satisfied reports whether r counts as satisfied in the satisfaction rate
// (满意 and 基本满意).
func (r Rating) Satisfied() bool { return r == RatingSatisfied || r == RatingBasicallySatisfied }

// Reply and rating limits.
const (
	// MaxRepliesPerSuggestion bounds a suggestion's replies (they are
	// stored with it): a re-handle after each dissatisfied rating, a few
	// times over.
	MaxRepliesPerSuggestion = 20
	// RatingCommentMaxRunes bounds a rating's comment.
	RatingCommentMaxRunes = 500
)

// Reply is one answer of the office to a suggestion.
type Reply struct {
	Text  string
	Grade Grade
	At    time.Time
	By    string // who gave it (actor name); "" for a reply migrated from round one
	// Rating is the submitter's judgement of this reply; nil until rated.
	// Each reply is rated at most once.
	Rating *ReplyRating
}

// ReplyRating is a submitter's rating of one reply. The comment is the
// submitter's words: staff read it, the receipt page never shows it.
type ReplyRating struct {
	Rating  Rating
	Comment string
	At      time.Time
}

// LegacyDeclineReply is how a reply stored before replies had grades
// reads: round one kept one reply text, written only when a suggestion was
// declined, so it is a grade-D reply given when the suggestion was last
// updated. Stores use it when they read such a record.
func LegacyDeclineReply(text string, at time.Time) Reply {
	return Reply{Text: text, Grade: GradeD, At: at}
}

// validateReplies checks a suggestion's replies.
func validateReplies(rs []Reply) error {
	if len(rs) > MaxRepliesPerSuggestion {
		return FieldErrorf("reply", "一条意见建议最多答复 %d 次", MaxRepliesPerSuggestion)
	}
	for i := range rs {
		r := &rs[i]
		if err := checkText("text", r.Text, true, ReplyMaxRunes, true); err != nil {
			return err
		}
		if !r.Grade.Valid() {
			return FieldErrorf("grade", "办理结果应为 A、B、C 或 D")
		}
		if r.At.IsZero() {
			return FieldErrorf("reply", "缺少答复时间")
		}
		if err := checkText("by", r.By, false, ActorMaxRunes, false); err != nil {
			return err
		}
		if rt := r.Rating; rt != nil {
			if err := rt.validate(); err != nil {
				return err
			}
			if rt.At.IsZero() {
				return FieldErrorf("rating", "缺少评价时间")
			}
		}
	}
	return nil
}

// validate checks a rating as a submitter sends it.
func (rt *ReplyRating) validate() error {
	if !rt.Rating.Valid() {
		return FieldErrorf("rating", "请选择满意、基本满意或不满意")
	}
	if err := checkText("comment", rt.Comment, false, RatingCommentMaxRunes, true); err != nil {
		return err
	}
	if rt.Rating == RatingDissatisfied && strings.TrimSpace(rt.Comment) == "" {
		return FieldErrorf("comment", "选择不满意时,请写明不满意的原因,以便重新办理")
	}
	return nil
}

// LatestReply is the suggestion's current reply, nil when it has none.
func (s *Suggestion) LatestReply() *Reply {
	if len(s.Replies) == 0 {
		return nil
	}
	return &s.Replies[len(s.Replies)-1]
}

// CanRate reports whether the submitter may rate now: there is a reply,
// and it is not rated yet.
func (s *Suggestion) CanRate() bool {
	r := s.LatestReply()
	return r != nil && r.Rating == nil
}

// Rehandle reports whether the suggestion waits for a re-handle: its latest
// reply was rated dissatisfied and has not been answered again.
func (s *Suggestion) Rehandle() bool {
	r := s.LatestReply()
	return r != nil && r.Rating != nil && r.Rating.Rating == RatingDissatisfied
}

// ReplyState sums up where a suggestion is in the reply loop, as lists,
// summaries and the stores' indexes see it.
type ReplyState string

// Reply states: no reply yet, replied and not rated, or the rating of the
// latest reply.
const (
	ReplyAwaiting     ReplyState = ""
	ReplyGiven        ReplyState = "replied"
	ReplySatisfied    ReplyState = ReplyState(RatingSatisfied)
	ReplyBasically    ReplyState = ReplyState(RatingBasicallySatisfied)
	ReplyDissatisfied ReplyState = ReplyState(RatingDissatisfied)
)

// ReplyState is the suggestion's reply state.
func (s *Suggestion) ReplyState() ReplyState {
	r := s.LatestReply()
	switch {
	case r == nil:
		return ReplyAwaiting
	case r.Rating == nil:
		return ReplyGiven
	}
	return ReplyState(r.Rating.Rating)
}

// WaitingSince is when the suggestion started waiting for a reply: its
// submission when it has none, the dissatisfied rating when it waits for a
// re-handle; zero when it is not waiting.
func (s *Suggestion) WaitingSince() time.Time {
	switch {
	case len(s.Replies) == 0:
		return s.SubmittedAt
	case s.Rehandle():
		return s.LatestReply().Rating.At
	}
	return time.Time{}
}

// ReplyTally is what the replies and ratings of a problem's suggestions
// add up to; the problem keeps it (Problem.Feedback) so that the unit
// scorecard counts it from the maintained counters.
type ReplyTally struct {
	Replied   int // suggestions with at least one reply
	Rated     int // suggestions whose latest reply is rated
	Satisfied int // of which 满意 or 基本满意
}

// tally is what one suggestion adds to its problem's ReplyTally.
func (s *Suggestion) tally() ReplyTally {
	var t ReplyTally
	if r := s.LatestReply(); r != nil {
		t.Replied = 1
		if r.Rating != nil {
			t.Rated = 1
			if r.Rating.Rating.Satisfied() {
				t.Satisfied = 1
			}
		}
	}
	return t
}

// retally moves p's tally from what old added to what next adds (old nil:
// a suggestion joining the problem).
func (p *Problem) retally(old, next *Suggestion) {
	var o ReplyTally
	if old != nil {
		o = old.tally()
	}
	n := next.tally()
	p.Feedback.Replied += n.Replied - o.Replied
	p.Feedback.Rated += n.Rated - o.Rated
	p.Feedback.Satisfied += n.Satisfied - o.Satisfied
}

// Contact channels: how a submitter who asked to be told can be reached.
const (
	ContactSMS   = "sms"   // a mainland mobile number
	ContactEmail = "email" // an e-mail address
)

var (
	mobileRE = regexp.MustCompile(`^(?:(?:\+|00)?86)?(1[3-9][0-9]{9})$`)
	emailRE  = regexp.MustCompile(`^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)
)

// NoticeAddress tells how a contact detail can receive a notice: ContactSMS
// with the number in E.164 form (+8613812345678) for a mainland mobile
// number (spaces and dashes allowed), ContactEmail with the address for an
// e-mail address, or "" when it is neither (a landline, a WeChat ID). A
// phone's Chinese input method may type either in full-width characters
// (１３８…, ｌｉ＠…): they count as what they look like.
func NoticeAddress(contact string) (channel, address string) {
	c := strings.TrimSpace(halfWidth(contact))
	digits := strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(c)
	if m := mobileRE.FindStringSubmatch(digits); m != nil {
		return ContactSMS, "+86" + m[1]
	}
	if emailRE.MatchString(c) {
		return ContactEmail, c
	}
	return "", ""
}

// halfWidth turns full-width ASCII forms (U+FF01–U+FF5E, what a Chinese
// input method types in its full-width mode) into ASCII.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '\uFF01' && r <= '\uFF5E' {
			return r - 0xFEE0
		}
		return r
	}, s)
}
