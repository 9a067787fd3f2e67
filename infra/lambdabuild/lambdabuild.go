// Package lambdabuild builds the Lambda bootstraps the way the Makefile's
// pattern rule does (static, stripped, -tags lambda.norpc), so that what the
// emulator tests and the benchmark harness run is what `make build` and
// `sam build` ship.
package lambdabuild

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Flags are the Makefile's LAMBDA_FLAGS.
var Flags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w -buildid="}

// GoTool is the go command to build with: the one on PATH (go test and go
// run put their own first), else GOROOT's.
func GoTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}

// Build builds package pkg (e.g. ./functions/collect, relative to the
// module root root) for goos/goarch with CGO off into out.
func Build(root, pkg, goos, goarch, out string) error {
	args := append([]string{"build"}, Flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.Command(GoTool(), args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s for %s/%s: %w\n%s", pkg, goos, goarch, err, b)
	}
	return nil
}

// RepoRoot is the module root at or above the working directory: the
// directory with go.mod and functions/.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "functions")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod with functions/ at or above the working directory")
		}
		dir = parent
	}
}
