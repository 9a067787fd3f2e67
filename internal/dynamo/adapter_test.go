package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

var t0 = time.Date(2025, time.March, 10, 9, 30, 0, 123_000_000, feedback.Shanghai)

func newSymposium(tb testing.TB, s *dynamo.Store) *feedback.Symposium {
	tb.Helper()
	sym := &feedback.Symposium{ID: feedback.NewID(t0), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治座谈会",
		Campaign: "涉企乱罚款", Status: feedback.SymposiumOpen, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateSymposium(tb.Context(), sym); err != nil {
		tb.Fatalf("create symposium: %v", err)
	}
	return sym
}

func newSuggestion(sym *feedback.Symposium, at time.Time, key string) *feedback.Suggestion {
	return &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID,
		Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Topic: "罚款",
		Content: "建议规范执法检查频次,避免重复罚款。", Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived,
		IdempotencyKey: key, SubmittedAt: at, UpdatedAt: at}
}

func TestConditionalWriteConflicts(t *testing.T) {
	s, _ := openStore(t)
	ctx := t.Context()
	sym := newSymposium(t, s)

	dupCode := *sym
	dupCode.ID = feedback.NewID(t0)
	dupCode.Version = 0
	if err := s.CreateSymposium(ctx, &dupCode); feedback.ErrorCode(err) != feedback.EConflict {
		t.Fatalf("second symposium with the same code: %v, want conflict", err)
	}
	if _, err := s.GetSymposium(ctx, dupCode.ID); feedback.ErrorCode(err) != feedback.ENotFound {
		t.Fatalf("the rejected symposium was stored: %v", err)
	}

	a, _ := s.GetSymposium(ctx, sym.ID)
	b, _ := s.GetSymposium(ctx, sym.ID)
	a.Title = "第一次修改"
	if err := s.UpdateSymposium(ctx, a); err != nil {
		t.Fatal(err)
	}
	b.Title = "并发修改"
	if err := s.UpdateSymposium(ctx, b); feedback.ErrorCode(err) != feedback.EConflict {
		t.Fatalf("stale update: %v, want conflict", err)
	}
	if b.Version != 1 {
		t.Errorf("failed update changed Version to %d", b.Version)
	}

	// Changing the code moves the code item; the old code stops resolving.
	a.Code = feedback.NewSymposiumCode()
	if err := s.UpdateSymposium(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetSymposiumByCode(ctx, a.Code); err != nil || got.Title != "第一次修改" || got.Version != 3 {
		t.Fatalf("by new code: %+v, %v", got, err)
	}
	if _, err := s.GetSymposiumByCode(ctx, sym.Code); feedback.ErrorCode(err) != feedback.ENotFound {
		t.Fatalf("old code still resolves: %v", err)
	}

	sug := newSuggestion(sym, t0, "")
	if _, _, err := s.CreateSuggestion(ctx, sug); err != nil {
		t.Fatal(err)
	}
	again := newSuggestion(sym, t0, "")
	again.Receipt = sug.Receipt
	if _, _, err := s.CreateSuggestion(ctx, again); feedback.ErrorCode(err) != feedback.EConflict {
		t.Fatalf("taken receipt: %v, want conflict", err)
	}
	if _, err := s.GetSuggestion(ctx, again.ID); feedback.ErrorCode(err) != feedback.ENotFound {
		t.Fatalf("suggestion with a taken receipt was stored: %v", err)
	}
}

func TestIdempotencyWindow(t *testing.T) {
	s, table := openStore(t)
	ctx := t.Context()
	sym := newSymposium(t, s)

	first := newSuggestion(sym, t0, "key-1")
	if _, created, err := s.CreateSuggestion(ctx, first); err != nil || !created {
		t.Fatalf("first: created=%v err=%v", created, err)
	}
	tests := []struct {
		name        string
		at          time.Time
		wantCreated bool
	}{
		{"retry a second later", t0.Add(time.Second), false},
		{"just inside the window", t0.Add(feedback.IdempotencyWindow - time.Millisecond), false},
		{"at the end of the window", t0.Add(feedback.IdempotencyWindow), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry := newSuggestion(sym, tt.at, "key-1")
			got, created, err := s.CreateSuggestion(ctx, retry)
			if err != nil {
				t.Fatal(err)
			}
			if created != tt.wantCreated {
				t.Fatalf("created = %v, want %v", created, tt.wantCreated)
			}
			if !created && got.ID != first.ID {
				t.Fatalf("replay returned %s, want %s", got.ID, first.ID)
			}
			if _, err := s.GetSuggestion(ctx, retry.ID); (err == nil) != tt.wantCreated {
				t.Fatalf("stored the retry: %v, want %v", err == nil, tt.wantCreated)
			}
		})
	}

	// The receipt was derived (one item, no receipt item), resolves with one
	// consistent read, and another store on the table (another Lambda
	// instance) derives the same one for a retry.
	if _, ok := feedback.NormalizeReceipt(first.Receipt); !ok {
		t.Fatalf("derived receipt %q is not in the receipt shape", first.Receipt)
	}
	if got, err := s.GetSuggestionByReceipt(ctx, first.Receipt); err != nil || got.ID != first.ID {
		t.Fatalf("by receipt: %+v, %v; want %s", got, err, first.ID)
	}
	client := dynamotest.NewClient(t, dynamotest.Endpoint(t))
	out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "RCPT#" + first.Receipt},
			"sk": &types.AttributeValueMemberS{Value: "RCPT"},
		}})
	if err != nil || len(out.Item) != 0 {
		t.Fatalf("an idempotent submission wrote a receipt item: %v, %v", out.Item, err)
	}
	other := dynamo.New(client, table)
	got, created, err := other.CreateSuggestion(ctx, newSuggestion(sym, t0.Add(time.Minute), "key-1"))
	if err != nil || created || got.ID != first.ID || got.Receipt != first.Receipt {
		t.Fatalf("retry through another store: %+v created=%v err=%v; want %s", got, created, err, first.ID)
	}
}

