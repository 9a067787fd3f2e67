package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

func (h *StaffHandler) symposiumRoutes() {
	h.Handle("POST /api/v1/symposia", h.createSymposium)
	h.Handle("GET /api/v1/symposia", h.listSymposia)
	h.Handle("GET /api/v1/symposia/{id}", h.getSymposium)
	h.Handle("PATCH /api/v1/symposia/{id}", h.updateSymposium)
	h.Handle("GET /api/v1/symposia/{id}/qr.png", h.symposiumQRPNG)
	h.Handle("GET /api/v1/symposia/{id}/qr.svg", h.symposiumQRSVG)
	h.Handle("GET /api/v1/symposia/{id}/poster", h.symposiumPoster)
}

// listParams reads the list convention's limit and cursor.
func listParams(r *http.Request) (int, string, error) {
	q := r.URL.Query()
	limit, err := queryInt(q, "limit")
	if err != nil {
		return 0, "", err
	}
	return limit, q.Get("cursor"), nil
}

// parseDateParam reads an optional YYYY-MM-DD query parameter.
func parseDateParam(q url.Values, name string) (feedback.Date, error) {
	d, err := feedback.ParseDate(strings.TrimSpace(q.Get(name)))
	if err != nil {
		return "", feedback.FieldErrorf(name, "%s应为 YYYY-MM-DD 格式的日期", feedback.FieldLabel(name))
	}
	return d, nil
}

func (h *StaffHandler) createSymposium(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in symposiumCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	starts, err := parseTime("starts_at", in.StartsAt)
	if err != nil {
		return err
	}
	ends, err := parseTime("ends_at", in.EndsAt)
	if err != nil {
		return err
	}
	sym, err := h.svc.CreateSymposium(r.Context(), id, feedback.SymposiumInput{
		Title: in.Title, Campaign: in.Campaign, HostUnit: in.HostUnit, Venue: in.Venue,
		StartsAt: starts, EndsAt: ends, Status: feedback.SymposiumStatus(in.Status),
		AllowedKinds: toKinds(in.AllowedKinds),
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/symposia/"+sym.ID)
	writeJSON(w, http.StatusCreated, toSymposiumJSON(h.svc, sym))
	return nil
}

func (h *StaffHandler) listSymposia(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := h.svc.ListSymposia(r.Context(), id, feedback.SymposiumFilter{
		Status: feedback.SymposiumStatus(r.URL.Query().Get("status")), Limit: limit, Cursor: cursor,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, func(s *feedback.Symposium) symposiumJSON { return toSymposiumJSON(h.svc, s) }))
	return nil
}

// symposium loads the symposium named by the path.
func (h *StaffHandler) symposium(r *http.Request, id feedback.Identity) (*feedback.Symposium, error) {
	sid := r.PathValue("id")
	if !feedback.ValidKey(sid) {
		return nil, feedback.NotFound("symposium", sid)
	}
	return h.svc.GetSymposium(r.Context(), id, sid)
}

func (h *StaffHandler) getSymposium(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sym, err := h.symposium(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSymposiumJSON(h.svc, sym))
	return nil
}

func (h *StaffHandler) updateSymposium(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in symposiumPatchJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	patch, err := in.toPatch()
	if err != nil {
		return err
	}
	sid := r.PathValue("id")
	if !feedback.ValidKey(sid) {
		return feedback.NotFound("symposium", sid)
	}
	sym, err := h.svc.UpdateSymposium(r.Context(), id, sid, patch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSymposiumJSON(h.svc, sym))
	return nil
}
