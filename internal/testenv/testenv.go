// Package testenv decides what a test does when an outside component it needs
// (moto_server, Chromium, zbarimg, LibreOffice, the Lambda emulator) is
// missing: on a developer machine it skips with a hint of what to install; in
// CI, where JIANYAN_REQUIRE_TOOLS=1, it fails, so a missing component can never
// let a run pass quietly. It is the one switch for every such test.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// RequireVar is the environment variable that turns a missing component into
// a failure. .ci/run sets it.
const RequireVar = "JIANYAN_REQUIRE_TOOLS"

// Required reports whether missing components must fail tests.
func Required() bool { return os.Getenv(RequireVar) == "1" }

// Missing skips tb with the message, or fails it when components are
// required.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		tb.Fatalf("%s (%s=1: a missing component fails the test)", msg, RequireVar)
	}
	tb.Skip(msg)
}

// LookPath returns the path of the first of names found on PATH, or calls
// Missing with hint (what to install) when none is.
func LookPath(tb testing.TB, hint string, names ...string) string {
	tb.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(tb, "%v not found on PATH; %s", names, hint)
	return ""
}
