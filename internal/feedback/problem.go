package feedback

import (
	"time"
)

// TriageListID is the fixed ID of the triage list 待分拣, where suggestions
// that match no routing rule wait for staff. Every store has it.
const TriageListID = "triage"

// TriageListTitle is the triage list's title.
const TriageListTitle = "待分拣"

// ProblemList is a problem list (问题清单): per campaign, symposium or unit.
type ProblemList struct {
	ID          string
	Title       string
	Campaign    string
	SymposiumID string
	OwnerUnit   string
	Triage      bool // true only for the triage list
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// Validate checks a problem list before it is stored.
func (l *ProblemList) Validate() error {
	return firstErr(
		CheckKey("id", l.ID),
		CheckOptionalKey("symposium_id", l.SymposiumID),
		checkText("title", l.Title, true, TitleMaxRunes, false),
		checkText("campaign", l.Campaign, false, CampaignMaxRunes, false),
		checkText("owner_unit", l.OwnerUnit, false, UnitMaxRunes, false),
	)
}

// ValidateCreate checks l as a new list: a valid list that does not claim
// to be the triage list, which only a store seeds (NewTriageList).
func (l *ProblemList) ValidateCreate() error {
	if err := l.Validate(); err != nil {
		return err
	}
	if l.Triage {
		return FieldErrorf("triage", "待分拣清单由系统建立,不能新建")
	}
	return nil
}

// ValidateUpdate checks l as a replacement of a stored list: a valid list,
// and not the triage list, which is seeded by the store and never edited.
func (l *ProblemList) ValidateUpdate() error {
	if err := l.Validate(); err != nil {
		return err
	}
	if l.Triage || l.ID == TriageListID {
		return FieldErrorf("id", "待分拣清单不能修改")
	}
	return nil
}

// NewTriageList returns the triage list as a store seeds it.
func NewTriageList(now time.Time) *ProblemList {
	return &ProblemList{ID: TriageListID, Title: TriageListTitle, Triage: true, CreatedAt: now, UpdatedAt: now}
}

// ProblemStatus is where a problem is in its rectification.
type ProblemStatus string

// Problem statuses.
const (
	ProblemOpen       ProblemStatus = "open"       // 待整改
	ProblemRectifying ProblemStatus = "rectifying" // 整改中
	ProblemRectified  ProblemStatus = "rectified"  // 已整改, waiting for the look-back
	ProblemVerified   ProblemStatus = "verified"   // 回头看通过
	ProblemReopened   ProblemStatus = "reopened"   // look-back failed
	ProblemLongTerm   ProblemStatus = "long_term"  // 长期坚持
)

// ProblemStatuses lists every problem status in display order.
var ProblemStatuses = []ProblemStatus{ProblemOpen, ProblemRectifying, ProblemRectified, ProblemVerified, ProblemReopened, ProblemLongTerm}

// Valid reports whether s is a known status.
func (s ProblemStatus) Valid() bool {
	_, ok := problemTransitions[s]
	return ok
}

// problemTransitions is the rectification lifecycle, the one place it is
// written down:
//
//	open → rectifying → rectified → verified
//	rectified → reopened → rectifying           (a failed look-back)
//	verified → reopened                         (a relapse found later; a note is required)
//	open|rectifying → long_term → rectifying|rectified
var problemTransitions = map[ProblemStatus][]ProblemStatus{
	ProblemOpen:       {ProblemRectifying, ProblemLongTerm},
	ProblemRectifying: {ProblemRectified, ProblemLongTerm},
	ProblemRectified:  {ProblemVerified, ProblemReopened},
	ProblemReopened:   {ProblemRectifying},
	ProblemLongTerm:   {ProblemRectifying, ProblemRectified},
	ProblemVerified:   {ProblemReopened},
}

// CanBecome reports whether the lifecycle allows moving from s to next.
func (s ProblemStatus) CanBecome(next ProblemStatus) bool {
	for _, n := range problemTransitions[s] {
		if n == next {
			return true
		}
	}
	return false
}

// Next lists the statuses s may move to.
func (s ProblemStatus) Next() []ProblemStatus {
	return append([]ProblemStatus(nil), problemTransitions[s]...)
}

// CanBeOverdue reports whether a problem in status s counts as overdue once
// its deadline has passed.
func (s ProblemStatus) CanBeOverdue() bool {
	return s == ProblemOpen || s == ProblemRectifying || s == ProblemReopened
}

// MaxWorkingDays bounds a deadline given in working days (about two years).
const MaxWorkingDays = 500

// DefaultLookbackDays is how long after rectification the look-back (回头看)
// is due unless the transition names another date.
const DefaultLookbackDays = 30

// Problem is one item on a problem list, tracked through rectification.
type Problem struct {
	ID            string
	ProblemListID string
	Title         string
	Description   string
	SuggestionIDs []string
	// ResponsibleUnit is the lead unit (牵头单位/责任单位); CoUnits assist.
	ResponsibleUnit   string
	CoUnits           []string
	ResponsiblePerson string // 第一责任人, usually the unit's head
	Requirement       string // 整改要求
	Deadline          Date   // 整改期限
	// DeadlineWorkingDays is the N when the deadline was set as "N 个工作日"
	// (0 when it was set as a date); the console shows both.
	DeadlineWorkingDays int
	// OriginalDeadline keeps the first deadline once an approved extension
	// moved Deadline; timeliness is judged against it (JudgedDeadline).
	OriginalDeadline Date
	// Extensions counts approved extensions; PendingExtensionID names the
	// extension request waiting for the office's decision, if any.
	Extensions         int
	PendingExtensionID string
	// Supervised marks a problem the office follows closely (督办);
	// EscalatedDeadline is the deadline whose passing was last escalated.
	Supervised        bool
	EscalatedDeadline Date
	Status            ProblemStatus
	Progress          string // latest progress text (整改进展)
	LookbackDue       Date   // set when rectified
	Relapses          int    // failed look-backs
	// Feedback sums up the replies and ratings of the problem's
	// suggestions; Rehandles counts their dissatisfied ratings, each a
	// re-handle counted against the unit. Both are kept with every reply,
	// rating and adoption, for the unit scorecard's counters.
	Feedback  ReplyTally
	Rehandles int
	// Evidence lists the files attached as evidence (佐证材料), oldest
	// first.
	Evidence    []EvidenceRef
	RectifiedAt time.Time
	VerifiedAt  time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// Validate checks a problem before it is stored.
func (p *Problem) Validate() error {
	if len(p.Evidence) > MaxEvidencePerProblem {
		return FieldErrorf("evidence_file_ids", "每个问题最多附 %d 个佐证材料", MaxEvidencePerProblem)
	}
	if err := firstErr(CheckKey("id", p.ID), CheckKey("problem_list_id", p.ProblemListID)); err != nil {
		return err
	}
	if !p.Status.Valid() {
		return FieldErrorf("status", "未知的问题状态「%s」", p.Status)
	}
	if !p.Deadline.Valid() {
		return FieldErrorf("deadline", "整改期限应为 YYYY-MM-DD 格式的日期")
	}
	if !p.LookbackDue.Valid() {
		return FieldErrorf("lookback_due", "回头看日期应为 YYYY-MM-DD 格式的日期")
	}
	if !p.OriginalDeadline.Valid() || !p.EscalatedDeadline.Valid() {
		return FieldErrorf("original_deadline", "日期格式应为 YYYY-MM-DD")
	}
	if p.DeadlineWorkingDays < 0 || p.DeadlineWorkingDays > MaxWorkingDays {
		return FieldErrorf("deadline_working_days", "工作日天数应在 1 至 %d 之间", MaxWorkingDays)
	}
	if f := p.Feedback; f.Replied < 0 || f.Rated < 0 || f.Satisfied < 0 || f.Rated > f.Replied || f.Satisfied > f.Rated || p.Rehandles < 0 {
		return FieldErrorf("feedback", "答复和评价的统计数无效")
	}
	if p.Extensions < 0 {
		return FieldErrorf("extensions", "延期次数不能为负")
	}
	if err := CheckOptionalKey("pending_extension_id", p.PendingExtensionID); err != nil {
		return err
	}
	if err := checkSuggestionCount(len(p.SuggestionIDs)); err != nil {
		return err
	}
	for _, id := range p.SuggestionIDs {
		if err := CheckKey("suggestion_ids", id); err != nil {
			return err
		}
	}
	if len(p.CoUnits) > MaxCoUnits {
		return FieldErrorf("co_units", "协办单位最多 %d 个", MaxCoUnits)
	}
	for _, u := range p.CoUnits {
		if err := checkText("co_units", u, true, UnitMaxRunes, false); err != nil {
			return err
		}
	}
	return firstErr(
		checkText("title", p.Title, true, TitleMaxRunes, false),
		checkText("description", p.Description, false, DescriptionMaxRunes, true),
		checkText("responsible_unit", p.ResponsibleUnit, false, UnitMaxRunes, false),
		checkText("responsible_person", p.ResponsiblePerson, false, PersonMaxRunes, false),
		checkText("requirement", p.Requirement, false, RequirementMaxRunes, true),
		checkText("progress", p.Progress, false, ProgressMaxRunes, true),
	)
}

// checkSuggestionCount is the one place MaxSuggestionsPerProblem is
// enforced: a problem names at most that many suggestions, and a problem
// write carries at most that many with it (one storage transaction).
func checkSuggestionCount(n int) *Error {
	if n > MaxSuggestionsPerProblem {
		return FieldErrorf("suggestion_ids", "一个问题最多关联 %d 条意见建议", MaxSuggestionsPerProblem)
	}
	return nil
}

// ValidateProblemWrite checks everything one problem write stores, before
// any of it is stored: the problem, its audit event (if any), the
// suggestions written with it, each valid, none missing and none given
// twice, and its notices. Stores call it first in CreateProblem and
// UpdateProblem, so both answer the same odd input with the same error.
func ValidateProblemWrite(w ProblemWrite) error {
	p, ev, suggestions := w.Problem, w.Event, w.Suggestions
	if p == nil {
		return FieldErrorf("problem", "缺少问题")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if ev != nil {
		if err := ev.Validate(); err != nil {
			return err
		}
	}
	if err := checkSuggestionCount(len(suggestions)); err != nil {
		return err
	}
	seen := make(map[string]bool, len(suggestions))
	for _, sg := range suggestions {
		if sg == nil {
			return FieldErrorf("suggestion_ids", "缺少意见建议")
		}
		if err := sg.Validate(); err != nil {
			return err
		}
		if seen[sg.ID] {
			return FieldErrorf("suggestion_ids", "同一条意见建议重复出现")
		}
		seen[sg.ID] = true
	}
	if w.Extension != nil {
		if err := w.Extension.Validate(); err != nil {
			return err
		}
		if w.Extension.ProblemID != p.ID {
			return FieldErrorf("problem_id", "延期申请不属于该问题")
		}
	}
	if w.Contribution != nil {
		if err := w.Contribution.Validate(); err != nil {
			return err
		}
		if w.Contribution.ProblemID != p.ID {
			return FieldErrorf("problem_id", "协办情况不属于该问题")
		}
	}
	// A write carries up to MaxNoticesPerWrite notices, or, with fewer
	// suggestions, one per suggestion the problem may have (the submitters
	// told that it is rectified): one storage transaction either way.
	if len(w.Notices) > MaxNoticesPerWrite && len(w.Suggestions)+len(w.Notices) > MaxSuggestionsPerProblem {
		return FieldErrorf("notices", "一次最多写入 %d 条通知", max(MaxNoticesPerWrite, MaxSuggestionsPerProblem-len(w.Suggestions)))
	}
	for _, n := range w.Notices {
		if n == nil {
			return FieldErrorf("notices", "缺少通知")
		}
		if err := n.Validate(); err != nil {
			return err
		}
	}
	if len(w.Files) > MaxEvidencePerReport {
		return FieldErrorf("evidence_file_ids", "一次最多附 %d 个佐证材料", MaxEvidencePerReport)
	}
	files := make(map[string]bool, len(w.Files))
	for _, f := range w.Files {
		if f == nil {
			return FieldErrorf("evidence_file_ids", "缺少文件记录")
		}
		if err := f.Validate(); err != nil {
			return err
		}
		if files[f.ID] {
			return FieldErrorf("evidence_file_ids", "同一个文件重复出现")
		}
		files[f.ID] = true
	}
	return nil
}

// ValidateProblemWrites checks the writes of one Store.WriteProblems, each
// as ValidateProblemWrite does, and together: 1 to MaxProblemsPerSuggestion
// writes (all the problems one suggestion is part of), no problem,
// suggestion, notice or file in two of them, at most MaxNoticesPerWrite
// notices in all and no extension or contribution (those go with one
// problem's own write).
func ValidateProblemWrites(ws []ProblemWrite) error {
	if len(ws) == 0 {
		return FieldErrorf("problems", "缺少问题")
	}
	if len(ws) > MaxProblemsPerSuggestion {
		return FieldErrorf("problems", "一次最多写入 %d 个问题", MaxProblemsPerSuggestion)
	}
	seen := map[string]bool{}
	once := func(kind, id string) bool {
		k := kind + "\x00" + id
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	notices := 0
	for _, w := range ws {
		if err := ValidateProblemWrite(w); err != nil {
			return err
		}
		if w.Extension != nil || w.Contribution != nil {
			return FieldErrorf("problems", "延期申请和协办情况只能随单个问题写入")
		}
		if !once("problem", w.Problem.ID) {
			return FieldErrorf("problems", "同一个问题重复出现")
		}
		for _, sg := range w.Suggestions {
			if !once("suggestion", sg.ID) {
				return FieldErrorf("suggestion_ids", "同一条意见建议重复出现")
			}
		}
		for _, n := range w.Notices {
			if !once("notice", n.ID) {
				return FieldErrorf("notices", "同一条通知重复出现")
			}
		}
		for _, f := range w.Files {
			if !once("file", f.ID) {
				return FieldErrorf("evidence_file_ids", "同一个文件重复出现")
			}
		}
		notices += len(w.Notices)
	}
	if notices > MaxNoticesPerWrite {
		return FieldErrorf("notices", "一次最多写入 %d 条通知", MaxNoticesPerWrite)
	}
	return nil
}

// OverdueOn reports whether the problem is overdue on day d: its deadline has
// passed while it is still open, being rectified or reopened.
func (p *Problem) OverdueOn(d Date) bool {
	return p.Status.CanBeOverdue() && p.Deadline.Before(d)
}

// LookbackDueOn reports whether the problem's look-back (回头看) is due on
// day d: it is rectified and its look-back date is d or earlier.
func (p *Problem) LookbackDueOn(d Date) bool {
	return p.Status == ProblemRectified && p.LookbackDue != "" && d != "" && !d.Before(p.LookbackDue)
}

// InvolvesUnit reports whether unit leads or assists the problem.
func (p *Problem) InvolvesUnit(unit string) bool {
	if p.ResponsibleUnit == unit {
		return true
	}
	for _, u := range p.CoUnits {
		if u == unit {
			return true
		}
	}
	return false
}

// Transition is a requested status change with its note.
type Transition struct {
	To       ProblemStatus
	Note     string
	Evidence string
	// EvidenceFileIDs are uploaded files to attach with the transition.
	EvidenceFileIDs []string
	// NewDeadline is required when a failed look-back reopens a problem;
	// NewDeadlineWorkingDays gives it as the N-th working day after today
	// instead (the service turns it into NewDeadline).
	NewDeadline            Date
	NewDeadlineWorkingDays int
	// LookbackDue overrides the default look-back date when rectified.
	LookbackDue Date
}

// Apply moves p through t at time now, or returns EConflict when the
// lifecycle forbids it (or EInvalid for a bad note or date). It returns the
// audit event to store with the change; the caller fills in the actor.
func (p *Problem) Apply(t Transition, now time.Time) (*AuditEvent, error) {
	if !t.To.Valid() {
		return nil, FieldErrorf("status", "未知的问题状态「%s」", t.To)
	}
	if !p.Status.CanBecome(t.To) {
		return nil, &Error{Code: EConflict, Field: "status",
			Message: "不允许从「" + p.Status.Label() + "」变为「" + t.To.Label() + "」"}
	}
	if err := firstErr(
		checkText("note", t.Note, false, NoteMaxRunes, true),
		checkText("evidence", t.Evidence, false, NoteMaxRunes, true),
	); err != nil {
		return nil, err
	}
	if !t.NewDeadline.Valid() {
		return nil, FieldErrorf("deadline", "整改期限应为 YYYY-MM-DD 格式的日期")
	}
	if !t.LookbackDue.Valid() {
		return nil, FieldErrorf("lookback_due", "回头看日期应为 YYYY-MM-DD 格式的日期")
	}
	from := p.Status
	ev := &AuditEvent{
		ID: NewID(now), ProblemID: p.ID, At: now, Action: ActionTransition,
		From: string(from), To: string(t.To), Note: t.Note, Evidence: t.Evidence,
	}
	switch t.To {
	case ProblemRectified:
		p.RectifiedAt = now
		p.LookbackDue = t.LookbackDue
		if p.LookbackDue == "" {
			p.LookbackDue = DateOf(now).AddDays(DefaultLookbackDays)
		}
	case ProblemVerified:
		p.VerifiedAt = now
		p.LookbackDue = ""
	case ProblemReopened:
		if t.NewDeadline == "" {
			return nil, FieldErrorf("deadline", "重新整改需要新的整改期限")
		}
		ev.Action = ActionLookbackFailed
		if from == ProblemVerified {
			// A relapse found after a passed look-back: counted like a
			// failed look-back, and the office says what it found.
			if t.Note == "" {
				return nil, FieldErrorf("note", "回头看通过后发现问题反弹,请说明反弹情况")
			}
			ev.Action = ActionRelapse
			p.VerifiedAt = time.Time{}
		}
		p.Relapses++
		p.LookbackDue = ""
		p.RectifiedAt = time.Time{}
	}
	if t.NewDeadline != "" {
		// A new deadline starts a new rectification: it is the one the
		// next rectification is judged against.
		p.Deadline, p.DeadlineWorkingDays, p.OriginalDeadline = t.NewDeadline, t.NewDeadlineWorkingDays, ""
	}
	p.Status = t.To
	p.UpdatedAt = now
	return ev, nil
}
