package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/testenv"
)

func TestMain(m *testing.M) { dynamotest.Main(m) }

const publicBaseURL = "https://jianyan.example.gov.cn"

// TestEndToEnd runs the built functions under the Lambda emulator against
// moto_server: staff set up a symposium, a problem list and a routing rule;
// a deputy submits through the public function; the table's stream is
// delivered to route (twice: Lambda redelivers); a scheduled event runs
// summarize; staff read the results back.
func TestEndToEnd(t *testing.T) {
	root := repoRoot(t)
	if runtime.GOOS != "linux" {
		testenv.Missing(t, "aws-lambda-rie runs only on Linux")
	}
	rie := findRIE(t, root)
	endpoint := dynamoEndpoint(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, db)
	cfg := dynamotest.Config(endpoint)
	topic, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(table + "-topic")})
	if err != nil {
		t.Fatalf("create SNS topic on %s: %v", endpoint, err)
	}

	// Build for this machine (the emulator runs native binaries) with the
	// flags the Makefile uses for arm64.
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TABLE_NAME=" + table,
		"PUBLIC_BASE_URL=" + publicBaseURL,
		"TOPIC_ARN=" + aws.ToString(topic.TopicArn),
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint,
		"AWS_ENDPOINT_URL_SNS=" + endpoint,
		"AWS_REGION=" + dynamotest.Region,
		"AWS_DEFAULT_REGION=" + dynamotest.Region,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60",
	}
	fns := map[string]*function{}
	for _, fn := range functions {
		bin := buildBootstrap(t, root, fn.name, runtime.GOOS, runtime.GOARCH, t.TempDir())
		fns[fn.name] = startFunction(t, rie, fn.name, bin,
			append(env, "AWS_LAMBDA_FUNCTION_NAME=jianyan-"+fn.name))
	}
	collect, staff, route := fns["collect"], fns["staff"], fns["route"]
	admin := cognitoClaims("[admin]")

	// Staff calls need the authorizer's claims; with none (the authorizer
	// would never let that through, but the function must not trust it
	// either) and with a token but no role, the staff function refuses.
	if got := callAPI(t, staff, "GET", "/api/v1/symposia", "GET /api/v1/{proxy+}", nil, nil).StatusCode; got != http.StatusUnauthorized {
		t.Errorf("staff GET /api/v1/symposia without claims: status %d, want 401", got)
	}
	if got := callAPI(t, staff, "GET", "/api/v1/symposia", "GET /api/v1/{proxy+}", nil, cognitoClaims("")).StatusCode; got != http.StatusForbidden {
		t.Errorf("staff GET /api/v1/symposia with no group: status %d, want 403", got)
	}

	// The console function serves the console without a token: a link
	// into it (as in a notice) gets the application's page, and
	// config.json says how to sign in (a pasted token without COGNITO_*).
	console := fns["console"]
	if res := callAPI(t, console, "GET", "/console/problems/01jq0r8n5v8g2m4k6p0s2t4w6y", "GET /console/{proxy+}", nil, nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "建言工作台") {
		t.Errorf("console GET /console/problems/…: status %d, body %.200q", res.StatusCode, res.Body)
	}
	if res := callAPI(t, console, "GET", "/console/config.json", "GET /console/{proxy+}", nil, nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"auth":"token"`) {
		t.Errorf("console GET /console/config.json: status %d, body %q", res.StatusCode, res.Body)
	}

	// 1. Staff: a symposium, a problem list and a routing rule.
	now := time.Now()
	var sym struct{ ID, Code, Status, FormURL string }
	res := callAPI(t, staff, "POST", "/api/v1/symposia", "POST /api/v1/{proxy+}", map[string]any{
		"title":         "涉企乱罚款专项整治企业代表座谈会",
		"campaign":      "涉企乱罚款专项整治",
		"host_unit":     "区司法局行政执法协调监督科",
		"venue":         "区政府三楼会议室",
		"starts_at":     now.Add(-time.Hour).Format(time.RFC3339),
		"ends_at":       now.Add(3 * time.Hour).Format(time.RFC3339),
		"status":        "open",
		"allowed_kinds": []string{"npc_deputy", "cppcc_member", "enterprise", "community", "public"},
	}, admin)
	wantStatus(t, "create symposium", res, http.StatusCreated)
	decodeBody(t, res, &struct {
		ID      *string `json:"id"`
		Code    *string `json:"code"`
		Status  *string `json:"status"`
		FormURL *string `json:"form_url"`
	}{&sym.ID, &sym.Code, &sym.Status, &sym.FormURL})
	if want := publicBaseURL + "/s/" + sym.Code; sym.FormURL != want {
		t.Errorf("symposium form_url = %q, want %q", sym.FormURL, want)
	}

	var list struct {
		ID string `json:"id"`
	}
	// The units first: a list's owner and a rule's unit are registered ones.
	for _, u := range []map[string]any{{"name": "区司法局"}, {"name": "区市场监管局", "head": "王局长"}} {
		res = callAPI(t, staff, "POST", "/api/v1/units", "POST /api/v1/{proxy+}", u, admin)
		wantStatus(t, "register unit", res, http.StatusCreated)
	}

	res = callAPI(t, staff, "POST", "/api/v1/problem-lists", "POST /api/v1/{proxy+}", map[string]any{
		"title": "涉企乱罚款问题清单", "campaign": "涉企乱罚款专项整治", "symposium_id": sym.ID, "owner_unit": "区司法局",
	}, admin)
	wantStatus(t, "create problem list", res, http.StatusCreated)
	decodeBody(t, res, &list)

	res = callAPI(t, staff, "PUT", "/api/v1/routing-rules", "PUT /api/v1/{proxy+}", map[string]any{
		"rules": []map[string]any{{
			"name":             "罚款类线索",
			"match":            map[string]any{"keywords_any": []string{"罚款", "处罚"}},
			"problem_list_id":  list.ID,
			"responsible_unit": "区市场监管局",
			"deadline_days":    30,
		}},
	}, admin)
	wantStatus(t, "put routing rules", res, http.StatusOK)

	// 2. Public: the form page and a submission, as the HTTP API sends them
	// (no authorizer on these routes).
	res = callAPI(t, collect, "GET", "/s/"+sym.Code, "GET /s/{code}", nil, nil)
	wantStatus(t, "form page", res, http.StatusOK)
	// With the topic configured the route function sends reply notices to
	// submitters, so the form offers them.
	if !strings.Contains(res.Body, `id="f-notify"`) {
		t.Error("with TOPIC_ARN set, collect's form does not offer 有办理结果时通知我")
	}
	var sub struct {
		ID      string `json:"id"`
		Receipt string `json:"receipt"`
		Status  string `json:"status"`
	}
	res = callAPI(t, collect, "POST", "/api/v1/symposia/"+sym.Code+"/suggestions", "POST /api/v1/symposia/{code}/suggestions", map[string]any{
		"participant_kind": "enterprise",
		"kind":             "problem_lead",
		"name":             "陈先生",
		"organization":     "某五金制品有限公司",
		"contact":          "13800138000",
		"topic":            "门前三包",
		"content":          "门前临时堆放货物约半小时，执法人员未作提醒即罚款两千元，希望对轻微违法行为先教育后处罚。",
		"idempotency_key":  "e2e-" + sym.ID,
	}, nil)
	wantStatus(t, "submit", res, http.StatusCreated)
	decodeBody(t, res, &sub)
	// collect routes a submission before its one write (the rules it
	// just read): it is stored routed.
	if sub.Status != "routed" || sub.Receipt == "" {
		t.Fatalf("submission = %+v, want status routed and a receipt", sub)
	}
	submitted := getSuggestion(t, staff, admin, sub.ID)
	if submitted["problem_list_id"] != list.ID {
		t.Fatalf("submission stored with problem_list_id %v, want %s (the keyword rule)", submitted["problem_list_id"], list.ID)
	}

	// A paper form typed in by staff is stored unrouted: the stream's
	// route function routes it.
	var paper struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	res = callAPI(t, staff, "POST", "/api/v1/suggestions", "POST /api/v1/{proxy+}", map[string]any{
		"symposium_id": sym.ID, "participant_kind": "npc_deputy",
		"content": "纸质意见：部分执法人员对小微企业轻微违法行为直接处罚，建议推行首违不罚清单。",
	}, admin)
	wantStatus(t, "staff entry", res, http.StatusCreated)
	decodeBody(t, res, &paper)
	if paper.Status != "received" {
		t.Fatalf("staff entry = %+v, want status received", paper)
	}

	// 3. The stream, delivered to route as the event source mapping would,
	// then once more (a redelivery after, say, a timeout).
	streams := dynamotest.NewStreamsClient(t, endpoint)
	streamARN, batch := readStream(ctx, t, db, streams, table)
	inserted := map[string]bool{}
	for _, r := range batch {
		if r.EventName == "INSERT" {
			inserted[r.Change.Keys["pk"].String()] = true
		}
	}
	if !inserted["SUG#"+sub.ID] || !inserted["SUG#"+paper.ID] {
		t.Fatalf("the stream of %s lacks the INSERT of suggestion %s or %s (%d records)", table, sub.ID, paper.ID, len(batch))
	}
	event, err := json.Marshal(events.DynamoDBEvent{Records: batch})
	if err != nil {
		t.Fatal(err)
	}
	invokeRoute(t, route, event)
	routed := getSuggestion(t, staff, admin, paper.ID)
	if routed["status"] != "routed" || routed["problem_list_id"] != list.ID {
		t.Fatalf("after route: staff entry status %v, problem_list_id %v; want routed, %s", routed["status"], routed["problem_list_id"], list.ID)
	}
	if again := getSuggestion(t, staff, admin, sub.ID); !reflect.DeepEqual(again, submitted) {
		t.Errorf("route rewrote the submission routed at collect:\n got %v\nwant %v", again, submitted)
	}
	t.Logf("route: %d stream records delivered; staff entry %s routed to list %s", len(batch), paper.ID, list.ID)
	_, after := readStream(ctx, t, db, streams, table)

	invokeRoute(t, route, event)
	if again := getSuggestion(t, staff, admin, paper.ID); !reflect.DeepEqual(again, routed) {
		t.Errorf("redelivery changed the suggestion:\n got %v\nwant %v", again, routed)
	}
	if _, final := readStream(ctx, t, db, streams, table); len(final) != len(after) {
		t.Errorf("redelivery wrote to the table: %d stream records before, %d after (stream %s)", len(after), len(final), streamARN)
	}

	// The public receipt lookup sees the routing, without personal data.
	res = callAPI(t, collect, "GET", "/api/v1/receipts/"+sub.Receipt, "GET /api/v1/receipts/{receipt}", nil, nil)
	wantStatus(t, "receipt", res, http.StatusOK)
	if strings.Contains(res.Body, "13800138000") || strings.Contains(res.Body, "陈先生") {
		t.Errorf("receipt view shows personal data: %s", res.Body)
	}
	var receipt struct {
		Status string `json:"status"`
	}
	decodeBody(t, res, &receipt)
	if receipt.Status != "routed" {
		t.Errorf("receipt status = %q, want routed", receipt.Status)
	}

	// 4. A scheduled event to summarize: the daily run just after midnight
	// summarises today, which has our submission and the paper form.
	summarize := fns["summarize"]
	ev := scheduledEvent(t, root, "scheduled-daily.json", nextShanghaiMidnight(now).Add(30*time.Minute))
	var got struct {
		SummaryID string `json:"summary_id"`
		Period    string `json:"period"`
		Received  int    `json:"received"`
	}
	if err := json.Unmarshal(summarize.invoke(t, ev), &got); err != nil {
		t.Fatalf("summarize result: %v", err)
	}
	if got.Period != "daily" || got.Received != 2 || got.SummaryID == "" {
		t.Errorf("summarize = %+v, want a daily summary with received 2", got)
	}
	t.Logf("summarize: %+v", got)
	res = callAPI(t, staff, "GET", "/api/v1/summaries/"+got.SummaryID, "GET /api/v1/{proxy+}", nil, admin)
	wantStatus(t, "get summary", res, http.StatusOK)
}

// dynamoEndpoint is dynamotest.Endpoint run in a subtest, so that the caller
// itself skips (or, with testenv.Required, fails) without a server.
func dynamoEndpoint(t *testing.T) string {
	t.Helper()
	var ep string
	t.Run("dynamodb endpoint", func(t *testing.T) { ep = dynamotest.Endpoint(t) })
	if ep == "" {
		testenv.Missing(t, "no DynamoDB endpoint (set AWS_ENDPOINT_URL_DYNAMODB or put moto_server on PATH)")
	}
	return ep
}

// apiResponse is the part of an HTTP API (payload 2.0) response we check.
type apiResponse struct {
	StatusCode int
	Body       string
	Headers    map[string]string
}

// cognitoClaims are a Cognito access token's claims as API Gateway's JWT
// authorizer hands them to the function: every value a string, and a list
// claim written as "[a b]". groups "" leaves cognito:groups out.
func cognitoClaims(groups string) map[string]string {
	now := time.Now().Unix()
	c := map[string]string{
		"sub":        "7c1f5e2a-9d3b-4f6e-8a0c-2b4d6f8e1a3c",
		"iss":        "https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Jy7AbCdEf",
		"client_id":  "4k9n2q7r1s5t8v3w6x0y2z4a6b",
		"origin_jti": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
		"event_id":   "f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f",
		"token_use":  "access",
		"scope":      "openid email profile",
		"auth_time":  fmt.Sprint(now - 60),
		"exp":        fmt.Sprint(now + 3600),
		"iat":        fmt.Sprint(now - 60),
		"jti":        "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d",
		"username":   "7c1f5e2a-9d3b-4f6e-8a0c-2b4d6f8e1a3c",
	}
	if groups != "" {
		c["cognito:groups"] = groups
	}
	return c
}

// callAPI invokes an HTTP function with an API Gateway HTTP API request
// (payload format 2.0) for method and path, matched by routeKey; claims
// nil means a route without an authorizer.
func callAPI(t *testing.T, f *function, method, path, routeKey string, body any, claims map[string]string) apiResponse {
	t.Helper()
	return callAPIWith(t, f, method, path, routeKey, body, claims, nil)
}

// callAPIWith is callAPI with some request headers set (or, set to "",
// left out).
func callAPIWith(t *testing.T, f *function, method, path, routeKey string, body any, claims, set map[string]string) apiResponse {
	t.Helper()
	headers := map[string]string{
		"accept":            "application/json",
		"host":              "jianyan.example.gov.cn",
		"user-agent":        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
		"x-amzn-trace-id":   "Root=1-67c6a3f2-0a1b2c3d4e5f6a7b8c9d0e1f",
		"x-forwarded-for":   "203.0.113.7",
		"x-forwarded-port":  "443",
		"x-forwarded-proto": "https",
	}
	var rawBody string
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rawBody = string(b)
		headers["content-type"] = "application/json"
		headers["content-length"] = fmt.Sprint(len(b))
	}
	now := time.Now().UTC()
	rc := map[string]any{
		"accountId":    "123456789012",
		"apiId":        "a1b2c3d4e5",
		"domainName":   "jianyan.example.gov.cn",
		"domainPrefix": "jianyan",
		"http": map[string]any{
			"method": method, "path": path, "protocol": "HTTP/1.1",
			"sourceIp": "203.0.113.7", "userAgent": headers["user-agent"],
		},
		"requestId": fmt.Sprintf("e2e%d", now.UnixNano()),
		"routeKey":  routeKey,
		"stage":     "$default",
		"time":      now.Format("02/Jan/2006:15:04:05 -0700"),
		"timeEpoch": now.UnixMilli(),
	}
	if claims != nil {
		headers["authorization"] = "Bearer eyJraWQiOiJlMmUiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"
		rc["authorizer"] = map[string]any{"jwt": map[string]any{"claims": claims, "scopes": nil}}
	}
	ev := map[string]any{
		"version":         "2.0",
		"routeKey":        routeKey,
		"rawPath":         path,
		"rawQueryString":  "",
		"headers":         headers,
		"requestContext":  rc,
		"isBase64Encoded": false,
	}
	if params := pathParameters(routeKey, path); params != nil {
		ev["pathParameters"] = params
	}
	if body != nil {
		ev["body"] = rawBody
	}
	for k, v := range set {
		if v == "" {
			delete(headers, k)
		} else {
			headers[k] = v
		}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(f.invoke(t, payload), &resp); err != nil {
		t.Fatalf("%s %s: decode the function's response: %v", method, path, err)
	}
	return apiResponse{StatusCode: resp.StatusCode, Body: resp.Body, Headers: resp.Headers}
}

// pathParameters fills the {name} and {proxy+} variables of routeKey's
// path from path, as API Gateway does.
func pathParameters(routeKey, path string) map[string]string {
	_, pattern, _ := strings.Cut(routeKey, " ")
	ps, vs := strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	out := map[string]string{}
	for i, p := range ps {
		if !strings.HasPrefix(p, "{") || i >= len(vs) {
			continue
		}
		name := strings.Trim(p, "{}")
		if strings.HasSuffix(name, "+") {
			out[strings.TrimSuffix(name, "+")] = strings.Join(vs[i:], "/")
			break
		}
		out[name] = vs[i]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func wantStatus(t *testing.T, what string, res apiResponse, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, res.StatusCode, want, res.Body)
	}
}

func decodeBody(t *testing.T, res apiResponse, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
}

func getSuggestion(t *testing.T, staff *function, claims map[string]string, id string) map[string]any {
	t.Helper()
	res := callAPI(t, staff, "GET", "/api/v1/suggestions/"+id, "GET /api/v1/{proxy+}", nil, claims)
	wantStatus(t, "get suggestion", res, http.StatusOK)
	var m map[string]any
	decodeBody(t, res, &m)
	return m
}

// invokeRoute delivers a stream batch to route and checks that it reports
// no failed records.
func invokeRoute(t *testing.T, route *function, event []byte) {
	t.Helper()
	var resp events.DynamoDBEventResponse
	out := route.invoke(t, event)
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("route response %s: %v", out, err)
	}
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("route reported failed records: %+v", resp.BatchItemFailures)
	}
}

// readStream reads every record of table's stream from the trim horizon
// with the DynamoDB Streams API (DescribeTable → DescribeStream →
// GetShardIterator → GetRecords) and converts them into the records
// Lambda's event source mapping delivers (dynamo.ToEventRecord).
func readStream(ctx context.Context, t *testing.T, db *dynamodb.Client, streams *dynamodbstreams.Client, table string) (string, []events.DynamoDBEventRecord) {
	t.Helper()
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("describe table %s: %v", table, err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	if arn == "" {
		t.Fatalf("table %s has no stream", table)
	}
	var shards []streamtypes.Shard
	var start *string
	for {
		ds, err := streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), ExclusiveStartShardId: start})
		if err != nil {
			t.Fatalf("describe stream %s: %v", arn, err)
		}
		shards = append(shards, ds.StreamDescription.Shards...)
		start = ds.StreamDescription.LastEvaluatedShardId
		if start == nil {
			break
		}
	}
	var out []events.DynamoDBEventRecord
	for _, sh := range shards {
		it, err := streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			t.Fatalf("get shard iterator %s: %v", aws.ToString(sh.ShardId), err)
		}
		iter := it.ShardIterator
		for iter != nil {
			recs, err := streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("get records: %v", err)
			}
			for _, r := range recs.Records {
				ev, err := dynamo.ToEventRecord(r, arn)
				if err != nil {
					t.Fatalf("convert stream record %s: %v", aws.ToString(r.EventID), err)
				}
				out = append(out, ev)
			}
			if len(recs.Records) == 0 {
				break // caught up with an open shard
			}
			iter = recs.NextShardIterator
		}
	}
	return arn, out
}

// scheduledEvent is events/<name> with its scheduled time set to at.
func scheduledEvent(t *testing.T, root, name string, at time.Time) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "events", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("events/%s: %v", name, err)
	}
	ev["time"] = at.UTC().Format(time.RFC3339)
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// nextShanghaiMidnight is the first midnight in Asia/Shanghai (UTC+8, no
// daylight saving) after t.
func nextShanghaiMidnight(t time.Time) time.Time {
	cst := time.FixedZone("CST", 8*3600)
	y, m, d := t.In(cst).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, cst)
}
