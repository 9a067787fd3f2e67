package dynamo

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// InsertedSuggestion reports whether rec — a record as Lambda's DynamoDB
// event source mapping delivers it (aws-lambda-go's events types) — is a
// new suggestion stored in table, and converts its new image. table "" skips
// the table check. It returns ok == false, with no error, for every other
// record: other tables, updates and deletes, other item kinds. A record
// that claims to be a new suggestion but whose image does not decode into a
// valid one is an error, so the router can report that record as failed.
func InsertedSuggestion(rec events.DynamoDBEventRecord, table string) (s *feedback.Suggestion, ok bool, err error) {
	if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
		return nil, false, nil
	}
	if table != "" && TableFromStreamARN(rec.EventSourceArn) != table {
		return nil, false, nil
	}
	img := rec.Change.NewImage
	if img == nil {
		// KEYS_ONLY or OLD_IMAGE view: say so if it is one of ours.
		if pk, isS := stringAttr(rec.Change.Keys, "pk"); isS && strings.HasPrefix(pk, pkSuggestion) {
			return nil, false, fmt.Errorf("dynamo: stream record %s: suggestion insert without a new image (stream view %q)", rec.EventID, rec.Change.StreamViewType)
		}
		return nil, false, nil
	}
	if typ, _ := stringAttr(img, "type"); typ != typeSuggestion {
		return nil, false, nil
	}
	if pk, _ := stringAttr(img, "pk"); !strings.HasPrefix(pk, pkSuggestion) {
		return nil, false, nil
	}
	item, err := FromEventImage(img)
	if err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: %w", rec.EventID, err)
	}
	var it suggestionItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: decode suggestion: %w", rec.EventID, err)
	}
	if it.PK != pkSuggestion+it.ID || it.SK != skSuggestion {
		return nil, false, fmt.Errorf("dynamo: stream record %s: suggestion key %q/%q does not match its id %q", rec.EventID, it.PK, it.SK, it.ID)
	}
	s, err = it.domain()
	if err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: %w", rec.EventID, err)
	}
	if err := s.Validate(); err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: invalid suggestion: %w", rec.EventID, err)
	}
	return s, true, nil
}

// TableFromStreamARN returns the table name in a stream ARN such as
// arn:aws:dynamodb:us-east-1:123456789012:table/NAME/stream/2024-01-01T00:00:00.000,
// or "" when arn is not one.
func TableFromStreamARN(arn string) string {
	_, rest, ok := strings.Cut(arn, ":table/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

func stringAttr(m map[string]events.DynamoDBAttributeValue, name string) (string, bool) {
	v, ok := m[name]
	if !ok || v.DataType() != events.DataTypeString {
		return "", false
	}
	return safeString(v)
}

// safeString reads a string attribute. The events type panics on a value
// that does not match its data type (a zero value claims to be Binary), so
// every accessor call is guarded.
func safeString(v events.DynamoDBAttributeValue) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	return v.String(), true
}

// FromEventImage converts a stream image in aws-lambda-go's representation
// into the SDK's attribute values, for attributevalue.UnmarshalMap. Values
// that are inconsistent (which the events type would panic on) are errors.
func FromEventImage(img map[string]events.DynamoDBAttributeValue) (out map[string]types.AttributeValue, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("malformed attribute value: %v", r)
		}
	}()
	return fromEventMap(img, 0)
}

// maxDepth bounds nesting, as DynamoDB does (32 levels).
const maxDepth = 32

func fromEventMap(m map[string]events.DynamoDBAttributeValue, depth int) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		av, err := fromEventValue(v, depth)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func fromEventValue(v events.DynamoDBAttributeValue, depth int) (types.AttributeValue, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		l := v.List()
		out := make([]types.AttributeValue, 0, len(l))
		for i, e := range l {
			av, err := fromEventValue(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out = append(out, av)
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m, err := fromEventMap(v.Map(), depth+1)
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unknown data type %d", v.DataType())
}

// ToEventRecord converts a record read with the DynamoDB Streams API into
// the shape Lambda's event source mapping delivers (aws-lambda-go's events
// types), with eventSourceARN set to streamARN.
func ToEventRecord(r streamtypes.Record, streamARN string) (events.DynamoDBEventRecord, error) {
	rec := events.DynamoDBEventRecord{
		AWSRegion:      aws.ToString(r.AwsRegion),
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    aws.ToString(r.EventSource),
		EventVersion:   aws.ToString(r.EventVersion),
		EventSourceArn: streamARN,
	}
	if rec.EventSource == "" {
		rec.EventSource = "aws:dynamodb"
	}
	if rec.EventVersion == "" {
		rec.EventVersion = "1.1"
	}
	if r.UserIdentity != nil {
		rec.UserIdentity = &events.DynamoDBUserIdentity{Type: aws.ToString(r.UserIdentity.Type), PrincipalID: aws.ToString(r.UserIdentity.PrincipalId)}
	}
	d := r.Dynamodb
	if d == nil {
		return rec, errors.New("record without a dynamodb part")
	}
	var err error
	if rec.Change.Keys, err = toEventMap(d.Keys); err != nil {
		return rec, fmt.Errorf("keys: %w", err)
	}
	if rec.Change.NewImage, err = toEventMap(d.NewImage); err != nil {
		return rec, fmt.Errorf("new image: %w", err)
	}
	if rec.Change.OldImage, err = toEventMap(d.OldImage); err != nil {
		return rec, fmt.Errorf("old image: %w", err)
	}
	if d.ApproximateCreationDateTime != nil {
		rec.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: d.ApproximateCreationDateTime.Truncate(time.Second)}
	}
	rec.Change.SequenceNumber = aws.ToString(d.SequenceNumber)
	rec.Change.SizeBytes = aws.ToInt64(d.SizeBytes)
	rec.Change.StreamViewType = string(d.StreamViewType)
	return rec, nil
}

func toEventMap(m map[string]streamtypes.AttributeValue) (map[string]events.DynamoDBAttributeValue, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(m))
	for k, v := range m {
		ev, err := toEventValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = ev
	}
	return out, nil
}

func toEventValue(v streamtypes.AttributeValue) (events.DynamoDBAttributeValue, error) {
	switch v := v.(type) {
	case *streamtypes.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberNULL:
		return events.NewNullAttribute(), nil
	case *streamtypes.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value), nil
	case *streamtypes.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, 0, len(v.Value))
		for i, e := range v.Value {
			ev, err := toEventValue(e)
			if err != nil {
				return ev, fmt.Errorf("element %d: %w", i, err)
			}
			l = append(l, ev)
		}
		return events.NewListAttribute(l), nil
	case *streamtypes.AttributeValueMemberM:
		m, err := toEventMap(v.Value)
		if err != nil {
			return events.DynamoDBAttributeValue{}, err
		}
		return events.NewMapAttribute(m), nil
	}
	return events.DynamoDBAttributeValue{}, fmt.Errorf("unsupported attribute value %T", v)
}
