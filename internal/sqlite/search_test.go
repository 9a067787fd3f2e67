package sqlite_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestSearchOutOfOrder: a search over all symposia walks the full-text
// index in insertion order and checks for rows written out of time order
// (search.go). Rows inserted in shuffled time order must still come back
// exactly newest first, page after page, as the general query (the same
// search with a date filter, which takes the other path) returns them.
func TestSearchOutOfOrder(t *testing.T) {
	st := MustOpenDB(t)
	ctx := t.Context()
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, feedback.Shanghai)
	sym := &feedback.Symposium{ID: feedback.NewID(start), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
		Campaign: "涉企乱罚款专项整治", HostUnit: "区司法局", Status: feedback.SymposiumOpen, CreatedAt: start, UpdatedAt: start}
	if err := st.CreateSymposium(ctx, sym); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 400
	order := rng.Perm(n)
	// Mostly in order, as submissions arrive; every tenth row swapped far.
	slices.Sort(order)
	for i := 0; i < n; i += 10 {
		j := rng.IntN(n)
		order[i], order[j] = order[j], order[i]
	}
	var all []*feedback.Suggestion
	for k, i := range order {
		at := start.Add(time.Duration(i) * time.Minute)
		content := fmt.Sprintf("第%d条：建议对涉企行政检查实行综合查一次。", i)
		if i%3 == 0 {
			content = fmt.Sprintf("第%d条：门前三包问题直接罚款，没有先行教育提醒。", i)
		}
		sg := &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Campaign: sym.Campaign,
			Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise, Topic: "涉企行政检查", Content: content,
			Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at}
		if k%2 == 0 {
			sg.Status = feedback.SuggestionRouted
			sg.ProblemListID = feedback.TriageListID
		}
		if _, _, err := st.CreateSuggestion(ctx, sg); err != nil {
			t.Fatal(err)
		}
		all = append(all, sg)
	}
	slices.SortFunc(all, func(a, b *feedback.Suggestion) int { return b.SubmittedAt.Compare(a.SubmittedAt) })
	pages := func(f feedback.SuggestionFilter, limit int) []string {
		var ids []string
		for i := 0; ; i++ {
			if i > n {
				t.Fatal("the list does not end")
			}
			f.Limit = limit
			p, err := st.ListSuggestions(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if p.NextCursor != "" && len(p.Items) != limit {
				t.Fatalf("page %d has %d items and a cursor, want %d", i, len(p.Items), limit)
			}
			for _, sg := range p.Items {
				ids = append(ids, sg.ID)
			}
			if p.NextCursor == "" {
				return ids
			}
			f.Cursor = p.NextCursor
		}
	}
	for _, tt := range []struct {
		name string
		f    feedback.SuggestionFilter
		keep func(*feedback.Suggestion) bool
	}{
		{"common term", feedback.SuggestionFilter{Query: "综合查一次"}, func(s *feedback.Suggestion) bool { return s.Content[len(s.Content)-9:] != "提醒。" }},
		{"term in every topic", feedback.SuggestionFilter{Query: "涉企行政"}, func(*feedback.Suggestion) bool { return true }},
		{"term and status", feedback.SuggestionFilter{Query: "先行教育", Status: feedback.SuggestionRouted},
			func(s *feedback.Suggestion) bool {
				return s.Status == feedback.SuggestionRouted && s.Content[len(s.Content)-9:] == "提醒。"
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, s := range all {
				if tt.keep(s) {
					want = append(want, s.ID)
				}
			}
			for _, limit := range []int{1, 7, 20, 200} {
				if got := pages(tt.f, limit); !slices.Equal(got, want) {
					t.Errorf("pages of %d: got %d rows, want %d; first difference at %d", limit, len(got), len(want), firstDiff(got, want))
				}
			}
			// The general query (a date filter takes it) agrees.
			ref := tt.f
			ref.From = start.Add(-time.Hour)
			if got := pages(ref, 20); !slices.Equal(got, want) {
				t.Errorf("with a date filter: got %d rows, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