// writeCounter counts the write calls that reach DynamoDB.
type writeCounter struct {
	dynamo.API
	calls map[string]int
}

func (w *writeCounter) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	w.calls["PutItem"]++
	return w.API.PutItem(ctx, in, o...)
}

func (w *writeCounter) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	w.calls["TransactWriteItems"]++
	return w.API.TransactWriteItems(ctx, in, o...)
}

// TestSubmissionIsOneWrite holds the cost design of docs/dynamodb.md: a
// submission with an idempotency key is one PutItem (its retry too), one
// without is two, and routing is one PutItem; never a transaction.
func TestSubmissionIsOneWrite(t *testing.T) {
	_, table := openStore(t)
	ctx := t.Context()
	w := &writeCounter{API: dynamotest.NewClient(t, dynamotest.Endpoint(t)), calls: map[string]int{}}
	s := dynamo.New(w, table)
	sym := newSymposium(t, s)
	// Warm up: the month marker and the receipt key are written once per process.
	if _, _, err := s.CreateSuggestion(ctx, newSuggestion(sym, t0, "warm-up")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  string
		want map[string]int
	}{
		{"with a key", "key-2", map[string]int{"PutItem": 1}},
		{"its retry", "key-2", map[string]int{"PutItem": 1}},
		{"without a key", "", map[string]int{"PutItem": 2}},
	}
	var last *feedback.Suggestion
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clear(w.calls)
			stored, _, err := s.CreateSuggestion(ctx, newSuggestion(sym, t0.Add(time.Second), tt.key))
			if err != nil {
				t.Fatal(err)
			}
			last = stored
			if got := w.calls; !equalCounts(got, tt.want) {
				t.Errorf("calls = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("routing", func(t *testing.T) {
		clear(w.calls)
		sg, err := s.GetSuggestion(ctx, last.ID)
		if err != nil {
			t.Fatal(err)
		}
		sg.Status, sg.ProblemListID, sg.RuleName = feedback.SuggestionRouted, feedback.TriageListID, "兜底"
		if err := s.UpdateSuggestion(ctx, sg); err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"PutItem": 1}; !equalCounts(w.calls, want) {
			t.Errorf("calls = %v, want %v", w.calls, want)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestCursorTampering(t *testing.T) {
	s, _ := openStore(t)
	ctx := t.Context()
	sym := newSymposium(t, s)
	for i := 0; i < 3; i++ {
		if _, _, err := s.CreateSuggestion(ctx, newSuggestion(sym, t0.Add(time.Duration(i)*time.Minute), "")); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, page.NextCursor)
	}
	c := page.NextCursor
	bad := map[string]string{
		"garbage":       "not-a-cursor",
		"empty mac":     strings.SplitN(c, ".", 2)[0] + ".",
		"other filter":  c, // used with another filter below
		"flipped last":  c[:len(c)-1] + flip(c[len(c)-1]),
		"flipped first": flip(c[0]) + c[1:],
		"no separator":  strings.Replace(c, ".", "", 1),
		"doubled":       c + c,
	}
	for name, cur := range bad {
		t.Run(name, func(t *testing.T) {
			f := feedback.SuggestionFilter{Limit: 1, Cursor: cur}
			if name == "other filter" {
				f.Kind = feedback.KindProblemLead
			}
			if _, err := s.ListSuggestions(ctx, f); feedback.ErrorCode(err) != feedback.EInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
		})
	}
	if _, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{Limit: 1, Cursor: c}); err != nil {
		t.Fatalf("good cursor: %v", err)
	}
}

func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

func TestSharedCursorKey(t *testing.T) {
	client := dynamotest.NewClient(t, dynamotest.Endpoint(t))
	table := dynamotest.CreateTable(t, client)
	a, b := dynamo.New(client, table), dynamo.New(client, table)
	ctx := t.Context()
	for i := 0; i < 3; i++ {
		sym := &feedback.Symposium{ID: feedback.NewID(t0), Code: feedback.NewSymposiumCode(), Title: "座谈会",
			Status: feedback.SymposiumOpen, CreatedAt: t0.Add(time.Duration(i) * time.Hour)}
		if err := a.CreateSymposium(ctx, sym); err != nil {
			t.Fatal(err)
		}
	}
	page, err := a.ListSymposia(ctx, feedback.SymposiumFilter{Limit: 2})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("page 1: %v %q", err, page.NextCursor)
	}
	next, err := b.ListSymposia(ctx, feedback.SymposiumFilter{Limit: 2, Cursor: page.NextCursor})
	if err != nil || len(next.Items) != 1 {
		t.Fatalf("page 2 from another instance: %d items, %v", len(next.Items), err)
	}
	// A store with its own key rejects the table key's cursors.
	c := dynamo.New(client, table, dynamo.WithCursorKey([]byte("another key, configured explicitly")))
	if _, err := c.ListSymposia(ctx, feedback.SymposiumFilter{Limit: 2, Cursor: page.NextCursor}); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Fatalf("cursor signed with another key: %v, want invalid", err)
	}
}

