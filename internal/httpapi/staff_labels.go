package httpapi

import (
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

// labelsJSON is feedback.LabelSet as the API sends it.
type labelsJSON struct {
	ParticipantKinds   map[string]string `json:"participant_kinds"`
	SuggestionKinds    map[string]string `json:"suggestion_kinds"`
	Channels           map[string]string `json:"channels"`
	SuggestionStatuses map[string]string `json:"suggestion_statuses"`
	ProblemStatuses    map[string]string `json:"problem_statuses"`
	SymposiumStatuses  map[string]string `json:"symposium_statuses"`
	Roles              map[string]string `json:"roles"`
	Periods            map[string]string `json:"periods"`
	DocumentKinds      map[string]string `json:"document_kinds"`
	Actions            map[string]string `json:"audit_actions"`
	Fields             map[string]string `json:"fields"`
	Grades             map[string]string `json:"grades"`
	Ratings            map[string]string `json:"ratings"`
	ReplyStates        map[string]string `json:"reply_states"`
	AssessmentEvents   map[string]string `json:"assessment_events"`
	ExtensionStatuses  map[string]string `json:"extension_statuses"`
	NotifyChannels     map[string]string `json:"notify_channels"`
	UnitRoles          map[string]string `json:"unit_roles"`
	Triage             string            `json:"triage"`
}

// getLabels serves GET /api/v1/labels: the Chinese word for every code the
// API sends (statuses, kinds, roles, audit actions, the fields errors
// name), from the domain, so a client never keeps its own copy.
func (h *StaffHandler) getLabels(w http.ResponseWriter, _ *http.Request, _ feedback.Identity) error {
	l := feedback.Labels()
	writeJSON(w, http.StatusOK, labelsJSON{
		ParticipantKinds: l.ParticipantKinds, SuggestionKinds: l.SuggestionKinds, Channels: l.Channels,
		SuggestionStatuses: l.SuggestionStatuses, ProblemStatuses: l.ProblemStatuses, SymposiumStatuses: l.SymposiumStatuses,
		Roles: l.Roles, Periods: l.Periods, DocumentKinds: l.DocumentKinds, Actions: l.Actions, Fields: l.Fields, Grades: l.Grades, Ratings: l.Ratings, ReplyStates: l.ReplyStates, Triage: l.Triage,
		AssessmentEvents: l.AssessmentEvents, ExtensionStatuses: l.ExtensionStatuses,
		NotifyChannels: l.NotifyChannels, UnitRoles: l.UnitRoles,
	})
	return nil
}
