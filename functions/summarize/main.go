// Command summarize is the scheduled Lambda: it makes the daily, weekly and
// monthly summaries and sends them, with the unit reminders, to an SNS topic;
// the daily run also removes uploaded files nothing referenced within a day.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/deadletter"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/notify"
	"github.com/jianyan/jianyan/internal/routing"
	"github.com/jianyan/jianyan/internal/s3files"
	"github.com/jianyan/jianyan/internal/summarizefn"
)

func main() {
	log := lambdacontext.NewLogger() // JSON (LoggingConfig), the request ID on every line
	table, baseURL, topic := os.Getenv("TABLE_NAME"), os.Getenv("PUBLIC_BASE_URL"), os.Getenv("TOPIC_ARN")
	// Missing variables and a bad region end the start here; a missing
	// table or an unreachable endpoint just after (awsenv.WatchTable).
	cfg, db, err := awsenv.Start(log, os.Getenv, os.Exit, "PUBLIC_BASE_URL", "TOPIC_ARN")
	if err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
	store := dynamo.New(db, table)
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
	// outbox notices the stream function could not deliver, reply notices
	// to their submitters too.
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: baseURL, Logger: log,
		Office: n, UnitNotifier: &notify.Channels{}, Files: files,
		Submitters: &notify.SNSSubmitters{Client: n.Client, TopicARN: topic}})
	h := summarizefn.New(svc, n)
	if files != nil {
		h.WithFiles(files)
	}
	if queue := os.Getenv("DEAD_LETTER_QUEUE_URL"); queue != "" {
		h.WithRedriver(newRedriver(cfg, queue, table, svc, log))
	}
	lambda.Start(h.Handle)
}

// newRedriver builds the redrive task: dead-lettered batches, read back
// from the table's stream, go to the route function's own handler; for
// batches the stream no longer has, the sweepers run.
func newRedriver(cfg aws.Config, queue, table string, svc *feedback.Service, log *slog.Logger) *deadletter.Redriver {
	suggestions := func(rec events.DynamoDBEventRecord) (*feedback.Suggestion, bool, error) {
		return dynamo.InsertedSuggestion(rec, table)
	}
	notices := func(rec events.DynamoDBEventRecord) (*feedback.Notice, bool, error) {
		return dynamo.InsertedNotice(rec, table)
	}
	return &deadletter.Redriver{
		Queue:    sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = awsenv.Endpoint(os.Getenv, "SQS") }),
		QueueURL: queue,
		Streams: dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
			o.BaseEndpoint = awsenv.Endpoint(os.Getenv, "DYNAMODB_STREAMS")
		}),
		Convert: dynamo.ToEventRecord,
		Handle:  routing.NewStreamHandler(svc, suggestions, notices, log),
		Sweep: func(ctx context.Context) error {
			if _, err := svc.SweepUnrouted(ctx, summarizefn.SweepGrace); err != nil {
				return err
			}
			_, _, err := svc.SweepNotices(ctx, summarizefn.SweepGrace)
			return err
		},
		Log: log,
	}
}
