package feedback

import (
	"context"
	"time"
)

// Page is one page of a list. NextCursor is opaque and tamper-safe: a store
// rejects a cursor it did not issue, or one issued for another list, with
// EInvalid. An empty NextCursor means there is nothing more.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// SymposiumFilter selects symposia, newest first.
type SymposiumFilter struct {
	Status SymposiumStatus // "" = any
	Limit  int             // 0 = DefaultListLimit; capped at MaxListLimit
	Cursor string
}

// Validate checks a symposium filter; stores call it before listing.
func (f SymposiumFilter) Validate() error {
	if f.Status != "" && !f.Status.Valid() {
		return FieldErrorf("status", "座谈会状态应为未开始、收集中或已结束")
	}
	return nil
}

// SuggestionFilter selects suggestions, newest first (SubmittedAt, then ID,
// descending). Every non-zero field must match.
type SuggestionFilter struct {
	SymposiumID     string
	ParticipantKind ParticipantKind
	Kind            SuggestionKind
	Status          SuggestionStatus
	ProblemListID   string
	ProblemID       string
	Channel         Channel
	// Rehandle keeps the suggestions waiting for a re-handle: their latest
	// reply was rated dissatisfied and not answered again.
	Rehandle bool
	// Unreplied keeps the suggestions that have no reply at all.
	Unreplied bool
	// Query is a full-text search of topic and content (substring semantics
	// for Chinese text).
	Query string
	// From and To bound SubmittedAt: From <= SubmittedAt < To. Zero = open.
	From   time.Time
	To     time.Time
	Limit  int
	Cursor string
}

// Validate checks a suggestion filter; the service and the stores call it
// before listing, so every store refuses the same filters the same way.
// Keys are checked for shape only: a well-formed ID of nothing selects
// nothing.
func (f SuggestionFilter) Validate() error {
	switch {
	case f.ParticipantKind != "" && !f.ParticipantKind.Valid():
		return FieldErrorf("participant_kind", "未知的参会身份")
	case f.Kind != "" && !f.Kind.Valid():
		return FieldErrorf("kind", "类别应为意见建议或问题线索")
	case f.Status != "" && !f.Status.Valid():
		return FieldErrorf("status", "未知的意见建议状态")
	case f.Channel != "" && !f.Channel.Valid():
		return FieldErrorf("channel", "未知的提交渠道")
	}
	if f.Rehandle && f.Unreplied {
		return FieldErrorf("rehandle", "“待重新办理”和“未答复”不能同时筛选")
	}
	if err := firstErr(
		CheckOptionalKey("symposium_id", f.SymposiumID),
		CheckOptionalKey("problem_list_id", f.ProblemListID),
		CheckOptionalKey("problem_id", f.ProblemID),
	); err != nil {
		return err
	}
	return checkText("q", f.Query, false, QueryMaxRunes, true)
}

// ProblemListFilter selects problem lists. The triage list comes first, then
// the others newest first.
type ProblemListFilter struct {
	Limit  int
	Cursor string
}

// ProblemFilter selects problems in creation order (oldest first, the order
// of a printed rectification list).
type ProblemFilter struct {
	ProblemListID string
	Unit          string // the lead unit or a co-unit
	Status        ProblemStatus
	// OverdueOn, when set, keeps only problems overdue on that day: deadline
	// before it while open, rectifying or reopened.
	OverdueOn Date
	// Supervised keeps only the problems the office supervises (督办).
	Supervised bool
	// ExtensionPending keeps only the problems with an extension request
	// waiting for the office's decision (延期待审批: PendingExtensionID set).
	ExtensionPending bool
	// LookbackDueOn, when set, keeps only the problems whose look-back
	// (回头看) is due on that day: rectified, with a look-back date on or
	// before it (Problem.LookbackDueOn).
	LookbackDueOn Date
	Limit         int
	Cursor        string
}

// Validate checks a problem filter; the service and the stores call it
// before listing.
func (f ProblemFilter) Validate() error {
	if f.Status != "" && !f.Status.Valid() {
		return FieldErrorf("status", "未知的问题状态")
	}
	if !f.OverdueOn.Valid() {
		return FieldErrorf("overdue", "日期格式应为 YYYY-MM-DD")
	}
	if !f.LookbackDueOn.Valid() {
		return FieldErrorf("lookback_due", "日期格式应为 YYYY-MM-DD")
	}
	return firstErr(
		CheckOptionalKey("problem_list_id", f.ProblemListID),
		checkText("unit", f.Unit, false, UnitMaxRunes, false),
	)
}

