package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/notify"
	"github.com/jianyan/jianyan/internal/testenv"
	"github.com/jianyan/jianyan/internal/testenv/moto"
)

// snsHook is an HTTP(S) subscriber of a topic on moto: it records the
// notifications moto posts to it.
type snsHook struct {
	mu    sync.Mutex
	notes []map[string]any
	srv   *httptest.Server
}

func newSNSHook(t *testing.T) *snsHook {
	h := &snsHook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if json.Unmarshal(b, &m) == nil && m["Type"] == "Notification" {
			h.mu.Lock()
			h.notes = append(h.notes, m)
			h.mu.Unlock()
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *snsHook) got() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.notes...)
}

// TestSNSSubmitters runs the AWS path of reply notices against moto's SNS:
// an SMS straight to a mainland number, an e-mail address through the
// topic for the mail relay (which its filter policy lets through), and the
// office's own e-mail subscription, whose filter policy (the template's)
// keeps notices to submitters out.
func TestSNSSubmitters(t *testing.T) {
	ep, err := moto.Endpoint("AWS_ENDPOINT_URL_SNS")
	if err != nil {
		testenv.Missing(t, "no SNS endpoint: %v", err)
	}
	ctx := context.Background()
	client := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	topic, err := client.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("jianyan-replies-" + feedback.NewID(time.Now()))})
	if err != nil {
		t.Fatal(err)
	}
	relay, addressed, office := newSNSHook(t), newSNSHook(t), newSNSHook(t)
	subscribe := func(h *snsHook, policy string) {
		out, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(h.srv.URL),
			Attributes: map[string]string{"FilterPolicyScope": "MessageAttributes", "FilterPolicy": policy}, ReturnSubscriptionArn: true})
		if err != nil {
			t.Fatalf("subscribe: %v", err)
		}
		_ = out
	}
	subscribe(relay, `{"delivery":["email"]}`)
	// moto's HTTP notifications leave the attributes out: a subscription
	// that filters on the address shows the address went with the message.
	subscribe(addressed, `{"email":["chen@example.com"]}`)
	subscribe(office, `{"kind":[{"exists":false},{"anything-but":["reply"]}]}`)

	n := feedback.Notice{ID: feedback.NewID(time.Now()), Kind: feedback.NoticeReply, Subject: feedback.NoticeTitle(feedback.NoticeReply),
		Text: "【区委依法治区办】您3月4日提交的意见建议(回执号 K7QM-3XPA-9RTD)已有答复,请查看:https://jianyan.example.gov.cn/r/K7QM-3XPA-9RTD",
		Link: "https://jianyan.example.gov.cn/r/K7QM-3XPA-9RTD"}
	subs := &notify.SNSSubmitters{Client: client, TopicARN: *topic.TopicArn}
	office1 := &notify.SNS{Client: client, TopicARN: *topic.TopicArn}

	if err := subs.NotifySubmitter(ctx, feedback.ContactSMS, "+8613812345678", n); err != nil {
		t.Fatalf("SMS: %v", err)
	}
	if err := subs.NotifySubmitter(ctx, feedback.ContactEmail, "chen@example.com", n); err != nil {
		t.Fatalf("e-mail: %v", err)
	}
	if err := office1.Notify(ctx, n); err != nil { // the office's copy: no address
		t.Fatalf("office: %v", err)
	}
	if err := office1.Notify(ctx, feedback.Notice{Kind: feedback.NoticeSummary, SummaryID: "daily-2025-03-04", Subject: "建言 · 工作汇总", Text: "【建言】日汇总"}); err != nil {
		t.Fatal(err)
	}
	if err := subs.NotifySubmitter(ctx, "wechat", "wxid_123", n); err == nil {
		t.Errorf("an unknown channel was sent")
	}

	// The SMS, as moto recorded it.
	resp, err := http.Get(strings.TrimSuffix(ep, "/") + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var data struct {
		SNS struct {
			SMS []struct {
				PhoneNumber string `json:"phone_number"`
				Message     string `json:"message"`
			} `json:"SMS"`
		} `json:"sns"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sms := range data.SNS.SMS {
		found = found || (sms.PhoneNumber == "+8613812345678" && sms.Message == n.Text)
	}
	if !found {
		t.Errorf("moto recorded no SMS to +8613812345678 with the notice's text: %+v", data.SNS.SMS)
	}

	// The relay got the e-mail notice, addressed; the office's
	// subscription got the summary only.
	for name, h := range map[string]*snsHook{"the mail relay": relay, "the address filter": addressed} {
		got := h.got()
		if len(got) != 1 || got[0]["Message"] != n.Text || got[0]["Subject"] != n.Subject {
			t.Errorf("%s got %v, want the one notice to chen@example.com", name, got)
		}
	}
	for _, m := range office.got() {
		if msg := m["Message"].(string); strings.Contains(msg, "回执号") || strings.Contains(msg, "@") {
			t.Errorf("the office's e-mail subscription got a submitter's notice: %q", msg)
		}
	}
	if len(office.got()) != 1 {
		t.Errorf("the office's e-mail subscription got %d messages, want the summary", len(office.got()))
	}
}

// TestWebhookSubmitters: locally the webhook is how a reply notice reaches
// its submitter: the office's relay gets the notice's text and link with
// "delivery" and "to" (the contact's one use), signed like every post,
// and a contact it cannot reach is refused before anything is sent.
func TestWebhookSubmitters(t *testing.T) {
	var (
		mu    sync.Mutex
		posts []*http.Request
		raw   []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts, raw = append(posts, r), append(raw, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	h := &notify.Webhook{URL: srv.URL, Secret: "s3cret", Now: func() time.Time { return now }}
	var _ feedback.SubmitterNotifier = h
	n := feedback.Notice{ID: "01notice", Kind: feedback.NoticeReply, Subject: "办理结果", ProblemID: "01problem", SuggestionID: "01sg",
		Text: "【区委依法治区办】您3月1日提交的意见建议(回执号 K7QM-3XPA-9RTD)已有答复,请查看:https://jy.example.gov.cn/r/K7QM-3XPA-9RTD",
		Link: "https://jy.example.gov.cn/r/K7QM-3XPA-9RTD"}
	tests := []struct{ channel, address string }{
		{feedback.ContactSMS, "+8613812345678"},
		{feedback.ContactEmail, "li.ming@example.com"},
	}
	for i, tt := range tests {
		if err := h.NotifySubmitter(context.Background(), tt.channel, tt.address, n); err != nil {
			t.Fatalf("%s: %v", tt.channel, err)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(raw[i]), &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"id": n.ID, "kind": "reply", "delivery": tt.channel, "to": tt.address, "text": n.Text, "link": n.Link}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", tt.channel, k, got[k], v)
			}
		}
		for _, k := range []string{"problem_id", "unit", "co_units"} {
			if _, ok := got[k]; ok {
				t.Errorf("%s: the delivery carries %s: %s", tt.channel, k, raw[i])
			}
		}
		ts := posts[i].Header.Get("X-Jianyan-Timestamp")
		if sig := posts[i].Header.Get("X-Jianyan-Signature"); sig == "" || sig != notify.WebhookSignature("s3cret", ts, []byte(raw[i])) {
			t.Errorf("%s: signature %q does not sign the body", tt.channel, sig)
		}
	}
	if err := h.NotifySubmitter(context.Background(), "wechat", "liming", n); err == nil || len(raw) != 2 {
		t.Errorf("an unknown contact: %v, %d posts; want an error and nothing sent", err, len(raw))
	}
}
