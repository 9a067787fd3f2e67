// Command hello is the cold-start baseline: a Go Lambda that builds an SDK
// DynamoDB client, as every Jianyan function does, and answers at once.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		slog.Error("load AWS config", "err", err)
		os.Exit(1)
	}
	client := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context) (map[string]any, error) {
		return map[string]any{"statusCode": 200, "body": "hello", "client": client != nil}, nil
	})
}
