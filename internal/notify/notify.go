// Package notify delivers notices (feedback.Notice): to the office's
// channel — an Amazon SNS topic on AWS, a webhook or the log when running
// locally — and to a unit's own channel (UnitChannel): an enterprise WeChat,
// DingTalk or Feishu group robot, or the unit's own webhook. One notice is
// rendered once per channel, in the format that channel documents. Each
// type implements feedback.Notifier.
package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// Publisher is the part of *sns.Client that SNS uses.
type Publisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ Publisher = (*sns.Client)(nil)

// SNS publishes each notice's text to a topic. Subscribers (e-mail, SMS,
// an HTTPS endpoint feeding a WeChat Work robot) get the Chinese text; the
// message attributes kind, summary_id and unit let a subscription filter
// policy route reminders to the unit concerned.
type SNS struct {
	Client   Publisher
	TopicARN string
}

// Notify implements feedback.Notifier.
func (s *SNS) Notify(ctx context.Context, n feedback.Notice) error {
	attrs := map[string]types.MessageAttributeValue{
		"kind": {DataType: aws.String("String"), StringValue: aws.String(n.Kind)},
	}
	if n.SummaryID != "" {
		attrs["summary_id"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(n.SummaryID)}
	}
	if n.Unit != "" {
		attrs["unit"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(n.Unit)}
	}
	if n.ProblemID != "" {
		attrs["problem_id"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(n.ProblemID)}
	}
	_, err := s.Client.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(s.TopicARN),
		Subject:           aws.String(n.Subject),
		Message:           aws.String(PlainText(n)),
		MessageAttributes: attrs,
	})
	if err != nil {
		return fmt.Errorf("sns publish %s: %w", n.Kind, err)
	}
	return nil
}

// Webhook POSTs each notice as JSON ({"kind","summary_id","unit",
// "subject","title","text","link"}) to URL; any 2xx answer is success. With
// a Secret, each request carries X-Jianyan-Timestamp (Unix seconds) and
// X-Jianyan-Signature: "sha256=" and the hex HMAC-SHA256, keyed with the
// secret, of the timestamp, a full stop and the body, so the receiver can
// tell Jianyan's posts from anyone else's and refuse old ones.
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client     // http.Client with a 10 s timeout when nil
	Now    func() time.Time // time.Now when nil
}

// webhookBody is what a webhook receives.
type webhookBody struct {
	ID        string   `json:"id,omitempty"`
	Kind      string   `json:"kind"`
	SummaryID string   `json:"summary_id"`
	ProblemID string   `json:"problem_id,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	CoUnits   []string `json:"co_units,omitempty"`
	Subject   string   `json:"subject"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Link      string   `json:"link"`
	// Delivery and To are set only on a reply notice sent to its
	// submitter (NotifySubmitter): "sms" or "email", and the number or
	// address to send the text to.
	Delivery string `json:"delivery,omitempty"`
	To       string `json:"to,omitempty"`
}

// Notify implements feedback.Notifier.
func (h *Webhook) Notify(ctx context.Context, n feedback.Notice) error {
	return h.post(ctx, webhookBody{ID: n.ID, Kind: n.Kind, SummaryID: n.SummaryID, ProblemID: n.ProblemID,
		Unit: n.Unit, CoUnits: n.CoUnits, Subject: n.Subject,
		Title: feedback.NoticeTitle(n.Kind), Text: n.Text, Link: n.Link})
}

// NotifySubmitter implements feedback.SubmitterNotifier: the office's
// relay (an SMS gateway, a mail server) gets the reply notice for the
// submitter who asked for it, with "delivery" ("sms" or "email") and "to"
// (the number or address): the one use of the contact. The text and link
// are those of the notice, never what the submitter wrote; the same
// notice also reaches the webhook as the office's copy, without "to".
func (h *Webhook) NotifySubmitter(ctx context.Context, channel, address string, n feedback.Notice) error {
	if channel != feedback.ContactSMS && channel != feedback.ContactEmail {
		return fmt.Errorf("webhook: no way to reach a %q contact", channel)
	}
	return h.post(ctx, webhookBody{ID: n.ID, Kind: n.Kind, Subject: n.Subject, Title: feedback.NoticeTitle(n.Kind),
		Text: n.Text, Link: n.Link, Delivery: channel, To: address})
}

func (h *Webhook) post(ctx context.Context, b webhookBody) error {
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	var header http.Header
	if h.Secret != "" {
		now := time.Now
		if h.Now != nil {
			now = h.Now
		}
		ts := strconv.FormatInt(now().Unix(), 10)
		header = http.Header{"X-Jianyan-Timestamp": {ts}, "X-Jianyan-Signature": {WebhookSignature(h.Secret, ts, body)}}
	}
	c := h.Client
	if c == nil {
		c = defaultClient
	}
	if _, err := post(ctx, c, h.URL, body, header); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}

// WebhookSignature is the X-Jianyan-Signature of body sent at timestamp.
func WebhookSignature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Log writes each notice to a logger: the local stack's delivery when no
// webhook is configured.
type Log struct{ Logger *slog.Logger }

// Notify implements feedback.Notifier.
func (l *Log) Notify(ctx context.Context, n feedback.Notice) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notice", "kind", n.Kind, "notice_id", n.ID, "summary_id", n.SummaryID, "problem_id", n.ProblemID,
		"unit", n.Unit, "co_units", n.CoUnits, "text", n.Text, "link", n.Link)
	return nil
}

// FromEnv returns the local notifier: a Webhook when JIANYAN_WEBHOOK_URL is
// set, otherwise the log.
func FromEnv(getenv func(string) string, log *slog.Logger) feedback.Notifier {
	if u := getenv("JIANYAN_WEBHOOK_URL"); u != "" {
		return &Webhook{URL: u}
	}
	return &Log{Logger: log}
}

// SubmittersFromEnv returns the local delivery of reply notices to
// submitters: the webhook of JIANYAN_WEBHOOK_URL (NotifySubmitter), or nil
// when none is set — the log is no way to reach anyone, and the form then
// does not offer the notice.
func SubmittersFromEnv(getenv func(string) string) feedback.SubmitterNotifier {
	if u := getenv("JIANYAN_WEBHOOK_URL"); u != "" {
		return &Webhook{URL: u}
	}
	return nil
}

// Channels sends notices to units' own channels (feedback.UnitNotifier),
// one UnitChannel per send, over one HTTP client.
type Channels struct {
	Client *http.Client     // http.Client with a 10 s timeout when nil
	Now    func() time.Time // time.Now when nil
}

// NotifyUnit implements feedback.UnitNotifier.
func (c *Channels) NotifyUnit(ctx context.Context, ch feedback.NotifyChannel, n feedback.Notice) error {
	return (&UnitChannel{Channel: ch, Client: c.Client, Now: c.Now}).Notify(ctx, n)
}
