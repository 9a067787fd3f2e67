package main

import (
	"archive/tar"
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
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// Backups of the local stack. A backup is one file,
// <data stem>-YYYYMMDD-HHMMSS.tar.gz (Beijing time), a gzip-compressed tar
// archive that any tar can open:
//
//	<data file name>        a consistent copy of the SQLite file (sqlite.BackupFile)
//	files/...               the files folder (jianyan-files): checked files,
//	                        uploads in transit and the folder's signing secret
//	jianyan-backup.json     the manifest, last: an archive without it is incomplete
//
// The database is copied first, then the files: files are written before
// the records that name them, so every file the copied database refers to
// is in the archive; a file newer than the copy comes along and is swept
// after a restore as unreferenced. The files folder's temporary writes
// (.tmp) and generated exports are left out.
//
// The archive is written under a temporary name beside its final one,
// flushed, and renamed, so a backup with a final name is complete.

// backupFormat identifies the manifest.
const backupFormat = "jianyan-backup"

// backupFormatVersion is the archive layout this code writes and reads.
const backupFormatVersion = 1

// manifestName is the manifest's entry in the archive.
const manifestName = "jianyan-backup.json"

// filesPrefix is where the files folder goes in the archive.
const filesPrefix = "files/"

// manifest describes a backup.
type manifest struct {
	Format         string    `json:"format"`
	FormatVersion  int       `json:"format_version"`
	CreatedAt      time.Time `json:"created_at"`
	Database       string    `json:"database"` // the entry holding the SQLite file
	DatabaseBytes  int64     `json:"database_bytes"`
	DatabaseSHA256 string    `json:"database_sha256"`
	SchemaVersion  int       `json:"schema_version"`
	FilesFolder    string    `json:"files_folder"` // its name beside the data file when backed up
	Files          int       `json:"files"`
	FilesBytes     int64     `json:"files_bytes"`
}

// backupSkip lists the files folder's top-level entries a backup leaves
// out (see internal/diskfiles): writes in progress and generated exports.
var backupSkip = []string{".tmp", "exports"}

// backupName returns the backup file name for the data file at t.
func backupName(data string, t time.Time) string {
	return dataStem(data) + "-" + t.In(feedback.Shanghai).Format("20060102-150405") + ".tar.gz"
}

// dataStem is the data file's name without its extension: jianyan.db →
// jianyan.
func dataStem(data string) string {
	base := filepath.Base(data)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// backupNameRE matches the names backupName makes for a stem.
func backupNameRE(stem string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(stem) + `-(\d{8})-(\d{6})(?:-\d+)?\.tar\.gz$`)
}

// writeBackup writes a backup of the data file and its files folder into
// dir and returns its path and manifest.
func writeBackup(ctx context.Context, data, dir string, now time.Time) (string, manifest, error) {
	m := manifest{Format: backupFormat, FormatVersion: backupFormatVersion, CreatedAt: now.In(feedback.Shanghai).Truncate(time.Second),
		Database: filepath.Base(data), FilesFolder: filepath.Base(diskfiles.Dir(data))}
	// A wrong --data (the command run from another folder) is said in
	// words, not as the driver's "stat …: no such file or directory".
	if st, err := os.Stat(data); err != nil || st.IsDir() {
		abs, _ := filepath.Abs(data)
		return "", m, fmt.Errorf("找不到数据文件 %s:请用 --data 指定服务正在使用的数据文件(服务启动时「数据:」后显示的那个)", abs)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", m, fmt.Errorf("备份目录 %s 无法创建:%w", dir, err)
	}
	removeStaleTemps(dir, data)
	name := backupName(data, now)
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		name = strings.TrimSuffix(backupName(data, now), ".tar.gz") + fmt.Sprintf("-%d.tar.gz", i)
	}
	final := filepath.Join(dir, name)
	tmpDB := filepath.Join(dir, "."+name+".db.tmp")
	tmpArchive := filepath.Join(dir, "."+name+".tmp")
	defer os.Remove(tmpDB)
	_ = os.Remove(tmpDB)
	info, err := sqlite.BackupFile(ctx, data, tmpDB)
	if err != nil {
		return "", m, fmt.Errorf("复制数据文件 %s 失败:%w", data, err)
	}
	m.SchemaVersion, m.DatabaseBytes = info.SchemaVersion, info.Bytes

	f, err := os.OpenFile(tmpArchive, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", m, fmt.Errorf("无法写入备份目录 %s:%w", dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmpArchive)
		}
	}()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	sum, err := addFile(tw, tmpDB, m.Database, m.CreatedAt)
	if err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	m.DatabaseSHA256 = sum
	if err := addFilesFolder(ctx, tw, diskfiles.Dir(data), &m); err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", m, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(raw)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	if _, err := tw.Write(raw); err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	if err := errors.Join(tw.Close(), gz.Close(), f.Sync(), f.Close()); err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	if err := os.Rename(tmpArchive, final); err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	ok = true
	if err := syncDir(dir); err != nil {
		return "", m, fmt.Errorf("写入备份:%w", err)
	}
	return final, m, nil
}

