// Package emulator holds the end-to-end test of the Lambda functions as
// they are deployed: it builds the real bootstrap binaries (the same flags
// as the Makefile), runs each under the AWS Lambda Runtime Interface
// Emulator (aws-lambda-rie) against a DynamoDB-compatible server
// (moto_server) with a table created from template.yaml, and drives them
// with the events AWS would send: API Gateway HTTP API (payload 2.0)
// requests carrying JWT-authorizer claims, the table's stream records in
// the shape of Lambda's event source mapping, and EventBridge Scheduler
// events. It also checks that each stripped arm64 binary stays within the
// size budget and links no SQLite.
//
// The package has no code of its own; everything is in its tests. They skip
// when aws-lambda-rie or a DynamoDB endpoint is missing, and fail instead
// when JIANYAN_REQUIRE_TOOLS=1 (package testenv).
package emulator
