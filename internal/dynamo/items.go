package dynamo

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Storage structs: the shape of items in the table, kept apart from the
// domain types so that renaming a Go field never changes stored data.
// Optional attributes are omitted when empty; index key attributes are
// omitted to keep an item out of a (sparse) index.

// indexKeys are the overloaded GSI key attributes every item may carry.
type indexKeys struct {
	GSI1PK string `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK string `dynamodbav:"gsi1sk,omitempty"`
	GSI2PK string `dynamodbav:"gsi2pk,omitempty"`
	GSI2SK string `dynamodbav:"gsi2sk,omitempty"`
	GSI3PK string `dynamodbav:"gsi3pk,omitempty"`
	GSI3SK string `dynamodbav:"gsi3sk,omitempty"`
	GSI4PK string `dynamodbav:"gsi4pk,omitempty"`
	GSI4SK string `dynamodbav:"gsi4sk,omitempty"`
	GSI5PK string `dynamodbav:"gsi5pk,omitempty"`
	GSI5SK string `dynamodbav:"gsi5sk,omitempty"`
}

type symposiumItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID           string   `dynamodbav:"id"`
	Code         string   `dynamodbav:"code"`
	Title        string   `dynamodbav:"title"`
	Campaign     string   `dynamodbav:"campaign,omitempty"`
	HostUnit     string   `dynamodbav:"host_unit,omitempty"`
	Venue        string   `dynamodbav:"venue,omitempty"`
	StartsAt     string   `dynamodbav:"starts_at,omitempty"`
	EndsAt       string   `dynamodbav:"ends_at,omitempty"`
	Status       string   `dynamodbav:"status"`
	AllowedKinds []string `dynamodbav:"allowed_kinds,omitempty"`
	CreatedAt    string   `dynamodbav:"created_at,omitempty"`
	UpdatedAt    string   `dynamodbav:"updated_at,omitempty"`
	Version      int64    `dynamodbav:"version"`
}

// symposiumItems returns the symposium's own item and its code item, which
// holds a full copy so that the form's lookup by code is one read.
func symposiumItems(s *feedback.Symposium) (main, byCode map[string]types.AttributeValue, err error) {
	it := symposiumItem{
		PK: pkSymposium + s.ID, SK: skSymposium, Type: typeSymposium,
		ID: s.ID, Code: s.Code, Title: s.Title, Campaign: s.Campaign, HostUnit: s.HostUnit,
		Venue: s.Venue, StartsAt: ts(s.StartsAt), EndsAt: ts(s.EndsAt), Status: string(s.Status),
		CreatedAt: ts(s.CreatedAt), UpdatedAt: ts(s.UpdatedAt), Version: s.Version,
	}
	for _, k := range s.AllowedKinds {
		it.AllowedKinds = append(it.AllowedKinds, string(k))
	}
	code := it
	code.PK, code.SK, code.Type = pkSymposiumCode+s.Code, skSymposiumCode, typeSymposiumCode
	it.GSI1PK, it.GSI1SK = g1Symposia, sortTS(s.CreatedAt)+"#"+s.ID
	if main, err = marshal(it); err != nil {
		return nil, nil, err
	}
	byCode, err = marshal(code)
	return main, byCode, err
}

func (it *symposiumItem) domain() (*feedback.Symposium, error) {
	s := &feedback.Symposium{
		ID: it.ID, Code: it.Code, Title: it.Title, Campaign: it.Campaign, HostUnit: it.HostUnit,
		Venue: it.Venue, Status: feedback.SymposiumStatus(it.Status), Version: it.Version,
	}
	for _, k := range it.AllowedKinds {
		s.AllowedKinds = append(s.AllowedKinds, feedback.ParticipantKind(k))
	}
	var err error
	if s.StartsAt, err = parseTS("starts_at", it.StartsAt); err != nil {
		return nil, err
	}
	if s.EndsAt, err = parseTS("ends_at", it.EndsAt); err != nil {
		return nil, err
	}
	if s.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	if s.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	return s, nil
}

// suggestionItem is the one item a suggestion is stored as. It is in three
// indexes of its own, all with narrow projections so that an index entry
// costs one write unit and routing rewrites as little as possible
// (docs/dynamodb.md, "Suggestions: write cost"):
//   - sgm, by submission month: every suggestion; keys plus the short
//     filter attributes (sgmProjected);
//   - sgs, by symposium: every suggestion; keys only;
//   - sgp, by problem: adopted suggestions only (sparse); keys only;
//
// The three share one sort key attribute, sgsk. A suggestion waiting for a
// re-handle (its latest reply rated dissatisfied) is also in gsi1, under
// SUGREHANDLE with the same sort key: few items, entered and left only by
// a rating and the next reply, never by a submission.
type suggestionItem struct {
	PK              string   `dynamodbav:"pk"`
	SK              string   `dynamodbav:"sk"`
	Type            string   `dynamodbav:"type"`
	SGMPK           string   `dynamodbav:"sgmpk"`
	SGSPK           string   `dynamodbav:"sgspk"`
	SGPPK           string   `dynamodbav:"sgppk,omitempty"`
	SGSK            string   `dynamodbav:"sgsk"` // the sort key of all three: <submitted>#<id>
	GSI1PK          string   `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK          string   `dynamodbav:"gsi1sk,omitempty"`
	ID              string   `dynamodbav:"id"`
	Receipt         string   `dynamodbav:"receipt"`
	SymposiumID     string   `dynamodbav:"symposium_id"`
	Campaign        string   `dynamodbav:"campaign,omitempty"`
	Kind            string   `dynamodbav:"kind"`
	ParticipantKind string   `dynamodbav:"participant_kind"`
	Name            string   `dynamodbav:"name,omitempty"`
	Organization    string   `dynamodbav:"organization,omitempty"`
	Contact         string   `dynamodbav:"contact,omitempty"`
	Topic           string   `dynamodbav:"topic,omitempty"`
	Content         string   `dynamodbav:"content"`
	PhotoFileIDs    []string `dynamodbav:"photo_file_ids,omitempty"`
	Channel         string   `dynamodbav:"channel"`
	Status          string   `dynamodbav:"status"`
	// Reply is round one's reply text (a decline's reason); read, never
	// written: it is turned into Replies.
	Reply   string      `dynamodbav:"reply,omitempty"`
	Replies []replyItem `dynamodbav:"replies,omitempty"`
	// ReplyState is feedback.ReplyState, for filters on fetched items.
	ReplyState    string `dynamodbav:"reply_state,omitempty"`
	Notify        bool   `dynamodbav:"notify,omitempty"`
	ProblemListID string `dynamodbav:"problem_list_id,omitempty"`
	ProblemID     string `dynamodbav:"problem_id,omitempty"`
	// ProblemIDs are all its problems when it was split into several
	// (ProblemID is the first; sgppk indexes only that one).
	ProblemIDs     []string `dynamodbav:"problem_ids,omitempty"`
	RuleName       string   `dynamodbav:"rule_name,omitempty"`
	IdempotencyKey string   `dynamodbav:"idempotency_key,omitempty"`
	WrittenOn      string   `dynamodbav:"written_on,omitempty"`
	SubmittedAt    string   `dynamodbav:"submitted_at"`
	UpdatedAt      string   `dynamodbav:"updated_at,omitempty"`
	Version        int64    `dynamodbav:"version"`
}

