//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// setProcAttr puts a child in its own process group (so what it starts dies
// with it) and kills it if the harness dies first.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// childRSS returns the peak and current resident set size, in bytes, of
// the child of parent whose command name is comm (the bootstrap an
// aws-lambda-rie process started), from /proc.
func childRSS(parent int, comm string) (peak, current uint64, err error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		var name string
		var ppid int
		var hwm, rss uint64
		for _, l := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(l, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "Name":
				name = v
			case "PPid":
				ppid, _ = strconv.Atoi(v)
			case "VmHWM", "VmRSS":
				kb, _ := strconv.ParseUint(strings.TrimSuffix(v, " kB"), 10, 64)
				if k == "VmHWM" {
					hwm = kb << 10
				} else {
					rss = kb << 10
				}
			}
		}
		if ppid == parent && name == comm {
			return hwm, rss, nil
		}
	}
	return 0, 0, fmt.Errorf("no process %s under pid %d", comm, parent)
}
