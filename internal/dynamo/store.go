package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/jianyan/jianyan/internal/feedback"
)

// API is the part of *dynamodb.Client the store calls. Tests pass a real
// client pointed at a DynamoDB-compatible server.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Store is the DynamoDB implementation of feedback.Store.
type Store struct {
	db    API
	table *string
	now   feedback.Clock

	keyMu      sync.Mutex
	cursorKey  []byte // HMAC key for cursors; loaded or created on first use
	receiptKey []byte // HMAC key for derived receipts and IDs (receipts.go)

	seedMu sync.Mutex
	seeded bool // the triage list is known to exist

	months sync.Map // month bucket → struct{}: markers known to be written

	codes *codeCache // symposia by code; nil unless WithSymposiumCache
}

var _ feedback.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithCursorKey sets the key that signs pagination cursors. Without it the
// store uses a random key kept in the table itself (created on first use, so
// every Lambda instance shares it).
func WithCursorKey(key []byte) Option {
	return func(s *Store) { s.cursorKey = append([]byte(nil), key...) }
}

// WithClock sets the clock for the times the store itself stamps (the
// seeded triage list). Default time.Now.
func WithClock(now feedback.Clock) Option {
	return func(s *Store) { s.now = now }
}

// New returns a Store over table. It does no I/O: the triage list is seeded
// and the cursor key loaded lazily, on first use (call EnsureSeed to do it up
// front, say at start-up of the local stack).
func New(client API, table string, opts ...Option) *Store {
	s := &Store{db: client, table: aws.String(table), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// EnsureSeed creates the triage list unless it exists. Problem-list methods
// call it lazily once per Store; calling it at start-up is optional.
func (s *Store) EnsureSeed(ctx context.Context) error {
	s.seedMu.Lock()
	defer s.seedMu.Unlock()
	if s.seeded {
		return nil
	}
	item, err := problemListToItem(feedback.NewTriageList(s.now()))
	if err != nil {
		return err
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           s.table,
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("dynamo: seed triage list: %w", storeErr(err))
	}
	s.seeded = true
	return nil
}

// key builds a primary key.
func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pk},
		"sk": &types.AttributeValueMemberS{Value: sk},
	}
}

// getItem reads one item strongly consistently and decodes it into out. It
// returns false when there is no such item.
func (s *Store) getItem(ctx context.Context, pk, sk string, out any) (bool, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      s.table,
		Key:            key(pk, sk),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, storeErr(err)
	}
	if len(res.Item) == 0 {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return false, feedback.Internal(fmt.Errorf("decode item: %w", err))
	}
	return true, nil
}

// storeErr turns an SDK error into a domain error: a failed condition is a
// conflict, throttling, 5xx and no answer are EUnavailable (see
// unavailable), the rest EInternal. The cause stays in the chain for the
// logs.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var de *feedback.Error
	if errors.As(err, &de) {
		return err
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return feedback.StoreConflict(err)
	}
	for _, r := range cancelReasons(err) {
		switch r {
		case "ConditionalCheckFailed", "TransactionConflict":
			return feedback.StoreConflict(err)
		}
	}
	if unavailable(err) {
		return feedback.StoreUnavailable(err)
	}
	return feedback.Internal(err)
}

// unavailable reports whether err, returned after the SDK's own retries
// (exponential backoff with jitter), means DynamoDB is overloaded or
// failing for now rather than that the request is wrong: throttling, a
// transaction cancelled by throttling, a 5xx answer, or no answer at all.
// Callers answer 503 with Retry-After; nothing was written, because every
// write is a single conditional item write or one transaction.
func unavailable(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException",
			"TransactionInProgressException", "InternalServerError", "ServiceUnavailable", "LimitExceededException":
			return true
		}
	}
	for _, r := range cancelReasons(err) {
		switch r {
		case "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded":
			return true
		}
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) && status.HTTPStatusCode() >= 500 {
		return true
	}
	var send *smithyhttp.RequestSendError
	return errors.As(err, &send)
}

// cancelReasons returns the cancellation reason codes of a cancelled
// transaction, one per action ("None" for the ones that were fine), or nil.
func cancelReasons(err error) []string {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil
	}
	out := make([]string, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		out[i] = aws.ToString(r.Code)
	}
	return out
}

// onlyConflicts reports whether a transaction was cancelled only because of
// another transaction in flight on the same items, which is worth a retry.
func onlyConflicts(reasons []string) bool {
	seen := false
	for _, r := range reasons {
		switch r {
		case "TransactionConflict":
			seen = true
		case "None", "":
		default:
			return false
		}
	}
	return seen
}

// transact runs a transaction, retrying a few times when it was cancelled
// only by a conflicting transaction.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil || !onlyConflicts(cancelReasons(err)) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(20<<attempt) * time.Millisecond):
		}
	}
	return err
}

// put is a TransactWriteItem that puts item under an optional condition.
func (s *Store) put(item map[string]types.AttributeValue, cond *condition) types.TransactWriteItem {
	p := &types.Put{TableName: s.table, Item: item}
	if cond != nil {
		p.ConditionExpression = cond.expr
		p.ExpressionAttributeNames = cond.names
		p.ExpressionAttributeValues = cond.values
	}
	return types.TransactWriteItem{Put: p}
}
