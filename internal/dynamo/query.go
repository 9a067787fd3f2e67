package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// part is one partition of an index that a list reads.
type part struct {
	index  string // "" = the table itself
	pkAttr string
	skAttr string
	pk     string
}

func gsi(n int, pk string) part {
	return part{index: fmt.Sprintf("gsi%d", n), pkAttr: fmt.Sprintf("gsi%dpk", n), skAttr: fmt.Sprintf("gsi%dsk", n), pk: pk}
}

// index is a partition of one of the suggestion indexes (sgm, sgs, sgp),
// whose keys are <name>pk and the shared sgsk.
func index(name, pk string) part {
	return part{index: name, pkAttr: name + "pk", skAttr: "sgsk", pk: pk}
}

func tablePart(pk string) part { return part{pkAttr: "pk", skAttr: "sk", pk: pk} }

// listSpec describes one list read: the partitions in order, the sort-key
// range, what to filter and how many to return.
type listSpec struct {
	id     string // listID of the list and filter; binds cursors
	parts  []part
	desc   bool
	low    string // sort key lower bound, inclusive; "" = open
	high   string // sort key upper bound, exclusive; "" = open (sort keys end in "#<id>", so they never equal a bound)
	filter *expression.ConditionBuilder
	limit  int
	// fetch reads the full items from the table (BatchGetItem, strongly
	// consistent) for the index entries a Query returns: for indexes that
	// project keys and a few attributes only.
	fetch bool
	// keep, when set, is applied to the (fetched) items after the filter;
	// false drops the item.
	keep func(map[string]types.AttributeValue) bool
	// recheck says that keep only checks again, on the items, what filter
	// selected on the index entries: it drops only an entry the index had
	// not caught up on yet, so nearly every item fetched is kept.
	recheck bool
}

// Page sizes of one list call. A Query asks for one more entry than the
// page still needs. With a filter (on the index or on the fetched items)
// the first Query asks for at least firstFilteredPage entries, and every
// further one for growFilteredPage times as many as the one before, up to
// maxFilteredPage (DynamoDB stops a Query at 1 MB read whatever the Limit):
// a sparse filter then takes a few round trips per megabyte, a dense one
// reads little more than it returns. A list reads until its page is full
// or its range ends: it never answers a short page while matches remain.
const (
	firstFilteredPage = 100
	growFilteredPage  = 4
	maxFilteredPage   = 8000
)

// deadlineMargin is how much of the caller's time a list leaves when it
// gives up on a range too large to read in time (see readList).
const deadlineMargin = 1500 * time.Millisecond

// errRangeTooLarge is the answer of a filtered list that could not fill its
// page before the caller's deadline.
func errRangeTooLarge(cause error) error {
	return &feedback.Error{Code: feedback.EUnavailable,
		Message: "查询范围太大,未能在时限内查完,请选择座谈会或缩小日期范围后重试", Err: cause}
}

// readList runs spec from cursor and returns at most spec.limit items and
// the next cursor ("" when nothing is left).
func (s *Store) readList(ctx context.Context, spec listSpec, cursor string) ([]map[string]types.AttributeValue, string, error) {
	startPart, resume := 0, map[string]string(nil)
	if cursor != "" {
		st, err := s.decodeCursor(ctx, cursor, spec.id)
		if err != nil {
			return nil, "", err
		}
		startPart = -1
		for i, p := range spec.parts {
			if p.pk == st.Part {
				startPart = i
				break
			}
		}
		if startPart < 0 {
			return nil, "", feedback.InvalidCursor(nil)
		}
		resume = st.Key
	}
	if len(spec.parts) == 0 {
		return nil, "", nil
	}
	type hit struct {
		part  int
		item  map[string]types.AttributeValue
		entry map[string]types.AttributeValue // the index entry: its keys make the cursor
	}
	var hits []hit
	filtered := spec.filter != nil || spec.keep != nil
	grow := firstFilteredPage
	for pi := startPart; pi < len(spec.parts); pi++ {
		p := spec.parts[pi]
		var esk map[string]string
		if pi == startPart {
			esk = resume
		}
		for {
			// A sparse filter over a large range reads on; only the
			// caller's deadline stops it, with an error rather than a
			// short page.
			if err := ctx.Err(); err != nil {
				return nil, "", errRangeTooLarge(err)
			}
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < deadlineMargin {
				return nil, "", errRangeTooLarge(context.DeadlineExceeded)
			}
			need := spec.limit + 1 - len(hits)
			pageLimit := need
			if filtered {
				pageLimit = min(max(need*4, grow), maxFilteredPage)
				grow = min(grow*growFilteredPage, maxFilteredPage)
			}
			in, err := s.queryInput(spec, p, pageLimit)
			if err != nil {
				return nil, "", err
			}
			in.ExclusiveStartKey = startKey(esk)
			res, err := s.db.Query(ctx, in)
			if err != nil {
				return nil, "", fmt.Errorf("query %s %s: %w", p.index, p.pk, storeErr(err))
			}
			// The entries are taken in chunks. When (nearly) every item
			// fetched is kept — no keep, or keep only rechecking the
			// index's filter — a chunk of what the page still needs is
			// all there is to fetch, however many entries a filtered Query
			// returned (the rest would be read and thrown away); a stale
			// entry just makes the next chunk. When keep filters, misses
			// are expected: the whole Query page is fetched at once, in as
			// few round trips as may be.
			for pos := 0; pos < len(res.Items); {
				chunk := res.Items[pos:]
				if spec.fetch && (spec.keep == nil || spec.recheck) {
					chunk = chunk[:min(len(chunk), spec.limit+1-len(hits))]
				}
				full := chunk
				if spec.fetch {
					if full, err = s.fetchItems(ctx, chunk); err != nil {
						return nil, "", err
					}
				}
				pos += len(chunk)
				for i, item := range full {
					if item == nil || (spec.keep != nil && !spec.keep(item)) {
						continue
					}
					hits = append(hits, hit{pi, item, chunk[i]})
					if len(hits) == spec.limit+1 {
						// One more than a page: there is a next page, which
						// starts after the last item returned.
						out := make([]map[string]types.AttributeValue, spec.limit)
						for i := range out {
							out[i] = hits[i].item
						}
						st := cursorState{List: spec.id, Part: spec.parts[startPart].pk, Key: resume}
						if spec.limit > 0 {
							last := hits[spec.limit-1]
							lp := spec.parts[last.part]
							st = cursorState{List: spec.id, Part: lp.pk, Key: keyOf(last.entry, lp)}
						}
						next, err := s.encodeCursor(ctx, st)
						return out, next, err
					}
				}
			}
			esk = stringKey(res.LastEvaluatedKey)
			if esk == nil {
				break
			}
		}
	}
	out := make([]map[string]types.AttributeValue, len(hits))
	for i, h := range hits {
		out[i] = h.item
	}
	return out, "", nil
}

