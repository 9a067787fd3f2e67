//go:build !linux

package main

import (
	"errors"
	"os/exec"
	"syscall"
)

// setProcAttr puts a child in its own process group so that what it starts
// dies with it.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// childRSS needs /proc: it reports an error elsewhere.
func childRSS(parent int, comm string) (peak, current uint64, err error) {
	return 0, 0, errors.New("peak memory is measured from /proc, which only Linux has")
}
