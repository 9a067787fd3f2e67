package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// summaryCSS styles the printable summary page: A4, black on white, tables
// that do not break rows across pages. It is the page's only inline block,
// allowed by its hash; the page has no script and loads nothing else.
const summaryCSS = `*{box-sizing:border-box}
body{margin:0;font-family:"SimSun","Songti SC","Noto Serif CJK SC",serif;font-size:11pt;line-height:1.5;color:#000;background:#fff}
main{max-width:190mm;margin:0 auto;padding:10mm 4mm}
h1{font-size:18pt;text-align:center;margin:0 0 2mm}
h2{font-size:13pt;margin:6mm 0 2mm;border-bottom:1px solid #000}
.meta{text-align:center;color:#333;margin:0 0 4mm}
table{width:100%;border-collapse:collapse;margin:0 0 3mm}
th,td{border:1px solid #000;padding:1mm 2mm;text-align:left;vertical-align:top}
th{background:#eee;font-weight:700}
td.n,th.n{text-align:right}
td.n{white-space:nowrap}
th:first-child,td:first-child{min-width:7em}
.wide{overflow-x:auto}
.none{color:#555}
@page{size:A4;margin:15mm}
@media print{main{padding:0;max-width:none}.wide{overflow:visible}tr{break-inside:avoid}h2{break-after:avoid}thead{display:table-header-group}}`

var cspSummaryPage = "default-src 'none'; style-src " + cspHash(summaryCSS) +
	"; img-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

var periodNames = map[feedback.Period]string{feedback.Daily: "日汇总", feedback.Weekly: "周汇总", feedback.Monthly: "月汇总"}

func participantLabel(k string) string {
	if l := feedback.ParticipantKind(k).Label(); l != "" {
		return l
	}
	return k
}

func kindLabel(k string) string {
	if l := feedback.SuggestionKind(k).Label(); l != "" {
		return l
	}
	return k
}

func channelLabel(k string) string {
	if l := feedback.Channel(k).Label(); l != "" {
		return l
	}
	return k
}

func unitLabel(u string) string {
	if u == "" {
		return "未指定责任单位"
	}
	return u
}

