package httpapi

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// viaParam marks how a form link was shared. The QR code encodes exactly
// form_url (docs/design.md), so a submission counts as channel qr unless the form
// was opened through web_url (form_url + "?via=web"), the link staff share
// on a website or in a message; the form then posts to
// ...?via=web. A referrer-free rule: it works with Referrer-Policy
// no-referrer and without JavaScript.
const viaParam = "via"

//go:embed static/form.js
var formJS []byte

// formJSVersion busts caches when the script changes; the script is served
// as immutable.
var formJSVersion = func() string {
	sum := sha256.Sum256(formJS)
	return hex.EncodeToString(sum[:6])
}()

// PublicConfig configures the public handler.
type PublicConfig struct {
	Service *feedback.Service
	// Logger receives access and error logs; slog.Default when nil.
	Logger *slog.Logger
	// Now is the rate limiters' clock; the service's clock when nil.
	Now func() time.Time
	// Rate limits; the Default* values when nil.
	SubmitPerIP        *RateLimit
	SubmitPerSymposium *RateLimit
	ReadPerIP          *RateLimit
	UploadPerIP        *RateLimit
	UploadPerSymposium *RateLimit
	// Photos stores photos that come inside a form post (the form without
	// JavaScript): feedback.LocalPhotos locally, which checks them at
	// once; nil means the Service, whose checking function on AWS judges
	// them on the bucket's event.
	Photos PhotoReceiver
}

// PhotoReceiver stores a problem lead's photo that came inside a form post.
type PhotoReceiver interface {
	ReceivePhoto(ctx context.Context, code string, spec feedback.UploadSpec, body io.Reader) (*feedback.File, error)
}

type publicHandler struct {
	svc          *feedback.Service
	log          *slog.Logger
	submitIP     *Limiter
	submitSym    *Limiter
	readIP       *Limiter
	uploadIP     *Limiter
	uploadSym    *Limiter
	photos       PhotoReceiver
	mux          *http.ServeMux
	honeypotHits func() // test hook, may be nil
}

// NewPublicHandler returns the public routes: the health check, the form,
// submissions, receipts and the form's static script.
func NewPublicHandler(cfg PublicConfig) http.Handler {
	h := newPublic(cfg)
	return common(h.log, h.mux)
}

func newPublic(cfg PublicConfig) *publicHandler {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	now := cfg.Now
	if now == nil {
		now = cfg.Service.Now
	}
	pick := func(l *RateLimit, def RateLimit) RateLimit {
		if l != nil {
			return *l
		}
		return def
	}
	h := &publicHandler{
		svc:       cfg.Service,
		log:       log,
		submitIP:  NewLimiter(pick(cfg.SubmitPerIP, DefaultSubmitPerIP), now),
		submitSym: NewLimiter(pick(cfg.SubmitPerSymposium, DefaultSubmitPerSymposium), now),
		readIP:    NewLimiter(pick(cfg.ReadPerIP, DefaultReadPerIP), now),
		uploadIP:  NewLimiter(pick(cfg.UploadPerIP, DefaultUploadPerIP), now),
		uploadSym: NewLimiter(pick(cfg.UploadPerSymposium, DefaultUploadPerSymposium), now),
		photos:    cfg.Photos,
		mux:       http.NewServeMux(),
	}
	if h.photos == nil {
		h.photos = cfg.Service
	}
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("GET /s/{code}", h.limitRead(h.form))
	h.mux.HandleFunc("POST /api/v1/symposia/{code}/suggestions", h.submit)
	h.mux.HandleFunc("GET /{$}", h.limitRead(h.home))
	h.mux.HandleFunc("GET /r", h.limitRead(h.lookup))
	h.mux.HandleFunc("POST /api/v1/symposia/{code}/uploads", h.requestPhotoUpload) // public_photos.go
	h.mux.HandleFunc("GET /api/v1/receipts/{receipt}", h.limitRead(h.receiptJSON))
	h.mux.HandleFunc("GET /r/{receipt}", h.limitRead(h.receiptPage))
	h.mux.HandleFunc("POST /api/v1/receipts/{receipt}/rating", h.rate)
	h.mux.HandleFunc("GET /static/form.js", h.limitRead(h.staticJS))
	h.mux.HandleFunc("GET /emblem/{name}", h.limitRead(h.emblem))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		err := feedback.Errorf(feedback.ENotFound, "页面不存在")
		// A person who mistyped a link reads a page; programs calling the
		// API read JSON.
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, "/api/") {
			h.pageError(w, r, err, nil)
			return
		}
		writeError(h.log, w, r, err)
	})
	return h
}

