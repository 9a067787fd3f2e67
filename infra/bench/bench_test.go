package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/infra/lambdabuild"
)

// TestQuickRun runs the harness in -quick mode and checks that its last
// line is the JSON object with every key BENCHMARKS.md documents. It only
// checks that the figures are produced, not that targets are met (timing
// depends on the machine). It takes about three minutes and needs
// aws-lambda-rie and moto_server, so it runs only with JIANYAN_BENCH=1.
func TestQuickRun(t *testing.T) {
	if os.Getenv("JIANYAN_BENCH") != "1" {
		t.Skip("set JIANYAN_BENCH=1 to run the benchmark harness (about 3 minutes)")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lambdabuild.GoTool(), "run", "./infra/bench", "-quick", "-json")
	cmd.Dir = root
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("go run ./infra/bench -quick -json: %v\n%s\n%s", err, out.String(), tail(errb.String()))
		}
	case <-time.After(10 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the quick run took more than 10 minutes")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("last line is not a JSON object: %v\n%s", err, lines[len(lines)-1])
	}
	for _, key := range []string{
		"local_throughput_ratio", "local_p99_ratio", "local_lost", "cold_start_ratio",
		"warm_submit_ratio", "binary_mb_max", "routing_us_per_suggestion", "summary_read_growth",
		"staff_read_ratio_max", "dynamodb_search_short_pages", "cost_per_1000_suggestions_usd",
		"form_kb", "console_first_load_kb", "export_xlsx_10k_peak_mb",
		"local_submissions_per_sec", "local_p99_ms", "local_floor_per_sec", "local_floor_p99_ms",
	} {
		v, ok := got[key]
		if !ok {
			t.Errorf("key %s is missing", key)
			continue
		}
		if _, isNum := v.(float64); !isNum {
			t.Errorf("%s = %v, want a number", key, v)
		}
	}
}
