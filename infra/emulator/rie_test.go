package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"time"

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

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer collects a process's output for the failure log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// function is one bootstrap running under its own emulator.
type function struct {
	name string
	url  string // the emulator's Invoke endpoint
	out  *lockedBuffer
}

// startFunction runs bootstrap under aws-lambda-rie on free loopback ports
// (its invoke endpoint and the Runtime API it serves the bootstrap, so
// several emulators can run side by side) with env as the whole
// environment. The emulator is killed when the test ends; its output (and
// the function's logs) are shown if the test failed.
func startFunction(tb testing.TB, rie, name, bootstrap string, env []string) *function {
	tb.Helper()
	addr, apiAddr := freeAddr(tb), freeAddr(tb)
	out := &lockedBuffer{}
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", apiAddr,
		"--log-level", "error",
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start aws-lambda-rie for %s: %v", name, err)
	}
	tb.Cleanup(func() {
		killGroup(cmd)
		_ = cmd.Wait()
		if tb.Failed() {
			tb.Logf("---- %s (aws-lambda-rie and function output) ----\n%s", name, out.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("aws-lambda-rie for %s did not listen on %s: %v\n%s", name, addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &function{name: name, url: "http://" + addr + "/2015-03-31/functions/function/invocations", out: out}
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
