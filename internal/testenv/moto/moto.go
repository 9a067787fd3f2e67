// Package moto finds or starts the one moto server a test binary uses for
// the AWS services it tests on loopback (DynamoDB with its streams, S3).
//
// A service's endpoint comes from its AWS_ENDPOINT_URL_<SERVICE> variable
// (CI points them at the server it started). When that is unset and
// moto_server is on PATH, one server per test binary is started on a free
// loopback port, through motoserial.py, which handles one request at a
// time: moto's threaded server interleaves concurrent conditional writes,
// which DynamoDB applies atomically (CI starts its server the same way).
// The server dies with the test binary on Linux; Stop ends it sooner.
// Packages dynamotest and s3test build on it.
package moto

import (
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

var (
	once    sync.Once
	started string // the started server's endpoint
	failure error
	server  *exec.Cmd
)

// Endpoint returns the endpoint of service: envVar's value when set (and
// reachable), else the server this binary starts. The error says why
// there is none.
func Endpoint(envVar string) (string, error) {
	if ep := os.Getenv(envVar); ep != "" {
		if err := WaitReachable(ep, 5*time.Second); err != nil {
			return "", fmt.Errorf("%s=%s is not reachable: %w", envVar, ep, err)
		}
		return ep, nil
	}
	once.Do(func() { started, failure = start() })
	if failure != nil {
		return "", fmt.Errorf("%s is unset and %w", envVar, failure)
	}
	return started, nil
}

// motoSerial is moto_server handling one request at a time.
//
//go:embed motoserial.py
var motoSerial string

// start runs moto_server (motoserial.py) on a free loopback port. The
// process is started from a goroutine locked to its OS thread for good,
// because on Linux the parent-death signal fires when the starting thread
// exits.
func start() (string, error) {
	if _, err := exec.LookPath("moto_server"); err != nil {
		return "", fmt.Errorf("moto_server is not on PATH (pip install \"moto[server]\")")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return "", fmt.Errorf("python3, which runs moto_server one request at a time, is not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	ep := fmt.Sprintf("http://127.0.0.1:%d", port)

	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		cmd := exec.Command(python, "-c", motoSerial, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		cmd.SysProcAttr = sysProcAttr()
		if err := cmd.Start(); err != nil {
			done <- err
			return
		}
		server = cmd
		done <- nil
		_ = cmd.Wait()
		select {} // keep the thread
	}()
	if err := <-done; err != nil {
		return "", fmt.Errorf("start moto_server: %w", err)
	}
	if err := WaitReachable(ep, 30*time.Second); err != nil {
		Stop()
		return "", fmt.Errorf("moto_server on %s: %w", ep, err)
	}
	return ep, nil
}

// WaitReachable waits until ep answers HTTP, for at most within.
func WaitReachable(ep string, within time.Duration) error {
	u, err := url.Parse(ep)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err == nil {
			_ = c.Close()
			// moto answers HTTP once it is listening; make sure it does.
			resp, err := http.Get(ep)
			if err == nil {
				_ = resp.Body.Close()
				return nil
			}
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop kills the server this binary started, if any.
func Stop() {
	if server != nil && server.Process != nil {
		killGroup(server)
	}
}