func (s *Store) queryInput(spec listSpec, p part, limit int) (*dynamodb.QueryInput, error) {
	kc := expression.Key(p.pkAttr).Equal(expression.Value(p.pk))
	sk := expression.Key(p.skAttr)
	switch {
	case spec.low != "" && spec.high != "":
		kc = kc.And(sk.Between(expression.Value(spec.low), expression.Value(spec.high)))
	case spec.low != "":
		kc = kc.And(sk.GreaterThanEqual(expression.Value(spec.low)))
	case spec.high != "":
		kc = kc.And(sk.LessThan(expression.Value(spec.high)))
	}
	b := expression.NewBuilder().WithKeyCondition(kc)
	if spec.filter != nil {
		b = b.WithFilter(*spec.filter)
	}
	e, err := b.Build()
	if err != nil {
		return nil, feedback.Internal(fmt.Errorf("build query: %w", err))
	}
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    e.KeyCondition(),
		FilterExpression:          e.Filter(),
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
		ScanIndexForward:          aws.Bool(!spec.desc),
		Limit:                     aws.Int32(int32(max(limit, 1))),
	}
	if p.index != "" {
		in.IndexName = aws.String(p.index)
	} else {
		in.ConsistentRead = aws.Bool(true)
	}
	return in, nil
}

// decodeAll unmarshals items into storage structs and converts them.
func decodeAll[I any, T any](items []map[string]types.AttributeValue, conv func(*I) (T, error)) ([]T, error) {
	out := make([]T, 0, len(items))
	for _, raw := range items {
		var it I
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, feedback.Internal(fmt.Errorf("decode item: %w", err))
		}
		v, err := conv(&it)
		if err != nil {
			return nil, feedback.Internal(err)
		}
		out = append(out, v)
	}
	return out, nil
}

// fetchItems reads the table items of index entries, strongly consistent,
// 100 keys per BatchGetItem. The result is in the order of entries; an
// item that is gone is nil.
func (s *Store) fetchItems(ctx context.Context, entries []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	out := make([]map[string]types.AttributeValue, len(entries))
	at := make(map[string][]int, len(entries))
	for i, e := range entries {
		k := attrS(e, "pk") + "\x00" + attrS(e, "sk")
		at[k] = append(at[k], i)
	}
	for start := 0; start < len(entries); start += 100 {
		var keys []map[string]types.AttributeValue
		seen := map[string]bool{}
		for _, e := range entries[start:min(start+100, len(entries))] {
			k := attrS(e, "pk") + "\x00" + attrS(e, "sk")
			if !seen[k] {
				seen[k] = true
				keys = append(keys, key(attrS(e, "pk"), attrS(e, "sk")))
			}
		}
		for attempt := 0; len(keys) > 0; attempt++ {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				*s.table: {Keys: keys, ConsistentRead: aws.Bool(true)},
			}})
			if err != nil {
				return nil, fmt.Errorf("fetch items: %w", storeErr(err))
			}
			for _, item := range res.Responses[*s.table] {
				for _, i := range at[attrS(item, "pk")+"\x00"+attrS(item, "sk")] {
					out[i] = item
				}
			}
			keys = res.UnprocessedKeys[*s.table].Keys
			if len(keys) == 0 {
				break
			}
			if attempt == 8 {
				return nil, fmt.Errorf("fetch items: %w", feedback.StoreUnavailable(errors.New("unprocessed keys")))
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
			}
		}
	}
	return out, nil
}

// attrS is a string attribute of item, or "".
func attrS(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}
