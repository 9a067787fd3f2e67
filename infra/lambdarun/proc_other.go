//go:build !linux

package lambdarun

import (
	"net"
	"os/exec"
	"time"
)

// setProcAttr does nothing here: aws-lambda-rie runs only on Linux, so the
// emulator tests skip (or fail when tools are required) before starting it.
func setProcAttr(*exec.Cmd) {}

// killGroup kills the emulator.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// listensOn reports whether every one of addrs accepts a connection. (On
// Linux it checks that process pid itself listens there; elsewhere the
// emulator does not run, and this only keeps the package building.)
func listensOn(_ int, addrs ...string) (bool, error) {
	for _, a := range addrs {
		c, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
		if err != nil {
			return false, nil
		}
		_ = c.Close()
	}
	return true, nil
}
