package dynamo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// ensureMonth records that suggestions exist in month m, so that lists over
// open time ranges know which month partitions to read. The marker is an
// idempotent unconditional put, written once per month per Store (process),
// outside the submission's transaction so that concurrent submissions never
// conflict on it. A marker for a month whose submission then failed only
// costs an empty read.
func (s *Store) ensureMonth(ctx context.Context, m string) error {
	if _, ok := s.months.Load(m); ok {
		return nil
	}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table,
		Item: map[string]types.AttributeValue{
			"pk":   &types.AttributeValueMemberS{Value: pkMonths},
			"sk":   &types.AttributeValueMemberS{Value: m},
			"type": &types.AttributeValueMemberS{Value: typeMonth},
		},
	})
	if err != nil {
		return fmt.Errorf("dynamo: mark month %s: %w", m, storeErr(err))
	}
	s.months.Store(m, struct{}{})
	return nil
}

// CreateSuggestion stores a suggestion with single-item writes, never a
// transaction (docs/dynamodb.md, "Submitting"):
//
//   - with an IdempotencyKey, the store replaces the receipt and the ID by
//     ones derived from the symposium, the key and a generation
//     (receipts.go), and the submission is ONE conditional PutItem. A retry
//     derives the same key, fails the condition and gets the stored item
//     back with the failure (ReturnValuesOnConditionCheckFailure); if that
//     one is still inside its window it is returned with created == false,
//     otherwise the next generation is tried;
//   - without one, the caller's receipt is claimed with a small receipt
//     item first, then the suggestion is put, each create-if-absent.
//
// On success the argument carries the stored ID, receipt and Version.
func (s *Store) CreateSuggestion(ctx context.Context, sug *feedback.Suggestion) (*feedback.Suggestion, bool, error) {
	if err := sug.Validate(); err != nil {
		return nil, false, err
	}
	if err := s.ensureMonth(ctx, month(sug.SubmittedAt)); err != nil {
		return nil, false, err
	}
	if sug.IdempotencyKey != "" {
		return s.createIdempotent(ctx, sug)
	}
	rcpt, err := marshal(receiptItem{PK: pkReceipt + sug.Receipt, SK: skReceipt, Type: typeReceipt, SuggestionID: sug.ID})
	if err != nil {
		return nil, false, err
	}
	c := *sug
	c.Version = 1
	item, err := suggestionToItem(&c)
	if err != nil {
		return nil, false, err
	}
	// Each put is create-if-absent. The SDK retries a request whose answer
	// was lost (a timeout, a 5xx), and the retry of a put that did go
	// through fails its condition on the item it wrote itself: the item the
	// failure returns tells that apart from a key someone else holds.
	var ccf *types.ConditionalCheckFailedException
	if err := s.putNew(ctx, rcpt, true); err != nil {
		if !errors.As(err, &ccf) {
			return nil, false, fmt.Errorf("dynamo: claim receipt for %s: %w", sug.ID, storeErr(err))
		}
		if attrS(ccf.Item, "suggestion_id") != sug.ID {
			return nil, false, fmt.Errorf("dynamo: put suggestion %s: receipt %s is taken: %w", sug.ID, sug.Receipt, feedback.StoreConflict(err))
		}
	}
	if err := s.putNew(ctx, item, true); err != nil {
		if !errors.As(err, &ccf) || !sameWrite(ccf.Item, item) {
			return nil, false, fmt.Errorf("dynamo: put suggestion %s: %w", sug.ID, storeErr(err))
		}
	}
	sug.Version = 1
	return sug, true, nil
}

// sameWrite reports whether stored — the item a failed create-if-absent
// returned — is the suggestion item put itself, as a retried request that
// had gone through finds it: same ID, receipt and submission time.
func sameWrite(stored, put map[string]types.AttributeValue) bool {
	for _, a := range []string{"id", "receipt", "submitted_at"} {
		if attrS(stored, a) == "" || attrS(stored, a) != attrS(put, a) {
			return false
		}
	}
	return true
}