func (h *publicHandler) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// limitRead applies the per-address read limit to a page or lookup.
func (h *publicHandler) limitRead(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := h.readIP.Allow(clientIP(r)); !ok {
			err := rateLimited(wait)
			if strings.HasPrefix(r.Pattern, "GET /api/") {
				writeError(h.log, w, r, err)
				return
			}
			h.pageError(w, r, err, nil)
			return
		}
		next(w, r)
	}
}

func (h *publicHandler) staticJS(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/javascript; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("ETag", `"`+formJSVersion+`"`)
	if r.Header.Get("If-None-Match") == `"`+formJSVersion+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(formJS)))
	_, _ = w.Write(formJS)
}

// pageError answers a person's browser: a short page in Chinese under the
// office's name, with the right status (and Retry-After for 429/503).
func (h *publicHandler) pageError(w http.ResponseWriter, r *http.Request, err error, sym *feedback.Symposium) {
	f := resolve(r.Context(), h.log, w, r, err)
	title, msg := "出错了", "请稍后再试。"
	switch f.status {
	case http.StatusNotFound:
		title, msg = "未找到", "没有找到该页面,请核对二维码或链接。"
	case http.StatusGone:
		title, msg = "意见征集已结束", "该座谈会的意见征集已结束,感谢您的关注。"
		if sym != nil {
			title = sym.Title
			if sym.Status == feedback.SymposiumDraft {
				msg = "该座谈会尚未开始收集意见,请在座谈会开始后再扫码或打开链接。"
			}
		}
	case http.StatusTooManyRequests:
		title, msg = "请求过于频繁", "请稍等片刻后再试。"
	case http.StatusServiceUnavailable:
		title, msg = "系统繁忙", "请稍后再试,您填写的内容不会丢失。"
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusConflict:
		title, msg = "提交未成功", f.message
	}
	// The page reads as the office's own, like the form and the receipt;
	// a refusal for load (429, 5xx) does not read the settings, which
	// would only add to the load.
	office := &feedback.Settings{}
	if f.status < http.StatusInternalServerError && f.status != http.StatusTooManyRequests {
		office = h.office(r)
	}
	writePage(w, f.status, messagePage(office, title, msg))
}

// form serves GET /s/{code}.
func (h *publicHandler) form(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	// A link typed by hand from a poster may be in lower case: the code
	// is upper case, so such a link goes to the form's own address.
	if up := strings.ToUpper(code); up != code && feedback.ValidSymposiumCode(up) {
		u := "/s/" + url.PathEscape(up)
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusMovedPermanently)
		return
	}
	sym, err := h.svc.FormSymposium(r.Context(), code)
	if err != nil {
		h.pageError(w, r, err, sym)
		return
	}
	writePage(w, http.StatusOK, formPage(formData{
		Office: h.office(r), Sym: sym, Action: h.action(sym.Code, r.URL.Query().Get(viaParam) == "web"),
		IdempotencyKey: "f-" + newRequestID(), OfferNotify: h.svc.OffersSubmitterNotices(),
	}))
}

// action is where a form posts; it carries via=web when the form was opened
// through the web link.
func (h *publicHandler) action(code string, web bool) string {
	a := "/api/v1/symposia/" + url.PathEscape(code) + "/suggestions"
	if web {
		a += "?" + viaParam + "=web"
	}
	return a
}

