package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
)

// lambdaEnv is what the Lambda phases share: the binaries, the table, the
// metering proxy.
type lambdaEnv struct {
	rie      string
	bins     map[string]string // function or baseline name → host-arch bootstrap
	memory   map[string]int
	endpoint string // the DynamoDB endpoint itself
	meterURL string // the metering proxy in front of it
	meter    *meter
	client   *dynamodb.Client
	table    string
	topicARN string
	svc      *feedback.Service // in-process, for set-up only
}

// env is the environment of a function: its table and endpoints. metered
// routes DynamoDB calls through the meter.
func (l *lambdaEnv) env(metered bool) []string {
	ep := l.endpoint
	if metered {
		ep = l.meterURL
	}
	return []string{
		"TABLE_NAME=" + l.table, "PUBLIC_BASE_URL=https://bench.example.gov.cn", "TOPIC_ARN=" + l.topicARN,
		"AWS_ENDPOINT_URL_DYNAMODB=" + ep, "AWS_ENDPOINT_URL_SNS=" + l.endpoint,
		// The files bucket (check needs one; collect and staff sign URLs
		// for it without calling it).
		"FILES_BUCKET=jianyan-bench-files", "AWS_ENDPOINT_URL_S3=" + l.endpoint,
		"AWS_LAMBDA_FUNCTION_NAME=bench",
	}
}

func (l *lambdaEnv) memoryOf(fn string) int {
	if m, ok := l.memory[fn]; ok {
		return m
	}
	return 256
}

// topic creates an SNS topic for summarize on the endpoint (moto serves
// SNS too). Elsewhere summarize's publish fails, which only the summary's
// delivery notices.
func topic(ctx context.Context, endpoint string) string {
	out, err := sns.NewFromConfig(awsConfig(endpoint)).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("jianyan-bench")})
	if err != nil {
		slog.Warn("no SNS topic on the endpoint; summarize cannot deliver", "err", err)
		return "arn:aws:sns:us-east-1:123456789012:jianyan-bench"
	}
	return aws.ToString(out.TopicArn)
}

// newSymposium creates an open symposium and returns its form code.
func newSymposium(ctx context.Context, svc *feedback.Service, title string) (string, error) {
	sym, err := svc.CreateSymposium(ctx, feedback.Identity{Subject: "bench", Name: "bench", Role: feedback.RoleAdmin},
		feedback.SymposiumInput{Title: title, Campaign: "涉企乱罚款专项整治", HostUnit: "区司法局", Status: feedback.SymposiumOpen})
	if err != nil {
		return "", fmt.Errorf("create symposium: %w", err)
	}
	return sym.Code, nil
}

// coldStartEvents are what each function gets as its first invocation: the
// cheapest request it answers, so the figure is the start-up cost and not
// a request's I/O. Every request summarize serves reads the table (its
// sweep, on an empty table, queries once: 3 ms warm on moto, and the first
// request of a process also sets up the SDK's connection), so it gets a
// task it refuses before any I/O — an answer like staff's 401.
var coldStartEvents = map[string][]byte{
	"baseline":  []byte(`{}`),
	"collect":   httpEvent("GET", "/healthz", "203.0.113.7", nil),
	"staff":     httpEvent("GET", "/api/v1/symposia", "203.0.113.7", nil),  // 401: no credentials
	"documents": httpEvent("GET", "/api/v1/documents", "203.0.113.7", nil), // 401: no credentials
	"route":     []byte(`{"Records":[]}`),
	"summarize": []byte(`{"task":"cold-start"}`), // refused: "unknown task"
	"console":   httpEvent("GET", "/console/config.json", "203.0.113.7", nil),
	"check":     []byte(`{"Records":[]}`),
}

// coldStartRefusals are the errors that count as an answer to a function's
// cold-start event: summarize's refusal of the task, and nothing else (a
// failed start is still a failure).
var coldStartRefusals = map[string]string{"summarize": "unknown task"}

