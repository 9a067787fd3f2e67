package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit and background checkpoints.
//
// Every write goes through one committer goroutine that owns the writer
// connection. When writes queue up while a transaction commits (as they do
// under load: SQLite has one writer), the committer runs the queued writes
// in ONE transaction and commits once. Each caller is answered only after
// that COMMIT returned, so an acknowledged write is exactly as durable as
// before (see the package comment), while the commit work is shared by the
// batch: the WAL frames of pages several writes touch (index leaves), the
// commit itself, and above all the full-text index, which FTS5 buffers in
// memory and writes out as one new segment per transaction (then merges
// segments): one segment per batch instead of one per suggestion. (No
// SAVEPOINT per write: FTS5 writes its segment out at every savepoint.)
// If any write of a batch fails (a version conflict, a duplicate, a
// cancelled caller), the batch is rolled back and its writes run again one
// transaction each, so that only the failing one fails; a write's fn must
// therefore be safe to run twice (it only touches tx, and decides from
// what it reads there). A lone write is a batch of one.
//
// The writer connection does not checkpoint the WAL (wal_autocheckpoint is
// 0 there): a checkpoint copies WAL pages into the database and flushes
// the file to disk, and on the writer it would hold every queued write
// until that flush ends. A separate connection checkpoints instead
// (PASSIVE: it never blocks the writer or readers), shortly after commits.
// Should the WAL still grow past walForceFrames (a checkpoint that cannot
// catch up with the writer), the committer checkpoints once itself between
// two batches, as SQLite would have.

// maxBatch bounds the writes committed together.
const maxBatch = 128

// checkpointEvery is how often the checkpointer runs while there are writes.
const checkpointEvery = 100 * time.Millisecond

// walForceFrames is the WAL size (in pages) at which the committer
// checkpoints itself.
const walForceFrames = 4000

type writeReq struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

// committer is the state of the write path.
type committer struct {
	closeMu sync.RWMutex
	closed  bool
	reqs    chan *writeReq
	done    chan struct{} // closed when the commit loop ends

	ftsMerge bool // merge full-text segments in batches (ftsMergeStep)
	mergeDue bool // a batch wrote since the last merge step that found nothing to do

	ckpt      *sql.DB       // the checkpointing connection
	ckptKick  chan struct{} // a commit happened
	ckptStop  chan struct{}
	ckptDone  chan struct{}
	forceCkpt atomic.Bool
}

var errClosed = errors.New("store is closed")

// startCommitter starts the commit loop on s.writer and the checkpointer on
// a connection of its own to ckptDSN (opened when first used).
func (s *Store) startCommitter(ckptDSN string) error {
	db, err := sql.Open("sqlite", ckptDSN)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s.c = &committer{
		reqs: make(chan *writeReq, maxBatch), done: make(chan struct{}),
		ckpt: db, ckptKick: make(chan struct{}, 1), ckptStop: make(chan struct{}), ckptDone: make(chan struct{}),
	}
	go s.commitLoop()
	go s.checkpointLoop()
	return nil
}

// stopCommitter ends both loops; writes after it fail.
func (s *Store) stopCommitter() {
	c := s.c
	if c == nil {
		return
	}
	c.closeMu.Lock()
	if c.closed {
		c.closeMu.Unlock()
		return
	}
	c.closed = true
	close(c.reqs)
	c.closeMu.Unlock()
	<-c.done
	close(c.ckptStop)
	<-c.ckptDone
	c.ckpt.Close()
}

// write runs fn in an immediate transaction on the writer connection,
// possibly together with other queued writes, and returns once that
// transaction committed (nil) or fn's work was rolled back (its error).
// fn may run twice (see above).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	c := s.c
	c.closeMu.RLock()
	if c.closed {
		c.closeMu.RUnlock()
		return errClosed
	}
	select {
	case c.reqs <- req:
	case <-ctx.Done():
		// Not queued, so certainly not written.
		c.closeMu.RUnlock()
		return ctx.Err()
	}
	c.closeMu.RUnlock()
	// Wait for the answer even if ctx ends meanwhile: the write may be
	// committing, and its caller must not be told otherwise.
	return <-req.done
}

