// Command documents is the Lambda of the staff API's document routes
// (POST/GET /api/v1/documents, GET /api/v1/documents/{id}.docx) behind the
// JWT authorizer: it issues numbered formal documents and prints them as
// Word files. It is a function of its own so that the staff function,
// close to its size budget, links neither the Word writer nor the document
// use cases.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/document/docx"
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
	store := dynamo.New(db, table)
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log})
	docs := feedback.NewDocuments(feedback.DocumentsConfig{Service: svc, Records: store, Logger: log})
	handler := httpapi.NewDocumentHandler(httpapi.StaffConfig{Service: svc, Auth: httpapi.ClaimsAuth{}, Logger: log,
		Documents: docs, DocumentWriter: docx.Writer{}})
	lambda.Start(httpadapter.NewV2(handler).ProxyWithContext)
}
