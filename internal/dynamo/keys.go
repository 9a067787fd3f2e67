package dynamo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Item types, in the "type" attribute of every item. The stream conversion
// relies on it to tell suggestions from everything else.
const (
	typeSymposium     = "symposium"
	typeSymposiumCode = "symposium_code"
	typeSuggestion    = "suggestion"
	typeReceipt       = "receipt"
	typeMonth         = "month"
	typeProblemList   = "problem_list"
	typeProblem       = "problem"
	typeEvent         = "audit_event"
	typeEventID       = "audit_event_id"
	typeRules         = "rules"
	typeSummary       = "summary"
	typeAccount       = "account"
	typeToken         = "account_token"
	typeMeta          = "meta"
)

// Key prefixes. docs/dynamodb.md explains the layout.
const (
	pkSymposium     = "SYM#"     // SYM#<id> / SYM
	pkSymposiumCode = "SYMCODE#" // SYMCODE#<code> / SYMCODE
	pkSuggestion    = "SUG#"     // SUG#<id> / SUG
	pkReceipt       = "RCPT#"    // RCPT#<receipt> / RCPT
	pkMonths        = "SUGMONTHS"
	pkProblemList   = "PL#"
	pkProblem       = "PRB#"
	pkEvents        = "EVT#"   // EVT#<problem id> / <at>#<id>
	pkEventID       = "EVTID#" // EVTID#<id> / EVTID: keeps event IDs unique
	skEventID       = "EVTID"
	pkRules         = "RULES"
	pkSummary       = "SUMMARY#"
	pkAccount       = "ACC#"
	pkToken         = "TOKEN#"
	pkMeta          = "META"

	skSymposium     = "SYM"
	skSymposiumCode = "SYMCODE"
	skSuggestion    = "SUG"
	skReceipt       = "RCPT"
	skProblemList   = "PL"
	skProblem       = "PRB"
	skRules         = "RULES"
	skSummary       = "SUMMARY"
	skAccount       = "ACC"
	skToken         = "TOKEN"
	skCursorKey     = "CURSOR_KEY"
	skReceiptKey    = "RECEIPT_KEY"

	// Index partitions. Suggestions have indexes of their own (sgm, sgs,
	// sgp) with narrow projections; the other item types share gsi1..gsi5.
	sgmMonth      = "SUG#"    // sgm: + month
	sgsSymposium  = "SUGSYM#" // sgs: + symposium id
	sgpProblem    = "SUGPR#"  // sgp: + problem id
	g1Symposia    = "SYM"
	g1Rehandle    = "SUGREHANDLE" // suggestions waiting for a re-handle
	g1Lists       = "PL"
	g1Problems    = "PRB"
	g2ProblemsL   = "PRBL#" // + list id
	g3ProblemsS   = "PRBS#" // + status
	g4ProblemsU   = "PRBU#" // + unit
	g5ProblemsDue = "PRBDUE"
	g1Summaries   = "SUMMARY"
	g2SummariesP  = "SUMMARY#" // + period
	g1Accounts    = "ACC"
)

// tsLayout is a fixed-width UTC timestamp: as strings, these sort in time
// order, which the index sort keys rely on.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

// ts formats t for storage; the zero time is "".
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(tsLayout)
}

// sortTS is ts for sort keys, where the zero time still needs a place.
func sortTS(t time.Time) string { return t.UTC().Format(tsLayout) }

// parseTS reads a stored timestamp; "" is the zero time.
func parseTS(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("decode %s: %w", field, err)
	}
	return t, nil
}

// month is the bucket of a suggestion submitted at t: its month in
// Asia/Shanghai, so a monthly summary reads exactly one bucket.
func month(t time.Time) string { return t.In(feedback.Shanghai).Format("2006-01") }

// condition is a built condition expression, names and values together.
type condition struct {
	expr   *string
	names  map[string]string
	values map[string]types.AttributeValue
}

// cond builds c. The builders only fail on programming errors (an empty
// builder), which tests catch, so a failure panics.
func cond(c expression.ConditionBuilder) *condition {
	e, err := expression.NewBuilder().WithCondition(c).Build()
	if err != nil {
		panic(fmt.Sprintf("dynamo: build condition: %v", err))
	}
	return &condition{expr: e.Condition(), names: e.Names(), values: e.Values()}
}

// notExists is the create-if-absent condition.
func notExists() *condition {
	return cond(expression.AttributeNotExists(expression.Name("pk")))
}

// versionIs is the optimistic-concurrency condition: the stored item exists
// and still has version v.
func versionIs(v int64) *condition {
	return cond(expression.AttributeExists(expression.Name("pk")).
		And(expression.Name("version").Equal(expression.Value(v))))
}
