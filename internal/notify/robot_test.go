package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jianyan/jianyan/internal/feedback"
)

// robotServer is a local stand-in for the enterprise WeChat, DingTalk and
// Feishu robot services and for a unit's plain webhook. It checks each
// request as the service's documentation describes it — address and key,
// signature and its time window, the message's JSON shape with no unknown
// fields, content limits, the 自定义关键词 security setting — and answers
// as the service does: HTTP 200 with the service's own error code when it
// refuses a message.
type robotServer struct {
	t   testing.TB
	now time.Time // the server's clock

	weComKey      string
	dingToken     string
	dingSecret    string
	feishuHook    string
	feishuSecret  string
	webhookSecret string
	keyword       string // DingTalk and Feishu: a message must contain it

	mu  sync.Mutex
	got []delivery
}

// delivery is a message a service accepted, as a person in the group sees it.
type delivery struct {
	kind  string
	title string
	text  string // everything shown, markup included
	links []string
}

func newRobotServer(t testing.TB) (*robotServer, *http.Client) {
	s := &robotServer{t: t, now: time.Now(),
		weComKey: "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", dingToken: "d3f1c0ffee", dingSecret: "SEC0123456789abcdef",
		feishuHook: "2d5c0f8a-5f1b-4c7e-9b1a-6a0d3c9e7f11", feishuSecret: "feishu-secret", webhookSecret: "hook-secret"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST qyapi.weixin.qq.com/cgi-bin/webhook/send", s.weCom)
	mux.HandleFunc("POST oapi.dingtalk.com/robot/send", s.dingTalk)
	mux.HandleFunc("POST open.feishu.cn/open-apis/bot/v2/hook/{hook}", s.feishu)
	mux.HandleFunc("POST hooks.unit.example/jianyan", s.webhook)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	// The client posts to the real services' addresses; its transport
	// carries each request to the local server instead, keeping Host.
	client := &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Scheme != "https" && req.URL.Host != "hooks.unit.example" {
			return nil, fmt.Errorf("robot address %s is not https", req.URL.Redacted())
		}
		r := req.Clone(req.Context())
		r.Host = req.URL.Host
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
	return s, client
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (s *robotServer) answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *robotServer) accept(d delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, d)
}

func (s *robotServer) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.got...)
}

// strictJSON decodes a body as the services do: JSON in UTF-8, no unknown
// fields.
func strictJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q", ct)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return errors.New("not UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// links finds the addresses a client would make clickable in plain text.
var links = regexp.MustCompile(`https?://[^\s()（）]+`).FindAllString

