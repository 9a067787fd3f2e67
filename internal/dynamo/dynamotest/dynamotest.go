// Package dynamotest finds or starts a DynamoDB-compatible server for tests
// and creates throwaway tables on it from template.yaml's definition; its
// ReadCounter measures what reads cost.
//
// The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB, else from the moto
// server the test binary starts (package testenv/moto; call Main from
// TestMain to stop it cleanly). When no server can be had, tests skip,
// unless JIANYAN_REQUIRE_TOOLS=1 (set by CI), when they fail.
package dynamotest

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"os"
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
	"github.com/jianyan/jianyan/internal/testenv/moto"
)

// Region is the region test clients use.
const Region = "us-east-1"

var (
	once     sync.Once
	endpoint string
	failure  string
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
	ep, err := moto.Endpoint("AWS_ENDPOINT_URL_DYNAMODB")
	if err != nil {
		return "", err.Error()
	}
	return ep, ""
}

// Stop kills the moto server this binary started, if any.
func Stop() { moto.Stop() }

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
