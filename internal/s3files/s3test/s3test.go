// Package s3test finds or starts an S3-compatible server (moto_server) for
// tests and makes throwaway buckets on it.
//
// The endpoint comes from AWS_ENDPOINT_URL_S3 (CI points it at its
// moto_server). When that is unset and moto_server is on PATH, one is
// started per test binary on a free loopback port and dies with it. When
// no server can be had, tests skip, unless JIANYAN_REQUIRE_TOOLS=1, when
// they fail (package testenv).
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/jianyan/jianyan/internal/testenv"
)

// Region is the region test buckets live in.
const Region = "us-east-1"

// Credentials are the dummy credentials moto accepts.
var Credentials aws.CredentialsProvider = credentials.NewStaticCredentialsProvider("test", "test", "")

var (
	once     sync.Once
	endpoint string
	failure  string
)

// Endpoint returns the URL of a reachable S3-compatible server, or skips tb
// (fails it when testenv.Required).
func Endpoint(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { endpoint, failure = find() })
	if endpoint == "" {
		testenv.Missing(tb, "s3test: no S3 endpoint: %s", failure)
	}
	return endpoint
}

func find() (string, string) {
	if ep := os.Getenv("AWS_ENDPOINT_URL_S3"); ep != "" {
		if err := waitReachable(ep, 5*time.Second); err != nil {
			return "", fmt.Sprintf("AWS_ENDPOINT_URL_S3=%s is not reachable: %v", ep, err)
		}
		return ep, ""
	}
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return "", "AWS_ENDPOINT_URL_S3 is unset and moto_server is not on PATH (pip install \"moto[server]\")"
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err.Error()
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	ep := fmt.Sprintf("http://127.0.0.1:%d", port)
	started := make(chan error, 1)
	go func() {
		// Locked for good: on Linux the parent-death signal fires when the
		// starting thread exits.
		runtime.LockOSThread()
		cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		cmd.SysProcAttr = sysProcAttr()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		select {}
	}()
	if err := <-started; err != nil {
		return "", "start moto_server: " + err.Error()
	}
	if err := waitReachable(ep, 30*time.Second); err != nil {
		return "", fmt.Sprintf("moto_server on %s: %v", ep, err)
	}
	return ep, ""
}

func waitReachable(ep string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(ep)
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// CreateBucket makes a uniquely named bucket on endpoint and returns its
// name. moto keeps it in memory; nothing needs cleaning up.
func CreateBucket(tb testing.TB, endpoint string) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "jianyan-test-" + hex.EncodeToString(b[:])
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, strings.TrimSuffix(endpoint, "/")+"/"+name, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req) // moto creates buckets without a signature
	if err != nil {
		tb.Fatalf("s3test: create bucket: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("s3test: create bucket %s: %s", name, resp.Status)
	}
	return name
}