// putNew puts item if no item has its key. With old, a failed condition
// returns the stored item inside the ConditionalCheckFailedException.
func (s *Store) putNew(ctx context.Context, item map[string]types.AttributeValue, old bool) error {
	in := &dynamodb.PutItemInput{
		TableName: s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"), // pk is no reserved word
	}
	if old {
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	_, err := s.db.PutItem(ctx, in)
	return err
}

// createIdempotent is CreateSuggestion for a suggestion with a key.
func (s *Store) createIdempotent(ctx context.Context, sug *feedback.Suggestion) (*feedback.Suggestion, bool, error) {
	k, err := s.receiptSecret(ctx)
	if err != nil {
		return nil, false, err
	}
	for g := 0; g < maxGenerations; g++ {
		c := *sug
		c.Receipt = derivedReceipt(k, sug.SymposiumID, sug.IdempotencyKey, g)
		c.ID = derivedID(k, c.Receipt)
		c.Version = 1
		item, err := suggestionToItem(&c)
		if err != nil {
			return nil, false, err
		}
		err = s.putNew(ctx, item, true)
		if err == nil {
			*sug = c
			return sug, true, nil
		}
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			return nil, false, fmt.Errorf("dynamo: put suggestion %s: %w", c.ID, storeErr(err))
		}
		// The stored one; also when it is this very put, retried by the
		// SDK after it went through: then it is reported as a replay
		// (created == false), which stores nothing twice either.
		prev, err := s.storedSuggestion(ctx, ccf.Item, c.ID)
		if err != nil {
			return nil, false, fmt.Errorf("dynamo: idempotent replay of %s: %w", sug.ID, err)
		}
		if prev.SubmittedAt.Add(feedback.IdempotencyWindow).After(sug.SubmittedAt) {
			return prev, false, nil // still inside its window: a retry
		}
		// Past its window: the key starts a new generation.
	}
	return nil, false, fmt.Errorf("dynamo: put suggestion %s: %w", sug.ID,
		&feedback.Error{Code: feedback.EConflict, Field: "idempotency_key", Message: "此表单标识已使用过多次,请打开新的表单再提交",
			Err: fmt.Errorf("idempotency key used in more than %d windows", maxGenerations)})
}

// storedSuggestion decodes the item a failed condition returned, or reads
// it when the server returned none.
func (s *Store) storedSuggestion(ctx context.Context, old map[string]types.AttributeValue, id string) (*feedback.Suggestion, error) {
	if len(old) == 0 {
		return s.GetSuggestion(ctx, id)
	}
	var it suggestionItem
	if err := attributevalue.UnmarshalMap(old, &it); err != nil {
		return nil, feedback.Internal(fmt.Errorf("decode item: %w", err))
	}
	sug, err := it.domain()
	if err != nil {
		return nil, feedback.Internal(err)
	}
	return sug, nil
}

// GetSuggestion reads a suggestion by ID.
func (s *Store) GetSuggestion(ctx context.Context, id string) (*feedback.Suggestion, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("suggestion", id)
	}
	var it suggestionItem
	found, err := s.getItem(ctx, pkSuggestion+id, skSuggestion, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get suggestion %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("suggestion", id)
	}
	sug, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get suggestion %s: %w", id, feedback.Internal(err))
	}
	return sug, nil
}

// GetSuggestionByReceipt reads the suggestion whose ID the receipt derives
// (an idempotent submission: one read), else the receipt item and the
// suggestion it names. Every read is strongly consistent, and the
// suggestion must carry the receipt: a claim left behind by a failed
// write does not count.
func (s *Store) GetSuggestionByReceipt(ctx context.Context, receipt string) (*feedback.Suggestion, error) {
	if !feedback.ValidKey(receipt) {
		return nil, feedback.NotFound("receipt", receipt)
	}
	k, err := s.receiptSecret(ctx)
	if err != nil {
		return nil, err
	}
	sug, err := s.GetSuggestion(ctx, derivedID(k, receipt))
	switch {
	case err == nil && sug.Receipt == receipt:
		return sug, nil
	case err != nil && !feedback.IsCode(err, feedback.ENotFound):
		return nil, err
	}
	var it receiptItem
	found, err := s.getItem(ctx, pkReceipt+receipt, skReceipt, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get receipt %s: %w", receipt, err)
	}
	if !found {
		return nil, feedback.NotFound("receipt", receipt)
	}
	sug, err = s.GetSuggestion(ctx, it.SuggestionID)
	if feedback.IsCode(err, feedback.ENotFound) || (err == nil && sug.Receipt != receipt) {
		return nil, feedback.NotFound("receipt", receipt)
	}
	return sug, err
}

