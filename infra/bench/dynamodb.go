package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	jianyan "github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/internal/dynamo/tabledef"
)

// region is the region every client and function in the run uses.
const region = "us-east-1"

// dynamoServer is the DynamoDB-compatible endpoint of the run.
type dynamoServer struct {
	endpoint string
	started  *exec.Cmd // moto_server when the harness started it
}

// findDynamoDB uses AWS_ENDPOINT_URL_DYNAMODB when set, else starts
// moto_server on a free loopback port.
func findDynamoDB() (*dynamoServer, error) {
	if ep := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"); ep != "" {
		if err := waitHTTP(ep, 10*time.Second); err != nil {
			return nil, fmt.Errorf("AWS_ENDPOINT_URL_DYNAMODB=%s is not reachable: %w", ep, err)
		}
		return &dynamoServer{endpoint: ep}, nil
	}
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("AWS_ENDPOINT_URL_DYNAMODB is unset and moto_server is not on PATH")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	s := &dynamoServer{endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), started: cmd}
	if err := waitHTTP(s.endpoint, 60*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("moto_server on %s: %w", s.endpoint, err)
	}
	return s, nil
}

func (s *dynamoServer) stop() {
	if s != nil && s.started != nil && s.started.Process != nil {
		_ = syscall.Kill(-s.started.Process.Pid, syscall.SIGKILL)
		_ = s.started.Process.Kill()
		_ = s.started.Wait()
	}
}

func waitHTTP(ep string, within time.Duration) error {
	u, err := url.Parse(ep)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err == nil {
			_ = c.Close()
			resp, err := http.Get(ep)
			if err == nil {
				_ = resp.Body.Close()
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not answering after %s: %w", within, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// awsConfig is an SDK configuration for endpoint with dummy credentials.
func awsConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("bench", "bench", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// createTable creates a fresh table from template.yaml's definition and
// returns its name and a function that deletes it.
func createTable(ctx context.Context, client *dynamodb.Client, prefix string) (string, func(), error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	if err := tabledef.EnsureTable(ctx, client, jianyan.Template, name, false); err != nil {
		return "", nil, fmt.Errorf("create table %s: %w", name, err)
	}
	return name, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	}, nil
}

// freePort returns a loopback port nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
