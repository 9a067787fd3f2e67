package feedback

import (
	"context"
	"fmt"
	"time"
)

// LiveOverlap is how far before the cursor a live poll looks again. A
// suggestion's SubmittedAt is taken before its write commits, so one
// stamped just before a poll may become visible only after it (a slow
// write, a second Lambda instance, a group commit); reading the last
// minute again catches it, and the client drops what it already has.
const LiveOverlap = time.Minute

// LivePage is one poll of the live intake: the suggestions submitted since
// the cursor (minus LiveOverlap), newest first, and the cursor of the next
// poll.
type LivePage struct {
	Items []*Suggestion
	// After is the cursor to send next time: the newest SubmittedAt seen
	// (never earlier than the cursor sent).
	After time.Time
	// More: more arrived than one poll returns (MaxListLimit); the client
	// reloads its list instead.
	More bool
}

// LiveSuggestions is the live intake of a symposium ("" for all): the
// suggestions submitted since after, for a console showing them as they
// arrive. A zero after starts the feed now: no items, and the server's
// clock as the cursor, so a client needs no clock of its own. Items may
// repeat across polls (LiveOverlap); a client keeps each by ID, taking the
// newer copy (its status changes as it is routed). Office roles only.
func (s *Service) LiveSuggestions(ctx context.Context, id Identity, symposiumID string, after time.Time) (*LivePage, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	now := s.now()
	if after.IsZero() {
		return &LivePage{After: now}, nil
	}
	if after.After(now.Add(LiveOverlap)) {
		return nil, FieldErrorf("after", "实时刷新的起点不能晚于当前时间")
	}
	f := SuggestionFilter{SymposiumID: symposiumID, From: after.Add(-LiveOverlap), Limit: MaxListLimit}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	page, err := s.store.ListSuggestions(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("live suggestions of %s: %w", symposiumID, err)
	}
	out := &LivePage{Items: page.Items, After: after, More: page.NextCursor != ""}
	for _, sg := range page.Items {
		if sg.SubmittedAt.After(out.After) {
			out.After = sg.SubmittedAt
		}
	}
	return out, nil
}
