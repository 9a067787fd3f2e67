package feedback

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jianyan/jianyan/internal/document"
)

// What each kind of document says, built from the data. The words are the
// office's usual ones; the office's own name comes from its settings, the
// number from the counter (set on the content when it is issued). Nothing
// here reads storage: the use case gathers the data and passes it in.

// problemsInBody is how many problems a notice lists in its body; more go
// to an attached table (the standard's way with long lists).
const problemsInBody = 3

// issuerMark is the 发文机关标志 of an issuer: its name followed by 文件.
func issuerMark(issuer string) string {
	if strings.HasSuffix(issuer, "文件") {
		return issuer
	}
	return issuer + "文件"
}

// issuerSignature is the issuer as it signs (without 文件).
func issuerSignature(issuer string) string {
	return strings.TrimSuffix(issuer, "文件")
}

// listSubject is what a problem list is about: its title without the words
// 问题清单 or 清单 (涉企乱罚款问题清单 → 涉企乱罚款).
func listSubject(l *ProblemList) string {
	t := strings.TrimSpace(l.Title)
	for _, suffix := range []string{"问题清单", "整改清单", "清单"} {
		if s := strings.TrimSuffix(t, suffix); s != t && s != "" {
			return s
		}
	}
	return t
}

// WorkingDays counts the working days after from up to and including to;
// false when the calendar cannot tell (a year it does not know).
type WorkingDays func(from, to Date) (int, bool)

// problemDocInput is what a rectification notice or a feedback opinion is
// made of: one unit's problems on one list.
type problemDocInput struct {
	Kind     DocumentKind // RectificationNotice or FeedbackOpinion
	Issuer   string
	List     *ProblemList
	Unit     string
	Problems []*Problem // the problems the unit leads (牵头)
	// CoHandled are the problems on the list the unit only co-handles
	// (协办): listed apart, each with its lead unit, for the unit to
	// assist; none of them is the unit's to rectify.
	CoHandled []*Problem
	Day       Date // the date of the document
	Working   WorkingDays
}

// deadlineText is a problem's deadline as a document states it: the date
// and, when the calendar knows, the working days from the document's date,
// after sep.
func deadlineText(p *Problem, day Date, working WorkingDays, sep string) string {
	if p.Deadline == "" {
		if p.Status == ProblemLongTerm {
			return ProblemLongTerm.Label()
		}
		return "另行通知"
	}
	s := document.FormatDate(p.Deadline.Start())
	// A problem already rectified when the document is issued is listed
	// for the record, marked so the unit does not rectify it twice.
	if p.Status == ProblemRectified || p.Status == ProblemVerified {
		return s + sep + "（" + p.Status.Label() + "）"
	}
	// A deadline already passed on the document's day says so: a unit
	// told on 12月6日 to rectify by 12月3日 would otherwise wonder.
	if p.OverdueOn(day) {
		return s + sep + "（已逾期）"
	}
	if working != nil && day.Before(p.Deadline) {
		if n, ok := working(day, p.Deadline); ok {
			s += sep + "（" + strconv.Itoa(n) + "个工作日）"
		}
	}
	return s
}

// sentence ends s with a full stop unless it ends with punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if strings.ContainsRune("。！？；…”", []rune(s)[len([]rune(s))-1]) {
		return s
	}
	return s + "。"
}

// person is a problem's first responsible person as a document names it.
func person(p *Problem) string {
	if p.ResponsiblePerson != "" {
		return p.ResponsiblePerson
	}
	return "单位主要负责人"
}

