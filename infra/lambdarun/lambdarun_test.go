package lambdarun

import (
	"errors"
	"net"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/jianyan/jianyan/internal/testenv"
)

// findRIE returns aws-lambda-rie from PATH. The emulator binds its ports
// before it looks at the bootstrap (it starts that on the first
// invocation), so these tests need no function built.
func findRIE(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS != "linux" {
		testenv.Missing(tb, "aws-lambda-rie runs only on Linux")
	}
	return testenv.LookPath(tb, "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest", "aws-lambda-rie")
}

// takenPort is a port another process took after it was found free: a
// listener that counts who connects to it.
func takenPort(tb testing.TB) (addr string, reached *atomic.Int32) {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	reached = &atomic.Int32{}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			c.Close()
		}
	}()
	return l.Addr().String(), reached
}

// TestStartAgainWhenAPortIsTaken gives the first emulator a taken port, the
// invoke endpoint's and then the Runtime API's. Start must see that emulator
// exit, start a second one on new ports and return it listening on both,
// without taking the other process's listener for the emulator.
func TestStartAgainWhenAPortIsTaken(t *testing.T) {
	rie := findRIE(t)
	for _, taken := range []string{"invoke endpoint", "runtime API"} {
		t.Run(taken, func(t *testing.T) {
			other, reached := takenPort(t)
			starts := 0
			emu, err := Start(t.Context(), rie, "/nonexistent/bootstrap", Options{Ports: func() (string, string, error) {
				starts++
				addr, apiAddr, err := FreeAddrs()
				if err != nil || starts > 1 {
					return addr, apiAddr, err
				}
				if taken == "invoke endpoint" {
					return other, apiAddr, nil
				}
				return addr, other, nil
			}})
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			defer emu.Stop()
			if starts != 2 {
				t.Errorf("the emulator was started %d times, want 2 (the first on the taken port)", starts)
			}
			if emu.Addr == other || emu.APIAddr == other {
				t.Errorf("the emulator returned has %s and %s: the taken port %s is among them", emu.Addr, emu.APIAddr, other)
			}
			if ok, err := listensOn(emu.Pid(), emu.Addr, emu.APIAddr); !ok || err != nil {
				t.Errorf("the emulator returned does not listen on %s and %s (%v)", emu.Addr, emu.APIAddr, err)
			}
			if n := reached.Load(); n != 0 {
				t.Errorf("the process holding the %s was connected to %d times: it was taken for the emulator", taken, n)
			}
		})
	}
}

// TestStartGivesUpOnPortsThatStayTaken: when every attempt's port is taken,
// Start stops after Attempts emulators and says why.
func TestStartGivesUpOnPortsThatStayTaken(t *testing.T) {
	rie := findRIE(t)
	other, _ := takenPort(t)
	starts := 0
	emu, err := Start(t.Context(), rie, "/nonexistent/bootstrap", Options{Ports: func() (string, string, error) {
		starts++
		_, apiAddr, err := FreeAddrs()
		return other, apiAddr, err
	}})
	if err == nil {
		emu.Stop()
		t.Fatalf("Start returned an emulator on %s, which another process holds", emu.Addr)
	}
	if !errors.Is(err, errPortTaken) {
		t.Errorf("Start: %v, want an error saying a port was taken", err)
	}
	if starts != Attempts {
		t.Errorf("the emulator was started %d times, want %d", starts, Attempts)
	}
}
