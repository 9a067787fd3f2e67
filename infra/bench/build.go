package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// lambdaFlags are the Makefile's LAMBDA_FLAGS, so what is measured is what
// `make build` and `sam build` ship.
var lambdaFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w -buildid="}

// goTool is the go command of the toolchain running the harness (go run
// puts it first), falling back to PATH.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}

// buildLambda builds the package pkg (e.g. ./functions/collect) as a static
// stripped Lambda bootstrap for linux/goarch into dir/<name>-<goarch>.
func buildLambda(root, pkg, name, goarch, dir string) (string, error) {
	out := filepath.Join(dir, name+"-"+goarch, "bootstrap")
	args := append([]string{"build"}, lambdaFlags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s for linux/%s: %w\n%s", pkg, goarch, err, b)
	}
	return out, nil
}

// buildLocal builds infra/local as `make build-local` does.
func buildLocal(root, dir string) (string, error) {
	out := filepath.Join(dir, "jianyan-local")
	cmd := exec.Command(goTool(), "build", "-trimpath", "-o", out, "./infra/local")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ./infra/local: %w\n%s", err, b)
	}
	return out, nil
}

// repoRoot is the module root above the working directory.
func repoRoot() (string, error) {
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
			return "", fmt.Errorf("run the harness inside the repository (no go.mod with functions/ above %s)", dir)
		}
		dir = parent
	}
}