// coldStarts measures each function's cold start against the baseline's.
// Every sample is a pair: a fresh emulator with the function and one with
// the baseline, started back to back (which one first alternates), so that
// whatever else the machine is doing at that moment weighs on both. The
// rounds go through the functions in a rotating order. It returns, for
// each function, the median of its times, the median of its paired
// baselines' times and the median of the per-pair ratios, which is the
// figure the target judges (drift between pairs cancels out of it).
func coldStarts(ctx context.Context, l *lambdaEnv, fns []string, n int) (map[string]coldStart, error) {
	start := func(name string) (time.Duration, error) {
		bin := l.bins[name]
		if name == "baseline" {
			bin = l.bins["hello"]
		}
		e, err := startEmulator(ctx, l.rie, bin, l.memoryOf(name), l.env(false))
		if err != nil {
			return 0, err
		}
		e.refusal = coldStartRefusals[name]
		d, _, err := e.firstResponse(ctx, coldStartEvents[name])
		e.stop()
		if err != nil {
			return 0, fmt.Errorf("cold start of %s: %w", name, err)
		}
		return d, nil
	}
	type pair struct{ fn, base time.Duration }
	samples := map[string][]pair{}
	for round := range n {
		for i := range fns {
			name := fns[(i+round)%len(fns)]
			var p pair
			var err error
			if (round+i)%2 == 0 {
				if p.base, err = start("baseline"); err == nil {
					p.fn, err = start(name)
				}
			} else {
				if p.fn, err = start(name); err == nil {
					p.base, err = start("baseline")
				}
			}
			if err != nil {
				return nil, err
			}
			samples[name] = append(samples[name], p)
		}
	}
	out := map[string]coldStart{}
	for name, ps := range samples {
		var fn, base []time.Duration
		var ratios []float64
		for _, p := range ps {
			fn, base = append(fn, p.fn), append(base, p.base)
			ratios = append(ratios, float64(p.fn)/float64(p.base))
		}
		slices.Sort(ratios)
		out[name] = coldStart{Median: median(fn), Baseline: median(base), Ratio: ratios[len(ratios)/2], Samples: len(ps)}
	}
	return out, nil
}

// coldStart is one function's cold-start figures.
type coldStart struct {
	Median   time.Duration // the function's median time to first response
	Baseline time.Duration // the median of the baseline starts paired with it
	Ratio    float64       // the median of the per-pair ratios
	Samples  int
}

// costRun collects n suggestions through the collect function, routes them
// through the route function in the event source mapping's batches (stream
// records read from the table's stream) and makes the daily summary with
// the summarize function, all under the emulator and metered.
type costRun struct {
	Stages          []stageCost
	SuggestionBytes int           // size of the stored suggestion item
	CollectMedian   time.Duration // warm round trip of a submission
}

func runCost(ctx context.Context, l *lambdaEnv, n, batchSize int) (*costRun, error) {
	out := &costRun{}
	// Collect. Every 400 submissions go to a new symposium, under the
	// per-symposium limit's burst.
	collect, err := startEmulator(ctx, l.rie, l.bins["collect"], l.memoryOf("collect"), l.env(true))
	if err != nil {
		return nil, err
	}
	defer collect.stop()
	code := ""
	if _, _, err := collect.firstResponse(ctx, coldStartEvents["collect"]); err != nil {
		return nil, err
	}
	before := l.meter.snapshot()
	st := stageCost{Name: "collect", MemoryMB: l.memoryOf("collect")}
	var lat []time.Duration
	for i := range n {
		if i%400 == 0 {
			// Symposium set-up is the staff's work, not per suggestion:
			// keep it out of the meter's count.
			mid := l.meter.snapshot()
			if code, err = newSymposium(ctx, l.svc, fmt.Sprintf("成本测算座谈会 %d", i/400)); err != nil {
				return nil, err
			}
			before.WRU += l.meter.snapshot().WRU - mid.WRU
		}
		d, body, err := collect.timedInvoke(ctx, submitEvent(code, i))
		if err != nil {
			return nil, fmt.Errorf("submission %d: %w", i, err)
		}
		if err := checkCreated(body); err != nil {
			return nil, fmt.Errorf("submission %d: %w", i, err)
		}
		lat = append(lat, d)
		st.BilledMS += billedMS(d)
	}
	st.Invocations, st.HTTPCalls = n, n
	st.Usage = l.meter.snapshot().sub(before)
	out.Stages = append(out.Stages, st)
	out.CollectMedian = median(lat)
	out.SuggestionBytes = l.meter.lastSuggestionBytes()
	collect.stop()

	// Route, in the batches Lambda's event source mapping would make.
	recs, err := suggestionRecords(ctx, l.endpoint, l.table)
	if err != nil {
		return nil, err
	}
	if len(recs) < n {
		return nil, fmt.Errorf("the stream holds %d suggestion inserts, want %d", len(recs), n)
	}
	route, err := startEmulator(ctx, l.rie, l.bins["route"], l.memoryOf("route"), l.env(true))
	if err != nil {
		return nil, err
	}
	defer route.stop()
	if _, _, err := route.firstResponse(ctx, coldStartEvents["route"]); err != nil {
		return nil, err
	}
	before = l.meter.snapshot()
	st = stageCost{Name: "route", MemoryMB: l.memoryOf("route")}
	for b := range slices.Chunk(recs, batchSize) {
		ev, _ := json.Marshal(events.DynamoDBEvent{Records: b})
		d, body, err := route.timedInvoke(ctx, ev)
		if err != nil {
			return nil, fmt.Errorf("route batch: %w", err)
		}
		var resp events.DynamoDBEventResponse
		if err := json.Unmarshal(body, &resp); err != nil || len(resp.BatchItemFailures) > 0 {
			return nil, fmt.Errorf("route batch: %d failures (%v): %s", len(resp.BatchItemFailures), err, tail(string(body)))
		}
		st.Invocations++
		st.BilledMS += billedMS(d)
	}
	st.Usage = l.meter.snapshot().sub(before)
	out.Stages = append(out.Stages, st)
	route.stop()

	// Summarize the day the suggestions came in, as the 00:05 schedule
	// does the next morning.
	if bin, ok := l.bins["summarize"]; ok {
		sum, err := startEmulator(ctx, l.rie, bin, l.memoryOf("summarize"), l.env(true))
		if err != nil {
			return nil, err
		}
		defer sum.stop()
		today := time.Now().In(feedback.Shanghai)
		at := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 5, 0, 0, feedback.Shanghai)
		before = l.meter.snapshot()
		// The scheduled run is a cold start: custom runtimes bill their
		// init too, so bill from process start (conservative).
		d, body, err := sum.firstResponse(ctx, scheduledEvent(at, `{}`))
		if err != nil {
			return nil, fmt.Errorf("summarize: %w", err)
		}
		var res struct{ Received int }
		_ = json.Unmarshal(body, &res)
		if res.Received < n {
			return nil, fmt.Errorf("summarize counted %d suggestions received, want ≥ %d: %s", res.Received, n, tail(string(body)))
		}
		out.Stages = append(out.Stages, stageCost{Name: "summarize", MemoryMB: l.memoryOf("summarize"), Invocations: 1,
			BilledMS: billedMS(d), Usage: l.meter.snapshot().sub(before)})
	}
	return out, nil
}

