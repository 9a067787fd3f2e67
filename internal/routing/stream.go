package routing

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Converter turns a stream record into the suggestion it inserted. It
// returns ok == false, and no error, for every record that is not a new
// suggestion: other item types, modifications, removals, records of other
// tables. An error means the record looked like a suggestion but could not
// be read.
type Converter func(events.DynamoDBEventRecord) (sg *feedback.Suggestion, ok bool, err error)

// NoticeConverter turns a stream record into the outbox notice it
// inserted, like Converter does for suggestions.
type NoticeConverter func(events.DynamoDBEventRecord) (n *feedback.Notice, ok bool, err error)

// StreamHandler is the route function's handler type.
type StreamHandler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// NewStreamHandler returns the handler for the table's stream: it routes
// every new suggestion in the batch with svc, delivers every new outbox
// notice (when notices is not nil) and reports the records it could not
// handle as batch item failures (identified by sequence number), so Lambda
// retries only from those. A notice a channel refused is not a failed
// record: the outbox records it and the sweeper sends it again. It never
// returns an error: a failed record must not make Lambda retry records that
// succeeded. It logs what it could not do through log (the function's
// lambdacontext logger on AWS, so each line carries the request ID;
// slog.Default when nil).
func NewStreamHandler(svc *feedback.Service, convert Converter, notices NoticeConverter, log *slog.Logger) StreamHandler {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		return handle(ctx, log, svc, convert, notices, ev), nil
	}
}

func handle(ctx context.Context, log *slog.Logger, svc *feedback.Service, convert Converter, notices NoticeConverter, ev events.DynamoDBEvent) events.DynamoDBEventResponse {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	var routed, delivered, skipped int
	fail := func(rec events.DynamoDBEventRecord) {
		resp.BatchItemFailures = append(resp.BatchItemFailures,
			events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
	}
	for _, rec := range ev.Records {
		if err := ctx.Err(); err != nil {
			// Out of time: hand the rest back rather than half-do them.
			fail(rec)
			continue
		}
		if notices != nil {
			n, ok, err := notices(rec)
			if err != nil {
				log.ErrorContext(ctx, "stream record not readable", "event_id", rec.EventID,
					"sequence_number", rec.Change.SequenceNumber, "error", err)
				fail(rec)
				continue
			}
			if ok {
				if _, err := svc.DeliverNotice(ctx, n); err != nil {
					log.ErrorContext(ctx, "notice delivery not recorded", "notice_id", n.ID, "event_id", rec.EventID,
						"sequence_number", rec.Change.SequenceNumber, "code", feedback.ErrorCode(err), "error", err)
					fail(rec)
					continue
				}
				delivered++
				continue
			}
		}
		sg, ok, err := convert(rec)
		if err != nil {
			log.ErrorContext(ctx, "stream record not readable", "event_id", rec.EventID,
				"sequence_number", rec.Change.SequenceNumber, "error", err)
			fail(rec)
			continue
		}
		if !ok || sg == nil || sg.Status != feedback.SuggestionReceived {
			skipped++
			continue
		}
		if err := svc.RouteInserted(ctx, sg); err != nil {
			log.ErrorContext(ctx, "routing failed", "suggestion_id", sg.ID, "event_id", rec.EventID,
				"sequence_number", rec.Change.SequenceNumber, "code", feedback.ErrorCode(err), "error", err)
			fail(rec)
			continue
		}
		routed++
	}
	log.InfoContext(ctx, "stream batch handled", "records", len(ev.Records), "routed", routed, "notices", delivered,
		"skipped", skipped, "failed", len(resp.BatchItemFailures))
	return resp
}
