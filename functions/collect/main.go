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
)

func main() {
	log := lambdacontext.NewLogger() // JSON (LoggingConfig), the request ID on every line
	table, baseURL := os.Getenv("TABLE_NAME"), os.Getenv("PUBLIC_BASE_URL")
	// Missing variables and a bad region end the start here; a missing
	// table or an unreachable endpoint just after (awsenv.WatchTable).
	_, db, err := awsenv.Start(log, os.Getenv, os.Exit, "PUBLIC_BASE_URL")
	if err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
	// A warm instance reuses a symposium looked up by code for 5 s (like
	// route's rule cache): a busy form then costs one PutItem per
	// submission; closing a symposium takes effect here up to 5 s late.
	store := dynamo.New(db, table,
		dynamo.WithSymposiumCache(5*time.Second))
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log})
	// The office's name and emblem on the pages: one read per warm
	// instance every 30 s, not one per page.
	svc.SetSettingsCacheTTL(30 * time.Second)
	handler := httpapi.NewPublicHandler(httpapi.PublicConfig{Service: svc, Logger: log})
	lambda.Start(httpadapter.NewV2(handler).ProxyWithContext)
}
