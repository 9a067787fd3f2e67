package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// migrations are the schema's history, oldest first. Step i (1-based) takes
// a file from user_version i-1 to i. Never edit a step that has shipped:
// append a new one. Each runs in its own transaction together with the
// user_version bump, so a crash mid-upgrade leaves the file at the previous
// version, and the next open resumes.
var migrations = []string{
	// 1: the tables.
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE symposia (
	id         TEXT PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	status     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX symposia_by_time ON symposia (created_at, id);
CREATE INDEX symposia_by_status ON symposia (status, created_at, id);

-- rid is the rowid the full-text index refers to; id is the domain ID.
-- topic and content are columns (not in data) because search reads them.
CREATE TABLE suggestions (
	rid              INTEGER PRIMARY KEY,
	id               TEXT NOT NULL UNIQUE,
	receipt          TEXT NOT NULL UNIQUE,
	symposium_id     TEXT NOT NULL REFERENCES symposia (id),
	participant_kind TEXT NOT NULL,
	kind             TEXT NOT NULL,
	status           TEXT NOT NULL,
	channel          TEXT NOT NULL,
	problem_list_id  TEXT NOT NULL DEFAULT '',
	problem_id       TEXT NOT NULL DEFAULT '',
	idem_key         TEXT,
	topic            TEXT NOT NULL DEFAULT '',
	content          TEXT NOT NULL,
	submitted_at     INTEGER NOT NULL,
	version          INTEGER NOT NULL,
	data             TEXT NOT NULL
);
CREATE INDEX suggestions_by_time ON suggestions (submitted_at, id);
CREATE INDEX suggestions_by_symposium ON suggestions (symposium_id, submitted_at, id);
CREATE INDEX suggestions_by_status ON suggestions (status, submitted_at, id);
CREATE INDEX suggestions_by_list ON suggestions (problem_list_id, submitted_at, id);
CREATE INDEX suggestions_by_problem ON suggestions (problem_id) WHERE problem_id <> '';
-- Matches the idempotency lookup's WHERE and ORDER BY exactly, so the
-- planner cannot prefer suggestions_by_symposium (which would scan every
-- suggestion of the symposium).
CREATE INDEX suggestions_by_idem_key ON suggestions (symposium_id, idem_key, submitted_at, id)
	WHERE idem_key IS NOT NULL;

CREATE TABLE problem_lists (
	id         TEXT PRIMARY KEY,
	triage     INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX problem_lists_by_time ON problem_lists (triage, created_at, id);

CREATE TABLE problems (
	id              TEXT PRIMARY KEY,
	problem_list_id TEXT NOT NULL REFERENCES problem_lists (id),
	unit            TEXT NOT NULL,
	status          TEXT NOT NULL,
	deadline        TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	version         INTEGER NOT NULL,
	data            TEXT NOT NULL
);
CREATE INDEX problems_by_time ON problems (created_at, id);
CREATE INDEX problems_by_list ON problems (problem_list_id, created_at, id);
CREATE INDEX problems_by_unit ON problems (unit, created_at, id);
CREATE INDEX problems_by_status ON problems (status, created_at, id);

CREATE TABLE audit_events (
	id         TEXT PRIMARY KEY,
	problem_id TEXT NOT NULL,
	at         INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX audit_events_by_problem ON audit_events (problem_id, at, id);
-- Audit events are append-only, whatever code runs against the file.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END;

CREATE TABLE rule_set (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL,
	data    TEXT NOT NULL
);

CREATE TABLE summaries (
	id        TEXT PRIMARY KEY,
	period    TEXT NOT NULL,
	from_date TEXT NOT NULL,
	data      TEXT NOT NULL
);
CREATE INDEX summaries_by_from ON summaries (from_date, id);
CREATE INDEX summaries_by_period ON summaries (period, from_date, id);

CREATE TABLE accounts (
	id         TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX accounts_by_time ON accounts (created_at, id);
`,
	// 2: full-text search over suggestions' topic and content. The trigram
	// tokenizer indexes every 3-character window, so a query of 3 or more
	// characters is a substring match without word segmentation (which
	// Chinese would need); shorter queries fall back to instr(). Case
	// sensitive, like instr() and DynamoDB's contains(), so both paths agree.
	// The index is external-content (it stores no second copy of the text)
	// and triggers keep it in step in the same transaction as the row.
	`
CREATE VIRTUAL TABLE suggestions_fts USING fts5 (
	topic, content,
	content = 'suggestions', content_rowid = 'rid',
	tokenize = 'trigram case_sensitive 1'
);
CREATE TRIGGER suggestions_fts_insert AFTER INSERT ON suggestions BEGIN
	INSERT INTO suggestions_fts (rowid, topic, content) VALUES (new.rid, new.topic, new.content);
END;
CREATE TRIGGER suggestions_fts_delete AFTER DELETE ON suggestions BEGIN
	INSERT INTO suggestions_fts (suggestions_fts, rowid, topic, content) VALUES ('delete', old.rid, old.topic, old.content);
END;
CREATE TRIGGER suggestions_fts_update AFTER UPDATE OF topic, content ON suggestions
WHEN old.topic IS NOT new.topic OR old.content IS NOT new.content BEGIN
	INSERT INTO suggestions_fts (suggestions_fts, rowid, topic, content) VALUES ('delete', old.rid, old.topic, old.content);
	INSERT INTO suggestions_fts (rowid, topic, content) VALUES (new.rid, new.topic, new.content);
END;
-- Index what an older file already holds.
INSERT INTO suggestions_fts (suggestions_fts) VALUES ('rebuild');
`,
	// 3: problems by deadline, for the overdue filter and reminders.
	`
CREATE INDEX problems_by_deadline ON problems (deadline, created_at, id) WHERE deadline <> '';
`,
	// 4: maintained problem counters for summaries (aggregates.go).
	counterMigration,
	// 5: a covering index for summaries' suggestion counts (counts.go).
	summaryIndexMigration,
	// 6: uploaded files' records (files.go); the bytes live in the files
	// folder beside the database.
	fileMigration,
	// 7: issued documents and their number counters (documents.go).
	documentMigration,
	// 8: the office's round-two records: notices, units, calendar,
	// extensions, contributions, assessment (office.go).
	officeMigration,
	// 9: the office's settings (settings.go).
	settingsMigration,
	// 10: replies with grades and ratings (replies.go).
	replyMigration,
	// 11: the summary's count tells the triage list from the others
	// (counts.go).
	triageIndexMigration,
	// 12: problems with an extension request waiting for a decision
	// (office.go).
	extensionPendingMigration,
}

// SchemaVersion is the schema version this code writes.
var SchemaVersion = len(migrations)

// migrate brings the file at db up to the current schema (or to upTo, when
// not 0). It refuses a file written by newer code.
func migrate(ctx context.Context, db *sql.DB, upTo int) error {
	target := targetVersion(upTo)
	for {
		done, err := migrateStep(ctx, db, target)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// targetVersion is the version migrate brings a file to.
func targetVersion(upTo int) int {
	if upTo > 0 && upTo < len(migrations) {
		return upTo
	}
	return len(migrations)
}

// migrateStep applies the next migration, if any, in one transaction. The
// version is read inside the transaction (which holds the write lock), so
// two processes opening the same old file cannot both apply a step.
func migrateStep(ctx context.Context, db *sql.DB, target int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err != nil || done {
			_ = tx.Rollback()
		}
	}()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, fmt.Errorf("migrate: read version: %w", err)
	}
	if v > len(migrations) {
		return false, newerFileError(v)
	}
	if v >= target {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return false, fmt.Errorf("migrate: step %d: %w", v+1, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return false, fmt.Errorf("migrate: step %d: set version: %w", v+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate: step %d: commit: %w", v+1, err)
	}
	return false, nil
}

// ErrNewerSchema is returned (wrapped) by Open for a file that a newer
// release of Jianyan has written. Open leaves such a file as it found it.
var ErrNewerSchema = errors.New("数据文件由更新版本的建言写入")

// ErrNotJianyan is returned (wrapped) by Open for a file that is not a
// Jianyan data file (another program's SQLite database, or not SQLite at
// all). Open leaves it as it found it.
var ErrNotJianyan = errors.New("不是建言的数据文件")

func newerFileError(v int) error {
	return fmt.Errorf("%w:它的结构版本是 %d,本程序只认识到 %d。请用写入它的版本或更新的版本打开;本程序没有改动这个文件",
		ErrNewerSchema, v, len(migrations))
}

// Upgrade describes what Open did to an older file.
type Upgrade struct {
	From, To int    // schema versions before and after
	Backup   string // the copy of the file made before upgrading it
}

// inspect looks at an existing file before anything writes to it: through
// a read-only connection it reads the schema version and refuses a file of
// a newer release, and a file that is not Jianyan's, before the writer's
// connection could change a byte of it (switching it to WAL, say). It
// returns the file's version, 0 for a new or empty file.
func inspect(ctx context.Context, path string, cfg config) (int, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if !fi.Mode().IsRegular() {
		return 0, fmt.Errorf("%w:%s 不是普通文件", ErrNotJianyan, path)
	}
	if fi.Size() == 0 {
		return 0, nil
	}
	db, err := sql.Open("sqlite", roDSN(path, cfg))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v, tables int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		if isNotADatabase(err) {
			return 0, fmt.Errorf("%w:%s 不是 SQLite 数据库文件", ErrNotJianyan, path)
		}
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return v, newerFileError(v)
	}
	if v == 0 {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return 0, fmt.Errorf("read schema: %w", err)
		}
		if tables > 0 {
			return 0, fmt.Errorf("%w:%s 里已有其他程序的表", ErrNotJianyan, path)
		}
	}
	return v, nil
}

// backupBeforeUpgrade copies the file at version from (through SQLite, so
// the copy is consistent even while another process writes) to
// <path>.upgrade-from-v<from>.bak before migrations touch it. Migrations
// run in transactions, so a crash cannot leave a half-upgraded file; the
// copy is for a migration that is wrong in what it does. An existing copy
// is kept: it is the older one.
func backupBeforeUpgrade(ctx context.Context, path string, from int, cfg config) (string, error) {
	dst := fmt.Sprintf("%s.upgrade-from-v%d.bak", path, from)
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	tmp := dst + ".tmp"
	_ = os.Remove(tmp)
	if err := vacuumInto(ctx, path, tmp, cfg); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("copy before upgrading: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("copy before upgrading: %w", err)
	}
	return dst, syncDir(filepath.Dir(dst))
}
