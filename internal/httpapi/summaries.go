package httpapi

import (
	"net/http"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// summaryRoutes are the Summaries part of the staff API. "{id}.html" and
// "{id}.xlsx" cannot be patterns of their own (a wildcard is a whole path
// segment), so getSummary dispatches on the suffix.
func (h *StaffHandler) summaryRoutes() {
	h.Handle("POST /api/v1/summaries", h.createSummary)
	h.Handle("GET /api/v1/summaries", h.listSummaries)
	h.Handle("GET /api/v1/summaries/{id}", h.getSummary)
}

// summaryCreateJSON is the body of POST /api/v1/summaries.
type summaryCreateJSON struct {
	Period string `json:"period"`
	Date   string `json:"date"`
}

func (h *StaffHandler) createSummary(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in summaryCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	date, err := feedback.ParseDate(in.Date)
	if err != nil {
		return feedback.FieldErrorf("date", "日期格式应为 YYYY-MM-DD")
	}
	sm, err := h.svc.GenerateSummary(r.Context(), id, feedback.Period(in.Period), date)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/summaries/"+sm.ID)
	writeJSON(w, http.StatusCreated, ToSummaryJSON(sm))
	return nil
}

func (h *StaffHandler) listSummaries(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	page, err := h.svc.ListSummaries(r.Context(), id, feedback.SummaryFilter{
		Period: feedback.Period(r.URL.Query().Get("period")), Limit: limit, Cursor: cursor,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(page, ToSummaryJSON))
	return nil
}

func (h *StaffHandler) getSummary(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	summaryID := r.PathValue("id")
	render := ""
	for _, ext := range []string{".html", ".xlsx"} {
		if s, ok := strings.CutSuffix(summaryID, ext); ok {
			summaryID, render = s, ext
			break
		}
	}
	sm, err := h.svc.GetSummary(r.Context(), id, summaryID)
	if err != nil {
		return err
	}
	switch render {
	case ".html":
		writeSummaryPage(w, sm)
		return nil
	case ".xlsx":
		body, err := h.xlsxFile(summaryWorkbook(sm))
		if err != nil {
			return err
		}
		writeDownload(w, mimeXLSXDoc, "summary-"+sm.ID+".xlsx", "建言"+sm.Period.Label()+"-"+string(sm.From)+".xlsx", body)
		return nil
	}
	writeJSON(w, http.StatusOK, ToSummaryJSON(sm))
	return nil
}

// SummaryJSON is a summary as the staff API returns it (docs/design.md,
// Summaries): snake_case, dates YYYY-MM-DD, times RFC 3339.
type SummaryJSON struct {
	ID          string                `json:"id"`
	Period      string                `json:"period"`
	From        string                `json:"from"`
	To          string                `json:"to"`
	GeneratedAt string                `json:"generated_at,omitempty"`
	AsOf        string                `json:"as_of,omitempty"`
	Suggestions SuggestionStatsJSON   `json:"suggestions"`
	Problems    ProblemStatsJSON      `json:"problems"`
	Units       []UnitScoreJSON       `json:"units"`
	Assessment  []assessmentScoreJSON `json:"assessment"`
	Delivered   []string              `json:"delivered"`
	Links       map[string]string     `json:"links"`
	Symposia    []summarySymposiumRef `json:"symposia"`
}

// summarySymposiumRef names a symposium counted in by_symposium.
type summarySymposiumRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Count int    `json:"count"`
}

// SuggestionStatsJSON is the intake of a period.
type SuggestionStatsJSON struct {
	Received          int            `json:"received"`
	ByParticipantKind map[string]int `json:"by_participant_kind"`
	BySymposium       map[string]int `json:"by_symposium"`
	// ByStatus counts by the suggestion's status, as the contract says:
	// "routed" holds those waiting in the triage list too.
	ByStatus  map[string]int `json:"by_status"`
	ByKind    map[string]int `json:"by_kind"`
	ByChannel map[string]int `json:"by_channel"`
	// ByState is ByStatus as people read it: "triage" (待分拣) apart
	// from "routed" (filed to a real list, 已分拣), so the figures never
	// call a suggestion still waiting to be sorted 已分拣. A summary stored
	// before the two were counted apart has no "triage". StateLabels names
	// each key (feedback.SuggestionStats.StatusLabel).
	ByState     map[string]int    `json:"by_state"`
	StateLabels map[string]string `json:"state_labels"`
	// The reply loop of the period's suggestions (feedback.SuggestionStats).
	Replied          int     `json:"replied"`
	ReplyRate        float64 `json:"reply_rate"`
	Rated            int     `json:"rated"`
	Satisfied        int     `json:"satisfied"`
	SatisfactionRate float64 `json:"satisfaction_rate"`
	Rehandle         int     `json:"rehandle"`
}

// ProblemStatsJSON is the problem section of a summary.
type ProblemStatsJSON struct {
	Open          int                 `json:"open"`
	Rectifying    int                 `json:"rectifying"`
	Rectified     int                 `json:"rectified"`
	Verified      int                 `json:"verified"`
	Reopened      int                 `json:"reopened"`
	LongTerm      int                 `json:"long_term"`
	Overdue       int                 `json:"overdue"`
	DueSoon       int                 `json:"due_soon"`
	LookbacksDue  int                 `json:"lookbacks_due"`
	Activity      problemActivityJSON `json:"activity"`
	OverdueItems  []overdueItemJSON   `json:"overdue_items"`
	DueSoonItems  []dueItemJSON       `json:"due_soon_items"`
	LookbackItems []lookbackItemJSON  `json:"lookback_items"`
	ByStatusLabel map[string]string   `json:"status_labels"`
	DueSoonDays   int                 `json:"due_soon_days"`
}

type problemActivityJSON struct {
	Created   int `json:"created"`
	Rectified int `json:"rectified"`
	Verified  int `json:"verified"`
	Reopened  int `json:"reopened"`
}

type overdueItemJSON struct {
	ProblemID       string `json:"problem_id"`
	Title           string `json:"title"`
	ResponsibleUnit string `json:"responsible_unit"`
	Deadline        string `json:"deadline"`
	DaysOverdue     int    `json:"days_overdue"`
}

type dueItemJSON struct {
	ProblemID       string `json:"problem_id"`
	Title           string `json:"title"`
	ResponsibleUnit string `json:"responsible_unit"`
	Deadline        string `json:"deadline"`
	DaysLeft        int    `json:"days_left"`
}

type lookbackItemJSON struct {
	ProblemID       string `json:"problem_id"`
	Title           string `json:"title"`
	ResponsibleUnit string `json:"responsible_unit"`
	LookbackDue     string `json:"lookback_due"`
}

// UnitScoreJSON is one unit's scorecard.
type UnitScoreJSON struct {
	Unit            string  `json:"unit"`
	Assigned        int     `json:"assigned"`
	Rectified       int     `json:"rectified"`
	RectifiedOnTime int     `json:"rectified_on_time"`
	OnTimeRate      float64 `json:"on_time_rate"`
	Overdue         int     `json:"overdue"`
	DueSoon         int     `json:"due_soon"`
	Relapses        int     `json:"relapses"`
	// The reply loop of the suggestions of the unit's problems.
	Suggestions      int     `json:"suggestions"`
	Replied          int     `json:"replied"`
	ReplyRate        float64 `json:"reply_rate"`
	Rated            int     `json:"rated"`
	Satisfied        int     `json:"satisfied"`
	SatisfactionRate float64 `json:"satisfaction_rate"`
	Rehandles        int     `json:"rehandles"`
	Extended         int     `json:"extended"`
}

// assessmentScoreJSON is one unit's assessment (考评) over the period:
// its score and the count of each event (assessment_events labels them).
type assessmentScoreJSON struct {
	Unit   string         `json:"unit"`
	Score  float64        `json:"score"`
	Counts map[string]int `json:"counts"`
}

func nonNilCounts(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// statusCounts is a summary's figures by suggestion status: the triage
// list's waiting suggestions, which the summary counts apart, are routed.
func statusCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, n := range m {
		if k == feedback.StatusTriage {
			k = string(feedback.SuggestionRouted)
		}
		out[k] += n
	}
	return out
}

// ToSummaryJSON converts a summary for the API.
func ToSummaryJSON(sm *feedback.Summary) SummaryJSON {
	st := sm.Suggestions
	out := SummaryJSON{
		ID: sm.ID, Period: string(sm.Period), From: string(sm.From), To: string(sm.To),
		AsOf: string(sm.AsOf),
		Suggestions: SuggestionStatsJSON{
			Received:          st.Received,
			ByParticipantKind: nonNilCounts(st.ByParticipantKind),
			BySymposium:       nonNilCounts(st.BySymposium),
			ByStatus:          statusCounts(st.ByStatus),
			ByState:           nonNilCounts(st.ByStatus),
			ByKind:            nonNilCounts(st.ByKind),
			ByChannel:         nonNilCounts(st.ByChannel),
			Replied:           st.Replied, ReplyRate: st.ReplyRate, Rated: st.Rated, Satisfied: st.Satisfied,
			SatisfactionRate: st.SatisfactionRate, Rehandle: st.Rehandle,
		},
		Units:      []UnitScoreJSON{},
		Assessment: []assessmentScoreJSON{},
		Delivered:  append([]string{}, sm.Delivered...),
		Links: map[string]string{
			"self": "/api/v1/summaries/" + sm.ID,
			"html": "/api/v1/summaries/" + sm.ID + ".html",
			"xlsx": "/api/v1/summaries/" + sm.ID + ".xlsx",
		},
		Symposia: []summarySymposiumRef{},
	}
	out.Suggestions.StateLabels = map[string]string{}
	for k := range out.Suggestions.ByState {
		out.Suggestions.StateLabels[k] = st.StatusLabel(k)
	}
	if !sm.GeneratedAt.IsZero() {
		out.GeneratedAt = formatTime(sm.GeneratedAt)
	}
	for _, sid := range sortedKeys(st.BySymposium) {
		out.Symposia = append(out.Symposia, summarySymposiumRef{ID: sid, Title: st.SymposiumTitles[sid], Count: st.BySymposium[sid]})
	}
	p := sm.Problems
	out.Problems = ProblemStatsJSON{
		Open: p.Open, Rectifying: p.Rectifying, Rectified: p.Rectified, Verified: p.Verified,
		Reopened: p.Reopened, LongTerm: p.LongTerm, Overdue: p.Overdue, DueSoon: p.DueSoon, LookbacksDue: p.LookbacksDue,
		Activity:      problemActivityJSON{Created: p.Activity.Created, Rectified: p.Activity.Rectified, Verified: p.Activity.Verified, Reopened: p.Activity.Reopened},
		OverdueItems:  []overdueItemJSON{},
		DueSoonItems:  []dueItemJSON{},
		LookbackItems: []lookbackItemJSON{},
		ByStatusLabel: map[string]string{},
		DueSoonDays:   feedback.DueSoonDays,
	}
	for _, s := range feedback.ProblemStatuses {
		out.Problems.ByStatusLabel[string(s)] = s.Label()
	}
	for _, o := range p.OverdueItems {
		out.Problems.OverdueItems = append(out.Problems.OverdueItems, overdueItemJSON{
			ProblemID: o.ProblemID, Title: o.Title, ResponsibleUnit: o.ResponsibleUnit, Deadline: string(o.Deadline), DaysOverdue: o.DaysOverdue})
	}
	for _, d := range p.DueSoonItems {
		out.Problems.DueSoonItems = append(out.Problems.DueSoonItems, dueItemJSON{
			ProblemID: d.ProblemID, Title: d.Title, ResponsibleUnit: d.ResponsibleUnit, Deadline: string(d.Deadline), DaysLeft: d.DaysLeft})
	}
	for _, l := range p.LookbackItems {
		out.Problems.LookbackItems = append(out.Problems.LookbackItems, lookbackItemJSON{
			ProblemID: l.ProblemID, Title: l.Title, ResponsibleUnit: l.ResponsibleUnit, LookbackDue: string(l.LookbackDue)})
	}
	for _, u := range sm.Units {
		out.Units = append(out.Units, UnitScoreJSON{
			Unit: u.Unit, Assigned: u.Assigned, Rectified: u.Rectified, RectifiedOnTime: u.RectifiedOnTime,
			OnTimeRate: u.OnTimeRate, Overdue: u.Overdue, DueSoon: u.DueSoon, Relapses: u.Relapses, Extended: u.Extended,
			Suggestions: u.Suggestions, Replied: u.Replied, ReplyRate: u.ReplyRate, Rated: u.Rated, Satisfied: u.Satisfied,
			SatisfactionRate: u.SatisfactionRate, Rehandles: u.Rehandles})
	}
	for _, a := range sm.Assessment {
		aj := assessmentScoreJSON{Unit: a.Unit, Score: a.Score, Counts: map[string]int{}}
		for _, e := range feedback.AssessmentEvents {
			aj.Counts[e.Event] = a.Counts[e.Event]
		}
		out.Assessment = append(out.Assessment, aj)
	}
	return out
}
