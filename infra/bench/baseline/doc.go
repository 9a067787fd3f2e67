// Package baseline holds the two reference Lambdas the benchmark harness
// (infra/bench) measures Jianyan's functions against, built with the same
// flags and run under the same emulator in the same run:
//
//   - hello: a hello-world Go Lambda that loads the AWS configuration,
//     builds a DynamoDB client and answers. The cold-start baseline.
//   - put: the same, plus one bare PutItem of an item the size the event
//     asks for. The warm-submission baseline.
//
// Neither is deployed; they exist only to be measured.
package baseline
