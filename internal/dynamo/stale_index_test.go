package dynamo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

// staleIndex replays the first answer of a Query on one index, the way a
// global secondary index that has not caught up with a write answers.
type staleIndex struct {
	dynamo.API
	index  string
	mu     sync.Mutex
	frozen bool
	saved  *dynamodb.QueryOutput
}

func (s *staleIndex) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if aws.ToString(in.IndexName) != s.index {
		return s.API.Query(ctx, in, o...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frozen && s.saved != nil {
		return s.saved, nil
	}
	out, err := s.API.Query(ctx, in, o...)
	if err == nil {
		s.saved = out
	}
	return out, err
}

// TestListByProblemRechecksFetchedItems: a suggestion moved to another
// problem must not be listed under its old one while the sgp index lags;
// the fetched (strongly consistent) item decides.
func TestListByProblemRechecksFetchedItems(t *testing.T) {
	_, table := openStore(t)
	ctx := t.Context()
	w := &staleIndex{API: dynamotest.NewClient(t, dynamotest.Endpoint(t)), index: "sgp"}
	s := dynamo.New(w, table)
	sym := newSymposium(t, s)
	sg, _, err := s.CreateSuggestion(ctx, newSuggestion(sym, t0.Add(time.Minute), ""))
	if err != nil {
		t.Fatal(err)
	}
	sg.ProblemID, sg.ProblemListID, sg.Status = "problem-a", feedback.TriageListID, feedback.SuggestionAdopted
	if err := s.UpdateSuggestion(ctx, sg); err != nil {
		t.Fatal(err)
	}
	page, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{ProblemID: "problem-a"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("list by problem-a: %d items, %v; want 1", len(page.Items), err)
	}
	w.mu.Lock()
	w.frozen = true
	w.mu.Unlock()
	sg.ProblemID = "problem-b"
	if err := s.UpdateSuggestion(ctx, sg); err != nil {
		t.Fatal(err)
	}
	page, err = s.ListSuggestions(ctx, feedback.SuggestionFilter{ProblemID: "problem-a"})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.ProblemID != "problem-a" {
			t.Errorf("list by problem-a returned %s, which belongs to %q", it.ID, it.ProblemID)
		}
	}
}
