package dynamo_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
)

// TestRoundOneReply: an item written by round one carries its one reply
// text in "reply" (a decline's reason). It reads as a grade-D reply given
// when the suggestion was last updated, lists count it as replied, and
// the next write stores it as a reply and drops "reply".
func TestRoundOneReply(t *testing.T) {
	s, table := openStore(t)
	ctx := t.Context()
	sym := newSymposium(t, s)
	sg := newSuggestion(sym, t0, "")
	if _, _, err := s.CreateSuggestion(ctx, sg); err != nil {
		t.Fatal(err)
	}
	client := dynamotest.NewClient(t, dynamotest.Endpoint(t))
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "SUG#" + sg.ID}, "sk": &types.AttributeValueMemberS{Value: "SUG"}}
	updated := t0.Add(time.Hour)
	if _, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: key,
		UpdateExpression:         aws.String("SET reply = :r, #s = :s, updated_at = :u"),
		ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":r": &types.AttributeValueMemberS{Value: "该建议不属于本次专项整治范围。"},
			":s": &types.AttributeValueMemberS{Value: string(feedback.SuggestionDeclined)},
			":u": &types.AttributeValueMemberS{Value: updated.UTC().Format("2006-01-02T15:04:05.000000000Z")},
		}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSuggestion(ctx, sg.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := feedback.LegacyDeclineReply("该建议不属于本次专项整治范围。", updated)
	if len(got.Replies) != 1 || got.Replies[0].Text != want.Text || got.Replies[0].Grade != feedback.GradeD || !got.Replies[0].At.Equal(updated) {
		t.Fatalf("round one's reply reads as %+v, want %+v", got.Replies, want)
	}
	if page, err := s.ListSuggestions(ctx, feedback.SuggestionFilter{Unreplied: true}); err != nil || len(page.Items) != 0 {
		t.Fatalf("unreplied: %d items, %v; want none", len(page.Items), err)
	}
	// Rated dissatisfied: it waits for a re-handle, in the index of those.
	got.Replies[0].Rating = &feedback.ReplyRating{Rating: feedback.RatingDissatisfied, Comment: "理由不充分", At: updated.Add(time.Hour)}
	if err := s.UpdateSuggestion(ctx, got); err != nil {
		t.Fatal(err)
	}
	raw, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := raw.Item["reply"]; ok {
		t.Errorf("the rewritten item still has round one's reply attribute")
	}
	if pk, _ := raw.Item["gsi1pk"].(*types.AttributeValueMemberS); pk == nil || pk.Value != "SUGREHANDLE" {
		t.Errorf("a re-handle is not in its index: gsi1pk %v", raw.Item["gsi1pk"])
	}
	// Answered again: it leaves the index.
	got.Replies = append(got.Replies, feedback.Reply{Text: "经重新核实,已纳入整改。", Grade: feedback.GradeA, At: updated.Add(2 * time.Hour)})
	if err := s.UpdateSuggestion(ctx, got); err != nil {
		t.Fatal(err)
	}
	raw, _ = client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if _, ok := raw.Item["gsi1pk"]; ok {
		t.Errorf("answered again, it is still in the re-handle index")
	}
}
