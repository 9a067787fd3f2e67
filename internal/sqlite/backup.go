package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Backups. A copy is made with VACUUM INTO on a read-only connection of its
// own: it reads one snapshot of the database (a read transaction, which WAL
// lets run beside the writer, in this process or another), so the copy is
// consistent while the server keeps writing, and it is compact (no free
// pages, no WAL). The copy is written under a temporary name, flushed,
// checked and only then renamed into place, so a copy with the final name
// is always whole.

// FileInfo describes a database file checked by CheckFile or written by
// BackupFile.
type FileInfo struct {
	SchemaVersion int
	Bytes         int64
}

// BackupFile writes a consistent copy of the Jianyan data file src to dst,
// which must not exist yet, while other connections (this process's store
// or a server in another process) may be writing src. It refuses a src that
// does not exist or is not a Jianyan data file.
func BackupFile(ctx context.Context, src, dst string) (FileInfo, error) {
	if _, err := os.Stat(src); err != nil {
		return FileInfo{}, fmt.Errorf("sqlite: back up %s: %w", src, err)
	}
	cfg := config{busyTimeout: 5 * time.Second}
	if _, err := inspect(ctx, src, cfg); err != nil && !errors.Is(err, ErrNewerSchema) {
		// A newer file is copied all the same: copying changes nothing,
		// and the copy is for the release that wrote it.
		return FileInfo{}, fmt.Errorf("sqlite: back up %s: %w", src, err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return FileInfo{}, fmt.Errorf("sqlite: back up %s: %s already exists", src, dst)
	}
	tmp := dst + ".tmp"
	_ = os.Remove(tmp)
	if err := vacuumInto(ctx, src, tmp, cfg); err != nil {
		_ = os.Remove(tmp)
		return FileInfo{}, fmt.Errorf("sqlite: back up %s: %w", src, err)
	}
	info, err := CheckFile(ctx, tmp)
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err == nil {
		err = syncDir(filepath.Dir(dst))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return FileInfo{}, fmt.Errorf("sqlite: back up %s: %w", src, err)
	}
	return info, nil
}

// vacuumInto copies the database at src into the new file dst and flushes
// dst to disk.
func vacuumInto(ctx context.Context, src, dst string, cfg config) error {
	db, err := sql.Open("sqlite", roDSN(src, cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("vacuum into %s: %w", dst, err)
	}
	return syncFile(dst)
}

// CheckFile checks a database file that nothing else uses (a backup, or a
// file about to be restored): SQLite's integrity and foreign-key checks must
// pass and its schema must be one this program reads (not newer). It does
// not change the file.
func CheckFile(ctx context.Context, path string) (FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return FileInfo{}, err
	}
	cfg := config{busyTimeout: 5 * time.Second}
	v, err := inspect(ctx, path, cfg)
	if err != nil {
		return FileInfo{}, err
	}
	if v == 0 {
		return FileInfo{}, fmt.Errorf("%w:%s 是空的", ErrNotJianyan, path)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	// immutable: nothing else uses the file, so SQLite needs no locks and
	// creates no -wal or -shm beside it.
	q.Set("immutable", "1")
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return FileInfo{}, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return FileInfo{}, fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return FileInfo{}, fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" && len(problems) < 5 {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return FileInfo{}, fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return FileInfo{}, fmt.Errorf("%s 已损坏(完整性检查:%v)", path, problems)
	}
	var table string
	var rowid sql.NullInt64
	var parent string
	var fkid int
	switch err := db.QueryRowContext(ctx, "PRAGMA foreign_key_check").Scan(&table, &rowid, &parent, &fkid); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return FileInfo{}, fmt.Errorf("foreign key check: %w", err)
	default:
		return FileInfo{}, fmt.Errorf("%s 已损坏(表 %s 的一行引用了 %s 中不存在的记录)", path, table, parent)
	}
	return FileInfo{SchemaVersion: v, Bytes: fi.Size()}, nil
}

// roDSN is a read-only connection to a file other connections may use.
func roDSN(path string, cfg config) string {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.busyTimeout.Milliseconds()))
	if cfg.vfs != "" {
		q.Set("vfs", cfg.vfs)
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// syncFile flushes a file's contents to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir flushes a directory, so that a file created or renamed in it
// survives a power cut under its new name. Windows cannot sync a
// directory; there the rename is as durable as NTFS makes it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ErrInUse is returned (wrapped) by ClaimFile for a data file that another
// connection has open: a running server, in this process or another.
var ErrInUse = errors.New("数据文件正在被使用")

// Claim is exclusive use of a data file, for replacing it (restore).
type Claim struct {
	db   *sql.DB
	conn *sql.Conn
}

// ClaimFile takes the data file at path for this process alone, or fails
// with ErrInUse when any other connection has it open. A server keeps its
// connections open and each holds a shared lock on the file, so a server
// that is running is always seen; and while the claim is held, a server
// cannot open the file. The claim also folds the WAL into the file and
// empties it, so the file alone holds the data when it is moved. Release
// the claim when done.
func ClaimFile(ctx context.Context, path string) (*Claim, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	// In exclusive locking mode the locks a connection takes are kept
	// until it closes, and WAL mode uses no shared memory beside it.
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, stmt := range []string{"BEGIN EXCLUSIVE", "COMMIT", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			conn.Close()
			db.Close()
			if isBusy(err) {
				return nil, fmt.Errorf("%w:%s 已被其他进程打开(服务是否仍在运行?)", ErrInUse, path)
			}
			return nil, fmt.Errorf("claim %s: %w", path, err)
		}
	}
	return &Claim{db: db, conn: conn}, nil
}

// Release ends the claim.
func (c *Claim) Release() error {
	return errors.Join(c.conn.Close(), c.db.Close())
}

// isBusy reports whether err is SQLite's "the file is locked".
func isBusy(err error) bool {
	var se *sqlitedrv.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}
