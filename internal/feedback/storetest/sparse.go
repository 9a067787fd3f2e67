package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// sparseFiller is how many non-matching suggestions the sparse test stores
// between its matches: more than a store that stops reading after a fixed
// budget would look through for a page of one (DynamoDB's store once read
// at most 25 queries of 100 entries for it, then answered a short page).
const sparseFiller = 2600

// testSparseMatches holds a search and a filter that match two suggestions
// among thousands, months apart, to the pagination contract: every page
// with a NextCursor is full, and no page ends the list while matches
// remain in the range asked for. A store may read as much as it needs for
// that; it may not give up early.
func testSparseMatches(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	sym := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	const rare = "电动自行车"
	next := func(topic, content string, ch feedback.Channel) *feedback.Suggestion {
		c.Tick(time.Hour) // a few months in all: several partitions on DynamoDB
		return newSuggestion(c, sym, sample{kind: feedback.KindSuggestion, who: feedback.Community, channel: ch, topic: topic, content: content})
	}
	oldest := next("消防安全", "小区"+rare+"集中充电存在消防隐患，建议增设充电设施并明确管理责任。", feedback.ChannelImport)
	all := []*feedback.Suggestion{oldest}
	var middle *feedback.Suggestion
	for i := range sparseFiller {
		if i == sparseFiller/2 {
			middle = next(rare+"停放管理", "建议在地铁站周边规划非机动车停放区，减少乱停乱放。", feedback.ChannelQR)
			all = append(all, middle)
		}
		all = append(all, next("涉企行政检查", fmt.Sprintf("第%d条：建议对涉企行政检查实行综合查一次，减少多头检查、重复检查。", i), feedback.ChannelQR))
	}
	// Stored four at a time: thousands of single writes take a while on
	// a DynamoDB emulator.
	work := make(chan *feedback.Suggestion)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sg := range work {
				if _, _, err := st.CreateSuggestion(ctx(t), sg); err != nil {
					t.Errorf("create suggestion: %v", err)
				}
			}
		}()
	}
	for _, sg := range all {
		work <- sg
	}
	close(work)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	tests := []struct {
		name string
		f    feedback.SuggestionFilter
		want []*feedback.Suggestion
	}{
		{"rare term, in the content and in a topic", feedback.SuggestionFilter{Query: rare}, []*feedback.Suggestion{middle, oldest}},
		{"rare term and a common one", feedback.SuggestionFilter{Query: "充电 " + rare}, []*feedback.Suggestion{oldest}},
		{"rare channel", feedback.SuggestionFilter{Channel: feedback.ChannelImport}, []*feedback.Suggestion{oldest}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := newestFirst(tt.want)
			// One page holds them all, and says there is no more.
			f := tt.f
			f.Limit = 20
			page, err := st.ListSuggestions(ctx(t), f)
			must(t, err, "list")
			wantIDs(t, "page of 20", page.Items, want)
			if page.NextCursor != "" {
				t.Errorf("a page of %d with room for 20 carries a cursor: matches would have been left behind", len(page.Items))
			}
			// Pages of one: each full while any remain (collect checks).
			got := collect(t, 1, func(cur string) (feedback.Page[*feedback.Suggestion], error) {
				f := tt.f
				f.Limit, f.Cursor = 1, cur
				return st.ListSuggestions(ctx(t), f)
			})
			wantIDs(t, "pages of 1", got, want)
		})
	}
}
