// Command bench is Jianyan's benchmark harness: it builds what it measures
// and checks docs/design.md's performance targets, each against a baseline built
// and run in the same run where the target is a ratio.
//
//	go run ./infra/bench           # the full run (≈ 6–8 minutes on 2 cores)
//	go run ./infra/bench -quick    # smaller samples (≈ 2 minutes)
//	go run ./infra/bench -json     # the same; the last line is one JSON object
//
// It needs aws-lambda-rie on PATH and a DynamoDB endpoint
// (AWS_ENDPOINT_URL_DYNAMODB, else moto_server on PATH, started on a free
// loopback port). Everything it starts listens on 127.0.0.1 and is stopped
// when it ends. BENCHMARKS.md explains the method and each figure.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	jianyan "github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/tabledef"
	"github.com/jianyan/jianyan/internal/feedback"
)

// Targets from docs/design.md ("Performance targets") and issue 9.
const (
	targetColdStart     = 1.5
	targetWarmSubmit    = 1.3
	targetBinaryMB      = 12.0
	targetLocalVsFloor  = 0.6 // throughput, at least this × the floor's
	targetLocalP99Floor = 2.0 // p99, at most this × the floor's
	targetRoutingUS     = 50.0
	targetSummaryGrowth = 1.2
	targetCostUSD       = 0.005
)

// functionNames are the Lambdas of template.yaml; each is measured when
// its functions/<name> folder exists.
var functionNames = []string{"collect", "staff", "documents", "route", "summarize", "console"}

// settings are the sample sizes of a run.
type settings struct {
	coldStarts     int
	costN          int
	warmN          int
	localFor       time.Duration
	localWorkers   int
	localMax       int
	routingFor     time.Duration
	summarySmall   int
	summaryBig     int
	dynamoSumSmall int
	dynamoSumBig   int
}

var (
	full  = settings{7, 500, 100, 20 * time.Second, 16, 200_000, time.Second, 1_000, 100_000, 0, 0}
	quick = settings{5, 200, 40, 5 * time.Second, 16, 50_000, 300 * time.Millisecond, 1_000, 10_000, 0, 0}
)

