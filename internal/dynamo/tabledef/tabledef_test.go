package tabledef_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan"
	"github.com/jianyan/jianyan/internal/dynamo/tabledef"
)

func TestLoadTableDefinition(t *testing.T) {
	in, err := tabledef.LoadTableDefinition(jianyan.Template)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := in.BillingMode, types.BillingModePayPerRequest; got != want {
		t.Errorf("billing mode = %q, want %q", got, want)
	}
	if got, want := len(in.GlobalSecondaryIndexes), 8; got != want {
		t.Errorf("GSIs = %d, want %d", got, want)
	}
	if in.StreamSpecification == nil || in.StreamSpecification.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Errorf("stream = %+v, want NEW_AND_OLD_IMAGES", in.StreamSpecification)
	}
	if !aws.ToBool(in.DeletionProtectionEnabled) {
		t.Error("deletion protection is off in the template")
	}
	attr, err := tabledef.LoadTimeToLiveAttribute(jianyan.Template)
	if err != nil || attr != "expires_at" {
		t.Errorf("TTL attribute = %q, %v; want expires_at", attr, err)
	}

	bad := []struct{ name, yaml string }{
		{"no resources", "AWSTemplateFormatVersion: '2010-09-09'\n"},
		{"no table", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"},
		{"wrong type", "Resources:\n  Table:\n    Type: AWS::S3::Bucket\n    Properties: {}\n"},
		{"intrinsic in table", "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: !Ref Keys\n"},
		{"not yaml", "Resources: [\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tabledef.LoadTableDefinition([]byte(tt.yaml)); err == nil {
				t.Error("got no error")
			}
		})
	}
	// Short-form tags elsewhere in the template do not get in the way.
	withTags := string(jianyan.Template) + "\n  Extra:\n    Value: !Sub '${AWS::StackName}-x'\n    Other: !GetAtt [Table, Arn]\n"
	if _, err := tabledef.LoadTableDefinition([]byte(withTags)); err != nil {
		t.Errorf("template with intrinsic tags: %v", err)
	}
}
