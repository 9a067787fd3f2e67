package feedback

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Notice kinds.
const (
	NoticeSummary  = "summary"
	NoticeReminder = "reminder"
)

// Notice is one message to deliver. Summaries and reminders are sent as
// they are made (delivery_service.go); the other kinds are stored in the
// notice outbox in the same atomic write as the change that causes them and
// delivered after it commits (notice_service.go), so that a change is never
// stored without its notice, nor a notice sent for a change that failed.
type Notice struct {
	// ID is the outbox key (empty for summaries and reminders).
	ID        string
	Kind      string
	SummaryID string
	// ProblemID and SuggestionID name what the notice is about, when it is
	// about one problem or one suggestion.
	ProblemID    string
	SuggestionID string
	// Unit is the unit the notice is addressed to (the lead unit of a
	// problem); CoUnits are further units that get it on their own
	// channels (the co-units of an assigned problem).
	Unit    string
	CoUnits []string
	Subject string // a short Chinese title line; SNS takes UTF-8 subjects under 100 characters
	Text    string // the message, Chinese; channels show Link with it
	Link    string

	// Outbox state. Delivered lists the targets that have the notice
	// (TargetOffice, UnitTarget(u)); DeliveredAt is set once every target
	// has it, or once delivery was given up (Failed).
	CreatedAt   time.Time
	Delivered   []string
	Attempts    int
	LastError   string
	DeliveredAt time.Time
	Failed      bool
	Version     int64
}

// Notifier delivers notices: an SNS topic on AWS, a webhook or the log
// locally (package notify).
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Notices beyond summaries and reminders, and the channels a unit can
// register for its own notices.
//
// A Notice is data: kind, unit, subject, text and link. Package notify
// renders it once per channel: the office's channel (SNS on AWS, the
// JIANYAN_WEBHOOK_URL webhook locally) gets every notice; a unit's own
// channel (NotifyChannel) gets the notices about that unit's problems.

// Notice kinds added in round two.
const (
	NoticeAssignment        = "assignment"         // a problem is given to a unit
	NoticeExtensionDecision = "extension_decision" // the office decided a unit's extension request
	NoticeEscalation        = "escalation"         // a supervised problem is overdue
	NoticeReply             = "reply"              // the office answered a submitter who asked to be told
	// NoticeExtensionRequest tells the office an extension request waits
	// for its decision; it goes to the office's channel only, never to
	// the unit's own.
	NoticeExtensionRequest = "extension_request"
	// NoticeReopened gives a rectified or verified problem back to its
	// units (a failed look-back, a relapse).
	NoticeReopened = "reopened"
)

// noticeTitles are the Chinese headings of the notice kinds.
var noticeTitles = map[string]string{
	NoticeSummary:           "工作汇总",
	NoticeReminder:          "整改提醒",
	NoticeAssignment:        "交办通知",
	NoticeExtensionDecision: "延期申请审批结果",
	NoticeEscalation:        "督办提醒",
	NoticeReply:             "办理答复",
	NoticeExtensionRequest:  "延期申请待审批",
	NoticeReopened:          "重新整改通知",
}

// NoticeTitle is the Chinese heading of a notice of kind, e.g. 「建言 · 交办通知」,
// which the channels with a title line (robots' cards, e-mail subjects) show.
func NoticeTitle(kind string) string {
	if t, ok := noticeTitles[kind]; ok {
		return "建言 · " + t
	}
	return "建言 · 通知"
}

// Kinds of NotifyChannel: where a unit's own notices go.
const (
	NotifyWeCom    = "wecom"    // 企业微信群机器人
	NotifyDingTalk = "dingtalk" // 钉钉自定义机器人
	NotifyFeishu   = "feishu"   // 飞书自定义机器人
	NotifyWebhook  = "webhook"  // a plain JSON webhook of the unit's own system
)

// NotifyChannelKinds lists the channel kinds with their Chinese names, in the
// order the console offers them.
var NotifyChannelKinds = []struct{ Kind, Label string }{
	{NotifyWeCom, "企业微信群机器人"},
	{NotifyDingTalk, "钉钉自定义机器人"},
	{NotifyFeishu, "飞书自定义机器人"},
	{NotifyWebhook, "本单位自有系统(网络推送)"},
}

// NotifyChannel is a unit's own notification channel: a group robot's webhook
// address, or a plain webhook, with the optional signing secret (DingTalk's
// 加签 secret, which starts with SEC; Feishu's 签名校验 secret; for a plain
// webhook, the key of an HMAC-SHA256 signature header). The address and the
// secret are credentials: whoever has them can post into the group.
type NotifyChannel struct {
	Kind   string
	URL    string
	Secret string
}

