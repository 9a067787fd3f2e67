package lambdarun

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestListensOnOnlyItsOwnSockets: a port counts as the process's only when
// the process itself holds the listening socket; another process's listener
// on the port (which a connection cannot tell apart) does not count.
func TestListensOnOnlyItsOwnSockets(t *testing.T) {
	own, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	other := exec.Command(os.Args[0])
	other.Env = append(os.Environ(), "LAMBDARUN_LISTEN=1")
	stdin, err := other.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := other.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close() // the other process exits when its input ends
		_ = other.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the other process's address: %v", err)
	}
	otherAddr := strings.TrimSpace(line)
	me, them := os.Getpid(), other.Process.Pid

	for _, tc := range []struct {
		name  string
		pid   int
		addrs []string
		want  bool
	}{
		{"its own listener", me, []string{own.Addr().String()}, true},
		{"another process's listener", me, []string{otherAddr}, false},
		{"the other process's own", them, []string{otherAddr}, true},
		{"one of two ports", them, []string{otherAddr, own.Addr().String()}, false},
		{"a port nobody listens on", me, []string{freeAddrOrFail(t)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := listensOn(tc.pid, tc.addrs...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("listensOn(%d, %v) = %v, want %v", tc.pid, tc.addrs, got, tc.want)
			}
		})
	}
}

// TestListeningSocketsMatchProc: sock_diag's table of listening sockets and
// /proc's (the fallback) agree on a listener's socket, and sock_diag lists
// no socket that is not listening.
func TestListeningSocketsMatchProc(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String()) // a connected socket, not listening
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	port := uint16(l.Addr().(*net.TCPAddr).Port)
	diag, err := listeningSockets()
	if err != nil {
		t.Fatalf("sock_diag: %v", err)
	}
	proc, err := listeningSocketsInProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	find := func(table map[uint64]uint16, port uint16) []uint64 {
		var inodes []uint64
		for inode, p := range table {
			if p == port {
				inodes = append(inodes, inode)
			}
		}
		return inodes
	}
	if got, want := find(diag, port), find(proc, port); len(got) != 1 || len(want) != 1 || got[0] != want[0] {
		t.Errorf("the listener on port %d: sock_diag says inodes %v, /proc %v; want one, the same", port, got, want)
	}
	local := uint16(c.LocalAddr().(*net.TCPAddr).Port)
	if got := find(diag, local); len(got) != 0 {
		t.Errorf("sock_diag lists the connected socket on port %d (inodes %v) as listening", local, got)
	}
}

func freeAddrOrFail(tb testing.TB) string {
	tb.Helper()
	a, err := freeAddr()
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// TestMain is also the other process of TestListensOnOnlyItsOwnSockets:
// with LAMBDARUN_LISTEN=1 it listens on a loopback port, prints its
// address, and holds it until its input ends.
func TestMain(m *testing.M) {
	if os.Getenv("LAMBDARUN_LISTEN") == "1" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			os.Exit(1)
		}
		os.Stdout.WriteString(l.Addr().String() + "\n")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		os.Exit(0)
	}
	os.Exit(m.Run())
}