// UpdateSuggestion replaces the suggestion if its Version is still the
// stored one: one PutItem under "attribute_exists(pk) AND version = :read".
// DynamoDB bills a replacement like an UpdateItem — by the larger of the old
// and new item, plus only the index entries whose keys or projected
// attributes changed — so routing (status, list, rule) costs the item's
// write and one sgm entry, whatever the call. (A PutItem rather than an
// UpdateItem also keeps the version check atomic on moto_server, whose
// UpdateItem evaluates conditions racily under concurrent requests.)
func (s *Store) UpdateSuggestion(ctx context.Context, sug *feedback.Suggestion) error {
	if err := sug.Validate(); err != nil {
		return err
	}
	c := *sug
	c.Version = sug.Version + 1
	item, err := suggestionToItem(&c)
	if err != nil {
		return err
	}
	if err := s.ensureMonth(ctx, month(sug.SubmittedAt)); err != nil {
		return err
	}
	v := versionIs(sug.Version)
	err = s.putIf(ctx, item, v)
	if err != nil {
		return fmt.Errorf("dynamo: update suggestion %s: %w", sug.ID, storeErr(err))
	}
	sug.Version = c.Version
	return nil
}

// suggestionMonths returns the month buckets between from and to (zero =
// open), newest first, from the month markers.
func (s *Store) suggestionMonths(ctx context.Context, from, to time.Time) ([]string, error) {
	lo, hi := "", ""
	if !from.IsZero() {
		lo = month(from)
	}
	if !to.IsZero() {
		hi = month(to.Add(-time.Nanosecond))
	}
	kc := expression.Key("pk").Equal(expression.Value(pkMonths))
	e, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, feedback.Internal(err)
	}
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName: s.table, KeyConditionExpression: e.KeyCondition(),
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		ConsistentRead: aws.Bool(true),
	})
	var months []string
	for p.HasMorePages() {
		res, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list months: %w", storeErr(err))
		}
		for _, it := range res.Items {
			v, ok := it["sk"].(*types.AttributeValueMemberS)
			if !ok || (lo != "" && v.Value < lo) || (hi != "" && v.Value > hi) {
				continue
			}
			months = append(months, v.Value)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(months)))
	return months, nil
}

