// Command staff is the staff API Lambda behind API Gateway's HTTP API with a
// JWT authorizer: identities and roles come only from the authorizer's
// claims in the request context.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	table, baseURL := os.Getenv("TABLE_NAME"), os.Getenv("PUBLIC_BASE_URL")
	if table == "" || baseURL == "" {
		log.Error("TABLE_NAME and PUBLIC_BASE_URL must be set")
		os.Exit(1)
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		log.Error("load AWS config", "err", err)
		os.Exit(1)
	}
	store := dynamo.New(awsenv.DynamoDB(cfg, os.Getenv), table)
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log})
	handler := httpapi.NewStaffHandler(httpapi.StaffConfig{Service: svc, Auth: httpapi.ClaimsAuth{}, Logger: log, Spreadsheets: xlsx.Codec{},
		Console: httpapi.ConsoleConfigFromEnv(os.Getenv)})
	lambda.Start(httpadapter.NewV2(handler).ProxyWithContext)
}
