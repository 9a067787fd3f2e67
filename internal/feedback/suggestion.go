package feedback

import (
	"slices"
	"time"
)

// SuggestionStatus is where a suggestion is: received → routed → adopted | declined.
type SuggestionStatus string

// Suggestion statuses.
const (
	SuggestionReceived SuggestionStatus = "received" // stored, not yet routed
	SuggestionRouted   SuggestionStatus = "routed"   // placed in a problem list (maybe triage)
	SuggestionAdopted  SuggestionStatus = "adopted"  // part of a problem
	SuggestionDeclined SuggestionStatus = "declined" // not taken up; its grade-D reply says why
)

// Valid reports whether s is a known status.
func (s SuggestionStatus) Valid() bool {
	switch s {
	case SuggestionReceived, SuggestionRouted, SuggestionAdopted, SuggestionDeclined:
		return true
	}
	return false
}

// suggestionTransitions lists, for each status, the statuses it may move to.
// Routing again (routed → routed) happens when staff re-run routing on the
// triage list; a declined suggestion can be taken up later.
var suggestionTransitions = map[SuggestionStatus][]SuggestionStatus{
	SuggestionReceived: {SuggestionRouted, SuggestionAdopted, SuggestionDeclined},
	SuggestionRouted:   {SuggestionRouted, SuggestionAdopted, SuggestionDeclined},
	SuggestionDeclined: {SuggestionRouted, SuggestionAdopted},
	SuggestionAdopted:  {SuggestionAdopted},
}

// CanBecome reports whether a suggestion may move from s to next.
func (s SuggestionStatus) CanBecome(next SuggestionStatus) bool {
	for _, n := range suggestionTransitions[s] {
		if n == next {
			return true
		}
	}
	return false
}

// IdempotencyWindow is how long an idempotency key keeps returning the same
// receipt.
const IdempotencyWindow = 24 * time.Hour

// Suggestion is one suggestion or problem lead from a participant.
type Suggestion struct {
	ID          string
	Receipt     string // public receipt number, e.g. K7QM-3XPA-9RTD
	SymposiumID string
	// Campaign is copied from the symposium when stored, so routing and
	// filtering need no second read.
	Campaign        string
	Kind            SuggestionKind
	ParticipantKind ParticipantKind
	// Name, Organization and Contact are personal data: optional, masked for
	// unit accounts, never logged, anonymised after the retention period.
	Name         string
	Organization string
	Contact      string
	Topic        string
	Content      string
	// PhotoFileIDs are the photos a submitter sent with a problem lead
	// (File, PurposePhoto; at most MaxPhotosPerSuggestion). Photos are
	// personal data: the retention anonymiser removes them.
	PhotoFileIDs []string
	Channel      Channel
	Status       SuggestionStatus
	// Replies are the office's answers, oldest first; the last is the one
	// the submitter sees and may rate (reply.go).
	Replies []Reply
	// Notify: the submitter asked to be told of the outcome (a reply, the
	// problem rectified) at Contact, which is then a mobile number or an
	// e-mail address. The contact is used for nothing else.
	Notify        bool
	ProblemListID string // set once routed
	// ProblemID is the first problem the suggestion became part of (set
	// once adopted); ProblemIDs are all of them, first first, when it was
	// split into several (拆分为多个问题). Older records have ProblemID
	// alone: read them through Problems.
	ProblemID  string
	ProblemIDs []string
	RuleName   string // the routing rule that placed it, "" for triage
	// IdempotencyKey makes a retried submission return the first receipt.
	IdempotencyKey string
	// WrittenOn is the day a paper suggestion was written (书写日期), as
	// the form says; only staff entry and import have it. SubmittedAt stays
	// the time it was entered: periods, lists and summaries count a
	// suggestion when it reached the office, so a summary once made never
	// changes when late paper forms are typed in.
	WrittenOn   Date
	SubmittedAt time.Time
	UpdatedAt   time.Time
	// Version is the optimistic-concurrency counter; the store sets it.
	Version int64
}

// Validate checks a suggestion before it is stored: its fields and the keys
// it is stored and found under. Stores call it on every write.
func (s *Suggestion) Validate() error {
	if err := firstErr(
		CheckKey("id", s.ID),
		CheckKey("receipt", s.Receipt),
		CheckKey("symposium_id", s.SymposiumID),
		CheckOptionalKey("problem_list_id", s.ProblemListID),
		CheckOptionalKey("problem_id", s.ProblemID),
	); err != nil {
		return err
	}
	if !s.ParticipantKind.Valid() {
		return FieldErrorf("participant_kind", "请选择参会身份")
	}
	if !s.Kind.Valid() {
		return FieldErrorf("kind", "类别应为意见建议或问题线索")
	}
	if !s.Channel.Valid() {
		return FieldErrorf("channel", "未知的提交渠道")
	}
	if !s.Status.Valid() {
		return FieldErrorf("status", "未知的意见建议状态")
	}
	if len(s.IdempotencyKey) > IdempotencyKeyMaxBytes {
		return FieldErrorf("idempotency_key", "表单标识最多 %d 个字符", IdempotencyKeyMaxBytes)
	}
	for i := 0; i < len(s.IdempotencyKey); i++ {
		if c := s.IdempotencyKey[i]; c < 0x21 || c > 0x7e {
			return FieldErrorf("idempotency_key", "表单标识只能由字母、数字和符号组成")
		}
	}
	if len(s.PhotoFileIDs) > MaxPhotosPerSuggestion {
		return FieldErrorf("photo_file_ids", "最多附 %d 张照片", MaxPhotosPerSuggestion)
	}
	for _, id := range s.PhotoFileIDs {
		if !ValidKey(id) {
			return FieldErrorf("photo_file_ids", "照片标识无效")
		}
	}
	if err := s.checkWrittenOn(); err != nil {
		return err
	}
	if err := s.checkProblems(); err != nil {
		return err
	}
	if err := checkText("content", s.Content, true, ContentMaxRunes, true); err != nil {
		return err
	}
	if n := RuneCount(s.Content); n < ContentMinRunes {
		return FieldErrorf("content", "内容至少 %d 个字", ContentMinRunes)
	}
	if s.Notify {
		switch ch, _ := NoticeAddress(s.Contact); {
		case s.Contact == "":
			return FieldErrorf("contact", "您选择了“有办理结果时通知我”,请填写手机号码或电子邮箱")
		case ch == "":
			return FieldErrorf("contact", "办理结果只能通知到手机号码或电子邮箱,请检查联系方式")
		}
	}
	return firstErr(
		checkText("name", s.Name, false, NameMaxRunes, false),
		checkText("organization", s.Organization, false, OrganizationMaxRunes, false),
		checkText("contact", s.Contact, false, ContactMaxRunes, false),
		checkText("topic", s.Topic, false, TopicMaxRunes, false),
		validateReplies(s.Replies),
		checkText("campaign", s.Campaign, false, CampaignMaxRunes, false),
	)
}

