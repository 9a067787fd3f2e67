package httpapi

import (
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Unit registry routes: the units problems, rules and accounts name, their
// heads and their own notification channels, and the one-off migration of
// free-text unit names.
func (h *StaffHandler) unitRoutes() {
	h.Handle("GET /api/v1/units", h.listUnits)
	h.Handle("POST /api/v1/units", h.createUnit)
	h.Handle("GET /api/v1/units/{name}", h.getUnit)
	h.Handle("PATCH /api/v1/units/{name}", h.patchUnit)
	h.Handle("GET /api/v1/unit-migration", h.unitMigrationPlan)
	h.Handle("POST /api/v1/unit-migration", h.migrateUnits)
}

// notifyJSON is a unit's channel as the API shows it: the address masked,
// the secret never (has_secret says whether there is one).
type notifyJSON struct {
	Channel      string `json:"channel"`
	ChannelLabel string `json:"channel_label"`
	URL          string `json:"url"`
	HasSecret    bool   `json:"has_secret"`
}

type unitJSON struct {
	Name      string      `json:"name"`
	Head      string      `json:"head"`
	Contact   string      `json:"contact"`
	Notify    *notifyJSON `json:"notify"`
	CreatedAt string      `json:"created_at"`
	UpdatedAt string      `json:"updated_at"`
	UpdatedBy string      `json:"updated_by,omitempty"`
	Version   int64       `json:"version"`
}

func toUnitJSON(u *feedback.Unit) unitJSON {
	out := unitJSON{Name: u.Name, Head: u.Head, Contact: u.Contact,
		CreatedAt: formatTime(u.CreatedAt), UpdatedAt: formatTime(u.UpdatedAt), UpdatedBy: u.UpdatedBy, Version: u.Version}
	if u.Notify.Kind != "" {
		m := u.Notify.Masked()
		out.Notify = &notifyJSON{Channel: m.Kind, URL: m.URL, HasSecret: u.Notify.Secret != ""}
		for _, k := range feedback.NotifyChannelKinds {
			if k.Kind == m.Kind {
				out.Notify.ChannelLabel = k.Label
			}
		}
	}
	return out
}

// notifyInJSON is a channel in a request. In PATCH an empty url keeps the
// stored address and an absent secret keeps the stored secret ("" removes
// it); {"channel": ""} removes the channel.
type notifyInJSON struct {
	Channel string  `json:"channel"`
	URL     string  `json:"url"`
	Secret  *string `json:"secret"`
}

func (n *notifyInJSON) channel() feedback.NotifyChannel {
	ch := feedback.NotifyChannel{Kind: n.Channel, URL: n.URL}
	if n.Secret != nil {
		ch.Secret = *n.Secret
	}
	return ch
}

type unitCreateJSON struct {
	Name    string        `json:"name"`
	Head    string        `json:"head"`
	Contact string        `json:"contact"`
	Notify  *notifyInJSON `json:"notify"`
}

type unitPatchJSON struct {
	Head    *string       `json:"head"`
	Contact *string       `json:"contact"`
	Notify  *notifyInJSON `json:"notify"`
	Version int64         `json:"version"`
}

func (h *StaffHandler) listUnits(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := h.svc.ListUnits(r.Context(), id, feedback.UnitFilter{Limit: limit, Cursor: cursor})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, toUnitJSON))
	return nil
}

func (h *StaffHandler) createUnit(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in unitCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ui := feedback.UnitInput{Name: in.Name, Head: in.Head, Contact: in.Contact}
	if in.Notify != nil {
		ui.Notify = in.Notify.channel()
	}
	u, err := h.svc.CreateUnit(r.Context(), id, ui)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toUnitJSON(u))
	return nil
}

func (h *StaffHandler) getUnit(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	u, err := h.svc.GetUnit(r.Context(), id, r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUnitJSON(u))
	return nil
}

func (h *StaffHandler) patchUnit(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in unitPatchJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	e := feedback.UnitEdit{Head: in.Head, Contact: in.Contact, IfVersion: in.Version}
	if in.Notify != nil {
		ch := in.Notify.channel()
		e.Notify, e.KeepURL, e.KeepSecret = &ch, true, in.Notify.Secret == nil
	}
	u, err := h.svc.UpdateUnit(r.Context(), id, r.PathValue("name"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toUnitJSON(u))
	return nil
}

type unitReferenceJSON struct {
	Name      string `json:"name"`
	Problems  int    `json:"problems"`
	Rules     int    `json:"rules"`
	Lists     int    `json:"lists"`
	Accounts  int    `json:"accounts"`
	Suggested string `json:"suggested"`
}

func (h *StaffHandler) unitMigrationPlan(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	plan, err := h.svc.UnitMigrationPlan(r.Context(), id)
	if err != nil {
		return err
	}
	items := make([]unitReferenceJSON, 0, len(plan))
	for _, p := range plan {
		items = append(items, unitReferenceJSON(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

type unitMigrationJSON struct {
	Mappings []struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"mappings"`
}

type unitMigrationResultJSON struct {
	Registered int `json:"registered"`
	Problems   int `json:"problems"`
	Rules      int `json:"rules"`
	Lists      int `json:"lists"`
	Accounts   int `json:"accounts"`
}

func (h *StaffHandler) migrateUnits(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in unitMigrationJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var ms []feedback.UnitMapping
	for _, m := range in.Mappings {
		ms = append(ms, feedback.UnitMapping{From: m.From, To: m.To})
	}
	res, err := h.svc.MigrateUnits(r.Context(), id, ms)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, unitMigrationResultJSON(res))
	return nil
}
