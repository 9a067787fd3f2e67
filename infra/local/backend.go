package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	jianyan "github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/internal/awsenv"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/tabledef"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/routing"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// backend is the store the process runs on, and for DynamoDB the stream
// consumer that stands in for Lambda's event source mapping.
type backend struct {
	store    feedback.Store
	describe string
	close    func()
	// stream, when set, consumes the table's stream and routes new
	// suggestions, as the route function does on AWS. It calls ready once
	// it reads the stream, so that no submission goes unseen.
	stream func(ctx context.Context, svc *feedback.Service, ready func())
}

func openBackend(ctx context.Context, o options, log *slog.Logger) (*backend, error) {
	if !o.useDynamoDB {
		if err := checkDataPath(o.data); err != nil {
			return nil, err
		}
		sync := sqlite.SyncFull
		if o.durability == "relaxed" {
			sync = sqlite.SyncNormal
			log.Warn("警告:落盘保证已关闭(--durability=relaxed)。进程被终止时已确认的提交不会丢失,但断电或系统崩溃时最近确认的提交可能丢失。仅用于演示,切勿用于正式收集意见。")
		}
		store, err := sqlite.Open(ctx, o.data, sqlite.WithSynchronous(sync))
		if err != nil {
			return nil, fmt.Errorf("打开数据文件 %s:%w", o.data, err)
		}
		if up := store.Upgraded(); up != nil {
			log.Info("数据文件已升级到本版本的结构", "file", o.data, "from_version", up.From, "to_version", up.To, "copy_before_upgrade", up.Backup)
		}
		return &backend{store: store, describe: o.data, close: func() { _ = store.Close() }}, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("读取 AWS 配置失败:%w", err)
	}
	if err := awsenv.CheckRegion(cfg.Region); err != nil {
		return nil, err
	}
	client := dynamodb.NewFromConfig(cfg)
	// Creating the table when it is missing makes a fresh DynamoDB Local or
	// moto_server usable at once; deletion protection stays off there.
	if err := tabledef.EnsureTable(ctx, client, jianyan.Template, o.table, false); err != nil {
		endpoint := cfg.BaseEndpoint
		if ep := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"); ep != "" {
			endpoint = &ep
		}
		return nil, fmt.Errorf("DynamoDB 表 %s:%w", o.table, awsenv.DiagnoseDynamoDB(err, o.table, cfg.Region, endpoint))
	}
	store := dynamo.New(client, o.table)
	if err := store.EnsureSeed(ctx); err != nil {
		return nil, fmt.Errorf("初始化 DynamoDB 表 %s:%w", o.table, err)
	}
	b := &backend{store: store, describe: "DynamoDB 表 " + o.table, close: func() {}}
	b.stream = streamConsumer(cfg, o.table, log)
	return b, nil
}

// streamConsumer polls the table's stream and routes new suggestions through
// the same handler the route function runs on AWS.
func streamConsumer(cfg aws.Config, table string, log *slog.Logger) func(ctx context.Context, svc *feedback.Service, ready func()) {
	client := dynamodbstreams.NewFromConfig(cfg)
	return func(ctx context.Context, svc *feedback.Service, ready func()) {
		convert := func(rec events.DynamoDBEventRecord) (*feedback.Suggestion, bool, error) {
			return dynamo.InsertedSuggestion(rec, table)
		}
		handle := routing.NewStreamHandler(svc, convert, func(rec events.DynamoDBEventRecord) (*feedback.Notice, bool, error) {
			return dynamo.InsertedNotice(rec, table)
		}, log)
		err := pollStream(ctx, client, table, streamHandler(handle), pollConfig{Logger: log, Ready: ready})
		if err != nil && ctx.Err() == nil {
			log.Error("读取表的数据流已停止,定时补分拣仍会处理新意见", "table", table, "err", err)
		}
	}
}
