package awsenv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Configuration mistakes. A function started with a wrong or missing
// setting should say so at once, in words an operator acts on, instead of
// answering every request with an internal error. Environment variables are
// checked before anything starts (Require, Config); the table, which needs
// a request, by CheckTable, which WatchTable runs beside the first
// invocation so that a healthy cold start does not wait for it.

// ConfigError is a configuration mistake: trying again cannot fix it, and
// Message says what to change.
type ConfigError struct {
	Message string
	Err     error
}

func (e *ConfigError) Error() string {
	if e.Err != nil {
		return e.Message + ":" + e.Err.Error()
	}
	return e.Message
}

func (e *ConfigError) Unwrap() error { return e.Err }

// IsConfigError reports whether err is (or wraps) a *ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// Require returns a *ConfigError naming every one of names that getenv
// leaves empty, or nil.
func Require(getenv func(string) string, names ...string) error {
	var missing []string
	for _, n := range names {
		if getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &ConfigError{Message: "配置错误:缺少环境变量 " + strings.Join(missing, "、") + "(部署时由 template.yaml 设置)"}
}

// isRegionName reports whether s has the shape of an AWS region name:
// us-east-1, cn-north-1, ap-southeast-5, us-gov-west-1. (By hand rather
// than with regexp, which no function links otherwise.)
func isRegionName(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	last := parts[len(parts)-1]
	if len(last) < 1 || len(last) > 2 {
		return false
	}
	for _, c := range last {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" {
			return false
		}
		for _, c := range p {
			if c < 'a' || c > 'z' {
				return false
			}
		}
	}
	return true
}

// CheckRegion returns a *ConfigError when region is not a region name.
func CheckRegion(region string) error {
	if region == "" {
		return &ConfigError{Message: "配置错误:没有设置 AWS 区域(AWS_REGION,例如 cn-north-1 或 ap-east-1)"}
	}
	if !isRegionName(region) {
		return &ConfigError{Message: fmt.Sprintf("配置错误:AWS_REGION %q 不是区域名(例如 cn-north-1、ap-east-1、us-east-1)", region)}
	}
	return nil
}

// TableAPI is the part of *dynamodb.Client CheckTable calls.
type TableAPI interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

var _ TableAPI = (*dynamodb.Client)(nil)

// CheckTable asks DynamoDB for the table. It returns nil when the table
// exists and answers, a *ConfigError when the answer shows a configuration
// mistake (no such table in this region, an endpoint that cannot be
// reached, credentials or a region DynamoDB refuses), and the error itself
// for anything else (throttling, a service error), which may pass.
// endpoint is the override in use, or nil.
func CheckTable(ctx context.Context, api TableAPI, table, region string, endpoint *string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := api.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)},
		func(o *dynamodb.Options) { o.RetryMaxAttempts = 2 })
	if err == nil {
		return nil
	}
	return DiagnoseDynamoDB(err, table, region, endpoint)
}

// DiagnoseDynamoDB turns the error of a request to DynamoDB into a
// *ConfigError when it shows a configuration mistake, and returns it
// unchanged otherwise.
func DiagnoseDynamoDB(err error, table, region string, endpoint *string) error {
	where := "区域 " + region + " 的 DynamoDB"
	if endpoint != nil {
		where = "DynamoDB 端点 " + aws.ToString(endpoint)
	}
	var notFound *types.ResourceNotFoundException
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &notFound):
		return &ConfigError{Message: fmt.Sprintf("配置错误:%s 中没有表 %q。检查 TABLE_NAME 和 AWS_REGION:表在部署 template.yaml 的区域里", where, table), Err: err}
	case errors.As(err, &dnsErr), errors.As(err, &opErr), errors.Is(err, context.DeadlineExceeded):
		return &ConfigError{Message: fmt.Sprintf("配置错误:连不上 %s。检查 AWS_REGION 和 AWS_ENDPOINT_URL_DYNAMODB,以及网络", where), Err: err}
	case errors.As(err, &apiErr):
		switch apiErr.ErrorCode() {
		case "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
			"AccessDeniedException", "InvalidClientTokenId", "ExpiredTokenException":
			return &ConfigError{Message: fmt.Sprintf("配置错误:%s 拒绝了请求(%s)。检查凭证、函数的角色和 AWS_REGION", where, apiErr.ErrorCode()), Err: err}
		}
	}
	return err
}

// WatchTable runs CheckTable in the background while the function starts.
// On a configuration mistake it logs the message and calls exit(1): Lambda
// then reports the failed start with that message in the log, and the
// next request starts the function afresh. Anything else is logged as a
// warning and the function carries on. The returned channel is closed when
// the check is done.
func WatchTable(log *slog.Logger, api TableAPI, table, region string, endpoint *string, exit func(int)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := CheckTable(context.Background(), api, table, region, endpoint)
		switch {
		case err == nil:
		case IsConfigError(err):
			log.Error(err.Error(), "table", table, "region", region)
			exit(1)
		default:
			log.Warn("启动检查:暂时无法确认 DynamoDB 表,继续运行", "table", table, "err", err)
		}
	}()
	return done
}

// Start is what every function that works on the table does first: it
// checks that the required variables (TABLE_NAME among them) are set, builds
// the SDK configuration (Config) and the DynamoDB client (DynamoDB), and
// starts WatchTable with exit. A configuration mistake it can see without a
// request comes back as a *ConfigError: log it and end the process.
func Start(log *slog.Logger, getenv func(string) string, exit func(int), required ...string) (aws.Config, *dynamodb.Client, error) {
	if err := Require(getenv, append([]string{"TABLE_NAME"}, required...)...); err != nil {
		return aws.Config{}, nil, err
	}
	cfg, err := Config(getenv)
	if err != nil {
		return aws.Config{}, nil, err
	}
	db := DynamoDB(cfg, getenv)
	WatchTable(log, db, getenv("TABLE_NAME"), cfg.Region, Endpoint(getenv, "DYNAMODB"), exit)
	return cfg, db, nil
}
