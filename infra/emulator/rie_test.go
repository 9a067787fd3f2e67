package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jianyan/jianyan/infra/lambdarun"
	"github.com/jianyan/jianyan/internal/testenv"
)

// findRIE finds aws-lambda-rie on PATH or in the repository's bin/ (where
// .ci/run installs it).
func findRIE(tb testing.TB, root string) string {
	tb.Helper()
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p
	}
	p := filepath.Join(root, "bin", "aws-lambda-rie")
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p
	}
	testenv.Missing(tb, "aws-lambda-rie is not on PATH (go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest)")
	return ""
}

// function is one bootstrap running under its own emulator.
type function struct {
	name string
	url  string // the emulator's Invoke endpoint
	emu  *lambdarun.Emulator
}

// startFunction runs bootstrap under aws-lambda-rie on free loopback ports
// (its invoke endpoint and the Runtime API it serves the bootstrap, so
// several emulators can run side by side) with env as the whole
// environment, and returns once the emulator itself listens on both
// (lambdarun.Start says why that, and not a connection, means ready). The
// emulator is killed when the test ends; its output (and the function's
// logs) are shown if the test failed.
func startFunction(tb testing.TB, riePath, name, bootstrap string, env []string) *function {
	tb.Helper()
	return startFunctionOn(tb, riePath, name, bootstrap, env, nil)
}

// startFunctionOn is startFunction with the ports of each attempt chosen by
// ports (the invoke endpoint's and the Runtime API's); nil picks free ones.
func startFunctionOn(tb testing.TB, riePath, name, bootstrap string, env []string, ports func() (addr, apiAddr string, err error)) *function {
	tb.Helper()
	emu, err := lambdarun.Start(tb.Context(), riePath, bootstrap, lambdarun.Options{Env: env, Dir: filepath.Dir(bootstrap), Ports: ports})
	if err != nil {
		tb.Fatalf("aws-lambda-rie for %s: %v", name, err)
	}
	tb.Cleanup(func() {
		emu.Stop()
		if tb.Failed() {
			tb.Logf("---- %s (aws-lambda-rie and function output) ----\n%s", name, emu.Output())
		}
	})
	return &function{name: name, url: emu.URL, emu: emu}
}

// invoke sends payload as the function's event, the way Lambda's Invoke
// API does, and returns what the handler returned. A function error
// (the handler returned an error or panicked) fails the test.
func (f *function) invoke(tb testing.TB, payload []byte) json.RawMessage {
	tb.Helper()
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Post(f.url, "application/json", bytes.NewReader(payload))
	if err != nil {
		tb.Fatalf("invoke %s: %v", f.name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("invoke %s: read response: %v", f.name, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("invoke %s: emulator answered %d: %s", f.name, resp.StatusCode, body)
	}
	var fnErr struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if resp.Header.Get("X-Amz-Function-Error") != "" ||
		(json.Unmarshal(body, &fnErr) == nil && fnErr.ErrorType != "") {
		tb.Fatalf("invoke %s: function error: %s", f.name, body)
	}
	return body
}
