// Package sqlite is the embedded feedback.Store: one SQLite file, opened
// through modernc.org/sqlite (pure Go, no cgo), used by the local stack.
//
// The file runs in WAL mode with foreign keys on. All writes go through one
// writer connection (SQLite allows one writer at a time anyway; queueing in
// Go is cheaper than spinning on SQLITE_BUSY), reads through a small pool of
// read-only connections that WAL lets run beside the writer. Every write,
// however many rows it touches, happens inside one BEGIN IMMEDIATE
// transaction, so it either happens whole or not at all; writes that queue
// up under load share a transaction and its commit (group commit, see
// commit.go), and a failing one is retried alone.
//
// Durability: a write is acknowledged only after COMMIT returns, and by
// default (SyncFull) COMMIT returns only after the WAL file was flushed to
// the disk (fsync), so an acknowledged write survives a power cut or a
// kernel crash, not just a killed process. Writes that queue up share one
// transaction and so one flush (group commit, see commit.go): with 16
// writers at once, TestEveryAcknowledgedWriteIsFlushed sees about one flush
// per eight acknowledged writes. SyncNormal drops the
// flush at commit: commits then survive the process being killed (kill -9, a
// panic, an OOM kill) but the last ones before a power cut may be lost
// (the file stays consistent); it is for demonstrations, not for an office.
// Checkpoints flush the database file whatever the setting.
//
// Entities live in tables with real columns for what lists filter and sort
// on and a JSON column for the rest. Suggestions' topic and content are
// indexed by an FTS5 table with the trigram tokenizer (substring search that
// works for Chinese without word segmentation), kept in step by triggers.
// The schema is upgraded in place by numbered migrations (see migrate.go);
// PRAGMA user_version records how far a file has come.
package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Synchronous is SQLite's synchronous setting for the file.
type Synchronous string

// Synchronous settings.
const (
	// SyncFull: every commit is flushed to disk before it returns, so an
	// acknowledged write survives power loss. The default.
	SyncFull Synchronous = "FULL"
	// SyncNormal: commits survive a killed process; the last transactions
	// before a power cut may be lost (the file stays consistent). For demos
	// on a laptop: it saves one disk flush per commit.
	SyncNormal Synchronous = "NORMAL"
)

type config struct {
	now         func() time.Time
	sync        Synchronous
	readers     int
	busyTimeout time.Duration
	maxVersion  int    // migrate no further than this; 0 = all (tests)
	vfs         string // SQLite VFS to open the file with; "" = the default (tests)
}

// Option configures Open.
type Option func(*config)

// WithClock sets the clock used for the time stamps the store itself writes
// (the seeded triage list). Defaults to time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithSynchronous chooses between SyncFull (default) and SyncNormal.
func WithSynchronous(s Synchronous) Option { return func(c *config) { c.sync = s } }

// WithReaders sets the size of the read connection pool (default: number of
// CPUs, at least 2).
func WithReaders(n int) Option { return func(c *config) { c.readers = n } }

// WithBusyTimeout sets how long a connection waits for a lock held by
// another process before failing (default 5s).
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// Store is the SQLite feedback.Store. It is safe for concurrent use.
type Store struct {
	path   string
	writer *sql.DB // exactly one connection
	reader *sql.DB // read-only pool
	now    func() time.Time
	key    []byte // cursor HMAC key, from the meta table

	mu    sync.Mutex
	stmts map[stmtKey]*sql.Stmt

	c *committer // the write path (commit.go)

	upgrade *Upgrade // what Open did to an older file, or nil
}

type stmtKey struct {
	db    *sql.DB
	query string
}

var _ feedback.Store = (*Store)(nil)

