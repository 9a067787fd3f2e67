package feedback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Delivery of summaries and reminders.
//
// A scheduled run sends one short Chinese text with the summary's link and,
// for the daily run only, one reminder per responsible unit that has
// problems overdue or due within DueSoonDays (weekly and monthly runs would
// otherwise repeat Monday's and the 1st's reminders). Each sent message is
// recorded in Summary.Delivered ("summary", "reminder:<unit>") and the
// record is stored with the summary, so a retried run sends only what was
// not sent yet. The guarantee is at least once: a crash between sending and
// recording resends that one message. Summaries made on demand
// (GenerateSummary) send nothing.

// Notice kinds.
const (
	NoticeSummary  = "summary"
	NoticeReminder = "reminder"
)

// Notice is one message to deliver.
type Notice struct {
	Kind      string // NoticeSummary or NoticeReminder
	SummaryID string
	Unit      string // reminders: the responsible unit
	Subject   string // short; SNS subjects are ASCII-safe and ≤100 characters
	Text      string // the message, Chinese, with Link in it
	Link      string
}

// Notifier delivers notices: an SNS topic on AWS, a webhook or the log
// locally (package notify).
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// SummaryLink is the printable page of summary id under the public base URL.
func (s *Service) SummaryLink(id string) string {
	return s.baseURL + "/api/v1/summaries/" + id + ".html"
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
	return Notice{Kind: NoticeSummary, SummaryID: sm.ID, Subject: "Jianyan summary " + sm.ID, Text: text, Link: link}
}

// ReminderNotices are the reminders of sm: one per unit with problems
// overdue or due soon, in unit order.
func ReminderNotices(sm *Summary, link string) []Notice {
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
		text := fmt.Sprintf("【建言】整改提醒(截至 %s):%s %s,请及时整改并更新整改进展。详见 %s",
			sm.AsOf, unit, strings.Join(parts, ","), link)
		out = append(out, Notice{Kind: NoticeReminder, SummaryID: sm.ID, Unit: u.Unit,
			Subject: "Jianyan reminder " + sm.ID, Text: text, Link: link})
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

// DeliverSummary sends sm's notice and, for a daily summary, the unit
// reminders, skipping what sm.Delivered records as sent, then stores the
// updated record. When some sends fail it still records the others and
// returns the failures joined, so a retry sends only those.
func (s *Service) DeliverSummary(ctx context.Context, sm *Summary, n Notifier) error {
	link := s.SummaryLink(sm.ID)
	notices := []Notice{SummaryNotice(sm, link)}
	if sm.Period == Daily {
		notices = append(notices, ReminderNotices(sm, link)...)
	}
	var errs []error
	sent := 0
	for _, nt := range notices {
		key := deliveryKey(nt)
		if slices.Contains(sm.Delivered, key) {
			continue
		}
		if err := n.Notify(ctx, nt); err != nil {
			errs = append(errs, fmt.Errorf("deliver %s of summary %s: %w", key, sm.ID, err))
			continue
		}
		sm.Delivered = append(sm.Delivered, key)
		sent++
	}
	if sent > 0 {
		if err := s.store.PutSummary(ctx, sm); err != nil {
			errs = append(errs, fmt.Errorf("record delivery of summary %s: %w", sm.ID, err))
		}
	}
	s.log.InfoContext(ctx, "summary delivered", "summary_id", sm.ID, "sent", sent, "failed", len(errs))
	return errors.Join(errs...)
}

// RunScheduledSummary is the scheduled job: ScheduledSummary, then
// DeliverSummary. It is safe to run again for the same period.
func (s *Service) RunScheduledSummary(ctx context.Context, p Period, at time.Time, n Notifier) (*Summary, error) {
	sm, err := s.ScheduledSummary(ctx, p, at)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return sm, nil
	}
	return sm, s.DeliverSummary(ctx, sm, n)
}