func TestProblemTransactionAtomicity(t *testing.T) {
	s, _ := openStore(t)
	ctx := t.Context()
	sym := newSymposium(t, s)
	var sugs []*feedback.Suggestion
	for i := 0; i < 3; i++ {
		sg := newSuggestion(sym, t0.Add(time.Duration(i)*time.Second), "")
		if _, _, err := s.CreateSuggestion(ctx, sg); err != nil {
			t.Fatal(err)
		}
		sugs = append(sugs, sg)
	}
	stale := *sugs[2]
	sugs[2].Replies = []feedback.Reply{{Text: "已转交", Grade: feedback.GradeB, At: t0}}
	if err := s.UpdateSuggestion(ctx, sugs[2]); err != nil {
		t.Fatal(err)
	}
	p := &feedback.Problem{ID: feedback.NewID(t0), ProblemListID: feedback.TriageListID, Title: "重复罚款",
		Status: feedback.ProblemOpen, Deadline: "2025-04-30", SuggestionIDs: []string{sugs[0].ID, sugs[1].ID, sugs[2].ID},
		CreatedAt: t0, UpdatedAt: t0}
	ev := &feedback.AuditEvent{ID: feedback.NewID(t0), ProblemID: p.ID, At: t0, Action: feedback.ActionCreated, To: string(feedback.ProblemOpen)}
	adopt := func(sg *feedback.Suggestion) *feedback.Suggestion {
		c := *sg
		c.Status, c.ProblemID, c.ProblemListID = feedback.SuggestionAdopted, p.ID, p.ProblemListID
		return &c
	}
	in := []*feedback.Suggestion{adopt(sugs[0]), adopt(sugs[1]), adopt(&stale)}
	if err := s.CreateProblem(ctx, feedback.ProblemWrite{Problem: p, Event: ev, Suggestions: in}); feedback.ErrorCode(err) != feedback.EConflict {
		t.Fatalf("create with a stale suggestion: %v, want conflict", err)
	}
	if p.Version != 0 || in[0].Version != 1 {
		t.Errorf("versions changed by a failed write: problem %d, suggestion %d", p.Version, in[0].Version)
	}
	if _, err := s.GetProblem(ctx, p.ID); feedback.ErrorCode(err) != feedback.ENotFound {
		t.Fatalf("problem stored by a failed transaction: %v", err)
	}
	for _, sg := range sugs[:2] {
		got, err := s.GetSuggestion(ctx, sg.ID)
		if err != nil || got.Status != feedback.SuggestionReceived || got.Version != 1 {
			t.Fatalf("suggestion %s changed by a failed transaction: %+v %v", sg.ID, got, err)
		}
	}
	if page, _ := s.ListAuditEvents(ctx, p.ID, 0, ""); len(page.Items) != 0 {
		t.Fatalf("event stored by a failed transaction: %d", len(page.Items))
	}
	// The event ID was not reserved either: the corrected write succeeds.
	in[2] = adopt(sugs[2])
	if err := s.CreateProblem(ctx, feedback.ProblemWrite{Problem: p, Event: ev, Suggestions: in}); err != nil {
		t.Fatalf("corrected create: %v", err)
	}
	page, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{ProblemID: p.ID})
	if err != nil || len(page.Items) != 3 {
		t.Fatalf("suggestions of the problem: %d, %v", len(page.Items), err)
	}
}

func TestOversizedItem(t *testing.T) {
	s, _ := openStore(t)
	rs := &feedback.RuleSet{}
	for i := 0; i < feedback.MaxRules; i++ {
		r := feedback.RoutingRule{Name: "规则" + feedback.NewID(t0), ProblemListID: feedback.TriageListID}
		for j := 0; j < feedback.MaxKeywordsPerRule; j++ {
			r.Match.KeywordsAny = append(r.Match.KeywordsAny, feedback.NewID(t0.Add(time.Duration(i*1000+j)))+feedback.NewReceipt())
		}
		rs.Rules = append(rs.Rules, r)
	}
	err := s.PutRuleSet(context.Background(), rs)
	if feedback.ErrorCode(err) != feedback.EInvalid {
		t.Fatalf("oversized rule set: %v, want invalid", err)
	}
	if rs.Version != 0 {
		t.Errorf("Version = %d after a failed write", rs.Version)
	}
	got, err := s.GetRuleSet(context.Background())
	if err != nil || got.Version != 0 {
		t.Fatalf("stored: %+v %v", got, err)
	}
}
