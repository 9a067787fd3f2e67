package feedback_test

import (
	"context"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestLiveSuggestions: the live feed starts at the server's clock, then
// returns what arrived since (and the last minute again, which the client
// drops by ID), moving its cursor to the newest seen; only the office
// reads it.
func TestLiveSuggestions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	before := f.submit(t, feedback.Enterprise, "罚款", "开会之前就提交的一条意见。")
	f.advance(2 * time.Minute)

	start, err := f.svc.LiveSuggestions(ctx, f.staff, f.sym.ID, time.Time{})
	if err != nil || len(start.Items) != 0 || start.After.IsZero() {
		t.Fatalf("start = %+v, %v; want no items and the server's time", start, err)
	}
	empty, err := f.svc.LiveSuggestions(ctx, f.staff, f.sym.ID, start.After)
	if err != nil || len(empty.Items) != 0 || !empty.After.Equal(start.After) {
		t.Fatalf("nothing new = %+v, %v", empty, err)
	}
	a := f.submit(t, feedback.NPCDeputy, "", "现场提交的第一条意见。")
	b := f.submit(t, feedback.Community, "", "现场提交的第二条意见。")
	p, err := f.svc.LiveSuggestions(ctx, f.staff, f.sym.ID, start.After)
	if err != nil || len(p.Items) != 2 || p.Items[0].ID != b.ID || p.Items[1].ID != a.ID || !p.After.Equal(b.SubmittedAt) {
		t.Fatalf("after two arrived = %+v, %v", p, err)
	}
	for _, sg := range p.Items {
		if sg.ID == before.ID {
			t.Errorf("the feed returned a suggestion from before it started")
		}
	}
	// A suggestion stamped before the cursor but written after the poll
	// (a slow write) still comes within the overlap.
	late := f.submit(t, feedback.Public, "", "写入较慢的一条意见。")
	p2, err := f.svc.LiveSuggestions(ctx, f.staff, f.sym.ID, late.SubmittedAt.Add(30*time.Second))
	if err != nil || len(p2.Items) == 0 || p2.Items[0].ID != late.ID {
		t.Errorf("overlap: %+v, %v; want the late one", p2, err)
	}
	// Another symposium's feed is its own.
	other, err := f.svc.LiveSuggestions(ctx, f.staff, feedback.NewID(time.Now()), start.After)
	if err != nil || len(other.Items) != 0 {
		t.Errorf("another symposium: %+v, %v", other, err)
	}
	if _, err := f.svc.LiveSuggestions(ctx, f.unit, f.sym.ID, start.After); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit: %v, want forbidden", err)
	}
	if _, err := f.svc.LiveSuggestions(ctx, f.staff, f.sym.ID, f.svc.Now().Add(time.Hour)); feedback.ErrorField(err) != "after" {
		t.Errorf("a cursor in the future: %v, want field after", err)
	}
}
