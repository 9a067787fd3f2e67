// Package notify delivers summary and reminder notices (feedback.Notice):
// to an Amazon SNS topic on AWS, to a webhook or the log when running
// locally. Each type implements feedback.Notifier.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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
		"kind":       {DataType: aws.String("String"), StringValue: aws.String(n.Kind)},
		"summary_id": {DataType: aws.String("String"), StringValue: aws.String(n.SummaryID)},
	}
	if n.Unit != "" {
		attrs["unit"] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(n.Unit)}
	}
	_, err := s.Client.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(s.TopicARN),
		Subject:           aws.String(n.Subject),
		Message:           aws.String(n.Text),
		MessageAttributes: attrs,
	})
	if err != nil {
		return fmt.Errorf("sns publish %s: %w", n.Kind, err)
	}
	return nil
}

// Webhook POSTs each notice as JSON ({"kind","summary_id","unit",
// "subject","text","link"}) to URL; any 2xx answer is success.
type Webhook struct {
	URL    string
	Client *http.Client // http.Client with a 10 s timeout when nil
}

// webhookBody is what a webhook receives.
type webhookBody struct {
	Kind      string `json:"kind"`
	SummaryID string `json:"summary_id"`
	Unit      string `json:"unit,omitempty"`
	Subject   string `json:"subject"`
	Text      string `json:"text"`
	Link      string `json:"link"`
}

// Notify implements feedback.Notifier.
func (h *Webhook) Notify(ctx context.Context, n feedback.Notice) error {
	body, err := json.Marshal(webhookBody{Kind: n.Kind, SummaryID: n.SummaryID, Unit: n.Unit, Subject: n.Subject, Text: n.Text, Link: n.Link})
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: post: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook: post: status %d", res.StatusCode)
	}
	return nil
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
	log.InfoContext(ctx, "notice", "kind", n.Kind, "summary_id", n.SummaryID, "unit", n.Unit, "text", n.Text)
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
