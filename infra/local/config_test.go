package main

import (
	"bytes"
	"database/sql"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/sqlite"
)

// unwritableDir returns an existing folder this process cannot create
// files in: a folder without write permission, or, for root (whom
// permissions do not stop), a folder of sysfs, which no one can create
// files in.
func unwritableDir(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		return "/sys/kernel"
	}
	if runtime.GOOS == "windows" {
		t.Skip("folder permissions are ACLs on Windows")
	}
	dir := filepath.Join(t.TempDir(), "readonly")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	return dir
}

// TestStartupChecksOfTheDataFolder starts the local stack with data
// folders it cannot use and checks that it stops at once with a message
// naming the folder and what to do, creating nothing.
func TestStartupChecksOfTheDataFolder(t *testing.T) {
	tmp := t.TempDir()
	plain := filepath.Join(tmp, "notes.txt")
	if err := os.WriteFile(plain, []byte("会议记录"), 0o600); err != nil {
		t.Fatal(err)
	}
	ro := unwritableDir(t)
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"missing folder", []string{"--data", filepath.Join(tmp, "missing", "jianyan.db")}, []string{"数据目录", "不存在", "--data"}},
		{"folder is a file", []string{"--data", filepath.Join(plain, "jianyan.db")}, []string{"不是目录"}},
		{"data is a folder", []string{"--data", tmp}, []string{"是一个目录"}},
		{"unwritable folder", []string{"--data", filepath.Join(ro, "jianyan.db")}, []string{"数据目录", "不可写"}},
		{"unwritable backup folder", []string{"--data", filepath.Join(tmp, "jianyan.db"), "--backup-dir", filepath.Join(ro, "backups")}, []string{"备份目录", "--backup-dir"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), append([]string{"--addr", "127.0.0.1:0"}, tt.args...), func(string) string { return "" }, &out)
			if err == nil {
				t.Fatalf("started; want a configuration error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(out.String(), "serving on") {
				t.Errorf("it served: %s", out.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join(tmp, "missing")); err == nil {
		t.Errorf("a missing data folder was created")
	}
}

// TestStartupChecksOfDynamoDB starts the local stack on DynamoDB with an
// endpoint nothing listens on and with a bad region.
func TestStartupChecksOfDynamoDB(t *testing.T) {
	ln := closedPort(t)
	for _, tt := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"unreachable endpoint", map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": ln, "AWS_REGION": "us-east-1"}, []string{"连不上", ln}},
		{"bad region", map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": ln, "AWS_REGION": "beijing"}, []string{"AWS_REGION", "beijing"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			t.Setenv("AWS_ACCESS_KEY_ID", "test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
			o := options{data: filepath.Join(t.TempDir(), "jianyan.db"), useDynamoDB: true, table: "jianyan-config-check"}
			_, err := openBackend(t.Context(), o, slog.New(slog.DiscardHandler))
			if err == nil {
				t.Fatal("opened; want a configuration error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// closedPort is a loopback URL nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestStartupChecksOfConsoleSignIn: a half-set sign-in for the console
// stops the start with a message naming what is missing, creating no data
// file.
func TestStartupChecksOfConsoleSignIn(t *testing.T) {
	data := filepath.Join(t.TempDir(), "jianyan.db")
	env := map[string]string{"OIDC_AUTHORIZE_URL": "https://sso.example.gov.cn/auth", "OIDC_CLIENT_ID": "jianyan-console"}
	var out bytes.Buffer
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--data", data}, func(k string) string { return env[k] }, &out)
	if err == nil || !strings.Contains(err.Error(), "配置错误") || !strings.Contains(err.Error(), "OIDC_TOKEN_URL") {
		t.Fatalf("started or said %v; want a configuration error naming OIDC_TOKEN_URL", err)
	}
	if _, err := os.Stat(data); err == nil {
		t.Errorf("the data file was created")
	}
}

// TestStartupRefusesANewerDataFile starts the local stack on a data file
// written by a newer release (a higher schema version): it must stop at
// once saying so, serve nothing, and leave the file byte for byte as it
// was, with no upgrade copy beside it.
func TestStartupRefusesANewerDataFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "jianyan.db")
	seedData(t, data, "新版本写入的座谈会")
	db, err := sql.Open("sqlite", "file:"+data)
	if err != nil {
		t.Fatal(err)
	}
	newer := sqlite.SchemaVersion + 1
	for _, q := range []string{"PRAGMA user_version = " + strconv.Itoa(newer), "PRAGMA journal_mode = DELETE"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = run(t.Context(), []string{"--addr", "127.0.0.1:0", "--data", data}, func(string) string { return "" }, &out)
	if err == nil {
		t.Fatalf("started on a version-%d file; want a refusal", newer)
	}
	for _, w := range []string{"更新版本", strconv.Itoa(newer)} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if strings.Contains(out.String(), "serving on") {
		t.Errorf("it served: %s", out.String())
	}
	after, err := os.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("the newer file changed when it was refused")
	}
	matches, _ := filepath.Glob(data + ".upgrade-from-*")
	if len(matches) > 0 {
		t.Errorf("an upgrade copy was made of a newer file: %q", matches)
	}
}
