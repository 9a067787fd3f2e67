// Command bench is Jianyan's benchmark harness: it builds what it measures
// and checks docs/design.md's performance targets, each as a ratio against a
// baseline built and run in the same run (absolute figures drift fourfold
// between runs on shared machines; ratios do not).
//
//	go run ./infra/bench           # the full run (about 14 minutes on 2 cores)
//	go run ./infra/bench -quick    # smaller samples (≈ 3 minutes)
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
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	jianyan "github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/tabledef"
	"github.com/jianyan/jianyan/internal/feedback"
)

// Targets from docs/design.md ("Performance targets").
const (
	targetColdStart     = 1.3 // × the hello-world baseline
	targetWarmSubmit    = 1.2 // × the bare PutItem baseline
	targetBinaryMB      = 12.0
	targetLocalVsFloor  = 0.6 // throughput, at least this × the floor's
	targetLocalP99Floor = 2.0 // p99, at most this × the floor's
	targetRoutingUS     = 50.0
	targetSummaryGrowth = 1.2
	targetStaffRead     = 5.0 // × a bare indexed query of the same rows
	targetCostUSD       = 0.004
	targetFormKB        = 20.0  // KiB, the page and everything it loads
	targetConsoleKB     = 400.0 // KiB compressed, the first load
)

// functionNames are the Lambdas of template.yaml; each is measured when
// its functions/<name> folder exists.
var functionNames = []string{"collect", "staff", "documents", "route", "summarize", "console", "check"}

// allPhases are the phases of a full run, in the order they run.
var allPhases = []string{"build", "cold", "warm", "cost", "routing", "summary", "weight", "staff", "export", "local"}

// settings are the sample sizes of a run.
type settings struct {
	coldStarts     int // pairs per function
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
	staffStored    int // suggestions stored for the staff reads
	staffSamples   int // timed runs of each read and of its bare query
	exportRows     int // rows of the measured XLSX export
}

var (
	full = settings{coldStarts: 21, costN: 500, warmN: 100, localFor: 20 * time.Second, localWorkers: 16, localMax: 200_000,
		routingFor: time.Second, summarySmall: 1_000, summaryBig: 100_000,
		staffStored: 100_000, staffSamples: 5, exportRows: 10_000}
	quick = settings{coldStarts: 7, costN: 200, warmN: 40, localFor: 5 * time.Second, localWorkers: 16, localMax: 50_000,
		routingFor: 300 * time.Millisecond, summarySmall: 1_000, summaryBig: 10_000,
		staffStored: 10_000, staffSamples: 3, exportRows: 2_000}
)

