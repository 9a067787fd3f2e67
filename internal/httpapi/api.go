package httpapi

import (
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// API structs: the JSON shapes of docs/design.md, kept apart from the domain
// types so a domain change cannot silently change the contract.

// formatTime writes an API time: RFC 3339 in Asia/Shanghai, "" for zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(feedback.Shanghai).Format(time.RFC3339)
}

// parseTime reads an optional RFC 3339 time for field.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, feedback.FieldErrorf(field, "%s应为 RFC 3339 格式的时间,例如 2025-03-01T09:30:00+08:00", feedback.FieldLabel(field))
	}
	return t, nil
}

type symposiumJSON struct {
	ID           string   `json:"id"`
	Code         string   `json:"code"`
	Title        string   `json:"title"`
	Campaign     string   `json:"campaign,omitempty"`
	HostUnit     string   `json:"host_unit,omitempty"`
	Venue        string   `json:"venue,omitempty"`
	StartsAt     string   `json:"starts_at,omitempty"`
	EndsAt       string   `json:"ends_at,omitempty"`
	Status       string   `json:"status"`
	AllowedKinds []string `json:"allowed_kinds"`
	FormURL      string   `json:"form_url"`
	// WebURL is the link to share outside the venue (a website, a message);
	// submissions through it are counted as channel web.
	WebURL    string `json:"web_url"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func toSymposiumJSON(svc *feedback.Service, s *feedback.Symposium) symposiumJSON {
	kinds := make([]string, 0, len(s.AllowedKinds))
	for _, k := range s.Kinds() {
		kinds = append(kinds, string(k))
	}
	form := svc.FormURL(s)
	return symposiumJSON{
		ID: s.ID, Code: s.Code, Title: s.Title, Campaign: s.Campaign, HostUnit: s.HostUnit,
		Venue: s.Venue, StartsAt: formatTime(s.StartsAt), EndsAt: formatTime(s.EndsAt),
		Status: string(s.Status), AllowedKinds: kinds, FormURL: form, WebURL: form + "?" + viaParam + "=web",
		CreatedAt: formatTime(s.CreatedAt), UpdatedAt: formatTime(s.UpdatedAt),
	}
}

type symposiumCreateJSON struct {
	Title        string   `json:"title"`
	Campaign     string   `json:"campaign"`
	HostUnit     string   `json:"host_unit"`
	Venue        string   `json:"venue"`
	StartsAt     string   `json:"starts_at"`
	EndsAt       string   `json:"ends_at"`
	Status       string   `json:"status"`
	AllowedKinds []string `json:"allowed_kinds"`
}

type symposiumPatchJSON struct {
	Title        *string   `json:"title"`
	Campaign     *string   `json:"campaign"`
	HostUnit     *string   `json:"host_unit"`
	Venue        *string   `json:"venue"`
	StartsAt     *string   `json:"starts_at"`
	EndsAt       *string   `json:"ends_at"`
	Status       *string   `json:"status"`
	AllowedKinds *[]string `json:"allowed_kinds"`
}

func toKinds(in []string) []feedback.ParticipantKind {
	if in == nil {
		return nil
	}
	out := make([]feedback.ParticipantKind, len(in))
	for i, k := range in {
		out[i] = feedback.ParticipantKind(k)
	}
	return out
}

func (p symposiumPatchJSON) toPatch() (feedback.SymposiumPatch, error) {
	out := feedback.SymposiumPatch{Title: p.Title, Campaign: p.Campaign, HostUnit: p.HostUnit, Venue: p.Venue}
	if p.StartsAt != nil {
		t, err := parseTime("starts_at", *p.StartsAt)
		if err != nil {
			return out, err
		}
		out.StartsAt = &t
	}
	if p.EndsAt != nil {
		t, err := parseTime("ends_at", *p.EndsAt)
		if err != nil {
			return out, err
		}
		out.EndsAt = &t
	}
	if p.Status != nil {
		st := feedback.SymposiumStatus(*p.Status)
		out.Status = &st
	}
	if p.AllowedKinds != nil {
		k := toKinds(*p.AllowedKinds)
		out.AllowedKinds = &k
	}
	return out, nil
}

// submissionJSON is the body of a public submission and of a staff entry.
type submissionJSON struct {
	SymposiumID     string `json:"symposium_id,omitempty"` // staff entry only
	ParticipantKind string `json:"participant_kind"`
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	Organization    string `json:"organization"`
	Contact         string `json:"contact"`
	Topic           string `json:"topic"`
	Content         string `json:"content"`
	IdempotencyKey  string `json:"idempotency_key"`
	// Notify asks to be told of the outcome; it needs a contact.
	Notify bool `json:"notify"`
	// PhotoFileIDs are a problem lead's photos, uploaded through POST
	// /api/v1/symposia/{code}/uploads (public submissions only).
	PhotoFileIDs []string `json:"photo_file_ids,omitempty"`
	// Website is the honeypot: hidden from people, filled by naive bots.
	Website string `json:"website,omitempty"`
	// WrittenOn is the day a paper form was written (staff entry only).
	WrittenOn string `json:"written_on,omitempty"`
}

func (s submissionJSON) input() feedback.SubmissionInput {
	return feedback.SubmissionInput{
		ParticipantKind: feedback.ParticipantKind(s.ParticipantKind),
		Kind:            feedback.SuggestionKind(s.Kind),
		Name:            s.Name, Organization: s.Organization, Contact: s.Contact,
		Topic: s.Topic, Content: s.Content, IdempotencyKey: s.IdempotencyKey, Notify: s.Notify, PhotoFileIDs: s.PhotoFileIDs,
	}
}

// submittedJSON answers a submission.
type submittedJSON struct {
	ID          string `json:"id"`
	Receipt     string `json:"receipt"`
	Status      string `json:"status"`
	SubmittedAt string `json:"submitted_at"`
}

type suggestionJSON struct {
	ID              string `json:"id"`
	Receipt         string `json:"receipt"`
	SymposiumID     string `json:"symposium_id"`
	Campaign        string `json:"campaign,omitempty"`
	Kind            string `json:"kind"`
	ParticipantKind string `json:"participant_kind"`
	Name            string `json:"name,omitempty"`
	Organization    string `json:"organization,omitempty"`
	Contact         string `json:"contact,omitempty"`
	Topic           string `json:"topic,omitempty"`
	Content         string `json:"content"`
	Channel         string `json:"channel"`
	Status          string `json:"status"`
	StatusLabel     string `json:"status_label"`
	// Reply is the latest reply (null before the first), Replies all of
	// them, oldest first. ReplyState is awaiting, replied, or the latest
	// reply's rating; Rehandle says the suggestion waits for a re-handle;
	// WaitingSince is when it started waiting for a reply (none when it is
	// not waiting). Notify: its submitter asked to be told of the outcome.
	Reply         *replyJSON  `json:"reply"`
	Replies       []replyJSON `json:"replies"`
	ReplyState    string      `json:"reply_state"`
	Rehandle      bool        `json:"rehandle"`
	WaitingSince  string      `json:"waiting_since,omitempty"`
	Notify        bool        `json:"notify"`
	ProblemListID string      `json:"problem_list_id,omitempty"`
	ProblemID     string      `json:"problem_id,omitempty"`
	// ProblemIDs are all its problems, first first (problem_id), when it
	// was split into several.
	ProblemIDs []string `json:"problem_ids,omitempty"`
	RuleName   string   `json:"rule_name,omitempty"`
	// WrittenOn is the day a paper form was written (staff entry and
	// import; absent otherwise). SubmittedAt is when it was entered.
	WrittenOn   string `json:"written_on,omitempty"`
	SubmittedAt string `json:"submitted_at"`
	UpdatedAt   string `json:"updated_at"`
	// Photos are a problem lead's photos, in GET /api/v1/suggestions/{id}
	// only.
	Photos []fileJSON `json:"photos,omitempty"`
}

// fileJSON is an uploaded file as a suggestion's photo: its name, type,
// size and where its check stands; url downloads it.
type fileJSON struct {
	FileID       string `json:"file_id"`
	Name         string `json:"name"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	Status       string `json:"status"`
	StatusLabel  string `json:"status_label"`
	RejectReason string `json:"reject_reason,omitempty"`
	URL          string `json:"url"`
}