func main() {
	jsonOut := flag.Bool("json", false, "end with one line of JSON holding every figure")
	quickRun := flag.Bool("quick", false, "smaller samples (about 2 minutes; for CI)")
	only := flag.String("only", "", "comma-separated phases to run (build,cold,cost,warm,local,routing,summary); default all")
	workers := flag.Int("local-workers", 0, "concurrent submitters in the local load test (default 16)")
	flag.Parse()
	s := full
	if *quickRun {
		s = quick
	}
	if *workers > 0 {
		s.localWorkers = *workers
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute) // a hard bound, whatever happens
	defer cancel()
	r, err := run(ctx, s, *quickRun, phases(*only), os.Stderr)
	if r != nil {
		r.print(os.Stdout)
		if *jsonOut {
			b, _ := json.Marshal(r.json())
			fmt.Println(string(b))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func phases(only string) func(string) bool {
	if only == "" {
		return func(string) bool { return true }
	}
	set := strings.Split(only, ",")
	return func(p string) bool { return slices.Contains(set, p) }
}

// report holds every figure of a run.
type report struct {
	Quick       bool
	Started     time.Time
	Elapsed     time.Duration
	Machine     string
	Functions   []string
	ColdStart   map[string]time.Duration // median; "baseline" included
	BinaryBytes map[string]int64         // stripped arm64 bootstraps
	WarmCollect time.Duration
	WarmPut     time.Duration
	ItemBytes   int
	Local       *localResult
	Floor       *localResult // baseline/floor under the same load
	Routing     time.Duration
	SumSmall    [2]float64 // stored, reads (SQLite pages)
	SumBig      [2]float64
	DynSmall    [2]float64 // stored, items read (DynamoDB)
	DynBig      [2]float64
	Cost        *costRun
	CostN       int
	Notes       []string
}

func run(ctx context.Context, s settings, isQuick bool, want func(string) bool, logw io.Writer) (*report, error) {
	log := slog.New(slog.NewTextHandler(logw, nil))
	r := &report{Quick: isQuick, Started: time.Now(), ColdStart: map[string]time.Duration{}, BinaryBytes: map[string]int64{}, Machine: machine()}
	defer func() { r.Elapsed = time.Since(r.Started) }()
	root, err := repoRoot()
	if err != nil {
		return r, err
	}
	tmp, err := os.MkdirTemp("", "jianyan-bench-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(tmp)
	for _, fn := range functionNames {
		if st, err := os.Stat(filepath.Join(root, "functions", fn)); err == nil && st.IsDir() {
			r.Functions = append(r.Functions, fn)
		}
	}

	// Build: arm64 for the sizes, this machine's arch to run.
	needLambdas := want("build") || want("cold") || want("cost") || want("warm")
	bins := map[string]string{}
	if needLambdas {
		log.Info("building the Lambda bootstraps", "functions", r.Functions)
		pkgs := map[string]string{"hello": "./infra/bench/baseline/hello", "put": "./infra/bench/baseline/put"}
		for _, fn := range r.Functions {
			pkgs[fn] = "./functions/" + fn
		}
		for _, name := range slices.Sorted(maps.Keys(pkgs)) {
			if want("build") {
				arm, err := buildLambda(root, pkgs[name], name, "arm64", tmp)
				if err != nil {
					return r, err
				}
				st, err := os.Stat(arm)
				if err != nil {
					return r, err
				}
				r.BinaryBytes[name] = st.Size()
			}
			if runtime.GOARCH == "arm64" && want("build") {
				bins[name] = filepath.Join(tmp, name+"-arm64", "bootstrap")
				continue
			}
			host, err := buildLambda(root, pkgs[name], name, runtime.GOARCH, tmp)
			if err != nil {
				return r, err
			}
			bins[name] = host
		}
	}

	if want("routing") {
		log.Info("routing against 1,000 keyword rules")
		if r.Routing, err = routingPerSuggestion(s.routingFor); err != nil {
			return r, err
		}
	}

	var ddb *dynamoServer
	needDynamo := want("cold") || want("cost") || want("warm") || (want("summary") && s.dynamoSumBig > 0)
	var client *dynamodb.Client
	if needDynamo {
		if ddb, err = findDynamoDB(); err != nil {
			return r, err
		}
		defer ddb.stop()
		client = dynamodb.NewFromConfig(awsConfig(ddb.endpoint))
	}

	if want("cold") || want("cost") || want("warm") {
		rie, err := exec.LookPath("aws-lambda-rie")
		if err != nil {
			return r, errors.New("aws-lambda-rie is not on PATH: go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d")
		}
		def, err := tabledef.LoadTableDefinition(jianyan.Template)
		if err != nil {
			return r, err
		}
		mem, err := functionMemory(jianyan.Template)
		if err != nil {
			return r, err
		}
		table, drop, err := createTable(ctx, client, "jianyan-bench-")
		if err != nil {
			return r, err
		}
		defer drop()
		m := newMeter(ddb.endpoint, def)
		murl, closeMeter, err := m.serve()
		if err != nil {
			return r, err
		}
		defer closeMeter()
		l := &lambdaEnv{rie: rie, bins: bins, memory: mem, endpoint: ddb.endpoint, meterURL: murl, meter: m, client: client, table: table,
			topicARN: topic(ctx, ddb.endpoint),
			svc:      feedback.NewService(dynamo.New(client, table), feedback.Config{PublicBaseURL: "https://bench.example.gov.cn"})}

		if want("cold") {
			log.Info("cold starts under the emulator", "each", s.coldStarts)
			if r.ColdStart, err = coldStarts(ctx, l, r.Functions, s.coldStarts); err != nil {
				return r, err
			}
		}
		// The warm comparison runs first, on a table of its own: moto
		// copies a whole table for every item of a TransactWriteItems, so
		// its transactions slow down as the table fills (BENCHMARKS.md).
		if want("warm") {
			warmTable, dropWarm, err := createTable(ctx, client, "jianyan-bench-warm-")
			if err != nil {
				return r, err
			}
			lw := *l
			lw.table = warmTable
			lw.svc = feedback.NewService(dynamo.New(client, warmTable), feedback.Config{PublicBaseURL: "https://bench.example.gov.cn"})
			log.Info("warm submissions against the bare PutItem baseline", "pairs", s.warmN)
			r.WarmCollect, r.WarmPut, r.ItemBytes, err = warmSubmits(ctx, &lw, s.warmN)
			dropWarm()
			if err != nil {
				return r, err
			}
		}
		if want("cost") {
			log.Info("collecting, routing and summarising under the emulator, metered", "suggestions", s.costN)
			r.CostN = s.costN
			if r.Cost, err = runCost(ctx, l, s.costN, 100); err != nil {
				return r, err
			}
		}
	}

	if want("summary") {
		log.Info("summary read cost on SQLite", "stored", []int{s.summarySmall, s.summaryBig})
		small, err := sqliteSummaryReads(ctx, tmp, s.summarySmall)
		if err != nil {
			return r, err
		}
		big, err := sqliteSummaryReads(ctx, tmp, s.summaryBig)
		if err != nil {
			return r, err
		}
		r.SumSmall, r.SumBig = [2]float64{float64(s.summarySmall), small}, [2]float64{float64(s.summaryBig), big}
		if s.dynamoSumBig > 0 {
			log.Info("summary read cost on DynamoDB", "stored", []int{s.dynamoSumSmall, s.dynamoSumBig})
			small, err := dynamoSummaryReads(ctx, client, s.dynamoSumSmall)
			if err != nil {
				return r, err
			}
			big, err := dynamoSummaryReads(ctx, client, s.dynamoSumBig)
			if err != nil {
				return r, err
			}
			r.DynSmall, r.DynBig = [2]float64{float64(s.dynamoSumSmall), small}, [2]float64{float64(s.dynamoSumBig), big}
		}
	}

	if want("local") {
		log.Info("infra/local on SQLite under load, and the floor", "for", s.localFor, "workers", s.localWorkers)
		bin, err := buildLocal(root, tmp)
		if err != nil {
			return r, err
		}
		floor, err := buildFloor(root, tmp)
		if err != nil {
			return r, err
		}
		// Two turns each, alternating, half the time each: drift on a
		// shared machine then weighs on both alike.
		for turn := range 4 {
			dir, err := os.MkdirTemp(tmp, "local-")
			if err != nil {
				return r, err
			}
			if turn%2 == 0 {
				one, err := runLocal(ctx, bin, localArgs(dir), s.localWorkers, s.localFor/2, s.localMax/2)
				if err != nil {
					return r, err
				}
				r.Local = mergeLocal(r.Local, one)
			} else {
				one, err := runLocal(ctx, floor, floorArgs(dir), s.localWorkers, s.localFor/2, s.localMax/2)
				if err != nil {
					return r, fmt.Errorf("floor: %w", err)
				}
				r.Floor = mergeLocal(r.Floor, one)
			}
		}
	}
	return r, nil
}

// machine describes where the run happened.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s %s/%s", runtime.NumCPU(), cpu, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// Derived figures; NaN when a phase did not run.

func (r *report) coldRatios() map[string]float64 {
	out := map[string]float64{}
	base := r.ColdStart["baseline"]
	for _, fn := range r.Functions {
		if d, ok := r.ColdStart[fn]; ok && base > 0 {
			out[fn] = float64(d) / float64(base)
		}
	}
	return out
}

func (r *report) worstCold() (string, float64) {
	name, worst := "", math.NaN()
	for fn, v := range r.coldRatios() {
		if math.IsNaN(worst) || v > worst {
			name, worst = fn, v
		}
	}
	return name, worst
}

func (r *report) warmRatio() float64 {
	if r.WarmPut == 0 {
		return math.NaN()
	}
	return float64(r.WarmCollect) / float64(r.WarmPut)
}

func (r *report) binaryMBMax() float64 {
	v := math.NaN()
	for _, fn := range r.Functions {
		if b, ok := r.BinaryBytes[fn]; ok {
			mb := float64(b) / 1e6
			if math.IsNaN(v) || mb > v {
				v = mb
			}
		}
	}
	return v
}

func (r *report) summaryGrowth() float64 {
	if r.SumSmall[1] <= 0 {
		return math.NaN()
	}
	return r.SumBig[1] / r.SumSmall[1]
}

func (r *report) dynamoSummaryGrowth() float64 {
	if r.DynSmall[1] <= 0 {
		return math.NaN()
	}
	return r.DynBig[1] / r.DynSmall[1]
}

// costPer1000 scales the measured run to 1,000 suggestions. The summary is
// made once a day whatever the count, so it is counted once, not scaled.
func (r *report) costPer1000() float64 {
	if r.Cost == nil {
		return math.NaN()
	}
	total := 0.0
	for _, st := range r.Cost.Stages {
		c := st.usd()
		if st.Name != "summarize" {
			c *= 1000 / float64(r.CostN)
		}
		total += c
	}
	return total
}

func (r *report) json() map[string]any {
	num := func(v float64, digits int) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		p := math.Pow(10, float64(digits))
		return math.Round(v*p) / p
	}
	_, worst := r.worstCold()
	per := map[string]any{}
	for fn, v := range r.coldRatios() {
		per[fn] = num(v, 3)
	}
	out := map[string]any{
		"cold_start_ratio":              num(worst, 3),
		"cold_start_ratio_by_function":  per,
		"warm_submit_ratio":             num(r.warmRatio(), 3),
		"binary_mb_max":                 num(r.binaryMBMax(), 2),
		"routing_us_per_suggestion":     num(float64(r.Routing)/1e3, 2),
		"summary_read_growth":           num(r.summaryGrowth(), 3),
		"cost_per_1000_suggestions_usd": num(r.costPer1000(), 6),
		"local_submissions_per_sec":     nil,
		"local_p99_ms":                  nil,
		"local_lost":                    nil,
		"local_throughput_ratio":        nil,
		"local_p99_ratio":               nil,
		"local_floor_per_sec":           nil,
		"local_floor_p99_ms":            nil,
		"quick":                         r.Quick,
	}
	if r.Routing == 0 {
		out["routing_us_per_suggestion"] = nil
	}
	if g := r.dynamoSummaryGrowth(); !math.IsNaN(g) {
		out["summary_read_growth_dynamodb"] = num(g, 3)
	}
	if l := r.Local; l != nil {
		out["local_submissions_per_sec"] = num(l.PerSecond, 0)
		out["local_p99_ms"] = num(float64(l.P99)/1e6, 2)
		out["local_lost"] = l.Lost
	}
	if l, f := r.Local, r.Floor; l != nil && f != nil {
		out["local_floor_per_sec"] = num(f.PerSecond, 0)
		out["local_floor_p99_ms"] = num(float64(f.P99)/1e6, 2)
		out["local_throughput_ratio"] = num(l.PerSecond/f.PerSecond, 3)
		out["local_p99_ratio"] = num(float64(l.P99)/float64(f.P99), 3)
	}
	return out
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nJianyan benchmarks — %s\n%s; %s run in %s\n\n", r.Started.Format("2006-01-02 15:04 MST"), r.Machine,
		map[bool]string{true: "quick", false: "full"}[r.Quick], r.Elapsed.Round(time.Second))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\tbaseline\tvalue\ttarget\tmet")
	row := func(name, measured, baseline string, v float64, format, target string, ok bool) {
		met := "yes"
		if math.IsNaN(v) {
			met, measured = "—", "not run"
		} else if !ok {
			met = "NO"
		}
		val := "—"
		if !math.IsNaN(v) {
			val = fmt.Sprintf(format, v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, measured, baseline, val, target, met)
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
	ratios := r.coldRatios()
	for _, fn := range r.Functions {
		v, ok := ratios[fn]
		if !ok {
			v = math.NaN()
		}
		row("cold start "+fn, ms(r.ColdStart[fn]), ms(r.ColdStart["baseline"]), v, "%.2f×", "≤ 1.5×", v <= targetColdStart)
	}
	wr := r.warmRatio()
	row("warm submission (collect)", ms(r.WarmCollect), ms(r.WarmPut)+fmt.Sprintf(" (PutItem %d B)", r.ItemBytes), wr, "%.2f×", "≤ 1.3×", wr <= targetWarmSubmit)
	for _, fn := range r.Functions {
		b, ok := r.BinaryBytes[fn]
		v := math.NaN()
		if ok {
			v = float64(b) / 1e6
		}
		row("binary "+fn+" (arm64, stripped)", fmt.Sprintf("%d B", b), fmt.Sprintf("hello %.2f MB", float64(r.BinaryBytes["hello"])/1e6), v, "%.2f MB", "≤ 12 MB", v <= targetBinaryMB)
	}
	if l, f := r.Local, r.Floor; l != nil && f != nil {
		tr := l.PerSecond / f.PerSecond
		row("local submissions/s", fmt.Sprintf("%.0f/s: %d in %.1f s, %d workers, %d failed", l.PerSecond, l.Acknowledged, l.Duration.Seconds(), l.Workers, l.Failed),
			fmt.Sprintf("floor %.0f/s", f.PerSecond), tr, "%.2f×", "≥ 0.6× floor", tr >= targetLocalVsFloor)
		pr := float64(l.P99) / float64(f.P99)
		row("local p99 latency", fmt.Sprintf("%s (p50 %s)", ms(l.P99), ms(l.P50)), fmt.Sprintf("floor %s (p50 %s)", ms(f.P99), ms(f.P50)), pr, "%.2f×", "≤ 2× floor", pr <= targetLocalP99Floor)
		row("local lost receipts", fmt.Sprintf("%d checked", l.Acknowledged), "", float64(l.Lost), "%.0f", "0", l.Lost == 0)
	} else {
		row("local submissions/s", "", "", math.NaN(), "", "≥ 0.6× floor", false)
	}
	rt := math.NaN()
	if r.Routing > 0 {
		rt = float64(r.Routing) / 1e3
	}
	row("routing, 1,000 keyword rules", "in process", "", rt, "%.2f µs", "≤ 50 µs", rt <= targetRoutingUS)
	g := r.summaryGrowth()
	row("summary reads (SQLite pages)", fmt.Sprintf("%.0f stored → %.0f", r.SumBig[0], r.SumBig[1]), fmt.Sprintf("%.0f stored → %.0f", r.SumSmall[0], r.SumSmall[1]), g, "%.2f×", "≤ 1.2×", g <= targetSummaryGrowth)
	if dg := r.dynamoSummaryGrowth(); !math.IsNaN(dg) {
		row("summary reads (DynamoDB items)", fmt.Sprintf("%.0f stored → %.0f", r.DynBig[0], r.DynBig[1]), fmt.Sprintf("%.0f stored → %.0f", r.DynSmall[0], r.DynSmall[1]), dg, "%.2f×", "≤ 1.2×", dg <= targetSummaryGrowth)
	}
	c := r.costPer1000()
	row("cost per 1,000 suggestions", fmt.Sprintf("measured on %d", r.CostN), "", c, "US$%.5f", "≤ US$0.005", c <= targetCostUSD)
	tw.Flush()
	if r.Cost != nil {
		fmt.Fprintf(w, "\nCost breakdown (measured on %d suggestions; collect and route scaled to 1,000, one daily summary):\n", r.CostN)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "stage\tinvocations\tbilled ms\tmemory\tDynamoDB\tUS$ per 1,000")
		for _, st := range r.Cost.Stages {
			c := st.usd()
			if st.Name != "summarize" {
				c *= 1000 / float64(r.CostN)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%d MB\t%s\t%.6f\n", st.Name, st.Invocations, st.BilledMS, st.MemoryMB, st.Usage, c)
		}
		tw.Flush()
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}
