package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianyan/jianyan/internal/feedback"
)

// UnitChannel delivers notices to one unit's own channel (feedback.NotifyChannel): an
// enterprise WeChat (企业微信), DingTalk (钉钉) or Feishu (飞书) group robot
// in the message format each documents, or a plain JSON webhook. One
// renderer per kind turns the notice into that service's request; the
// services answer HTTP 200 with an error code in the body when they refuse
// a message, so each kind also reads its answer.
type UnitChannel struct {
	Channel feedback.NotifyChannel
	Client  *http.Client     // http.Client with a 10 s timeout when nil
	Now     func() time.Time // time.Now when nil; signatures carry the time
}

// RejectedError is a message the robot's service refused: its own error
// code and message (a wrong key, a bad signature, a missing keyword, sending
// too fast).
type RejectedError struct {
	Kind    string
	Code    int
	Message string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("%s robot refused the message: code %d: %s", e.Kind, e.Code, e.Message)
}

// Notify implements feedback.Notifier.
func (c *UnitChannel) Notify(ctx context.Context, n feedback.Notice) error {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	client := c.Client
	if client == nil {
		client = defaultClient
	}
	if c.Channel.Kind == feedback.NotifyWebhook {
		w := &Webhook{URL: c.Channel.URL, Secret: c.Channel.Secret, Client: client, Now: now}
		return w.Notify(ctx, n)
	}
	r, ok := renderers[c.Channel.Kind]
	if !ok {
		return fmt.Errorf("notify: unknown channel kind %q", c.Channel.Kind)
	}
	target, body, err := r.render(c.Channel, n, now())
	if err != nil {
		return fmt.Errorf("%s robot: %w", c.Channel.Kind, err)
	}
	answer, err := post(ctx, client, target, body, nil)
	if err != nil {
		return fmt.Errorf("%s robot: %w", c.Channel.Kind, err)
	}
	return r.check(answer)
}

var defaultClient = &http.Client{Timeout: 10 * time.Second}

// post sends body as JSON and returns the answer of a 2xx response.
func post(ctx context.Context, c *http.Client, target string, body []byte, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	res, err := c.Do(req)
	if err != nil {
		// The URL carries the robot's key; *url.Error repeats it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("post: %w", err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, fmt.Errorf("post: status %d: %.200s", res.StatusCode, answer)
	}
	return answer, nil
}

type renderer struct {
	// render returns the address to post to and the JSON body.
	render func(ch feedback.NotifyChannel, n feedback.Notice, now time.Time) (string, []byte, error)
	// check reads the service's answer.
	check func(answer []byte) error
}

var renderers = map[string]renderer{
	feedback.NotifyWeCom:    {renderWeCom, checkErrcode(feedback.NotifyWeCom)},
	feedback.NotifyDingTalk: {renderDingTalk, checkErrcode(feedback.NotifyDingTalk)},
	feedback.NotifyFeishu:   {renderFeishu, checkFeishu},
}

// noticeText is the notice's text without a trailing 「详见 <link>」:
// every channel shows the link in its own way.
func noticeText(n feedback.Notice) string {
	t := strings.TrimSpace(n.Text)
	if n.Link != "" {
		t = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(t, n.Link)), "详见")
	}
	return strings.TrimSpace(t)
}

// PlainText is the notice as one plain text: title, text and the link on a
// line of its own. Channels without markup (SNS, enterprise WeChat's text
// message) send this.
func PlainText(n feedback.Notice) string {
	s := feedback.NoticeTitle(n.Kind) + "\n" + noticeText(n)
	if n.Link != "" {
		s += "\n详情:" + n.Link
	}
	return s
}

// WeComTextLimit is the most bytes enterprise WeChat takes in a text
// message's content.
const WeComTextLimit = 2048

// weComMessage is an enterprise WeChat group robot's text message
// (developer.work.weixin.qq.com/document/path/91770). A text message rather
// than markdown: links in it are clickable and it shows the same on every
// client.
type weComMessage struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

func renderWeCom(ch feedback.NotifyChannel, n feedback.Notice, _ time.Time) (string, []byte, error) {
	var m weComMessage
	m.MsgType = "text"
	m.Text.Content = fitBytes(n, WeComTextLimit)
	b, err := json.Marshal(m)
	return ch.URL, b, err
}

// fitBytes is PlainText(n) cut to at most limit bytes, shortening the text
// but never the title or the link.
func fitBytes(n feedback.Notice, limit int) string {
	s := PlainText(n)
	if len(s) <= limit {
		return s
	}
	tail := ""
	if n.Link != "" {
		tail = "\n详情:" + n.Link
	}
	head := feedback.NoticeTitle(n.Kind) + "\n"
	room := limit - len(head) - len(tail) - len("…")
	text := noticeText(n)
	for room >= 0 && len(text) > room {
		_, size := utf8.DecodeLastRuneInString(text)
		text = text[:len(text)-size]
	}
	return head + text + "…" + tail
}

// dingTalkMessage is a DingTalk custom robot's markdown message
// (open.dingtalk.com/document/orgapp/custom-robot-access): the title is
// what the conversation list shows, the text is the message.
type dingTalkMessage struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

