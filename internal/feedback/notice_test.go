package feedback

import (
	"strings"
	"testing"
)

func TestNotifyChannelValidate(t *testing.T) {
	tests := []struct {
		name      string
		ch        NotifyChannel
		wantField string // "" when valid
		wantMsg   string
	}{
		{"none", NotifyChannel{}, "", ""},
		{"wecom", NotifyChannel{Kind: NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"}, "", ""},
		{"dingtalk signed", NotifyChannel{Kind: NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: "SECabc"}, "", ""},
		{"dingtalk keyword only", NotifyChannel{Kind: NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc"}, "", ""},
		{"feishu", NotifyChannel{Kind: NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/2d5c0f8a", Secret: "s3cr3t"}, "", ""},
		{"lark", NotifyChannel{Kind: NotifyFeishu, URL: "https://open.larksuite.com/open-apis/bot/v2/hook/2d5c0f8a"}, "", ""},
		{"webhook http", NotifyChannel{Kind: NotifyWebhook, URL: "http://10.0.0.8:9000/jianyan"}, "", ""},
		{"kind missing", NotifyChannel{URL: "https://oapi.dingtalk.com/robot/send?access_token=abc"}, "notify.channel", "请选择通知渠道"},
		{"unknown kind", NotifyChannel{Kind: "slack", URL: "https://hooks.slack.com/x"}, "notify.channel", "不支持的通知渠道"},
		{"url missing", NotifyChannel{Kind: NotifyWeCom}, "notify.url", "请填写通知地址"},
		{"url padded", NotifyChannel{Kind: NotifyWeCom, URL: " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, "notify.url", "前后不要有空格"},
		{"wecom without key", NotifyChannel{Kind: NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "notify.url", "企业微信群机器人"},
		{"dingtalk address as wecom", NotifyChannel{Kind: NotifyWeCom, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc"}, "notify.url", "应形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"},
		{"dingtalk over http", NotifyChannel{Kind: NotifyDingTalk, URL: "http://oapi.dingtalk.com/robot/send?access_token=abc"}, "notify.url", "钉钉自定义机器人"},
		{"dingtalk elsewhere", NotifyChannel{Kind: NotifyDingTalk, URL: "https://oapi.dingtalk.com.evil.example/robot/send?access_token=abc"}, "notify.url", "钉钉"},
		{"feishu without hook", NotifyChannel{Kind: NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/"}, "notify.url", "飞书"},
		{"feishu deeper path", NotifyChannel{Kind: NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/a/b"}, "notify.url", "飞书"},
		{"wecom with secret", NotifyChannel{Kind: NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", Secret: "x"}, "notify.secret", "不使用签名密钥"},
		{"dingtalk secret not SEC", NotifyChannel{Kind: NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: "abc"}, "notify.secret", "以 SEC 开头"},
		{"webhook ftp", NotifyChannel{Kind: NotifyWebhook, URL: "ftp://files.example/x"}, "notify.url", "https://"},
		{"webhook with password", NotifyChannel{Kind: NotifyWebhook, URL: "https://u:p@hooks.example/x"}, "notify.url", "不是有效的网址"},
		{"secret too long", NotifyChannel{Kind: NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/h", Secret: strings.Repeat("密", 201)}, "notify.secret", "200 字以内"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.ch.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != EInvalid || e.Field != tt.wantField || !strings.Contains(e.Message, tt.wantMsg) {
				t.Fatalf("Validate() = %v, want invalid %s with %q", err, tt.wantField, tt.wantMsg)
			}
		})
	}
}

func TestNotifyChannelMasked(t *testing.T) {
	tests := []struct {
		in   NotifyChannel
		want NotifyChannel
	}{
		{NotifyChannel{}, NotifyChannel{}},
		{NotifyChannel{Kind: NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6"},
			NotifyChannel{Kind: NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?****"}},
		{NotifyChannel{Kind: NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: "SECabc"},
			NotifyChannel{Kind: NotifyDingTalk, URL: "https://oapi.dingtalk.com/robot/send?****", Secret: "****"}},
		{NotifyChannel{Kind: NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/2d5c0f8a"},
			NotifyChannel{Kind: NotifyFeishu, URL: "https://open.feishu.cn/open-apis/bot/v2/hook/****"}},
		{NotifyChannel{Kind: NotifyWebhook, URL: "https://hooks.example/T0/B1/secret-token"},
			NotifyChannel{Kind: NotifyWebhook, URL: "https://hooks.example/****"}},
	}
	for _, tt := range tests {
		if got := tt.in.Masked(); got != tt.want {
			t.Errorf("Masked(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNoticeTitle(t *testing.T) {
	for _, kind := range []string{NoticeSummary, NoticeReminder, NoticeAssignment, NoticeExtensionDecision, NoticeEscalation, NoticeReply,
		NoticeExtensionRequest, NoticeReopened} {
		title := NoticeTitle(kind)
		if !strings.HasPrefix(title, "建言 · ") || title == "建言 · 通知" {
			t.Errorf("NoticeTitle(%q) = %q, want a Chinese title of its own", kind, title)
		}
	}
}

// TestNoticeAddress: what a submitter types as their contact on a phone,
// and how a notice can reach it.
func TestNoticeAddress(t *testing.T) {
	for _, tt := range []struct{ contact, channel, address string }{
		{"13812345678", ContactSMS, "+8613812345678"},
		{" 138 1234 5678 ", ContactSMS, "+8613812345678"},
		{"+86 138-1234-5678", ContactSMS, "+8613812345678"},
		{"008613812345678", ContactSMS, "+8613812345678"},
		{"１３８１２３４５６７８", ContactSMS, "+8613812345678"}, // full-width digits
		{"li.ming@example.com", ContactEmail, "li.ming@example.com"},
		{"ｌｉ．ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", ContactEmail, "li.ming@example.com"},
		{"010-12345678", "", ""}, // a landline
		{"wxid_lm2024", "", ""},  // a WeChat ID
		{"1381234567", "", ""},   // a digit short
		{"", "", ""},
	} {
		ch, addr := NoticeAddress(tt.contact)
		if ch != tt.channel || addr != tt.address {
			t.Errorf("NoticeAddress(%q) = %q, %q; want %q, %q", tt.contact, ch, addr, tt.channel, tt.address)
		}
	}
}