// Problems lists the problems the suggestion is part of, first first
// (none before it is adopted).
func (s *Suggestion) Problems() []string {
	switch {
	case len(s.ProblemIDs) > 0:
		return s.ProblemIDs
	case s.ProblemID != "":
		return []string{s.ProblemID}
	}
	return nil
}

// PartOf reports whether the suggestion is part of problem problemID.
func (s *Suggestion) PartOf(problemID string) bool {
	return problemID != "" && slices.Contains(s.Problems(), problemID)
}

// joinProblem makes the suggestion part of problemID too (it stays part of
// the problems it was part of).
func (s *Suggestion) joinProblem(problemID string) {
	if s.PartOf(problemID) {
		return
	}
	s.ProblemIDs = append(slices.Clone(s.Problems()), problemID)
	s.ProblemID = s.ProblemIDs[0]
}

// checkProblems: ProblemIDs, when set, start with ProblemID, hold each
// problem once and at most MaxProblemsPerSuggestion.
func (s *Suggestion) checkProblems() error {
	if len(s.ProblemIDs) == 0 {
		return nil
	}
	if len(s.ProblemIDs) > MaxProblemsPerSuggestion {
		return FieldErrorf("problem_ids", "一条意见建议最多拆分为 %d 个问题", MaxProblemsPerSuggestion)
	}
	if s.ProblemIDs[0] != s.ProblemID {
		return FieldErrorf("problem_ids", "意见建议的第一个问题不一致")
	}
	for i, id := range s.ProblemIDs {
		if err := CheckKey("problem_ids", id); err != nil {
			return err
		}
		if slices.Contains(s.ProblemIDs[:i], id) {
			return FieldErrorf("problem_ids", "同一个问题重复出现")
		}
	}
	return nil
}

// checkWrittenOn: a written date is a real day, on paper only, and not
// after the day it was entered.
func (s *Suggestion) checkWrittenOn() error {
	switch {
	case s.WrittenOn == "":
		return nil
	case !s.WrittenOn.Valid():
		return FieldErrorf("written_on", "书写日期应为 YYYY-MM-DD 格式的日期")
	case s.Channel != ChannelStaffEntry && s.Channel != ChannelImport:
		return FieldErrorf("written_on", "只有纸质意见才有书写日期")
	case !s.SubmittedAt.IsZero() && DateOf(s.SubmittedAt).Before(s.WrittenOn):
		return FieldErrorf("written_on", "书写日期不能晚于录入日期(%s)", DateOf(s.SubmittedAt))
	}
	return nil
}

// HasPersonalData reports whether any personal field is filled or a photo
// is attached.
func (s *Suggestion) HasPersonalData() bool {
	return s.Name != "" || s.Organization != "" || s.Contact != "" || len(s.PhotoFileIDs) > 0
}

// MaskContact hides most of a contact detail: "13812345678" → "138****5678".
// Unit accounts and exports for them see only this.
func MaskContact(c string) string {
	r := []rune(c)
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 4:
		return "****"
	case len(r) <= 7:
		return string(r[:1]) + "****" + string(r[len(r)-1:])
	default:
		return string(r[:3]) + "****" + string(r[len(r)-4:])
	}
}

// MaskName keeps a name's first character: "张三丰" → "张**".
func MaskName(n string) string {
	r := []rune(n)
	if len(r) == 0 {
		return ""
	}
	out := string(r[:1])
	for range r[1:] {
		out += "*"
	}
	if len(r) == 1 {
		out += "*"
	}
	return out
}

// ValidateSuggestionWrite checks what Store.UpdateSuggestionWithNotices
// stores: the suggestion and at most MaxNoticesPerWrite valid notices.
func ValidateSuggestionWrite(sg *Suggestion, notices []*Notice) error {
	if sg == nil {
		return FieldErrorf("suggestion_id", "缺少意见建议")
	}
	if err := sg.Validate(); err != nil {
		return err
	}
	if len(notices) > MaxNoticesPerWrite {
		return FieldErrorf("notices", "一次最多写入 %d 条通知", MaxNoticesPerWrite)
	}
	for _, n := range notices {
		if n == nil {
			return FieldErrorf("notices", "缺少通知")
		}
		if err := n.Validate(); err != nil {
			return err
		}
	}
	return nil
}
