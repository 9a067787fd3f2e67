package feedback

import (
	"context"
	"time"
)

// writeAttempts bounds how often a use case tries an optimistic write that
// keeps losing races. Races are rare (two clerks on one problem, a staff
// edit racing the router, a freshly drawn key that is taken), so three
// tries settle all but a runaway.
const writeAttempts = 3

// retryWrite is the optimistic writes' retry: prepare reads what it is
// about to change, decides, and returns the write to make — or nil when
// there is nothing to write, or the decision's error, which ends the loop
// as it is. A write that fails with EConflict (someone else wrote in
// between, or a key it drew is taken) runs prepare again, on a fresh read,
// at most writeAttempts times in all; its last error is returned. attempt
// counts from 1, for a prepare that starts from a copy it already holds or
// draws new keys after a clash.
func retryWrite(prepare func(attempt int) (write func() error, err error)) error {
	return retryContended(context.Background(), writeAttempts, nil, prepare)
}

// retryContended is the one retry loop of the optimistic writes, for
// writes that many requests may race for at the same moment (the next
// number of a document kind): as retryWrite, but up to attempts tries, and
// after each lost race a pause of pause(attempt) (none when pause is nil)
// that spreads the racers, cut short with ctx's error when ctx ends.
func retryContended(ctx context.Context, attempts int, pause func(attempt int) time.Duration,
	prepare func(attempt int) (write func() error, err error)) error {
	for attempt := 1; ; attempt++ {
		write, err := prepare(attempt)
		if err != nil || write == nil {
			return err
		}
		err = write()
		if err == nil || !IsCode(err, EConflict) || attempt >= attempts {
			return err
		}
		if pause == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause(attempt)):
		}
	}
}