func (s *Store) commitLoop() {
	c := s.c
	defer close(c.done)
	batch := make([]*writeReq, 0, maxBatch)
	for req := range c.reqs {
		batch = append(batch[:0], req)
	fill:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-c.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commitBatch(batch)
		// Let the callers just answered run (write their responses)
		// before this loop takes the next batch: otherwise they wait in
		// this P's run queue behind it, up to the scheduler's 10 ms time
		// slice. Measured: p99 of local submissions 19.4 → 16.7 ms at the
		// same throughput.
		runtime.Gosched()
		select {
		case c.ckptKick <- struct{}{}:
		default:
		}
		if c.forceCkpt.Swap(false) {
			_, _ = s.writer.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// commitBatch runs the batch's writes and answers each.
func (s *Store) commitBatch(batch []*writeReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	// The transaction outlives any one caller's context: a cancelled
	// caller must not roll back the others. Each fn still runs with its own
	// context, and one whose context has ended is skipped.
	tx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range live {
			r.done <- fmt.Errorf("begin: %w", err)
		}
		return
	}
	for _, r := range live {
		err := r.ctx.Err()
		if err == nil {
			err = runWrite(r.fn, tx)
		}
		if err != nil {
			// Rare (a conflict, a duplicate, a cancelled caller): undo the
			// batch and run its writes one transaction each, so that this
			// one fails alone.
			_ = tx.Rollback()
			if len(live) == 1 {
				r.done <- err
				return
			}
			s.writeEach(live)
			return
		}
	}
	s.ftsMergeStep(tx)
	if err := tx.Commit(); err != nil {
		_ = tx.Rollback()
		s.writeEach(live)
		return
	}
	for _, r := range live {
		r.done <- nil
	}
}

// writeEach runs each write in a transaction of its own and answers it.
func (s *Store) writeEach(reqs []*writeReq) {
	for _, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		r.done <- s.writeOne(r.ctx, r.fn)
	}
}

// writeOne runs fn in a transaction of its own.
func (s *Store) writeOne(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := runWrite(fn, tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// runWrite runs one write function, turning a panic into its error: the
// committer goroutine serves every write of the process, and if it died,
// every later write would wait for ever.
func runWrite(fn func(tx *sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlite: write panicked: %v", p)
		}
	}()
	return fn(tx)
}

// checkpointLoop checkpoints the WAL on its own connection after commits,
// at most every checkpointEvery.
func (s *Store) checkpointLoop() {
	c := s.c
	defer close(c.ckptDone)
	for {
		select {
		case <-c.ckptStop:
			return
		case <-c.ckptKick:
		}
		var busy, frames, done int
		err := c.ckpt.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
		if err == nil && frames >= walForceFrames {
			c.forceCkpt.Store(true)
		}
		select {
		case <-c.ckptStop:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// Full-text merges. FTS5 writes each transaction's new terms as a new
// segment and merges segments as it goes ("automerge"): every 64 leaf pages
// written it merges 64 pages per level of the index inside the writing
// transaction, and a level that reaches "crisismerge" segments is merged
// whole. Under load those merges landed on a few unlucky batches (15–40 ms
// instead of about 1 ms). So the writer turns automerge off and, after a
// batch that wrote, does a small merge step inside each following batch's
// transaction (sharing its commit) until FTS5 reports nothing left to
// merge.

// mergePages is the work of one merge step, in pages written.
const mergePages = 32

// ftsMergeSetup turns FTS5's own merging down (stored in the index's
// config, so it also holds for other connections to the file).
func (s *Store) ftsMergeSetup(ctx context.Context) error {
	for _, q := range []string{
		`INSERT INTO suggestions_fts (suggestions_fts, rank) VALUES ('automerge', 0)`,
		`INSERT INTO suggestions_fts (suggestions_fts, rank) VALUES ('crisismerge', 64)`,
	} {
		if _, err := s.writer.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("full-text merge settings: %w", err)
		}
	}
	s.c.ftsMerge = true
	return nil
}

// ftsMergeStep does one bounded merge step inside tx, the transaction of a
// batch, if one may be due. It only notes a failure: merging is an
// optimisation, and an error that lost the transaction fails the COMMIT,
// after which the batch's writes run again on their own.
func (s *Store) ftsMergeStep(tx *sql.Tx) {
	c := s.c
	if !c.ftsMerge {
		return
	}
	if !c.mergeDue {
		c.mergeDue = true // this batch writes; the next one merges
		return
	}
	res, err := tx.Exec(`INSERT INTO suggestions_fts (suggestions_fts, rank) VALUES ('merge', ?)`, mergePages)
	if err != nil {
		return
	}
	// Fewer than 2 changes: nothing was left to merge (FTS5 documentation).
	if n, err := res.RowsAffected(); err == nil && n < 2 {
		c.mergeDue = false
	}
}
