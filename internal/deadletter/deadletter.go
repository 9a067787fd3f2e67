// Package deadletter sends what landed in the route function's dead-letter
// queue back through routing.
//
// When the route function keeps failing on a stream batch (MaximumRetryAttempts
// or MaximumRecordAgeInSeconds in template.yaml), Lambda gives the batch up
// and writes a record of it to the queue: not the items, only where they
// are in the table's stream, in the shape AWS documents for the on-failure
// destination of a DynamoDB event source mapping
// (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html):
//
//	{"requestContext":{…,"condition":"RetryAttemptsExhausted",…},
//	 "responseContext":{…},"version":"1.0","timestamp":"…",
//	 "DDBStreamBatchInfo":{"shardId":"…","startSequenceNumber":"…","endSequenceNumber":"…",
//	   "approximateArrivalOfFirstRecord":"…","approximateArrivalOfLastRecord":"…",
//	   "batchSize":1,"streamArn":"arn:aws:dynamodb:…:table/…/stream/…"}}
//
// Redrive reads each such record, reads the batch's records back from the
// stream (GetShardIterator at the start sequence number, GetRecords up to
// the end one) and hands them to the route function's own handler, which is
// idempotent: a suggestion routed meanwhile (by the sweeper) is left as it
// is. A record whose batch routed without a failure is deleted from the
// queue; one that failed again stays, and is seen again after its
// visibility timeout. The stream keeps records for 24 hours: for an older
// batch the records are gone, and Redrive runs the sweepers instead (every
// suggestion still unrouted and every notice still undelivered is taken up
// again), then deletes the record.
package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// QueueAPI is the part of *sqs.Client Redrive calls.
type QueueAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
}

// StreamsAPI is the part of *dynamodbstreams.Client Redrive calls.
type StreamsAPI interface {
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, optFns ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

// Redriver sends the dead-letter queue's batches back through routing.
type Redriver struct {
	Queue    QueueAPI
	QueueURL string
	Streams  StreamsAPI
	// Convert turns a stream record into the record Lambda delivers
	// (dynamo.ToEventRecord).
	Convert func(r streamtypes.Record, streamARN string) (events.DynamoDBEventRecord, error)
	// Handle is the route function's handler (routing.NewStreamHandler).
	Handle func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)
	// Sweep takes up everything left unrouted or undelivered; Redrive
	// runs it for batches whose records the stream no longer has.
	Sweep func(context.Context) error
	// Log receives what was done and what failed; slog.Default when nil.
	Log *slog.Logger
	// VisibilityTimeout is how long a record Redrive is working on stays
	// hidden from other readers (default 5 minutes).
	VisibilityTimeout time.Duration
}

// Result reports a redrive.
type Result struct {
	Messages   int `json:"messages"`   // queue records read
	Redriven   int `json:"redriven"`   // batches handled and deleted from the queue
	Records    int `json:"records"`    // stream records handed to routing
	Expired    int `json:"expired"`    // batches the stream no longer had (the sweepers took them up)
	Failed     int `json:"failed"`     // records left in the queue for a later try
	Unreadable int `json:"unreadable"` // records that are not a DynamoDB stream batch (left in the queue)
}

// batchInfo is the part of an on-failure record Redrive reads.
type batchInfo struct {
	ShardID             string `json:"shardId"`
	StartSequenceNumber string `json:"startSequenceNumber"`
	EndSequenceNumber   string `json:"endSequenceNumber"`
	BatchSize           int    `json:"batchSize"`
	StreamARN           string `json:"streamArn"`
}

// ErrIncomplete is returned (wrapped) when some records stayed in the
// queue: they failed again, or could not be read.
var ErrIncomplete = errors.New("deadletter: some records stay in the queue")

// handleBatch is the most records one handler call gets (the template's
// BatchSize).
const handleBatch = 100

// maxEmptyReads bounds GetRecords calls that return nothing before the end
// sequence number is reached ("it might take multiple calls to get to a
// portion of the shard that contains stream records").
const maxEmptyReads = 20

