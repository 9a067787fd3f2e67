package lambdarun

import (
	"encoding/binary"
	"errors"
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
// it starts dies with it) and kills it if the program that started it dies
// first.
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
// socket on the port of every one of addrs: the kernel's table of listening
// sockets gives the inode of each, and the process's descriptors
// (/proc/PID/fd) say which of them are its own. A connection that merely
// succeeds could reach whoever else took the port.
//
// The table comes from the kernel's socket diagnostics (netlink
// sock_diag), asked for listening sockets only: a handful, read in
// microseconds. /proc/PID/net/tcp, the fallback, lists every TCP socket of
// the machine's network namespace (thousands where other tests run: 5 ms
// a read), too slow to poll while a cold start is being timed. Neither is
// read until the process holds as many sockets as there are ports.
func listensOn(pid int, addrs ...string) (bool, error) {
	want := map[uint16]bool{}
	for _, a := range addrs {
		_, p, err := net.SplitHostPort(a)
		if err != nil {
			return false, err
		}
		port, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return false, err
		}
		want[uint16(port)] = true
	}
	held, err := socketInodes(pid)
	if err != nil || len(held) < len(want) {
		return false, nil // not yet, or the process is gone: the caller sees it exit
	}
	listening, err := listeningSockets()
	if err != nil {
		if listening, err = listeningSocketsInProc(pid); err != nil {
			return false, nil
		}
	}
	got := map[uint16]bool{}
	for inode := range held {
		if port, ok := listening[inode]; ok && want[port] {
			got[port] = true
		}
	}
	return len(got) == len(want), nil
}

// socketInodes returns the inodes of the sockets process pid holds.
func socketInodes(pid int) (map[uint64]bool, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	held := map[uint64]bool{}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join(dir, fd.Name()))
		if err != nil {
			continue
		}
		if s, ok := strings.CutPrefix(target, "socket:["); ok {
			if inode, err := strconv.ParseUint(strings.TrimSuffix(s, "]"), 10, 64); err == nil {
				held[inode] = true
			}
		}
	}
	return held, nil
}

// listeningSockets returns the listening IPv4 TCP sockets of this network
// namespace (inode → port) from netlink sock_diag: one
// SOCK_DIAG_BY_FAMILY dump request (struct inet_diag_req_v2) for the
// TCP_LISTEN state, answered with one struct inet_diag_msg per socket.
func listeningSockets() (map[uint64]uint16, error) {
	const (
		netlinkInetDiag  = 4  // NETLINK_INET_DIAG, alias NETLINK_SOCK_DIAG
		sockDiagByFamily = 20 // SOCK_DIAG_BY_FAMILY
		tcpListen        = 10 // TCP_LISTEN
		reqLen           = syscall.NLMSG_HDRLEN + 56
	)
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, netlinkInetDiag)
	if err != nil {
		return nil, fmt.Errorf("sock_diag socket: %w", err)
	}
	defer syscall.Close(fd)
	req := make([]byte, reqLen)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], reqLen)
	ne.PutUint16(req[4:], sockDiagByFamily)
	ne.PutUint16(req[6:], syscall.NLM_F_REQUEST|syscall.NLM_F_DUMP)
	ne.PutUint32(req[8:], 1) // sequence number
	r := req[syscall.NLMSG_HDRLEN:]
	r[0], r[1] = syscall.AF_INET, syscall.IPPROTO_TCP
	ne.PutUint32(r[4:], 1<<tcpListen) // states
	if err := syscall.Sendto(fd, req, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag request: %w", err)
	}
	out := map[uint64]uint16{}
	buf := make([]byte, 64<<10)
	for {
		n, _, err := syscall.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, fmt.Errorf("sock_diag answer: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return nil, fmt.Errorf("sock_diag answer: %w", err)
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case syscall.NLMSG_DONE:
				return out, nil
			case syscall.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if errno := int32(ne.Uint32(m.Data)); errno != 0 {
						return nil, fmt.Errorf("sock_diag: %w", syscall.Errno(-errno))
					}
				}
				return nil, errors.New("sock_diag: error answer")
			}
			// struct inet_diag_msg: family, state, timer, retrans (1 byte
			// each); inet_diag_sockid (48 bytes, its source port first,
			// big-endian); expires, rqueue, wqueue, uid, inode (4 each).
			if len(m.Data) < 72 {
				return nil, fmt.Errorf("sock_diag: a %d-byte socket entry", len(m.Data))
			}
			out[uint64(ne.Uint32(m.Data[68:]))] = binary.BigEndian.Uint16(m.Data[4:])
		}
	}
}

// listeningSocketsInProc is listeningSockets read from /proc/PID/net/tcp,
// where the kernel refuses netlink sock_diag.
func listeningSocketsInProc(pid int) (map[uint64]uint16, error) {
	table, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return nil, err
	}
	out := map[uint64]uint16{}
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
		if err != nil {
			continue
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			continue
		}
		out[inode] = uint16(port)
	}
	return out, nil
}
