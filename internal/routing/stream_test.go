package routing_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/notify"
	"github.com/jianyan/jianyan/internal/routing"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// sampleTable is the table named in events/dynamodb-insert-suggestion.json.
const sampleTable = "jianyan-Table-1X2Y3Z4W5V6U"

// convert is the DynamoDB adapter's converter, as functions/route uses it.
func convert(rec events.DynamoDBEventRecord) (*feedback.Suggestion, bool, error) {
	return dynamo.InsertedSuggestion(rec, sampleTable)
}

// readEvent decodes a stream event from a JSON file.
func readEvent(tb testing.TB, path string) events.DynamoDBEvent {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		tb.Fatalf("decode %s: %v", path, err)
	}
	if len(ev.Records) == 0 {
		tb.Fatalf("%s has no records", path)
	}
	return ev
}

const sampleEvent = "../../events/dynamodb-insert-suggestion.json"

// env is a service over a real SQLite store holding what the sample event's
// write stored: the symposium and the suggestion, plus a rule for it.
type env struct {
	svc    *feedback.Service
	store  *sqlite.Store
	handle routing.StreamHandler
	sgID   string
	listID string
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	ctx := context.Background()
	now := time.Date(2025, 3, 4, 10, 15, 31, 0, feedback.Shanghai)
	clock := func() time.Time { return now }
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(clock))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	svc := feedback.NewService(st, feedback.Config{Now: clock, Logger: slog.New(slog.DiscardHandler)})

	ev := readEvent(tb, sampleEvent)
	sg, ok, err := convert(ev.Records[0])
	if err != nil || !ok {
		tb.Fatalf("sample event's first record: ok %v, %v", ok, err)
	}
	sym := &feedback.Symposium{ID: sg.SymposiumID, Code: "K7QM3XPA", Title: "涉企乱罚款问题专项整治征求意见座谈会",
		Campaign: sg.Campaign, Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(ctx, sym); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := st.CreateSuggestion(ctx, sg); err != nil {
		tb.Fatal(err)
	}
	admin := feedback.Identity{Subject: "admin", Name: "管理员", Role: feedback.RoleAdmin}
	l, err := svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		tb.Fatal(err)
	}
	rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{{
		Name:          "涉企罚款",
		Match:         feedback.RuleMatch{ParticipantKinds: []feedback.ParticipantKind{feedback.Enterprise}, KeywordsAny: []string{"罚款"}},
		ProblemListID: l.ID,
	}}}
	if err := svc.PutRules(ctx, admin, rs); err != nil {
		tb.Fatal(err)
	}
	return &env{svc: svc, store: st, handle: routing.NewStreamHandler(svc, convert, nil, nil), sgID: sg.ID, listID: l.ID}
}

func (e *env) suggestion(tb testing.TB) *feedback.Suggestion {
	tb.Helper()
	sg, err := e.store.GetSuggestion(context.Background(), e.sgID)
	if err != nil {
		tb.Fatal(err)
	}
	return sg
}

func TestSampleEventRoutesSuggestion(t *testing.T) {
	e := newEnv(t)
	ev := readEvent(t, sampleEvent)

	resp, err := e.handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("handler error: %v", err)
	}
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures = %+v, want none (receipt and idempotency records are skipped)", resp.BatchItemFailures)
	}
	first := e.suggestion(t)
	if first.Status != feedback.SuggestionRouted || first.ProblemListID != e.listID || first.RuleName != "涉企罚款" {
		t.Fatalf("after the batch: status %q list %q rule %q, want routed to %s by 涉企罚款", first.Status, first.ProblemListID, first.RuleName, e.listID)
	}

	// Lambda redelivers the batch (a retry, or a duplicate from the stream):
	// nothing changes.
	resp, err = e.handle(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery: %v, failures %+v", err, resp.BatchItemFailures)
	}
	again := e.suggestion(t)
	if again.Version != first.Version || again.Status != first.Status || again.ProblemListID != first.ProblemListID || !again.UpdatedAt.Equal(first.UpdatedAt) {
		t.Errorf("redelivery changed the suggestion: %+v → %+v", first, again)
	}
}

