package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

// The stream poller against moto_server's DynamoDB Streams: records in
// order, failed records retried from the first failure, shaped as Lambda
// delivers them.

var t0 = time.Date(2025, time.March, 10, 9, 30, 0, 123_000_000, feedback.Shanghai)

func pollSuggestion(sym *feedback.Symposium, at time.Time) *feedback.Suggestion {
	return &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID,
		Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Topic: "罚款",
		Content: "建议规范执法检查频次,避免重复罚款。", Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived,
		SubmittedAt: at, UpdatedAt: at}
}

// collector is a streamHandler that records what it gets and fails chosen
// records a number of times.
type collector struct {
	mu       sync.Mutex
	batches  [][]events.DynamoDBEventRecord
	failures map[string]int // event ID → failures left
}

func (c *collector) handle(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches = append(c.batches, ev.Records)
	var resp events.DynamoDBEventResponse
	for _, r := range ev.Records {
		if s, ok, _ := dynamo.InsertedSuggestion(r, ""); ok && c.failures[s.ID] > 0 {
			c.failures[s.ID]--
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// deliveries counts how often each suggestion arrived as a new suggestion.
func (c *collector) deliveries() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, b := range c.batches {
		for _, r := range b {
			if s, ok, _ := dynamo.InsertedSuggestion(r, ""); ok {
				out[s.ID]++
			}
		}
	}
	return out
}

func TestPollStream(t *testing.T) {
	ep := dynamotest.Endpoint(t)
	client := dynamotest.NewClient(t, ep)
	table := dynamotest.CreateTable(t, client)
	store := dynamo.New(client, table)
	ctx := t.Context()
	sym := &feedback.Symposium{ID: feedback.NewID(t0), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治座谈会",
		Status: feedback.SymposiumOpen, CreatedAt: t0, UpdatedAt: t0}
	if err := store.CreateSymposium(ctx, sym); err != nil {
		t.Fatal(err)
	}
	a := pollSuggestion(sym, t0)
	b := pollSuggestion(sym, t0.Add(time.Second))
	for _, s := range []*feedback.Suggestion{a, b} {
		if _, _, err := store.CreateSuggestion(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	a.Status, a.ProblemListID = feedback.SuggestionRouted, feedback.TriageListID
	if err := store.UpdateSuggestion(ctx, a); err != nil {
		t.Fatal(err)
	}

	c := &collector{failures: map[string]int{b.ID: 2}}
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- pollStream(pctx, dynamotest.NewStreamsClient(t, ep), table, c.handle, pollConfig{
			StartingPosition: streamtypes.ShardIteratorTypeTrimHorizon, Interval: 50 * time.Millisecond,
		})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d := c.deliveries()
		if d[a.ID] == 1 && d[b.ID] == 3 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("deliveries = %v, want %s once and %s three times (two failures)", d, a.ID, b.ID)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("pollStream returned %v, want context.Canceled", err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	first := c.batches[0][0]
	if first.EventSource != "aws:dynamodb" || first.AWSRegion == "" || dynamo.TableFromStreamARN(first.EventSourceArn) != table ||
		first.Change.SequenceNumber == "" || first.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || first.Change.Keys["pk"].DataType() != events.DataTypeString {
		t.Errorf("record not shaped like Lambda's: %+v", first)
	}
	// Retries start at the failed record: the two retried batches begin with b.
	var modify bool
	retries := 0
	for _, bt := range c.batches {
		if s, ok, _ := dynamo.InsertedSuggestion(bt[0], ""); ok && s.ID == b.ID {
			retries++
		}
		for _, r := range bt {
			modify = modify || r.EventName == "MODIFY"
		}
	}
	if retries < 2 {
		t.Errorf("%d batches start with the failed record, want at least 2", retries)
	}
	if !modify {
		t.Error("the update's MODIFY record was not delivered")
	}
}
