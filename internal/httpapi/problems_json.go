package httpapi

import (
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/workday"
)

// JSON shapes of problem lists, routing rules, problems and their history
// (docs/design.md, Staff API).

type problemListJSON struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Campaign    string `json:"campaign,omitempty"`
	SymposiumID string `json:"symposium_id,omitempty"`
	OwnerUnit   string `json:"owner_unit,omitempty"`
	Triage      bool   `json:"triage"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func toProblemListJSON(l *feedback.ProblemList) problemListJSON {
	return problemListJSON{
		ID: l.ID, Title: l.Title, Campaign: l.Campaign, SymposiumID: l.SymposiumID, OwnerUnit: l.OwnerUnit,
		Triage: l.Triage || l.ID == feedback.TriageListID, CreatedAt: formatTime(l.CreatedAt), UpdatedAt: formatTime(l.UpdatedAt),
	}
}

type problemListCreateJSON struct {
	Title       string `json:"title"`
	Campaign    string `json:"campaign"`
	SymposiumID string `json:"symposium_id"`
	OwnerUnit   string `json:"owner_unit"`
}

type problemCountsJSON struct {
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	Overdue  int            `json:"overdue"`
	Waiting  int            `json:"waiting"`
}

type problemListDetailJSON struct {
	problemListJSON
	Problems  []problemJSON     `json:"problems"`
	Counts    problemCountsJSON `json:"counts"`
	Truncated bool              `json:"truncated,omitempty"`
}

type problemJSON struct {
	ID                string   `json:"id"`
	ProblemListID     string   `json:"problem_list_id"`
	Title             string   `json:"title"`
	Description       string   `json:"description,omitempty"`
	SuggestionIDs     []string `json:"suggestion_ids"`
	ResponsibleUnit   string   `json:"responsible_unit,omitempty"`
	CoUnits           []string `json:"co_units"`
	ResponsiblePerson string   `json:"responsible_person,omitempty"`
	Requirement       string   `json:"requirement,omitempty"`
	Deadline          string   `json:"deadline,omitempty"`
	// DeadlineWorkingDays is the N when the deadline was set as "N 个工作日";
	// WorkingDaysLeft counts the working days from today to the deadline
	// (absent when passed, or when the calendar lacks a year on the way).
	DeadlineWorkingDays int    `json:"deadline_working_days,omitempty"`
	WorkingDaysLeft     *int   `json:"working_days_left,omitempty"`
	OriginalDeadline    string `json:"original_deadline,omitempty"`
	Extensions          int    `json:"extensions"`
	PendingExtensionID  string `json:"pending_extension_id,omitempty"`
	Supervised          bool   `json:"supervised"`
	// UnitRole says whether the unit a list is about (?unit=, or the
	// calling unit account) leads the problem ("lead") or assists ("co").
	UnitRole    string `json:"unit_role,omitempty"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	// Next lists the statuses the lifecycle allows from here, so a console
	// can offer only those.
	Next        []string `json:"next"`
	Overdue     bool     `json:"overdue"`
	Progress    string   `json:"progress,omitempty"`
	LookbackDue string   `json:"lookback_due,omitempty"`
	Relapses    int      `json:"relapses"`
	// The replies and ratings of the problem's suggestions, and the
	// re-handles (dissatisfied ratings) counted against its unit.
	Replied     int            `json:"replied"`
	Rated       int            `json:"rated"`
	Satisfied   int            `json:"satisfied"`
	Rehandles   int            `json:"rehandles"`
	RectifiedAt string         `json:"rectified_at,omitempty"`
	VerifiedAt  string         `json:"verified_at,omitempty"`
	CreatedAt   string         `json:"created_at"`
	UpdatedAt   string         `json:"updated_at"`
	Version     int64          `json:"version"`
	Evidence    []evidenceJSON `json:"evidence"`
}

