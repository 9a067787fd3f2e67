package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

// fetchCounter counts the items a store asks BatchGetItem for.
type fetchCounter struct {
	dynamo.API
	mu   sync.Mutex
	keys int
}

func (f *fetchCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	f.mu.Lock()
	for _, ka := range in.RequestItems {
		f.keys += len(ka.Keys)
	}
	f.mu.Unlock()
	return f.API.BatchGetItem(ctx, in, o...)
}

func (f *fetchCounter) take() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.keys
	f.keys = 0
	return n
}

// TestFilteredListFetchesWhatItReturns lists with a filter DynamoDB
// applies on the month index (the channel), where a filtered Query reads
// ahead (at least 100 entries) to find matches. Every page must fetch at
// most the page and the one entry that shows a next page exists, not every
// match the Query found, and the pages must still hold every match once,
// newest first, whether the matches are dense or sparse.
func TestFilteredListFetchesWhatItReturns(t *testing.T) {
	_, table := openStore(t)
	ctx := t.Context()
	fc := &fetchCounter{API: dynamotest.NewClient(t, dynamotest.Endpoint(t))}
	s := dynamo.New(fc, table)
	sym := newSymposium(t, s)
	// 90 suggestions: the first 60 all imported (dense), then every third
	// one of the next 30 (sparse).
	var want []string
	for i := range 90 {
		sg := newSuggestion(sym, t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("key-%d", i))
		imported := i < 60 || i%3 == 0
		if imported {
			sg.Channel = feedback.ChannelImport
		}
		stored, _, err := s.CreateSuggestion(ctx, sg)
		if err != nil {
			t.Fatal(err)
		}
		if imported {
			want = append(want, stored.ID)
		}
	}
	slices.Reverse(want) // newest first
	for _, limit := range []int{7, 20} {
		t.Run(fmt.Sprint("page of ", limit), func(t *testing.T) {
			fc.take()
			var got []string
			cursor := ""
			for page := 1; ; page++ {
				res, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{Channel: feedback.ChannelImport, Limit: limit, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				if n := fc.take(); n > limit+1 {
					t.Errorf("page %d: fetched %d items to answer %d", page, n, len(res.Items))
				}
				if res.NextCursor != "" && len(res.Items) != limit {
					t.Errorf("page %d: %d items and a next page, want a full page of %d", page, len(res.Items), limit)
				}
				for _, sg := range res.Items {
					got = append(got, sg.ID)
				}
				if cursor = res.NextCursor; cursor == "" {
					break
				}
				if page > 20 {
					t.Fatal("more than 20 pages")
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("the pages hold %d suggestions, want the %d imported ones newest first:\ngot  %q\nwant %q", len(got), len(want), got, want)
			}
		})
	}
}
