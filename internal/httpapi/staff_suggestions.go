package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

func (h *StaffHandler) suggestionRoutes() {
	h.Handle("POST /api/v1/suggestions", h.staffEntry)
	h.Handle("GET /api/v1/suggestions", h.listSuggestions)
	h.Handle("GET /api/v1/suggestions/{id}", h.getSuggestion)
	h.Handle("GET /api/v1/suggestions/live", h.liveSuggestions)
	h.Handle("POST /api/v1/suggestions/import", h.importSuggestions)
	h.Handle("POST /api/v1/suggestions/import/preview", h.previewImport)
	h.Handle("GET /api/v1/suggestions/import/template.xlsx", h.importTemplate)
	h.Handle("GET /api/v1/suggestions/import/template.csv", h.importTemplate)
	h.Handle("POST /api/v1/suggestions/{id}/reply", h.replySuggestion)
}

// liveJSON is one poll of the live intake.
type liveJSON struct {
	Items []suggestionJSON `json:"items"`
	// After is the cursor of the next poll (send it back as after).
	After string `json:"after"`
	More  bool   `json:"more"`
}

// liveSuggestions serves GET /api/v1/suggestions/live?symposium_id=&after=:
// what arrived since the cursor after (an RFC 3339 time from the previous
// answer; none starts the feed at the server's clock), newest first, with
// the cursor for the next poll. Items may repeat within a minute of the
// cursor: keep them by id.
func (h *StaffHandler) liveSuggestions(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	q := r.URL.Query()
	var after time.Time
	if s := q.Get("after"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return feedback.FieldErrorf("after", "实时刷新的起点无效,请刷新页面")
		}
		after = t
	}
	p, err := h.svc.LiveSuggestions(r.Context(), id, q.Get("symposium_id"), after)
	if err != nil {
		return err
	}
	out := liveJSON{Items: make([]suggestionJSON, 0, len(p.Items)), After: p.After.In(feedback.Shanghai).Format(time.RFC3339Nano), More: p.More}
	for _, sg := range p.Items {
		out.Items = append(out.Items, toSuggestionJSON(sg))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// replySuggestion serves POST /api/v1/suggestions/{id}/reply
// {"text","grade"}: 200 with the suggestion.
func (h *StaffHandler) replySuggestion(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in struct {
		Text  string `json:"text"`
		Grade string `json:"grade"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sg, err := h.svc.ReplyToSuggestion(r.Context(), id, r.PathValue("id"), in.Text, feedback.Grade(strings.TrimSpace(in.Grade)))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSuggestionJSON(sg))
	return nil
}

// staffEntry serves POST /api/v1/suggestions: a paper suggestion typed in
// by staff (channel staff_entry). The idempotency key works as for public
// submissions; a replay answers 201 with the same body.
func (h *StaffHandler) staffEntry(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in submissionJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Website != "" {
		return feedback.FieldErrorf("website", "请求中含有本接口不接受的字段")
	}
	if hk := r.Header.Get("Idempotency-Key"); hk != "" {
		if in.IdempotencyKey != "" && in.IdempotencyKey != hk {
			return feedback.FieldErrorf("idempotency_key", "请求头 Idempotency-Key 与表单标识不一致")
		}
		in.IdempotencyKey = hk
	}
	input := in.input()
	written, err := feedback.ParseDate(in.WrittenOn)
	if err != nil {
		return feedback.FieldErrorf("written_on", "书写日期应为 YYYY-MM-DD 格式的日期")
	}
	input.WrittenOn = written
	sg, created, err := h.svc.StaffEntry(r.Context(), id, in.SymposiumID, input)
	if err != nil {
		return err
	}
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/suggestions/"+sg.ID)
	writeJSON(w, http.StatusCreated, toSuggestionJSON(feedback.MaskFor(id, sg)))
	return nil
}

// listSuggestions serves GET /api/v1/suggestions with docs/design.md's filters.
// from and to are days in Asia/Shanghai, both inclusive.
func (h *StaffHandler) listSuggestions(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	q := r.URL.Query()
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	if receipt := q.Get("receipt"); receipt != "" {
		return h.suggestionByReceipt(w, r, id, receipt)
	}
	f, err := suggestionFilterFrom(q)
	if err != nil {
		return err
	}
	f.Limit, f.Cursor = limit, cursor
	p, err := h.svc.ListSuggestions(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, toSuggestionJSON))
	return nil
}

// suggestionFilterFrom reads GET /api/v1/suggestions' filters (without
// limit and cursor): symposium_id, participant_kind, kind, status,
// problem_list_id, problem_id, channel, q, from, to, rehandle=true (waiting
// for a re-handle) and replied=false (no reply yet). from and to are days
// in Asia/Shanghai, both inclusive.
func suggestionFilterFrom(q url.Values) (feedback.SuggestionFilter, error) {
	var f feedback.SuggestionFilter
	from, err := parseDateParam(q, "from")
	if err != nil {
		return f, err
	}
	to, err := parseDateParam(q, "to")
	if err != nil {
		return f, err
	}
	f = feedback.SuggestionFilter{
		SymposiumID:     q.Get("symposium_id"),
		ParticipantKind: feedback.ParticipantKind(q.Get("participant_kind")),
		Kind:            feedback.SuggestionKind(q.Get("kind")),
		Status:          feedback.SuggestionStatus(q.Get("status")),
		ProblemListID:   q.Get("problem_list_id"),
		ProblemID:       q.Get("problem_id"),
		Channel:         feedback.Channel(q.Get("channel")),
		Query:           q.Get("q"),
	}
	switch q.Get("rehandle") {
	case "", "false", "0":
	case "true", "1":
		f.Rehandle = true
	default:
		return f, feedback.FieldErrorf("rehandle", "“待重新办理”筛选条件无效,只能选择是或否")
	}
	switch q.Get("replied") {
	case "":
	case "false", "0":
		f.Unreplied = true
	default:
		return f, feedback.FieldErrorf("replied", "答复筛选只能用来列出尚未答复的意见建议")
	}
	if from != "" {
		f.From = from.Start()
	}
	if to != "" {
		f.To = to.AddDays(1).Start()
	}
	return f, nil
}

func (h *StaffHandler) getSuggestion(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sg, err := h.svc.GetSuggestion(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := toSuggestionJSON(sg)
	photos, err := h.svc.SuggestionPhotos(r.Context(), sg)
	if err != nil {
		return err
	}
	now := h.svc.Now()
	for _, f := range photos {
		out.Photos = append(out.Photos, toFileJSON(f, now))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// suggestionByReceipt answers GET /api/v1/suggestions?receipt=: a list of
// the one suggestion with that receipt number, or an empty list when there
// is none (a look-up, not an error).
func (h *StaffHandler) suggestionByReceipt(w http.ResponseWriter, r *http.Request, id feedback.Identity, receipt string) error {
	out := listJSON[suggestionJSON]{Items: []suggestionJSON{}}
	sg, err := h.svc.SuggestionByReceipt(r.Context(), id, receipt)
	switch {
	case err == nil:
		out.Items = append(out.Items, toSuggestionJSON(sg))
	case !feedback.IsCode(err, feedback.ENotFound):
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