// Redrive works through the queue until it is empty (every record seen
// once) or ctx is about to end. It returns ErrIncomplete when records stay
// in the queue.
func (r *Redriver) Redrive(ctx context.Context) (Result, error) {
	var res Result
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	vis := r.VisibilityTimeout
	if vis <= 0 {
		vis = 5 * time.Minute
	}
	swept := false
	for {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 10*time.Second {
			break // leave time to answer; what is left stays for the next run
		}
		out, err := r.Queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(r.QueueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 0,
			VisibilityTimeout: int32(vis / time.Second),
		})
		if err != nil {
			return res, fmt.Errorf("deadletter: receive from %s: %w", r.QueueURL, err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			res.Messages++
			var body struct {
				Info *batchInfo `json:"DDBStreamBatchInfo"`
			}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &body); err != nil || body.Info == nil ||
				body.Info.ShardID == "" || body.Info.StreamARN == "" || body.Info.StartSequenceNumber == "" {
				res.Unreadable++
				log.ErrorContext(ctx, "dead-letter record is not a DynamoDB stream batch; left in the queue", "message_id", aws.ToString(m.MessageId))
				continue
			}
			n, err := r.replay(ctx, *body.Info)
			switch {
			case errors.Is(err, errExpired):
				if !swept {
					if err := r.Sweep(ctx); err != nil {
						res.Failed++
						log.ErrorContext(ctx, "dead-letter batch expired and the sweep failed; left in the queue", "message_id", aws.ToString(m.MessageId), "error", err)
						continue
					}
					swept = true
				}
				res.Expired++
			case err != nil:
				res.Failed++
				log.ErrorContext(ctx, "dead-letter batch failed again; left in the queue", "message_id", aws.ToString(m.MessageId),
					"shard_id", body.Info.ShardID, "start_sequence_number", body.Info.StartSequenceNumber, "error", err)
				continue
			}
			res.Records += n
			if _, err := r.Queue.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				// Handled, but it will be seen again: routing is
				// idempotent, so that costs a read, not a duplicate.
				res.Failed++
				log.ErrorContext(ctx, "dead-letter record handled but not deleted", "message_id", aws.ToString(m.MessageId), "error", err)
				continue
			}
			res.Redriven++
			log.InfoContext(ctx, "dead-letter batch redriven", "message_id", aws.ToString(m.MessageId), "records", n, "expired", errors.Is(err, errExpired))
		}
	}
	if res.Failed+res.Unreadable > 0 {
		return res, fmt.Errorf("%w: %d failed again, %d unreadable", ErrIncomplete, res.Failed, res.Unreadable)
	}
	return res, nil
}

// errExpired means the stream no longer has the batch's records.
var errExpired = errors.New("the stream no longer has these records")

// replay reads the batch's records from the stream and hands them to the
// handler. It returns how many it handed over.
func (r *Redriver) replay(ctx context.Context, b batchInfo) (int, error) {
	it, err := r.Streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
		StreamArn: aws.String(b.StreamARN), ShardId: aws.String(b.ShardID),
		ShardIteratorType: streamtypes.ShardIteratorTypeAtSequenceNumber, SequenceNumber: aws.String(b.StartSequenceNumber),
	})
	if err != nil {
		var trimmed *streamtypes.TrimmedDataAccessException
		var gone *streamtypes.ResourceNotFoundException
		if errors.As(err, &trimmed) || errors.As(err, &gone) {
			return 0, errExpired
		}
		return 0, fmt.Errorf("shard iterator: %w", err)
	}
	end := b.EndSequenceNumber
	if end == "" {
		end = b.StartSequenceNumber
	}
	var recs []events.DynamoDBEventRecord
	iter, empty, done := it.ShardIterator, 0, false
	for iter != nil && !done {
		out, err := r.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			var trimmed *streamtypes.TrimmedDataAccessException
			var expiredIter *streamtypes.ExpiredIteratorException
			if errors.As(err, &trimmed) {
				return 0, errExpired
			}
			if errors.As(err, &expiredIter) {
				return 0, fmt.Errorf("records: iterator expired: %w", err)
			}
			return 0, fmt.Errorf("records: %w", err)
		}
		if len(out.Records) == 0 {
			if empty++; empty > maxEmptyReads {
				return 0, fmt.Errorf("records: the stream ended before sequence number %s", end)
			}
		}
		for _, sr := range out.Records {
			seq := aws.ToString(sr.Dynamodb.SequenceNumber)
			if compareSeq(seq, b.StartSequenceNumber) < 0 {
				continue
			}
			if compareSeq(seq, end) > 0 {
				done = true
				break
			}
			rec, err := r.Convert(sr, b.StreamARN)
			if err != nil {
				return 0, fmt.Errorf("record %s: %w", seq, err)
			}
			recs = append(recs, rec)
			if seq == end {
				done = true
				break
			}
		}
		iter = out.NextShardIterator
	}
	if !done && len(recs) == 0 {
		return 0, errExpired // a closed shard that no longer holds the range
	}
	for i := 0; i < len(recs); i += handleBatch {
		batch := recs[i:min(i+handleBatch, len(recs))]
		resp, err := r.Handle(ctx, events.DynamoDBEvent{Records: batch})
		if err != nil {
			return 0, fmt.Errorf("route: %w", err)
		}
		if len(resp.BatchItemFailures) > 0 {
			return 0, fmt.Errorf("route: %d of %d records failed again, first %s", len(resp.BatchItemFailures), len(batch),
				resp.BatchItemFailures[0].ItemIdentifier)
		}
	}
	return len(recs), nil
}

// compareSeq compares two stream sequence numbers, which are decimal
// numbers of up to 40 digits.
func compareSeq(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
