package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet"
)

// Assessment routes (考评): the office's scheme, and every unit's score over
// a period with the events that made it, as JSON or a workbook.
func (h *StaffHandler) assessmentRoutes() {
	h.Handle("GET /api/v1/assessment-scheme", h.getAssessmentScheme)
	h.Handle("PUT /api/v1/assessment-scheme", h.putAssessmentScheme)
	h.Handle("GET /api/v1/assessments", h.getAssessments)
	h.Handle("GET /api/v1/assessments.xlsx", h.getAssessmentsXLSX)
}

// assessmentRuleJSON is one event's points.
type assessmentRuleJSON struct {
	Event  string  `json:"event"`
	Label  string  `json:"label,omitempty"`
	Points float64 `json:"points"`
}

// assessmentSchemeJSON is the scheme in force: every event of the
// catalogue in display order with its points (0 for an event the scheme
// leaves out), and whether it is the built-in default.
type assessmentSchemeJSON struct {
	Base      float64              `json:"base"`
	Rules     []assessmentRuleJSON `json:"rules"`
	Version   int64                `json:"version"`
	Default   bool                 `json:"default"`
	UpdatedAt string               `json:"updated_at,omitempty"`
	UpdatedBy string               `json:"updated_by,omitempty"`
}

func toAssessmentSchemeJSON(sc *feedback.AssessmentScheme) assessmentSchemeJSON {
	out := assessmentSchemeJSON{Base: sc.Base, Rules: []assessmentRuleJSON{}, Version: sc.Version,
		Default: sc.Version == 0, UpdatedAt: formatTime(sc.UpdatedAt), UpdatedBy: sc.UpdatedBy}
	for _, e := range feedback.AssessmentEvents {
		out.Rules = append(out.Rules, assessmentRuleJSON{Event: e.Event, Label: e.Label, Points: sc.Points(e.Event)})
	}
	return out
}

func (h *StaffHandler) getAssessmentScheme(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sc, err := h.svc.AssessmentScheme(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAssessmentSchemeJSON(sc))
	return nil
}

// assessmentSchemePutJSON is the body of PUT /api/v1/assessment-scheme:
// the whole scheme (an event left out scores 0) and the version read.
type assessmentSchemePutJSON struct {
	Base    *float64             `json:"base"`
	Rules   []assessmentRuleJSON `json:"rules"`
	Version int64                `json:"version"`
}

func (h *StaffHandler) putAssessmentScheme(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in assessmentSchemePutJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Base == nil {
		return feedback.FieldErrorf("base", "请填写基础分")
	}
	sc := &feedback.AssessmentScheme{Base: *in.Base, Version: in.Version}
	for _, rule := range in.Rules {
		sc.Rules = append(sc.Rules, feedback.AssessmentRule{Event: strings.TrimSpace(rule.Event), Points: rule.Points})
	}
	if err := h.svc.PutAssessmentScheme(r.Context(), id, sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAssessmentSchemeJSON(sc))
	return nil
}

// maxAssessmentItems bounds the items one JSON answer lists (a unit's
// score and counts always cover the whole period); ?unit= narrows it to
// one unit, and the workbook lists up to maxAssessmentSheetItems.
const (
	maxAssessmentItems      = 2000
	maxAssessmentSheetItems = 50000
)

type assessmentItemJSON struct {
	Event        string  `json:"event"`
	Label        string  `json:"label"`
	Points       float64 `json:"points"`
	Date         string  `json:"date"`
	At           string  `json:"at,omitempty"`
	ProblemID    string  `json:"problem_id,omitempty"`
	ProblemTitle string  `json:"problem_title,omitempty"`
	SuggestionID string  `json:"suggestion_id,omitempty"`
	Note         string  `json:"note,omitempty"`
}

type unitAssessmentJSON struct {
	Unit   string               `json:"unit"`
	Score  float64              `json:"score"`
	Counts map[string]int       `json:"counts"`
	Items  []assessmentItemJSON `json:"items"`
}

type assessmentJSON struct {
	From   string               `json:"from"`
	To     string               `json:"to"`
	Scheme assessmentSchemeJSON `json:"scheme"`
	Units  []unitAssessmentJSON `json:"units"`
	// Truncated: some units list fewer items than their counts add up to
	// (more than maxAssessmentItems in the answer; ask per unit).
	Truncated bool              `json:"truncated"`
	Links     map[string]string `json:"links"`
}

// assessmentQuery reads ?from=&to=&unit= and scores the period.
func (h *StaffHandler) assessmentQuery(r *http.Request, id feedback.Identity) (*feedback.Assessment, string, error) {
	q := r.URL.Query()
	from, err := parseDateField("from", q.Get("from"))
	if err != nil {
		return nil, "", err
	}
	to, err := parseDateField("to", q.Get("to"))
	if err != nil {
		return nil, "", err
	}
	a, err := h.svc.Assess(r.Context(), id, from, to)
	if err != nil {
		return nil, "", err
	}
	unit := strings.TrimSpace(q.Get("unit"))
	if unit != "" {
		var keep []feedback.UnitAssessment
		for _, u := range a.Units {
			if u.Unit == unit {
				keep = append(keep, u)
			}
		}
		if keep == nil {
			return nil, "", feedback.FieldErrorf("unit", "「%s」不是登记的责任单位,本期也没有它的考评记录", unit)
		}
		a.Units = keep
	}
	return a, unit, nil
}

