package httpapi

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		err        error
		status     int
		retryAfter string
		message    string
	}{
		{feedback.FieldErrorf("content", "too short"), 400, "", "too short"},
		{feedback.Errorf(feedback.EUnauthorized, "who"), 401, "", "who"},
		{feedback.Errorf(feedback.EForbidden, "no"), 403, "", "no"},
		{fmt.Errorf("get x: %w", feedback.NotFound("symposium", "x")), 404, "", "座谈会不存在"},
		{feedback.Conflictf("busy"), 409, "", "busy"},
		{feedback.Errorf(feedback.EGone, "closed"), 410, "", "closed"},
		{feedback.Errorf(feedback.ETooLarge, "big"), 413, "", "big"},
		{feedback.Errorf(feedback.EUnsupported, "type"), 415, "", "type"},
		{rateLimited(2500 * 1e6), 429, "3", "请求过于频繁,请稍后再试"},
		{fmt.Errorf("put: %w", feedback.Errorf(feedback.EUnavailable, "throttled")), 503, "2", "throttled"},
		{errors.New("dial tcp 10.0.0.1: secret detail"), 500, "", feedback.InternalMessage},
		{feedback.Internal(errors.New("secret detail")), 500, "", feedback.InternalMessage},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		writeError(slog.New(slog.NewTextHandler(io.Discard, nil)), w, r, tt.err)
		var eb errorBody
		response{body: w.Body.Bytes()}.json(t, &eb)
		if w.Code != tt.status || w.Header().Get("Retry-After") != tt.retryAfter || eb.Error.Message != tt.message {
			t.Errorf("%v → %d %q %q, want %d %q %q", tt.err, w.Code, w.Header().Get("Retry-After"), eb.Error.Message, tt.status, tt.retryAfter, tt.message)
		}
		if w.Code == http.StatusInternalServerError && eb.Error.Code != "internal" {
			t.Errorf("500 code %q", eb.Error.Code)
		}
	}
}
