//go:build !linux

package main

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts a child in its own process group so that what it starts
// dies with it.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
