package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// TestBackupUnderLoadThenRestore is the "done when": the real
// binary serves submissions from many workers while the backup command
// (another process as far as SQLite is concerned) copies its data file and
// files folder; the backup is restored into a new folder, the binary is
// started on it, and every receipt acknowledged before the backup began
// is there, and so is an uploaded file, byte for byte. Restoring over the
// file the running server uses is refused and changes nothing.
func TestBackupUnderLoadThenRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under load")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := buildLocal(t)
	data := filepath.Join(t.TempDir(), "jianyan.db")
	p := startBinary(t, bin, data)
	client := loadClient(32)
	defer client.CloseIdleConnections()
	st := &stack{base: p.base}
	code, sym := st.do(t, "POST", "/api/v1/symposia", loadToken, `{"title":"涉企乱罚款问题专项整治座谈会","host_unit":"区司法局","status":"open"}`)
	if code != http.StatusCreated {
		t.Fatalf("create symposium = %d %v", code, sym)
	}
	symCode, _ := sym["code"].(string)
	fileID, photo := uploadPNG(t, p.base)

	var (
		mu    sync.Mutex
		acked []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				status, receipt, err := submitOne(ctx, client, p.base, symCode, fmt.Sprintf("b-%d-%d", w, i))
				if err != nil || status != http.StatusCreated {
					t.Errorf("submit: %d %v", status, err)
					return
				}
				mu.Lock()
				acked = append(acked, receipt)
				mu.Unlock()
			}
		}()
	}
	waitFor := func(n int) {
		for {
			mu.Lock()
			got := len(acked)
			mu.Unlock()
			if got >= n || t.Failed() {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(300)
	mu.Lock()
	before := slices.Clone(acked)
	mu.Unlock()
	backups := filepath.Join(t.TempDir(), "backups")
	var out bytes.Buffer
	err := run(ctx, []string{"backup", "--data", data, "--to", backups}, func(string) string { return "" }, &out)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	if err != nil {
		close(stop)
		wg.Wait()
		t.Fatalf("backup under load: %v", err)
	}
	waitFor(len(before) + during + 50) // the server kept answering
	close(stop)
	wg.Wait()
	archives, _ := filepath.Glob(filepath.Join(backups, "jianyan-*.tar.gz"))
	if len(archives) != 1 || !strings.Contains(out.String(), archives[0]) {
		t.Fatalf("backups written: %v; command said %q", archives, out.String())
	}
	m := readManifest(t, archives[0])
	if m.Files < 2 || m.SchemaVersion != sqlite.SchemaVersion || m.Database != "jianyan.db" {
		t.Errorf("manifest = %+v, want the database at version %d and the files folder (the photo and the folder's secret)", m, sqlite.SchemaVersion)
	}

	// Over the running server's file: refused, nothing moved.
	out.Reset()
	err = run(ctx, []string{"restore", "--from", archives[0], "--data", data}, func(string) string { return "" }, &out)
	if err == nil || !strings.Contains(err.Error(), "正在被使用") {
		t.Errorf("restore over the running server's file: err = %v, want it refused as in use", err)
	}
	if left, _ := filepath.Glob(data + "*.before-restore-*"); len(left) > 0 {
		t.Errorf("a refused restore moved files aside: %v", left)
	}
	if code, _ := st.do(t, "GET", "/api/v1/receipts/"+before[0], "", ""); code != http.StatusOK {
		t.Errorf("the running server after a refused restore: receipt %s = %d", before[0], code)
	}

	// Into a new folder, then serve it.
	restored := filepath.Join(t.TempDir(), "restored", "jianyan.db")
	out.Reset()
	if err := run(ctx, []string{"restore", "--from", archives[0], "--data", restored}, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("restore into a new folder: %v", err)
	}
	if !strings.Contains(out.String(), "已从") {
		t.Errorf("restore said %q", out.String())
	}
	q := startBinary(t, bin, restored)
	rs := &stack{base: q.base}
	missing := 0
	for _, r := range before {
		if code, _ := rs.do(t, "GET", "/api/v1/receipts/"+r, "", ""); code != http.StatusOK {
			missing++
			if missing <= 5 {
				t.Errorf("receipt %s acknowledged before the backup: %d after the restore", r, code)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d receipts acknowledged before the backup are missing after the restore", missing, len(before))
	}
	got := download(t, q.base, fileID)
	if !bytes.Equal(got, photo) {
		t.Errorf("the uploaded file after the restore: %d bytes, want the %d bytes served before", len(got), len(photo))
	}
	t.Logf("%d receipts acknowledged before the backup, %d while it ran; backup %s", len(before), during, filepath.Base(archives[0]))
}

// uploadPNG uploads a small PNG as the admin through the local upload
// route and returns its ID and the bytes the server then serves for it.
func uploadPNG(t *testing.T, base string) (string, []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		img.Set(x, x%24, color.RGBA{200, 30, 30, 255})
	}
	var raw bytes.Buffer
	if err := png.Encode(&raw, img); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"filename": "整改前后对比.png", "content_type": "image/png", "size": raw.Len()})
	req, _ := http.NewRequest("POST", base+"/api/v1/uploads", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+loadToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var form struct {
		ID     string            `json:"id"`
		URL    string            `json:"url"`
		Fields map[string]string `json:"fields"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&form); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/uploads = %d, %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for k, v := range form.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "整改前后对比.png")
	_, _ = fw.Write(raw.Bytes())
	_ = mw.Close()
	req, _ = http.NewRequest("POST", form.URL, &mp)
	req.Header.Set("Authorization", "Bearer "+loadToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload the bytes = %d %s", resp.StatusCode, b)
	}
	return form.ID, download(t, base, form.ID)
}

func download(t *testing.T, base, id string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/files/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+loadToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(b) == 0 {
		t.Fatalf("GET /api/v1/files/%s = %d %s", id, resp.StatusCode, b)
	}
	return b
}

func readManifest(t *testing.T, archive string) manifest {
	t.Helper()
	var m manifest
	for _, e := range readArchive(t, archive) {
		if e.name == manifestName {
			if err := json.Unmarshal(e.data, &m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return m
}

type archiveEntry struct {
	name string
	data []byte
}

func readArchive(t *testing.T, archive string) []archiveEntry {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out []archiveEntry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, archiveEntry{h.Name, b})
	}
}

func writeArchive(t *testing.T, path string, entries []archiveEntry) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o600, Size: int64(len(e.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// seedData makes a data file with one symposium and a files folder with
// one file, as a server leaves them.
func seedData(t *testing.T, data, title string) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, time.March, 12, 9, 30, 0, 0, feedback.Shanghai)
	sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: title,
		Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(t.Context(), sym); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(diskfiles.Dir(data), "files", "ab")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "evidence"), []byte(title), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, skip := range backupSkip {
		if err := os.MkdirAll(filepath.Join(diskfiles.Dir(data), skip), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(diskfiles.Dir(data), skip, "left-out"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func symposiumTitles(t *testing.T, data string) []string {
	t.Helper()
	st, err := sqlite.Open(t.Context(), data)
	if err != nil {
		t.Fatalf("open %s: %v", data, err)
	}
	defer st.Close()
	page, err := st.ListSymposia(t.Context(), feedback.SymposiumFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, s := range page.Items {
		titles = append(titles, s.Title)
	}
	return titles
}

// TestRestoreKeepsWhatWasThere restores over a stopped server's data: the
// backup's data and files take their place, and what was there is kept
// aside under its old name plus .before-restore-….
func TestRestoreKeepsWhatWasThere(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "jianyan.db")
	seedData(t, data, "备份时的座谈会")
	archive, m, err := writeBackup(t.Context(), data, filepath.Join(dir, "backups"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Files != 1 {
		t.Errorf("backup holds %d files, want 1 (temporary writes and exports left out)", m.Files)
	}
	for _, e := range readArchive(t, archive) {
		if strings.Contains(e.name, "left-out") {
			t.Errorf("backup holds %s", e.name)
		}
	}
	// Later work replaces the data; then the backup is restored.
	for _, p := range []string{data, data + "-wal", data + "-shm"} {
		os.Remove(p)
	}
	os.RemoveAll(diskfiles.Dir(data))
	seedData(t, data, "恢复前的座谈会")

	res, err := restoreBackup(t.Context(), archive, data, time.Date(2025, time.March, 13, 8, 0, 0, 0, feedback.Shanghai))
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got := symposiumTitles(t, data); !slices.Equal(got, []string{"备份时的座谈会"}) {
		t.Errorf("after the restore the data holds %v, want the backup's", got)
	}
	if b, err := os.ReadFile(filepath.Join(diskfiles.Dir(data), "files", "ab", "evidence")); err != nil || string(b) != "备份时的座谈会" {
		t.Errorf("restored file: %q, %v", b, err)
	}
	aside := data + ".before-restore-20250313-080000"
	if got := symposiumTitles(t, aside); !slices.Equal(got, []string{"恢复前的座谈会"}) {
		t.Errorf("the data kept aside holds %v, want what was there before", got)
	}
	if b, err := os.ReadFile(filepath.Join(diskfiles.Dir(data)+".before-restore-20250313-080000", "files", "ab", "evidence")); err != nil || string(b) != "恢复前的座谈会" {
		t.Errorf("files kept aside: %q, %v", b, err)
	}
	if len(res.Kept) != 2 {
		t.Errorf("kept aside %v, want the data file and the files folder", res.Kept)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".jianyan-restore-*")); len(left) > 0 {
		t.Errorf("staging left behind: %v", left)
	}

	// A plain copy of a data file restores the database alone.
	plain := filepath.Join(dir, "copy.db")
	if _, err := sqlite.BackupFile(t.Context(), aside, plain); err != nil {
		t.Fatal(err)
	}
	res, err = restoreBackup(t.Context(), plain, data, time.Date(2025, time.March, 13, 9, 0, 0, 0, feedback.Shanghai))
	if err != nil {
		t.Fatalf("restore a plain copy: %v", err)
	}
	// It says the files folder stayed, not 文件 0 个 as if they were gone.
	if msg := restoreMessage(plain, data, res); !strings.Contains(msg, "只恢复了数据文件,文件夹 jianyan-files 保持不变") || strings.Contains(msg, "文件 0 个") {
		t.Errorf("restore says %q", msg)
	}
	if got := symposiumTitles(t, data); !slices.Equal(got, []string{"恢复前的座谈会"}) {
		t.Errorf("after restoring a plain copy the data holds %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(diskfiles.Dir(data), "files", "ab", "evidence")); string(b) != "备份时的座谈会" {
		t.Errorf("restoring a plain copy changed the files folder: %q", b)
	}
}

// TestRestoreRefusesBadBackups checks that damaged, incomplete, foreign,
// unsafe and newer backups are refused before anything is moved.
func TestRestoreRefusesBadBackups(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src", "jianyan.db")
	if err := os.MkdirAll(filepath.Dir(src), 0o700); err != nil {
		t.Fatal(err)
	}
	seedData(t, src, "备份时的座谈会")
	good, _, err := writeBackup(t.Context(), src, filepath.Join(dir, "backups"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	entries := readArchive(t, good)
	edit := func(f func([]archiveEntry) []archiveEntry) []archiveEntry {
		cp := make([]archiveEntry, len(entries))
		for i, e := range entries {
			cp[i] = archiveEntry{e.name, slices.Clone(e.data)}
		}
		return f(cp)
	}
	newer := func(es []archiveEntry) []archiveEntry {
		var m manifest
		_ = json.Unmarshal(es[len(es)-1].data, &m)
		m.FormatVersion = backupFormatVersion + 1
		es[len(es)-1].data, _ = json.Marshal(m)
		return es
	}
	raw, _ := os.ReadFile(good)
	tests := []struct {
		name    string
		entries []archiveEntry
		bytes   []byte
		want    string
	}{
		{"no manifest (cut short)", edit(func(es []archiveEntry) []archiveEntry { return es[:len(es)-1] }), nil, "不完整"},
		{"database changed", edit(func(es []archiveEntry) []archiveEntry { es[0].data[len(es[0].data)-1] ^= 1; return es }), nil, "校验和不符"},
		{"a file missing", edit(func(es []archiveEntry) []archiveEntry { return slices.Delete(es, 1, 2) }), nil, "不完整"},
		{"path outside", edit(func(es []archiveEntry) []archiveEntry {
			return slices.Insert(es, 1, archiveEntry{"files/../../evil", []byte("x")})
		}), nil, "不安全"},
		{"newer format", edit(newer), nil, "更新版本"},
		{"truncated gzip", nil, raw[:len(raw)/2], "损坏"},
		{"not a backup", nil, []byte("会议记录:请于三月十二日前提交整改报告。"), "不是建言的备份"},
	}
	data := filepath.Join(dir, "live", "jianyan.db")
	if err := os.MkdirAll(filepath.Dir(data), 0o700); err != nil {
		t.Fatal(err)
	}
	seedData(t, data, "现在的座谈会")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(dir, "bad.tar.gz")
			if tt.entries != nil {
				writeArchive(t, bad, tt.entries)
			} else if err := os.WriteFile(bad, tt.bytes, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := restoreBackup(t.Context(), bad, data, time.Now())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("restore: err = %v, want one saying %q", err, tt.want)
			}
			if got := symposiumTitles(t, data); !slices.Equal(got, []string{"现在的座谈会"}) {
				t.Errorf("after a refused restore the data holds %v", got)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(data), "*before-restore*")); len(left) > 0 {
				t.Errorf("a refused restore moved %v aside", left)
			}
			if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
				t.Errorf("an unsafe path was written outside the staging folder")
			}
		})
	}
	// A --from that names no file is said in words, not the system's
	// "open …: no such file or directory".
	if _, err := restoreBackup(t.Context(), filepath.Join(dir, "jianyan-20250312-023000.tar.gz"), data, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "找不到备份文件") || strings.Contains(err.Error(), "no such file") {
		t.Errorf("restore from a missing file: %v", err)
	}
}

func TestPruneBackups(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		"jianyan-20250310-023000.tar.gz", "jianyan-20250311-023000.tar.gz", "jianyan-20250312-023000.tar.gz",
		"jianyan-20250312-023000-2.tar.gz", "jianyan-20250313-023000.tar.gz",
		"other-20250301-023000.tar.gz", "jianyan-notes.txt", "jianyan-20250301-023000.tar.gz.keep",
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := pruneBackups(dir, "/srv/jianyan.db", 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range removed {
		got = append(got, filepath.Base(r))
	}
	if want := []string{"jianyan-20250310-023000.tar.gz", "jianyan-20250311-023000.tar.gz"}; !slices.Equal(got, want) {
		t.Errorf("removed %v, want %v", got, want)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != len(names)-2 {
		t.Errorf("%d files left, want %d (other files untouched)", len(left), len(names)-2)
	}
	if d := latestBackupDay(dir, "jianyan.db"); d != "20250313" {
		t.Errorf("latest backup day = %q, want 20250313", d)
	}
}

func TestBackupSchedule(t *testing.T) {
	dir := t.TempDir()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, feedback.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct{ now, want string }{
		{"2025-03-12 01:00", "2025-03-12 02:30"},
		{"2025-03-12 02:30", "2025-03-13 02:30"},
		{"2025-03-12 23:59", "2025-03-13 02:30"},
	} {
		if got := nextBackup(at(tt.now)); !got.Equal(at(tt.want)) {
			t.Errorf("nextBackup(%s) = %s, want %s", tt.now, got.In(feedback.Shanghai), tt.want)
		}
	}
	if !backupDue(dir, "jianyan.db", at("2025-03-12 10:00")) {
		t.Errorf("an empty folder: backup not due")
	}
	if err := os.WriteFile(filepath.Join(dir, backupName("jianyan.db", at("2025-03-12 02:30"))), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if backupDue(dir, "jianyan.db", at("2025-03-12 10:00")) {
		t.Errorf("today's backup exists: backup due all the same")
	}
	if !backupDue(dir, "jianyan.db", at("2025-03-13 00:10")) {
		t.Errorf("yesterday's backup only: backup not due")
	}
}

func TestBackupFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		err  bool
	}{
		{[]string{"--backup-dir", "b"}, false},
		{[]string{"--backup-dir", "b", "--backup-keep", "0"}, true},
		{[]string{"--backup-dir", "b", "--dynamodb"}, true},
	} {
		if _, err := parseOptions(tt.args, func(string) string { return "" }); (err != nil) != tt.err {
			t.Errorf("parseOptions(%q): err = %v, want error %v", tt.args, err, tt.err)
		}
	}
	var out bytes.Buffer
	to := filepath.Join(t.TempDir(), "backups")
	if err := run(t.Context(), []string{"backup", "--data", filepath.Join(t.TempDir(), "missing.db"), "--to", to}, func(string) string { return "" }, &out); err == nil {
		t.Errorf("backup of a missing data file succeeded")
	} else if msg := err.Error(); !strings.Contains(msg, "找不到数据文件") || strings.Contains(msg, "no such file") {
		// Said in Chinese, naming what to fix, not the driver's words.
		t.Errorf("backup of a missing data file says %q", msg)
	}
	if _, err := os.Stat(to); err == nil {
		t.Errorf("a failed backup created the backup folder")
	}
	if err := run(t.Context(), []string{"backup"}, func(string) string { return "" }, &out); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Errorf("backup without --to: %v", err)
	}
}
