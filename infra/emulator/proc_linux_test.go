package emulator_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// setProcAttr puts the emulator in its own process group (so the bootstrap
// it starts dies with it) and kills it if the test binary dies first.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the emulator and the bootstrap it started.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Process.Kill()
	}
}

// listensOn reports whether process pid itself holds a listening TCP
// socket on the port of every one of addrs: the kernel's socket table
// (/proc/PID/net/tcp) gives the inode of each listening socket, and the
// process's descriptors (/proc/PID/fd) say which of them are its own. A
// connection that merely succeeds could reach whoever else took the port.
func listensOn(pid int, addrs ...string) (bool, error) {
	want := map[uint64]bool{}
	for _, a := range addrs {
		_, p, err := net.SplitHostPort(a)
		if err != nil {
			return false, err
		}
		port, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return false, err
		}
		want[port] = true
	}
	table, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return false, nil // the process is gone or not started yet: the caller sees it exit
	}
	inodes := map[string]uint64{} // socket inode → port it listens on
	for _, line := range strings.Split(string(table), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" { // 0A: TCP_LISTEN
			continue
		}
		_, hexPort, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil || !want[port] {
			continue
		}
		inodes[f[9]] = port
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return false, nil
	}
	held := map[uint64]bool{}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(fmt.Sprintf("/proc/%d/fd", pid), fd.Name()))
		if err != nil {
			continue
		}
		if inode, ok := strings.CutPrefix(target, "socket:["); ok {
			if port, ok := inodes[strings.TrimSuffix(inode, "]")]; ok {
				held[port] = true
			}
		}
	}
	return len(held) == len(want), nil
}
