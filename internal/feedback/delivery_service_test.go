package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// notices records what a Notifier was asked to send.
type notices []feedback.Notice

func (n *notices) Notify(_ context.Context, nt feedback.Notice) error {
	*n = append(*n, nt)
	return nil
}

func TestCatchUpScheduledSummaries(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var sent notices
	made, err := f.svc.CatchUpScheduledSummaries(ctx, f.svc.Now(), &sent)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's day is Tuesday 2025-03-04: the periods that ended last
	// are Monday, the week before and February.
	var ids []string
	for _, sm := range made {
		ids = append(ids, sm.ID)
	}
	want := []string{"daily-2025-03-03", "weekly-2025-02-24", "monthly-2025-02-01"}
	if len(ids) != len(want) {
		t.Fatalf("caught up %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("caught up %v, want %v", ids, want)
		}
	}
	if len(sent) != 3 {
		t.Errorf("sent %d notices, want one per summary", len(sent))
	}
	// Nothing is missing any more: a second run makes and sends nothing.
	made, err = f.svc.CatchUpScheduledSummaries(ctx, f.svc.Now(), &sent)
	if err != nil || len(made) != 0 || len(sent) != 3 {
		t.Errorf("second catch-up: made %d, sent %d in all, err %v; want none new", len(made), len(sent), err)
	}
}