// problemDocContent is a rectification notice (整改通知书) or a feedback
// opinion (反馈意见书) to one unit: its problems with the requirement, the
// first responsible person and the deadline (also in working days), what
// the office expects, and how to report back.
func problemDocContent(in problemDocInput) *document.Document {
	subject := listSubject(in.List)
	n := len(in.Problems)
	sig := issuerSignature(in.Issuer)
	d := &document.Document{
		IssuerMark: issuerMark(in.Issuer),
		Addressees: []string{in.Unit},
		Signature:  sig,
		Date:       in.Day.Start(),
	}
	var intro string
	if in.Kind == FeedbackOpinion {
		topic := subject
		if !strings.HasSuffix(topic, "督察") && !strings.HasSuffix(topic, "监督") {
			topic += "督察"
		}
		d.Title = "关于" + topic + "发现问题的反馈意见书"
		intro = fmt.Sprintf("%s对你单位开展%s，发现问题%d项。", sig, topic, n)
		if len(in.CoHandled) > 0 {
			intro += fmt.Sprintf("另有%d项问题由其他单位牵头整改、需你单位协助配合。", len(in.CoHandled))
		}
		intro += "现将问题及整改要求反馈如下，请认真研究，抓好整改落实。"
	} else {
		d.Title = "关于" + subject + "问题整改的通知书"
		intro = fmt.Sprintf("根据%s工作安排，经梳理核实，《%s》中由你单位牵头整改的问题共%d项", subject, in.List.Title, n)
		if len(in.CoHandled) > 0 {
			intro += fmt.Sprintf("，另有%d项由你单位协助配合整改", len(in.CoHandled))
		}
		intro += "。现将问题及整改要求通知如下，请认真抓好整改落实。"
	}
	d.Body = append(d.Body, &document.Paragraph{Text: intro}, &document.Heading{Level: 1, Text: "问题及整改要求"})
	if n <= problemsInBody {
		for _, p := range in.Problems {
			var b strings.Builder
			b.WriteString(sentence(CleanText(p.Description)))
			if p.Requirement != "" {
				b.WriteString("整改要求：" + sentence(CleanText(p.Requirement)))
			}
			b.WriteString("第一责任人：" + person(p) + "。")
			b.WriteString("整改期限：" + deadlineText(p, in.Day, in.Working, "") + "。")
			d.Body = append(d.Body, &document.Heading{Level: 2, Text: sentence(p.Title), Body: b.String()})
		}
	} else {
		d.Body = append(d.Body, &document.Paragraph{Text: fmt.Sprintf("问题%d项及各项整改要求、第一责任人和整改期限见附件。", n)})
		t := &document.Table{Columns: []document.Column{
			{Header: "序号", Width: 2.5, Center: true},
			{Header: "问题"},
			{Header: "整改要求"},
			{Header: "第一责任人", Width: 5, Center: true},
			{Header: "整改期限", Width: 9.5},
		}}
		for i, p := range in.Problems {
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), p.Title, CleanText(p.Requirement), person(p), deadlineText(p, in.Day, in.Working, "\n")})
		}
		d.Attachments = []document.Attachment{{Title: in.List.Title, Body: []document.Block{t}}}
	}
	if m := len(in.CoHandled); m > 0 {
		d.Body = append(d.Body, &document.Heading{Level: 1, Text: "需协助配合整改的问题"})
		if m <= problemsInBody {
			d.Body = append(d.Body, &document.Paragraph{Text: "以下问题由其他单位牵头整改，你单位为协办单位，请主动配合牵头单位落实整改。"})
			for _, p := range in.CoHandled {
				d.Body = append(d.Body, &document.Heading{Level: 2, Text: sentence(p.Title),
					Body: "牵头单位：" + p.ResponsibleUnit + "。整改期限：" + deadlineText(p, in.Day, in.Working, "") + "。"})
			}
		} else {
			title := in.List.Title + "（协办问题）"
			d.Body = append(d.Body, &document.Paragraph{Text: fmt.Sprintf("由其他单位牵头整改、你单位为协办单位的问题%d项及其牵头单位见附件《%s》，请主动配合牵头单位落实整改。", m, title)})
			t := &document.Table{Columns: []document.Column{
				{Header: "序号", Width: 2.5, Center: true},
				{Header: "问题"},
				{Header: "牵头单位", Width: 8},
				{Header: "整改期限", Width: 9.5},
			}}
			for i, p := range in.CoHandled {
				t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), p.Title, p.ResponsibleUnit, deadlineText(p, in.Day, in.Working, "\n")})
			}
			d.Attachments = append(d.Attachments, document.Attachment{Title: title, Body: []document.Block{t}})
		}
	}
	d.Body = append(d.Body,
		&document.Heading{Level: 1, Text: "有关要求"},
		&document.Heading{Level: 2, Text: "压实整改责任。", Body: "单位主要负责人为整改第一责任人，要对照问题逐项制定整改措施，明确责任人和完成时限，确保按期整改到位。"},
		&document.Heading{Level: 2, Text: "按期完成整改。", Body: "请在所列整改期限内完成整改，括号内为自本文印发之日起的工作日数。确需延期的，应当在期限届满前提出延期申请并说明理由；需要长期坚持的，明确整改目标，落实整改措施。"},
		&document.Heading{Level: 2, Text: "巩固整改成效。", Body: sig + "将对已完成整改的问题适时组织“回头看”，整改情况纳入法治建设考评。"},
		&document.Heading{Level: 1, Text: "反馈方式"},
		&document.Paragraph{Text: "请在建言系统中逐项报告整改进展并上传佐证材料；全部问题整改完成后，将整改情况书面报送" + sig + "。"},
	)
	if len(in.CoHandled) > 0 {
		d.Body = append(d.Body, &document.Paragraph{Text: "协办问题的配合情况，请在建言系统中该问题页的“报送本单位协办情况”里报送。"})
	}
	if in.Kind != FeedbackOpinion {
		d.Body = append(d.Body, &document.Paragraph{Text: "特此通知。"})
	}
	return d
}