func (h *StaffHandler) getAssessments(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	a, unit, err := h.assessmentQuery(r, id)
	if err != nil {
		return err
	}
	out := assessmentJSON{From: string(a.From), To: string(a.To), Scheme: toAssessmentSchemeJSON(a.Scheme),
		Units: []unitAssessmentJSON{}, Links: map[string]string{"xlsx": assessmentLink(a, unit)}}
	room := maxAssessmentItems
	for _, u := range a.Units {
		uj := unitAssessmentJSON{Unit: u.Unit, Score: u.Score, Counts: map[string]int{}, Items: []assessmentItemJSON{}}
		for _, e := range feedback.AssessmentEvents {
			uj.Counts[e.Event] = u.Counts[e.Event]
		}
		for _, it := range u.Items {
			if room == 0 {
				out.Truncated = true
				break
			}
			room--
			e := it.Entry
			uj.Items = append(uj.Items, assessmentItemJSON{Event: e.Event, Label: feedback.AssessmentEventLabel(e.Event),
				Points: it.Points, Date: string(e.Day), At: formatTime(e.At), ProblemID: e.ProblemID,
				ProblemTitle: e.ProblemTitle, SuggestionID: e.SuggestionID, Note: e.Note})
		}
		out.Units = append(out.Units, uj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func assessmentLink(a *feedback.Assessment, unit string) string {
	q := "from=" + string(a.From) + "&to=" + string(a.To)
	if unit != "" {
		q += "&unit=" + url.QueryEscape(unit)
	}
	return "/api/v1/assessments.xlsx?" + q
}

func (h *StaffHandler) getAssessmentsXLSX(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	a, _, err := h.assessmentQuery(r, id)
	if err != nil {
		return err
	}
	body, err := h.xlsxFile(assessmentWorkbook(a))
	if err != nil {
		return err
	}
	name := "assessment-" + string(a.From) + "-" + string(a.To) + ".xlsx"
	writeDownload(w, mimeXLSXDoc, name, "考评-"+string(a.From)+"至"+string(a.To)+".xlsx", body)
	return nil
}

// assessmentWorkbook lays out an assessment: the scores with each event's
// count (考评汇总), and every event with its points (考评明细).
func assessmentWorkbook(a *feedback.Assessment) *sheet.Workbook {
	title := "责任单位考评(" + string(a.From) + " 至 " + string(a.To) + ")"
	cols := []sheet.Column{{Header: "责任单位", Width: 26, Wrap: true}, {Header: "得分", Width: 9}}
	for _, e := range feedback.AssessmentEvents {
		cols = append(cols, sheet.Column{Header: e.Label, Width: 10, Kind: sheet.Int})
	}
	scores := sheet.Sheet{Name: "考评汇总", Title: title, Columns: cols, FreezeHeader: true, RepeatHeader: true, Landscape: true}
	for _, u := range a.Units {
		row := []any{unitLabel(u.Unit), u.Score}
		for _, e := range feedback.AssessmentEvents {
			row = append(row, u.Counts[e.Event])
		}
		scores.Rows = append(scores.Rows, row)
	}
	rules := "基础分 " + formatPoints(a.Scheme.Base)
	for _, e := range feedback.AssessmentEvents {
		rules += ";" + e.Label + " " + formatPoints(a.Scheme.Points(e.Event))
	}
	scores.Rows = append(scores.Rows, []any{"考评办法", rules})

	items := sheet.Sheet{Name: "考评明细", Title: title + " 明细", FreezeHeader: true, RepeatHeader: true, Landscape: true,
		Columns: []sheet.Column{
			{Header: "责任单位", Width: 24, Wrap: true}, {Header: "日期", Width: 12, Kind: sheet.Date},
			{Header: "事项", Width: 12}, {Header: "分值", Width: 8},
			{Header: "问题", Width: 40, Wrap: true}, {Header: "说明", Width: 28, Wrap: true},
		}}
	n := 0
	for _, u := range a.Units {
		for _, it := range u.Items {
			if n == maxAssessmentSheetItems {
				items.Rows = append(items.Rows, []any{"(明细过多,其余未列出,请缩短期间或按单位导出)"})
				return &sheet.Workbook{Title: title, Sheets: []sheet.Sheet{scores, items}}
			}
			n++
			e := it.Entry
			items.Rows = append(items.Rows, []any{unitLabel(u.Unit), e.Day, feedback.AssessmentEventLabel(e.Event),
				it.Points, e.ProblemTitle, e.Note})
		}
	}
	return &sheet.Workbook{Title: title, Sheets: []sheet.Sheet{scores, items}}
}

// formatPoints writes points without trailing zeros: "100", "-0.5".
func formatPoints(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
