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

// TestListByProblemReadsTheProblem: the suggestions of a problem are the
// ones the problem lists, read strongly consistent — not the sgp index,
// which names only a suggestion's first problem and may lag a write. With
// sgp answering stale (nothing), a suggestion split into two problems is
// listed under both.
func TestListByProblemReadsTheProblem(t *testing.T) {
	_, table := openStore(t)
	ctx := t.Context()
	w := &staleIndex{API: dynamotest.NewClient(t, dynamotest.Endpoint(t)), index: "sgp", frozen: true,
		saved: &dynamodb.QueryOutput{}}
	s := dynamo.New(w, table)
	sym := newSymposium(t, s)
	sg, _, err := s.CreateSuggestion(ctx, newSuggestion(sym, t0.Add(time.Minute), ""))
	if err != nil {
		t.Fatal(err)
	}
	list := &feedback.ProblemList{ID: feedback.NewID(t0), Title: "问题清单", CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateProblemList(ctx, list); err != nil {
		t.Fatal(err)
	}
	var ws []feedback.ProblemWrite
	for i, title := range []string{"首违不罚清单未落实", "罚没收入使用不公开"} {
		at := t0.Add(time.Duration(i+2) * time.Minute)
		p := &feedback.Problem{ID: feedback.NewID(at), ProblemListID: list.ID, Title: title, SuggestionIDs: []string{sg.ID},
			ResponsibleUnit: "区市场监督管理局", Status: feedback.ProblemOpen, CreatedAt: at, UpdatedAt: at}
		ws = append(ws, feedback.ProblemWrite{Problem: p})
	}
	a := *sg
	a.Status, a.ProblemListID = feedback.SuggestionAdopted, list.ID
	a.ProblemID, a.ProblemIDs = ws[0].Problem.ID, []string{ws[0].Problem.ID, ws[1].Problem.ID}
	ws[1].Suggestions = []*feedback.Suggestion{&a}
	if err := s.WriteProblems(ctx, ws); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		page, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{ProblemID: w.Problem.ID})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != sg.ID {
			t.Errorf("list by %s: %d items, %v; want the suggestion", w.Problem.Title, len(page.Items), err)
		}
	}
}
