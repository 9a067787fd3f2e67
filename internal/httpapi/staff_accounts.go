package httpapi

import (
	"net/http"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Administration routes: local accounts and the anonymisation of personal
// data past its retention period. Both are for administrators only; the
// service checks the role.
func (h *StaffHandler) adminRoutes() {
	h.Handle("POST /api/v1/accounts", h.createAccount)
	h.Handle("GET /api/v1/accounts", h.listAccounts)
	h.Handle("PATCH /api/v1/accounts/{id}", h.patchAccount)
	h.Handle("POST /api/v1/admin/anonymize", h.anonymize)
}

// localAccounts is implemented by authenticators that sign in with the
// store's accounts (TokenAuth). On AWS (ClaimsAuth) staff are user-pool
// users and the accounts routes answer 404 saying so.
type localAccounts interface {
	LocalAccounts() bool
}

// LocalAccounts reports that TokenAuth signs in with the store's accounts,
// so the accounts API manages them.
func (a *TokenAuth) LocalAccounts() bool { return a.Store != nil }

func (h *StaffHandler) accountsHere(id feedback.Identity) error {
	if id.Role != feedback.RoleAdmin {
		return feedback.Errorf(feedback.EForbidden, "仅管理员可以管理账号")
	}
	if la, ok := h.auth.(localAccounts); ok && la.LocalAccounts() {
		return nil
	}
	return feedback.Errorf(feedback.ENotFound, "账号在用户池中管理:请在 Cognito 用户池中添加用户,"+
		"并加入 admin(管理员)、staff(工作人员)或 unit:<单位名称>(责任单位)组")
}

type accountCreateJSON struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Unit string `json:"unit"`
}

// accountJSON never carries the token hash.
type accountJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Unit      string `json:"unit,omitempty"`
	CreatedAt string `json:"created_at"`
	Disabled  bool   `json:"disabled"`
}

type accountCreatedJSON struct {
	accountJSON
	// Token is shown once, in this answer; only its hash is stored.
	Token string `json:"token"`
}

func toAccountJSON(a *feedback.Account) accountJSON {
	return accountJSON{ID: a.ID, Name: a.Name, Role: string(a.Role), Unit: a.Unit, CreatedAt: formatTime(a.CreatedAt), Disabled: a.Disabled}
}

// patchAccount serves PATCH /api/v1/accounts/{id} {"disabled": true|false}:
// an administrator stops or restores an account's sign-in.
func (h *StaffHandler) patchAccount(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if err := h.accountsHere(id); err != nil {
		return err
	}
	var in struct {
		Disabled *bool `json:"disabled"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Disabled == nil {
		return feedback.FieldErrorf("disabled", "请说明停用还是恢复该账号")
	}
	a, err := h.svc.SetAccountDisabled(r.Context(), id, r.PathValue("id"), *in.Disabled)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAccountJSON(a))
	return nil
}

func (h *StaffHandler) createAccount(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if err := h.accountsHere(id); err != nil {
		return err
	}
	var in accountCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, token, err := h.svc.CreateAccount(r.Context(), id, feedback.AccountInput{Name: in.Name, Role: feedback.Role(in.Role), Unit: in.Unit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, accountCreatedJSON{accountJSON: toAccountJSON(a), Token: token})
	return nil
}

func (h *StaffHandler) listAccounts(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if err := h.accountsHere(id); err != nil {
		return err
	}
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := h.svc.ListAccounts(r.Context(), id, limit, cursor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, toAccountJSON))
	return nil
}

type anonymizeJSON struct {
	OlderThanDays int `json:"older_than_days"`
}

type anonymizedJSON struct {
	Cutoff       string `json:"cutoff"`
	Examined     int    `json:"examined"`
	Anonymized   int    `json:"anonymized"`
	Failed       int    `json:"failed"`
	AuditEventID string `json:"audit_event_id"`
}

// anonymize serves POST /api/v1/admin/anonymize {"older_than_days": 730}.
// A run over many suggestions may outlast a request on Lambda (29 s at API
// Gateway); it is idempotent, so the administrator runs it again until it
// reports nothing left (or uses the command line tool).
func (h *StaffHandler) anonymize(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if id.Role != feedback.RoleAdmin {
		return feedback.Errorf(feedback.EForbidden, "仅管理员可以删除过期的个人信息")
	}
	var in anonymizeJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.OlderThanDays < 1 || in.OlderThanDays > 36500 {
		return feedback.FieldErrorf("older_than_days", "保留天数应为 1 到 36500 之间的整数")
	}
	c, err := h.svc.AnonymizePersonalData(r.Context(), id, time.Duration(in.OlderThanDays)*24*time.Hour)
	if err != nil {
		// A partial failure is recorded in the audit event with its
		// counts; the run is idempotent, so the caller runs it again.
		return err
	}
	writeJSON(w, http.StatusOK, anonymizedJSON{Cutoff: formatTime(c.Cutoff), Examined: c.Examined,
		Anonymized: c.Anonymized, Failed: c.Failed, AuditEventID: c.AuditID})
	return nil
}
