package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// FuzzDecodeCursor feeds arbitrary text to the cursor decoder, seeded with
// genuine cursors: it never panics, refuses everything with EInvalid
// unless the HMAC is genuine, and a cursor it accepts decodes to the
// position it was issued for, for the list and filter it was issued for.
func FuzzDecodeCursor(f *testing.F) {
	st, err := Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	issued := map[string][]any{}
	for _, pos := range [][]any{{int64(1740787200000000000), "01jn8w5c3r7g2m4q6s8t0v2x4z"}, {int64(0), ""}, {int64(-1), "x"}} {
		c, err := st.encodeCursor("suggestions", "status=received", pos)
		if err != nil {
			f.Fatal(err)
		}
		issued[c] = pos
		f.Add(c, "suggestions", "status=received")
		f.Add(c, "symposia", "status=received")
		f.Add(c+"A", "suggestions", "status=received")
	}
	f.Add("", "suggestions", "")
	f.Add("not base64 !", "suggestions", "")
	f.Add("WzEsMl0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "suggestions", "")
	f.Fuzz(func(t *testing.T, cursor, list, filter string) {
		pos, err := st.decodeCursor(list, filter, cursor, 2)
		if err != nil {
			if !feedback.IsCode(err, feedback.EInvalid) {
				t.Fatalf("decode %q: %v, want EInvalid", cursor, err)
			}
			return
		}
		if list != "suggestions" || filter != "status=received" {
			t.Fatalf("cursor %q accepted for list %q filter %q it was not issued for", cursor, list, filter)
		}
		want, ok := issued[cursor]
		if !ok {
			// Another spelling of a genuine cursor (base64 allows a few)
			// must still mean the same position.
			for _, w := range issued {
				if slices.Equal(w, pos) {
					return
				}
			}
			t.Fatalf("forged cursor %q accepted: %v", cursor, pos)
		}
		if !slices.Equal(pos, want) {
			t.Fatalf("cursor %q decodes to %v, issued for %v", cursor, pos, want)
		}
	})
}