// robotEndpoints are the addresses each robot kind posts to, as their
// documentation gives them. Pinning them keeps a stored channel from being
// pointed anywhere else.
var robotEndpoints = map[string]struct {
	hosts  []string
	path   string // exact path, or prefix when it ends in "/"
	query  string // required query parameter
	secret string // required secret prefix; "-" when the kind takes none
	label  string
}{
	NotifyWeCom:    {[]string{"qyapi.weixin.qq.com"}, "/cgi-bin/webhook/send", "key", "-", "企业微信群机器人"},
	NotifyDingTalk: {[]string{"oapi.dingtalk.com"}, "/robot/send", "access_token", "SEC", "钉钉自定义机器人"},
	NotifyFeishu:   {[]string{"open.feishu.cn", "open.larksuite.com"}, "/open-apis/bot/v2/hook/", "", "", "飞书自定义机器人"},
}

// Validate checks c as the unit registry stores it; field names are those
// of the API's "notify" object.
func (c NotifyChannel) Validate() error {
	if c.Kind == "" && c.URL == "" && c.Secret == "" {
		return nil // no channel
	}
	if c.Kind == "" {
		return FieldErrorf("notify.channel", "请选择通知渠道")
	}
	if strings.TrimSpace(c.URL) != c.URL || c.URL == "" {
		return FieldErrorf("notify.url", "请填写通知地址(Webhook 地址),前后不要有空格")
	}
	if len(c.URL) > 1000 {
		return FieldErrorf("notify.url", "通知地址过长")
	}
	if utf8.RuneCountInString(c.Secret) > 200 || strings.TrimSpace(c.Secret) != c.Secret {
		return FieldErrorf("notify.secret", "签名密钥应为 200 字以内,前后不要有空格")
	}
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return FieldErrorf("notify.url", "通知地址不是有效的网址")
	}
	if c.Kind == NotifyWebhook {
		if u.Scheme != "https" && u.Scheme != "http" {
			return FieldErrorf("notify.url", "Webhook 地址应以 https:// 或 http:// 开头")
		}
		return nil
	}
	ep, ok := robotEndpoints[c.Kind]
	if !ok {
		return FieldErrorf("notify.channel", "不支持的通知渠道 %q,可选:企业微信群机器人、钉钉自定义机器人、飞书自定义机器人、本单位自有系统(网络推送)", c.Kind)
	}
	hostOK := false
	for _, h := range ep.hosts {
		hostOK = hostOK || u.Host == h
	}
	pathOK := u.Path == ep.path
	if strings.HasSuffix(ep.path, "/") {
		pathOK = strings.HasPrefix(u.Path, ep.path) && len(u.Path) > len(ep.path) && !strings.Contains(u.Path[len(ep.path):], "/")
	}
	if u.Scheme != "https" || !hostOK || !pathOK || (ep.query != "" && u.Query().Get(ep.query) == "") {
		example := "https://" + ep.hosts[0] + ep.path
		if ep.query != "" {
			example += "?" + ep.query + "=…"
		} else {
			example += "…"
		}
		return FieldErrorf("notify.url", "这不是%s的 Webhook 地址:应形如 %s,请从群设置的机器人详情中复制", ep.label, example)
	}
	switch {
	case ep.secret == "-" && c.Secret != "":
		return FieldErrorf("notify.secret", "%s不使用签名密钥,请留空", ep.label)
	case ep.secret != "" && ep.secret != "-" && c.Secret != "" && !strings.HasPrefix(c.Secret, ep.secret):
		return FieldErrorf("notify.secret", "%s的加签密钥以 %s 开头,请从机器人安全设置中复制", ep.label, ep.secret)
	}
	return nil
}

// Masked is c with its credentials hidden, for showing: the address keeps
// its host and path, the secret only whether there is one.
func (c NotifyChannel) Masked() NotifyChannel {
	if c.URL == "" {
		return c
	}
	out := NotifyChannel{Kind: c.Kind}
	if u, err := url.Parse(c.URL); err == nil {
		m := u.Scheme + "://" + u.Host
		switch c.Kind {
		case NotifyFeishu:
			m += "/open-apis/bot/v2/hook/****"
		case NotifyWebhook:
			m += "/****" // the path of a plain webhook may carry its token
		default:
			m += u.Path
			if u.RawQuery != "" {
				m += "?****"
			}
		}
		out.URL = m
	}
	if c.Secret != "" {
		out.Secret = "****"
	}
	return out
}

// firstRunes is s cut to at most n runes, marked with an ellipsis when cut.
func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// periodLabel names a summary's period in Chinese.
func periodLabel(sm *Summary) string {
	switch sm.Period {
	case Weekly:
		return fmt.Sprintf("周汇总(%s 至 %s)", sm.From, sm.To)
	case Monthly:
		return fmt.Sprintf("月汇总(%s)", sm.From[:7])
	}
	return fmt.Sprintf("日汇总(%s)", sm.From)
}

// SummaryNotice is the short text announcing sm.
func SummaryNotice(sm *Summary, link string) Notice {
	p := sm.Problems
	text := fmt.Sprintf("【建言】%s:收到意见建议 %d 条;问题 待整改 %d、整改中 %d、已整改 %d、回头看通过 %d;逾期 %d 件,%d 日内到期 %d 件,待回头看 %d 件。详见 %s",
		periodLabel(sm), sm.Suggestions.Received, p.Open+p.Reopened, p.Rectifying, p.Rectified, p.Verified,
		p.Overdue, DueSoonDays, p.DueSoon, p.LookbacksDue, link)
	return Notice{Kind: NoticeSummary, SummaryID: sm.ID, Subject: NoticeTitle(NoticeSummary) + " " + periodLabel(sm), Text: text, Link: link}
}