// sortedKeys returns m's keys in string order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// orderedKeys returns the keys of m: first those in order that m has, then
// any others in string order.
func orderedKeys[K ~string](m map[string]int, order []K) []string {
	var out []string
	for _, k := range order {
		if _, ok := m[string(k)]; ok {
			out = append(out, string(k))
		}
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func percent(rate float64, rectified int) string {
	if rectified == 0 {
		return "—"
	}
	return strconv.FormatFloat(rate*100, 'f', 1, 64) + "%"
}

// summaryTitle is the heading of a summary in pages, sheets and messages.
func summaryTitle(sm *feedback.Summary) string {
	name := periodNames[sm.Period]
	if sm.From == sm.To {
		return fmt.Sprintf("建言工作%s(%s)", name, sm.From)
	}
	return fmt.Sprintf("建言工作%s(%s 至 %s)", name, sm.From, sm.To)
}

// writeSummaryPage answers the printable page of sm.
func writeSummaryPage(w http.ResponseWriter, sm *feedback.Summary) {
	body := summaryPage(sm)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", cspSummaryPage)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

// summaryPage renders sm as a zh-CN page fit to print on A4.
func summaryPage(sm *feedback.Summary) string {
	var b strings.Builder
	title := summaryTitle(sm)
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width,initial-scale=1">` +
		`<meta name="referrer" content="no-referrer"><title>`)
	b.WriteString(esc(title))
	b.WriteString("</title><style>" + summaryCSS + "</style></head><body><main>")
	b.WriteString("<h1>" + esc(title) + "</h1>")
	fmt.Fprintf(&b, `<p class="meta">生成时间 %s;问题数据截至 %s</p>`, esc(formatWhen(sm.GeneratedAt)), esc(string(sm.AsOf)))

	st := sm.Suggestions
	b.WriteString("<h2>一、意见建议收集情况</h2>")
	fmt.Fprintf(&b, "<p>本期共收到意见建议和问题线索 <strong>%d</strong> 条。</p>", st.Received)
	fmt.Fprintf(&b, "<p>其中已答复 %d 条(答复率 %s),提交人已评价 %d 条,满意和基本满意 %d 条(满意率 %s),待重新办理 %d 条。</p>",
		st.Replied, percent(st.ReplyRate, st.Received), st.Rated, st.Satisfied, percent(st.SatisfactionRate, st.Rated), st.Rehandle)
	countTable := func(head string, m map[string]int, keys []string, label func(string) string) {
		b.WriteString(`<table><thead><tr><th>` + esc(head) + `</th><th class="n">数量</th></tr></thead><tbody>`)
		for _, k := range keys {
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%d</td></tr>`, esc(label(k)), m[k])
		}
		b.WriteString("</tbody></table>")
	}
	countTable("参会身份", st.ByParticipantKind, orderedKeys(st.ByParticipantKind, feedback.ParticipantKinds), participantLabel)
	countTable("类别", st.ByKind, orderedKeys(st.ByKind, feedback.SuggestionKinds), kindLabel)
	countTable("渠道", st.ByChannel, orderedKeys(st.ByChannel, feedback.Channels), channelLabel)
	countTable("办理状态", st.ByStatus, orderedKeys(st.ByStatus, feedback.SummaryStatuses), st.StatusLabel)
	if len(st.BySymposium) > 0 {
		countTable("座谈会", st.BySymposium, sortedKeys(st.BySymposium), func(id string) string {
			if t := st.SymposiumTitles[id]; t != "" {
				return t
			}
			return id
		})
	}

	p := sm.Problems
	b.WriteString("<h2>二、问题整改情况</h2>")
	b.WriteString(`<table><thead><tr><th>状态</th><th class="n">数量</th></tr></thead><tbody>`)
	for _, r := range []struct {
		label string
		n     int
	}{
		{feedback.ProblemOpen.Label(), p.Open}, {feedback.ProblemRectifying.Label(), p.Rectifying},
		{feedback.ProblemRectified.Label(), p.Rectified}, {feedback.ProblemVerified.Label(), p.Verified},
		{feedback.ProblemReopened.Label(), p.Reopened}, {feedback.ProblemLongTerm.Label(), p.LongTerm},
		{"已逾期", p.Overdue}, {fmt.Sprintf("%d 日内到期", feedback.DueSoonDays), p.DueSoon}, {"待回头看", p.LookbacksDue},
	} {
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%d</td></tr>`, esc(r.label), r.n)
	}
	b.WriteString("</tbody></table>")
	a := p.Activity
	fmt.Fprintf(&b, "<p>本期新建问题 %d 个,完成整改 %d 个,回头看通过 %d 个,回头看未通过(重新整改) %d 个。</p>",
		a.Created, a.Rectified, a.Verified, a.Reopened)

	b.WriteString("<h3>逾期问题</h3>")
	if len(p.OverdueItems) == 0 {
		b.WriteString(`<p class="none">无。</p>`)
	} else {
		b.WriteString(`<table><thead><tr><th>问题</th><th>责任单位</th><th>整改期限</th><th class="n">逾期天数</th></tr></thead><tbody>`)
		for _, o := range p.OverdueItems {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td class="n">%d</td></tr>`,
				esc(o.Title), esc(unitLabel(o.ResponsibleUnit)), esc(string(o.Deadline)), o.DaysOverdue)
		}
		b.WriteString("</tbody></table>")
	}
	fmt.Fprintf(&b, "<h3>%d 日内到期</h3>", feedback.DueSoonDays)
	if len(p.DueSoonItems) == 0 {
		b.WriteString(`<p class="none">无。</p>`)
	} else {
		b.WriteString(`<table><thead><tr><th>问题</th><th>责任单位</th><th>整改期限</th><th class="n">剩余天数</th></tr></thead><tbody>`)
		for _, d := range p.DueSoonItems {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td><td class="n">%d</td></tr>`,
				esc(d.Title), esc(unitLabel(d.ResponsibleUnit)), esc(string(d.Deadline)), d.DaysLeft)
		}
		b.WriteString("</tbody></table>")
	}
	b.WriteString("<h3>待回头看</h3>")
	if len(p.LookbackItems) == 0 {
		b.WriteString(`<p class="none">无。</p>`)
	} else {
		b.WriteString(`<table><thead><tr><th>问题</th><th>责任单位</th><th>回头看日期</th></tr></thead><tbody>`)
		for _, l := range p.LookbackItems {
			fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td>%s</td></tr>`,
				esc(l.Title), esc(unitLabel(l.ResponsibleUnit)), esc(string(l.LookbackDue)))
		}
		b.WriteString("</tbody></table>")
	}

	b.WriteString("<h2>三、责任单位整改考核</h2>")
	if len(sm.Units) == 0 {
		b.WriteString(`<p class="none">暂无责任单位。</p>`)
	} else {
		b.WriteString(`<div class="wide" tabindex="0" role="region" aria-label="责任单位整改考核表"><table><thead><tr><th>责任单位</th><th class="n">交办</th><th class="n">已整改</th><th class="n">按期整改</th>` +
			`<th class="n">按期整改率</th><th class="n">逾期</th><th class="n">即将到期</th><th class="n">整改反弹</th><th class="n">延期</th>` +
			`<th class="n">答复率</th><th class="n">满意率</th><th class="n">重新办理</th></tr></thead><tbody>`)
		for _, u := range sm.Units {
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td><td class="n">%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td>`+
				`<td class="n">%s</td><td class="n">%s</td><td class="n">%d</td></tr>`,
				esc(unitLabel(u.Unit)), u.Assigned, u.Rectified, u.RectifiedOnTime, percent(u.OnTimeRate, u.Rectified), u.Overdue, u.DueSoon, u.Relapses, u.Extended,
				percent(u.ReplyRate, u.Suggestions), percent(u.SatisfactionRate, u.Rated), u.Rehandles)
		}
		b.WriteString("</tbody></table></div>")
		b.WriteString(`<p class="none">按期整改率 = 在原定整改期限(批准延期前的期限)当日或之前完成整改的问题数 ÷ 已整改问题数;` +
			`整改反弹含回头看未通过和通过后再次反弹;延期为获批延期的问题数;交办、已整改为累计数。` +
			`答复率 = 该单位问题所涉意见建议中已答复的 ÷ 全部;满意率 = 满意和基本满意 ÷ 已评价;重新办理 = 提交人评价不满意的次数。</p>`)
	}

	b.WriteString("<h2>四、责任单位考评</h2>")
	if len(sm.Assessment) == 0 {
		b.WriteString(`<p class="none">本期暂无考评。</p>`)
	} else {
		b.WriteString(`<div class="wide" tabindex="0" role="region" aria-label="责任单位考评表"><table><thead><tr><th>责任单位</th><th class="n">得分</th>`)
		for _, e := range feedback.AssessmentEvents {
			fmt.Fprintf(&b, `<th class="n">%s</th>`, esc(e.Label))
		}
		b.WriteString(`</tr></thead><tbody>`)
		for _, a := range sm.Assessment {
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td>`, esc(unitLabel(a.Unit)), esc(formatPoints(a.Score)))
			for _, e := range feedback.AssessmentEvents {
				fmt.Fprintf(&b, `<td class="n">%d</td>`, a.Counts[e.Event])
			}
			b.WriteString("</tr>")
		}
		b.WriteString("</tbody></table></div>")
		b.WriteString(`<p class="none">得分 = 基础分 + 本期各事项分值之和,按生成汇总时的考评办法计算;明细见“考评”页面或导出。</p>`)
	}
	b.WriteString("</main></body></html>")
	return b.String()
}
