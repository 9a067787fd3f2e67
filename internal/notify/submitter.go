package notify

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// SNSSubmitters sends reply notices to the submitters who asked for them
// (feedback.SubmitterNotifier) through Amazon SNS:
//
//   - to a mainland mobile number, an SMS published straight to the number
//     (transactional, so it is not held back as marketing);
//   - to an e-mail address, a message on the topic with the attributes
//     kind=reply, delivery=email and email=<the address>. SNS e-mails only
//     addresses that confirmed a subscription, so the office subscribes a
//     mail relay (a function that sends through Amazon SES or its own mail
//     server) with the filter policy {"delivery":["email"]}; the template's
//     alarm e-mail subscription filters these messages out.
//
// The message is the notice's text: no content, no personal data; the
// contact is the address and nothing else.
type SNSSubmitters struct {
	Client   Publisher
	TopicARN string
}

// NotifySubmitter implements feedback.SubmitterNotifier.
func (s *SNSSubmitters) NotifySubmitter(ctx context.Context, channel, address string, n feedback.Notice) error {
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	in := &sns.PublishInput{Message: aws.String(n.Text)}
	switch channel {
	case feedback.ContactSMS:
		in.PhoneNumber = aws.String(address)
		in.MessageAttributes = map[string]types.MessageAttributeValue{"AWS.SNS.SMS.SMSType": str("Transactional")}
	case feedback.ContactEmail:
		in.TopicArn = aws.String(s.TopicARN)
		in.Subject = aws.String(n.Subject)
		in.MessageAttributes = map[string]types.MessageAttributeValue{
			"kind": str(n.Kind), "delivery": str("email"), "email": str(address),
		}
	default:
		return fmt.Errorf("sns: no way to reach a %q contact", channel)
	}
	if _, err := s.Client.Publish(ctx, in); err != nil {
		return fmt.Errorf("sns publish %s to the submitter (%s): %w", n.Kind, channel, err)
	}
	return nil
}
