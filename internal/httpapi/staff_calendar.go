package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Working calendar routes: a deadline in working days, and the calendar of
// a year (official holidays and make-up workdays, or the office's own
// entry for a year the official data lacks or gets wrong).
func (h *StaffHandler) calendarRoutes() {
	h.Handle("GET /api/v1/calendar/add-working-days", h.addWorkingDays)
	h.Handle("GET /api/v1/calendar/{year}", h.getCalendarYear)
	h.Handle("PUT /api/v1/calendar/{year}", h.putCalendarYear)
}

func (h *StaffHandler) addWorkingDays(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	q := r.URL.Query()
	from, err := parseDateField("from", q.Get("from"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(q.Get("days")))
	if err != nil {
		return feedback.FieldErrorf("days", "请填写工作日天数(正整数)")
	}
	d, err := h.svc.AddWorkingDays(r.Context(), id, from, n)
	if err != nil {
		return err
	}
	if from == "" {
		from = feedback.DateOf(h.svc.Now())
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": string(d), "from": string(from), "days": n})
	return nil
}

// calendarYearJSON is a year of the calendar: the days in force, where
// they come from (official, office, or none), and for a year the office
// entered over official data, the official days.
type calendarYearJSON struct {
	Year             int      `json:"year"`
	Source           string   `json:"source"`
	SourceLabel      string   `json:"source_label"`
	Holidays         []string `json:"holidays"`
	Workdays         []string `json:"workdays"`
	OfficialHolidays []string `json:"official_holidays,omitempty"`
	OfficialWorkdays []string `json:"official_workdays,omitempty"`
	Version          int64    `json:"version"`
	UpdatedAt        string   `json:"updated_at,omitempty"`
	UpdatedBy        string   `json:"updated_by,omitempty"`
}

var sourceLabels = map[string]string{
	"official": "国务院办公厅公布的放假安排",
	"office":   "本办录入",
	"":         "尚未收录",
}

func datesJSON(ds []feedback.Date) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		out = append(out, string(d))
	}
	return out
}

func toCalendarYearJSON(v *feedback.CalendarYearView) calendarYearJSON {
	out := calendarYearJSON{Year: v.Year, Source: string(v.Source), SourceLabel: sourceLabels[string(v.Source)],
		Holidays: datesJSON(v.Holidays), Workdays: datesJSON(v.Workdays)}
	if v.OfficialHolidays != nil || v.OfficialWorkdays != nil {
		out.OfficialHolidays, out.OfficialWorkdays = datesJSON(v.OfficialHolidays), datesJSON(v.OfficialWorkdays)
	}
	if v.Office != nil {
		out.Version, out.UpdatedAt, out.UpdatedBy = v.Office.Version, formatTime(v.Office.UpdatedAt), v.Office.UpdatedBy
	}
	return out
}

func yearParam(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return 0, feedback.Errorf(feedback.ENotFound, "没有这个年份")
	}
	return y, nil
}

func (h *StaffHandler) getCalendarYear(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	y, err := yearParam(r)
	if err != nil {
		return err
	}
	v, err := h.svc.CalendarYear(r.Context(), id, y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCalendarYearJSON(v))
	return nil
}

type calendarPutJSON struct {
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
	Version  int64    `json:"version"`
}

func (h *StaffHandler) putCalendarYear(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	y, err := yearParam(r)
	if err != nil {
		return err
	}
	var in calendarPutJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cy := &feedback.CalendarYear{Year: y, Version: in.Version}
	for _, d := range in.Holidays {
		cy.Holidays = append(cy.Holidays, feedback.Date(strings.TrimSpace(d)))
	}
	for _, d := range in.Workdays {
		cy.Workdays = append(cy.Workdays, feedback.Date(strings.TrimSpace(d)))
	}
	if err := h.svc.PutCalendarYear(r.Context(), id, cy); err != nil {
		return err
	}
	v, err := h.svc.CalendarYear(r.Context(), id, y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCalendarYearJSON(v))
	return nil
}
