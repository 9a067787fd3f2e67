package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// clock is the suite's injected clock: it starts at a fixed instant (with a
// millisecond part, to check precision) and moves only when told.
type clock struct{ t time.Time }

// newClock returns a clock at 2025-03-10 09:30:00.123 in Shanghai.
func newClock() *clock {
	return &clock{t: time.Date(2025, time.March, 10, 9, 30, 0, 123_000_000, feedback.Shanghai)}
}

// Now returns the current fake time.
func (c *clock) Now() time.Time { return c.t }

// Tick moves the clock on by d and returns the new time.
func (c *clock) Tick(d time.Duration) time.Time {
	c.t = c.t.Add(d)
	return c.t
}

// Next moves the clock on by one second and some milliseconds, so every
// item gets its own distinct timestamp.
func (c *clock) Next() time.Time { return c.Tick(time.Second + 7*time.Millisecond) }

func ctx(tb testing.TB) context.Context {
	tb.Helper()
	return tb.Context()
}

// wantCode fails tb unless err carries code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := feedback.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
}

// wantStoreConflict fails tb unless err is the conflict every store
// answers in the same words (feedback.StoreConflict).
func wantStoreConflict(tb testing.TB, err error) {
	tb.Helper()
	wantCode(tb, err, feedback.EConflict)
	if got, want := feedback.ErrorMessage(err), feedback.StoreConflict(nil).Message; got != want {
		tb.Fatalf("conflict message = %q (err %v), want %q", got, err, want)
	}
}

// wantCodes fails tb unless err carries one of codes.
func wantCodes(tb testing.TB, err error, codes ...string) {
	tb.Helper()
	got := feedback.ErrorCode(err)
	for _, c := range codes {
		if got == c {
			return
		}
	}
	tb.Fatalf("error code = %q (err %v), want one of %q", got, err, codes)
}

// must fails tb on a non-nil error.
func must(tb testing.TB, err error, what string) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

// equal fails tb unless got and want are equal in the suite's sense:
// times by Equal, nil and empty slices and maps alike.
func equal(tb testing.TB, what string, got, want any) {
	tb.Helper()
	if !same(reflect.ValueOf(got), reflect.ValueOf(want)) {
		tb.Fatalf("%s:\n got  %s\n want %s", what, show(got), show(want))
	}
}

var timeType = reflect.TypeOf(time.Time{})

func same(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	if a.Type() == timeType {
		return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !same(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !same(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	default:
		return a.Equal(b)
	}
}

func show(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = show(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return fmt.Sprintf("&%+v", rv.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v)
}

// maxPages guards collect against a store that never stops paging.
const maxPages = 200

// collect pages through a list with the given limit and returns every item.
// It checks that no page is over the limit and that every page carrying a
// cursor is full.
func collect[T any](tb testing.TB, limit int, list func(cursor string) (feedback.Page[T], error)) []T {
	tb.Helper()
	var all []T
	cursor := ""
	for i := 0; ; i++ {
		if i == maxPages {
			tb.Fatalf("list did not end after %d pages", maxPages)
		}
		page, err := list(cursor)
		if err != nil {
			tb.Fatalf("list page %d (cursor %q): %v", i+1, cursor, err)
		}
		if limit > 0 && len(page.Items) > limit {
			tb.Fatalf("page %d has %d items, limit %d", i+1, len(page.Items), limit)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		if limit > 0 && len(page.Items) != limit {
			tb.Fatalf("page %d has a next cursor but %d items, want a full page of %d", i+1, len(page.Items), limit)
		}
		if page.NextCursor == cursor {
			tb.Fatalf("page %d returned the cursor it was given", i+1)
		}
		cursor = page.NextCursor
	}
}

// ids returns the IDs of items, for readable comparisons.
func ids[T any](items []T) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, reflect.Indirect(reflect.ValueOf(it)).FieldByName("ID").String())
	}
	return out
}

// wantIDs fails tb unless the items' IDs are exactly want, in order.
func wantIDs[T any](tb testing.TB, what string, got []T, want []string) {
	tb.Helper()
	g := ids(got)
	if len(g) != len(want) {
		tb.Fatalf("%s: got %d items %v, want %d %v", what, len(g), g, len(want), want)
	}
	seen := map[string]bool{}
	for i := range g {
		if seen[g[i]] {
			tb.Fatalf("%s: item %s returned twice: %v", what, g[i], g)
		}
		seen[g[i]] = true
		if g[i] != want[i] {
			tb.Fatalf("%s: got IDs %v, want %v", what, g, want)
		}
	}
}

// newestFirst sorts suggestions the way lists return them.
func newestFirst(s []*feedback.Suggestion) []string {
	c := append([]*feedback.Suggestion(nil), s...)
	sort.Slice(c, func(i, j int) bool {
		if !c[i].SubmittedAt.Equal(c[j].SubmittedAt) {
			return c[i].SubmittedAt.After(c[j].SubmittedAt)
		}
		return c[i].ID > c[j].ID
	})
	return ids(c)
}

// oldestFirst sorts problems the way lists return them.
func oldestFirst(p []*feedback.Problem) []string {
	c := append([]*feedback.Problem(nil), p...)
	sort.Slice(c, func(i, j int) bool {
		if !c[i].CreatedAt.Equal(c[j].CreatedAt) {
			return c[i].CreatedAt.Before(c[j].CreatedAt)
		}
		return c[i].ID < c[j].ID
	})
	return ids(c)
}

// reversed returns s in reverse order.
func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// clone returns a shallow copy of *p, enough for the suite's flat edits.
func clone[T any](p *T) *T {
	c := *p
	return &c
}
