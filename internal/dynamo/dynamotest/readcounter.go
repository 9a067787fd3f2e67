package dynamotest

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jianyan/jianyan/internal/dynamo"
)

// ReadCounter wraps an API and adds up what the reads through it cost:
// calls, items read (a Query's ScannedCount, which is what DynamoDB bills,
// not what a filter lets through; 1 per GetItem that finds its item) and
// the read capacity units DynamoDB reports (it asks for them with
// ReturnConsumedCapacity TOTAL). The summary benchmarks (infra/bench and
// feedback/summarytest) use it to show that a summary's read cost does not
// grow with the table. Writes pass through uncounted.
type ReadCounter struct {
	dynamo.API

	mu    sync.Mutex
	stats ReadStats
}

// ReadStats are cumulative read costs.
type ReadStats struct {
	Calls int64
	Items int64
	Units float64 // read capacity units, as reported by the server
}

// NewReadCounter wraps api.
func NewReadCounter(api dynamo.API) *ReadCounter { return &ReadCounter{API: api} }

// Reads returns the costs so far.
func (c *ReadCounter) Reads() ReadStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Reset sets the costs back to zero.
func (c *ReadCounter) Reset() {
	c.mu.Lock()
	c.stats = ReadStats{}
	c.mu.Unlock()
}

func (c *ReadCounter) add(items int64, cc *types.ConsumedCapacity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Calls++
	c.stats.Items += items
	if cc != nil {
		c.stats.Units += aws.ToFloat64(cc.CapacityUnits)
	}
}

// GetItem implements dynamo.API.
func (c *ReadCounter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	cp := *in
	cp.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.API.GetItem(ctx, &cp, optFns...)
	if err == nil {
		var n int64
		if len(out.Item) > 0 {
			n = 1
		}
		c.add(n, out.ConsumedCapacity)
	}
	return out, err
}

// Query implements dynamo.API.
func (c *ReadCounter) Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	cp := *in
	cp.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.API.Query(ctx, &cp, optFns...)
	if err == nil {
		c.add(int64(out.ScannedCount), out.ConsumedCapacity)
	}
	return out, err
}

// BatchGetItem implements dynamo.API: every item returned counts.
func (c *ReadCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	cp := *in
	cp.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.API.BatchGetItem(ctx, &cp, optFns...)
	if err == nil {
		var n int64
		for _, items := range out.Responses {
			n += int64(len(items))
		}
		var cc *types.ConsumedCapacity
		if len(out.ConsumedCapacity) > 0 {
			total := 0.0
			for _, x := range out.ConsumedCapacity {
				total += aws.ToFloat64(x.CapacityUnits)
			}
			cc = &types.ConsumedCapacity{CapacityUnits: aws.Float64(total)}
		}
		c.add(n, cc)
	}
	return out, err
}
