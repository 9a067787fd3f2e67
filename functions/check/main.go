// Command check is the Lambda on the files bucket's object-created events
// under uploads/: it judges each upload's bytes and marks the file ready or
// rejected (package checkfn).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/checkfn"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/s3files"
)

func main() {
	log := lambdacontext.NewLogger()
	table, bucket := os.Getenv("TABLE_NAME"), os.Getenv("FILES_BUCKET")
	// Missing variables and a bad region end the start here; a missing
	// table or an unreachable endpoint just after (awsenv.WatchTable).
	cfg, db, err := awsenv.Start(log, os.Getenv, os.Exit, "FILES_BUCKET")
	if err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
	store := dynamo.New(db, table)
	storage, err := s3files.New(s3files.Config{Bucket: bucket, Region: cfg.Region, Endpoint: os.Getenv("AWS_ENDPOINT_URL_S3"), Credentials: cfg.Credentials})
	if err != nil {
		log.Error("files bucket", "err", err)
		os.Exit(1)
	}
	files := feedback.NewFiles(feedback.FileConfig{Records: store, Storage: storage, Problems: store, Logger: log})
	lambda.Start(checkfn.Handler{Files: files, Logger: log}.Handle)
}
