package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// attrWriteID holds the random ID of the put that wrote an item (putIf);
// writeIDBytes is what it adds to an item's size.
const (
	attrWriteID  = "write_id"
	writeIDBytes = len(attrWriteID) + 16
)

// putIf puts item when c holds and returns the SDK's error as it is.
//
// The SDK retries a request whose answer it did not get (a timeout, a reset
// connection, a 5xx). When the first attempt had gone through, the retry
// finds the item it wrote itself and its condition fails: a create sees its
// key taken, an optimistic update sees the version it wrote. Taken as it
// is, that failure would tell a caller its own successful write was a
// conflict (a unit "already registered" by the request registering it). So
// every put carries a random write ID, the same in each of the SDK's
// attempts, and a failed condition asks for the stored item (returned with
// the failure, or read when the server returns none): when it holds this
// put's write ID, the write is done. Another request — even one storing
// the very same content — has an ID of its own and stays a conflict.
func (s *Store) putIf(ctx context.Context, item map[string]types.AttributeValue, c *condition) error {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms
	id := base64.RawURLEncoding.EncodeToString(b[:])
	item[attrWriteID] = &types.AttributeValueMemberS{Value: id}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table, Item: item,
		ConditionExpression: c.expr, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return err
	}
	stored := ccf.Item
	if len(stored) == 0 {
		res, gerr := s.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: s.table, Key: map[string]types.AttributeValue{"pk": item["pk"], "sk": item["sk"]},
			ConsistentRead: aws.Bool(true),
		})
		if gerr != nil {
			return err
		}
		stored = res.Item
	}
	if got, ok := stored[attrWriteID].(*types.AttributeValueMemberS); ok && got.Value == id {
		return nil
	}
	return err
}
