package main

import (
	"fmt"
	"os/exec"
	"path/filepath"

	"github.com/jianyan/jianyan/infra/lambdabuild"
)

// buildLambda builds the package pkg (e.g. ./functions/collect) as a static
// stripped Lambda bootstrap for linux/goarch into dir/<name>-<goarch>.
func buildLambda(root, pkg, name, goarch, dir string) (string, error) {
	out := filepath.Join(dir, name+"-"+goarch, "bootstrap")
	if err := lambdabuild.Build(root, pkg, "linux", goarch, out); err != nil {
		return "", err
	}
	return out, nil
}

// buildLocal builds infra/local as `make build-local` does.
func buildLocal(root, dir string) (string, error) {
	out := filepath.Join(dir, "jianyan-local")
	cmd := exec.Command(lambdabuild.GoTool(), "build", "-trimpath", "-o", out, "./infra/local")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ./infra/local: %w\n%s", err, b)
	}
	return out, nil
}

// buildFloor builds the local-submission baseline (baseline/floor) the same way.
func buildFloor(root, dir string) (string, error) {
	out := filepath.Join(dir, "floor")
	cmd := exec.Command(lambdabuild.GoTool(), "build", "-trimpath", "-o", out, "./infra/bench/baseline/floor")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ./infra/bench/baseline/floor: %w\n%s", err, b)
	}
	return out, nil
}

// repoRoot is the module root above the working directory.
func repoRoot() (string, error) {
	root, err := lambdabuild.RepoRoot()
	if err != nil {
		return "", fmt.Errorf("run the harness inside the repository: %w", err)
	}
	return root, nil
}