// SummaryFilter selects summaries, newest period first.
type SummaryFilter struct {
	Period Period
	Limit  int
	Cursor string
}

// Validate checks a summary filter; stores call it before listing.
func (f SummaryFilter) Validate() error {
	if f.Period != "" && !f.Period.Valid() {
		return FieldErrorf("period", "汇总周期应为日汇总、周汇总或月汇总")
	}
	return nil
}

// ValidateDayRange checks the days of a GetProblemAggregates call.
func ValidateDayRange(from, to Date) error {
	if !from.Valid() {
		return FieldErrorf("from", "日期格式应为 YYYY-MM-DD")
	}
	if !to.Valid() {
		return FieldErrorf("to", "日期格式应为 YYYY-MM-DD")
	}
	return nil
}

// ProblemWrite is everything one atomic problem write stores: the problem
// (created, or updated under its Version), its audit event (nil for none),
// the suggestions written with it (each under its Version), the notices
// the change causes (created in the outbox) and the file records it
// changes (evidence being attached, each under its Version). A store
// applies the counter changes (ProblemCounterDeltas) in the same write.
//
// Files are in the write so that attaching evidence is atomic: the file
// records say "attached to this problem" exactly when the problem lists
// them, and a crash can leave neither a listed file the sweep of
// unreferenced files would remove nor an attached file nobody sees.
type ProblemWrite struct {
	Problem     *Problem
	Event       *AuditEvent
	Suggestions []*Suggestion
	Notices     []*Notice
	Files       []*File
	// Extension is an extension request written with the problem: created
	// when its Version is 0, else updated under its Version.
	Extension *Extension
	// Contribution is a co-unit's report created with the write.
	Contribution *Contribution
}

// Committed sets the versions of what w stored, once the write has
// committed, as the Store conventions say: the problem's is 1 when created
// (else one more), each notice's 1, each suggestion's, file's and the
// extension's one more. Stores call it after the commit, never before, so
// a failed write leaves its arguments as they were.
func (w ProblemWrite) Committed(created bool) {
	if created {
		w.Problem.Version = 1
	} else {
		w.Problem.Version++
	}
	for _, sg := range w.Suggestions {
		sg.Version++
	}
	for _, n := range w.Notices {
		n.Version = 1
	}
	for _, f := range w.Files {
		f.Version++
	}
	if w.Extension != nil {
		w.Extension.Version++
	}
}

