// Package securitytest holds the cross-cutting security and reliability
// tests of docs/threat-model.md that need more than one adapter at once:
// DynamoDB faults injected between the SDK and a real DynamoDB-compatible
// server and answered through the real HTTP handler, the append-only audit
// log and the anonymisation of personal data on both stores, and the
// sweeper healing a crash between write and routing on DynamoDB.
//
// It has no code of its own besides this comment; everything is in its
// tests. DynamoDB tests find their server through package dynamotest (and
// skip without one unless JIANYAN_REQUIRE_TOOLS=1).
package securitytest
