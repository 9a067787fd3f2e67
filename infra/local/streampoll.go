package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/jianyan/jianyan/internal/dynamo"
)

// streamsAPI is the part of *dynamodbstreams.Client pollStream calls.
type streamsAPI interface {
	ListStreams(ctx context.Context, in *dynamodbstreams.ListStreamsInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.ListStreamsOutput, error)
	DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

var _ streamsAPI = (*dynamodbstreams.Client)(nil)

// streamHandler handles one batch of stream records, like the route
// function's Lambda handler, reporting failed records by sequence number.
type streamHandler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// pollConfig tunes pollStream. The zero value is usable.
type pollConfig struct {
	// StartingPosition for the shards open when polling starts: LATEST
	// (default) or TRIM_HORIZON. Shards that appear later are always read
	// from their start, as the event source mapping does.
	StartingPosition streamtypes.ShardIteratorType
	// BatchSize is the most records per handler call (default 100).
	BatchSize int32
	// Interval is the pause between polls of an idle stream (default 250ms).
	Interval time.Duration
	// MaxRetries is how often a failed batch is retried before its failed
	// records are given up (logged; on AWS they would go to the dead-letter
	// queue and the sweeper routes them). Default 3; negative means none.
	MaxRetries int
	// Logger receives the poller's logs; slog.Default when nil.
	Logger *slog.Logger
	// Ready, when set, is called once the poller holds iterators for the
	// shards open at start. With StartingPosition LATEST, records written
	// before that are never delivered, so a host that must not miss any
	// waits for Ready before it accepts writes.
	Ready func()
}

// shardState is where the poller is in one shard.
type shardState struct {
	id       string
	parent   string
	iterator *string
	lastSeq  string
	done     bool
}

// pollStream reads the stream of table and hands its records to handle the
// way Lambda's DynamoDB event source mapping with ReportBatchItemFailures
// does: records in order per shard, in batches of at most BatchSize,
// converted to aws-lambda-go's events types (eventSourceARN set to the
// stream ARN); when the handler reports failed records (or returns an
// error), the batch is retried from the first failed record on, with
// backoff, up to MaxRetries times. Parent shards are read before their
// children. It runs until ctx is done and then returns ctx's error.
//
// It finds the stream with ListStreams, so it needs only the streams
// client (DescribeTable's LatestStreamArn is the same stream).
func pollStream(ctx context.Context, client streamsAPI, table string, handle streamHandler, cfg pollConfig) error {
	if cfg.StartingPosition == "" {
		cfg.StartingPosition = streamtypes.ShardIteratorTypeLatest
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 100
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 250 * time.Millisecond
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	p := &poller{client: client, table: table, handle: handle, cfg: cfg, shards: map[string]*shardState{}}
	return p.run(ctx)
}

type poller struct {
	client streamsAPI
	table  string
	handle streamHandler
	cfg    pollConfig
	arn    string
	shards map[string]*shardState
	order  []string // shard IDs in discovery order
}

func (p *poller) run(ctx context.Context) error {
	first := true
	var lastRefresh time.Time
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.arn == "" || time.Since(lastRefresh) > 5*time.Second {
			if err := p.refresh(ctx, first); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				p.cfg.Logger.Warn("数据流读取:刷新分片失败", "table", p.table, "error", err)
			} else {
				if first && p.cfg.Ready != nil {
					p.cfg.Ready()
				}
				first = false
				lastRefresh = time.Now()
			}
		}
		got := 0
		for _, id := range p.order {
			sh := p.shards[id]
			if sh.done || sh.iterator == nil || !p.parentDone(sh) {
				continue
			}
			n, err := p.pollShard(ctx, sh)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				p.cfg.Logger.Warn("数据流读取:读取分片失败", "shard", sh.id, "error", err)
			}
			got += n
		}
		if got == 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(p.cfg.Interval):
			}
		}
	}
}

// parentDone reports whether sh's parent (if the poller knows it) is read
// to its end, so that records stay in order across a shard split.
func (p *poller) parentDone(sh *shardState) bool {
	parent, ok := p.shards[sh.parent]
	return !ok || parent.done
}

