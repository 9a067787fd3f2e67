// Command collect is the public Lambda: the form page, submissions and
// receipt lookups, behind API Gateway's HTTP API (payload format 2.0).
package main

import (
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/s3files"
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
	// A warm instance reuses a symposium looked up by code for 5 s (like
	// route's rule cache): a busy form then costs one PutItem per
	// submission; closing a symposium takes effect here up to 5 s late.
	store := dynamo.New(db, table,
		dynamo.WithSymposiumCache(5*time.Second))
	// Photos on problem leads: presigned POSTs to the files bucket, and the
	// photos of form posts without JavaScript put under uploads/, where
	// the check function judges them (this function decodes no image).
	// Without FILES_BUCKET the photo routes answer 415.
	var files *feedback.Files
	if bucket := os.Getenv("FILES_BUCKET"); bucket != "" {
		storage, err := s3files.New(s3files.Config{Bucket: bucket, Region: cfg.Region, Endpoint: os.Getenv("AWS_ENDPOINT_URL_S3"), Credentials: cfg.Credentials})
		if err != nil {
			log.Error("files bucket", "err", err)
			os.Exit(1)
		}
		files = feedback.NewFiles(feedback.FileConfig{Records: store, Storage: storage, Problems: store, Logger: log})
	}
	// The route function sends reply notices to submitters through the
	// topic (SNS); with it configured the form offers them.
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log, Files: files,
		SubmitterNoticesElsewhere: os.Getenv("TOPIC_ARN") != ""})
	// The office's name and emblem on the pages: one read per warm
	// instance every 30 s, not one per page.
	svc.SetSettingsCacheTTL(30 * time.Second)
	// A submission is routed before its one write, with the rules this
	// instance read in the last 5 s (like route's cache): written once,
	// routed, it costs three write units instead of five. Without the
	// rules it is stored unrouted and the stream's route function routes it.
	svc.SetRuleCacheTTL(5 * time.Second)
	svc.SetRouteOnSubmit(true)
	handler := httpapi.NewPublicHandler(httpapi.PublicConfig{Service: svc, Logger: log})
	lambda.Start(httpadapter.NewV2(handler).ProxyWithContext)
}