func toFileJSON(f *feedback.File, now time.Time) fileJSON {
	st, reason := f.Shown(now)
	return fileJSON{FileID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size,
		Status: string(st), StatusLabel: st.Label(), RejectReason: reason, URL: "/api/v1/files/" + f.ID}
}

func toSuggestionJSON(s *feedback.Suggestion) suggestionJSON {
	out := suggestionJSON{
		ID: s.ID, Receipt: s.Receipt, SymposiumID: s.SymposiumID, Campaign: s.Campaign,
		Kind: string(s.Kind), ParticipantKind: string(s.ParticipantKind),
		Name: s.Name, Organization: s.Organization, Contact: s.Contact,
		Topic: s.Topic, Content: s.Content, Channel: string(s.Channel), Status: string(s.Status), StatusLabel: s.StatusLabel(),
		ProblemListID: s.ProblemListID, ProblemID: s.ProblemID, ProblemIDs: s.Problems(), RuleName: s.RuleName,
		WrittenOn: string(s.WrittenOn), SubmittedAt: formatTime(s.SubmittedAt), UpdatedAt: formatTime(s.UpdatedAt),
		Replies: toRepliesJSON(s.Replies), ReplyState: replyStateJSON(s.ReplyState()), Rehandle: s.Rehandle(),
		WaitingSince: formatTime(s.WaitingSince()), Notify: s.Notify,
	}
	if r := s.LatestReply(); r != nil {
		j := toReplyJSON(*r)
		out.Reply = &j
	}
	return out
}

