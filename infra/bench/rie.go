package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jianyan/jianyan/infra/lambdarun"
)

// emulator is one aws-lambda-rie process running one bootstrap: a fresh
// execution environment. The function initialises on the first invocation,
// as on Lambda.
type emulator struct {
	*lambdarun.Emulator
	client *http.Client
	// refusal: when set, firstResponse counts a function error whose
	// payload holds it as the answer (a cold start measured with an event
	// the function refuses); any other error is still an error.
	refusal string
}

// startEmulator starts aws-lambda-rie with bootstrap and the given
// environment (on top of a minimal Lambda-like one) and returns once the
// emulator listens on both its ports (lambdarun.Start starts it again on
// new ports when one was taken).
func startEmulator(ctx context.Context, rie, bootstrap string, memoryMB int, env []string) (*emulator, error) {
	env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.TempDir(),
		"AWS_REGION=" + region, "AWS_DEFAULT_REGION=" + region,
		"AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
		fmt.Sprintf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%d", memoryMB),
	}, env...)
	// The function's own logs (standard output) are not kept: thousands of
	// invocations would pile them up.
	emu, err := lambdarun.Start(ctx, rie, bootstrap, lambdarun.Options{Env: env, Stdout: io.Discard})
	if err != nil {
		return nil, err
	}
	return &emulator{Emulator: emu,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 90 * time.Second}}, nil
}

// firstResponse sends the first invocation and returns the time from
// starting the emulator process to its answer.
func (e *emulator) firstResponse(ctx context.Context, event []byte) (time.Duration, []byte, error) {
	body, err := e.invoke(ctx, event)
	var fe *functionError
	if err == nil || (errors.As(err, &fe) && e.refusal != "" && bytes.Contains(fe.body, []byte(e.refusal))) {
		return time.Since(e.Started), body, nil
	}
	return 0, nil, fmt.Errorf("first invocation: %w (emulator log: %s)", err, tail(e.Output()))
}

// invoke sends one event and returns the function's response. A function
// error (the runtime's error payload) is returned as an error too.
func (e *emulator) invoke(ctx context.Context, event []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(event))
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
	if e == nil {
		return
	}
	e.Stop()
	e.client.CloseIdleConnections()
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}
