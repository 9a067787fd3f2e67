package httpapi

import (
	"strconv"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet"
)

// The summary workbook: a sheet per section of the summary page, each with
// a title row, a frozen header repeated on printed pages, deadlines as real
// dates and the on-time rate as a percentage.

// summaryWorkbook lays out sm as sheets.
func summaryWorkbook(sm *feedback.Summary) *sheet.Workbook {
	title := summaryTitle(sm)
	newSheet := func(name, title string, columns ...sheet.Column) sheet.Sheet {
		return sheet.Sheet{Name: name, Title: title, Columns: columns, FreezeHeader: true, RepeatHeader: true}
	}
	st := sm.Suggestions
	intake := newSheet("意见建议", title+" 意见建议",
		sheet.Column{Header: "分类", Width: 12}, sheet.Column{Header: "项目", Width: 40, Wrap: true},
		sheet.Column{Header: "数量", Width: 10, Kind: sheet.Int})
	intake.Rows = append(intake.Rows, []any{"合计", "收到意见建议和问题线索", st.Received},
		[]any{"答复", "已答复", st.Replied}, []any{"答复", "提交人已评价", st.Rated},
		[]any{"答复", "满意和基本满意", st.Satisfied}, []any{"答复", "待重新办理", st.Rehandle})
	add := func(group string, m map[string]int, keys []string, label func(string) string) {
		for _, k := range keys {
			intake.Rows = append(intake.Rows, []any{group, label(k), m[k]})
		}
	}
	add("参会身份", st.ByParticipantKind, orderedKeys(st.ByParticipantKind, feedback.ParticipantKinds), participantLabel)
	add("类别", st.ByKind, orderedKeys(st.ByKind, feedback.SuggestionKinds), kindLabel)
	add("渠道", st.ByChannel, orderedKeys(st.ByChannel, feedback.Channels), channelLabel)
	add("办理状态", st.ByStatus, orderedKeys(st.ByStatus, feedback.SummaryStatuses), st.StatusLabel)
	add("座谈会", st.BySymposium, sortedKeys(st.BySymposium), func(id string) string {
		if t := st.SymposiumTitles[id]; t != "" {
			return t
		}
		return id
	})

	p := sm.Problems
	problems := newSheet("问题整改", title+" 问题整改(截至 "+string(sm.AsOf)+")",
		sheet.Column{Header: "项目", Width: 24}, sheet.Column{Header: "数量", Width: 10, Kind: sheet.Int})
	for _, r := range []struct {
		label string
		n     int
	}{
		{feedback.ProblemOpen.Label(), p.Open}, {feedback.ProblemRectifying.Label(), p.Rectifying},
		{feedback.ProblemRectified.Label(), p.Rectified}, {feedback.ProblemVerified.Label(), p.Verified},
		{feedback.ProblemReopened.Label(), p.Reopened}, {feedback.ProblemLongTerm.Label(), p.LongTerm},
		{"已逾期", p.Overdue}, {strconv.Itoa(feedback.DueSoonDays) + " 日内到期", p.DueSoon}, {"待回头看", p.LookbacksDue},
		{"本期新建", p.Activity.Created}, {"本期完成整改", p.Activity.Rectified},
		{"本期回头看通过", p.Activity.Verified}, {"本期回头看未通过", p.Activity.Reopened},
	} {
		problems.Rows = append(problems.Rows, []any{r.label, r.n})
	}

	problem := sheet.Column{Header: "问题", Width: 40, Wrap: true}
	unit := sheet.Column{Header: "责任单位", Width: 24, Wrap: true}
	deadline := sheet.Column{Header: "整改期限", Width: 12, Kind: sheet.Date}
	overdue := newSheet("逾期问题", title+" 逾期问题", problem, unit, deadline, sheet.Column{Header: "逾期天数", Width: 10, Kind: sheet.Int})
	for _, o := range p.OverdueItems {
		overdue.Rows = append(overdue.Rows, []any{o.Title, unitLabel(o.ResponsibleUnit), o.Deadline, o.DaysOverdue})
	}
	due := newSheet("即将到期", title+" "+strconv.Itoa(feedback.DueSoonDays)+" 日内到期",
		problem, unit, deadline, sheet.Column{Header: "剩余天数", Width: 10, Kind: sheet.Int})
	for _, d := range p.DueSoonItems {
		due.Rows = append(due.Rows, []any{d.Title, unitLabel(d.ResponsibleUnit), d.Deadline, d.DaysLeft})
	}
	lookbacks := newSheet("待回头看", title+" 待回头看", problem, unit, sheet.Column{Header: "回头看日期", Width: 12, Kind: sheet.Date})
	for _, l := range p.LookbackItems {
		lookbacks.Rows = append(lookbacks.Rows, []any{l.Title, unitLabel(l.ResponsibleUnit), l.LookbackDue})
	}
	count := func(header string, width float64) sheet.Column {
		return sheet.Column{Header: header, Width: width, Kind: sheet.Int}
	}
	units := newSheet("单位考核", title+" 责任单位整改考核",
		sheet.Column{Header: "责任单位", Width: 26, Wrap: true}, count("交办", 8), count("已整改", 8),
		count("按期整改", 9), sheet.Column{Header: "按期整改率", Width: 11, Kind: sheet.Percent}, count("逾期", 8),
		count("即将到期", 9), count("整改反弹", 9), count("延期", 8),
		sheet.Column{Header: "答复率", Width: 9, Kind: sheet.Percent}, sheet.Column{Header: "满意率", Width: 9, Kind: sheet.Percent}, count("重新办理", 9))
	units.Landscape = true
	for _, u := range sm.Units {
		var rate any = "—" // nothing rectified yet: no rate
		if u.Rectified > 0 {
			rate = u.OnTimeRate
		}
		var replyRate, satisfaction any = "—", "—"
		if u.Suggestions > 0 {
			replyRate = u.ReplyRate
		}
		if u.Rated > 0 {
			satisfaction = u.SatisfactionRate
		}
		units.Rows = append(units.Rows, []any{unitLabel(u.Unit), u.Assigned, u.Rectified, u.RectifiedOnTime,
			rate, u.Overdue, u.DueSoon, u.Relapses, u.Extended, replyRate, satisfaction, u.Rehandles})
	}
	acols := []sheet.Column{{Header: "责任单位", Width: 26, Wrap: true}, {Header: "得分", Width: 9}}
	for _, e := range feedback.AssessmentEvents {
		acols = append(acols, count(e.Label, 10))
	}
	assessment := newSheet("考评", title+" 责任单位考评", acols...)
	assessment.Landscape = true
	for _, a := range sm.Assessment {
		row := []any{unitLabel(a.Unit), a.Score}
		for _, e := range feedback.AssessmentEvents {
			row = append(row, a.Counts[e.Event])
		}
		assessment.Rows = append(assessment.Rows, row)
	}
	return &sheet.Workbook{Title: title, Sheets: []sheet.Sheet{intake, problems, overdue, due, lookbacks, units, assessment}}
}