// replyJSON is one reply to a suggestion, with the submitter's rating.
type replyJSON struct {
	Text       string      `json:"text"`
	Grade      string      `json:"grade"`
	GradeLabel string      `json:"grade_label"`
	At         string      `json:"at"`
	By         string      `json:"by,omitempty"`
	Rating     *ratingJSON `json:"rating"`
}

// ratingJSON is a submitter's rating of a reply. Comment is for staff: the
// receipt never shows it.
type ratingJSON struct {
	Rating  string `json:"rating"`
	Label   string `json:"label"`
	Comment string `json:"comment,omitempty"`
	At      string `json:"at"`
}

func toReplyJSON(r feedback.Reply) replyJSON {
	out := replyJSON{Text: r.Text, Grade: string(r.Grade), GradeLabel: r.Grade.Label(), At: formatTime(r.At), By: r.By}
	if rt := r.Rating; rt != nil {
		out.Rating = &ratingJSON{Rating: string(rt.Rating), Label: rt.Rating.Label(), Comment: rt.Comment, At: formatTime(rt.At)}
	}
	return out
}

func toRepliesJSON(rs []feedback.Reply) []replyJSON {
	out := make([]replyJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, toReplyJSON(r))
	}
	return out
}

// replyStateJSON names a reply state in the API: awaiting for none yet.
func replyStateJSON(s feedback.ReplyState) string {
	if s == feedback.ReplyAwaiting {
		return "awaiting"
	}
	return string(s)
}

// listJSON is every list's shape.
type listJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func toList[S any, T any](p feedback.Page[S], conv func(S) T) listJSON[T] {
	out := listJSON[T]{Items: make([]T, 0, len(p.Items)), NextCursor: p.NextCursor}
	for _, it := range p.Items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// receiptJSON is the public view of a receipt: never personal data, never
// what the submitter wrote (nor their rating's comment).
type receiptJSON struct {
	Receipt        string `json:"receipt"`
	Kind           string `json:"kind"`
	Status         string `json:"status"`
	StatusLabel    string `json:"status_label"`
	SubmittedAt    string `json:"submitted_at"`
	WrittenOn      string `json:"written_on,omitempty"` // a paper form's 书写日期
	SymposiumTitle string `json:"symposium_title"`
	HostUnit       string `json:"host_unit"`
	// FormURL is the symposium's form while it still collects ("" after).
	FormURL string `json:"form_url,omitempty"`
	// Reply is the latest reply, null before the first.
	Reply *receiptReplyJSON `json:"reply"`
	// Rating is the submitter's rating of Reply (satisfied,
	// basically_satisfied, dissatisfied), null until rated.
	Rating      *string `json:"rating"`
	RatingLabel string  `json:"rating_label,omitempty"`
	CanRate     bool    `json:"can_rate"`
	// Rehandle: rated dissatisfied, the office is handling it again.
	Rehandle bool                `json:"rehandle"`
	Problem  *receiptProblemJSON `json:"problem"`
	// Problems are all the problems it became part of (problem is the
	// first), when it was split into several; [] before it is adopted.
	Problems []receiptProblemJSON `json:"problems"`
}

// receiptReplyJSON is a reply as the receipt shows it.
type receiptReplyJSON struct {
	Text       string `json:"text"`
	Grade      string `json:"grade"`
	GradeLabel string `json:"grade_label"`
	At         string `json:"at"`
}

// receiptProblemJSON is the problem a suggestion became part of; null until
// it is adopted.
type receiptProblemJSON struct {
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Deadline    string `json:"deadline,omitempty"`
	Progress    string `json:"progress,omitempty"`
}

// toReceiptJSON is v as the API sends it; formURL makes a form's link.
func toReceiptJSON(v *feedback.ReceiptView, formURL func(code string) string) receiptJSON {
	out := receiptJSON{
		Receipt: v.Receipt, Kind: string(v.Kind), Status: string(v.Status), StatusLabel: v.StatusLabel,
		SubmittedAt: formatTime(v.SubmittedAt), WrittenOn: string(v.WrittenOn), SymposiumTitle: v.SymposiumTitle, HostUnit: v.HostUnit,
		CanRate: v.CanRate, Rehandle: v.Rehandle,
	}
	if v.SymposiumCode != "" {
		out.FormURL = formURL(v.SymposiumCode)
	}
	if r := v.Reply; r != nil {
		out.Reply = &receiptReplyJSON{Text: r.Text, Grade: string(r.Grade), GradeLabel: r.GradeLabel, At: formatTime(r.At)}
	}
	if rt := v.Rating; rt != nil {
		s := string(rt.Rating)
		out.Rating, out.RatingLabel = &s, rt.Label
	}
	out.Problems = make([]receiptProblemJSON, 0, len(v.Problems))
	for _, p := range v.Problems {
		out.Problems = append(out.Problems, receiptProblemJSON{Status: string(p.Status), StatusLabel: p.StatusLabel, Deadline: string(p.Deadline), Progress: p.Progress})
	}
	if len(out.Problems) > 0 {
		out.Problem = &out.Problems[0]
	}
	return out
}
