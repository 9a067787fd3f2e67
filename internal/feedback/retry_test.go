package feedback

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRetryWrite(t *testing.T) {
	conflict := StoreConflict(nil)
	invalid := FieldErrorf("title", "标题不能为空")
	broken := errors.New("disk on fire")
	tests := []struct {
		name         string
		writes       []error // what each write returns, in turn
		decide       error   // returned by prepare instead of a write
		nothing      bool    // prepare finds nothing to write
		wantPrepares int
		wantErr      error
	}{
		{"first write goes through", []error{nil}, nil, false, 1, nil},
		{"a conflict reads again", []error{conflict, nil}, nil, false, 2, nil},
		{"gives up after writeAttempts", []error{conflict, conflict, conflict, nil}, nil, false, writeAttempts, conflict},
		{"other write errors end it", []error{broken, nil}, nil, false, 1, broken},
		{"a decision's error ends it", nil, invalid, false, 1, invalid},
		{"nothing to write", nil, nil, true, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prepares, writes := 0, 0
			err := retryWrite(func(attempt int) (func() error, error) {
				prepares++
				if attempt != prepares {
					t.Errorf("attempt = %d on prepare %d", attempt, prepares)
				}
				if tt.decide != nil || tt.nothing {
					return nil, tt.decide
				}
				return func() error { writes++; return tt.writes[writes-1] }, nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if prepares != tt.wantPrepares {
				t.Errorf("prepared %d times, want %d", prepares, tt.wantPrepares)
			}
		})
	}
}

// TestRetryContended: the loop for writes many requests race for tries up
// to its own bound, pauses between lost races, and stops when the request
// ends.
func TestRetryContended(t *testing.T) {
	conflict := StoreConflict(nil)
	losing := func(n *int) func(int) (func() error, error) {
		return func(int) (func() error, error) {
			return func() error { *n++; return conflict }, nil
		}
	}
	var writes, pauses int
	err := retryContended(context.Background(), 7, func(attempt int) time.Duration {
		pauses++
		if attempt != pauses {
			t.Errorf("pause after attempt %d, want %d", attempt, pauses)
		}
		return time.Microsecond
	}, losing(&writes))
	if !errors.Is(err, conflict) || writes != 7 || pauses != 6 {
		t.Errorf("always losing: %v after %d writes and %d pauses, want the conflict after 7 and 6", err, writes, pauses)
	}

	ctx, cancel := context.WithCancel(context.Background())
	writes = 0
	err = retryContended(ctx, 100, func(int) time.Duration { cancel(); return time.Hour }, losing(&writes))
	if !errors.Is(err, context.Canceled) || writes != 1 {
		t.Errorf("request ended while pausing: %v after %d writes, want context.Canceled after 1", err, writes)
	}
}