// periodText names a summary's period in a document's words: 2025年3月12日,
// 2025年3月10日至16日, 2025年3月.
func periodText(sm *Summary) string {
	from, to := sm.From.Start(), sm.To.Start()
	switch sm.Period {
	case Monthly:
		return fmt.Sprintf("%d年%d月", from.Year(), int(from.Month()))
	case Weekly:
		s := document.FormatDate(from) + "至"
		switch {
		case from.Year() != to.Year():
			return s + document.FormatDate(to)
		case from.Month() != to.Month():
			return s + fmt.Sprintf("%d月%d日", int(to.Month()), to.Day())
		}
		return s + fmt.Sprintf("%d日", to.Day())
	}
	return document.FormatDate(from)
}

// counted writes a breakdown as 人大代表9条、企业代表11条, in the order of
// keys, with labels from label; zero counts are left out.
func counted(m map[string]int, keys []string, label func(string) string, unit string) string {
	var parts []string
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s%d%s", label(k), m[k], unit))
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] && m[k] > 0 {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		parts = append(parts, fmt.Sprintf("%s%d%s", label(k), m[k], unit))
	}
	return strings.Join(parts, "、")
}

// rate writes an on-time rate as a percentage, — when nothing was rectified.
func rate(u UnitScore) string {
	if u.Rectified == 0 {
		return "—"
	}
	return strconv.FormatFloat(u.OnTimeRate*100, 'f', 1, 64) + "%"
}

