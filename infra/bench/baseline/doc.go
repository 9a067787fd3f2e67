// Package baseline holds the references the benchmark harness (infra/bench)
// measures Jianyan against in the same run: two Lambdas, built with the
// same flags and run under the same emulator as the functions, and the
// floor of the local stack:
//
//   - hello: a hello-world Go Lambda that loads the AWS configuration,
//     builds a DynamoDB client and answers. The cold-start baseline.
//   - put: the same, plus one bare PutItem of an item the size the event
//     asks for. The warm-submission baseline.
//   - floor: a bare net/http server that decodes the same submission JSON
//     and inserts one row into SQLite with the local stack's durability
//     setting (synchronous=FULL). The local-submission baseline.
//
// None is deployed; they exist only to be measured.
package baseline