// ListSuggestions lists suggestions newest first. It reads the narrowest
// index the filter allows — sgp by problem, sgs by symposium, else sgm
// month after month — with the time range as a sort-key condition, then
// fetches the full items (the indexes hold keys and a few short
// attributes) and applies the remaining fields to them.
func (s *Store) ListSuggestions(ctx context.Context, f feedback.SuggestionFilter) (feedback.Page[*feedback.Suggestion], error) {
	var page feedback.Page[*feedback.Suggestion]
	if err := f.Validate(); err != nil {
		return page, err
	}
	spec := listSpec{
		id: listID("suggestions", f.SymposiumID, string(f.ParticipantKind), string(f.Kind), string(f.Status),
			f.ProblemListID, f.ProblemID, string(f.Channel), f.Query, ts(f.From), ts(f.To),
			fmt.Sprint(f.Rehandle), fmt.Sprint(f.Unreplied)),
		desc:  true,
		limit: feedback.ClampLimit(f.Limit),
	}
	if !f.From.IsZero() {
		spec.low = sortTS(f.From)
	}
	if !f.To.IsZero() {
		spec.high = sortTS(f.To)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return page, nil // an empty range
	}
	// Conditions on attributes the sgm index projects (the short filter
	// attributes, the topic and the content) run on the index, so only
	// matches are fetched; everything is checked again on the fetched
	// items, which is also the only filter on the keys-only sgs and sgp
	// indexes.
	var conds []expression.ConditionBuilder
	var checks []func(map[string]types.AttributeValue) bool
	// offIndex counts the checks that no condition on the index matched
	// first: those drop items as a filter does, the others only the rare
	// entry the index had not yet caught up on (listSpec.recheck).
	offIndex := 0
	eq := func(attr, v string, onIndex bool) {
		if v == "" {
			return
		}
		if onIndex {
			conds = append(conds, expression.Name(attr).Equal(expression.Value(v)))
		} else {
			offIndex++
		}
		checks = append(checks, func(it map[string]types.AttributeValue) bool { return attrS(it, attr) == v })
	}
	months := false
	switch {
	case f.ProblemID != "":
		// The problem lists its suggestions: a suggestion split into
		// several problems is in each of them, and sgp indexes only its
		// first (problemSuggestions below).
		eq("symposium_id", f.SymposiumID, false)
		if f.Rehandle {
			offIndex++
			checks = append(checks, func(it map[string]types.AttributeValue) bool {
				return attrS(it, "reply_state") == string(feedback.ReplyDissatisfied)
			})
		}
	case f.Rehandle:
		// Few suggestions wait for a re-handle: their own partition of
		// gsi1, with the other filters checked on the items.
		spec.parts = []part{gsi(1, g1Rehandle)}
		eq("problem_id", f.ProblemID, false)
		eq("symposium_id", f.SymposiumID, false)
		offIndex++
		checks = append(checks, func(it map[string]types.AttributeValue) bool {
			return attrS(it, "reply_state") == string(feedback.ReplyDissatisfied)
		})
	case f.SymposiumID != "":
		spec.parts = []part{index("sgs", sgsSymposium+f.SymposiumID)}
	default:
		months = true
		ms, err := s.suggestionMonths(ctx, f.From, f.To)
		if err != nil {
			return page, err
		}
		for _, m := range ms {
			spec.parts = append(spec.parts, index("sgm", sgmMonth+m))
		}
	}
	eq("problem_list_id", f.ProblemListID, months)
	eq("status", string(f.Status), months)
	eq("participant_kind", string(f.ParticipantKind), months)
	eq("kind", string(f.Kind), months)
	eq("channel", string(f.Channel), months)
	if f.Unreplied {
		// Not projected by sgm: checked on the fetched items.
		offIndex++
		checks = append(checks, func(it map[string]types.AttributeValue) bool {
			return attrS(it, "reply_state") == "" && attrS(it, "reply") == ""
		})
	}
	if terms := strings.Fields(f.Query); len(terms) > 0 {
		// sgm projects the topic and the content, so on it the search
		// runs as a filter in DynamoDB and only matches are fetched.
		if months {
			for _, t := range terms {
				conds = append(conds, expression.Or(
					expression.Name("topic").Contains(t), expression.Name("content").Contains(t)))
			}
		} else {
			offIndex++
		}
		checks = append(checks, func(it map[string]types.AttributeValue) bool {
			topic, content := attrS(it, "topic"), attrS(it, "content")
			for _, t := range terms {
				if !strings.Contains(topic, t) && !strings.Contains(content, t) {
					return false
				}
			}
			return true
		})
	}
	if len(conds) > 0 {
		c := conds[0]
		if len(conds) > 1 {
			c = expression.And(conds[0], conds[1], conds[2:]...)
		}
		spec.filter = &c
	}
	spec.fetch = true
	spec.recheck = offIndex == 0
	if len(checks) > 0 {
		spec.keep = func(it map[string]types.AttributeValue) bool {
			for _, ok := range checks {
				if !ok(it) {
					return false
				}
			}
			return true
		}
	}
	read := s.readList
	if f.ProblemID != "" {
		read = func(ctx context.Context, spec listSpec, cursor string) ([]map[string]types.AttributeValue, string, error) {
			return s.problemSuggestions(ctx, f.ProblemID, spec, cursor)
		}
	}
	items, next, err := read(ctx, spec, f.Cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list suggestions: %w", err)
	}
	page.Items, err = decodeAll(items, (*suggestionItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list suggestions: %w", err)
	}
	page.NextCursor = next
	return page, nil
}

// problemSuggestions is ListSuggestions of one problem: the suggestions
// the problem lists (at most MaxSuggestionsPerProblem), read strongly
// consistent, filtered by spec.keep and the time range, newest first, a
// page after the cursor's sort key.
func (s *Store) problemSuggestions(ctx context.Context, problemID string, spec listSpec, cursor string) ([]map[string]types.AttributeValue, string, error) {
	after := ""
	if cursor != "" {
		st, err := s.decodeCursor(ctx, cursor, spec.id)
		if err != nil {
			return nil, "", err
		}
		if after = st.Key["sgsk"]; after == "" || st.Part != "problem" {
			return nil, "", feedback.InvalidCursor(nil)
		}
	}
	var p problemItem
	found, err := s.getItem(ctx, pkProblem+problemID, skProblem, &p)
	if err != nil || !found {
		return nil, "", err
	}
	keys := make([]map[string]types.AttributeValue, len(p.SuggestionIDs))
	for i, id := range p.SuggestionIDs {
		keys[i] = key(pkSuggestion+id, skSuggestion)
	}
	all, err := s.fetchItems(ctx, keys)
	if err != nil {
		return nil, "", err
	}
	var hits []map[string]types.AttributeValue
	for _, it := range all {
		sk := attrS(it, "sgsk")
		switch {
		case it == nil, spec.keep != nil && !spec.keep(it),
			spec.low != "" && sk < spec.low, spec.high != "" && sk >= spec.high,
			after != "" && sk >= after:
			continue
		}
		hits = append(hits, it)
	}
	sort.Slice(hits, func(i, j int) bool { return attrS(hits[i], "sgsk") > attrS(hits[j], "sgsk") })
	if len(hits) <= spec.limit {
		return hits, "", nil
	}
	hits = hits[:spec.limit]
	next, err := s.encodeCursor(ctx, cursorState{List: spec.id, Part: "problem", Key: map[string]string{"sgsk": attrS(hits[len(hits)-1], "sgsk")}})
	return hits, next, err
}

// CountSuggestions implements feedback.Store: it lists the range — the
// month partitions it covers, through the sgm index — and counts. The
// table keeps no counters of suggestions, which would cost a write per
// submission; a summary's period is small, and its reads follow it.
func (s *Store) CountSuggestions(ctx context.Context, from, to time.Time) ([]feedback.SuggestionCount, error) {
	type key struct {
		sym string
		pk  feedback.ParticipantKind
		k   feedback.SuggestionKind
		st  feedback.SuggestionStatus
		ch  feedback.Channel
		rs  feedback.ReplyState
		tr  bool
	}
	idx := map[key]int{}
	var out []feedback.SuggestionCount
	f := feedback.SuggestionFilter{From: from, To: to, Limit: feedback.MaxListLimit}
	for {
		page, err := s.ListSuggestions(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("dynamo: count suggestions: %w", err)
		}
		for _, sg := range page.Items {
			k := key{sg.SymposiumID, sg.ParticipantKind, sg.Kind, sg.Status, sg.Channel, sg.ReplyState(), sg.InTriage()}
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, feedback.SuggestionCount{SymposiumID: k.sym, ParticipantKind: k.pk, Kind: k.k, Status: k.st, Channel: k.ch, ReplyState: k.rs, Triage: k.tr})
			}
			out[i].N++
		}
		if page.NextCursor == "" {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}

// UpdateSuggestionWithNotices stores the suggestion (optimistic) and
// creates the notices in one transaction; without notices it is
// UpdateSuggestion (one PutItem).
func (s *Store) UpdateSuggestionWithNotices(ctx context.Context, sug *feedback.Suggestion, notices []*feedback.Notice) error {
	if err := feedback.ValidateSuggestionWrite(sug, notices); err != nil {
		return err
	}
	if len(notices) == 0 {
		return s.UpdateSuggestion(ctx, sug)
	}
	c := *sug
	c.Version = sug.Version + 1
	item, err := suggestionToItem(&c)
	if err != nil {
		return err
	}
	if err := s.ensureMonth(ctx, month(sug.SubmittedAt)); err != nil {
		return err
	}
	ns, err := s.noticeWrites(notices) // office.go
	if err != nil {
		return err
	}
	if err := s.transact(ctx, append([]types.TransactWriteItem{s.put(item, versionIs(sug.Version))}, ns...)); err != nil {
		return fmt.Errorf("dynamo: update suggestion %s: %w", sug.ID, storeErr(err))
	}
	sug.Version = c.Version
	for _, n := range notices {
		n.Version = 1
	}
	return nil
}
