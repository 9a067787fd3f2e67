// Command summarize is the scheduled Lambda: it makes the daily, weekly and
// monthly summaries and sends them, with the unit reminders, to an SNS topic;
// the daily run also removes uploaded files nothing referenced within a day.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/notify"
	"github.com/jianyan/jianyan/internal/s3files"
	"github.com/jianyan/jianyan/internal/summarizefn"
)

func main() {
	log := lambdacontext.NewLogger() // JSON (LoggingConfig), the request ID on every line
	table, baseURL, topic := os.Getenv("TABLE_NAME"), os.Getenv("PUBLIC_BASE_URL"), os.Getenv("TOPIC_ARN")
	if table == "" || baseURL == "" || topic == "" {
		log.Error("TABLE_NAME, PUBLIC_BASE_URL and TOPIC_ARN must be set")
		os.Exit(1)
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		log.Error("load AWS config", "err", err)
		os.Exit(1)
	}
	store := dynamo.New(awsenv.DynamoDB(cfg, os.Getenv), table)
	// The daily run removes files nothing referenced within a day
	// (FILES_BUCKET; without it, no file sweep).
	var files *feedback.Files
	if bucket := os.Getenv("FILES_BUCKET"); bucket != "" {
		storage, err := s3files.New(s3files.Config{Bucket: bucket, Region: cfg.Region, Endpoint: os.Getenv("AWS_ENDPOINT_URL_S3"), Credentials: cfg.Credentials})
		if err != nil {
			log.Error("files bucket", "err", err)
			os.Exit(1)
		}
		files = feedback.NewFiles(feedback.FileConfig{Records: store, Storage: storage, Problems: store, Logger: log})
	}
	n := &notify.SNS{Client: sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = awsenv.Endpoint(os.Getenv, "SNS") }), TopicARN: topic}
	// Reminders also go to units' own group robots; the sweep re-sends
	// outbox notices the stream function could not deliver.
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log,
		Office: n, UnitNotifier: &notify.Channels{}, Files: files})
	h := summarizefn.New(svc, n)
	if files != nil {
		h.WithFiles(files)
	}
	lambda.Start(h.Handle)
}
