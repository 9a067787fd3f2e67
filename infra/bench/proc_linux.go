//go:build linux

package main

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts a child in its own process group (so what it starts dies
// with it) and kills it if the harness dies first.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
