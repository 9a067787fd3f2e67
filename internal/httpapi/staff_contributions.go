package httpapi

import (
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Contribution routes: a co-unit reports its part in a problem (协办情况),
// with evidence files uploaded first as for progress reports.
func (h *StaffHandler) contributionRoutes() {
	h.Handle("GET /api/v1/problems/{id}/contributions", h.listContributions)
	h.Handle("POST /api/v1/problems/{id}/contributions", h.addContribution)
}

type contributionJSON struct {
	ID        string         `json:"id"`
	ProblemID string         `json:"problem_id"`
	Unit      string         `json:"unit"`
	Text      string         `json:"text"`
	Evidence  []evidenceJSON `json:"evidence"`
	By        string         `json:"by"`
	At        string         `json:"at"`
}

func toContributionJSON(c *feedback.Contribution) contributionJSON {
	return contributionJSON{ID: c.ID, ProblemID: c.ProblemID, Unit: c.Unit, Text: c.Text,
		Evidence: toEvidenceJSON(c.Files), By: c.By, At: formatTime(c.At)}
}

type contributionInJSON struct {
	Text            string   `json:"text"`
	EvidenceFileIDs []string `json:"evidence_file_ids"`
}

func (h *StaffHandler) listContributions(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	cs, err := h.svc.ListContributions(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return err
	}
	items := make([]contributionJSON, 0, len(cs))
	for _, c := range cs {
		items = append(items, toContributionJSON(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (h *StaffHandler) addContribution(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in contributionInJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.svc.AddContribution(r.Context(), id, r.PathValue("id"), in.Text, in.EvidenceFileIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toContributionJSON(c))
	return nil
}
