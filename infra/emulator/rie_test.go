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
	"strings"
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
// environment, and returns once the emulator itself listens on both. The
// emulator is killed when the test ends; its output (and the function's
// logs) are shown if the test failed.
//
// A port found free can be taken by another process before the emulator
// binds it (another test's listener, or the local end of any outgoing
// connection: both come from the same ephemeral range). The emulator then
// exits at once with "address already in use", and it listens on the two
// ports from two goroutines, so its invoke endpoint may accept for a moment
// before the Runtime API's failure ends it. Hence ready means that this
// very process holds a listening socket on both ports (not merely that
// something accepts a connection there), and an emulator that exits on a
// taken port is started again on new ones.
func startFunction(tb testing.TB, rie, name, bootstrap string, env []string) *function {
	tb.Helper()
	return startFunctionOn(tb, rie, name, bootstrap, env, func() (string, string) {
		addr, apiAddr := freeAddr(tb), freeAddr(tb)
		for addr == apiAddr {
			apiAddr = freeAddr(tb)
		}
		return addr, apiAddr
	})
}

// startFunctionOn is startFunction with the ports of each attempt chosen by
// ports (the invoke endpoint's and the Runtime API's).
func startFunctionOn(tb testing.TB, rie, name, bootstrap string, env []string, ports func() (addr, apiAddr string)) *function {
	tb.Helper()
	const attempts = 5
	var last string
	for range attempts {
		addr, apiAddr := ports()
		f, out, retry := tryStartFunction(tb, rie, name, bootstrap, env, addr, apiAddr)
		if f != nil {
			return f
		}
		last = out
		if !retry {
			break
		}
	}
	tb.Fatalf("aws-lambda-rie for %s did not start:\n%s", name, last)
	return nil
}

// tryStartFunction starts the emulator once, on addr and apiAddr. It returns the function when
// the emulator listens on both its ports; otherwise its output and whether
// the failure was a taken port (worth another try on new ports).
func tryStartFunction(tb testing.TB, rie, name, bootstrap string, env []string, addr, apiAddr string) (*function, string, bool) {
	tb.Helper()
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
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		killGroup(cmd)
		<-exited
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			o := out.String()
			return nil, o, strings.Contains(o, "address already in use")
		default:
		}
		ready, err := listensOn(cmd.Process.Pid, addr, apiAddr)
		if err != nil {
			stop()
			tb.Fatalf("aws-lambda-rie for %s: %v", name, err)
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			stop()
			tb.Fatalf("aws-lambda-rie for %s did not listen on %s and %s within 30 s:\n%s", name, addr, apiAddr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Cleanup(func() {
		stop()
		if tb.Failed() {
			tb.Logf("---- %s (aws-lambda-rie and function output) ----\n%s", name, out.String())
		}
	})
	return &function{name: name, url: "http://" + addr + "/2015-03-31/functions/function/invocations", out: out}, "", false
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
