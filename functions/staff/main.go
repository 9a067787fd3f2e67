// Command staff is the staff API Lambda behind API Gateway's HTTP API with a
// JWT authorizer: identities and roles come only from the authorizer's
// claims in the request context.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/s3files"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

func main() {
	log := lambdacontext.NewLogger() // JSON (LoggingConfig), the request ID on every line
	table, baseURL := os.Getenv("TABLE_NAME"), os.Getenv("PUBLIC_BASE_URL")
	// Missing variables and a bad region end the start here; a missing
	// table or an unreachable endpoint just after (awsenv.WatchTable).
	cfg, db, err := awsenv.Start(log, os.Getenv, os.Exit, "PUBLIC_BASE_URL")
	if err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
	store := dynamo.New(db, table)
	// Files: presigned POSTs and GETs on the files bucket (s3files signs
	// them itself; the function carries no file bytes but the office's
	// emblem, at most 200 KiB, copied into the settings when saved).
	// Without FILES_BUCKET the file routes answer 415.
	var files *feedback.Files
	if bucket := os.Getenv("FILES_BUCKET"); bucket != "" {
		storage, err := s3files.New(s3files.Config{Bucket: bucket, Region: cfg.Region, Endpoint: os.Getenv("AWS_ENDPOINT_URL_S3"), Credentials: cfg.Credentials})
		if err != nil {
			log.Error("files bucket", "err", err)
			os.Exit(1)
		}
		files = feedback.NewFiles(feedback.FileConfig{Records: store, Storage: storage, Problems: store, Logger: log})
	}
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log, Files: files})
	handler := httpapi.NewStaffHandler(httpapi.StaffConfig{Service: svc, Auth: httpapi.ClaimsAuth{}, Logger: log, Spreadsheets: xlsx.Codec{},
		Files: files})
	lambda.Start(httpadapter.NewV2(handler).ProxyWithContext)
}
