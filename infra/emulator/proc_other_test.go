//go:build !linux

package emulator_test

import "os/exec"

// setProcAttr does nothing here: aws-lambda-rie runs only on Linux, so the
// end-to-end test skips (or fails when tools are required) before using it.
func setProcAttr(*exec.Cmd) {}

// killGroup kills the emulator.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
