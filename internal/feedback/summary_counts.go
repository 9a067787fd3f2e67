package feedback

import (
	"context"
	"fmt"
	"time"
)

// SuggestionCount is how many suggestions of a period share one combination
// of the fields a summary counts them by.
type SuggestionCount struct {
	SymposiumID     string
	ParticipantKind ParticipantKind
	Kind            SuggestionKind
	Status          SuggestionStatus
	Channel         Channel
	N               int
}

// SuggestionCounter is an optional Store capability: counting the
// suggestions submitted in from <= SubmittedAt < to (the same range as
// SuggestionFilter.From/To), grouped by the fields of SuggestionCount,
// without reading the suggestions themselves. The SQLite store answers it
// from a covering index, so a summary's read cost follows the period's
// suggestions and not the table's size. A store without it is counted
// through ListSuggestions (CountSuggestions), with the same result.
type SuggestionCounter interface {
	CountSuggestions(ctx context.Context, from, to time.Time) ([]SuggestionCount, error)
}

// CountSuggestions counts the suggestions submitted in from <= SubmittedAt
// < to: through store's SuggestionCounter when it has one, else by listing
// them. Store wrappers that embed a Store can forward to it to keep the
// capability.
func CountSuggestions(ctx context.Context, store Store, from, to time.Time) ([]SuggestionCount, error) {
	if c, ok := store.(SuggestionCounter); ok {
		return c.CountSuggestions(ctx, from, to)
	}
	type key struct {
		sym string
		pk  ParticipantKind
		k   SuggestionKind
		st  SuggestionStatus
		ch  Channel
	}
	idx := map[key]int{}
	var out []SuggestionCount
	f := SuggestionFilter{From: from, To: to, Limit: MaxListLimit}
	for {
		page, err := store.ListSuggestions(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("count suggestions: %w", err)
		}
		for _, sg := range page.Items {
			k := key{sg.SymposiumID, sg.ParticipantKind, sg.Kind, sg.Status, sg.Channel}
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, SuggestionCount{SymposiumID: k.sym, ParticipantKind: k.pk, Kind: k.k, Status: k.st, Channel: k.ch})
			}
			out[i].N++
		}
		if page.NextCursor == "" {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}