// refresh finds the stream and any shards not seen yet.
func (p *poller) refresh(ctx context.Context, first bool) error {
	if p.arn == "" {
		out, err := p.client.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String(p.table)})
		if err != nil {
			return fmt.Errorf("列出表 %s 的数据流:%w", p.table, err)
		}
		if len(out.Streams) == 0 {
			return fmt.Errorf("表 %s 没有开启数据流", p.table)
		}
		// The latest stream (labels are timestamps).
		sort.Slice(out.Streams, func(i, j int) bool {
			return aws.ToString(out.Streams[i].StreamLabel) > aws.ToString(out.Streams[j].StreamLabel)
		})
		p.arn = aws.ToString(out.Streams[0].StreamArn)
	}
	var start *string
	for {
		out, err := p.client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(p.arn), ExclusiveStartShardId: start})
		if err != nil {
			return fmt.Errorf("读取数据流 %s 的描述:%w", p.arn, err)
		}
		if out.StreamDescription == nil {
			return fmt.Errorf("数据流 %s 没有返回描述", p.arn)
		}
		for _, s := range out.StreamDescription.Shards {
			id := aws.ToString(s.ShardId)
			if _, seen := p.shards[id]; seen {
				continue
			}
			sh := &shardState{id: id, parent: aws.ToString(s.ParentShardId)}
			closed := s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil
			pos := streamtypes.ShardIteratorTypeTrimHorizon
			if first {
				pos = p.cfg.StartingPosition
				if pos == streamtypes.ShardIteratorTypeLatest && closed {
					sh.done = true // nothing new will ever come from it
				}
			}
			if !sh.done {
				it, err := p.client.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
					StreamArn: aws.String(p.arn), ShardId: aws.String(id), ShardIteratorType: pos,
				})
				if err != nil {
					return fmt.Errorf("获取分片 %s 的迭代器:%w", id, err)
				}
				sh.iterator = it.ShardIterator
			}
			p.shards[id] = sh
			p.order = append(p.order, id)
		}
		start = out.StreamDescription.LastEvaluatedShardId
		if start == nil {
			return nil
		}
	}
}

// pollShard reads one batch from sh and delivers it.
func (p *poller) pollShard(ctx context.Context, sh *shardState) (int, error) {
	out, err := p.client.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: sh.iterator, Limit: aws.Int32(p.cfg.BatchSize)})
	if err != nil {
		var expired *streamtypes.ExpiredIteratorException
		if errors.As(err, &expired) {
			return 0, p.reposition(ctx, sh)
		}
		var trimmed *streamtypes.TrimmedDataAccessException
		var gone *streamtypes.ResourceNotFoundException
		if errors.As(err, &trimmed) || errors.As(err, &gone) {
			sh.done = true
		}
		return 0, fmt.Errorf("读取数据流记录:%w", err)
	}
	sh.iterator = out.NextShardIterator
	if sh.iterator == nil {
		sh.done = true
	}
	if len(out.Records) == 0 {
		return 0, nil
	}
	recs := make([]events.DynamoDBEventRecord, 0, len(out.Records))
	for _, r := range out.Records {
		rec, err := dynamo.ToEventRecord(r, p.arn)
		if err != nil {
			p.cfg.Logger.Error("数据流读取:跳过无法转换的记录", "event_id", aws.ToString(r.EventID), "error", err)
			continue
		}
		recs = append(recs, rec)
	}
	p.deliver(ctx, recs)
	sh.lastSeq = aws.ToString(out.Records[len(out.Records)-1].Dynamodb.SequenceNumber)
	return len(out.Records), nil
}

// reposition gets a fresh iterator after the last record handled.
func (p *poller) reposition(ctx context.Context, sh *shardState) error {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.arn), ShardId: aws.String(sh.id), ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon}
	if sh.lastSeq != "" {
		in.ShardIteratorType = streamtypes.ShardIteratorTypeAfterSequenceNumber
		in.SequenceNumber = aws.String(sh.lastSeq)
	}
	it, err := p.client.GetShardIterator(ctx, in)
	if err != nil {
		return fmt.Errorf("更新分片 %s 的迭代器:%w", sh.id, err)
	}
	sh.iterator = it.ShardIterator
	return nil
}

// deliver hands recs to the handler, retrying from the first failed record.
func (p *poller) deliver(ctx context.Context, recs []events.DynamoDBEventRecord) {
	batch := recs
	for attempt := 0; len(batch) > 0; attempt++ {
		resp, err := p.handle(ctx, events.DynamoDBEvent{Records: batch})
		from := 0
		switch {
		case err != nil:
			p.cfg.Logger.Warn("数据流读取:处理失败,将重试", "records", len(batch), "attempt", attempt+1, "error", err)
		case len(resp.BatchItemFailures) == 0:
			return
		default:
			from = firstFailed(batch, resp.BatchItemFailures)
			p.cfg.Logger.Warn("数据流读取:部分记录处理失败,将重试", "failed", len(resp.BatchItemFailures), "attempt", attempt+1)
		}
		batch = batch[from:]
		if p.cfg.MaxRetries < 0 || attempt >= p.cfg.MaxRetries {
			p.cfg.Logger.Error("数据流读取:多次重试仍失败,放弃这些记录(定时补分拣会处理)", "records", len(batch), "first_sequence_number", batch[0].Change.SequenceNumber)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
		}
	}
}

// firstFailed is the index of the earliest reported failure in batch; an
// identifier that is not in the batch fails the whole batch, as it does on
// Lambda.
func firstFailed(batch []events.DynamoDBEventRecord, failures []events.DynamoDBBatchItemFailure) int {
	idx := map[string]int{}
	for i, r := range batch {
		idx[r.Change.SequenceNumber] = i
	}
	first := len(batch)
	for _, f := range failures {
		i, ok := idx[f.ItemIdentifier]
		if !ok {
			return 0
		}
		first = min(first, i)
	}
	return first
}
