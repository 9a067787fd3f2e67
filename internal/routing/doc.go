// Package routing is the DynamoDB-stream host of the router: the handler
// behind functions/route, which Lambda invokes with batches of the table's
// stream records.
//
// The handler converts each record to a suggestion with a converter the
// storage adapter provides (it knows the item layout), skips records that
// are not new suggestions, and routes the rest through
// feedback.Service.RouteSuggestion, which is idempotent, so redelivered
// batches change nothing. It reports only the records that failed in an
// events.DynamoDBEventResponse (the event source mapping must enable
// ReportBatchItemFailures) and never fails a whole batch because of one
// record. See
// https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html.
package routing