// bulletinContent is a supervision bulletin (督察通报) from a summary: what
// came in, where rectification stands, the overdue problems and units, and
// each unit's scorecard.
func bulletinContent(issuer string, sm *Summary, day Date) *document.Document {
	sig := issuerSignature(issuer)
	period := periodText(sm)
	st, ps := sm.Suggestions, sm.Problems
	d := &document.Document{
		IssuerMark: issuerMark(issuer),
		Title:      "关于" + period + "意见建议办理和问题整改情况的通报",
		Addressees: []string{"各有关单位"},
		Signature:  sig,
		Date:       day.Start(),
	}
	d.Body = append(d.Body,
		&document.Paragraph{Text: "现将" + period + "意见建议办理和问题整改情况通报如下。"},
		&document.Heading{Level: 1, Text: "意见建议收集情况"},
	)
	intake := fmt.Sprintf("%s共收到意见建议和问题线索%d条", period, st.Received)
	kinds := make([]string, len(ParticipantKinds))
	for i, k := range ParticipantKinds {
		kinds[i] = string(k)
	}
	if by := counted(st.ByParticipantKind, kinds, func(k string) string { return ParticipantKind(k).Label() }, "条"); by != "" && st.Received > 0 {
		intake += "，其中" + by
	}
	if by := counted(st.ByStatus, SummaryStatuses, st.StatusLabel, "条"); by != "" && st.Received > 0 {
		intake += "；目前" + by
	}
	d.Body = append(d.Body, &document.Paragraph{Text: intake + "。"})

	total := ps.Open + ps.Rectifying + ps.Rectified + ps.Verified + ps.Reopened + ps.LongTerm
	state := fmt.Sprintf("截至%s，共有问题%d项", document.FormatDate(sm.AsOf.Start()), total)
	if total > 0 {
		byState := map[string]int{
			string(ProblemOpen): ps.Open, string(ProblemRectifying): ps.Rectifying, string(ProblemRectified): ps.Rectified,
			string(ProblemVerified): ps.Verified, string(ProblemReopened): ps.Reopened, string(ProblemLongTerm): ps.LongTerm,
		}
		keys := make([]string, len(ProblemStatuses))
		for i, s := range ProblemStatuses {
			keys[i] = string(s)
		}
		state += "，其中" + counted(byState, keys, func(k string) string { return ProblemStatus(k).Label() }, "项")
	}
	state += fmt.Sprintf("；逾期未整改%d项。本期新交办问题%d项，完成整改%d项，“回头看”通过%d项。",
		ps.Overdue, ps.Activity.Created, ps.Activity.Rectified, ps.Activity.Verified)
	d.Body = append(d.Body, &document.Heading{Level: 1, Text: "问题整改情况"}, &document.Paragraph{Text: state})

	d.Body = append(d.Body, &document.Heading{Level: 1, Text: "逾期未整改问题"})
	if len(ps.OverdueItems) == 0 {
		d.Body = append(d.Body, &document.Paragraph{Text: "本期没有逾期未整改的问题。"})
	} else {
		units := map[string]bool{}
		t := &document.Table{Columns: []document.Column{
			{Header: "序号", Width: 2.5, Center: true},
			{Header: "问题"},
			{Header: "责任单位", Width: 9},
			{Header: "整改期限", Width: 9.5, Center: true},
			{Header: "逾期天数", Width: 4, Center: true},
		}}
		for i, it := range ps.OverdueItems {
			units[it.ResponsibleUnit] = true
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), it.Title, it.ResponsibleUnit,
				document.FormatDate(it.Deadline.Start()), strconv.Itoa(it.DaysOverdue)})
		}
		names := make([]string, 0, len(units))
		for u := range units {
			names = append(names, u)
		}
		sort.Strings(names)
		d.Body = append(d.Body,
			&document.Paragraph{Text: fmt.Sprintf("%s等%d个单位共有%d项问题逾期未完成整改，具体如下。", strings.Join(names, "、"), len(names), len(ps.OverdueItems))},
			t)
	}

	if len(sm.Units) > 0 {
		t := &document.Table{Columns: []document.Column{
			{Header: "责任单位"},
			{Header: "交办问题", Width: 4, Center: true},
			{Header: "已整改", Width: 3, Center: true},
			{Header: "按期整改率", Width: 5, Center: true},
			{Header: "逾期", Width: 3, Center: true},
		}}
		for _, u := range sm.Units {
			t.Rows = append(t.Rows, []string{u.Unit, strconv.Itoa(u.Assigned), strconv.Itoa(u.Rectified), rate(u), strconv.Itoa(u.Overdue)})
		}
		d.Body = append(d.Body, &document.Heading{Level: 1, Text: "各单位整改情况"}, t)
	}
	d.Body = append(d.Body,
		&document.Heading{Level: 1, Text: "下一步工作要求"},
		&document.Paragraph{Text: "各单位要对照问题清单抓好整改落实，确保按期完成；有逾期问题的单位要说明原因，报送整改计划。" + sig + "将把整改情况纳入法治建设考评。"},
		&document.Paragraph{Text: "特此通报。"},
	)
	return d
}