// Store is the storage the use cases need. Two adapters implement it (SQLite
// and DynamoDB) and one contract suite (package storetest) holds them to the
// same behaviour.
//
// Conventions:
//   - Create* fail with EConflict when the ID (or a unique key such as a
//     symposium code or receipt) is taken, and set Version to 1.
//   - Update* are optimistic: the argument carries the Version it was read
//     with; the store writes only if the stored Version is still that, then
//     sets the argument's Version to the new value. Otherwise EConflict.
//   - Get* return ENotFound, never a nil item with a nil error.
//   - Every write validates its argument and returns the domain error
//     without storing anything; a write that fails stores nothing at all
//     (multi-item writes are atomic).
//   - Lists take Limit (0 means DefaultListLimit, capped at MaxListLimit)
//     and Cursor, and never return an item twice across pages.
type Store interface {
	CreateSymposium(ctx context.Context, s *Symposium) error
	GetSymposium(ctx context.Context, id string) (*Symposium, error)
	GetSymposiumByCode(ctx context.Context, code string) (*Symposium, error)
	UpdateSymposium(ctx context.Context, s *Symposium) error
	ListSymposia(ctx context.Context, f SymposiumFilter) (Page[*Symposium], error)

	// CreateSuggestion stores s. When s has an IdempotencyKey and a
	// suggestion with the same SymposiumID and key was stored less than
	// IdempotencyWindow before s.SubmittedAt, it stores nothing and returns
	// that earlier suggestion with created == false.
	// When s has an IdempotencyKey, a store may replace s.ID and s.Receipt
	// with values it derives from the symposium and the key (the DynamoDB
	// store does: a submission is then one conditional write); it sets them
	// on s and on the result, so callers use the returned suggestion.
	CreateSuggestion(ctx context.Context, s *Suggestion) (stored *Suggestion, created bool, err error)
	GetSuggestion(ctx context.Context, id string) (*Suggestion, error)
	// GetSuggestionByReceipt is strongly consistent: a receipt just handed
	// out can be looked up at once.
	GetSuggestionByReceipt(ctx context.Context, receipt string) (*Suggestion, error)
	UpdateSuggestion(ctx context.Context, s *Suggestion) error
	// UpdateSuggestionWithNotices is UpdateSuggestion that also creates
	// the notices in the outbox, atomically (at most MaxNoticesPerWrite).
	UpdateSuggestionWithNotices(ctx context.Context, s *Suggestion, notices []*Notice) error
	ListSuggestions(ctx context.Context, f SuggestionFilter) (Page[*Suggestion], error)

	// CreateProblemList fails with EConflict for the triage list's ID, which
	// every store seeds itself.
	CreateProblemList(ctx context.Context, l *ProblemList) error
	GetProblemList(ctx context.Context, id string) (*ProblemList, error)
	// UpdateProblemList stores l (optimistic on Version). The triage list
	// is not changed this way (EInvalid: ProblemList.ValidateUpdate).
	UpdateProblemList(ctx context.Context, l *ProblemList) error
	ListProblemLists(ctx context.Context, f ProblemListFilter) (Page[*ProblemList], error)

	// CreateProblem stores w.Problem with its creation event, the updated
	// suggestions (optimistic on each suggestion's Version) and the
	// notices, atomically.
	CreateProblem(ctx context.Context, w ProblemWrite) error
	GetProblem(ctx context.Context, id string) (*Problem, error)
	// UpdateProblem stores w.Problem (optimistic on Version), appends its
	// event and stores the updated suggestions and the notices, atomically.
	UpdateProblem(ctx context.Context, w ProblemWrite) error
	// WriteProblems stores several problem writes in one atomic write: a
	// problem with Version 0 is created as CreateProblem creates it, any
	// other is updated under its Version as UpdateProblem updates it; if
	// any of them fails, none is stored. It is how a suggestion split into
	// several problems is written with all of them (ValidateProblemWrites
	// says what the writes may hold together).
	WriteProblems(ctx context.Context, ws []ProblemWrite) error
	ListProblems(ctx context.Context, f ProblemFilter) (Page[*Problem], error)
	// GetExtension reads one of a problem's extension requests.
	GetExtension(ctx context.Context, problemID, id string) (*Extension, error)
	// ListExtensions lists a problem's extension requests, oldest first.
	ListExtensions(ctx context.Context, problemID string) ([]*Extension, error)
	// ListContributions lists a problem's contributions, oldest first.
	ListContributions(ctx context.Context, problemID string) ([]*Contribution, error)
	// GetProblemAggregates returns the problem counters the store maintains
	// in the same transaction as every CreateProblem and UpdateProblem (see
	// ProblemCounterDeltas): statuses and units in full, days from..to
	// (inclusive; none when either is empty). All-zero entries are left out.
	GetProblemAggregates(ctx context.Context, from, to Date) (*ProblemAggregates, error)

	// AppendAuditEvent stores an event that goes with no other write (an
	// unmasked export, say). Events can never be changed or deleted.
	AppendAuditEvent(ctx context.Context, ev *AuditEvent) error
	// ListAuditEvents lists a problem's events, oldest first.
	ListAuditEvents(ctx context.Context, problemID string, limit int, cursor string) (Page[*AuditEvent], error)

	// GetRuleSet returns the routing rules; an empty RuleSet with Version 0
	// when none were ever saved.
	GetRuleSet(ctx context.Context) (*RuleSet, error)
	// PutRuleSet replaces the rules if the stored Version is still rs.Version
	// (0 when none were saved), then sets rs.Version to the new value.
	PutRuleSet(ctx context.Context, rs *RuleSet) error

	// CountSuggestions counts the suggestions submitted in from <=
	// SubmittedAt < to (a zero bound leaves that end open, as in
	// SuggestionFilter), grouped by the fields of SuggestionCount, for a
	// summary. Its cost follows the suggestions of the range, never the
	// table's size: SQLite reads a covering index, DynamoDB the range's
	// month partitions.
	CountSuggestions(ctx context.Context, from, to time.Time) ([]SuggestionCount, error)

	// PutSummary stores s, replacing any summary with the same ID.
	PutSummary(ctx context.Context, s *Summary) error
	GetSummary(ctx context.Context, id string) (*Summary, error)
	ListSummaries(ctx context.Context, f SummaryFilter) (Page[*Summary], error)

	// CreateNotice stores a notice in the outbox on its own (most notices
	// go with the write that causes them: ProblemWrite.Notices).
	CreateNotice(ctx context.Context, n *Notice) error
	GetNotice(ctx context.Context, id string) (*Notice, error)
	// UpdateNotice records a notice's delivery state (optimistic).
	UpdateNotice(ctx context.Context, n *Notice) error
	// ListPendingNotices lists notices not yet delivered (zero DeliveredAt)
	// created before the given time, oldest first, at most limit
	// (ClampLimit).
	ListPendingNotices(ctx context.Context, createdBefore time.Time, limit int) ([]*Notice, error)

	// ListCalendarYears lists the office's calendar years, in year order.
	ListCalendarYears(ctx context.Context) ([]*CalendarYear, error)
	// PutCalendarYear stores the office's calendar of y.Year: created when
	// y.Version is 0 (EConflict if the year exists), else optimistic.
	PutCalendarYear(ctx context.Context, y *CalendarYear) error

	// GetAssessmentScheme returns the office's assessment scheme; an empty
	// one with Version 0 when none was ever saved.
	GetAssessmentScheme(ctx context.Context) (*AssessmentScheme, error)
	// PutAssessmentScheme replaces the scheme if the stored Version is
	// still s.Version (0 when none was saved), then sets s.Version.
	PutAssessmentScheme(ctx context.Context, s *AssessmentScheme) error
	// PutAssessmentEntries stores entries, replacing any with the same ID
	// (an entry's ID names the event, so storing it again changes
	// nothing). CreateProblem and UpdateProblem store the entries of their
	// write themselves (AssessmentEntriesFor), in the same transaction.
	PutAssessmentEntries(ctx context.Context, entries []*AssessmentEntry) error
	// ListAssessmentEntries lists the entries of days from..to (inclusive),
	// by day, then ID.
	ListAssessmentEntries(ctx context.Context, from, to Date) ([]*AssessmentEntry, error)

	// CreateUnit registers a unit (EConflict when the name is taken).
	CreateUnit(ctx context.Context, u *Unit) error
	GetUnit(ctx context.Context, name string) (*Unit, error)
	UpdateUnit(ctx context.Context, u *Unit) error
	// ListUnits lists units in name order.
	ListUnits(ctx context.Context, f UnitFilter) (Page[*Unit], error)

	// GetSettings returns the office's settings; the zero Settings with
	// Version 0 when none were ever saved.
	GetSettings(ctx context.Context) (*Settings, error)
	// PutSettings replaces the settings if the stored Version is still
	// s.Version (0 when none were saved), then sets s.Version to the new
	// value.
	PutSettings(ctx context.Context, s *Settings) error

	CreateAccount(ctx context.Context, a *Account) error
	// UpdateAccount replaces a stored account's name, role and unit (the
	// last write wins: accounts change rarely, by administrators). Its ID
	// and token hash are the stored ones; ENotFound when there is none.
	UpdateAccount(ctx context.Context, a *Account) error
	GetAccountByTokenHash(ctx context.Context, hash string) (*Account, error)
	ListAccounts(ctx context.Context, limit int, cursor string) (Page[*Account], error)
}

// SuggestionCount is how many suggestions of a period share one combination
// of the fields a summary counts them by (Store.CountSuggestions).
type SuggestionCount struct {
	SymposiumID     string
	ParticipantKind ParticipantKind
	Kind            SuggestionKind
	Status          SuggestionStatus
	Channel         Channel
	ReplyState      ReplyState
	// Triage is true for routed suggestions that wait in the triage list
	// (Suggestion.InTriage): a summary counts them as 待分拣, not 已分拣.
	Triage bool
	N      int
}

// ClampLimit applies the list-limit convention.
func ClampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultListLimit
	case n > MaxListLimit:
		return MaxListLimit
	}
	return n
}
