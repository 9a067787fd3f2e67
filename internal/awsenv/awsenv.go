// Package awsenv builds the AWS SDK configuration of a Lambda function from
// the environment the Lambda runtime sets: AWS_REGION and the execution
// role's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, plus
// the SDK's AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> overrides that
// tests and local runs use to point at moto_server or DynamoDB Local.
//
// Why not config.LoadDefaultConfig: in Lambda it reads exactly these
// variables too, but it links the shared-config-file, SSO, STS and IMDS
// providers, about 1 MB of every binary that a function never uses. That
// megabyte decides whether the staff function stays within its 12 MB budget
// and it shows in cold starts. Tools that run on a workstation (the local
// stack, the benchmark) keep using LoadDefaultConfig.
package awsenv

import (
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Config returns an aws.Config from getenv (os.Getenv when nil). Clients
// built from it use the SDK's standard retryer (exponential backoff with
// jitter on throttling and 5xx), as with LoadDefaultConfig.
func Config(getenv func(string) string) (aws.Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if err := CheckRegion(region); err != nil {
		return aws.Config{}, err
	}
	key, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return aws.Config{}, &ConfigError{Message: "配置错误:没有 AWS 凭证(AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY;在 Lambda 中由函数的角色提供)"}
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, getenv("AWS_SESSION_TOKEN"))),
	}
	if ep := getenv("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	}
	return cfg, nil
}

// Endpoint returns the endpoint override for one service, such as
// Endpoint(getenv, "DYNAMODB") for AWS_ENDPOINT_URL_DYNAMODB, falling back
// to AWS_ENDPOINT_URL; nil when neither is set. Pass it to the client's
// BaseEndpoint option.
func Endpoint(getenv func(string) string, service string) *string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if ep := getenv("AWS_ENDPOINT_URL_" + strings.ToUpper(service)); ep != "" {
		return aws.String(ep)
	}
	if ep := getenv("AWS_ENDPOINT_URL"); ep != "" {
		return aws.String(ep)
	}
	return nil
}

// DynamoDB returns a DynamoDB client for cfg that honours the endpoint
// override, the one client every function builds once at start.
func DynamoDB(cfg aws.Config, getenv func(string) string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = Endpoint(getenv, "DYNAMODB") })
}
