package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// emulator is one aws-lambda-rie process running one bootstrap: a fresh
// execution environment. The function initialises on the first invocation,
// as on Lambda.
type emulator struct {
	cmd    *exec.Cmd
	url    string
	logs   *bytes.Buffer
	client *http.Client
	start  time.Time
	// refusal: when set, firstResponse counts a function error whose
	// payload holds it as the answer (a cold start measured with an event
	// the function refuses); any other error is still an error.
	refusal string
}

// freePort returns a loopback port nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startEmulator starts aws-lambda-rie with bootstrap and the given
// environment (on top of a minimal Lambda-like one). It does not wait.
func startEmulator(rie, bootstrap string, memoryMB int, env []string) (*emulator, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	apiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(rie,
		"--log-level", "error",
		"--runtime-interface-emulator-address", fmt.Sprintf("127.0.0.1:%d", port),
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", apiPort),
		bootstrap)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.TempDir(),
		"AWS_REGION=" + region, "AWS_DEFAULT_REGION=" + region,
		"AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
		fmt.Sprintf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%d", memoryMB),
	}, env...)
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, logs
	setProcAttr(cmd)
	e := &emulator{cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d/2015-03-31/functions/function/invocations", port), logs: logs,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 90 * time.Second}}
	e.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	return e, nil
}

// firstResponse invokes until the emulator accepts the connection and
// answers, and returns the time from process start to that answer.
func (e *emulator) firstResponse(ctx context.Context, event []byte) (time.Duration, []byte, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		body, err := e.invoke(ctx, event)
		var fe *functionError
		if err == nil || (errors.As(err, &fe) && e.refusal != "" && bytes.Contains(fe.body, []byte(e.refusal))) {
			return time.Since(e.start), body, nil
		}
		var op *net.OpError
		if !errors.As(err, &op) || time.Now().After(deadline) {
			return 0, nil, fmt.Errorf("first invocation: %w (emulator log: %s)", err, tail(e.logs.String()))
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// invoke sends one event and returns the function's response. A function
// error (the runtime's error payload) is returned as an error too.
func (e *emulator) invoke(ctx context.Context, event []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("emulator answered %s: %s", resp.Status, body)
	}
	if bytes.HasPrefix(body, []byte(`{"errorMessage"`)) || bytes.HasPrefix(body, []byte(`{"errorType"`)) {
		return body, &functionError{body: body}
	}
	return body, nil
}

// functionError is the runtime's error payload: the function answered, with
// an error.
type functionError struct{ body []byte }

func (e *functionError) Error() string { return "function error: " + string(e.body) }

// timedInvoke returns the round trip of one invocation.
func (e *emulator) timedInvoke(ctx context.Context, event []byte) (time.Duration, []byte, error) {
	t := time.Now()
	body, err := e.invoke(ctx, event)
	return time.Since(t), body, err
}

// stop kills the emulator and the bootstrap it started.
func (e *emulator) stop() {
	if e == nil || e.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
	_ = e.cmd.Process.Kill()
	_ = e.cmd.Wait()
	e.client.CloseIdleConnections()
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}