func main() {
	jsonOut := flag.Bool("json", false, "end with one line of JSON holding every figure")
	quickRun := flag.Bool("quick", false, "smaller samples (about 3 minutes)")
	only := flag.String("only", "", "comma-separated phases to run ("+strings.Join(allPhases, ",")+"); default all")
	workers := flag.Int("local-workers", 0, "concurrent submitters in the local load test (default 16)")
	flag.Parse()
	s := full
	if *quickRun {
		s = quick
	}
	if *workers > 0 {
		s.localWorkers = *workers
	}
	want, err := phases(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Minute) // a hard bound, whatever happens
	defer cancel()
	r, err := run(ctx, s, *quickRun, want, os.Stderr)
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

func phases(only string) (func(string) bool, error) {
	if only == "" {
		return func(string) bool { return true }, nil
	}
	set := strings.Split(only, ",")
	for _, p := range set {
		if !slices.Contains(allPhases, p) {
			return nil, fmt.Errorf("no phase %q (phases: %s)", p, strings.Join(allPhases, ","))
		}
	}
	return func(p string) bool { return slices.Contains(set, p) }, nil
}

// report holds every figure of a run.
type report struct {
	Quick       bool
	Started     time.Time
	Elapsed     time.Duration
	Machine     string
	Functions   []string
	Cold        map[string]coldStart
	BinaryBytes map[string]int64 // stripped arm64 bootstraps
	Warm        *warmRun
	Local       *localResult
	Floor       *localResult // baseline/floor under the same load
	Routing     time.Duration
	SumSmall    [2]float64 // stored, reads (SQLite pages)
	SumBig      [2]float64
	DynSmall    [2]float64 // stored, items read (DynamoDB)
	DynBig      [2]float64
	Cost        *costRun
	CostN       int
	Staff       *staffRun
	Weight      *weightRun
	Export      *exportRun
	Notes       []string
}

func run(ctx context.Context, s settings, isQuick bool, want func(string) bool, logw io.Writer) (*report, error) {
	log := slog.New(slog.NewTextHandler(logw, nil))
	r := &report{Quick: isQuick, Started: time.Now(), Cold: map[string]coldStart{}, BinaryBytes: map[string]int64{}, Machine: machine()}
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
	lambdaPhases := want("cold") || want("cost") || want("warm") || want("export")
	bins := map[string]string{}
	if want("build") || lambdaPhases {
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
			if !lambdaPhases {
				continue
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

	var ddb *dynamoServer
	needDynamo := lambdaPhases || want("staff") || (want("summary") && s.dynamoSumBig > 0)
	var client *dynamodb.Client
	if needDynamo {
		if ddb, err = findDynamoDB(); err != nil {
			return r, err
		}
		defer ddb.stop()
		client = dynamodb.NewFromConfig(awsConfig(ddb.endpoint))
	}
	def, err := tabledef.LoadTableDefinition(jianyan.Template)
	if err != nil {
		return r, err
	}

	var l *lambdaEnv
	if lambdaPhases {
		rie, err := exec.LookPath("aws-lambda-rie")
		if err != nil {
			return r, errors.New("aws-lambda-rie is not on PATH: go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d")
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
		l = &lambdaEnv{rie: rie, bins: bins, memory: mem, endpoint: ddb.endpoint, meterURL: murl, meter: m, client: client, table: table,
			topicARN: topic(ctx, ddb.endpoint),
			svc:      feedback.NewService(dynamo.New(client, table), feedback.Config{PublicBaseURL: "https://bench.example.gov.cn"})}
	}

	if want("cold") {
		log.Info("cold starts under the emulator, each paired with the baseline's", "pairs", s.coldStarts)
		if r.Cold, err = coldStarts(ctx, l, r.Functions, s.coldStarts); err != nil {
			return r, err
		}
	}
	// The warm comparison runs on a table of its own, so that it sees the
	// same (nearly empty) table whatever ran before.
	if want("warm") {
		warmTable, dropWarm, err := createTable(ctx, client, "jianyan-bench-warm-")
		if err != nil {
			return r, err
		}
		lw := *l
		lw.table = warmTable
		lw.svc = feedback.NewService(dynamo.New(client, warmTable), feedback.Config{PublicBaseURL: "https://bench.example.gov.cn"})
		log.Info("warm submissions against the bare PutItem baseline", "pairs", s.warmN)
		r.Warm, err = warmSubmits(ctx, &lw, s.warmN)
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

	if want("routing") {
		log.Info("routing against 1,000 keyword rules")
		if r.Routing, err = routingPerSuggestion(s.routingFor); err != nil {
			return r, err
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

	var localBin string
	if want("weight") || want("local") {
		if localBin, err = buildLocal(root, tmp); err != nil {
			return r, err
		}
	}
	if want("weight") {
		log.Info("page weight: the public form and the console's first load")
		if r.Weight, err = pageWeight(ctx, localBin, tmp); err != nil {
			return r, err
		}
	}

	if want("staff") {
		data := newStaffData(s.staffStored, s.exportRows)
		table, drop, err := createReadTable(ctx, client, def, "jianyan-bench-staff-")
		if err != nil {
			return r, err
		}
		// Both stores load at once: moto takes one core, SQLite the other
		// (about a minute each for 100,000).
		log.Info("loading the staff data set into SQLite and DynamoDB", "suggestions", len(data.suggestions))
		t0 := time.Now()
		sqlitePath := filepath.Join(tmp, "staff.db")
		sqliteLoaded := make(chan error, 1)
		loadCtx, stopLoad := context.WithCancel(ctx)
		go func() { sqliteLoaded <- loadSQLite(loadCtx, sqlitePath, data) }()
		if err = loadDynamo(ctx, client, table, data); err != nil {
			stopLoad()
		}
		serr := <-sqliteLoaded
		stopLoad()
		if err == nil && serr != nil {
			err = fmt.Errorf("load SQLite: %w", serr)
		}
		if err != nil {
			drop()
			return r, err
		}
		log.Info("loaded", "took", time.Since(t0).Round(time.Millisecond))
		log.Info("staff reads on SQLite and on DynamoDB, each against a bare indexed query of the same rows",
			"stored", len(data.suggestions), "samples", s.staffSamples)
		r.Staff, err = staffReads(ctx, sqlitePath, client, ddb.endpoint, def, table, data, s.staffSamples)
		drop() // moto then no longer walks 100,000 items on every query
		if err != nil {
			return r, err
		}
	}
	// The export reads a table of its own rows: on moto every query walks
	// the whole table (~1 s at 100,000 items), which would time out a
	// 10,000-row export that DynamoDB serves in a few seconds.
	if want("export") {
		data := newStaffData(s.exportRows, s.exportRows)
		log.Info("XLSX export through the staff function", "rows", s.exportRows)
		table, drop, err := createReadTable(ctx, client, def, "jianyan-bench-export-")
		if err != nil {
			return r, err
		}
		defer drop()
		if err := loadDynamo(ctx, client, table, data); err != nil {
			return r, err
		}
		le := *l
		le.table = table
		if r.Export, err = exportPeak(ctx, &le, data); err != nil {
			return r, err
		}
	}

	if want("local") {
		log.Info("infra/local on SQLite under load, and the floor", "for", s.localFor, "workers", s.localWorkers)
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
				one, err := runLocal(ctx, localBin, localArgs(dir), s.localWorkers, s.localFor/2, s.localMax/2)
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
