//go:build !linux

package emulator_test

import (
	"net"
	"os/exec"
	"time"
)

// setProcAttr does nothing here: aws-lambda-rie runs only on Linux, so the
// end-to-end test skips (or fails when tools are required) before using it.
func setProcAttr(*exec.Cmd) {}

// killGroup kills the emulator.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// listensOn reports whether every one of addrs accepts a connection. (On
// Linux it checks that process pid itself listens there; elsewhere the
// emulator does not run and the tests skip before starting it.)
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
