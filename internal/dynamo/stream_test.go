package dynamo_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/jianyan/jianyan/internal/dynamo"
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
