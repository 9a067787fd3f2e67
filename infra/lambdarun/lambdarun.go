// Package lambdarun runs a Lambda bootstrap (as package lambdabuild builds
// it) under aws-lambda-rie, the Runtime Interface Emulator, on loopback
// ports, for the emulator tests and the benchmark harness alike, so that
// both agree on when an emulator is ready.
//
// A port found free can be taken by another process before the emulator
// binds it (another listener, or the local end of any outgoing connection:
// both come from the same ephemeral range). The emulator then exits at once
// with "address already in use"; and since it binds its two ports from two
// goroutines, its invoke endpoint may accept for a moment before the Runtime
// API's failure ends it. So ready means that this very process holds a
// listening socket on both ports, as the kernel tells on Linux (a
// connection that merely succeeds could reach whoever took the port), and
// an emulator that exits on a taken port is started again on new ports.
package lambdarun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Attempts is how many emulators Start starts, each on new ports, before it
// gives up on ports that keep being taken.
const Attempts = 5

// ReadyTimeout is how long one emulator gets to listen on both its ports.
const ReadyTimeout = 30 * time.Second

// poll is how often Start looks for the emulator's listening sockets. The
// wait is part of a cold start as the benchmark harness times it (from
// starting the process to the first answer), so it is short; one look costs
// about 0.1 ms (see listensOn).
const poll = 500 * time.Microsecond

// Options are what an emulator runs with besides its bootstrap.
type Options struct {
	// Env is the whole environment of the emulator and of the bootstrap it
	// starts.
	Env []string
	// Dir is their working directory; empty means the caller's.
	Dir string
	// Stdout receives the emulator's standard output (the function's own
	// logs). Nil keeps it in Output with the emulator's standard error.
	Stdout io.Writer
	// Ports returns the invoke endpoint's and the Runtime API's addresses
	// for each attempt. Nil picks two free loopback ports each time.
	Ports func() (addr, apiAddr string, err error)
}

// Emulator is one aws-lambda-rie process that listens on both its ports.
type Emulator struct {
	// URL is the invoke endpoint, where a POST is an Invoke of the function.
	URL string
	// Addr and APIAddr are the invoke endpoint's and the Runtime API's
	// addresses.
	Addr, APIAddr string
	// Started is when this process was started (not an earlier attempt's
	// that found its port taken).
	Started time.Time

	cmd    *exec.Cmd
	exited chan struct{}
	out    *lockedBuffer
	stop   sync.Once
}

// Start runs bootstrap under the emulator at path rie and returns once the
// emulator itself listens on both its ports, starting it again on new ports
// (up to Attempts times) when one was taken. The function initialises on the
// first invocation, as on Lambda. The caller stops the emulator with Stop.
func Start(ctx context.Context, rie, bootstrap string, o Options) (*Emulator, error) {
	ports := o.Ports
	if ports == nil {
		ports = FreeAddrs
	}
	var err error
	for range Attempts {
		var addr, apiAddr string
		if addr, apiAddr, err = ports(); err != nil {
			return nil, err
		}
		var e *Emulator
		if e, err = start(ctx, rie, bootstrap, o, addr, apiAddr); err == nil {
			return e, nil
		}
		if !errors.Is(err, errPortTaken) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("aws-lambda-rie did not start in %d attempts: %w", Attempts, err)
}

// errPortTaken marks an emulator that exited because a port was taken.
var errPortTaken = errors.New("a port was taken before the emulator bound it")

// start starts one emulator on addr and apiAddr and waits until it listens
// on both.
func start(ctx context.Context, rie, bootstrap string, o Options, addr, apiAddr string) (*Emulator, error) {
	out := &lockedBuffer{}
	cmd := exec.Command(rie,
		"--log-level", "error",
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", apiAddr,
		bootstrap)
	cmd.Dir, cmd.Env = o.Dir, o.Env
	cmd.Stdout, cmd.Stderr = out, out
	if o.Stdout != nil {
		cmd.Stdout = o.Stdout
	}
	setProcAttr(cmd)
	e := &Emulator{URL: "http://" + addr + "/2015-03-31/functions/function/invocations",
		Addr: addr, APIAddr: apiAddr, cmd: cmd, exited: make(chan struct{}), out: out}
	e.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	go func() {
		_ = cmd.Wait()
		close(e.exited)
	}()
	deadline := time.Now().Add(ReadyTimeout)
	for {
		select {
		case <-e.exited:
			log := out.String()
			if strings.Contains(log, "address already in use") {
				return nil, fmt.Errorf("%w (%s, %s): %s", errPortTaken, addr, apiAddr, tail(log))
			}
			return nil, fmt.Errorf("aws-lambda-rie exited before it listened on %s and %s: %s", addr, apiAddr, tail(log))
		case <-ctx.Done():
			e.Stop()
			return nil, fmt.Errorf("wait for aws-lambda-rie to listen: %w", ctx.Err())
		default:
		}
		ready, err := listensOn(cmd.Process.Pid, addr, apiAddr)
		if err != nil {
			e.Stop()
			return nil, fmt.Errorf("wait for aws-lambda-rie to listen: %w", err)
		}
		if ready {
			return e, nil
		}
		if time.Now().After(deadline) {
			e.Stop()
			return nil, fmt.Errorf("aws-lambda-rie did not listen on %s and %s within %s: %s", addr, apiAddr, ReadyTimeout, tail(out.String()))
		}
		time.Sleep(poll)
	}
}

// Pid is the emulator process's ID (the bootstrap is its child).
func (e *Emulator) Pid() int { return e.cmd.Process.Pid }

// Output is what the emulator (and, without Options.Stdout, the function)
// has written so far.
func (e *Emulator) Output() string { return e.out.String() }

// Stop kills the emulator and the bootstrap it started, and waits for the
// emulator to exit. It may be called more than once.
func (e *Emulator) Stop() {
	if e == nil {
		return
	}
	e.stop.Do(func() { killGroup(e.cmd) })
	<-e.exited
}

// FreeAddrs returns two different loopback addresses whose ports nobody
// listens on right now (which another process may change at any moment;
// Start copes).
func FreeAddrs() (addr, apiAddr string, err error) {
	if addr, err = freeAddr(); err != nil {
		return "", "", err
	}
	for apiAddr == "" || apiAddr == addr {
		if apiAddr, err = freeAddr(); err != nil {
			return "", "", err
		}
	}
	return addr, apiAddr, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tail is the end of an emulator's output, short enough for an error
// message.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}

// lockedBuffer collects a process's output while others read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
