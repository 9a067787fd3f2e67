package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

// lostAnswers sends every PutItem twice and answers with the second
// result: what the store sees when the SDK retries a put whose answer was
// lost (a timeout, a reset connection, a 5xx) although it had gone through.
type lostAnswers struct{ dynamo.API }

func (l lostAnswers) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if _, err := l.API.PutItem(ctx, in, optFns...); err != nil {
		return nil, err
	}
	return l.API.PutItem(ctx, in, optFns...)
}

// TestCreateSuggestionSurvivesSDKRetries: a submission whose writes were
// retried after they went through is stored once and not reported as a
// conflict, which would make the service store it again under new keys.
func TestCreateSuggestionSurvivesSDKRetries(t *testing.T) {
	client := dynamotest.NewClient(t, dynamotest.Endpoint(t))
	table := dynamotest.CreateTable(t, client)
	plain := dynamo.New(client, table)
	sym := newSymposium(t, plain)
	st := dynamo.New(lostAnswers{client}, table)
	ctx := t.Context()
	for _, key := range []string{"", "retried-form-1"} {
		sg := newSuggestion(sym, t0.Add(time.Minute), key)
		stored, created, err := st.CreateSuggestion(ctx, sg)
		// With a key, the retried put finds its own item and reports a
		// replay: it cannot be told from a client's retry in the same
		// instant, and it stores nothing twice either.
		if err != nil || (key == "" && !created) {
			t.Fatalf("key %q: CreateSuggestion = created %v, %v; want stored", key, created, err)
		}
		got, err := plain.GetSuggestionByReceipt(ctx, stored.Receipt)
		if err != nil || got.ID != stored.ID {
			t.Fatalf("key %q: by receipt %s: %v, %v", key, stored.Receipt, got, err)
		}
	}
	page, err := plain.ListSuggestions(ctx, feedback.SuggestionFilter{SymposiumID: sym.ID})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("stored %d suggestions (%v), want 2", len(page.Items), err)
	}
	// A real second submission with the same key is still a replay.
	again := newSuggestion(sym, t0.Add(2*time.Minute), "retried-form-1")
	if _, created, err := st.CreateSuggestion(ctx, again); err != nil || created {
		t.Errorf("replayed key: created %v, %v; want the stored one", created, err)
	}
	// And another suggestion's ID is still taken.
	dup := newSuggestion(sym, t0.Add(3*time.Minute), "")
	dup.ID = page.Items[0].ID
	if _, _, err := st.CreateSuggestion(ctx, dup); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("taken ID: %v, want EConflict", err)
	}
}

// TestSingleItemWritesSurviveSDKRetries: the office's single-item writes
// (create-if-absent and optimistic updates) whose put was retried after it
// went through report success, not a conflict with themselves — a unit
// registered once must not answer 单位已登记. A real conflict stays one.
//
// Both ways a failed condition may come back are covered: with the stored
// item (DynamoDB, ReturnValuesOnConditionCheckFailure) and without it (a
// server that does not return it), when the store reads the item.
func TestSingleItemWritesSurviveSDKRetries(t *testing.T) {
	client := dynamotest.NewClient(t, dynamotest.Endpoint(t))
	for _, tt := range []struct {
		name string
		api  dynamo.API
	}{
		{"stored item returned", lostAnswers{client}},
		{"stored item not returned", lostAnswers{noItemOnFailure{client}}},
	} {
		t.Run(tt.name, func(t *testing.T) { singleItemWritesRetried(t, client, tt.api) })
	}
}

// noItemOnFailure drops the stored item from a failed condition's error.
type noItemOnFailure struct{ dynamo.API }

func (n noItemOnFailure) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out, err := n.API.PutItem(ctx, in, optFns...)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		ccf.Item = nil
	}
	return out, err
}

func singleItemWritesRetried(t *testing.T, client *dynamodb.Client, api dynamo.API) {
	table := dynamotest.CreateTable(t, client)
	plain := dynamo.New(client, table)
	st := dynamo.New(api, table)
	ctx := t.Context()
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

	u := &feedback.Unit{Name: "棠下镇", Head: "陈镇长", CreatedAt: at(1), UpdatedAt: at(1), UpdatedBy: "张科长"}
	if err := st.CreateUnit(ctx, u); err != nil {
		t.Fatalf("CreateUnit through a retried put: %v", err)
	}
	u.Contact, u.UpdatedAt = "0750-8888 0000", at(2)
	if err := st.UpdateUnit(ctx, u); err != nil || u.Version != 2 {
		t.Fatalf("UpdateUnit through a retried put: version %d, %v", u.Version, err)
	}
	if got, err := plain.GetUnit(ctx, u.Name); err != nil || got.Contact != u.Contact || got.Version != 2 {
		t.Fatalf("stored unit = %+v, %v", got, err)
	}
	same := *u
	same.Version = 1
	if err := st.UpdateUnit(ctx, &same); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("another request storing the same content from the old version: %v, want EConflict", err)
	}
	other := &feedback.Unit{Name: "棠下镇", Head: "李镇长", CreatedAt: at(3), UpdatedAt: at(3), UpdatedBy: "王科员"}
	if err := st.CreateUnit(ctx, other); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("another request registering the name: %v, want EConflict", err)
	}
	stale := *u
	stale.Version, stale.Head = 1, "另一人的修改"
	if err := st.UpdateUnit(ctx, &stale); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("an update from an old version: %v, want EConflict", err)
	}

	l := &feedback.ProblemList{ID: feedback.NewID(at(4)), Title: "涉企乱罚款问题清单", CreatedAt: at(4), UpdatedAt: at(4)}
	if err := st.CreateProblemList(ctx, l); err != nil {
		t.Fatalf("CreateProblemList through a retried put: %v", err)
	}
	l.Title, l.UpdatedAt = "涉企乱罚款问题整改清单", at(5)
	if err := st.UpdateProblemList(ctx, l); err != nil {
		t.Fatalf("UpdateProblemList through a retried put: %v", err)
	}

	y := &feedback.CalendarYear{Year: 2031, Holidays: []feedback.Date{"2031-01-01"}, UpdatedAt: at(6), UpdatedBy: "张科长"}
	if err := st.PutCalendarYear(ctx, y); err != nil {
		t.Fatalf("PutCalendarYear (create) through a retried put: %v", err)
	}
	y.Workdays, y.UpdatedAt = []feedback.Date{"2031-01-05"}, at(7)
	if err := st.PutCalendarYear(ctx, y); err != nil {
		t.Fatalf("PutCalendarYear (update) through a retried put: %v", err)
	}

	sc := feedback.DefaultAssessmentScheme()
	sc.UpdatedAt, sc.UpdatedBy = at(8), "张科长"
	if err := st.PutAssessmentScheme(ctx, sc); err != nil {
		t.Fatalf("PutAssessmentScheme through a retried put: %v", err)
	}
	if got, err := plain.GetAssessmentScheme(ctx); err != nil || got.Version != 1 {
		t.Fatalf("stored scheme version %v, %v; want 1", got, err)
	}
}
