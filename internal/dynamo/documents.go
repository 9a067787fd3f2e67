package dynamo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

var _ feedback.DocumentRecords = (*Store)(nil)

// Issued documents: one item per number, DOCS#<kind>#<year> / the number
// zero-padded to 8 digits, holding the record and its content. The
// conditional put that stores a document is the one that takes its number,
// in one atomic write; the last number of a kind and year is the last sort
// key of that partition (one consistent Query). No transaction: a failed
// one bills twice, and moto restores a whole snapshot of the table when
// one fails, undoing what concurrent writers stored meanwhile. Lists read
// gsi1 DOC and gsi2 DOC#<kind>, newest first by <created>#<id>.
const (
	typeDocument    = "document"
	pkDocuments     = "DOCS#"
	g1Documents     = "DOC"
	g2DocumentsKind = "DOC#"
)

type documentItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID            string `dynamodbav:"id"`
	Kind          string `dynamodbav:"kind"`
	Year          int    `dynamodbav:"year"`
	Seq           int    `dynamodbav:"seq"`
	Number        string `dynamodbav:"number"`
	Title         string `dynamodbav:"title"`
	ProblemListID string `dynamodbav:"problem_list_id,omitempty"`
	Unit          string `dynamodbav:"unit,omitempty"`
	SummaryID     string `dynamodbav:"summary_id,omitempty"`
	SuggestionID  string `dynamodbav:"suggestion_id,omitempty"`
	CreatedAt     string `dynamodbav:"created_at"`
	CreatedBy     string `dynamodbav:"created_by,omitempty"`
	Content       []byte `dynamodbav:"content,omitempty"`
}

// documentKey is where the seq-th document of kind in year is stored.
func documentKey(kind feedback.DocumentKind, year, seq int) (pk, sk string) {
	return pkDocuments + string(kind) + "#" + strconv.Itoa(year), fmt.Sprintf("%08d", seq)
}

func (it *documentItem) domain() (*feedback.Document, error) {
	d := &feedback.Document{
		ID: it.ID, Kind: feedback.DocumentKind(it.Kind), Year: it.Year, Seq: it.Seq, Number: it.Number, Title: it.Title,
		ProblemListID: it.ProblemListID, Unit: it.Unit, SummaryID: it.SummaryID, SuggestionID: it.SuggestionID,
		CreatedBy: it.CreatedBy, Content: it.Content,
	}
	var err error
	if d.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	return d, nil
}

// CreateDocument implements feedback.DocumentRecords: one put under
// attribute_not_exists, so a taken number is a failed condition.
func (s *Store) CreateDocument(ctx context.Context, d *feedback.Document) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("dynamo: create document %s: %w", d.ID, err)
	}
	pk, sk := documentKey(d.Kind, d.Year, d.Seq)
	sortKey := sortTS(d.CreatedAt) + "#" + d.ID
	item, err := marshal(documentItem{
		PK: pk, SK: sk, Type: typeDocument,
		indexKeys: indexKeys{GSI1PK: g1Documents, GSI1SK: sortKey, GSI2PK: g2DocumentsKind + string(d.Kind), GSI2SK: sortKey},
		ID:        d.ID, Kind: string(d.Kind), Year: d.Year, Seq: d.Seq, Number: d.Number, Title: d.Title,
		ProblemListID: d.ProblemListID, Unit: d.Unit, SummaryID: d.SummaryID, SuggestionID: d.SuggestionID,
		CreatedAt: ts(d.CreatedAt), CreatedBy: d.CreatedBy, Content: d.Content,
	})
	if err == nil {
		c := notExists()
		err = s.putIf(ctx, item, c)
	}
	if err != nil {
		return fmt.Errorf("dynamo: create document %s: %w", d.ID, storeErr(err))
	}
	return nil
}

// LastDocumentSeq implements feedback.DocumentRecords: the last sort key of
// the kind and year's partition, read consistently.
func (s *Store) LastDocumentSeq(ctx context.Context, kind feedback.DocumentKind, year int) (int, error) {
	pk, _ := documentKey(kind, year, 0)
	res, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 s.table,
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ProjectionExpression:      aws.String("sk"),
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(1),
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return 0, fmt.Errorf("dynamo: last document number %s %d: %w", kind, year, storeErr(err))
	}
	if len(res.Items) == 0 {
		return 0, nil
	}
	sk, ok := res.Items[0]["sk"].(*types.AttributeValueMemberS)
	n, err := 0, error(nil)
	if ok {
		n, err = strconv.Atoi(sk.Value)
	}
	if !ok || err != nil {
		return 0, fmt.Errorf("dynamo: last document number %s %d: %w", kind, year, feedback.Internal(fmt.Errorf("bad sort key %v", res.Items[0]["sk"])))
	}
	return n, nil
}

// GetDocument implements feedback.DocumentRecords: the ID names the number,
// so one consistent read.
func (s *Store) GetDocument(ctx context.Context, id string) (*feedback.Document, error) {
	kind, year, seq, ok := feedback.ParseDocumentID(id)
	if !ok {
		return nil, feedback.NotFound("document", id)
	}
	pk, sk := documentKey(kind, year, seq)
	var it documentItem
	found, err := s.getItem(ctx, pk, sk, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get document %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("document", id)
	}
	d, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get document %s: %w", id, feedback.Internal(err))
	}
	return d, nil
}

// ListDocuments implements feedback.DocumentRecords: gsi1 DOC, or gsi2
// DOC#<kind> for one kind, descending.
func (s *Store) ListDocuments(ctx context.Context, f feedback.DocumentFilter) (feedback.Page[*feedback.Document], error) {
	var page feedback.Page[*feedback.Document]
	if err := f.Validate(); err != nil {
		return page, fmt.Errorf("dynamo: list documents: %w", err)
	}
	p := gsi(1, g1Documents)
	if f.Kind != "" {
		p = gsi(2, g2DocumentsKind+string(f.Kind))
	}
	spec := listSpec{id: listID("documents", string(f.Kind)), parts: []part{p}, desc: true, limit: feedback.ClampLimit(f.Limit)}
	items, next, err := s.readList(ctx, spec, f.Cursor)
	if err == nil {
		page.Items, err = decodeAll(items, (*documentItem).domain)
	}
	if err != nil {
		return page, fmt.Errorf("dynamo: list documents: %w", err)
	}
	for _, d := range page.Items {
		d.Content = nil // lists leave it out
	}
	page.NextCursor = next
	return page, nil
}
