// Package s3test finds or starts an S3-compatible server (moto_server) for
// tests and makes throwaway buckets on it.
//
// The endpoint comes from AWS_ENDPOINT_URL_S3 (CI points it at its
// moto server), else from the moto server the test binary starts (package
// testenv/moto), which dies with it. When no server can be had, tests skip,
// unless JIANYAN_REQUIRE_TOOLS=1, when they fail (package testenv).
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/jianyan/jianyan/internal/testenv"
	"github.com/jianyan/jianyan/internal/testenv/moto"
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
	ep, err := moto.Endpoint("AWS_ENDPOINT_URL_S3")
	if err != nil {
		return "", err.Error()
	}
	return ep, ""
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
