package feedback

import "testing"

// TestProblemWriteCommitted: after a committed write, what it stored
// carries the version the store now holds, by the Store conventions.
func TestProblemWriteCommitted(t *testing.T) {
	for _, tt := range []struct {
		name        string
		created     bool
		from, wantP int64
	}{
		{"created", true, 0, 1},
		{"updated", false, 4, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := ProblemWrite{
				Problem:     &Problem{Version: tt.from},
				Suggestions: []*Suggestion{{Version: 2}, {Version: 7}},
				Notices:     []*Notice{{}, {}},
				Files:       []*File{{Version: 1}},
				Extension:   &Extension{Version: 1},
			}
			w.Committed(tt.created)
			if w.Problem.Version != tt.wantP {
				t.Errorf("problem version %d, want %d", w.Problem.Version, tt.wantP)
			}
			if w.Suggestions[0].Version != 3 || w.Suggestions[1].Version != 8 {
				t.Errorf("suggestion versions %d, %d, want 3, 8", w.Suggestions[0].Version, w.Suggestions[1].Version)
			}
			if w.Notices[0].Version != 1 || w.Notices[1].Version != 1 {
				t.Errorf("notice versions %d, %d, want 1, 1", w.Notices[0].Version, w.Notices[1].Version)
			}
			if w.Files[0].Version != 2 || w.Extension.Version != 2 {
				t.Errorf("file version %d, extension version %d, want 2, 2", w.Files[0].Version, w.Extension.Version)
			}
		})
	}
	// No extension in the write: nothing to move.
	ProblemWrite{Problem: &Problem{}}.Committed(true)
}
