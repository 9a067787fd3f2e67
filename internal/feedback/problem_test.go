package feedback

import (
	"testing"
	"time"
)

// allowed is docs/design.md's lifecycle written out independently of
// problemTransitions, so a change to either one shows up here.
var allowed = map[[2]ProblemStatus]bool{
	{ProblemOpen, ProblemRectifying}:      true,
	{ProblemRectifying, ProblemRectified}: true,
	{ProblemRectified, ProblemVerified}:   true,
	{ProblemRectified, ProblemReopened}:   true,
	{ProblemReopened, ProblemRectifying}:  true,
	{ProblemOpen, ProblemLongTerm}:        true,
	{ProblemRectifying, ProblemLongTerm}:  true,
	{ProblemLongTerm, ProblemRectifying}:  true,
	{ProblemLongTerm, ProblemRectified}:   true,
	{ProblemVerified, ProblemReopened}:    true,
}

func TestProblemTransitionsEveryPair(t *testing.T) {
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, Shanghai)
	for _, from := range ProblemStatuses {
		for _, to := range ProblemStatuses {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				want := allowed[[2]ProblemStatus{from, to}]
				if got := from.CanBecome(to); got != want {
					t.Fatalf("CanBecome = %v, want %v", got, want)
				}
				p := &Problem{ID: "p1", Status: from, Deadline: "2025-03-31"}
				tr := Transition{To: to, Note: "督察组现场核查"}
				if to == ProblemReopened {
					tr.NewDeadline = "2025-05-31"
				}
				ev, err := p.Apply(tr, now)
				if !want {
					if got := ErrorCode(err); got != EConflict {
						t.Fatalf("Apply error code = %q, want %q", got, EConflict)
					}
					if p.Status != from {
						t.Fatalf("status after refused transition = %q, want unchanged %q", p.Status, from)
					}
					return
				}
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				if p.Status != to {
					t.Errorf("status = %q, want %q", p.Status, to)
				}
				if ev.From != string(from) || ev.To != string(to) || ev.Note != tr.Note || !ev.At.Equal(now) {
					t.Errorf("event = %+v, want from %s to %s with the note at %v", ev, from, to, now)
				}
			})
		}
	}
}

func TestProblemApplyEffects(t *testing.T) {
	now := time.Date(2025, 3, 4, 23, 30, 0, 0, Shanghai)
	tests := []struct {
		name         string
		from         ProblemStatus
		tr           Transition
		wantLookback Date
		wantDeadline Date
		wantRelapses int
		wantCode     string
	}{
		{"rectified sets default look-back", ProblemRectifying, Transition{To: ProblemRectified}, "2025-04-03", "2025-03-31", 0, ""},
		{"rectified with explicit look-back", ProblemRectifying, Transition{To: ProblemRectified, LookbackDue: "2025-06-01"}, "2025-06-01", "2025-03-31", 0, ""},
		{"failed look-back needs a deadline", ProblemRectified, Transition{To: ProblemReopened}, "", "", 0, EInvalid},
		{"failed look-back counts a relapse", ProblemRectified, Transition{To: ProblemReopened, NewDeadline: "2025-06-30"}, "", "2025-06-30", 1, ""},
		{"verified clears look-back", ProblemRectified, Transition{To: ProblemVerified}, "", "2025-03-31", 0, ""},
		{"bad date", ProblemRectifying, Transition{To: ProblemRectified, LookbackDue: "2025-02-30"}, "", "", 0, EInvalid},
		{"unknown status", ProblemOpen, Transition{To: "done"}, "", "", 0, EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Problem{ID: "p1", Status: tt.from, Deadline: "2025-03-31", LookbackDue: "2025-04-01"}
			_, err := p.Apply(tt.tr, now)
			if got := ErrorCode(err); got != tt.wantCode {
				t.Fatalf("error code = %q (%v), want %q", got, err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if p.LookbackDue != tt.wantLookback {
				t.Errorf("LookbackDue = %q, want %q", p.LookbackDue, tt.wantLookback)
			}
			if p.Deadline != tt.wantDeadline {
				t.Errorf("Deadline = %q, want %q", p.Deadline, tt.wantDeadline)
			}
			if p.Relapses != tt.wantRelapses {
				t.Errorf("Relapses = %d, want %d", p.Relapses, tt.wantRelapses)
			}
		})
	}
}

func TestProblemOverdueOn(t *testing.T) {
	tests := []struct {
		status   ProblemStatus
		deadline Date
		day      Date
		want     bool
	}{
		{ProblemOpen, "2025-03-31", "2025-04-01", true},
		{ProblemRectifying, "2025-03-31", "2025-04-01", true},
		{ProblemReopened, "2025-03-31", "2025-04-01", true},
		{ProblemOpen, "2025-03-31", "2025-03-31", false}, // due today is not overdue yet
		{ProblemRectified, "2025-03-31", "2025-04-01", false},
		{ProblemLongTerm, "2025-03-31", "2025-04-01", false},
		{ProblemVerified, "2025-03-31", "2025-04-01", false},
		{ProblemOpen, "", "2025-04-01", false},
	}
	for _, tt := range tests {
		p := &Problem{Status: tt.status, Deadline: tt.deadline}
		if got := p.OverdueOn(tt.day); got != tt.want {
			t.Errorf("%s deadline %q on %s: OverdueOn = %v, want %v", tt.status, tt.deadline, tt.day, got, tt.want)
		}
	}
}
