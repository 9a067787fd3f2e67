package feedback

import (
	"context"
	"fmt"
	"strconv"
)

// Notices to submitters who asked to be told of the outcome
// (Suggestion.Notify). They are reply notices (NoticeReply), written in
// the outbox with the reply, or with the transition that rectified the
// problem, and delivered like every notice (notice_service.go): to the
// office's channel, and, where the host has a SubmitterNotifier (SNS on
// AWS, the webhook locally), to the submitter's mobile number or e-mail
// address, read from the suggestion at delivery. The notice itself carries neither the contact
// nor anything the submitter wrote: a short Chinese text and the receipt
// page's link.

// TargetSubmitter is the delivery target of a reply notice's submitter, as
// Notice.Delivered records it.
const TargetSubmitter = "submitter"

// SubmitterNotifier sends a notice to a submitter: channel is ContactSMS or
// ContactEmail and address the number (E.164) or the e-mail address
// (NoticeAddress). The contact is used for nothing else.
type SubmitterNotifier interface {
	NotifySubmitter(ctx context.Context, channel, address string, n Notice) error
}

// OffersSubmitterNotices says whether reply notices reach submitters in
// this deployment: only then does the form offer to send one.
func (s *Service) OffersSubmitterNotices() bool { return s.offersSubmitterNotices }

// submitterEvent is what a submitter is told of.
type submitterEvent int

const (
	noticeReplied   submitterEvent = iota // a reply was given
	noticeRectified                       // the problem was rectified
)

// ReceiptLink is the receipt page of a receipt: public, what a submitter's
// notice links to.
func (s *Service) ReceiptLink(receipt string) string { return s.baseURL + "/r/" + receipt }

// submitterNotices returns the reply notices for those of sgs whose
// submitters asked to be told and left a contact a notice can reach.
// problemID is the problem the notice is about (rectified), "" for the
// suggestion's first.
func (s *Service) submitterNotices(ctx context.Context, sgs []*Suggestion, ev submitterEvent, problemID string) ([]*Notice, error) {
	var out []*Notice
	var office string
	for _, sg := range sgs {
		if !sg.Notify {
			continue
		}
		if ch, _ := NoticeAddress(sg.Contact); ch == "" {
			continue
		}
		if office == "" {
			st, err := s.OfficeSettings(ctx)
			if err != nil {
				return nil, err
			}
			office = st.Name()
		}
		link := s.ReceiptLink(sg.Receipt)
		when := sg.SubmittedAt.In(Shanghai)
		day := strconv.Itoa(int(when.Month())) + "月" + strconv.Itoa(when.Day()) + "日"
		text := fmt.Sprintf("【%s】您%s提交的意见建议(回执号 %s)已有答复,请查看:%s", office, day, sg.Receipt, link)
		if ev == noticeRectified {
			text = fmt.Sprintf("【%s】您%s反映的问题(回执号 %s)已整改完成,请查看:%s", office, day, sg.Receipt, link)
			if len(sg.Problems()) > 1 {
				text = fmt.Sprintf("【%s】您%s反映的问题(回执号 %s)中有一项已整改完成,请查看:%s", office, day, sg.Receipt, link)
			}
		}
		n := s.newNotice(NoticeReply, nil, "", nil, text)
		n.SuggestionID, n.ProblemID, n.Link = sg.ID, sg.ProblemID, link
		if problemID != "" {
			n.ProblemID = problemID
		}
		out = append(out, n)
	}
	return out, nil
}

// notifySubmitter delivers reply notice n to its submitter's contact, read
// now from the suggestion. A contact that can no longer be reached (erased
// by the retention anonymiser, say) makes nothing to send: that is not a
// failure.
func (s *Service) notifySubmitter(ctx context.Context, n *Notice) error {
	sg, err := s.store.GetSuggestion(ctx, n.SuggestionID)
	if IsCode(err, ENotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ch, addr := NoticeAddress(sg.Contact)
	if !sg.Notify || ch == "" {
		s.log.InfoContext(ctx, "reply notice has no reachable submitter", "notice_id", n.ID, "suggestion_id", sg.ID)
		return nil
	}
	return s.submitters.NotifySubmitter(ctx, ch, addr, *n)
}
