// Package dynamotest finds or starts a DynamoDB-compatible server for tests
// and creates throwaway tables on it from template.yaml's definition.
//
// The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB. When that is unset and
// moto_server is on PATH, one moto server per test binary is started on a
// free loopback port and killed when the binary exits (call Main from
// TestMain to stop it cleanly; on Linux it also dies with the test binary).
// It is started through motoserial.py, which handles one request at a time:
// moto's threaded server interleaves concurrent conditional writes, which
// DynamoDB applies atomically (CI starts its shared server the same way).
// When no server can be had, tests skip, unless JIANYAN_REQUIRE_TOOLS=1
// (set by CI), when they fail.
package dynamotest

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/internal/dynamo/tabledef"
	"github.com/jianyan/jianyan/internal/testenv"
)

// Region is the region test clients use.
const Region = "us-east-1"

var (
	once     sync.Once
	endpoint string
	failure  string
	server   *exec.Cmd
)

// Endpoint returns the URL of a reachable DynamoDB-compatible server, or
// skips tb (fails it when testenv.Required).
func Endpoint(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { endpoint, failure = find() })
	if endpoint == "" {
		testenv.Missing(tb, "dynamotest: no DynamoDB endpoint: %s", failure)
	}
	return endpoint
}

func find() (string, string) {
	if ep := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"); ep != "" {
		if err := waitReachable(ep, 5*time.Second); err != nil {
			return "", fmt.Sprintf("AWS_ENDPOINT_URL_DYNAMODB=%s is not reachable: %v", ep, err)
		}
		return ep, ""
	}
	if _, err := exec.LookPath("moto_server"); err != nil {
		return "", "AWS_ENDPOINT_URL_DYNAMODB is unset and moto_server is not on PATH"
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return "", "moto_server is on PATH but python3, which runs it one request at a time, is not"
	}
	ep, err := startMoto(python)
	if err != nil {
		return "", err.Error()
	}
	return ep, ""
}

// motoSerial is moto_server handling one request at a time.
//
//go:embed motoserial.py
var motoSerial string

// startMoto runs moto_server (motoserial.py) with python on a free loopback
// port. The process is
// started from a goroutine locked to its OS thread for good, because on
// Linux the parent-death signal fires when the starting thread exits.
func startMoto(python string) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	ep := fmt.Sprintf("http://127.0.0.1:%d", port)

	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		cmd := exec.Command(python, "-c", motoSerial, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		cmd.SysProcAttr = sysProcAttr()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		server = cmd
		started <- nil
		_ = cmd.Wait()
		select {} // keep the thread
	}()
	if err := <-started; err != nil {
		return "", fmt.Errorf("start moto_server: %w", err)
	}
	if err := waitReachable(ep, 30*time.Second); err != nil {
		Stop()
		return "", fmt.Errorf("moto_server on %s: %w", ep, err)
	}
	return ep, nil
}

func waitReachable(ep string, within time.Duration) error {
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

// Stop kills the moto_server this binary started, if any.
func Stop() {
	if server != nil && server.Process != nil {
		killGroup(server)
	}
}

// Main runs the tests and then stops a started moto_server:
//
//	func TestMain(m *testing.M) { dynamotest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Config returns an SDK config for endpoint with static dummy credentials.
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// NewClient returns a DynamoDB client for endpoint.
func NewClient(tb testing.TB, endpoint string) *dynamodb.Client {
	tb.Helper()
	return dynamodb.NewFromConfig(Config(endpoint))
}

// NewStreamsClient returns a DynamoDB Streams client for endpoint.
func NewStreamsClient(tb testing.TB, endpoint string) *dynamodbstreams.Client {
	tb.Helper()
	return dynamodbstreams.NewFromConfig(Config(endpoint))
}

// CreateTable creates a uniquely named table from template.yaml's
// definition (without deletion protection) and deletes it when the test
// ends. It returns the table's name.
func CreateTable(tb testing.TB, client *dynamodb.Client) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "jianyan-test-" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tabledef.EnsureTable(ctx, client, jianyan.Template, name, false); err != nil {
		tb.Fatalf("dynamotest: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			tb.Logf("dynamotest: delete table %s: %v", name, err)
		}
	})
	return name
}
