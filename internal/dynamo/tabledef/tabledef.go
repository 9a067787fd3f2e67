// Package tabledef reads the DynamoDB table's definition out of template.yaml,
// the one source of truth for it, and creates tables from it: for the tests,
// the local stack's --dynamodb mode and the emulator end-to-end test. It is
// apart from package dynamo so that the Lambda binaries, which never create
// tables, do not link a YAML parser.
package tabledef

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"gopkg.in/yaml.v3"
)

// TableResource is the logical ID of the table in template.yaml.
const TableResource = "Table"

// tableProperties is the subset of AWS::DynamoDB::Table properties that
// CreateTable and UpdateTimeToLive take. Unknown properties are ignored.
type tableProperties struct {
	TableName                 string `yaml:"TableName"`
	BillingMode               string `yaml:"BillingMode"`
	DeletionProtectionEnabled *bool  `yaml:"DeletionProtectionEnabled"`
	AttributeDefinitions      []struct {
		AttributeName string `yaml:"AttributeName"`
		AttributeType string `yaml:"AttributeType"`
	} `yaml:"AttributeDefinitions"`
	KeySchema              []keySchemaElement `yaml:"KeySchema"`
	GlobalSecondaryIndexes []struct {
		IndexName  string             `yaml:"IndexName"`
		KeySchema  []keySchemaElement `yaml:"KeySchema"`
		Projection struct {
			ProjectionType   string   `yaml:"ProjectionType"`
			NonKeyAttributes []string `yaml:"NonKeyAttributes"`
		} `yaml:"Projection"`
	} `yaml:"GlobalSecondaryIndexes"`
	StreamSpecification *struct {
		StreamViewType string `yaml:"StreamViewType"`
	} `yaml:"StreamSpecification"`
	SSESpecification *struct {
		SSEEnabled bool   `yaml:"SSEEnabled"`
		SSEType    string `yaml:"SSEType"`
	} `yaml:"SSESpecification"`
	TimeToLiveSpecification *struct {
		AttributeName string `yaml:"AttributeName"`
		Enabled       bool   `yaml:"Enabled"`
	} `yaml:"TimeToLiveSpecification"`
	PointInTimeRecoverySpecification *struct {
		PointInTimeRecoveryEnabled bool `yaml:"PointInTimeRecoveryEnabled"`
	} `yaml:"PointInTimeRecoverySpecification"`
}

type keySchemaElement struct {
	AttributeName string `yaml:"AttributeName"`
	KeyType       string `yaml:"KeyType"`
}

