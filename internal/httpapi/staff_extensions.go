package httpapi

import (
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Extension routes: a unit (or the office) asks for a later deadline with
// a reason; the office decides.
func (h *StaffHandler) extensionRoutes() {
	h.Handle("GET /api/v1/problems/{id}/extensions", h.listExtensions)
	h.Handle("POST /api/v1/problems/{id}/extensions", h.requestExtension)
	h.Handle("POST /api/v1/problems/{id}/extensions/{eid}/decision", h.decideExtension)
}

type extensionJSON struct {
	ID               string `json:"id"`
	ProblemID        string `json:"problem_id"`
	Status           string `json:"status"`
	StatusLabel      string `json:"status_label"`
	Deadline         string `json:"deadline"`
	WorkingDays      int    `json:"deadline_working_days,omitempty"`
	PreviousDeadline string `json:"previous_deadline,omitempty"`
	Reason           string `json:"reason"`
	RequestedBy      string `json:"requested_by"`
	RequestedUnit    string `json:"requested_unit,omitempty"`
	RequestedAt      string `json:"requested_at"`
	DecidedBy        string `json:"decided_by,omitempty"`
	DecidedAt        string `json:"decided_at,omitempty"`
	Note             string `json:"note,omitempty"`
	Version          int64  `json:"version"`
}

func toExtensionJSON(e *feedback.Extension) extensionJSON {
	return extensionJSON{ID: e.ID, ProblemID: e.ProblemID, Status: string(e.Status), StatusLabel: e.Status.Label(),
		Deadline: string(e.Deadline), WorkingDays: e.WorkingDays, PreviousDeadline: string(e.PreviousDeadline),
		Reason: e.Reason, RequestedBy: e.RequestedBy, RequestedUnit: e.RequestedUnit, RequestedAt: formatTime(e.RequestedAt),
		DecidedBy: e.DecidedBy, DecidedAt: formatTime(e.DecidedAt), Note: e.DecisionNote, Version: e.Version}
}

type extensionRequestJSON struct {
	Deadline            string `json:"deadline"`
	DeadlineWorkingDays int    `json:"deadline_working_days"`
	Reason              string `json:"reason"`
}

type extensionDecisionJSON struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note"`
}

func (h *StaffHandler) listExtensions(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	exts, err := h.svc.ListExtensions(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return err
	}
	items := make([]extensionJSON, 0, len(exts))
	for _, e := range exts {
		items = append(items, toExtensionJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (h *StaffHandler) requestExtension(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in extensionRequestJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := parseDateField("deadline", in.Deadline)
	if err != nil {
		return err
	}
	e, err := h.svc.RequestExtension(r.Context(), id, r.PathValue("id"),
		feedback.ExtensionInput{Deadline: d, DeadlineWorkingDays: in.DeadlineWorkingDays, Reason: in.Reason})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/problems/"+e.ProblemID+"/extensions/"+e.ID)
	writeJSON(w, http.StatusCreated, toExtensionJSON(e))
	return nil
}

func (h *StaffHandler) decideExtension(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in extensionDecisionJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		return feedback.FieldErrorf("approve", "请选择同意或不同意")
	}
	e, err := h.svc.DecideExtension(r.Context(), id, r.PathValue("id"), r.PathValue("eid"), *in.Approve, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toExtensionJSON(e))
	return nil
}
