package emulator_test

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/testenv"
)

// TestDeadLetterRedrive runs the documented way back from the dead-letter
// queue with the built functions under the emulator against moto_server
// (DynamoDB, its stream, SQS): two submissions whose stream batch the
// route function "gave up on" are named by an on-failure record in the
// queue, in the shape Lambda writes it; the redrive task of summarize
// (events/scheduled-redrive.json) reads the batch back from the stream and
// routes it, and the queue is empty afterwards.
func TestDeadLetterRedrive(t *testing.T) {
	root := repoRoot(t)
	if runtime.GOOS != "linux" {
		testenv.Missing(t, "aws-lambda-rie runs only on Linux")
	}
	rie := findRIE(t, root)
	endpoint := dynamoEndpoint(t)
	ctx := t.Context()
	db := dynamotest.NewClient(t, endpoint)
	table := dynamotest.CreateTable(t, db)
	cfg := dynamotest.Config(endpoint)
	topic, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(table + "-topic")})
	if err != nil {
		t.Fatalf("create SNS topic: %v", err)
	}
	queue := sqs.NewFromConfig(cfg)
	q, err := queue.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(table + "-dlq")})
	if err != nil {
		t.Fatalf("create the dead-letter queue on %s: %v", endpoint, err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"TABLE_NAME=" + table, "PUBLIC_BASE_URL=" + publicBaseURL, "TOPIC_ARN=" + aws.ToString(topic.TopicArn),
		"DEAD_LETTER_QUEUE_URL=" + aws.ToString(q.QueueUrl),
		"AWS_ENDPOINT_URL_DYNAMODB=" + endpoint, "AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + endpoint,
		"AWS_ENDPOINT_URL_SNS=" + endpoint, "AWS_ENDPOINT_URL_SQS=" + endpoint,
		"AWS_REGION=" + dynamotest.Region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_LAMBDA_FUNCTION_TIMEOUT=60",
	}
	fns := map[string]*function{}
	for _, name := range []string{"staff", "summarize"} {
		bin := buildBootstrap(t, root, name, runtime.GOOS, runtime.GOARCH, t.TempDir())
		fns[name] = startFunction(t, rie, name, bin, append(env, "AWS_LAMBDA_FUNCTION_NAME=jianyan-"+name))
	}
	staff, summarize := fns["staff"], fns["summarize"]
	admin := cognitoClaims("[admin]")

	var sym struct{ ID, Code string }
	res := callAPI(t, staff, "POST", "/api/v1/symposia", "POST /api/v1/{proxy+}", map[string]any{
		"title": "职权下放重放轻管问题征求意见座谈会", "campaign": "职权下放重放轻管", "host_unit": "区司法局", "status": "open",
	}, admin)
	wantStatus(t, "create symposium", res, http.StatusCreated)
	decodeBody(t, res, &struct {
		ID   *string `json:"id"`
		Code *string `json:"code"`
	}{&sym.ID, &sym.Code})
	res = callAPI(t, staff, "POST", "/api/v1/units", "POST /api/v1/{proxy+}", map[string]any{"name": "区司法局"}, admin)
	wantStatus(t, "register unit", res, http.StatusCreated)
	var list struct {
		ID string `json:"id"`
	}
	res = callAPI(t, staff, "POST", "/api/v1/problem-lists", "POST /api/v1/{proxy+}", map[string]any{
		"title": "职权下放问题清单", "campaign": "职权下放重放轻管", "symposium_id": sym.ID, "owner_unit": "区司法局",
	}, admin)
	wantStatus(t, "create problem list", res, http.StatusCreated)
	decodeBody(t, res, &list)
	res = callAPI(t, staff, "PUT", "/api/v1/routing-rules", "PUT /api/v1/{proxy+}", map[string]any{
		"rules": []map[string]any{{"name": "下放事项", "match": map[string]any{"symposium_ids": []string{sym.ID}}, "problem_list_id": list.ID}},
	}, admin)
	wantStatus(t, "put routing rules", res, http.StatusOK)

	// Paper forms typed in by staff: stored unrouted, for the stream's
	// route function (public submissions are routed by collect itself).
	var ids []string
	for i, content := range []string{"镇街承接下放的审批事项后专业人员不足,存在重放轻管的问题。", "下放事项的事中事后监管责任不清,部门与镇街之间相互推诿。"} {
		var sub struct {
			ID string `json:"id"`
		}
		res := callAPI(t, staff, "POST", "/api/v1/suggestions", "POST /api/v1/{proxy+}", map[string]any{
			"symposium_id": sym.ID, "participant_kind": "npc_deputy", "content": content, "idempotency_key": "dlq-" + strconv.Itoa(i) + "-" + sym.ID,
		}, admin)
		wantStatus(t, "staff entry", res, http.StatusCreated)
		decodeBody(t, res, &sub)
		ids = append(ids, sub.ID)
	}

	// The route function never handled these: Lambda gave the batch up
	// and wrote where it is in the stream to the queue.
	streams := dynamotest.NewStreamsClient(t, endpoint)
	arn, recs := readStream(ctx, t, db, streams, table)
	var first, last string
	for _, r := range recs {
		if r.EventName == "INSERT" && (r.Change.Keys["pk"].String() == "SUG#"+ids[0] || r.Change.Keys["pk"].String() == "SUG#"+ids[1]) {
			if first == "" {
				first = r.Change.SequenceNumber
			}
			last = r.Change.SequenceNumber
		}
	}
	if first == "" || first == last {
		t.Fatalf("stream of %s: the two suggestions' records not found (%d records)", table, len(recs))
	}
	shard := shardOf(ctx, t, streams, arn, first)
	body, _ := json.Marshal(map[string]any{
		"requestContext": map[string]any{"requestId": "c9b8a7d6-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
			"functionArn": "arn:aws:lambda:" + dynamotest.Region + ":123456789012:function:jianyan-RouteFunction", "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
		"version":         "1.0", "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"DDBStreamBatchInfo": map[string]any{"shardId": shard, "startSequenceNumber": first, "endSequenceNumber": last,
			"approximateArrivalOfFirstRecord": time.Now().UTC().Format(time.RFC3339), "approximateArrivalOfLastRecord": time.Now().UTC().Format(time.RFC3339),
			"batchSize": 2, "streamArn": arn},
	})
	if _, err := queue.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(string(body))}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if s := getSuggestion(t, staff, admin, id); s["status"] != "received" {
			t.Fatalf("suggestion before the redrive: status %v, want received", s["status"])
		}
	}

	raw, err := os.ReadFile(filepath.Join(root, "events", "scheduled-redrive.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Redriven struct{ Messages, Redriven, Records, Expired, Failed, Unreadable int } `json:"redriven"`
	}
	if err := json.Unmarshal(summarize.invoke(t, raw), &got); err != nil {
		t.Fatalf("summarize redrive result: %v", err)
	}
	if r := got.Redriven; r.Messages != 1 || r.Redriven != 1 || r.Records < 2 || r.Failed != 0 || r.Unreadable != 0 {
		t.Errorf("redrive = %+v, want the one batch redriven with its records", r)
	}
	for _, id := range ids {
		if s := getSuggestion(t, staff, admin, id); s["status"] != "routed" || s["problem_list_id"] != list.ID {
			t.Errorf("suggestion %s after the redrive: status %v, list %v; want routed to %s", id, s["status"], s["problem_list_id"], list.ID)
		}
	}
	attrs, err := queue.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{
		sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range attrs.Attributes {
		if v != "0" {
			t.Errorf("queue after the redrive: %s = %s, want 0", k, v)
		}
	}
	// Again, the way README's "The dead-letter queue" runs it by hand
	// (aws lambda invoke --payload '{"task":"redrive"}'): nothing left.
	var again struct {
		Redriven *struct{ Messages, Redriven, Failed int } `json:"redriven"`
	}
	if out := summarize.invoke(t, []byte(`{"task":"redrive"}`)); json.Unmarshal(out, &again) != nil || again.Redriven == nil {
		t.Errorf("the README's redrive payload did not run the redrive: %s", out)
	} else if again.Redriven.Messages != 0 {
		t.Errorf("second redrive = %+v; want an empty queue", *again.Redriven)
	}
}

// shardOf returns the shard of the stream that holds sequence number seq.
func shardOf(ctx context.Context, t *testing.T, streams *dynamodbstreams.Client, arn, seq string) string {
	t.Helper()
	want, ok := new(big.Int).SetString(seq, 10)
	if !ok {
		t.Fatalf("sequence number %q", seq)
	}
	ds, err := streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range ds.StreamDescription.Shards {
		r := sh.SequenceNumberRange
		if r == nil {
			continue
		}
		from, _ := new(big.Int).SetString(aws.ToString(r.StartingSequenceNumber), 10)
		if from == nil || from.Cmp(want) > 0 {
			continue
		}
		if to, _ := new(big.Int).SetString(aws.ToString(r.EndingSequenceNumber), 10); to != nil && to.Cmp(want) < 0 {
			continue
		}
		return aws.ToString(sh.ShardId)
	}
	t.Fatalf("no shard of %s holds sequence number %s", arn, seq)
	return ""
}
