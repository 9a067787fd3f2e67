package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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