func suggestionToItem(s *feedback.Suggestion) (map[string]types.AttributeValue, error) {
	sk := sortTS(s.SubmittedAt) + "#" + s.ID
	m := month(s.SubmittedAt)
	it := suggestionItem{
		PK: pkSuggestion + s.ID, SK: skSuggestion, Type: typeSuggestion,
		ID: s.ID, Receipt: s.Receipt, SymposiumID: s.SymposiumID, Campaign: s.Campaign,
		Kind: string(s.Kind), ParticipantKind: string(s.ParticipantKind),
		Name: s.Name, Organization: s.Organization, Contact: s.Contact,
		Topic: s.Topic, Content: s.Content, PhotoFileIDs: s.PhotoFileIDs, Channel: string(s.Channel), Status: string(s.Status),
		ProblemListID: s.ProblemListID, ProblemID: s.ProblemID, ProblemIDs: s.ProblemIDs, RuleName: s.RuleName,
		IdempotencyKey: s.IdempotencyKey, WrittenOn: string(s.WrittenOn), SubmittedAt: sortTS(s.SubmittedAt), UpdatedAt: ts(s.UpdatedAt),
		Version: s.Version, Notify: s.Notify, ReplyState: string(s.ReplyState()),
	}
	for _, r := range s.Replies {
		it.Replies = append(it.Replies, toReplyItem(r))
	}
	if s.Rehandle() {
		it.GSI1PK, it.GSI1SK = g1Rehandle, sk
	}
	it.SGMPK, it.SGSPK, it.SGSK = sgmMonth+m, sgsSymposium+s.SymposiumID, sk
	if s.ProblemID != "" {
		it.SGPPK = sgpProblem + s.ProblemID
	}
	return marshal(it)
}

