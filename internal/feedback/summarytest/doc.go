// Package summarytest holds the summary tests that need real stores: the
// same hand-made data summarised on SQLite and on DynamoDB (moto_server),
// exact counts over period edges, delivery idempotence, and the read-cost
// test and benchmark. It has no non-test code besides this comment.
package summarytest
