package httpapi

import (
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

func (h *StaffHandler) settingsRoutes() {
	h.Handle("GET /api/v1/settings", h.getSettings)
	h.Handle("PUT /api/v1/settings", h.putSettings)
}

// settingsJSON is the office's settings as the API shows them.
type settingsJSON struct {
	OfficeName     string            `json:"office_name"`
	Issuer         string            `json:"issuer"`
	NumberPrefixes map[string]string `json:"number_prefixes"`
	// Emblem is null when there is none; url is the public address the
	// pages use.
	Emblem    *emblemJSON `json:"emblem"`
	Version   int64       `json:"version"`
	UpdatedAt string      `json:"updated_at,omitempty"`
	UpdatedBy string      `json:"updated_by,omitempty"`
}

type emblemJSON struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

func toSettingsJSON(s *feedback.Settings) settingsJSON {
	out := settingsJSON{
		OfficeName: s.OfficeName, Issuer: s.Issuer, NumberPrefixes: map[string]string{},
		Version: s.Version, UpdatedAt: formatTime(s.UpdatedAt), UpdatedBy: s.UpdatedBy,
	}
	for k, v := range s.NumberPrefixes {
		out.NumberPrefixes[string(k)] = v
	}
	if name := s.EmblemName(); name != "" {
		out.Emblem = &emblemJSON{URL: emblemPath(name), ContentType: s.Emblem.ContentType, Size: len(s.Emblem.Data)}
	}
	return out
}

// settingsPutJSON is the body of PUT /api/v1/settings.
type settingsPutJSON struct {
	OfficeName     string            `json:"office_name"`
	Issuer         string            `json:"issuer"`
	NumberPrefixes map[string]string `json:"number_prefixes"`
	// EmblemFileID: absent or null keeps the emblem, "" removes it, an
	// uploaded image's ID replaces it.
	EmblemFileID *string `json:"emblem_file_id"`
	// Version, when given, must be the version read (409 otherwise).
	Version *int64 `json:"version"`
}

func (h *StaffHandler) getSettings(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	s, err := h.svc.GetSettings(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(s))
	return nil
}

func (h *StaffHandler) putSettings(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in settingsPutJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	prefixes := map[feedback.DocumentKind]string{}
	for k, v := range in.NumberPrefixes {
		prefixes[feedback.DocumentKind(k)] = v
	}
	s, err := h.svc.PutSettings(r.Context(), id, feedback.SettingsInput{
		OfficeName: in.OfficeName, Issuer: in.Issuer, NumberPrefixes: prefixes,
		EmblemFileID: in.EmblemFileID, Version: in.Version,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(s))
	return nil
}