func (it *suggestionItem) domain() (*feedback.Suggestion, error) {
	s := &feedback.Suggestion{
		ID: it.ID, Receipt: it.Receipt, SymposiumID: it.SymposiumID, Campaign: it.Campaign,
		Kind: feedback.SuggestionKind(it.Kind), ParticipantKind: feedback.ParticipantKind(it.ParticipantKind),
		Name: it.Name, Organization: it.Organization, Contact: it.Contact, Topic: it.Topic,
		Content: it.Content, PhotoFileIDs: it.PhotoFileIDs, Channel: feedback.Channel(it.Channel), Status: feedback.SuggestionStatus(it.Status),
		ProblemListID: it.ProblemListID, ProblemID: it.ProblemID, ProblemIDs: it.ProblemIDs, RuleName: it.RuleName,
		IdempotencyKey: it.IdempotencyKey, WrittenOn: feedback.Date(it.WrittenOn), Version: it.Version, Notify: it.Notify,
	}
	var err error
	for _, r := range it.Replies {
		d, err := r.domain()
		if err != nil {
			return nil, err
		}
		s.Replies = append(s.Replies, d)
	}
	if s.SubmittedAt, err = parseTS("submitted_at", it.SubmittedAt); err != nil {
		return nil, err
	}
	if s.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	if it.Reply != "" && len(s.Replies) == 0 {
		s.Replies = []feedback.Reply{feedback.LegacyDeclineReply(it.Reply, s.UpdatedAt)}
	}
	return s, nil
}

// replyItem is the stored form of one reply (feedback.Reply) and its
// rating.
type replyItem struct {
	Text          string `dynamodbav:"text"`
	Grade         string `dynamodbav:"grade"`
	At            string `dynamodbav:"at"`
	By            string `dynamodbav:"by,omitempty"`
	Rating        string `dynamodbav:"rating,omitempty"`
	RatingComment string `dynamodbav:"rating_comment,omitempty"`
	RatedAt       string `dynamodbav:"rated_at,omitempty"`
}

func toReplyItem(r feedback.Reply) replyItem {
	it := replyItem{Text: r.Text, Grade: string(r.Grade), At: ts(r.At), By: r.By}
	if rt := r.Rating; rt != nil {
		it.Rating, it.RatingComment, it.RatedAt = string(rt.Rating), rt.Comment, ts(rt.At)
	}
	return it
}

func (it replyItem) domain() (feedback.Reply, error) {
	r := feedback.Reply{Text: it.Text, Grade: feedback.Grade(it.Grade), By: it.By}
	var err error
	if r.At, err = parseTS("replies.at", it.At); err != nil {
		return r, err
	}
	if it.Rating != "" {
		rt := &feedback.ReplyRating{Rating: feedback.Rating(it.Rating), Comment: it.RatingComment}
		if rt.At, err = parseTS("replies.rated_at", it.RatedAt); err != nil {
			return r, err
		}
		r.Rating = rt
	}
	return r, nil
}

// receiptItem claims a receipt that was not derived from an idempotency
// key (staff entries, imports, API calls without a key), so that such
// receipts stay unique and their lookup strongly consistent. It is written
// just before the suggestion; if the suggestion's write then fails, the
// claim is left behind pointing at a suggestion that does not carry its
// receipt, and GetSuggestionByReceipt treats it as absent.
type receiptItem struct {
	PK           string `dynamodbav:"pk"`
	SK           string `dynamodbav:"sk"`
	Type         string `dynamodbav:"type"`
	SuggestionID string `dynamodbav:"suggestion_id"`
}

type problemListItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID          string `dynamodbav:"id"`
	Title       string `dynamodbav:"title"`
	Campaign    string `dynamodbav:"campaign,omitempty"`
	SymposiumID string `dynamodbav:"symposium_id,omitempty"`
	OwnerUnit   string `dynamodbav:"owner_unit,omitempty"`
	Triage      bool   `dynamodbav:"triage,omitempty"`
	CreatedAt   string `dynamodbav:"created_at,omitempty"`
	UpdatedAt   string `dynamodbav:"updated_at,omitempty"`
	Version     int64  `dynamodbav:"version"`
}

func problemListToItem(l *feedback.ProblemList) (map[string]types.AttributeValue, error) {
	it := problemListItem{
		PK: pkProblemList + l.ID, SK: skProblemList, Type: typeProblemList,
		ID: l.ID, Title: l.Title, Campaign: l.Campaign, SymposiumID: l.SymposiumID, OwnerUnit: l.OwnerUnit,
		Triage: l.Triage, CreatedAt: ts(l.CreatedAt), UpdatedAt: ts(l.UpdatedAt), Version: l.Version,
	}
	if !l.Triage {
		// The triage list stays out of the index: lists put it first.
		it.GSI1PK, it.GSI1SK = g1Lists, sortTS(l.CreatedAt)+"#"+l.ID
	}
	return marshal(it)
}

func (it *problemListItem) domain() (*feedback.ProblemList, error) {
	l := &feedback.ProblemList{
		ID: it.ID, Title: it.Title, Campaign: it.Campaign, SymposiumID: it.SymposiumID,
		OwnerUnit: it.OwnerUnit, Triage: it.Triage, Version: it.Version,
	}
	var err error
	if l.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	if l.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	return l, nil
}

type problemItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID                string         `dynamodbav:"id"`
	ProblemListID     string         `dynamodbav:"problem_list_id"`
	Title             string         `dynamodbav:"title"`
	Description       string         `dynamodbav:"description,omitempty"`
	SuggestionIDs     []string       `dynamodbav:"suggestion_ids,omitempty"`
	ResponsibleUnit   string         `dynamodbav:"responsible_unit,omitempty"`
	CoUnits           []string       `dynamodbav:"co_units,omitempty"`
	ResponsiblePerson string         `dynamodbav:"responsible_person,omitempty"`
	Requirement       string         `dynamodbav:"requirement,omitempty"`
	Deadline          string         `dynamodbav:"deadline,omitempty"`
	DeadlineWorkDays  int            `dynamodbav:"deadline_working_days,omitempty"`
	OriginalDeadline  string         `dynamodbav:"original_deadline,omitempty"`
	Extensions        int            `dynamodbav:"extensions,omitempty"`
	PendingExtension  string         `dynamodbav:"pending_extension_id,omitempty"`
	Supervised        bool           `dynamodbav:"supervised,omitempty"`
	EscalatedDeadline string         `dynamodbav:"escalated_deadline,omitempty"`
	Status            string         `dynamodbav:"status"`
	Progress          string         `dynamodbav:"progress,omitempty"`
	LookbackDue       string         `dynamodbav:"lookback_due,omitempty"`
	Relapses          int            `dynamodbav:"relapses,omitempty"`
	Replied           int            `dynamodbav:"replied,omitempty"`
	Rated             int            `dynamodbav:"rated,omitempty"`
	Satisfied         int            `dynamodbav:"satisfied,omitempty"`
	Rehandles         int            `dynamodbav:"rehandles,omitempty"`
	Evidence          []evidenceItem `dynamodbav:"evidence,omitempty"`
	RectifiedAt       string         `dynamodbav:"rectified_at,omitempty"`
	VerifiedAt        string         `dynamodbav:"verified_at,omitempty"`
	CreatedAt         string         `dynamodbav:"created_at,omitempty"`
	UpdatedAt         string         `dynamodbav:"updated_at,omitempty"`
	Version           int64          `dynamodbav:"version"`
}

// newProblemItem is p's item without index keys.
func newProblemItem(p *feedback.Problem) problemItem {
	return problemItem{
		PK: pkProblem + p.ID, SK: skProblem, Type: typeProblem,
		ID: p.ID, ProblemListID: p.ProblemListID, Title: p.Title, Description: p.Description,
		SuggestionIDs: p.SuggestionIDs, ResponsibleUnit: p.ResponsibleUnit, CoUnits: p.CoUnits,
		ResponsiblePerson: p.ResponsiblePerson, Requirement: p.Requirement, Deadline: string(p.Deadline),
		DeadlineWorkDays: p.DeadlineWorkingDays, OriginalDeadline: string(p.OriginalDeadline), Extensions: p.Extensions,
		PendingExtension: p.PendingExtensionID, Supervised: p.Supervised, EscalatedDeadline: string(p.EscalatedDeadline),
		Status: string(p.Status), Progress: p.Progress, LookbackDue: string(p.LookbackDue),
		Relapses: p.Relapses, RectifiedAt: ts(p.RectifiedAt), VerifiedAt: ts(p.VerifiedAt),
		Replied: p.Feedback.Replied, Rated: p.Feedback.Rated, Satisfied: p.Feedback.Satisfied, Rehandles: p.Rehandles,
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), Version: p.Version,
		Evidence: evidenceItems(p.Evidence),
	}
}

func problemToItem(p *feedback.Problem) (map[string]types.AttributeValue, error) {
	sk := sortTS(p.CreatedAt) + "#" + p.ID
	it := newProblemItem(p)
	it.GSI1PK, it.GSI1SK = g1Problems, sk
	it.GSI2PK, it.GSI2SK = g2ProblemsL+p.ProblemListID, sk
	it.GSI3PK, it.GSI3SK = g3ProblemsS+string(p.Status), sk
	if p.ResponsibleUnit != "" {
		it.GSI4PK, it.GSI4SK = g4ProblemsU+p.ResponsibleUnit, sk
	}
	if p.Status.CanBeOverdue() && p.Deadline != "" {
		// Sparse: only problems that can become overdue.
		it.GSI5PK, it.GSI5SK = g5ProblemsDue, sk
	}
	return marshal(it)
}

