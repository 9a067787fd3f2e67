package feedback

import (
	"errors"
	"fmt"
)

// Error codes. Every error that crosses a layer boundary carries one of these;
// the HTTP layer maps them to status codes in one place.
const (
	EInvalid      = "invalid"      // the caller sent something malformed or out of range
	ENotFound     = "not_found"    // the thing asked for does not exist
	EConflict     = "conflict"     // a concurrent change, a duplicate, or a forbidden transition
	EForbidden    = "forbidden"    // the caller is known but may not do this
	EUnauthorized = "unauthorized" // the caller is not known
	EGone         = "gone"         // the thing existed but no longer accepts this (closed symposium)
	ETooLarge     = "too_large"    // a body or a batch over its limit
	EUnsupported  = "unsupported"  // a content type the endpoint does not take
	ERateLimited  = "rate_limited" // too many requests from one source
	EUnavailable  = "unavailable"  // a dependency is overloaded; retry later
	EInternal     = "internal"     // anything else; the cause is logged, never shown
)

// Error is the domain error. Message is safe to show to the caller; Err is the
// underlying cause, for logs only.
type Error struct {
	Code    string
	Message string
	Field   string // the request field at fault, when there is one
	Err     error
}

func (e *Error) Error() string {
	msg := e.Code
	if e.Field != "" {
		msg += " " + e.Field
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a message safe to show.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EInvalid error that names the request field at fault.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENotFound error for the named kind of thing
// ("symposium", "problem list", …): its message names the thing in Chinese
// and never repeats the ID, which the cause keeps for the logs.
func NotFound(what, id string) *Error {
	label, ok := thingLabels[what]
	if !ok {
		label = "记录"
	}
	return &Error{Code: ENotFound, Message: label + "不存在", Err: fmt.Errorf("%s %q not found", what, id)}
}

// Conflictf returns an EConflict error.
func Conflictf(format string, args ...any) *Error {
	return &Error{Code: EConflict, Message: fmt.Sprintf(format, args...)}
}

// InternalMessage is what a caller is told of an internal error; the cause
// is logged, never shown.
const InternalMessage = "系统内部错误,请稍后再试"

// Internal wraps a cause that the caller must not see.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Message: InternalMessage, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the caller-safe message of err: the *Error's message,
// or InternalMessage for anything that is not a domain error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal && e.Message != "" {
		return e.Message
	}
	return InternalMessage
}

// ErrorField returns the request field an error names, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// StoreConflict is what every store answers when a conditional write fails:
// the item was changed since it was read, or its key (ID, code, receipt) is
// taken. cause stays in the chain for the logs.
func StoreConflict(cause error) *Error {
	return &Error{Code: EConflict, Message: "数据已被他人修改或已存在,请刷新后重试", Err: cause}
}

// StoreUnavailable is what every store answers when the database is
// overloaded or busy for now: nothing was written, and a retry may succeed.
func StoreUnavailable(cause error) *Error {
	return &Error{Code: EUnavailable, Message: "服务繁忙,请稍后再试", Err: cause}
}

// InvalidCursor is what every store answers for a pagination cursor it did
// not issue for the list asked for (garbage, altered, or another list's).
func InvalidCursor(cause error) *Error {
	return &Error{Code: EInvalid, Field: "cursor", Message: "分页参数无效,请从第一页重新查询", Err: cause}
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }
