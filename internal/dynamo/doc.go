// Package dynamo is the DynamoDB adapter of feedback.Store: one table, a
// single-table design whose keys and global secondary indexes follow the
// access patterns written down in docs/dynamodb.md, with conditional writes
// for create-if-absent, a version attribute for optimistic concurrency,
// transactions for staff-rate multi-item writes and HMAC-signed pagination
// cursors. Suggestions, the items written in bulk, avoid transactions and
// wide indexes: a submission is one conditional PutItem under an ID and
// receipt derived from its idempotency key (receipts.go), and their own
// indexes project keys and a few short attributes only.
//
// It also reads the table's definition from template.yaml (the one source of
// truth, see package tabledef), converts the table's stream records into
// domain suggestions for the router (InsertedSuggestion) and, for the local
// stack, polls the stream the way Lambda's event source mapping does
// (PollStream).
//
// The package never scans the table on a request path and never imports a
// SQLite package: Lambda binaries link it.
package dynamo