func checkCreated(body []byte) error {
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	if resp.StatusCode != 201 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, tail(resp.Body))
	}
	return nil
}

// suggestionRecords reads the table's stream from the start and returns the
// records the route function's event source mapping lets through (INSERTs
// of suggestion items), in order.
func suggestionRecords(ctx context.Context, endpoint, table string) ([]events.DynamoDBEventRecord, error) {
	c := dynamodbstreams.NewFromConfig(awsConfig(endpoint))
	ls, err := c.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String(table)})
	if err != nil || len(ls.Streams) == 0 {
		return nil, fmt.Errorf("find the stream of %s: %v", table, err)
	}
	arn := ls.Streams[0].StreamArn
	ds, err := c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: arn})
	if err != nil {
		return nil, fmt.Errorf("describe stream: %w", err)
	}
	var out []events.DynamoDBEventRecord
	for _, sh := range ds.StreamDescription.Shards {
		it, err := c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: arn, ShardId: sh.ShardId,
			ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			return nil, fmt.Errorf("shard iterator: %w", err)
		}
		iter := it.ShardIterator
		for iter != nil {
			recs, err := c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
			if err != nil {
				return nil, fmt.Errorf("get records: %w", err)
			}
			for _, r := range recs.Records {
				if r.EventName != streamtypes.OperationTypeInsert || r.Dynamodb == nil {
					continue
				}
				if t, ok := r.Dynamodb.NewImage["type"].(*streamtypes.AttributeValueMemberS); !ok || t.Value != "suggestion" {
					continue
				}
				rec, err := dynamo.ToEventRecord(r, aws.ToString(arn))
				if err != nil {
					return nil, fmt.Errorf("convert stream record: %w", err)
				}
				out = append(out, rec)
			}
			if len(recs.Records) == 0 {
				break
			}
			iter = recs.NextShardIterator
		}
	}
	return out, nil
}

// warmRun is the warm comparison's figures.
type warmRun struct {
	Collect   time.Duration // median round trip of a submission
	Put       time.Duration // median round trip of the baseline's PutItem of the same item
	Sized     time.Duration // median round trip of a PutItem of a 3-attribute item of the same size
	ItemBytes int
	Attrs     int // attributes of the suggestion item
	Pairs     int
}

