package feedback

// writeAttempts bounds how often a use case tries an optimistic write that
// keeps losing races. Races are rare (two clerks on one problem, a staff
// edit racing the router, a freshly drawn key that is taken), so three
// tries settle all but a runaway.
const writeAttempts = 3

// retryWrite is the one retry loop of the optimistic writes. prepare reads
// what it is about to change, decides, and returns the write to make — or
// nil when there is nothing to write, or the decision's error, which ends
// the loop as it is. A write that fails with EConflict (someone else wrote
// in between, or a key it drew is taken) runs prepare again, on a fresh
// read, at most writeAttempts times in all; its last error is returned.
// attempt counts from 1, for a prepare that starts from a copy it already
// holds or draws new keys after a clash.
func retryWrite(prepare func(attempt int) (write func() error, err error)) error {
	for attempt := 1; ; attempt++ {
		write, err := prepare(attempt)
		if err != nil || write == nil {
			return err
		}
		err = write()
		if err == nil || !IsCode(err, EConflict) || attempt == writeAttempts {
			return err
		}
	}
}
