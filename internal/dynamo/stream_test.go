package dynamo_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

const testStreamARN = "arn:aws:dynamodb:us-east-1:123456789012:table/jianyan/stream/2025-03-10T01:30:00.000"

// suggestionImage is the new image of a stored suggestion, as Lambda
// delivers it.
func suggestionImage() map[string]events.DynamoDBAttributeValue {
	s := events.NewStringAttribute
	return map[string]events.DynamoDBAttributeValue{
		"pk": s("SUG#01jnyts877krtq7aj3x93hw73s"), "sk": s("SUG"), "type": s("suggestion"),
		"id": s("01jnyts877krtq7aj3x93hw73s"), "receipt": s("K7QM-3XPA-9RTD"), "symposium_id": s("01jnyts000krtq7aj3x93hw73s"),
		"kind": s("problem_lead"), "participant_kind": s("enterprise"), "topic": s("重复检查"),
		"content": s("同一事项一个月内被三个部门检查,建议联合检查。"), "channel": s("qr"), "status": s("received"),
		"submitted_at": s("2025-03-10T01:30:00.123000000Z"), "version": events.NewNumberAttribute("1"),
		"sgmpk": s("SUG#2025-03"), "sgsk": s("2025-03-10T01:30:00.123000000Z#01jnyts877krtq7aj3x93hw73s"),
	}
}

func insertRecord(img map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
	return events.DynamoDBEventRecord{
		AWSRegion: "us-east-1", EventID: "1", EventName: "INSERT", EventSource: "aws:dynamodb", EventVersion: "1.1",
		EventSourceArn: testStreamARN,
		Change: events.DynamoDBStreamRecord{
			Keys:     map[string]events.DynamoDBAttributeValue{"pk": img["pk"], "sk": img["sk"]},
			NewImage: img, SequenceNumber: "100", StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}
}

func TestInsertedSuggestion(t *testing.T) {
	with := func(edit func(r *events.DynamoDBEventRecord)) events.DynamoDBEventRecord {
		r := insertRecord(suggestionImage())
		edit(&r)
		return r
	}
	tests := []struct {
		name    string
		rec     events.DynamoDBEventRecord
		table   string
		wantOK  bool
		wantErr bool
	}{
		{"new suggestion", insertRecord(suggestionImage()), "jianyan", true, false},
		{"any table", insertRecord(suggestionImage()), "", true, false},
		{"other table", insertRecord(suggestionImage()), "Example-Table", false, false},
		{"modify", with(func(r *events.DynamoDBEventRecord) { r.EventName = "MODIFY" }), "", false, false},
		{"remove", with(func(r *events.DynamoDBEventRecord) { r.EventName = "REMOVE"; r.Change.NewImage = nil }), "", false, false},
		{"receipt item", with(func(r *events.DynamoDBEventRecord) {
			r.Change.NewImage = map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("RCPT#K7QM-3XPA-9RTD"), "type": events.NewStringAttribute("receipt")}
		}), "", false, false},
		{"keys only", with(func(r *events.DynamoDBEventRecord) { r.Change.NewImage = nil }), "", false, true},
		{"missing content", with(func(r *events.DynamoDBEventRecord) { delete(r.Change.NewImage, "content") }), "", false, true},
		{"number as id", with(func(r *events.DynamoDBEventRecord) { r.Change.NewImage["id"] = events.NewNumberAttribute("7") }), "", false, true},
		{"zero value attribute", with(func(r *events.DynamoDBEventRecord) { r.Change.NewImage["topic"] = events.DynamoDBAttributeValue{} }), "", false, true},
		{"key does not match id", with(func(r *events.DynamoDBEventRecord) { r.Change.NewImage["pk"] = events.NewStringAttribute("SUG#other") }), "", false, true},
		{"bad time", with(func(r *events.DynamoDBEventRecord) {
			r.Change.NewImage["submitted_at"] = events.NewStringAttribute("yesterday")
		}), "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok, err := dynamo.InsertedSuggestion(tt.rec, tt.table)
			if ok != tt.wantOK || (err != nil) != tt.wantErr {
				t.Fatalf("ok=%v err=%v, want ok=%v err=%v", ok, err, tt.wantOK, tt.wantErr)
			}
			if ok {
				want := time.Date(2025, time.March, 10, 9, 30, 0, 123_000_000, feedback.Shanghai)
				if s.ID != "01jnyts877krtq7aj3x93hw73s" || s.Kind != feedback.KindProblemLead || !s.SubmittedAt.Equal(want) || s.Version != 1 {
					t.Fatalf("got %+v", s)
				}
			}
		})
	}
}

// The sample event shipped with aws-lambda-go (events/testdata/dynamodb-event.json).
const sampleEvent = `{"Records":[{"eventID":"c4ca4238a0b923820dcc509a6f75849b","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1","dynamodb":{"Keys":{"Id":{"N":"101"}},"NewImage":{"Message":{"S":"New item!"},"Id":{"N":"101"}},"ApproximateCreationDateTime":1428537600,"SequenceNumber":"4421584500000000017450439091","SizeBytes":26,"StreamViewType":"NEW_AND_OLD_IMAGES"},"eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899"}]}`

func TestInsertedSuggestionSkipsOtherTables(t *testing.T) {
	var ev events.DynamoDBEvent
	if err := json.Unmarshal([]byte(sampleEvent), &ev); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"", "jianyan"} {
		_, ok, err := dynamo.InsertedSuggestion(ev.Records[0], table)
		if ok || err != nil {
			t.Errorf("table %q: ok=%v err=%v, want a quiet skip", table, ok, err)
		}
	}
}

func TestTableFromStreamARN(t *testing.T) {
	tests := map[string]string{
		testStreamARN: "jianyan",
		"arn:aws-cn:dynamodb:cn-north-1:123456789012:table/a.b-c_d/stream/x": "a.b-c_d",
		"arn:aws:dynamodb:us-east-1:123456789012:table/t":                    "t",
		"":                              "",
		"arn:aws:sqs:us-east-1:1:queue": "",
	}
	for arn, want := range tests {
		if got := dynamo.TableFromStreamARN(arn); got != want {
			t.Errorf("TableFromStreamARN(%q) = %q, want %q", arn, got, want)
		}
	}
}

// FuzzInsertedSuggestion feeds arbitrary stream records (as JSON) to the
// conversion: it must never panic, and what it accepts must be a valid
// suggestion.
func FuzzInsertedSuggestion(f *testing.F) {
	good, _ := json.Marshal(insertRecord(suggestionImage()))
	f.Add(good)
	var ev events.DynamoDBEvent
	_ = json.Unmarshal([]byte(sampleEvent), &ev)
	other, _ := json.Marshal(ev.Records[0])
	f.Add(other)
	f.Fuzz(func(t *testing.T, data []byte) {
		var rec events.DynamoDBEventRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return
		}
		s, ok, err := dynamo.InsertedSuggestion(rec, "")
		if ok && err != nil {
			t.Fatalf("ok with an error: %v", err)
		}
		if ok {
			if err := s.Validate(); err != nil {
				t.Fatalf("accepted an invalid suggestion: %v", err)
			}
		}
	})
}

// collector is a StreamHandler that records what it gets and fails chosen
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
	sym := newSymposium(t, store)
	a := newSuggestion(sym, t0, "")
	b := newSuggestion(sym, t0.Add(time.Second), "")
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
		done <- dynamo.PollStream(pctx, dynamotest.NewStreamsClient(t, ep), table, c.handle, dynamo.PollConfig{
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
		t.Errorf("PollStream returned %v, want context.Canceled", err)
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