// submit serves POST /api/v1/symposia/{code}/suggestions.
func (h *publicHandler) submit(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	var (
		body   submissionJSON
		photos []formPhoto
	)
	kind := bodyJSON
	fail := func(err error) {
		if kind == bodyForm {
			h.formError(w, r, code, body, len(photos), err)
			return
		}
		writeError(h.log, w, r, err)
	}
	multipartForm := mediaType(r) == "multipart/form-data"
	if mediaType(r) == "application/x-www-form-urlencoded" || multipartForm {
		kind = bodyForm
	}
	if ok, wait := h.submitIP.Allow(clientIP(r)); !ok {
		fail(rateLimited(wait))
		return
	}
	var (
		k    bodyKind
		form url.Values
		err  error
	)
	if multipartForm {
		k = bodyForm
		form, photos, err = readPhotoForm(w, r) // public_photos.go
	} else {
		k, form, err = decodeJSONOrForm(w, r, &body)
	}
	if k == bodyForm && form != nil {
		body = submissionJSON{
			ParticipantKind: form.Get("participant_kind"), Kind: form.Get("kind"),
			Name: form.Get("name"), Organization: form.Get("organization"), Contact: form.Get("contact"),
			Topic: form.Get("topic"), Content: form.Get("content"),
			IdempotencyKey: form.Get("idempotency_key"), Website: form.Get("website"),
			Notify: form.Get("notify") != "",
		}
	}
	if err != nil {
		fail(err) // a form comes back with what was typed
		return
	}
	if body.SymposiumID != "" {
		fail(feedback.FieldErrorf("symposium_id", "请求中不能指定座谈会:意见提交到链接所指的座谈会"))
		return
	}
	if hk := r.Header.Get("Idempotency-Key"); hk != "" {
		if body.IdempotencyKey != "" && body.IdempotencyKey != hk {
			fail(feedback.FieldErrorf("idempotency_key", "请求头 Idempotency-Key 与表单标识不一致"))
			return
		}
		body.IdempotencyKey = hk
	}
	if body.Website != "" {
		// Honeypot: answer exactly like a success so the bot learns
		// nothing, store nothing. The receipt is fresh and unknown.
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "honeypot", slog.String("request_id", RequestID(r.Context())))
		if h.honeypotHits != nil {
			h.honeypotHits()
		}
		now := h.svc.Now()
		h.submitted(w, r, k, &feedback.Suggestion{ID: feedback.NewID(now), Receipt: feedback.NewReceipt(),
			Status: feedback.SuggestionReceived, SubmittedAt: now}, true)
		return
	}
	if feedback.ValidSymposiumCode(code) {
		if ok, wait := h.submitSym.Allow(code); !ok {
			fail(rateLimited(wait))
			return
		}
	}
	channel := feedback.ChannelQR
	if r.URL.Query().Get(viaParam) == "web" {
		channel = feedback.ChannelWeb
	}
	if len(photos) > 0 {
		if body.PhotoFileIDs, err = h.storeFormPhotos(r, code, photos); err != nil { // public_photos.go
			fail(err)
			return
		}
	}
	sg, created, err := h.svc.Submit(r.Context(), code, body.input(), channel)
	if err != nil {
		fail(err)
		return
	}
	h.submitted(w, r, k, sg, created)
}

// submitted answers a stored (or replayed) submission: 201 with the receipt
// for JSON — also when an idempotency key is replayed, with the same body
// and Idempotent-Replayed: true — and 303 to the receipt page for a form.
func (h *publicHandler) submitted(w http.ResponseWriter, r *http.Request, k bodyKind, sg *feedback.Suggestion, created bool) {
	if !created {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	if k == bodyForm {
		w.Header().Set("Location", "/r/"+url.PathEscape(sg.Receipt))
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusCreated, submittedJSON{
		ID: sg.ID, Receipt: sg.Receipt, Status: string(sg.Status), SubmittedAt: formatTime(sg.SubmittedAt),
	})
}

// formError answers a failed form post (JavaScript off): a field error
// shows the form again with what was typed and the error named, and asks
// for the photos it carried (photos) again; anything else a short page
// with the status.
func (h *publicHandler) formError(w http.ResponseWriter, r *http.Request, code string, body submissionJSON, photos int, err error) {
	if c := feedback.ErrorCode(err); c != feedback.EInvalid && c != feedback.ETooLarge || feedback.ErrorField(err) == "" {
		h.pageError(w, r, err, nil)
		return
	}
	sym, serr := h.svc.FormSymposium(r.Context(), code)
	if serr != nil {
		h.pageError(w, r, serr, sym)
		return
	}
	f := resolve(r.Context(), h.log, w, r, err)
	writePage(w, f.status, formPage(formData{
		Office: h.office(r), Sym: sym, Action: h.action(sym.Code, r.URL.Query().Get(viaParam) == "web"),
		IdempotencyKey: body.IdempotencyKey,
		Values: map[string]string{
			"participant_kind": body.ParticipantKind, "kind": body.Kind, "name": body.Name,
			"organization": body.Organization, "contact": body.Contact, "topic": body.Topic, "content": body.Content,
			"notify": map[bool]string{true: "1"}[body.Notify],
		},
		ErrField: f.field, ErrMessage: f.message, OfferNotify: h.svc.OffersSubmitterNotices(),
		PhotosLost: photos > 0 || feedback.ErrorField(err) == "photo_file_ids",
	}))
}

// office returns the office's settings for a page. A page still works
// without them: a failed read is logged and the default name shown.
func (h *publicHandler) office(r *http.Request) *feedback.Settings {
	st, err := h.svc.OfficeSettings(r.Context())
	if err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "office settings unavailable",
			slog.String("request_id", RequestID(r.Context())), slog.String("err", err.Error()))
		return &feedback.Settings{}
	}
	return st
}

// emblem serves GET /emblem/{name}: the office's emblem under the name
// derived from its bytes, cacheable for good (a new emblem gets a new
// name).
func (h *publicHandler) emblem(w http.ResponseWriter, r *http.Request) {
	e, err := h.svc.PublicEmblem(r.Context(), r.PathValue("name"))
	if err != nil {
		writeError(h.log, w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", e.ContentType)
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("Content-Length", strconv.Itoa(len(e.Data)))
	_, _ = w.Write(e.Data)
}
