package dynamo

import (
	"context"
	"reflect"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// FuzzDecodeCursor feeds arbitrary text to the cursor decoder, seeded with
// genuine cursors (the store has a fixed key, so no table is needed): it
// never panics, refuses everything with EInvalid unless the MAC is genuine
// and the list matches, and an accepted cursor carries the state it was
// issued with.
func FuzzDecodeCursor(f *testing.F) {
	st := New(nil, "fuzz", WithCursorKey([]byte("0123456789abcdef0123456789abcdef")))
	ctx := context.Background()
	issued := map[string]cursorState{}
	for _, cs := range []cursorState{
		{List: listID("suggestions", "status=received"), Part: "SUGM#2025-03", Key: map[string]string{"pk": "SUGM#2025-03", "sk": "x"}},
		{List: listID("problems"), Part: "P"},
	} {
		c, err := st.encodeCursor(ctx, cs)
		if err != nil {
			f.Fatal(err)
		}
		issued[c] = cs
		f.Add(c, cs.List)
		f.Add(c, listID("other"))
		f.Add(c+"A", cs.List)
	}
	f.Add("", listID("problems"))
	f.Add("e30.AAAAAAAAAAAAAAAAAAAAAA", listID("problems"))
	f.Add("..", "")
	f.Fuzz(func(t *testing.T, cursor, list string) {
		got, err := st.decodeCursor(ctx, cursor, list)
		if err != nil {
			if !feedback.IsCode(err, feedback.EInvalid) {
				t.Fatalf("decode %q: %v, want EInvalid", cursor, err)
			}
			return
		}
		want, ok := issued[cursor]
		if !ok {
			t.Fatalf("forged cursor %q accepted: %+v", cursor, got)
		}
		if got.List != list || !reflect.DeepEqual(*got, want) {
			t.Fatalf("cursor %q for list %q decodes to %+v, issued as %+v", cursor, list, got, want)
		}
	})
}
