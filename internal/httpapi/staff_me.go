package httpapi

import (
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

func (h *StaffHandler) meRoutes() {
	h.Handle("GET /api/v1/me", h.me)
}

// meJSON is GET /api/v1/me: who is signed in, so the console shapes its
// menu and actions by role. accounts says where accounts are managed:
// "local" (the accounts API) or "user_pool" (Cognito groups on AWS).
type meJSON struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Unit     string `json:"unit,omitempty"`
	Accounts string `json:"accounts"`
}

func (h *StaffHandler) me(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	accounts := "user_pool"
	if la, ok := h.auth.(localAccounts); ok && la.LocalAccounts() {
		accounts = "local"
	}
	writeJSON(w, http.StatusOK, meJSON{Name: id.Name, Role: string(id.Role), Unit: id.Unit, Accounts: accounts})
	return nil
}
