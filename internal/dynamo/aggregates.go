package dynamo

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Maintained problem counters (feedback.ProblemCounterDeltas) live in one
// item collection:
//
//	pk AGG, sk STATUS          one number attribute per problem status
//	pk AGG, sk UNIT#<unit>     assigned, rectified, rectified_on_time, relapses
//	pk AGG, sk DAY#<date>      created, rectified, verified, reopened
//
// Every problem write adds its deltas with ADD updates inside the same
// TransactWriteItems as the problem (whose version condition makes a retry
// count once). A summary reads them with two Queries on the base table:
// the STATUS and UNIT# items, and the DAY# items of its period.
const (
	pkCounters    = "AGG"
	skCounterStat = "STATUS"
	skCounterUnit = "UNIT#"
	skCounterDay  = "DAY#"
	typeCounters  = "counters"
)

// counterSK is the sort key of the counter item of one scope and key.
func counterSK(scope, k string) string {
	switch scope {
	case feedback.ScopeUnit:
		return skCounterUnit + k
	case feedback.ScopeDay:
		return skCounterDay + k
	}
	return skCounterStat
}

// counterUpdates turns deltas into one ADD update per counter item.
func (s *Store) counterUpdates(deltas []feedback.CounterDelta) []types.TransactWriteItem {
	type group struct {
		scope, key string
		deltas     []feedback.CounterDelta
	}
	var order []string
	groups := map[string]*group{}
	for _, d := range deltas {
		sk := counterSK(d.Scope, d.Key)
		g := groups[sk]
		if g == nil {
			g = &group{scope: d.Scope, key: d.Key}
			groups[sk] = g
			order = append(order, sk)
		}
		g.deltas = append(g.deltas, d)
	}
	out := make([]types.TransactWriteItem, 0, len(order))
	for _, sk := range order {
		g := groups[sk]
		names := map[string]string{"#type": "type", "#scope": "scope", "#key": "key"}
		values := map[string]types.AttributeValue{
			":type":  &types.AttributeValueMemberS{Value: typeCounters},
			":scope": &types.AttributeValueMemberS{Value: g.scope},
			":key":   &types.AttributeValueMemberS{Value: g.key},
		}
		add := ""
		for i, d := range g.deltas {
			n, v := "#c"+strconv.Itoa(i), ":c"+strconv.Itoa(i)
			names[n] = d.Name
			values[v] = &types.AttributeValueMemberN{Value: strconv.Itoa(d.N)}
			if add != "" {
				add += ", "
			}
			add += n + " " + v
		}
		out = append(out, types.TransactWriteItem{Update: &types.Update{
			TableName:                 s.table,
			Key:                       key(pkCounters, sk),
			UpdateExpression:          aws.String("SET #type = :type, #scope = :scope, #key = :key ADD " + add),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
		}})
	}
	return out
}

// problemBefore reads the stored problem an update of p replaces, so the
// counters can move by the difference. The transaction's version condition
// guarantees that what was read is what gets replaced: if the stored
// version is no longer p.Version, the update is a conflict anyway.
func (s *Store) problemBefore(ctx context.Context, p *feedback.Problem) (*feedback.Problem, error) {
	var it problemItem
	found, err := s.getItem(ctx, pkProblem+p.ID, skProblem, &it)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, feedback.NotFound("problem", p.ID)
	}
	old, err := it.domain()
	if err != nil {
		return nil, feedback.Internal(err)
	}
	if old.Version != p.Version {
		return nil, feedback.StoreConflict(fmt.Errorf("problem %s is at version %d, not %d", p.ID, old.Version, p.Version))
	}
	return old, nil
}

// GetProblemAggregates implements feedback.Store: the STATUS and UNIT#
// counter items and the DAY# items from..to, read strongly consistently.
func (s *Store) GetProblemAggregates(ctx context.Context, from, to feedback.Date) (*feedback.ProblemAggregates, error) {
	if err := feedback.ValidateDayRange(from, to); err != nil {
		return nil, err
	}
	agg := feedback.NewProblemAggregates()
	queries := []*dynamodb.QueryInput{{
		KeyConditionExpression: aws.String("pk = :pk AND sk >= :sk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pkCounters},
			":sk": &types.AttributeValueMemberS{Value: skCounterStat},
		},
	}}
	if from != "" && to != "" && !to.Before(from) {
		queries = append(queries, &dynamodb.QueryInput{
			KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :a AND :b"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: pkCounters},
				":a":  &types.AttributeValueMemberS{Value: skCounterDay + string(from)},
				":b":  &types.AttributeValueMemberS{Value: skCounterDay + string(to)},
			},
		})
	}
	for _, in := range queries {
		in.TableName = s.table
		in.ConsistentRead = aws.Bool(true)
		pages := dynamodb.NewQueryPaginator(s.db, in)
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("dynamo: get problem counters: %w", storeErr(err))
			}
			for _, item := range out.Items {
				if err := addCounterItem(agg, item); err != nil {
					return nil, fmt.Errorf("dynamo: get problem counters: %w", feedback.Internal(err))
				}
			}
		}
	}
	agg.Prune()
	return agg, nil
}

// addCounterItem folds one counter item into agg.
func addCounterItem(agg *feedback.ProblemAggregates, item map[string]types.AttributeValue) error {
	scope, _ := item["scope"].(*types.AttributeValueMemberS)
	k, _ := item["key"].(*types.AttributeValueMemberS)
	if scope == nil || k == nil {
		return fmt.Errorf("counter item without scope or key")
	}
	names := make([]string, 0, len(item))
	for name := range item {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n, ok := item[name].(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		v, err := strconv.Atoi(n.Value)
		if err != nil {
			return fmt.Errorf("counter %s: %w", name, err)
		}
		agg.Add(scope.Value, k.Value, name, v)
	}
	return nil
}
