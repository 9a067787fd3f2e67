// Package storetest is the contract suite every feedback.Store adapter must
// pass. Adapters call Run from their own tests with a function that opens a
// fresh, empty store; the same suite then runs against SQLite and DynamoDB.
//
// Beyond what the feedback.Store documentation says, the suite holds stores to
// these decisions (where the interface left room):
//
//   - Times round-trip to at least the millisecond and compare with
//     time.Time.Equal (a store may hand them back in another location).
//     Empty and nil slices and maps are the same thing.
//   - What may be stored is decided by the domain, once: every write runs
//     the item's Validate (feedback.ValidateProblemWrite for problem
//     writes), which also checks its keys (IDs, codes, receipts, token
//     hashes, references) with feedback.CheckKey; every list runs its
//     filter's Validate. A refusal is EInvalid and stores nothing; a Get
//     with a malformed key returns ENotFound or EInvalid.
//   - Updating an item that does not exist returns ENotFound or EConflict
//     (DynamoDB's conditional writes cannot cheaply tell them apart).
//     CreateProblem/UpdateProblem naming a suggestion that does not exist
//     fail the same way, storing nothing.
//   - Idempotency: a suggestion with the same SymposiumID and IdempotencyKey
//     whose SubmittedAt is less than feedback.IdempotencyWindow before the
//     new one's returns the stored one (created == false). When several were
//     stored (each after the previous one's window), the latest is returned.
//     A different symposium is a different scope. Suggestions without a key
//     are never deduplicated.
//   - Query (SuggestionFilter.Query) is split at white space; every term must
//     occur as a substring of the topic or of the content. Terms of any
//     length work (one and two Chinese characters included); characters that
//     mean something to a search engine (quotes, *, AND, NEAR) are literal.
//     Folding of Latin letter case is store-defined and not tested.
//   - Ordering: symposia newest first (CreatedAt, then ID, descending);
//     suggestions newest first (SubmittedAt, ID descending); problem lists
//     triage first, then CreatedAt, ID descending; problems oldest first
//     (CreatedAt, ID ascending); audit events oldest first (At, ID
//     ascending); summaries newest period first (From, then ID, descending);
//     accounts oldest first (CreatedAt, ID ascending).
//   - Pages: a page holds at most Limit items, and every page that carries a
//     NextCursor is full. The last page may be empty. A store reads as far
//     as a filter or a search needs: it never answers a short page, nor
//     ends the list, while matches remain in the range asked for
//     (SparseMatches: two matches among thousands).
//   - Cursors: garbage, a cursor with any byte changed, and a cursor issued by
//     another list (say, ListSymposia's given to ListSuggestions) are EInvalid.
//   - References are not checked by the contract: a store may reject a
//     suggestion naming an unknown symposium (EInvalid) or not. The suite
//     always creates what it refers to first.
//   - A failed write leaves the arguments' Version unchanged.
//   - CreateSuggestion given a suggestion without an idempotency key and
//     with the ID, receipt and SubmittedAt of a stored one may report it
//     created: that is the same write sent again (DynamoDB's SDK retries a
//     put whose answer was lost), not a clash. The suite never does it.
package storetest

import (
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Opener returns a new, empty store for one test. It registers its own
// cleanup with tb.Cleanup.
type Opener func(tb testing.TB) feedback.Store

// Run runs the whole contract suite against stores made by open. Each
// top-level subtest opens its own store.
func Run(t *testing.T, open Opener) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Symposia", testSymposia},
		{"Suggestions", testSuggestions},
		{"Idempotency", testIdempotency},
		{"ProblemLists", testProblemLists},
		{"Problems", testProblems},
		{"ProblemAtomicity", testProblemAtomicity},
		{"ProblemAggregates", testProblemAggregates},
		{"AuditEvents", testAuditEvents},
		{"Evidence", testEvidence},
		{"EvidenceAttachAtomic", testEvidenceAttachAtomic},
		{"RuleSet", testRuleSet},
		{"Settings", testSettings},
		{"Summaries", testSummaries},
		{"Accounts", testAccounts},
		{"OptimisticConcurrency", testConcurrency},
		{"SuggestionFilters", testSuggestionFilters},
		{"SuggestionCounts", testSuggestionCounts},
		{"SparseMatches", testSparseMatches},
		{"SuggestionWithNotices", testSuggestionWithNotices},
		{"ProblemFeedback", testProblemFeedback},
		{"ProblemFilters", testProblemFilters},
		{"SymposiumFilters", testSymposiumFilters},
		{"Pagination", testPagination},
		{"Cursors", testCursors},
		{"BadInput", testBadInput},
		{"BadFilters", testBadFilters},
		{"Notices", testNotices},
		{"Units", testUnits},
		{"ProblemFieldsRoundTrip", testProblemFieldsRoundTrip},
		{"UnitRewrites", testUnitRewrites},
		{"CalendarYears", testCalendarYears},
		{"Extensions", testExtensions},
		{"ExtensionPendingFilter", testExtensionPendingFilter},
		{"WriteProblems", testWriteProblems},
		{"Contributions", testContributions},
		{"Assessment", testAssessment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}
