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
// truth, see package tabledef) and converts the table's stream records into
// domain suggestions for the router (InsertedSuggestion, ToEventRecord). The
// local stack's stream poller lives with the local stack (infra/local);
// test and benchmark support (a DynamoDB-compatible server, tables, a read
// counter) lives in dynamotest.
//
// Files: one per kind of item the store keeps (symposium.go, suggestion.go,
// problem.go, ruleset.go, summary.go, account.go), their stored layout in
// items.go, keys and indexes in keys.go, lists in query.go and cursor.go,
// problem counters in aggregates.go, stream records in stream.go, the
// conditional single-item put that survives the SDK's retries in putif.go.
//
// The package never scans the table on a request path and never imports a
// SQLite package: Lambda binaries link it.
package dynamo
