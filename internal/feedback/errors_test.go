package feedback

import (
	"strings"
	"testing"
)

func TestErrorHelpers(t *testing.T) {
	err := FieldErrorf("content", "too short")
	if ErrorCode(err) != EInvalid || ErrorField(err) != "content" || ErrorMessage(err) != "too short" {
		t.Fatalf("FieldErrorf round trip: code %q field %q message %q", ErrorCode(err), ErrorField(err), ErrorMessage(err))
	}
	internal := Internal(errString("disk full at /var/db"))
	if got := ErrorMessage(internal); got != InternalMessage || strings.Contains(got, "disk") {
		t.Fatalf("ErrorMessage(internal) = %q, want a generic message", got)
	}
	if ErrorCode(errString("x")) != EInternal || ErrorCode(nil) != "" {
		t.Fatal("ErrorCode of a plain error should be internal and of nil empty")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
