// Command put is the warm-submission baseline: a Go Lambda that does one
// bare PutItem (no condition, no transaction) to TABLE_NAME and answers.
//
// The event carries the item to put, in DynamoDB's JSON ({"item":{"name":
// {"S":"…"},…}}; S, N, BOOL, NULL, L and M): the harness sends a copy of the
// suggestion item a submission stored, so the baseline puts the same
// attributes and bytes. Its pk is replaced by a fresh one each time. An
// event with only {"size":N} puts a three-attribute item of N bytes
// instead (what the harness sent before 2026-12; BENCHMARKS.md compares
// the two).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// request is the invocation event.
type request struct {
	Item map[string]json.RawMessage `json:"item"`
	Size int                        `json:"size"`
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
		item := map[string]types.AttributeValue{}
		if len(req.Item) > 0 {
			for name, raw := range req.Item {
				v, err := decode(raw)
				if err != nil {
					return nil, fmt.Errorf("attribute %s: %w", name, err)
				}
				item[name] = v
			}
		} else {
			// Item size as DynamoDB counts it: attribute names plus values.
			pad := max(req.Size-len("pk")-len(pk)-len("sk")-1-len("data"), 1)
			item["sk"] = &types.AttributeValueMemberS{Value: "#"}
			item["data"] = &types.AttributeValueMemberS{Value: strings.Repeat("x", pad)}
		}
		item["pk"] = &types.AttributeValueMemberS{Value: pk}
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			return nil, fmt.Errorf("put %s: %w", pk, err)
		}
		return map[string]any{"statusCode": 201, "body": pk}, nil
	})
}

// decode reads one attribute value in DynamoDB's JSON.
func decode(raw json.RawMessage) (types.AttributeValue, error) {
	var v map[string]json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil || len(v) != 1 {
		return nil, errors.New("want one type key")
	}
	for t, body := range v {
		switch t {
		case "S", "N":
			var s string
			if err := json.Unmarshal(body, &s); err != nil {
				return nil, err
			}
			if t == "N" {
				return &types.AttributeValueMemberN{Value: s}, nil
			}
			return &types.AttributeValueMemberS{Value: s}, nil
		case "BOOL":
			var b bool
			if err := json.Unmarshal(body, &b); err != nil {
				return nil, err
			}
			return &types.AttributeValueMemberBOOL{Value: b}, nil
		case "NULL":
			return &types.AttributeValueMemberNULL{Value: true}, nil
		case "L":
			var l []json.RawMessage
			if err := json.Unmarshal(body, &l); err != nil {
				return nil, err
			}
			out := &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
			for _, e := range l {
				ev, err := decode(e)
				if err != nil {
					return nil, err
				}
				out.Value = append(out.Value, ev)
			}
			return out, nil
		case "M":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(body, &m); err != nil {
				return nil, err
			}
			out := &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}
			for k, e := range m {
				ev, err := decode(e)
				if err != nil {
					return nil, err
				}
				out.Value[k] = ev
			}
			return out, nil
		default:
			return nil, fmt.Errorf("type %s is not supported", t)
		}
	}
	return nil, errors.New("empty value")
}
