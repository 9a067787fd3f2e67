package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jianyan/jianyan/infra/lambdabuild"
)

// The load test (issue 8, "done when"): the real jianyan-local binary on
// 127.0.0.1 holds 1,000+ concurrent submissions without a 5xx, and a kill -9
// in the middle of a second wave loses no submission it acknowledged: after
// a restart on the same --data file every receipt answered 201 is found
// through GET /api/v1/receipts/{receipt}. Everything is bounded (wave sizes,
// per-worker counts, a context deadline), so it stops by itself; it talks to
// loopback only.

const (
	loadToken      = "load-test-admin-token-0123456789abcdef"
	loadConcurrent = 1200 // submissions in flight at once, first wave
	loadKillAfter  = 1500 // acknowledged submissions in the second wave before kill -9
	loadPerWorker  = 20   // bound on each second-wave worker
)

// buildLocal builds this package's binary into a temporary directory.
func buildLocal(t *testing.T) string {
	t.Helper()
	goBin := lambdabuild.GoTool()
	bin := filepath.Join(t.TempDir(), "jianyan-local")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./infra/local: %v\n%s", err, out)
	}
	return bin
}

// proc is one run of the binary.
type proc struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// startBinary runs bin on data with the rate limits off and waits until it
// serves; the process is killed when the test ends.
func startBinary(t *testing.T, bin, data string) *proc {
	t.Helper()
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--data", data, "--rate-limit=off")
	cmd.Dir = filepath.Dir(data)
	cmd.Env = []string{"JIANYAN_ADMIN_TOKEN=" + loadToken, "PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(data)}
	p := &proc{cmd: cmd, logs: &lockedBuffer{}}
	cmd.Stderr = p.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case p.base = <-found:
	case <-time.After(20 * time.Second):
		t.Fatalf("jianyan-local did not serve within 20s; stderr:\n%s", p.logs)
	}
	if !strings.HasPrefix(p.base, "http://127.0.0.1:") {
		t.Fatalf("serving on %s, want loopback", p.base)
	}
	// The warning goes to stderr before the address goes to stdout, but
	// os/exec copies stderr on its own goroutine: give it a moment.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(p.logs.String(), "RATE LIMITS ARE OFF"); {
		if time.Now().After(deadline) {
			t.Errorf("--rate-limit=off logged no warning; stderr:\n%s", p.logs)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// loadClient keeps one connection per worker and never follows redirects.
func loadClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// submitOne posts one submission and returns the status and receipt.
func submitOne(ctx context.Context, c *http.Client, base, code, key string) (int, string, error) {
	body := fmt.Sprintf(`{"participant_kind":"enterprise","kind":"suggestion","topic":"涉企执法","content":"建议公开罚款裁量基准,统一执法尺度。编号 %s","idempotency_key":%q}`, key, key)
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/symposia/"+code+"/suggestions", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var out struct {
		Receipt string `json:"receipt"`
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		// The status line arrived but not the body: not an acknowledgement
		// the submitter could keep.
		return 0, "", err
	}
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out.Receipt, nil
}

func TestLoadThenKill9LosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under load")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bin := buildLocal(t)
	data := filepath.Join(t.TempDir(), "jianyan.db")
	p := startBinary(t, bin, data)
	client := loadClient(loadConcurrent)
	defer client.CloseIdleConnections()

	st := &stack{base: p.base}
	code, sym := st.do(t, "POST", "/api/v1/symposia", loadToken, `{"title":"涉企乱罚款问题专项整治座谈会","host_unit":"区司法局","status":"open"}`)
	if code != http.StatusCreated {
		t.Fatalf("create symposium = %d %v", code, sym)
	}
	symCode, _ := sym["code"].(string)

	var (
		mu     sync.Mutex
		acked  []string
		byCode = map[int]int{}
	)
	record := func(status int, receipt string) {
		mu.Lock()
		defer mu.Unlock()
		byCode[status]++
		if status == http.StatusCreated && receipt != "" {
			acked = append(acked, receipt)
		}
	}

	// Wave 1: loadConcurrent submissions released at the same moment.
	start := make(chan struct{})
	var wg sync.WaitGroup
	var transportErrs atomic.Int64
	for i := range loadConcurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, receipt, err := submitOne(ctx, client, p.base, symCode, fmt.Sprintf("w1-%d", i))
			if err != nil {
				transportErrs.Add(1)
				return
			}
			record(status, receipt)
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	if n := transportErrs.Load(); n != 0 {
		t.Errorf("wave 1: %d requests failed in transport", n)
	}
	for status, n := range byCode {
		if status != http.StatusCreated {
			t.Errorf("wave 1: %d answers with status %d, want only 201", n, status)
		}
	}
	if len(acked) != loadConcurrent {
		t.Fatalf("wave 1: %d acknowledged of %d concurrent submissions; stderr tail:\n%s", len(acked), loadConcurrent, tail(p.logs.String()))
	}
	t.Logf("wave 1: %d concurrent submissions, all 201, in %v", loadConcurrent, took)

	// Wave 2: the same concurrency keeps submitting until loadKillAfter
	// more are acknowledged, then the process gets SIGKILL mid-stream.
	wave1 := len(acked)
	var killed atomic.Bool
	var killOnce sync.Once
	kill := func() {
		killOnce.Do(func() {
			killed.Store(true)
			if err := p.cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				t.Errorf("kill -9: %v", err)
			}
		})
	}
	var fiveXX atomic.Int64
	for w := range loadConcurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range loadPerWorker {
				if killed.Load() || ctx.Err() != nil {
					return
				}
				status, receipt, err := submitOne(ctx, client, p.base, symCode, fmt.Sprintf("w2-%d-%d", w, i))
				if err != nil {
					if !killed.Load() {
						transportErrs.Add(1)
					}
					return
				}
				if status >= 500 {
					fiveXX.Add(1)
				}
				record(status, receipt)
				mu.Lock()
				n := len(acked) - wave1
				mu.Unlock()
				if n >= loadKillAfter {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill()
	_ = p.cmd.Wait()
	if n := fiveXX.Load(); n != 0 {
		t.Errorf("wave 2: %d answers were 5xx", n)
	}
	if n := transportErrs.Load(); n != 0 {
		t.Errorf("%d requests failed in transport before the kill", n)
	}
	if got := len(acked) - wave1; got < loadKillAfter {
		t.Fatalf("wave 2: only %d acknowledged before the workers stopped", got)
	}
	if !strings.Contains(p.cmd.ProcessState.String(), "killed") {
		t.Errorf("process state %q, want killed", p.cmd.ProcessState)
	}
	t.Logf("wave 2: killed -9 after %d acknowledged submissions", len(acked)-wave1)

	// Restart on the same file: every acknowledged receipt is there.
	again := startBinary(t, bin, data)
	check := loadClient(32)
	defer check.CloseIdleConnections()
	jobs := make(chan string)
	var lost atomic.Int64
	var lostMu sync.Mutex
	var lostSample []string
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				req, _ := http.NewRequestWithContext(ctx, "GET", again.base+"/api/v1/receipts/"+r, nil)
				resp, err := check.Do(req)
				status := 0
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				if status != http.StatusOK {
					lost.Add(1)
					lostMu.Lock()
					if len(lostSample) < 5 {
						lostSample = append(lostSample, fmt.Sprintf("%s: %d %v", r, status, err))
					}
					lostMu.Unlock()
				}
			}
		}()
	}
	for _, r := range acked {
		jobs <- r
	}
	close(jobs)
	wg.Wait()
	if n := lost.Load(); n != 0 {
		t.Fatalf("%d of %d acknowledged receipts not found after kill -9 and restart, e.g. %q", n, len(acked), lostSample)
	}
	t.Logf("all %d acknowledged receipts found after kill -9 and restart", len(acked))
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