// parseTable finds Resources.Table in a CloudFormation template and decodes
// its properties. It walks yaml.Nodes so that the short-form intrinsic
// functions elsewhere in the template (!Ref, !GetAtt, !Sub …), which are
// custom YAML tags, never reach a decoder.
func parseTable(templateYAML []byte) (*tableProperties, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(templateYAML, &doc); err != nil {
		return nil, fmt.Errorf("dynamo: parse template: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("dynamo: parse template: empty document")
	}
	resources := mapValue(doc.Content[0], "Resources")
	if resources == nil {
		return nil, errors.New("dynamo: parse template: no Resources")
	}
	table := mapValue(resources, TableResource)
	if table == nil {
		return nil, fmt.Errorf("dynamo: parse template: no resource %q", TableResource)
	}
	if typ := mapValue(table, "Type"); typ == nil || typ.Value != "AWS::DynamoDB::Table" {
		return nil, fmt.Errorf("dynamo: parse template: resource %q is not an AWS::DynamoDB::Table", TableResource)
	}
	propsNode := mapValue(table, "Properties")
	if propsNode == nil {
		return nil, fmt.Errorf("dynamo: parse template: resource %q has no Properties", TableResource)
	}
	var props tableProperties
	if err := propsNode.Decode(&props); err != nil {
		return nil, fmt.Errorf("dynamo: decode %s properties (intrinsic functions are not supported there): %w", TableResource, err)
	}
	if len(props.KeySchema) == 0 || len(props.AttributeDefinitions) == 0 {
		return nil, fmt.Errorf("dynamo: decode %s properties: KeySchema and AttributeDefinitions are required", TableResource)
	}
	return &props, nil
}

// mapValue returns the value node of key in mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// LoadTableDefinition reads the Table resource of a SAM/CloudFormation
// template (template.yaml, embedded as jianyan.Template) and returns the
// matching CreateTable input. TableName is set only if the template names the
// table; callers set their own. Time to live and point-in-time recovery are
// not part of CreateTable: see LoadTimeToLiveAttribute and EnsureTable.
func LoadTableDefinition(templateYAML []byte) (*dynamodb.CreateTableInput, error) {
	p, err := parseTable(templateYAML)
	if err != nil {
		return nil, err
	}
	in := &dynamodb.CreateTableInput{}
	if p.TableName != "" {
		in.TableName = aws.String(p.TableName)
	}
	if p.BillingMode != string(types.BillingModePayPerRequest) {
		return nil, fmt.Errorf("dynamo: decode %s properties: BillingMode must be PAY_PER_REQUEST (provisioned throughput is not read)", TableResource)
	}
	in.BillingMode = types.BillingModePayPerRequest
	if p.DeletionProtectionEnabled != nil {
		in.DeletionProtectionEnabled = aws.Bool(*p.DeletionProtectionEnabled)
	}
	for _, a := range p.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	in.KeySchema = keySchema(p.KeySchema)
	for _, g := range p.GlobalSecondaryIndexes {
		gsi := types.GlobalSecondaryIndex{
			IndexName: aws.String(g.IndexName),
			KeySchema: keySchema(g.KeySchema),
			Projection: &types.Projection{
				ProjectionType:   types.ProjectionType(g.Projection.ProjectionType),
				NonKeyAttributes: g.Projection.NonKeyAttributes,
			},
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi)
	}
	if s := p.StreamSpecification; s != nil && s.StreamViewType != "" {
		in.StreamSpecification = &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewType(s.StreamViewType),
		}
	}
	if s := p.SSESpecification; s != nil {
		in.SSESpecification = &types.SSESpecification{Enabled: aws.Bool(s.SSEEnabled)}
		if s.SSEType != "" {
			in.SSESpecification.SSEType = types.SSEType(s.SSEType)
		}
	}
	return in, nil
}

func keySchema(ks []keySchemaElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, types.KeySchemaElement{
			AttributeName: aws.String(k.AttributeName),
			KeyType:       types.KeyType(k.KeyType),
		})
	}
	return out
}

// LoadTimeToLiveAttribute returns the attribute the template's table expires
// items by, or "" when time to live is not enabled.
func LoadTimeToLiveAttribute(templateYAML []byte) (string, error) {
	p, err := parseTable(templateYAML)
	if err != nil {
		return "", err
	}
	if t := p.TimeToLiveSpecification; t != nil && t.Enabled {
		return t.AttributeName, nil
	}
	return "", nil
}

// TableAPI is the part of *dynamodb.Client that EnsureTable uses.
type TableAPI interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// EnsureTable creates table name from the template's definition unless it
// exists, waits until it is active and turns on time to live. It is for the
// local stack and tests; on AWS, CloudFormation creates the table. When
// deletionProtection is false the created table can be deleted (tests).
func EnsureTable(ctx context.Context, client TableAPI, templateYAML []byte, name string, deletionProtection bool) error {
	_, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err == nil {
		return nil
	}
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		return fmt.Errorf("dynamo: describe table %s: %w", name, err)
	}
	in, err := LoadTableDefinition(templateYAML)
	if err != nil {
		return err
	}
	in.TableName = aws.String(name)
	in.DeletionProtectionEnabled = aws.Bool(deletionProtection)
	if _, err := client.CreateTable(ctx, in); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return fmt.Errorf("dynamo: create table %s: %w", name, err)
		}
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = 2 * time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("dynamo: wait for table %s: %w", name, err)
	}
	attr, err := LoadTimeToLiveAttribute(templateYAML)
	if err != nil || attr == "" {
		return err
	}
	if _, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(attr), Enabled: aws.Bool(true),
		},
	}); err != nil {
		return fmt.Errorf("dynamo: enable time to live on %s: %w", name, err)
	}
	return nil
}
