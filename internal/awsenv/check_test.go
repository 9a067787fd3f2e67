package awsenv_test

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
)

func TestMain(m *testing.M) { dynamotest.Main(m) }

func TestRequireAndRegion(t *testing.T) {
	env := map[string]string{"TABLE_NAME": "jianyan", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
	getenv := func(k string) string { return env[k] }
	err := awsenv.Require(getenv, "TABLE_NAME", "PUBLIC_BASE_URL", "TOPIC_ARN")
	if !awsenv.IsConfigError(err) || !strings.Contains(err.Error(), "PUBLIC_BASE_URL、TOPIC_ARN") || strings.Contains(err.Error(), "TABLE_NAME") {
		t.Errorf("Require = %v, want a configuration error naming PUBLIC_BASE_URL and TOPIC_ARN only", err)
	}
	if err := awsenv.Require(getenv, "TABLE_NAME"); err != nil {
		t.Errorf("Require(TABLE_NAME) = %v, want nil", err)
	}
	for _, tt := range []struct {
		region string
		ok     bool
	}{
		{"cn-north-1", true}, {"cn-northwest-1", true}, {"ap-east-1", true}, {"us-gov-west-1", true}, {"ap-southeast-5", true},
		{"", false}, {"us-east", false}, {"US-EAST-1", false}, {"beijing", false}, {"cn-north-1 ", false},
	} {
		env["AWS_REGION"] = tt.region
		_, err := awsenv.Config(getenv)
		if (err == nil) != tt.ok || (err != nil && !awsenv.IsConfigError(err)) {
			t.Errorf("Config with AWS_REGION %q: err = %v, want ok %v", tt.region, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "AWS_REGION") {
			t.Errorf("Config with AWS_REGION %q: %q does not name AWS_REGION", tt.region, err)
		}
	}
}

// closedEndpoint is a loopback address nothing listens on.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestCheckTable asks a real DynamoDB endpoint (moto_server) about a table
// that exists, one that does not, and an endpoint nothing listens on.
func TestCheckTable(t *testing.T) {
	ep := dynamotest.Endpoint(t)
	db := dynamotest.NewClient(t, ep)
	table := dynamotest.CreateTable(t, db)
	if err := awsenv.CheckTable(t.Context(), db, table, dynamotest.Region, aws.String(ep)); err != nil {
		t.Errorf("existing table: %v", err)
	}
	err := awsenv.CheckTable(t.Context(), db, table+"-missing", dynamotest.Region, aws.String(ep))
	if !awsenv.IsConfigError(err) || !strings.Contains(err.Error(), table+"-missing") || !strings.Contains(err.Error(), "TABLE_NAME") {
		t.Errorf("missing table: %v; want a configuration error naming the table and TABLE_NAME", err)
	}
	closed := closedEndpoint(t)
	gone := dynamodb.NewFromConfig(dynamotest.Config(closed))
	err = awsenv.CheckTable(t.Context(), gone, table, dynamotest.Region, aws.String(closed))
	if !awsenv.IsConfigError(err) || !strings.Contains(err.Error(), "连不上") || !strings.Contains(err.Error(), closed) {
		t.Errorf("unreachable endpoint: %v; want a configuration error naming %s", err, closed)
	}
}

// TestWatchTable checks that the background check ends the process (calls
// exit) on a missing table, with the message in the log, and lets a good
// configuration run.
func TestWatchTable(t *testing.T) {
	ep := dynamotest.Endpoint(t)
	db := dynamotest.NewClient(t, ep)
	table := dynamotest.CreateTable(t, db)
	for _, tt := range []struct {
		table string
		exit  bool
	}{{table, false}, {table + "-missing", true}} {
		var logs bytes.Buffer
		exited := make(chan int, 1)
		done := awsenv.WatchTable(slog.New(slog.NewJSONHandler(&logs, nil)), db, tt.table, dynamotest.Region, aws.String(ep), func(code int) { exited <- code })
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatal("the check did not end")
		}
		var code int
		var got bool
		select {
		case code = <-exited:
			got = true
		default:
		}
		if got != tt.exit || (got && code != 1) {
			t.Errorf("table %s: exit called %v (code %d), want %v", tt.table, got, code, tt.exit)
		}
		if tt.exit && !strings.Contains(logs.String(), "配置错误") {
			t.Errorf("table %s: log %q has no configuration error", tt.table, logs.String())
		}
	}
}