func (it *problemItem) domain() (*feedback.Problem, error) {
	p := &feedback.Problem{
		ID: it.ID, ProblemListID: it.ProblemListID, Title: it.Title, Description: it.Description,
		SuggestionIDs: it.SuggestionIDs, ResponsibleUnit: it.ResponsibleUnit, CoUnits: it.CoUnits,
		ResponsiblePerson: it.ResponsiblePerson, Requirement: it.Requirement,
		Deadline: feedback.Date(it.Deadline), Status: feedback.ProblemStatus(it.Status),
		DeadlineWorkingDays: it.DeadlineWorkDays, OriginalDeadline: feedback.Date(it.OriginalDeadline), Extensions: it.Extensions,
		PendingExtensionID: it.PendingExtension, Supervised: it.Supervised, EscalatedDeadline: feedback.Date(it.EscalatedDeadline),
		Progress: it.Progress, LookbackDue: feedback.Date(it.LookbackDue), Relapses: it.Relapses,
		Feedback: feedback.ReplyTally{Replied: it.Replied, Rated: it.Rated, Satisfied: it.Satisfied}, Rehandles: it.Rehandles,
		Version: it.Version,
	}
	var err error
	if p.Evidence, err = evidenceRefs(it.Evidence); err != nil {
		return nil, err
	}
	if p.RectifiedAt, err = parseTS("rectified_at", it.RectifiedAt); err != nil {
		return nil, err
	}
	if p.VerifiedAt, err = parseTS("verified_at", it.VerifiedAt); err != nil {
		return nil, err
	}
	if p.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	if p.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	return p, nil
}

type eventItem struct {
	PK        string         `dynamodbav:"pk"`
	SK        string         `dynamodbav:"sk"`
	Type      string         `dynamodbav:"type"`
	ID        string         `dynamodbav:"id"`
	ProblemID string         `dynamodbav:"problem_id,omitempty"`
	Actor     string         `dynamodbav:"actor,omitempty"`
	At        string         `dynamodbav:"at"`
	Action    string         `dynamodbav:"action"`
	From      string         `dynamodbav:"from,omitempty"`
	To        string         `dynamodbav:"to,omitempty"`
	Note      string         `dynamodbav:"note,omitempty"`
	Evidence  string         `dynamodbav:"evidence,omitempty"`
	Files     []evidenceItem `dynamodbav:"files,omitempty"`
}

// eventIDItem reserves an event's ID across all problems: the event itself
// lives in its problem's partition, sorted by time, where a condition can
// only see its own key.
type eventIDItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Type      string `dynamodbav:"type"`
	ProblemID string `dynamodbav:"problem_id,omitempty"`
}

// eventItems returns the event's item and its ID reservation.
func eventItems(e *feedback.AuditEvent) (ev, id map[string]types.AttributeValue, err error) {
	if ev, err = eventToItem(e); err != nil {
		return nil, nil, err
	}
	id, err = marshal(eventIDItem{PK: pkEventID + e.ID, SK: skEventID, Type: typeEventID, ProblemID: e.ProblemID})
	return ev, id, err
}

func eventToItem(e *feedback.AuditEvent) (map[string]types.AttributeValue, error) {
	return marshal(eventItem{
		PK: pkEvents + e.ProblemID, SK: sortTS(e.At) + "#" + e.ID, Type: typeEvent,
		ID: e.ID, ProblemID: e.ProblemID, Actor: e.Actor, At: sortTS(e.At), Action: e.Action,
		From: e.From, To: e.To, Note: e.Note, Evidence: e.Evidence, Files: evidenceItems(e.Files),
	})
}

func (it *eventItem) domain() (*feedback.AuditEvent, error) {
	at, err := parseTS("at", it.At)
	if err != nil {
		return nil, err
	}
	files, err := evidenceRefs(it.Files)
	if err != nil {
		return nil, err
	}
	return &feedback.AuditEvent{
		ID: it.ID, ProblemID: it.ProblemID, Actor: it.Actor, At: at, Action: it.Action,
		From: it.From, To: it.To, Note: it.Note, Evidence: it.Evidence, Files: files,
	}, nil
}

// rulesItem holds the whole rule set. The rules are gzip-compressed JSON:
// MaxRules rules with their keywords would not fit an item uncompressed.
type rulesItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Type      string `dynamodbav:"type"`
	RulesGz   []byte `dynamodbav:"rules_gz"`
	UpdatedAt string `dynamodbav:"updated_at,omitempty"`
	UpdatedBy string `dynamodbav:"updated_by,omitempty"`
	Version   int64  `dynamodbav:"version"`
}

// ruleJSON is the stored form of one routing rule.
type ruleJSON struct {
	Name             string   `json:"name"`
	SymposiumIDs     []string `json:"symposium_ids,omitempty"`
	Campaigns        []string `json:"campaigns,omitempty"`
	ParticipantKinds []string `json:"participant_kinds,omitempty"`
	Topics           []string `json:"topics,omitempty"`
	KeywordsAny      []string `json:"keywords_any,omitempty"`
	KeywordsAll      []string `json:"keywords_all,omitempty"`
	ProblemListID    string   `json:"problem_list_id"`
	ResponsibleUnit  string   `json:"responsible_unit,omitempty"`
	DeadlineDays     int      `json:"deadline_days,omitempty"`
	Disabled         bool     `json:"disabled,omitempty"`
	DeadlineWorkDays int      `json:"deadline_working_days,omitempty"`
}