// problemConv returns the converter for problems as of now (for overdue)
// with cal, the working calendar, for the working days left (nil: none).
func problemConv(now time.Time, cal *workday.Calendar, unit string) func(*feedback.Problem) problemJSON {
	today := feedback.DateOf(now)
	return func(p *feedback.Problem) problemJSON {
		next := []string{}
		for _, s := range p.Status.Next() {
			next = append(next, string(s))
		}
		out := problemJSON{
			ID: p.ID, ProblemListID: p.ProblemListID, Title: p.Title, Description: p.Description,
			SuggestionIDs: nonNil(p.SuggestionIDs), ResponsibleUnit: p.ResponsibleUnit, CoUnits: nonNil(p.CoUnits),
			ResponsiblePerson: p.ResponsiblePerson, Requirement: p.Requirement, Deadline: string(p.Deadline),
			DeadlineWorkingDays: p.DeadlineWorkingDays, OriginalDeadline: string(p.OriginalDeadline),
			Extensions: p.Extensions, PendingExtensionID: p.PendingExtensionID, Supervised: p.Supervised,
			Status: string(p.Status), StatusLabel: p.Status.Label(), Next: next, Overdue: p.OverdueOn(today),
			Progress: p.Progress, LookbackDue: string(p.LookbackDue), Relapses: p.Relapses,
			Replied: p.Feedback.Replied, Rated: p.Feedback.Rated, Satisfied: p.Feedback.Satisfied, Rehandles: p.Rehandles,
			RectifiedAt: formatTime(p.RectifiedAt), VerifiedAt: formatTime(p.VerifiedAt),
			CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt), Version: p.Version,
			Evidence: toEvidenceJSON(p.Evidence),
		}
		if p.Status.CanBeOverdue() {
			if n, ok := feedback.WorkingDaysLeft(cal, today, p.Deadline); ok {
				out.WorkingDaysLeft = &n
			}
		}
		switch {
		case unit == "":
		case p.ResponsibleUnit == unit:
			out.UnitRole = "lead"
		case p.InvolvesUnit(unit):
			out.UnitRole = "co"
		}
		return out
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type problemCreateJSON struct {
	ProblemListID     string   `json:"problem_list_id"`
	Title             string   `json:"title"`
	Description       string   `json:"description"`
	SuggestionIDs     []string `json:"suggestion_ids"`
	ResponsibleUnit   string   `json:"responsible_unit"`
	CoUnits           []string `json:"co_units"`
	ResponsiblePerson string   `json:"responsible_person"`
	Requirement       string   `json:"requirement"`
	Deadline          string   `json:"deadline"`
	// DeadlineWorkingDays sets the deadline as the N-th working day after
	// today instead of deadline.
	DeadlineWorkingDays int `json:"deadline_working_days"`
}

// problemPatchJSON is a PATCH body: either field changes, or a status
// change with its note (and, for reopened, the new deadline).
type problemPatchJSON struct {
	Title             *string   `json:"title"`
	Description       *string   `json:"description"`
	ResponsibleUnit   *string   `json:"responsible_unit"`
	CoUnits           *[]string `json:"co_units"`
	ResponsiblePerson *string   `json:"responsible_person"`
	Requirement       *string   `json:"requirement"`
	Deadline          *string   `json:"deadline"`
	// DeadlineWorkingDays: the deadline as "N 个工作日" from today (with a
	// reopening transition, or as a field change).
	DeadlineWorkingDays *int    `json:"deadline_working_days"`
	Progress            *string `json:"progress"`
	// Supervised starts or ends the office's supervision (督办).
	Supervised *bool `json:"supervised"`
	Version    int64 `json:"version"`

	Status      *string `json:"status"`
	Note        string  `json:"note"`
	Evidence    string  `json:"evidence"`
	LookbackDue string  `json:"lookback_due"`

	// EvidenceFileIDs go with a status change or a progress report.
	EvidenceFileIDs []string `json:"evidence_file_ids"`
}

// evidenceJSON is one file in a problem's evidence or an event's files.
type evidenceJSON struct {
	FileID      string `json:"file_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	By          string `json:"by"`
	At          string `json:"at"`
}

func toEvidenceJSON(refs []feedback.EvidenceRef) []evidenceJSON {
	out := make([]evidenceJSON, len(refs))
	for i, r := range refs {
		out[i] = evidenceJSON{FileID: r.FileID, Name: r.Name, ContentType: r.ContentType, Size: r.Size, By: r.By, At: formatTime(r.At)}
	}
	return out
}

type auditEventJSON struct {
	ID        string         `json:"id"`
	ProblemID string         `json:"problem_id,omitempty"`
	Actor     string         `json:"actor"`
	At        string         `json:"at"`
	Action    string         `json:"action"`
	From      string         `json:"from,omitempty"`
	To        string         `json:"to,omitempty"`
	Note      string         `json:"note,omitempty"`
	Evidence  string         `json:"evidence,omitempty"`
	Files     []evidenceJSON `json:"files"`
}

func toAuditEventJSON(e *feedback.AuditEvent) auditEventJSON {
	return auditEventJSON{ID: e.ID, ProblemID: e.ProblemID, Actor: e.Actor, At: formatTime(e.At),
		Action: e.Action, From: e.From, To: e.To, Note: e.Note, Evidence: e.Evidence, Files: toEvidenceJSON(e.Files)}
}

type ruleMatchJSON struct {
	SymposiumIDs     []string `json:"symposium_ids"`
	Campaigns        []string `json:"campaigns"`
	ParticipantKinds []string `json:"participant_kinds"`
	Topics           []string `json:"topics"`
	KeywordsAny      []string `json:"keywords_any"`
	KeywordsAll      []string `json:"keywords_all"`
}

type ruleJSON struct {
	Name            string        `json:"name"`
	Match           ruleMatchJSON `json:"match"`
	ProblemListID   string        `json:"problem_list_id"`
	ResponsibleUnit string        `json:"responsible_unit"`
	DeadlineDays    int           `json:"deadline_days"`
	// Disabled keeps the rule in its place without routing by it.
	Disabled bool `json:"disabled"`
	// DeadlineWorkingDays is the default deadline in working days (instead
	// of deadline_days).
	DeadlineWorkingDays int `json:"deadline_working_days"`
}

// ruleSetJSON is GET's answer and PUT's body. On PUT, version is the one
// read (omit it to overwrite whatever is stored); updated_at and
// updated_by are ignored, so a client may send back what it got.
type ruleSetJSON struct {
	Rules     []ruleJSON `json:"rules"`
	Version   *int64     `json:"version,omitempty"`
	UpdatedAt string     `json:"updated_at,omitempty"`
	UpdatedBy string     `json:"updated_by,omitempty"`
}

func toRuleSetJSON(rs *feedback.RuleSet) ruleSetJSON {
	v := rs.Version
	out := ruleSetJSON{Rules: make([]ruleJSON, 0, len(rs.Rules)), Version: &v,
		UpdatedAt: formatTime(rs.UpdatedAt), UpdatedBy: rs.UpdatedBy}
	for _, r := range rs.Rules {
		kinds := make([]string, 0, len(r.Match.ParticipantKinds))
		for _, k := range r.Match.ParticipantKinds {
			kinds = append(kinds, string(k))
		}
		out.Rules = append(out.Rules, ruleJSON{
			Name: r.Name, ProblemListID: r.ProblemListID, ResponsibleUnit: r.ResponsibleUnit, DeadlineDays: r.DeadlineDays,
			Disabled:            r.Disabled,
			DeadlineWorkingDays: r.DeadlineWorkingDays,
			Match: ruleMatchJSON{
				SymposiumIDs: nonNil(r.Match.SymposiumIDs), Campaigns: nonNil(r.Match.Campaigns),
				ParticipantKinds: kinds, Topics: nonNil(r.Match.Topics),
				KeywordsAny: nonNil(r.Match.KeywordsAny), KeywordsAll: nonNil(r.Match.KeywordsAll),
			},
		})
	}
	return out
}

func (j ruleSetJSON) toRuleSet() *feedback.RuleSet {
	rs := &feedback.RuleSet{Rules: make([]feedback.RoutingRule, 0, len(j.Rules))}
	if j.Version != nil {
		rs.Version = *j.Version
	}
	for _, r := range j.Rules {
		rs.Rules = append(rs.Rules, feedback.RoutingRule{
			Name: r.Name, ProblemListID: r.ProblemListID, ResponsibleUnit: r.ResponsibleUnit, DeadlineDays: r.DeadlineDays,
			Disabled:            r.Disabled,
			DeadlineWorkingDays: r.DeadlineWorkingDays,
			Match: feedback.RuleMatch{
				SymposiumIDs: r.Match.SymposiumIDs, Campaigns: r.Match.Campaigns,
				ParticipantKinds: toKinds(r.Match.ParticipantKinds), Topics: r.Match.Topics,
				KeywordsAny: r.Match.KeywordsAny, KeywordsAll: r.Match.KeywordsAll,
			},
		})
	}
	return rs
}

// similarJSON is a likely duplicate: the suggestion and how alike (0..1).
type similarJSON struct {
	suggestionJSON
	Similarity float64 `json:"similarity"`
}

type routingCountsJSON struct {
	Examined int `json:"examined"`
	Moved    int `json:"moved"`
	Failed   int `json:"failed"`
}
