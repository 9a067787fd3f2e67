package awsenv

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestConfig(t *testing.T) {
	env := map[string]string{
		"AWS_REGION":                "cn-northwest-1",
		"AWS_ACCESS_KEY_ID":         "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY":     "secret",
		"AWS_SESSION_TOKEN":         "session",
		"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5005",
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := Config(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "cn-northwest-1" {
		t.Errorf("Region = %q, want cn-northwest-1", cfg.Region)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "AKIDEXAMPLE" || creds.SecretAccessKey != "secret" || creds.SessionToken != "session" {
		t.Errorf("credentials = %+v, want the environment's", creds)
	}
	if got := aws.ToString(Endpoint(getenv, "dynamodb")); got != "http://127.0.0.1:5005" {
		t.Errorf("Endpoint(dynamodb) = %q, want the override", got)
	}
	if got := Endpoint(getenv, "sns"); got != nil {
		t.Errorf("Endpoint(sns) = %q, want nil", *got)
	}
	env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:6000"
	if got := aws.ToString(Endpoint(getenv, "sns")); got != "http://127.0.0.1:6000" {
		t.Errorf("Endpoint(sns) with AWS_ENDPOINT_URL = %q, want it", got)
	}
}

func TestConfigMissing(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"no region", map[string]string{"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}},
		{"no credentials", map[string]string{"AWS_REGION": "us-east-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Config(func(k string) string { return tt.env[k] }); err == nil {
				t.Fatal("Config succeeded, want an error")
			}
		})
	}
}

func TestDynamoDBClientUsesOverride(t *testing.T) {
	env := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5005"}
	getenv := func(k string) string { return env[k] }
	c := DynamoDB(aws.Config{Region: "us-east-1"}, getenv)
	if got := aws.ToString(c.Options().BaseEndpoint); got != "http://127.0.0.1:5005" {
		t.Fatalf("client BaseEndpoint = %q, want the override", got)
	}
}