// TestOtherTablesSkipped feeds the sample stream events shipped with
// aws-lambda-go (records of other tables): all skipped, none failed.
func TestOtherTablesSkipped(t *testing.T) {
	e := newEnv(t)
	before := e.suggestion(t)
	for _, name := range []string{"awslambdago-dynamodb-event.json", "awslambdago-dynamodb-time-window-event.json"} {
		t.Run(name, func(t *testing.T) {
			resp, err := e.handle(context.Background(), readEvent(t, filepath.Join("testdata", name)))
			if err != nil {
				t.Fatalf("handler error: %v", err)
			}
			if len(resp.BatchItemFailures) != 0 {
				t.Errorf("failures = %+v, want none", resp.BatchItemFailures)
			}
		})
	}
	// Without the table check the records are still skipped: they are not
	// suggestion items.
	anyTable := routing.NewStreamHandler(e.svc, func(rec events.DynamoDBEventRecord) (*feedback.Suggestion, bool, error) {
		return dynamo.InsertedSuggestion(rec, "")
	}, nil, nil)
	resp, err := anyTable(context.Background(), readEvent(t, filepath.Join("testdata", "awslambdago-dynamodb-event.json")))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Errorf("without table check: %v, failures %+v", err, resp.BatchItemFailures)
	}
	if after := e.suggestion(t); after.Version != before.Version {
		t.Errorf("foreign records changed our suggestion")
	}
}

// TestFailuresAreReportedPerRecord checks partial batch failure: a record
// whose suggestion cannot be routed and one that cannot be read fail alone.
func TestFailuresAreReportedPerRecord(t *testing.T) {
	e := newEnv(t)
	ev := readEvent(t, sampleEvent)
	good := ev.Records[0]

	missing := readEvent(t, sampleEvent).Records[0]
	missing.Change.SequenceNumber = "4421584800000000017450439094"
	missing.Change.NewImage["id"] = events.NewStringAttribute("01jnfezmjbnosuchsuggestion")

	unreadable := readEvent(t, sampleEvent).Records[0]
	unreadable.Change.SequenceNumber = "4421584900000000017450439095"
	unreadable.Change.NewImage["submitted_at"] = events.NewStringAttribute("not a time")

	batch := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{missing, good, unreadable, ev.Records[1]}}
	resp, err := e.handle(context.Background(), batch)
	if err != nil {
		t.Fatalf("handler error: %v", err)
	}
	var got []string
	for _, f := range resp.BatchItemFailures {
		got = append(got, f.ItemIdentifier)
	}
	want := []string{missing.Change.SequenceNumber, unreadable.Change.SequenceNumber}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("failures = %v, want %v", got, want)
	}
	if sg := e.suggestion(t); sg.Status != feedback.SuggestionRouted {
		t.Errorf("the good record was not routed: status %q", sg.Status)
	}
}

func TestCancelledContextHandsBatchBack(t *testing.T) {
	e := newEnv(t)
	ev := readEvent(t, sampleEvent)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp, err := e.handle(ctx, ev)
	if err != nil {
		t.Fatalf("handler error: %v", err)
	}
	if len(resp.BatchItemFailures) != len(ev.Records) {
		t.Errorf("%d failures, want all %d records handed back", len(resp.BatchItemFailures), len(ev.Records))
	}
	for i, f := range resp.BatchItemFailures {
		if want := ev.Records[i].Change.SequenceNumber; f.ItemIdentifier != want {
			t.Errorf("failure %d = %q, want %q", i, f.ItemIdentifier, want)
		}
	}
	if sg := e.suggestion(t); sg.Status != feedback.SuggestionReceived {
		t.Errorf("status = %q, want received (nothing done)", sg.Status)
	}
}