func rulesToItem(rs *feedback.RuleSet, version int64) (map[string]types.AttributeValue, error) {
	rules := make([]ruleJSON, 0, len(rs.Rules))
	for _, r := range rs.Rules {
		j := ruleJSON{
			Name: r.Name, SymposiumIDs: r.Match.SymposiumIDs, Campaigns: r.Match.Campaigns,
			Topics: r.Match.Topics, KeywordsAny: r.Match.KeywordsAny, KeywordsAll: r.Match.KeywordsAll,
			ProblemListID: r.ProblemListID, ResponsibleUnit: r.ResponsibleUnit, DeadlineDays: r.DeadlineDays, DeadlineWorkDays: r.DeadlineWorkingDays,
			Disabled: r.Disabled,
		}
		for _, k := range r.Match.ParticipantKinds {
			j.ParticipantKinds = append(j.ParticipantKinds, string(k))
		}
		rules = append(rules, j)
	}
	raw, err := json.Marshal(rules)
	if err != nil {
		return nil, feedback.Internal(fmt.Errorf("encode rules: %w", err))
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(raw) // writes to a bytes.Buffer do not fail
	if err := zw.Close(); err != nil {
		return nil, feedback.Internal(fmt.Errorf("compress rules: %w", err))
	}
	return marshal(rulesItem{
		PK: pkRules, SK: skRules, Type: typeRules, RulesGz: buf.Bytes(),
		UpdatedAt: ts(rs.UpdatedAt), UpdatedBy: rs.UpdatedBy, Version: version,
	})
}

func (it *rulesItem) domain() (*feedback.RuleSet, error) {
	zr, err := gzip.NewReader(bytes.NewReader(it.RulesGz))
	if err != nil {
		return nil, fmt.Errorf("decompress rules: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("decompress rules: %w", err)
	}
	var rules []ruleJSON
	if err := json.Unmarshal(raw, &rules); err != nil {
		return nil, fmt.Errorf("decode rules: %w", err)
	}
	rs := &feedback.RuleSet{UpdatedBy: it.UpdatedBy, Version: it.Version}
	if rs.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	for _, j := range rules {
		r := feedback.RoutingRule{
			Name: j.Name, ProblemListID: j.ProblemListID, ResponsibleUnit: j.ResponsibleUnit, DeadlineDays: j.DeadlineDays, DeadlineWorkingDays: j.DeadlineWorkDays,
			Disabled: j.Disabled,
			Match: feedback.RuleMatch{
				SymposiumIDs: j.SymposiumIDs, Campaigns: j.Campaigns, Topics: j.Topics,
				KeywordsAny: j.KeywordsAny, KeywordsAll: j.KeywordsAll,
			},
		}
		for _, k := range j.ParticipantKinds {
			r.Match.ParticipantKinds = append(r.Match.ParticipantKinds, feedback.ParticipantKind(k))
		}
		rs.Rules = append(rs.Rules, r)
	}
	return rs, nil
}

type summaryItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID          string          `dynamodbav:"id"`
	Period      string          `dynamodbav:"period"`
	From        string          `dynamodbav:"from"`
	To          string          `dynamodbav:"to"`
	GeneratedAt string          `dynamodbav:"generated_at,omitempty"`
	Suggestions suggestionStats `dynamodbav:"suggestions"`
	Problems    problemStats    `dynamodbav:"problems"`
	Units       []unitScore     `dynamodbav:"units,omitempty"`
	Extra       *summaryExtra   `dynamodbav:"extra,omitempty"` // aggregates_summary.go
}

// counts is a breakdown stored as a list of pairs: map keys come from data
// (a symposium ID, a kind) and a list sidesteps any question about which
// strings a DynamoDB map accepts as names.
type counts []countPair

type countPair struct {
	Key   string `dynamodbav:"k"`
	Count int    `dynamodbav:"n"`
}

func toCounts(m map[string]int) counts {
	out := make(counts, 0, len(m))
	for k, v := range m {
		out = append(out, countPair{Key: k, Count: v})
	}
	return out
}

func (c counts) domain() map[string]int {
	if len(c) == 0 {
		return nil
	}
	m := make(map[string]int, len(c))
	for _, p := range c {
		m[p.Key] = p.Count
	}
	return m
}

type suggestionStats struct {
	Received          int    `dynamodbav:"received"`
	ByParticipantKind counts `dynamodbav:"by_participant_kind,omitempty"`
	BySymposium       counts `dynamodbav:"by_symposium,omitempty"`
	ByStatus          counts `dynamodbav:"by_status,omitempty"`
	ByKind            counts `dynamodbav:"by_kind,omitempty"`
	ByChannel         counts `dynamodbav:"by_channel,omitempty"`
}

type problemStats struct {
	Open         int           `dynamodbav:"open"`
	Rectifying   int           `dynamodbav:"rectifying"`
	Rectified    int           `dynamodbav:"rectified"`
	Verified     int           `dynamodbav:"verified"`
	Reopened     int           `dynamodbav:"reopened"`
	LongTerm     int           `dynamodbav:"long_term"`
	Overdue      int           `dynamodbav:"overdue"`
	DueSoon      int           `dynamodbav:"due_soon"`
	LookbacksDue int           `dynamodbav:"lookbacks_due"`
	OverdueItems []overdueItem `dynamodbav:"overdue_items,omitempty"`
}

type overdueItem struct {
	ProblemID       string `dynamodbav:"problem_id"`
	Title           string `dynamodbav:"title,omitempty"`
	ResponsibleUnit string `dynamodbav:"responsible_unit,omitempty"`
	Deadline        string `dynamodbav:"deadline,omitempty"`
	DaysOverdue     int    `dynamodbav:"days_overdue"`
}

type unitScore struct {
	Unit       string `dynamodbav:"unit"`
	Assigned   int    `dynamodbav:"assigned"`
	Rectified  int    `dynamodbav:"rectified"`
	OnTimeRate string `dynamodbav:"on_time_rate"` // exact float64 text
	Overdue    int    `dynamodbav:"overdue"`
	Relapses   int    `dynamodbav:"relapses"`
	OnTime     int    `dynamodbav:"rectified_on_time,omitempty"`
	DueSoon    int    `dynamodbav:"due_soon,omitempty"`
	// The reply loop of the unit's problems' suggestions.
	Suggestions      int     `dynamodbav:"suggestions,omitempty"`
	Replied          int     `dynamodbav:"replied,omitempty"`
	ReplyRate        float64 `dynamodbav:"reply_rate,omitempty"`
	Rated            int     `dynamodbav:"rated,omitempty"`
	Satisfied        int     `dynamodbav:"satisfied,omitempty"`
	SatisfactionRate float64 `dynamodbav:"satisfaction_rate,omitempty"`
	Rehandles        int     `dynamodbav:"rehandles,omitempty"`
	Extended         int     `dynamodbav:"extended,omitempty"`
}

func summaryToItem(s *feedback.Summary) (map[string]types.AttributeValue, error) {
	sk := string(s.From) + "#" + s.ID
	st := s.Suggestions
	it := summaryItem{
		PK: pkSummary + s.ID, SK: skSummary, Type: typeSummary,
		ID: s.ID, Period: string(s.Period), From: string(s.From), To: string(s.To), GeneratedAt: ts(s.GeneratedAt),
		Suggestions: suggestionStats{
			Received: st.Received, ByParticipantKind: toCounts(st.ByParticipantKind),
			BySymposium: toCounts(st.BySymposium), ByStatus: toCounts(st.ByStatus),
			ByKind: toCounts(st.ByKind), ByChannel: toCounts(st.ByChannel),
		},
	}
	p := s.Problems
	it.Problems = problemStats{
		Open: p.Open, Rectifying: p.Rectifying, Rectified: p.Rectified, Verified: p.Verified,
		Reopened: p.Reopened, LongTerm: p.LongTerm, Overdue: p.Overdue, DueSoon: p.DueSoon, LookbacksDue: p.LookbacksDue,
	}
	for _, o := range p.OverdueItems {
		it.Problems.OverdueItems = append(it.Problems.OverdueItems, overdueItem{
			ProblemID: o.ProblemID, Title: o.Title, ResponsibleUnit: o.ResponsibleUnit,
			Deadline: string(o.Deadline), DaysOverdue: o.DaysOverdue,
		})
	}
	for _, u := range s.Units {
		it.Units = append(it.Units, unitScore{
			Unit: u.Unit, Assigned: u.Assigned, Rectified: u.Rectified,
			OnTimeRate: strconv.FormatFloat(u.OnTimeRate, 'g', -1, 64), Overdue: u.Overdue, Relapses: u.Relapses,
			OnTime: u.RectifiedOnTime, DueSoon: u.DueSoon, Extended: u.Extended,
			Suggestions: u.Suggestions, Replied: u.Replied, ReplyRate: u.ReplyRate, Rated: u.Rated, Satisfied: u.Satisfied,
			SatisfactionRate: u.SatisfactionRate, Rehandles: u.Rehandles,
		})
	}
	it.Extra = summaryExtraOf(s)
	it.GSI1PK, it.GSI1SK = g1Summaries, sk
	it.GSI2PK, it.GSI2SK = g2SummariesP+string(s.Period), sk
	return marshal(it)
}

func (it *summaryItem) domain() (*feedback.Summary, error) {
	st := it.Suggestions
	s := &feedback.Summary{
		ID: it.ID, Period: feedback.Period(it.Period), From: feedback.Date(it.From), To: feedback.Date(it.To),
		Suggestions: feedback.SuggestionStats{
			Received: st.Received, ByParticipantKind: st.ByParticipantKind.domain(),
			BySymposium: st.BySymposium.domain(), ByStatus: st.ByStatus.domain(),
			ByKind: st.ByKind.domain(), ByChannel: st.ByChannel.domain(),
		},
	}
	var err error
	if s.GeneratedAt, err = parseTS("generated_at", it.GeneratedAt); err != nil {
		return nil, err
	}
	p := it.Problems
	s.Problems = feedback.ProblemStats{
		Open: p.Open, Rectifying: p.Rectifying, Rectified: p.Rectified, Verified: p.Verified,
		Reopened: p.Reopened, LongTerm: p.LongTerm, Overdue: p.Overdue, DueSoon: p.DueSoon, LookbacksDue: p.LookbacksDue,
	}
	for _, o := range p.OverdueItems {
		s.Problems.OverdueItems = append(s.Problems.OverdueItems, feedback.OverdueItem{
			ProblemID: o.ProblemID, Title: o.Title, ResponsibleUnit: o.ResponsibleUnit,
			Deadline: feedback.Date(o.Deadline), DaysOverdue: o.DaysOverdue,
		})
	}
	for _, u := range it.Units {
		rate, err := strconv.ParseFloat(u.OnTimeRate, 64)
		if err != nil {
			return nil, fmt.Errorf("decode on_time_rate: %w", err)
		}
		s.Units = append(s.Units, feedback.UnitScore{
			Unit: u.Unit, Assigned: u.Assigned, Rectified: u.Rectified, OnTimeRate: rate,
			Overdue: u.Overdue, Relapses: u.Relapses, RectifiedOnTime: u.OnTime, DueSoon: u.DueSoon, Extended: u.Extended,
			Suggestions: u.Suggestions, Replied: u.Replied, ReplyRate: u.ReplyRate,
			Rated: u.Rated, Satisfied: u.Satisfied, SatisfactionRate: u.SatisfactionRate, Rehandles: u.Rehandles,
		})
	}
	it.Extra.apply(s)
	return s, nil
}

type accountItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID        string `dynamodbav:"id"`
	Name      string `dynamodbav:"name"`
	Role      string `dynamodbav:"role"`
	Unit      string `dynamodbav:"unit,omitempty"`
	TokenHash string `dynamodbav:"token_hash"`
	CreatedAt string `dynamodbav:"created_at,omitempty"`
	Disabled  bool   `dynamodbav:"disabled,omitempty"`
}