// warmSubmits measures a submission through a warm collect function against
// the baseline's one bare PutItem of the same item (the suggestion item the
// first submission stored, read back, under a fresh key), interleaved in
// turns whose order rotates, so that noise hits both alike. A third turn
// puts a three-attribute item of the same size, the baseline the harness
// used before: moto's time grows with the number of attributes, so that
// item flattered the baseline (BENCHMARKS.md); it is reported, not judged.
func warmSubmits(ctx context.Context, l *lambdaEnv, n int) (*warmRun, error) {
	collect, err := startEmulator(ctx, l.rie, l.bins["collect"], l.memoryOf("collect"), l.env(false))
	if err != nil {
		return nil, err
	}
	defer collect.stop()
	put, err := startEmulator(ctx, l.rie, l.bins["put"], l.memoryOf("collect"), l.env(false))
	if err != nil {
		return nil, err
	}
	defer put.stop()
	code, err := newSymposium(ctx, l.svc, "时延测算座谈会")
	if err != nil {
		return nil, err
	}
	_, body, err := collect.firstResponse(ctx, submitEvent(code, -1))
	if err != nil {
		return nil, err
	}
	if err := checkCreated(body); err != nil {
		return nil, err
	}
	item, err := storedSuggestionItem(ctx, l, body)
	if err != nil {
		return nil, err
	}
	out := &warmRun{ItemBytes: dynamo.ItemSize(item), Attrs: len(item), Pairs: n}
	putEvent, err := json.Marshal(map[string]any{"item": wireJSON(item)})
	if err != nil {
		return nil, err
	}
	sizedEvent := fmt.Appendf(nil, `{"size":%d}`, out.ItemBytes)
	if _, _, err := put.firstResponse(ctx, putEvent); err != nil {
		return nil, err
	}
	var cs, ps, ss []time.Duration
	const warmup = 20
	for i := range n + warmup {
		turns := []func() error{
			func() error {
				d, body, err := collect.timedInvoke(ctx, submitEvent(code, i))
				if err == nil {
					err = checkCreated(body)
				}
				if i >= warmup {
					cs = append(cs, d)
				}
				return err
			},
			func() error {
				d, _, err := put.timedInvoke(ctx, putEvent)
				if i >= warmup {
					ps = append(ps, d)
				}
				return err
			},
			func() error {
				d, _, err := put.timedInvoke(ctx, sizedEvent)
				if i >= warmup {
					ss = append(ss, d)
				}
				return err
			},
		}
		for k := range turns {
			if err := turns[(i+k)%len(turns)](); err != nil {
				return nil, err
			}
		}
	}
	out.Collect, out.Put, out.Sized = median(cs), median(ps), median(ss)
	return out, nil
}

// storedSuggestionItem reads back the suggestion item a submission stored
// (its key as docs/dynamodb.md gives it).
func storedSuggestionItem(ctx context.Context, l *lambdaEnv, response []byte) (map[string]types.AttributeValue, error) {
	var resp events.APIGatewayV2HTTPResponse
	var sg struct{ ID string }
	if err := json.Unmarshal(response, &resp); err != nil {
		return nil, fmt.Errorf("decode submission response: %w", err)
	}
	if err := json.Unmarshal([]byte(resp.Body), &sg); err != nil || sg.ID == "" {
		return nil, fmt.Errorf("no suggestion ID in %s", tail(resp.Body))
	}
	out, err := l.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(l.table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "SUG#" + sg.ID}, "sk": &types.AttributeValueMemberS{Value: "SUG"}}})
	if err != nil {
		return nil, fmt.Errorf("read back suggestion %s: %w", sg.ID, err)
	}
	if len(out.Item) == 0 {
		return nil, fmt.Errorf("suggestion %s is not at SUG#%s/SUG: docs/dynamodb.md and the harness disagree", sg.ID, sg.ID)
	}
	return out.Item, nil
}

// wireJSON is an item in DynamoDB's JSON, for the put baseline's event.
func wireJSON(item map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(item))
	for k, v := range item {
		out[k] = wireValue(v)
	}
	return out
}

func wireValue(v types.AttributeValue) any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]string{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]string{"N": v.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]bool{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]bool{"NULL": true}
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = wireValue(e)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": wireJSON(v.Value)}
	}
	// Sets and binaries: a suggestion item has none. Put a string so the
	// baseline still puts as many attributes.
	return map[string]string{"S": fmt.Sprint(v)}
}

func median(s []time.Duration) time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	return c[len(c)/2]
}
