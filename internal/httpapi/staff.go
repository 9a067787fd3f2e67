package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

// StaffConfig configures the staff handler.
type StaffConfig struct {
	Service *feedback.Service
	// Auth finds the caller: ClaimsAuth on AWS, TokenAuth locally.
	Auth Authenticator
	// Logger receives access and error logs; slog.Default when nil.
	Logger *slog.Logger
	// Spreadsheets reads XLSX imports and writes XLSX exports (xlsx.Codec
	// of internal/sheet/xlsx). nil answers every XLSX route with 415; CSV
	// still works. It is injected so that binaries that do not wire it
	// do not link the spreadsheet library.
	Spreadsheets Spreadsheets
	// Console, when its Files are set, serves the staff console from the
	// same handler (the local stack; console.go). On AWS the console has a
	// function of its own and the staff function leaves this zero.
	Console ConsoleConfig
	// Files are the file use cases (uploads, downloads); nil answers the
	// file routes with 415.
	Files *feedback.Files
	// Uploads, when set (local disk storage: feedback.LocalUploads), is
	// served at LocalUploadPath, the url of the upload forms.
	Uploads UploadTaker
	// Documents are the document use cases and DocumentWriter (docx.Writer)
	// prints them; nil answers the document routes with 415.
	Documents      *feedback.Documents
	DocumentWriter DocumentWriter
}

// UploadTaker takes the posts of upload forms and checks the bytes.
type UploadTaker interface {
	TakeUpload(ctx context.Context, body io.Reader, contentType string) (*feedback.File, error)
}

// StaffFunc handles one authenticated staff request. id is the caller (it
// always has a role); a returned error is answered by the one error mapping.
type StaffFunc func(w http.ResponseWriter, r *http.Request, id feedback.Identity) error

// StaffHandler serves the staff API. Its routes come in groups, one file
// each (symposia, suggestions, problems, exports, summaries, OpenAPI), all
// listed in routes. With Console.Files set (the local stack) it serves the
// console too.
type StaffHandler struct {
	svc      *feedback.Service
	log      *slog.Logger
	auth     Authenticator
	sheetsIO Spreadsheets
	mux      *http.ServeMux
	cop      *http.CrossOriginProtection
	root     http.Handler
	files    *feedback.Files
	uploads  UploadTaker
}

// routes registers every staff route group. A new group is a method in its
// own file that calls h.Handle for each of its routes, plus one line here:
//
//	func (h *StaffHandler) problemRoutes() {
//		h.Handle("GET /api/v1/problems/{id}", h.getProblem)
//	}
//
// The groups are listed here rather than registered from init functions on
// purpose: an init that mentions a handler makes the linker keep it in every
// binary importing the package, and the public collect Lambda, which builds
// only the public handler, then carried all staff code (about 1 MB of its
// 12 MB budget). Called only from newStaff, the staff code is dropped from
// collect.
func (h *StaffHandler) routes() {
	h.symposiumRoutes()
	h.suggestionRoutes()
	h.problemRoutes()
	h.exportRoutes()
	h.summaryRoutes()
	h.adminRoutes()        // staff_accounts.go: accounts, anonymisation
	h.unitRoutes()         // staff_units.go: the unit registry and its migration
	h.calendarRoutes()     // staff_calendar.go: working days and the calendar
	h.extensionRoutes()    // staff_extensions.go: extension requests and decisions
	h.contributionRoutes() // staff_contributions.go: co-units' reports
	h.assessmentRoutes()   // staff_assessment.go: the assessment scheme and scores
	h.fileRoutes()         // staff_files.go: uploads and downloads
	h.meRoutes()           // staff_me.go: who is signed in
	h.settingsRoutes()     // staff_settings.go: the office's settings
	h.Handle("GET /api/v1/labels", h.getLabels)
	// documents.go's routes are not here: the documents Lambda serves them
	// (NewDocumentHandler), so the staff Lambda links neither the Word
	// writer nor the document use cases; NewHandler adds them locally.
}

// NewStaffHandler returns the staff API. Every route requires credentials
// (401 without, 403 for a caller with no role) and refuses cross-origin
// state-changing browser requests.
func NewStaffHandler(cfg StaffConfig) *StaffHandler {
	h := newStaff(cfg, http.NewServeMux())
	h.mux.HandleFunc("/", h.notFound)
	h.root = common(h.log, h.mux)
	return h
}

func newStaff(cfg StaffConfig, mux *http.ServeMux) *StaffHandler {
	h := newStaffBase(cfg, mux)
	h.routes()
	if cfg.Console.Files != nil {
		(&console{cfg: cfg.Console, log: h.log}).routes(mux)
	}
	return h
}

// newStaffBase is a staff handler with no routes yet.
func newStaffBase(cfg StaffConfig, mux *http.ServeMux) *StaffHandler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	h := &StaffHandler{svc: cfg.Service, log: log, auth: cfg.Auth, sheetsIO: cfg.Spreadsheets, mux: mux, cop: http.NewCrossOriginProtection()}
	h.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(h.log, w, r, feedback.Errorf(feedback.EForbidden, "拒绝跨站请求"))
	}))
	h.files, h.uploads = cfg.Files, cfg.Uploads
	return h
}

// ServeHTTP serves the staff routes.
func (h *StaffHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.root.ServeHTTP(w, r) }

// Service returns the service the handler calls.
func (h *StaffHandler) Service() *feedback.Service { return h.svc }

func (h *StaffHandler) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(h.log, w, r, feedback.Errorf(feedback.ENotFound, "接口不存在"))
}

// Handle registers fn for a method-and-path pattern ("GET /api/v1/x/{id}")
// behind authentication and cross-origin protection.
func (h *StaffHandler) Handle(pattern string, fn StaffFunc) {
	h.mux.Handle(pattern, h.cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.auth == nil {
			writeError(h.log, w, r, feedback.Errorf(feedback.EUnauthorized, "请先登录"))
			return
		}
		id, err := h.auth.Authenticate(r)
		if err != nil {
			if feedback.IsCode(err, feedback.EUnauthorized) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="jianyan"`)
			}
			writeError(h.log, w, r, err)
			return
		}
		if !id.Role.Valid() {
			writeError(h.log, w, r, feedback.Errorf(feedback.EForbidden, "您的账号尚未分配角色,请联系管理员"))
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), identityKey, id))
		if err := fn(w, r, id); err != nil {
			writeError(h.log, w, r, err)
		}
	})))
}

// IdentityFrom returns the authenticated caller of a staff request.
func IdentityFrom(ctx context.Context) (feedback.Identity, bool) {
	id, ok := ctx.Value(identityKey).(feedback.Identity)
	return id, ok
}

// NewHandler serves public and staff routes from one mux: the local
// process uses it; Lambda runs them as two functions.
func NewHandler(pub PublicConfig, staff StaffConfig) http.Handler {
	p := newPublic(pub)
	newStaff(staff, p.mux).documentRoutes(staff.Documents, staff.DocumentWriter)
	openAPIRoutes(p.mux) // openapi.go
	return common(p.log, p.mux)
}
