package deadletter_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/jianyan/jianyan/internal/deadletter"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

func TestMain(m *testing.M) { dynamotest.Main(m) }

// env is a table with a stream and an SQS queue on moto_server.
type env struct {
	db      *dynamodb.Client
	streams *dynamodbstreams.Client
	queue   *sqs.Client
	table   string
	url     string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ep := dynamotest.Endpoint(t)
	e := &env{db: dynamotest.NewClient(t, ep), streams: dynamotest.NewStreamsClient(t, ep), queue: sqs.NewFromConfig(dynamotest.Config(ep))}
	e.table = dynamotest.CreateTable(t, e.db)
	q, err := e.queue.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String(e.table + "-dlq")})
	if err != nil {
		t.Fatalf("create queue on %s: %v", ep, err)
	}
	e.url = aws.ToString(q.QueueUrl)
	return e
}

// suggestions stores n suggestions and returns the stream's ARN, the shard
// that holds its records, and the records, oldest first.
func (e *env) suggestions(t *testing.T, n int) (string, string, []streamtypes.Record) {
	t.Helper()
	st := dynamo.New(e.db, e.table)
	now := time.Now()
	sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
		Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(t.Context(), sym); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		at := now.Add(time.Duration(i) * time.Millisecond)
		s := &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Kind: feedback.KindSuggestion,
			ParticipantKind: feedback.Enterprise, Content: fmt.Sprintf("建议公开行政处罚裁量基准(%d)。", i), Channel: feedback.ChannelQR,
			Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at}
		if _, _, err := st.CreateSuggestion(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	desc, err := e.db.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(e.table)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	ds, err := e.streams.DescribeStream(t.Context(), &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var recs []streamtypes.Record
	var shard string
	for _, sh := range ds.StreamDescription.Shards {
		it, err := e.streams.GetShardIterator(t.Context(), &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn),
			ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		out, err := e.streams.GetRecords(t.Context(), &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Records) > 0 {
			recs, shard = append(recs, out.Records...), aws.ToString(sh.ShardId)
		}
	}
	return arn, shard, recs
}

// onFailure is the record Lambda writes to an on-failure destination for
// a DynamoDB stream batch it gave up on (AWS's documented shape).
func onFailure(arn, shard, start, end string, size int) string {
	b, _ := json.Marshal(map[string]any{
		"requestContext": map[string]any{"requestId": "316aa6d0-8154-xmpl-9af7-85d5f4a6bc81",
			"functionArn": "arn:aws:lambda:us-east-1:123456789012:function:jianyan-RouteFunction", "condition": "RetryAttemptsExhausted",
			"approximateInvokeCount": 6},
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
		"version":         "1.0", "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"DDBStreamBatchInfo": map[string]any{"shardId": shard, "startSequenceNumber": start, "endSequenceNumber": end,
			"approximateArrivalOfFirstRecord": time.Now().UTC().Format(time.RFC3339), "approximateArrivalOfLastRecord": time.Now().UTC().Format(time.RFC3339),
			"batchSize": size, "streamArn": arn},
	})
	return string(b)
}

func (e *env) send(t *testing.T, body string) {
	t.Helper()
	if _, err := e.queue.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(e.url), MessageBody: aws.String(body)}); err != nil {
		t.Fatal(err)
	}
}

// depth is how many records the queue holds, visible or not.
func (e *env) depth(t *testing.T) int {
	t.Helper()
	out, err := e.queue.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible} {
		v, _ := strconv.Atoi(out.Attributes[string(k)])
		n += v
	}
	return n
}

// handler records what routing was handed and fails the sequence numbers
// in fail.
type handler struct {
	mu   sync.Mutex
	seqs []string
	fail map[string]bool
}

func (h *handler) handle(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var resp events.DynamoDBEventResponse
	for _, r := range ev.Records {
		h.seqs = append(h.seqs, r.Change.SequenceNumber)
		if h.fail[r.Change.SequenceNumber] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
		}
	}
	return resp, nil
}

func TestRedrive(t *testing.T) {
	e := newEnv(t)
	arn, shard, recs := e.suggestions(t, 4)
	if len(recs) < 4 {
		t.Fatalf("stream has %d records, want at least 4", len(recs))
	}
	seq := func(i int) string { return aws.ToString(recs[i].Dynamodb.SequenceNumber) }
	last := len(recs) - 1
	// Lambda gave up on the last two records as one batch, and on an old
	// batch whose records the stream no longer has.
	e.send(t, onFailure(arn, shard, seq(last-1), seq(last), 2))
	e.send(t, onFailure(strings.Replace(arn, e.table, e.table+"-deleted", 1), shard, "100000000000000000001", "100000000000000000002", 2))
	e.send(t, `{"not":"a stream batch"}`)

	h := &handler{}
	sweeps := 0
	r := &deadletter.Redriver{Queue: e.queue, QueueURL: e.url, Streams: e.streams, Convert: dynamo.ToEventRecord, Handle: h.handle,
		Sweep: func(context.Context) error { sweeps++; return nil }, VisibilityTimeout: time.Minute}
	res, err := r.Redrive(t.Context())
	if !errors.Is(err, deadletter.ErrIncomplete) {
		t.Errorf("redrive with an unreadable record: err = %v, want ErrIncomplete", err)
	}
	want := deadletter.Result{Messages: 3, Redriven: 2, Records: 2, Expired: 1, Unreadable: 1}
	if res != want {
		t.Errorf("redrive = %+v, want %+v", res, want)
	}
	if wantSeqs := []string{seq(last - 1), seq(last)}; !slices.Equal(h.seqs, wantSeqs) {
		t.Errorf("routing was handed %v, want the batch's records %v", h.seqs, wantSeqs)
	}
	if sweeps != 1 {
		t.Errorf("%d sweeps for the expired batch, want 1", sweeps)
	}
	if got := e.depth(t); got != 1 {
		t.Errorf("%d records left in the queue, want 1 (the unreadable one)", got)
	}
}

func TestRedriveKeepsWhatFailsAgain(t *testing.T) {
	e := newEnv(t)
	arn, shard, recs := e.suggestions(t, 2)
	seq := func(i int) string { return aws.ToString(recs[i].Dynamodb.SequenceNumber) }
	e.send(t, onFailure(arn, shard, seq(0), seq(len(recs)-1), len(recs)))
	h := &handler{fail: map[string]bool{seq(len(recs) - 1): true}}
	r := &deadletter.Redriver{Queue: e.queue, QueueURL: e.url, Streams: e.streams, Convert: dynamo.ToEventRecord, Handle: h.handle,
		Sweep: func(context.Context) error { t.Error("swept a batch the stream still has"); return nil }, VisibilityTimeout: time.Minute}
	res, err := r.Redrive(t.Context())
	if !errors.Is(err, deadletter.ErrIncomplete) || res.Failed != 1 || res.Redriven != 0 {
		t.Errorf("redrive of a batch that fails again = %+v, %v; want it failed and kept", res, err)
	}
	if len(h.seqs) != len(recs) {
		t.Errorf("routing was handed %d records, want %d", len(h.seqs), len(recs))
	}
	if got := e.depth(t); got != 1 {
		t.Errorf("%d records in the queue, want the failed one kept", got)
	}
}