// ReminderNotices are the reminders of sm: one per unit with problems
// overdue or due soon, in unit order. link gives each reminder's link from
// its unit ("" for problems with none) and whether it has overdue ones.
func ReminderNotices(sm *Summary, link func(unit string, overdue bool) string) []Notice {
	var out []Notice
	for _, u := range sm.Units {
		if u.Overdue == 0 && u.DueSoon == 0 {
			continue
		}
		unit := u.Unit
		if unit == "" {
			unit = "未指定责任单位"
		}
		var parts []string
		if u.Overdue > 0 {
			worst := 0
			for _, it := range sm.Problems.OverdueItems {
				if it.ResponsibleUnit == u.Unit && it.DaysOverdue > worst {
					worst = it.DaysOverdue
				}
			}
			if worst > 0 {
				parts = append(parts, fmt.Sprintf("%d 个问题已逾期(最长 %d 天)", u.Overdue, worst))
			} else {
				parts = append(parts, fmt.Sprintf("%d 个问题已逾期", u.Overdue))
			}
		}
		if u.DueSoon > 0 {
			parts = append(parts, fmt.Sprintf("%d 个问题 %d 日内到期", u.DueSoon, DueSoonDays))
		}
		l := link(u.Unit, u.Overdue > 0)
		text := fmt.Sprintf("【建言】整改提醒(截至 %s):%s %s,请及时整改并更新整改进展。详见 %s",
			sm.AsOf, unit, strings.Join(parts, ","), l)
		out = append(out, Notice{Kind: NoticeReminder, SummaryID: sm.ID, Unit: u.Unit,
			Subject: NoticeTitle(NoticeReminder) + " " + firstRunes(unit, 60), Text: text, Link: l})
	}
	return out
}

// deliveryKey is how a notice is recorded in Summary.Delivered.
func deliveryKey(n Notice) string {
	if n.Kind == NoticeReminder {
		return NoticeReminder + ":" + n.Unit
	}
	return n.Kind
}

// Delivery targets, as Notice.Delivered records them: the office's channel
// and each addressed unit's own channel.
const TargetOffice = "office"

// TargetUnitChannel marks a summary reminder's delivery to the unit's own
// channel in Summary.Delivered.
const TargetUnitChannel = "channel"

// UnitTarget is the delivery target of unit's own channel.
func UnitTarget(unit string) string { return "unit:" + unit }

// MaxNoticesPerWrite bounds the notices one write carries (one storage
// transaction).
const MaxNoticesPerWrite = 5

// MaxNoticeAttempts is how often delivery of an outbox notice is tried
// before it is given up (Failed) and left for people to see in the log.
const MaxNoticeAttempts = 12

// NoticeTextMaxRunes bounds a notice's text.
const NoticeTextMaxRunes = 2000

// Units lists the units a notice is addressed to: Unit, then CoUnits, each
// once.
func (n *Notice) Units() []string {
	var out []string
	for _, u := range append([]string{n.Unit}, n.CoUnits...) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// Validate checks an outbox notice before it is stored.
func (n *Notice) Validate() error {
	if err := firstErr(CheckKey("id", n.ID), CheckOptionalKey("problem_id", n.ProblemID),
		CheckOptionalKey("suggestion_id", n.SuggestionID), CheckOptionalKey("summary_id", n.SummaryID)); err != nil {
		return err
	}
	if _, ok := noticeTitles[n.Kind]; !ok {
		return FieldErrorf("kind", "未知的通知类别 %q", n.Kind)
	}
	if n.CreatedAt.IsZero() {
		return FieldErrorf("created_at", "缺少通知时间")
	}
	if len(n.CoUnits) > MaxCoUnits {
		return FieldErrorf("co_units", "协办单位最多 %d 个", MaxCoUnits)
	}
	for _, u := range n.CoUnits {
		if err := checkText("co_units", u, true, UnitMaxRunes, false); err != nil {
			return err
		}
	}
	if len(n.Delivered) > MaxCoUnits+2 {
		return FieldErrorf("delivered", "投递记录过多")
	}
	for _, d := range n.Delivered {
		if err := checkText("delivered", d, true, UnitMaxRunes+10, false); err != nil {
			return err
		}
	}
	if n.Attempts < 0 {
		return FieldErrorf("attempts", "投递次数不能为负")
	}
	return firstErr(
		checkText("unit", n.Unit, false, UnitMaxRunes, false),
		checkText("subject", n.Subject, false, 100, false),
		checkText("text", n.Text, true, NoticeTextMaxRunes, true),
		checkText("link", n.Link, false, 1000, false),
		checkText("last_error", n.LastError, false, NoteMaxRunes, true),
	)
}