// Open opens (creating if needed) the SQLite file at path, upgrades its
// schema to the current version, seeds the triage list and the cursor key,
// and returns the store. Close it when done.
//
// Before anything writes to an existing file, Open reads its schema version
// on a read-only connection: a file of a newer release (ErrNewerSchema) or
// one that is not Jianyan's (ErrNotJianyan) is refused unchanged. A file of
// an older release is first copied beside itself (see Upgraded), then
// upgraded in place.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := config{now: time.Now, sync: SyncFull, readers: max(2, runtime.NumCPU()), busyTimeout: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.sync != SyncNormal && cfg.sync != SyncFull {
		return nil, fmt.Errorf("sqlite: open %s: unknown synchronous setting %q", path, cfg.sync)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{path: abs, now: cfg.now, stmts: map[stmtKey]*sql.Stmt{}}
	from, err := inspect(ctx, abs, cfg)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if to := targetVersion(cfg.maxVersion); from > 0 && from < to {
		backup, err := backupBeforeUpgrade(ctx, abs, from, cfg)
		if err != nil {
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		s.upgrade = &Upgrade{From: from, To: to, Backup: backup}
	}

	s.writer, err = sql.Open("sqlite", dsn(abs, cfg, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	s.writer.SetConnMaxIdleTime(0)
	if err := s.startCommitter(dsn(abs, cfg, false)); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := s.init(ctx, cfg); err != nil {
		s.stopCommitter()
		s.writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.reader, err = sql.Open("sqlite", dsn(abs, cfg, true))
	if err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.reader.SetMaxOpenConns(cfg.readers)
	s.reader.SetMaxIdleConns(cfg.readers)
	if err := s.reader.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open %s: readers: %w", path, err)
	}
	return s, nil
}

// dsn builds the driver's connection string. Pragmas go in the DSN so that
// every connection the pool opens gets them, not just the first.
func dsn(path string, cfg config, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous("+string(cfg.sync)+")")
	if cfg.vfs != "" {
		q.Set("vfs", cfg.vfs)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// Checkpoints run on their own connection (commit.go), not inside
		// a commit on the writer.
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// Take the write lock at BEGIN: a transaction that reads first and
		// writes later can then never fail half-way with SQLITE_BUSY.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// init checks the journal mode, migrates, and seeds what every store has.
func (s *Store) init(ctx context.Context, cfg config) error {
	var mode string
	if err := s.writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal (in-memory databases are not supported)", mode)
	}
	if err := migrate(ctx, s.writer, cfg.maxVersion); err != nil {
		return err
	}
	if cfg.maxVersion != 0 {
		return nil // an old schema for tests: leave it as old code would
	}
	if err := s.seed(ctx); err != nil {
		return err
	}
	if err := s.rebuildCounters(ctx); err != nil {
		return err
	}
	if err := s.ftsMergeSetup(ctx); err != nil {
		return err
	}
	return s.prepareWrites(ctx)
}

// seed creates the triage list and the cursor key if they are missing.
func (s *Store) seed(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		tl := feedback.NewTriageList(s.now())
		tl.Version = 1
		data, err := encode(tl)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT OR IGNORE INTO problem_lists (id, triage, created_at, version, data) VALUES (?, 1, ?, 1, ?)`,
			tl.ID, nanos(tl.CreatedAt), data); err != nil {
			return fmt.Errorf("seed triage list: %w", err)
		}
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO meta (key, value) VALUES ('cursor_key', ?)`, key); err != nil {
			return fmt.Errorf("seed cursor key: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'cursor_key'`).Scan(&s.key); err != nil {
			return fmt.Errorf("read cursor key: %w", err)
		}
		if len(s.key) < 16 {
			return fmt.Errorf("cursor key too short (%d bytes)", len(s.key))
		}
		return nil
	})
}

// Upgraded reports what Open did to a file of an older release: its schema
// versions before and after, and where the copy made before the upgrade
// is. It returns nil when the file was new or already current.
func (s *Store) Upgraded() *Upgrade { return s.upgrade }

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the store's connections. The WAL is checkpointed when the
// last connection closes.
func (s *Store) Close() error {
	s.stopCommitter()
	s.mu.Lock()
	for k, st := range s.stmts {
		st.Close()
		delete(s.stmts, k)
	}
	s.mu.Unlock()
	var errs []error
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", s.path, err)
	}
	return nil
}

// maxCachedStmts bounds the prepared statements kept by stmt.
const maxCachedStmts = 256

var errStmtCacheFull = errors.New("statement cache full")

// stmt returns a prepared statement for query on db, preparing it once.
func (s *Store) stmt(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	k := stmtKey{db, query}
	s.mu.Lock()
	st := s.stmts[k]
	s.mu.Unlock()
	if st != nil {
		return st, nil
	}
	if n := len(s.stmts); n >= maxCachedStmts {
		// Lists build their SQL from the filter (one clause per search
		// term), so the shapes are unbounded: past the bound, run
		// unprepared rather than keep every shape forever.
		return nil, errStmtCacheFull
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.stmts[k]; old != nil {
		st.Close()
		return old, nil
	}
	s.stmts[k] = st
	return st, nil
}

// hotWrites are the write statements prepared once at open. The writer has
// a single connection, held by the open transaction while a write runs, so
// statements cannot be prepared lazily there; the rest run unprepared.
var hotWrites = []string{qIdemLookup, qInsertSuggestion, qUpdateSuggestion, qSuggestionExists,
	qSuggestionCols, qUpdateSuggestionState}

func (s *Store) prepareWrites(ctx context.Context) error {
	for _, q := range hotWrites {
		if _, err := s.stmt(ctx, s.writer, q); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	}
	return nil
}

// writerStmt returns the prepared form of query on the writer, or nil.
func (s *Store) writerStmt(query string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stmts[stmtKey{s.writer, query}]
}

// txExec runs a write statement inside tx, prepared when it is a hot one.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.writerStmt(query); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// txQueryRow runs a query inside tx, prepared when it is a hot one.
func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.writerStmt(query); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// queryRow runs a prepared read on the reader pool.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, s.reader, query)
	if err != nil {
		return s.reader.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// isNotADatabase reports whether err is SQLite's SQLITE_NOTADB: the file
// has no SQLite header (a text file, an encrypted one, anything else).
func isNotADatabase(err error) bool {
	var se *sqlitedrv.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB
}

// dbError turns a driver error into a domain error where one fits, by
// SQLite's extended result code (the driver turns them on for every
// connection): unique and primary-key violations are the same EConflict the
// DynamoDB store answers for a taken key, foreign-key violations EInvalid (a
// reference to something that does not exist), a busy or locked database
// the same EUnavailable as a throttled table. Anything else is returned as
// is (EInternal to callers).
func dbError(err error) error {
	var se *sqlitedrv.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_ROWID:
		return feedback.StoreConflict(err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &feedback.Error{Code: feedback.EInvalid, Message: "引用的记录不存在", Err: err}
	}
	switch se.Code() & 0xff { // the primary code of every extended one
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return feedback.StoreUnavailable(err)
	}
	return err
}
