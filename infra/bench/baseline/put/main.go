// Command put is the warm-submission baseline: a Go Lambda that does one
// bare PutItem (no condition, no transaction) of an item of the requested
// size to TABLE_NAME and answers.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// request is the invocation event: how many bytes the item should hold.
type request struct {
	Size int `json:"size"`
}

func main() {
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		slog.Error("TABLE_NAME must be set")
		os.Exit(1)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		slog.Error("load AWS config", "err", err)
		os.Exit(1)
	}
	client := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context, req request) (map[string]any, error) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		pk := "BENCH#" + hex.EncodeToString(b[:])
		// Item size as DynamoDB counts it: attribute names plus values.
		pad := max(req.Size-len("pk")-len(pk)-len("sk")-1-len("data"), 1)
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String(table),
			Item: map[string]types.AttributeValue{
				"pk":   &types.AttributeValueMemberS{Value: pk},
				"sk":   &types.AttributeValueMemberS{Value: "#"},
				"data": &types.AttributeValueMemberS{Value: strings.Repeat("x", pad)},
			},
		})
		if err != nil {
			return nil, fmt.Errorf("put %s: %w", pk, err)
		}
		return map[string]any{"statusCode": 201, "body": pk}, nil
	})
}