// weCom is the group robot of developer.work.weixin.qq.com/document/path/91770.
func (s *robotServer) weCom(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("key") != s.weComKey {
		s.answer(w, map[string]any{"errcode": 93000, "errmsg": "invalid webhook url"})
		return
	}
	var m struct {
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content             string   `json:"content"`
			MentionedList       []string `json:"mentioned_list"`
			MentionedMobileList []string `json:"mentioned_mobile_list"`
		} `json:"text"`
		Markdown *struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if err := strictJSON(r, &m); err != nil {
		s.answer(w, map[string]any{"errcode": 40035, "errmsg": "invalid parameter: " + err.Error()})
		return
	}
	var content string
	switch {
	case m.MsgType == "text" && m.Text != nil:
		content = m.Text.Content
		if len(content) > 2048 {
			s.answer(w, map[string]any{"errcode": 45002, "errmsg": "content size out of limit"})
			return
		}
	case m.MsgType == "markdown" && m.Markdown != nil:
		content = m.Markdown.Content
		if len(content) > 4096 {
			s.answer(w, map[string]any{"errcode": 45002, "errmsg": "content size out of limit"})
			return
		}
	default:
		s.answer(w, map[string]any{"errcode": 40008, "errmsg": "invalid message type"})
		return
	}
	if strings.TrimSpace(content) == "" {
		s.answer(w, map[string]any{"errcode": 44004, "errmsg": "empty content"})
		return
	}
	title, _, _ := strings.Cut(content, "\n")
	s.accept(delivery{kind: feedback.NotifyWeCom, title: title, text: content, links: links(content, -1)})
	s.answer(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// within reports whether a signature's time is within the hour the
// services allow around their own clock.
func (s *robotServer) within(t time.Time) bool {
	d := s.now.Sub(t)
	return d < time.Hour && d > -time.Hour
}

// dingTalk is the custom robot of
// open.dingtalk.com/document/orgapp/custom-robot-access, with 加签.
func (s *robotServer) dingTalk(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("access_token") != s.dingToken {
		s.answer(w, map[string]any{"errcode": 300001, "errmsg": "token is not exist"})
		return
	}
	if s.dingSecret != "" {
		ms, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil || !s.within(time.UnixMilli(ms)) {
			s.answer(w, map[string]any{"errcode": 310000, "errmsg": "invalid timestamp"})
			return
		}
		mac := hmac.New(sha256.New, []byte(s.dingSecret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + s.dingSecret))
		// q.Get has already URL-decoded the sign, as the service does.
		if q.Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			s.answer(w, map[string]any{"errcode": 310000, "errmsg": "sign not match"})
			return
		}
	}
	var m struct {
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content string `json:"content"`
		} `json:"text"`
		Markdown *struct {
			Title string `json:"title"`
			Text  string `json:"text"`
		} `json:"markdown"`
		Link *struct {
			Title      string `json:"title"`
			Text       string `json:"text"`
			MessageURL string `json:"messageUrl"`
			PicURL     string `json:"picUrl"`
		} `json:"link"`
		At *struct {
			AtMobiles []string `json:"atMobiles"`
			AtUserIDs []string `json:"atUserIds"`
			IsAtAll   bool     `json:"isAtAll"`
		} `json:"at"`
	}
	if err := strictJSON(r, &m); err != nil {
		s.answer(w, map[string]any{"errcode": 40035, "errmsg": "缺少参数 json: " + err.Error()})
		return
	}
	var d delivery
	switch {
	case m.MsgType == "markdown" && m.Markdown != nil && m.Markdown.Title != "" && m.Markdown.Text != "":
		d = delivery{kind: feedback.NotifyDingTalk, title: m.Markdown.Title, text: m.Markdown.Text}
		// The one link form markdown has: [label](url).
		for rest := m.Markdown.Text; ; {
			i := strings.Index(rest, "](")
			if i < 0 {
				break
			}
			end := strings.IndexByte(rest[i:], ')')
			d.links = append(d.links, rest[i+2:i+end])
			rest = rest[i+end:]
		}
	case m.MsgType == "text" && m.Text != nil && m.Text.Content != "":
		d = delivery{kind: feedback.NotifyDingTalk, text: m.Text.Content, links: links(m.Text.Content, -1)}
	default:
		s.answer(w, map[string]any{"errcode": 40035, "errmsg": "缺少参数 " + m.MsgType})
		return
	}
	if s.keyword != "" && !strings.Contains(d.title+d.text, s.keyword) {
		s.answer(w, map[string]any{"errcode": 310000, "errmsg": "keywords not in content"})
		return
	}
	s.accept(d)
	s.answer(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// feishu is the custom bot of
// open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, with 签名校验.
func (s *robotServer) feishu(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("hook") != s.feishuHook {
		s.answer(w, map[string]any{"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
		return
	}
	var m struct {
		Timestamp string          `json:"timestamp"`
		Sign      string          `json:"sign"`
		MsgType   string          `json:"msg_type"`
		Content   json.RawMessage `json:"content"`
	}
	if err := strictJSON(r, &m); err != nil {
		s.answer(w, map[string]any{"code": 9499, "msg": "Bad Request: " + err.Error()})
		return
	}
	if s.feishuSecret != "" {
		sec, err := strconv.ParseInt(m.Timestamp, 10, 64)
		mac := hmac.New(sha256.New, []byte(m.Timestamp+"\n"+s.feishuSecret))
		if err != nil || !s.within(time.Unix(sec, 0)) || m.Sign != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			s.answer(w, map[string]any{"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"})
			return
		}
	}
	if m.MsgType != "post" {
		s.answer(w, map[string]any{"code": 19002, "msg": "params error, msg_type need post"})
		return
	}
	var c struct {
		Post map[string]struct {
			Title   string `json:"title"`
			Content [][]struct {
				Tag      string `json:"tag"`
				Text     string `json:"text"`
				Href     string `json:"href"`
				UserID   string `json:"user_id"`
				ImageKey string `json:"image_key"`
			} `json:"content"`
		} `json:"post"`
	}
	d := json.NewDecoder(bytes.NewReader(m.Content))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil || len(c.Post) == 0 {
		s.answer(w, map[string]any{"code": 9499, "msg": "Bad Request: content"})
		return
	}
	zh, ok := c.Post["zh_cn"]
	if !ok {
		s.answer(w, map[string]any{"code": 9499, "msg": "Bad Request: no zh_cn post"})
		return
	}
	got := delivery{kind: feedback.NotifyFeishu, title: zh.Title}
	for _, line := range zh.Content {
		for _, e := range line {
			switch e.Tag {
			case "text":
				got.text += e.Text
			case "a":
				u, err := url.Parse(e.Href)
				if err != nil || (u.Scheme != "https" && u.Scheme != "http") || e.Text == "" {
					s.answer(w, map[string]any{"code": 9499, "msg": "Bad Request: a.href"})
					return
				}
				got.text += e.Text
				got.links = append(got.links, e.Href)
			default:
				s.answer(w, map[string]any{"code": 9499, "msg": "Bad Request: tag " + e.Tag})
				return
			}
		}
		got.text += "\n"
	}
	if s.keyword != "" && !strings.Contains(got.title+got.text, s.keyword) {
		s.answer(w, map[string]any{"code": 19024, "msg": "Key Words Not Found"})
		return
	}
	s.accept(got)
	s.answer(w, map[string]any{"code": 0, "data": map[string]any{}, "msg": "success"})
}

// webhook is a unit's own system receiving Jianyan's plain JSON and
// checking its signature.
func (s *robotServer) webhook(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	ts := r.Header.Get("X-Jianyan-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	mac := hmac.New(sha256.New, []byte(s.webhookSecret))
	mac.Write([]byte(ts + "."))
	mac.Write(b)
	if err != nil || !s.within(time.Unix(sec, 0)) || r.Header.Get("X-Jianyan-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var m struct {
		Kind      string `json:"kind"`
		SummaryID string `json:"summary_id"`
		Unit      string `json:"unit"`
		Subject   string `json:"subject"`
		Title     string `json:"title"`
		Text      string `json:"text"`
		Link      string `json:"link"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil || m.Kind == "" {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	s.accept(delivery{kind: feedback.NotifyWebhook, title: m.Title, text: m.Text, links: []string{m.Link}})
	w.WriteHeader(http.StatusNoContent)
}

func (s *robotServer) channels() map[string]feedback.NotifyChannel {
	return map[string]feedback.NotifyChannel{
		"wecom":           {Kind: feedback.NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + s.weComKey},
		"dingtalk":        {Kind: feedback.NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=" + s.dingToken, Secret: s.dingSecret},
		"feishu":          {Kind: feedback.NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/" + s.feishuHook, Secret: s.feishuSecret},
		"webhook":         {Kind: feedback.NotifyWebhook, URL: "http://hooks.unit.example/jianyan", Secret: s.webhookSecret},
		"dingtalk-nosign": {Kind: feedback.NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=" + s.dingToken},
		"feishu-nosign":   {Kind: feedback.NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/" + s.feishuHook},
	}
}

var assignment = feedback.Notice{
	Kind: feedback.NoticeAssignment, Unit: "区市场监督管理局",
	Subject: "assignment",
	Text:    "【建言】区市场监督管理局:新交办问题「门前三包罚款标准不一」(涉企乱罚款问题清单),整改期限 2025-10-10(5 个工作日),第一责任人 王局长。",
	Link:    "http://127.0.0.1:8080/console/#/problems/01JABCDEF",
}

func TestUnitChannelFormats(t *testing.T) {
	for _, name := range []string{"wecom", "dingtalk", "dingtalk-nosign", "feishu", "feishu-nosign", "webhook"} {
		t.Run(name, func(t *testing.T) {
			srv, client := newRobotServer(t)
			ch := srv.channels()[name]
			if err := ch.Validate(); err != nil && ch.Kind != feedback.NotifyWebhook {
				t.Fatalf("the documented address does not validate: %v", err)
			}
			if strings.HasSuffix(name, "-nosign") {
				srv.dingSecret, srv.feishuSecret = "", ""
			}
			srv.keyword = "建言"
			u := &UnitChannel{Channel: ch, Client: client}
			if err := u.Notify(context.Background(), assignment); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := srv.deliveries()
			if len(got) != 1 {
				t.Fatalf("server accepted %d messages, want 1", len(got))
			}
			d := got[0]
			if d.kind != ch.Kind {
				t.Errorf("delivered as %q, want %q", d.kind, ch.Kind)
			}
			if !strings.Contains(d.title, "交办通知") {
				t.Errorf("title %q, want the kind's Chinese title", d.title)
			}
			for _, want := range []string{"门前三包罚款标准不一", "2025-10-10(5 个工作日)", "王局长"} {
				if !strings.Contains(d.text, want) {
					t.Errorf("text %q lacks %q", d.text, want)
				}
			}
			if len(d.links) != 1 || d.links[0] != assignment.Link {
				t.Errorf("links %q, want exactly [%s]", d.links, assignment.Link)
			}
		})
	}
}

// The summary and reminder notices carry 「详见 <link>」 in their text; a
// channel shows the link once, in its own way.
func TestLinkShownOnce(t *testing.T) {
	srv, client := newRobotServer(t)
	n := feedback.Notice{Kind: feedback.NoticeReminder, Unit: "区司法局",
		Text: "【建言】整改提醒(截至 2025-10-09):区司法局 2 个问题已逾期,请及时整改并更新整改进展。详见 https://jy.example/s/1",
		Link: "https://jy.example/s/1"}
	for _, name := range []string{"wecom", "dingtalk", "feishu"} {
		if err := (&UnitChannel{Channel: srv.channels()[name], Client: client}).Notify(context.Background(), n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, d := range srv.deliveries() {
		if len(d.links) != 1 || d.links[0] != n.Link {
			t.Errorf("%s shows links %q, want exactly [%s]", d.kind, d.links, n.Link)
		}
		if strings.Contains(d.text, "详见") {
			t.Errorf("%s keeps a dangling 详见: %q", d.kind, d.text)
		}
	}
}

func TestUnitChannelRefusals(t *testing.T) {
	tests := []struct {
		name     string
		channel  string
		setup    func(*robotServer, *feedback.NotifyChannel, *UnitChannel)
		wantCode int // 0: an error that is not a RejectedError
	}{
		{"wecom wrong key", "wecom", func(s *robotServer, c *feedback.NotifyChannel, _ *UnitChannel) {
			c.URL = strings.Replace(c.URL, s.weComKey, "stale-key", 1)
		}, 93000},
		{"dingtalk wrong secret", "dingtalk", func(s *robotServer, c *feedback.NotifyChannel, _ *UnitChannel) { c.Secret = "SECwrong" }, 310000},
		{"dingtalk clock two hours slow", "dingtalk", func(s *robotServer, _ *feedback.NotifyChannel, u *UnitChannel) {
			u.Now = func() time.Time { return s.now.Add(-2 * time.Hour) }
		}, 310000},
		{"dingtalk signing not configured here", "dingtalk-nosign", nil, 310000},
		{"dingtalk keyword missing", "dingtalk", func(s *robotServer, _ *feedback.NotifyChannel, _ *UnitChannel) { s.keyword = "督察" }, 310000},
		{"feishu wrong secret", "feishu", func(s *robotServer, c *feedback.NotifyChannel, _ *UnitChannel) { c.Secret = "other" }, 19021},
		{"feishu clock two hours fast", "feishu", func(s *robotServer, _ *feedback.NotifyChannel, u *UnitChannel) {
			u.Now = func() time.Time { return s.now.Add(2 * time.Hour) }
		}, 19021},
		{"feishu keyword missing", "feishu", func(s *robotServer, _ *feedback.NotifyChannel, _ *UnitChannel) { s.keyword = "督察" }, 19024},
		{"feishu wrong hook", "feishu", func(s *robotServer, c *feedback.NotifyChannel, _ *UnitChannel) {
			c.URL = strings.Replace(c.URL, s.feishuHook, "0000", 1)
		}, 19001},
		{"webhook wrong secret", "webhook", func(s *robotServer, c *feedback.NotifyChannel, _ *UnitChannel) { c.Secret = "other" }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, client := newRobotServer(t)
			ch := srv.channels()[tt.channel]
			u := &UnitChannel{Client: client}
			if tt.setup != nil {
				tt.setup(srv, &ch, u)
			}
			u.Channel = ch
			err := u.Notify(context.Background(), assignment)
			if err == nil {
				t.Fatal("Notify succeeded, want the service's refusal")
			}
			var re *RejectedError
			if tt.wantCode != 0 && (!errors.As(err, &re) || re.Code != tt.wantCode) {
				t.Errorf("err = %v, want RejectedError code %d", err, tt.wantCode)
			}
			if n := len(srv.deliveries()); n != 0 {
				t.Errorf("server accepted %d messages", n)
			}
		})
	}
}

// A failed post never repeats the robot's key, which is a credential, into
// the error (and so into logs).
func TestErrorsHideTheKey(t *testing.T) {
	srv, _ := newRobotServer(t)
	dead := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	})}
	for name, ch := range srv.channels() {
		err := (&UnitChannel{Channel: ch, Client: dead}).Notify(context.Background(), assignment)
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		for _, secret := range []string{srv.weComKey, srv.dingToken, srv.feishuHook, srv.dingSecret} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error %q repeats a credential", name, err)
			}
		}
	}
}

func TestServerErrors(t *testing.T) {
	for _, tt := range []struct {
		name    string
		status  int
		answer  string
		kind    string
		wantErr bool
	}{
		{"wecom 500", 500, `{}`, feedback.NotifyWeCom, true},
		{"wecom unreadable", 200, `<html>`, feedback.NotifyWeCom, true},
		{"wecom no errcode", 200, `{"ok":true}`, feedback.NotifyWeCom, true},
		{"feishu old success", 200, `{"Extra":null,"StatusCode":0,"StatusMessage":"success"}`, feedback.NotifyFeishu, false},
		{"feishu old failure", 200, `{"StatusCode":19021,"StatusMessage":"sign match fail"}`, feedback.NotifyFeishu, true},
		{"feishu 400 with code", 400, `{"code":9499,"msg":"Bad Request"}`, feedback.NotifyFeishu, true},
		{"dingtalk too fast", 200, `{"errcode":410100,"errmsg":"send too fast"}`, feedback.NotifyDingTalk, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.answer)
			}))
			defer srv.Close()
			target, _ := url.Parse(srv.URL)
			client := &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
				r := req.Clone(req.Context())
				r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
				return http.DefaultTransport.RoundTrip(r)
			})}
			ch := map[string]feedback.NotifyChannel{
				feedback.NotifyWeCom:    {Kind: feedback.NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
				feedback.NotifyDingTalk: {Kind: feedback.NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=t"},
				feedback.NotifyFeishu:   {Kind: feedback.NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/h"},
			}[tt.kind]
			err := (&UnitChannel{Channel: ch, Client: client}).Notify(context.Background(), assignment)
			if (err != nil) != tt.wantErr {
				t.Errorf("Notify() err = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

// Published-algorithm vectors computed independently (Python's hmac, as in
// both services' documentation examples).
func TestSignatureVectors(t *testing.T) {
	if got, want := DingTalkSign("SEC0123456789abcdef", "1735689600000"), "qAeD+CL39X2n/2i8f2T3wd5/G0i+d2cNPAVJZbbFshs="; got != want {
		t.Errorf("DingTalkSign = %s, want %s", got, want)
	}
	if got, want := FeishuSign("feishu-secret", "1735689600"), "vIM5933LBdH2bZuOEvAdFvmvJa6OlnDAhuqORADRBWY="; got != want {
		t.Errorf("FeishuSign = %s, want %s", got, want)
	}
}

// Enterprise WeChat takes at most 2048 bytes of text: a long notice is cut
// in the text, never in the title or the link, and never inside a character.
func TestWeComLongText(t *testing.T) {
	srv, client := newRobotServer(t)
	n := assignment
	n.Text = strings.Repeat("整改要求:对全区涉企行政处罚案件逐件复查。", 200)
	if err := (&UnitChannel{Channel: srv.channels()["wecom"], Client: client}).Notify(context.Background(), n); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	d := srv.deliveries()[0]
	if len(d.text) > WeComTextLimit || !utf8.ValidString(d.text) {
		t.Errorf("content is %d bytes (valid UTF-8 %v), want ≤ %d", len(d.text), utf8.ValidString(d.text), WeComTextLimit)
	}
	if !strings.HasPrefix(d.text, "建言 · 交办通知\n") || !strings.HasSuffix(d.text, "…\n详情:"+n.Link) {
		t.Errorf("content %q… does not keep title and link", d.text[:60])
	}
}

// Text from people (problem titles, requirements) cannot inject markdown
// into a DingTalk message: no extra links, no headings.
func TestDingTalkMarkdownNeutralised(t *testing.T) {
	srv, client := newRobotServer(t)
	n := assignment
	n.Text = "# 标题\n问题「[点此领奖](https://evil.example)」**加急**"
	if err := (&UnitChannel{Channel: srv.channels()["dingtalk"], Client: client}).Notify(context.Background(), n); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	d := srv.deliveries()[0]
	if len(d.links) != 1 || d.links[0] != n.Link {
		t.Errorf("links %q, want only the notice's link", d.links)
	}
	for _, bad := range []string{"\n# ", "**", "[点此"} {
		if strings.Contains(d.text, bad) {
			t.Errorf("markdown %q survives in %q", bad, d.text)
		}
	}
	if !strings.Contains(d.text, "［点此领奖］") {
		t.Errorf("text %q lost the words", d.text)
	}
}
