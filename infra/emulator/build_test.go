package emulator_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jianyan/jianyan/infra/lambdabuild"
)

// maxBinaryBytes is docs/design.md's budget for a stripped arm64 bootstrap:
// 12 MB, read strictly as 12,000,000 bytes.
const maxBinaryBytes = 12_000_000

// functions are the Lambdas of template.yaml.
var functions = []struct{ name string }{{"collect"}, {"staff"}, {"documents"}, {"route"}, {"summarize"}, {"check"}, {"console"}}

// repoRoot is the module root (the directory holding go.mod).
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := lambdabuild.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// buildMu keeps builds one at a time: the machines running these tests
// have few cores, and go build is parallel inside already.
var buildMu sync.Mutex

// buildBootstrap builds functions/<name> for goos/goarch into dir/bootstrap
// with the Makefile's flags and CGO off, and returns the binary's path.
func buildBootstrap(tb testing.TB, root, name, goos, goarch, dir string) string {
	tb.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(dir, "bootstrap")
	if err := lambdabuild.Build(root, "./functions/"+name, goos, goarch, out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestLambdaBinaries builds every function as `sam build` does (linux,
// arm64, stripped) and checks the size budget, that no SQLite driver is
// linked (Lambda binaries use DynamoDB only) and that the public collect
// function does not link the spreadsheet library (excelize).
func TestLambdaBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every function for arm64; skipped with -short")
	}
	root := repoRoot(t)
	for _, fn := range functions {
		t.Run(fn.name, func(t *testing.T) {
			bin := buildBootstrap(t, root, fn.name, "linux", "arm64", t.TempDir())
			st, err := os.Stat(bin)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d bytes (%.2f MB) stripped linux/arm64", fn.name, st.Size(), float64(st.Size())/1e6)
			if got := st.Size(); got > maxBinaryBytes {
				t.Errorf("%s bootstrap is %d bytes, want <= %d", fn.name, got, maxBinaryBytes)
			}

			cmd := exec.Command(lambdabuild.GoTool(), "version", "-m", bin)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("go version -m %s: %v\n%s", bin, err, out.String())
			}
			for _, forbidden := range []string{"modernc.org/sqlite", "github.com/mattn/go-sqlite3"} {
				if strings.Contains(out.String(), forbidden) {
					t.Errorf("%s links %s; Lambda binaries must not link SQLite (go version -m):\n%s", fn.name, forbidden, grepLines(out.String(), "sqlite"))
				}
			}
			// The public form's function must not link the spreadsheet
			// library: it reaches the HTTP package only through the
			// Spreadsheets interface the staff binaries wire in.
			if fn.name == "collect" && strings.Contains(out.String(), "github.com/xuri/excelize") {
				t.Errorf("collect links excelize; only staff binaries may (go version -m):\n%s", grepLines(out.String(), "excelize"))
			}
			// The console function serves files: no AWS SDK, no store.
			if fn.name == "console" && strings.Contains(out.String(), "github.com/aws/aws-sdk-go-v2") {
				t.Errorf("console links the AWS SDK (go version -m):\n%s", grepLines(out.String(), "aws-sdk-go-v2"))
			}
			if !strings.Contains(out.String(), "build\t-tags=lambda.norpc") {
				t.Errorf("%s was not built with -tags lambda.norpc:\n%s", fn.name, grepLines(out.String(), "build\t"))
			}
		})
	}
}

func grepLines(s, substr string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			fmt.Fprintln(&b, l)
		}
	}
	return b.String()
}