// replyLetterInput is what a reply letter (答复函) is made of: the
// suggestion, where it was made, and the office's reply with its grade.
type replyLetterInput struct {
	Issuer         string
	Suggestion     *Suggestion
	SymposiumTitle string
	Reply          string
	Grade          string // A–D
	GradeLabel     string // 已解决或已采纳, …
	Day            Date
}

// salutation addresses a submitter by name and standing (梁某代表, 陈某委员,
// 李某同志), else by organisation or standing (群众); never by contact.
func salutation(sg *Suggestion) string {
	if name := strings.TrimSpace(sg.Name); name != "" {
		switch sg.ParticipantKind {
		case NPCDeputy:
			return name + "代表"
		case CPPCCMember:
			return name + "委员"
		}
		return name + "同志"
	}
	if org := strings.TrimSpace(sg.Organization); org != "" {
		return org
	}
	// The form's category (群众/其他, 村(社区)代表) is no way to address a
	// letter; an anonymous submitter is addressed by standing alone.
	if s, ok := anonymousSalutations[sg.ParticipantKind]; ok {
		return s
	}
	return "同志"
}

// anonymousSalutations addresses a submitter who left neither name nor
// organisation.
var anonymousSalutations = map[ParticipantKind]string{
	NPCDeputy:   "人大代表",
	CPPCCMember: "政协委员",
	Enterprise:  "企业代表",
	Community:   "村（社区）代表",
	Public:      "群众",
}

// replyLetterContent is a reply letter to one submitter: what they wrote
// and where, the reply, its grade; never their contact details.
func replyLetterContent(in replyLetterInput) *document.Document {
	sg := in.Suggestion
	sig := issuerSignature(in.Issuer)
	what := sg.Kind.Label()
	if what == "" {
		what = KindSuggestion.Label()
	}
	topic := strings.TrimSpace(sg.Topic)
	title := "关于" + what + "的答复函"
	if topic != "" {
		title = "关于对“" + topic + "”" + what + "的答复函"
	}
	// A paper form was written at the symposium, often days before the
	// office typed it in: the letter names the day the submitter wrote.
	written := sg.SubmittedAt.In(Shanghai)
	if sg.WrittenOn != "" && sg.WrittenOn.Valid() {
		written = sg.WrittenOn.Start()
	}
	opening := "您于" + document.FormatDate(written)
	if in.SymposiumTitle != "" {
		opening += "在" + in.SymposiumTitle + "上"
	}
	opening += "提出的" + what + "（回执号" + sg.Receipt + "）收悉。经研究，现答复如下。"
	d := &document.Document{
		IssuerMark: issuerMark(in.Issuer),
		Title:      title,
		Addressees: []string{salutation(sg)},
		Signature:  sig,
		Date:       in.Day.Start(),
		Body: []document.Block{
			&document.Paragraph{Text: opening},
			&document.Paragraph{Text: CleanText(in.Reply)},
		},
	}
	if in.Grade != "" {
		d.Body = append(d.Body, &document.Paragraph{Text: "办理结果：" + in.Grade + "类（" + in.GradeLabel + "）。"})
	}
	d.Body = append(d.Body, &document.Paragraph{Text: "您可凭回执号在建言系统查询办理情况，并对答复作出评价。感谢您对我们工作的关心和支持。"})
	return d
}
