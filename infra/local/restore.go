package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// Restoring. restoreBackup puts a backup in the place of the data file and
// its files folder. It never overwrites: the data file (with its -wal and
// -shm) and the files folder in place are renamed to
// <name>.before-restore-YYYYMMDD-HHMMSS and stay until someone deletes
// them. It never touches a data file in use: it claims the file
// (sqlite.ClaimFile), which fails while a server has it open. And it never
// puts back a backup it has not checked: the archive is unpacked into a
// folder beside the data file, the database is checked against the
// manifest's checksum and by SQLite's integrity and foreign-key checks,
// and its schema must be one this release reads; only then is anything
// moved.
//
// FILE may also be a plain SQLite data file (another copy of jianyan.db,
// or the copy Open keeps before an upgrade); then only the database is
// replaced and the files folder stays as it is.

// restoreResult reports a restore.
type restoreResult struct {
	SchemaVersion int
	Files         int
	DatabaseOnly  bool        // from a plain data file: the files folder stayed as it was
	Kept          [][2]string // what was in place, and the name it was renamed to
}

// restoreMessage is what the restore command says it did.
func restoreMessage(from, data string, res restoreResult) string {
	if res.DatabaseOnly {
		return fmt.Sprintf("已从 %s 恢复到 %s(结构版本 %d;只恢复了数据文件,文件夹 %s 保持不变)。", from, data, res.SchemaVersion, filepath.Base(diskfiles.Dir(data)))
	}
	return fmt.Sprintf("已从 %s 恢复到 %s(结构版本 %d,文件 %d 个)。", from, data, res.SchemaVersion, res.Files)
}

var (
	gzipMagic   = []byte{0x1f, 0x8b}
	sqliteMagic = []byte("SQLite format 3\x00")
)