// TestResponseJSON checks the response's wire shape Lambda reads.
func TestResponseJSON(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.handle(context.Background(), readEvent(t, sampleEvent))
	b, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"batchItemFailures":[]}`; got != want {
		t.Errorf("response = %s, want %s", got, want)
	}
}

// TestSampleEventConverts checks the sample event against the adapter's
// item layout: the suggestion record converts in full, its receipt and
// idempotency records are skipped.
func TestSampleEventConverts(t *testing.T) {
	ev := readEvent(t, sampleEvent)
	sg, ok, err := convert(ev.Records[0])
	if err != nil || !ok {
		t.Fatalf("suggestion record: ok %v, %v", ok, err)
	}
	want := feedback.Suggestion{
		ID: "01jnfezmjbj2sxbeg3atkcjbsc", Receipt: "3KM2-VQQN-SXD3", SymposiumID: "01jn8v3q2r9t6w4x8y0z1a2b3c",
		Campaign: "涉企乱罚款专项整治", Kind: feedback.KindProblemLead, ParticipantKind: feedback.Enterprise,
		Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, Topic: "门前三包", Version: 1,
	}
	if sg.ID != want.ID || sg.Receipt != want.Receipt || sg.SymposiumID != want.SymposiumID || sg.Campaign != want.Campaign ||
		sg.Kind != want.Kind || sg.ParticipantKind != want.ParticipantKind || sg.Channel != want.Channel ||
		sg.Status != want.Status || sg.Topic != want.Topic || sg.Version != want.Version {
		t.Errorf("converted = %+v, want %+v", sg, want)
	}
	if got := sg.SubmittedAt.In(feedback.Shanghai).Format(time.RFC3339Nano); got != "2025-03-04T10:15:30.123+08:00" {
		t.Errorf("submitted_at = %s", got)
	}
	for i, rec := range ev.Records[1:] {
		if _, ok, err := convert(rec); ok || err != nil {
			t.Errorf("record %d (%s): ok %v, err %v; want skipped", i+1, rec.Change.Keys["pk"].String(), ok, err)
		}
	}
}

const noticeEvent = "../../events/dynamodb-insert-notice.json"

// The stream carries an outbox notice to the route function, which
// delivers it to the office's channel and records the delivery; a channel
// that refuses it leaves the record handled (the sweeper retries), not
// failed.
func TestSampleEventDeliversNotice(t *testing.T) {
	ctx := context.Background()
	var got []map[string]any
	down := false
	office := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		got = append(got, body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer office.Close()
	now := time.Date(2025, 3, 4, 10, 30, 0, 0, feedback.Shanghai)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jianyan.db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := feedback.NewService(st, feedback.Config{Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler),
		Office: &notify.Webhook{URL: office.URL}, UnitNotifier: &notify.Channels{}})
	notices := func(rec events.DynamoDBEventRecord) (*feedback.Notice, bool, error) {
		return dynamo.InsertedNotice(rec, sampleTable)
	}
	ev := readEvent(t, noticeEvent)
	n, ok, err := notices(ev.Records[0])
	if err != nil || !ok {
		t.Fatalf("sample notice: ok %v, %v", ok, err)
	}
	if err := st.CreateNotice(ctx, n); err != nil { // what the write stored
		t.Fatal(err)
	}
	handle := routing.NewStreamHandler(svc, convert, notices, nil)

	down = true
	resp, err := handle(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("with the office channel down: %v, failures %+v; want the record handled", err, resp.BatchItemFailures)
	}
	stored, _ := st.GetNotice(ctx, n.ID)
	if !stored.DeliveredAt.IsZero() || stored.Attempts != 1 || stored.LastError == "" {
		t.Fatalf("after a refused delivery: %+v", stored)
	}

	down = false
	resp, err = handle(ctx, ev) // Lambda redelivers, or the sweeper runs
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery: %v, failures %+v", err, resp.BatchItemFailures)
	}
	stored, _ = st.GetNotice(ctx, n.ID)
	if stored.DeliveredAt.IsZero() || len(got) != 1 || got[0]["kind"] != "assignment" || got[0]["unit"] != "区市场监督管理局" {
		t.Fatalf("after delivery: notice %+v, office got %v", stored, got)
	}
	if _, err := handle(ctx, ev); err != nil || len(got) != 1 {
		t.Errorf("a third delivery of the record sent again: %d", len(got))
	}
	// A notice record whose image is not a notice fails the record.
	bad := readEvent(t, noticeEvent)
	bad.Records[0].Change.NewImage["id"] = events.NewStringAttribute("../../etc")
	if resp, _ := handle(ctx, bad); len(resp.BatchItemFailures) != 1 {
		t.Errorf("a corrupt notice record: failures %+v, want 1", resp.BatchItemFailures)
	}
}

// requestIDs records, for every log record, the Lambda request ID its
// context carried: what lambdacontext's handler adds to each line.
type requestIDs struct {
	mu  sync.Mutex
	ids []string
}

func (r *requestIDs) Enabled(context.Context, slog.Level) bool { return true }
func (r *requestIDs) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *requestIDs) WithGroup(string) slog.Handler            { return r }
func (r *requestIDs) Handle(ctx context.Context, _ slog.Record) error {
	id := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		id = lc.AwsRequestID
	}
	r.mu.Lock()
	r.ids = append(r.ids, id)
	r.mu.Unlock()
	return nil
}

// TestLogsCarryTheRequestID: the handler logs through the logger it is
// handed, with the invocation's context, so on AWS (lambdacontext's
// logger) every line names the request.
func TestLogsCarryTheRequestID(t *testing.T) {
	e := newEnv(t)
	rec := &requestIDs{}
	convert := func(r events.DynamoDBEventRecord) (*feedback.Suggestion, bool, error) {
		return dynamo.InsertedSuggestion(r, "")
	}
	handle := routing.NewStreamHandler(e.svc, convert, nil, slog.New(rec))
	bad := readEvent(t, sampleEvent).Records[0]
	bad.Change.NewImage["submitted_at"] = events.NewStringAttribute("not a time")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "c0ffee-1"})
	if _, err := handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{bad}}); err != nil {
		t.Fatal(err)
	}
	if len(rec.ids) < 2 { // the unreadable record, then the batch
		t.Fatalf("%d log lines, want the failure and the batch", len(rec.ids))
	}
	for i, id := range rec.ids {
		if id != "c0ffee-1" {
			t.Errorf("log line %d carries request ID %q, want c0ffee-1", i, id)
		}
	}
}