// removeStaleTemps removes the temporary files of backups into dir that
// stopped more than an hour ago (a crash, a power cut): a younger one may
// belong to a backup still running in another process.
func removeStaleTemps(dir, data string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+dataStem(data)+"-*.tmp"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > time.Hour {
			_ = os.Remove(m)
		}
	}
}

// addFile writes the file at src into the archive as name and returns its
// SHA-256.
func addFile(tw *tar.Writer, src, name string, mod time.Time) (string, error) {
	f, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if mod.IsZero() {
		mod = fi.ModTime()
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: fi.Size(), ModTime: mod, Typeflag: tar.TypeReg}); err != nil {
		return "", err
	}
	h := sha256.New()
	if n, err := io.Copy(io.MultiWriter(tw, h), f); err != nil {
		return "", err
	} else if n != fi.Size() {
		return "", fmt.Errorf("%s 在复制时改变了大小", src)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// addFilesFolder writes the files folder's files under filesPrefix. A
// missing folder is an empty one; a file removed while the backup runs
// (the sweeper's work) is left out.
func addFilesFolder(ctx context.Context, tw *tar.Writer, dir string, m *manifest) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && slices.Contains(backupSkip, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if _, err := addFile(tw, p, filesPrefix+rel, time.Time{}); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		fi, err := d.Info()
		if err == nil {
			m.FilesBytes += fi.Size()
		}
		m.Files++
		return nil
	})
}

// pruneBackups deletes the oldest of dir's backups of the data file until
// keep remain, and returns what it deleted. Other files in dir are never
// touched.
func pruneBackups(dir, data string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	re := backupNameRE(dataStem(data))
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && re.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	// The names sort by time: the stamp is fixed-width, and a same-second
	// suffix sorts after the plain name.
	slices.SortFunc(names, compareBackupNames)
	var removed []string
	for len(names) > keep {
		p := filepath.Join(dir, names[0])
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, p)
		names = names[1:]
	}
	return removed, nil
}

func compareBackupNames(a, b string) int {
	ka, kb := strings.TrimSuffix(a, ".tar.gz"), strings.TrimSuffix(b, ".tar.gz")
	// "x-20250312-020000" < "x-20250312-020000-2" < "x-20250312-020000-10"
	if len(ka) != len(kb) && (strings.HasPrefix(ka, kb) || strings.HasPrefix(kb, ka)) {
		return len(ka) - len(kb)
	}
	return strings.Compare(ka, kb)
}

// latestBackupDay returns the day (Beijing time, YYYYMMDD) of the newest
// backup of the data file in dir, or "".
func latestBackupDay(dir, data string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	re := backupNameRE(dataStem(data))
	latest := ""
	for _, e := range entries {
		if m := re.FindStringSubmatch(e.Name()); m != nil && m[1] > latest {
			latest = m[1]
		}
	}
	return latest
}

// syncDir flushes a directory so that names created or renamed in it
// survive a power cut. Windows cannot sync a directory.
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

// cleanArchivePath checks an archive entry's name: relative, clean, inside
// the archive.
func cleanArchivePath(name string) (string, bool) {
	if name == "" || strings.Contains(name, "\\") || path.IsAbs(name) {
		return "", false
	}
	c := path.Clean(name)
	if c != strings.TrimSuffix(name, "/") || c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}