// restoreBackup restores from into the data file data (and its files
// folder).
func restoreBackup(ctx context.Context, from, data string, now time.Time) (restoreResult, error) {
	var res restoreResult
	head := make([]byte, len(sqliteMagic))
	f, err := os.Open(from)
	if errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("找不到备份文件 %s:请检查 --from 的路径;没有恢复任何内容", from)
	}
	if err != nil {
		return res, fmt.Errorf("无法读取备份 %s:%w", from, err)
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]

	dataDir := filepath.Dir(data)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return res, fmt.Errorf("数据目录 %s 无法创建:%w", dataDir, err)
	}
	stage, err := os.MkdirTemp(dataDir, ".jianyan-restore-")
	if err != nil {
		return res, fmt.Errorf("无法在数据目录 %s 中写入:%w", dataDir, err)
	}
	defer os.RemoveAll(stage)
	stagedDB := filepath.Join(stage, "database")
	stagedFiles := filepath.Join(stage, "files")
	withFiles := false

	switch {
	case bytes.HasPrefix(head, gzipMagic):
		m, err := unpackBackup(ctx, from, stagedDB, stagedFiles)
		if err != nil {
			return res, err
		}
		withFiles = true
		res.Files = m.Files
	case bytes.Equal(head, sqliteMagic):
		if _, err := sqlite.BackupFile(ctx, from, stagedDB); err != nil {
			return res, fmt.Errorf("备份 %s 无法读取:%w", from, err)
		}
		res.DatabaseOnly = true
	default:
		return res, fmt.Errorf("%s 不是建言的备份(既不是 .tar.gz 备份文件,也不是 SQLite 数据文件)", from)
	}
	info, err := sqlite.CheckFile(ctx, stagedDB)
	if err != nil {
		return res, fmt.Errorf("备份 %s 未通过检查,没有恢复任何内容:%w", from, err)
	}
	res.SchemaVersion = info.SchemaVersion

	// Claim the data file in place (if any), move it and its files aside,
	// and put the backup in their place.
	stamp := ".before-restore-" + now.In(feedback.Shanghai).Format("20060102-150405")
	var claim *sqlite.Claim
	if _, err := os.Stat(data); err == nil {
		claim, err = sqlite.ClaimFile(ctx, data)
		if err != nil {
			if errors.Is(err, sqlite.ErrInUse) {
				return res, fmt.Errorf("%w。请先停止服务再恢复;没有恢复任何内容", err)
			}
			return res, fmt.Errorf("无法独占数据文件 %s:%w", data, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, err
	}
	// The claim emptied the WAL; its index (-shm) is rebuilt on open.
	// Neither holds data now, and neither may stay by the data file's
	// name: SQLite would read them as the restored file's.
	for _, p := range []string{data + "-wal", data + "-shm"} {
		if fi, err := os.Lstat(p); err == nil && (fi.Size() == 0 || strings.HasSuffix(p, "-shm")) {
			_ = os.Remove(p)
		}
	}
	moves := []string{data, data + "-wal"}
	if withFiles {
		moves = append(moves, diskfiles.Dir(data))
	}
	var moved [][2]string
	undo := func() {
		for i := len(moved) - 1; i >= 0; i-- {
			_ = os.Rename(moved[i][1], moved[i][0])
		}
	}
	for _, p := range moves {
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		aside := p + stamp
		if err := os.Rename(p, aside); err != nil {
			undo()
			if claim != nil {
				_ = claim.Release()
			}
			return res, fmt.Errorf("无法把 %s 移到一旁,没有恢复任何内容:%w", p, err)
		}
		moved = append(moved, [2]string{p, aside})
		res.Kept = append(res.Kept, [2]string{p, aside})
	}
	// The claim's connection closes on the renamed file; nothing by the
	// data file's name exists until the backup is put there.
	if claim != nil {
		if err := claim.Release(); err != nil {
			undo()
			return res, fmt.Errorf("释放数据文件失败,没有恢复任何内容:%w", err)
		}
	}
	if err := os.Rename(stagedDB, data); err != nil {
		undo()
		return res, fmt.Errorf("恢复数据文件失败,原文件已放回:%w", err)
	}
	if withFiles {
		if err := os.Rename(stagedFiles, diskfiles.Dir(data)); err != nil {
			return res, fmt.Errorf("数据文件已恢复,但文件目录恢复失败(原目录在 %s):%w", diskfiles.Dir(data)+stamp, err)
		}
	}
	if err := syncDir(dataDir); err != nil {
		return res, fmt.Errorf("恢复后同步目录失败:%w", err)
	}
	return res, nil
}

// unpackBackup unpacks the archive at from: the database to db, the files
// folder's files under files. It checks each entry's name, the database's
// checksum and that the manifest, which comes last, is there.
func unpackBackup(ctx context.Context, from, db, files string) (manifest, error) {
	var m manifest
	f, err := os.Open(from)
	if err != nil {
		return m, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return m, fmt.Errorf("备份 %s 已损坏:%w", from, err)
	}
	tr := tar.NewReader(gz)
	var (
		dbName, dbSum string
		nFiles        int
		sawManifest   bool
		firstName     string
	)
	if err := os.MkdirAll(files, 0o700); err != nil {
		return m, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("备份 %s 已损坏或不完整:%w", from, err)
		}
		if sawManifest {
			return m, fmt.Errorf("备份 %s 格式不对:清单之后还有 %q", from, h.Name)
		}
		name, ok := cleanArchivePath(h.Name)
		if !ok {
			return m, fmt.Errorf("备份 %s 含有不安全的路径 %q,拒绝恢复", from, h.Name)
		}
		switch {
		case h.Typeflag == tar.TypeDir:
			continue
		case h.Typeflag != tar.TypeReg:
			return m, fmt.Errorf("备份 %s 含有不支持的条目 %q", from, h.Name)
		case name == manifestName:
			raw, err := io.ReadAll(io.LimitReader(tr, 1<<20))
			if err != nil {
				return m, fmt.Errorf("备份 %s 已损坏:%w", from, err)
			}
			if err := json.Unmarshal(raw, &m); err != nil || m.Format != backupFormat {
				return m, fmt.Errorf("%s 不是建言的备份(清单无法识别)", from)
			}
			if m.FormatVersion > backupFormatVersion {
				return m, fmt.Errorf("备份 %s 由更新版本的建言写成(格式 %d),本程序只认识格式 %d", from, m.FormatVersion, backupFormatVersion)
			}
			sawManifest = true
		case strings.HasPrefix(name, filesPrefix):
			if err := extract(tr, filepath.Join(files, filepath.FromSlash(strings.TrimPrefix(name, filesPrefix)))); err != nil {
				return m, fmt.Errorf("备份 %s 已损坏或不完整:读取 %s 失败:%w", from, name, err)
			}
			nFiles++
		case !strings.Contains(name, "/") && dbName == "" && firstName == "":
			dbName = name
			h := sha256.New()
			if err := extract(io.TeeReader(tr, h), db); err != nil {
				return m, fmt.Errorf("备份 %s 已损坏或不完整:读取数据文件失败:%w", from, err)
			}
			dbSum = hex.EncodeToString(h.Sum(nil))
		default:
			return m, fmt.Errorf("备份 %s 含有未知的条目 %q", from, h.Name)
		}
		if firstName == "" {
			firstName = name
		}
	}
	switch {
	case !sawManifest:
		return m, fmt.Errorf("备份 %s 不完整(缺少清单 %s),没有恢复任何内容", from, manifestName)
	case dbName == "" || dbName != m.Database:
		return m, fmt.Errorf("备份 %s 中没有清单所说的数据文件 %q", from, m.Database)
	case dbSum != m.DatabaseSHA256:
		return m, fmt.Errorf("备份 %s 中的数据文件校验和不符,备份已损坏", from)
	case nFiles != m.Files:
		return m, fmt.Errorf("备份 %s 中有 %d 个文件,清单说 %d 个,备份不完整", from, nFiles, m.Files)
	}
	return m, nil
}

// extract writes r to a new file at p (creating its folders), flushed.
func extract(r io.Reader, p string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