// accountItems returns the account's item and its token item, a full copy
// keyed by the token hash, so that authenticating is one consistent read.
func accountItems(a *feedback.Account) (main, byToken map[string]types.AttributeValue, err error) {
	it := accountItem{
		PK: pkAccount + a.ID, SK: skAccount, Type: typeAccount,
		ID: a.ID, Name: a.Name, Role: string(a.Role), Unit: a.Unit, TokenHash: a.TokenHash, CreatedAt: ts(a.CreatedAt),
		Disabled: a.Disabled,
	}
	tok := it
	tok.PK, tok.SK, tok.Type = pkToken+a.TokenHash, skToken, typeToken
	it.GSI1PK, it.GSI1SK = g1Accounts, sortTS(a.CreatedAt)+"#"+a.ID
	if main, err = marshal(it); err != nil {
		return nil, nil, err
	}
	byToken, err = marshal(tok)
	return main, byToken, err
}

func (it *accountItem) domain() (*feedback.Account, error) {
	created, err := parseTS("created_at", it.CreatedAt)
	if err != nil {
		return nil, err
	}
	return &feedback.Account{
		ID: it.ID, Name: it.Name, Role: feedback.Role(it.Role), Unit: it.Unit,
		TokenHash: it.TokenHash, CreatedAt: created, Disabled: it.Disabled,
	}, nil
}

// marshal encodes a storage struct and checks the result against
// DynamoDB's item size limit, so an oversized item is the caller's EInvalid
// rather than the service's ValidationException. It leaves room for the
// write ID putIf adds.
func marshal(v any) (map[string]types.AttributeValue, error) {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, feedback.Internal(fmt.Errorf("encode item: %w", err))
	}
	if n := ItemSize(item); n > maxItemBytes-writeIDBytes {
		return nil, &feedback.Error{Code: feedback.EInvalid, Message: "内容过大,超过存储上限", Err: fmt.Errorf("item of %d bytes is over the %d-byte limit", n, maxItemBytes)}
	}
	return item, nil
}
