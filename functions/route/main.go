// Command route is the Lambda on the table's DynamoDB stream: it routes each
// new suggestion into a problem list, delivers each new outbox notice (to
// the SNS topic, the units' own group robots and, for reply notices, the
// submitters who asked: SMS or e-mail through SNS) and reports failed records
// one by one (the event source mapping must enable ReportBatchItemFailures).
package main

import (
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/notify"
	"github.com/jianyan/jianyan/internal/routing"
)

// ruleCacheTTL is how long a warm instance trusts the routing rules it read:
// it saves one read per suggestion, and rule changes apply within it.
const ruleCacheTTL = 5 * time.Second

func main() {
	log := lambdacontext.NewLogger()
	table, topic, baseURL := os.Getenv("TABLE_NAME"), os.Getenv("TOPIC_ARN"), os.Getenv("PUBLIC_BASE_URL")
	// Missing variables and a bad region end the start here; a missing
	// table or an unreachable endpoint just after (awsenv.WatchTable).
	cfg, db, err := awsenv.Start(log, os.Getenv, os.Exit, "TOPIC_ARN")
	if err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
	office := &notify.SNS{Client: sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = awsenv.Endpoint(os.Getenv, "SNS") }), TopicARN: topic}
	svc := feedback.NewService(dynamo.New(db, table), feedback.Config{
		PublicBaseURL: baseURL, Logger: log, Office: office, UnitNotifier: &notify.Channels{},
		Submitters: &notify.SNSSubmitters{Client: office.Client, TopicARN: topic}})
	svc.SetRuleCacheTTL(ruleCacheTTL)
	convert := func(rec events.DynamoDBEventRecord) (*feedback.Suggestion, bool, error) {
		return dynamo.InsertedSuggestion(rec, table)
	}
	notices := func(rec events.DynamoDBEventRecord) (*feedback.Notice, bool, error) {
		return dynamo.InsertedNotice(rec, table)
	}
	lambda.Start(routing.NewStreamHandler(svc, convert, notices, log))
}
