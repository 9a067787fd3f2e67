package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// localResult is the load test of infra/local on SQLite.
type localResult struct {
	Workers      int
	Duration     time.Duration
	Acknowledged int // answered 201
	Failed       int // anything else, or no answer
	PerSecond    float64
	P50, P99     time.Duration
	Lost         int // acknowledged receipts not found afterwards

	lat []time.Duration // every round trip, for merging runs
}

// mergeLocal adds run b to a: the figures of both runs as one.
func mergeLocal(a, b *localResult) *localResult {
	if a == nil {
		return b
	}
	m := &localResult{Workers: a.Workers, Duration: a.Duration + b.Duration, Acknowledged: a.Acknowledged + b.Acknowledged,
		Failed: a.Failed + b.Failed, Lost: a.Lost + b.Lost, lat: append(slices.Clone(a.lat), b.lat...)}
	m.PerSecond = float64(m.Acknowledged) / m.Duration.Seconds()
	slices.Sort(m.lat)
	if len(m.lat) > 0 {
		m.P50 = m.lat[len(m.lat)/2]
		m.P99 = m.lat[min(len(m.lat)-1, len(m.lat)*99/100)]
	}
	return m
}

const localToken = "bench-admin-token-0123456789abcdef0123"

var servingRE = regexp.MustCompile(`serving on (http://\S+)`)

// localArgs are the real jianyan-local binary's arguments for the load
// test: a fresh SQLite file in dir, public rate limits off, and otherwise
// the defaults (durability full: every answered submission is on disk).
func localArgs(dir string) []string {
	return []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "jianyan.db"), "--rate-limit=off", "--sweep-every", "1h"}
}

// floorArgs are the floor's (baseline/floor) arguments: a fresh file in dir.
func floorArgs(dir string) []string {
	return []string{"--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "floor.db")}
}

// runLocal starts bin with args on 127.0.0.1, creates a symposium through
// the staff API, and has workers submit back to back (each waits for its
// answer) for d or until maxCount submissions. Then every acknowledged
// receipt is looked up through GET /api/v1/receipts/{receipt}.
func runLocal(ctx context.Context, bin string, args []string, workers int, d time.Duration, maxCount int) (*localResult, error) {
	srv, err := startLocal(ctx, bin, args)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	url, logs := srv.url, srv.logs
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers + 8, MaxConnsPerHost: workers + 8}}
	defer client.CloseIdleConnections()
	code, err := localSymposium(ctx, client, url)
	if err != nil {
		return nil, err
	}

	res := &localResult{Workers: workers}
	var (
		mu       sync.Mutex
		receipts []string
		lat      []time.Duration
		next     int
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= maxCount {
			return 0, false
		}
		next++
		return next, true
	}
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) && ctx.Err() == nil {
				i, ok := take()
				if !ok {
					return
				}
				t := time.Now()
				rcpt, err := localSubmit(ctx, client, url, code, i)
				el := time.Since(t)
				mu.Lock()
				lat = append(lat, el)
				if err != nil {
					res.Failed++
				} else {
					receipts = append(receipts, rcpt)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Duration = time.Since(start)
	res.Acknowledged = len(receipts)
	res.PerSecond = float64(res.Acknowledged) / res.Duration.Seconds()
	slices.Sort(lat)
	res.lat = lat
	if len(lat) > 0 {
		res.P50 = lat[len(lat)/2]
		res.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	if res.Acknowledged == 0 {
		return res, fmt.Errorf("no submission was acknowledged: %s", tail(logs.String()))
	}

	// Every acknowledged receipt must be there.
	var lost int
	var lmu sync.Mutex
	jobs := make(chan string)
	var vg sync.WaitGroup
	for range min(workers, 16) {
		vg.Add(1)
		go func() {
			defer vg.Done()
			for r := range jobs {
				if !localReceiptFound(ctx, client, url, r) {
					lmu.Lock()
					lost++
					lmu.Unlock()
				}
			}
		}()
	}
	for _, r := range receipts {
		jobs <- r
	}
	close(jobs)
	vg.Wait()
	res.Lost = lost
	return res, nil
}

func localSymposium(ctx context.Context, client *http.Client, base string) (string, error) {
	body := `{"title":"本地压测座谈会","campaign":"涉企乱罚款专项整治","host_unit":"区司法局","status":"open"}`
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/symposia", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+localToken)
	// The staff API refuses cross-site writes; say where we come from.
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("create symposium: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("create symposium: %s: %s", resp.Status, b)
	}
	var sym struct{ Code string }
	if err := json.Unmarshal(b, &sym); err != nil || sym.Code == "" {
		return "", fmt.Errorf("create symposium: no code in %s", b)
	}
	return sym.Code, nil
}

func localSubmit(ctx context.Context, client *http.Client, base, code string, i int) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/symposia/"+code+"/suggestions", bytes.NewReader(submissionBody(i)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("%s: %s", resp.Status, b)
	}
	var out struct{ Receipt string }
	if err := json.Unmarshal(b, &out); err != nil || out.Receipt == "" {
		return "", fmt.Errorf("no receipt in %s", b)
	}
	return out.Receipt, nil
}

func localReceiptFound(ctx context.Context, client *http.Client, base, receipt string) bool {
	for attempt := 0; attempt < 3; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/receipts/"+receipt, nil)
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			return true
		case http.StatusNotFound:
			return false
		}
	}
	return false
}

// localServer is a running jianyan-local (or floor) process.
type localServer struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
}

// startLocal starts bin with args (with the harness's admin token) and
// waits until it says where it serves.
func startLocal(ctx context.Context, bin string, args []string) (*localServer, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "JIANYAN_ADMIN_TOKEN="+localToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	logs := &bytes.Buffer{}
	cmd.Stderr = &lockedWriter{w: logs}
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	srv := &localServer{cmd: cmd, logs: logs}
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
	}()
	select {
	case srv.url = <-base:
		return srv, nil
	case <-time.After(30 * time.Second):
		srv.stop()
		return nil, fmt.Errorf("%s did not start: %s", filepath.Base(bin), tail(logs.String()))
	}
}

// stop ends the server (SIGTERM, then SIGKILL after 20 s).
func (s *localServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
