package sqlite

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestCountSuggestionsPlan checks that a summary's count reads the covering
// index only: a SEARCH of suggestions_summary, no table lookups.
func TestCountSuggestionsPlan(t *testing.T) {
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	rows, err := st.reader.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+qCountSuggestions, 0, 1)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatalf("scan: %v", err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if want := "SEARCH suggestions USING COVERING INDEX suggestions_summary"; !strings.Contains(got, want) {
		t.Errorf("plan = %q, want it to contain %q", got, want)
	}
}

// hideCounter keeps only the Store methods, so feedback.CountSuggestions
// falls back to listing.
type hideCounter struct{ feedback.Store }

// TestCountSuggestionsMatchesListing compares the index count with counting
// the listed suggestions, over a range that cuts through the stored ones.
func TestCountSuggestionsMatchesListing(t *testing.T) {
	ctx := t.Context()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "jianyan.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	start := time.Date(2025, 3, 10, 0, 0, 0, 0, feedback.Shanghai)
	syms := []string{"sym-a", "sym-b"}
	for _, id := range syms {
		sym := &feedback.Symposium{ID: id, Code: feedback.NewSymposiumCode(), Title: id, Campaign: "c", HostUnit: "h",
			Status: feedback.SymposiumOpen, CreatedAt: start.Add(-time.Hour)}
		if err := st.CreateSymposium(ctx, sym); err != nil {
			t.Fatalf("symposium: %v", err)
		}
	}
	kinds := []feedback.ParticipantKind{feedback.Enterprise, feedback.ParticipantKinds[len(feedback.ParticipantKinds)-1]}
	channels := []feedback.Channel{feedback.ChannelQR, feedback.ChannelWeb}
	for i := range 60 {
		at := start.Add(time.Duration(i) * 37 * time.Minute)
		sg := &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: syms[i%2],
			ParticipantKind: kinds[i%3%2], Kind: feedback.SuggestionKinds[i%len(feedback.SuggestionKinds)],
			Status: feedback.SuggestionReceived, Channel: channels[i%5%2], Content: fmt.Sprintf("第%d条建议", i), SubmittedAt: at}
		if _, _, err := st.CreateSuggestion(ctx, sg); err != nil {
			t.Fatalf("suggestion %d: %v", i, err)
		}
	}
	key := func(c feedback.SuggestionCount) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s|%d", c.SymposiumID, c.ParticipantKind, c.Kind, c.Status, c.Channel, c.N)
	}
	for _, tt := range []struct{ from, to time.Time }{
		{start.Add(3 * time.Hour), start.Add(24 * time.Hour)},
		{time.Time{}, time.Time{}},
		{start.Add(100 * time.Hour), time.Time{}},
	} {
		got, err := feedback.CountSuggestions(ctx, st, tt.from, tt.to)
		if err != nil {
			t.Fatalf("count: %v", err)
		}
		want, err := feedback.CountSuggestions(ctx, hideCounter{st}, tt.from, tt.to)
		if err != nil {
			t.Fatalf("count by listing: %v", err)
		}
		g, w := mapKeys(got, key), mapKeys(want, key)
		if !slices.Equal(g, w) {
			t.Errorf("%v..%v: got %v, want %v", tt.from, tt.to, g, w)
		}
	}
}

func mapKeys[T any](xs []T, key func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, key(x))
	}
	slices.Sort(out)
	return out
}