func renderDingTalk(ch feedback.NotifyChannel, n feedback.Notice, now time.Time) (string, []byte, error) {
	var m dingTalkMessage
	m.MsgType = "markdown"
	title := feedback.NoticeTitle(n.Kind)
	m.Markdown.Title = title
	var b strings.Builder
	b.WriteString("#### " + markdownText(title) + "\n\n")
	for line := range strings.SplitSeq(noticeText(n), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString(markdownText(line) + "\n\n")
		}
	}
	if n.Link != "" {
		b.WriteString("[查看详情](" + n.Link + ")")
	}
	m.Markdown.Text = strings.TrimSpace(b.String())
	body, err := json.Marshal(m)
	if err != nil {
		return "", nil, err
	}
	target := ch.URL
	if ch.Secret != "" {
		// 加签: timestamp in milliseconds and the signature in the query.
		ts := strconv.FormatInt(now.UnixMilli(), 10)
		u, err := url.Parse(ch.URL)
		if err != nil {
			return "", nil, errors.New("bad webhook address")
		}
		q := u.Query()
		q.Set("timestamp", ts)
		q.Set("sign", DingTalkSign(ch.Secret, ts))
		u.RawQuery = q.Encode()
		target = u.String()
	}
	return target, body, nil
}

// DingTalkSign is DingTalk's 加签 signature: HMAC-SHA256 keyed with the
// secret over "<timestamp>\n<secret>", Base64 (the caller URL-encodes it as
// a query value).
func DingTalkSign(secret, timestampMillis string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestampMillis + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// markdownText keeps a line of notice text from being read as markdown:
// the ASCII characters markdown gives meaning to become their full-width
// forms, which read naturally in Chinese text.
var markdownText = strings.NewReplacer(
	"*", "＊", "_", "＿", "#", "＃", "`", "｀", "[", "［", "]", "］",
	"<", "＜", ">", "＞", "|", "｜", "~", "～", "\\", "＼",
).Replace

// feishuMessage is a Feishu custom bot's rich-text ("post") message
// (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot), with the
// signature fields when the bot checks signatures.
type feishuMessage struct {
	Timestamp string `json:"timestamp,omitempty"`
	Sign      string `json:"sign,omitempty"`
	MsgType   string `json:"msg_type"`
	Content   struct {
		Post struct {
			ZhCN struct {
				Title   string              `json:"title"`
				Content [][]feishuPostEntry `json:"content"`
			} `json:"zh_cn"`
		} `json:"post"`
	} `json:"content"`
}

type feishuPostEntry struct {
	Tag  string `json:"tag"`
	Text string `json:"text"`
	Href string `json:"href,omitempty"`
}

func renderFeishu(ch feedback.NotifyChannel, n feedback.Notice, now time.Time) (string, []byte, error) {
	var m feishuMessage
	m.MsgType = "post"
	post := &m.Content.Post.ZhCN
	post.Title = feedback.NoticeTitle(n.Kind)
	for line := range strings.SplitSeq(noticeText(n), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			post.Content = append(post.Content, []feishuPostEntry{{Tag: "text", Text: line}})
		}
	}
	if n.Link != "" {
		post.Content = append(post.Content, []feishuPostEntry{{Tag: "a", Text: "查看详情", Href: n.Link}})
	}
	if ch.Secret != "" {
		m.Timestamp = strconv.FormatInt(now.Unix(), 10)
		m.Sign = FeishuSign(ch.Secret, m.Timestamp)
	}
	b, err := json.Marshal(m)
	return ch.URL, b, err
}

// FeishuSign is Feishu's signature: HMAC-SHA256 keyed with
// "<timestamp>\n<secret>" over an empty message, Base64. (Unlike DingTalk,
// the secret is in the key and the message is empty.)
func FeishuSign(secret, timestampSeconds string) string {
	mac := hmac.New(sha256.New, []byte(timestampSeconds+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkErrcode reads enterprise WeChat's and DingTalk's answer:
// {"errcode":0,"errmsg":"ok"} on success.
func checkErrcode(kind string) func([]byte) error {
	return func(answer []byte) error {
		var a struct {
			ErrCode *int   `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(answer, &a); err != nil || a.ErrCode == nil {
			return fmt.Errorf("%s robot: unreadable answer: %.200s", kind, answer)
		}
		if *a.ErrCode != 0 {
			return &RejectedError{Kind: kind, Code: *a.ErrCode, Message: a.ErrMsg}
		}
		return nil
	}
}

// checkFeishu reads Feishu's answer: {"code":0,"msg":"success"}, or the
// older {"StatusCode":0,"StatusMessage":"success"}.
func checkFeishu(answer []byte) error {
	var a struct {
		Code          *int   `json:"code"`
		Msg           string `json:"msg"`
		StatusCode    *int   `json:"StatusCode"`
		StatusMessage string `json:"StatusMessage"`
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		return fmt.Errorf("feishu robot: unreadable answer: %.200s", answer)
	}
	switch {
	case a.Code != nil && *a.Code != 0:
		return &RejectedError{Kind: feedback.NotifyFeishu, Code: *a.Code, Message: a.Msg}
	case a.Code == nil && a.StatusCode != nil && *a.StatusCode != 0:
		return &RejectedError{Kind: feedback.NotifyFeishu, Code: *a.StatusCode, Message: a.StatusMessage}
	case a.Code == nil && a.StatusCode == nil:
		return fmt.Errorf("feishu robot: unreadable answer: %.200s", answer)
	}
	return nil
}
