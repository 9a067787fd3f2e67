package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// statusOf maps a feedback error code to an HTTP status. It is the only
// place that does.
func statusOf(code string) int {
	switch code {
	case feedback.EInvalid:
		return http.StatusBadRequest
	case feedback.EUnauthorized:
		return http.StatusUnauthorized
	case feedback.EForbidden:
		return http.StatusForbidden
	case feedback.ENotFound:
		return http.StatusNotFound
	case feedback.EConflict:
		return http.StatusConflict
	case feedback.EGone:
		return http.StatusGone
	case feedback.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case feedback.EUnsupported:
		return http.StatusUnsupportedMediaType
	case feedback.ERateLimited:
		return http.StatusTooManyRequests
	case feedback.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// defaultRetryAfter is what 503 answers suggest when the cause gives no hint.
const defaultRetryAfter = 2 * time.Second

// retryError carries how long the caller should wait (Retry-After).
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// rateLimited returns an ERateLimited error that answers 429 with
// Retry-After.
func rateLimited(after time.Duration) error {
	return &retryError{err: feedback.Errorf(feedback.ERateLimited, "请求过于频繁,请稍后再试"), after: after}
}

// retryAfter returns the Retry-After to send with err, or 0 for none.
func retryAfter(err error) time.Duration {
	var re *retryError
	if errors.As(err, &re) {
		return re.after
	}
	switch feedback.ErrorCode(err) {
	case feedback.ERateLimited, feedback.EUnavailable:
		return defaultRetryAfter
	}
	return 0
}

// errorBody is the JSON error shape of docs/design.md.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Field   string         `json:"field,omitempty"`
	Rows    []rowErrorJSON `json:"rows,omitempty"`
}

type rowErrorJSON struct {
	Row     int    `json:"row"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// failure is an error resolved for answering: status, safe message, field
// and the headers that go with it. Resolving logs an internal error once.
type failure struct {
	status  int
	code    string
	message string
	field   string
	rows    []rowErrorJSON
}

// resolve turns err into what the caller may see, logs internal errors with
// the request ID (once: callers below only wrap and return) and sets
// Retry-After when there is one.
func resolve(ctx context.Context, log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) failure {
	code := feedback.ErrorCode(err)
	f := failure{status: statusOf(code), code: code, message: feedback.ErrorMessage(err), field: feedback.ErrorField(err)}
	if f.status == http.StatusInternalServerError {
		f.code = feedback.EInternal
		f.message = feedback.InternalMessage
		f.field = ""
		log.LogAttrs(ctx, slog.LevelError, "internal error",
			slog.String("request_id", RequestID(ctx)), slog.String("route", r.Pattern), slog.Any("err", err))
	}
	var ie *feedback.ImportError
	if errors.As(err, &ie) {
		for _, row := range ie.Rows {
			f.rows = append(f.rows, rowErrorJSON{Row: row.Row, Field: row.Field, Message: row.Message})
		}
	}
	if d := retryAfter(err); d > 0 && (f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable) {
		secs := int((d + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	return f
}

// writeError answers err as JSON.
func writeError(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	f := resolve(r.Context(), log, w, r, err)
	writeJSON(w, f.status, errorBody{Error: errorDetail{Code: f.code, Message: f.message, Field: f.field, Rows: f.rows}})
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own API structs reach here; they always marshal.
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"` + feedback.InternalMessage + `"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
