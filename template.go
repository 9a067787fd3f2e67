// Package jianyan exists only to share template.yaml, the AWS SAM template at
// the repository root, with Go code: the template is the one source of truth
// for the DynamoDB table's definition, and the DynamoDB tests, the local
// stack's --dynamodb mode and the emulator end-to-end test create their
// tables from it (see internal/dynamo/tabledef). Go's embed
// directive cannot reach files above a package's directory, hence this file.
package jianyan

import _ "embed"

// Template is the content of template.yaml.
//
//go:embed template.yaml
var Template []byte
