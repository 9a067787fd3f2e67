package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet"
)

// Exports for clerks who live in Excel and WPS: the suggestions the list
// filters select, as CSV or XLSX, and a problem list as the printable
// rectification list (整改清单).

// maxExportBytes bounds an export sent as the response itself: a Lambda
// response carries at most 6 MB, and binary bodies go base64-encoded (4/3
// larger). Larger suggestion exports go through the files bucket
// (sendExport).
const maxExportBytes = 4 << 20

const (
	mimeCSVUTF8 = "text/csv; charset=utf-8"
	mimeXLSXDoc = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// suggestionColumns are the export's columns, in order.
var suggestionColumns = []sheet.Column{
	{Header: "提交时间", Width: 17, Kind: sheet.DateTime},
	{Header: "回执号", Width: 17},
	{Header: "座谈会", Width: 26, Wrap: true},
	{Header: "专项", Width: 18, Wrap: true},
	{Header: "类别", Width: 10},
	{Header: "参会身份", Width: 13},
	{Header: "姓名", Width: 10},
	{Header: "单位", Width: 20, Wrap: true},
	{Header: "联系方式", Width: 15},
	{Header: "主题", Width: 20, Wrap: true},
	{Header: "内容", Width: 60, Wrap: true},
	{Header: "渠道", Width: 12},
	{Header: "书写日期", Width: 12, Kind: sheet.Date},
	{Header: "状态", Width: 9},
	{Header: "答复", Width: 30, Wrap: true},
	{Header: "问题清单", Width: 20, Wrap: true},
	{Header: "办理结果", Width: 18, Wrap: true},
	{Header: "满意度", Width: 9},
}

// suggestionRow is one export row; SubmittedAt stays a time so XLSX can
// write a real date.
// The reply columns hold the latest reply, its grade and its rating.
func suggestionRow(e *feedback.SuggestionExport, s *feedback.Suggestion) []any {
	reply, grade, rating := "", "", ""
	if r := s.LatestReply(); r != nil {
		reply, grade = r.Text, string(r.Grade)+" "+r.Grade.Label()
		if r.Rating != nil {
			rating = r.Rating.Rating.Label()
		}
	}
	return []any{
		s.SubmittedAt, s.Receipt, e.SymposiumTitle(s.SymposiumID), s.Campaign, s.Kind.Label(),
		s.ParticipantKind.Label(), s.Name, s.Organization, s.Contact, s.Topic, s.Content,
		s.Channel.Label(), s.WrittenOn, s.StatusLabel(), reply, e.ProblemListTitle(s.ProblemListID), grade, rating,
	}
}

// cellText renders an export cell as text.
func cellText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(feedback.Shanghai).Format("2006-01-02 15:04:05")
	case feedback.Date:
		return string(v)
	}
	return ""
}

// neutralizeCell defuses spreadsheet formula injection (CSV injection): a
// cell that starts with = + - @, a tab or a carriage return would be read as
// a formula by Excel or WPS, so it gets a leading apostrophe and is shown as
// text. What a person typed must never run as a formula on a clerk's
// machine.
func neutralizeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// writeDownload answers a file download (setDownloadHeaders).
func writeDownload(w http.ResponseWriter, ctype, asciiName, name string, body []byte) {
	setDownloadHeaders(w, ctype, asciiName, name, int64(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// contentDisposition is an attachment named asciiName for old clients and
// name (may be Chinese) in filename* (RFC 6266/5987).
func contentDisposition(asciiName, name string) string {
	return `attachment; filename="` + asciiName + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// problemListColumns are the columns of the rectification list.
var problemListColumns = []sheet.Column{
	{Header: "序号", Width: 6, Kind: sheet.Int},
	{Header: "问题", Width: 30, Wrap: true},
	{Header: "问题描述", Width: 40, Wrap: true},
	{Header: "牵头单位", Width: 18, Wrap: true},
	{Header: "协办单位", Width: 18, Wrap: true},
	{Header: "第一责任人", Width: 12, Wrap: true},
	{Header: "整改要求", Width: 36, Wrap: true},
	{Header: "整改期限", Width: 12, Kind: sheet.Date},
	{Header: "状态", Width: 11},
	{Header: "是否逾期", Width: 9},
	{Header: "整改进展", Width: 36, Wrap: true},
	{Header: "佐证材料数", Width: 8, Kind: sheet.Int},
	{Header: "佐证材料", Width: 30, Wrap: true},
}

// evidenceNames lists a problem's evidence by name, one a line, in the
// order attached.
func evidenceNames(refs []feedback.EvidenceRef) string {
	names := make([]string, len(refs))
	for i, e := range refs {
		names[i] = e.Name
	}
	return strings.Join(names, "\n")
}

// exportProblemList serves GET /api/v1/problem-lists/{id}.xlsx (handed
// over by getProblemList): the printable rectification list, problems in
// creation order, each with its evidence (佐证材料: how many, and their
// names), on A4 landscape with the title and header rows repeated on every
// printed page. A unit account gets only the problems its unit
// leads or assists, as in the list view. It holds no submitter's personal
// data.
func (h *StaffHandler) exportProblemList(w http.ResponseWriter, r *http.Request, id feedback.Identity, listID string) error {
	if h.sheetsIO == nil {
		return errNoSpreadsheets
	}
	d, err := h.svc.GetProblemList(r.Context(), id, listID)
	if err != nil {
		return err
	}
	if d.Truncated {
		return feedback.Errorf(feedback.EInvalid, "问题清单过长,无法导出")
	}
	today := feedback.DateOf(h.svc.Now())
	rows := make([][]any, 0, len(d.Problems))
	for i, p := range d.Problems {
		overdue := ""
		if p.OverdueOn(today) {
			overdue = "逾期"
		}
		rows = append(rows, []any{
			i + 1, p.Title, p.Description, p.ResponsibleUnit, strings.Join(p.CoUnits, "、"), p.ResponsiblePerson,
			p.Requirement, p.Deadline, p.Status.Label(), overdue, p.Progress, len(p.Evidence), evidenceNames(p.Evidence),
		})
	}
	title := d.List.Title
	if !strings.Contains(title, "整改清单") {
		title += " 整改清单"
	}
	body, err := h.xlsxFile(&sheet.Workbook{Title: title, Sheets: []sheet.Sheet{{
		Name: "整改清单", Title: title, Columns: problemListColumns, Rows: rows,
		FreezeHeader: true, Landscape: true, RepeatHeader: true,
	}}})
	if err != nil {
		return err
	}
	if len(body) > maxExportBytes {
		return feedback.Errorf(feedback.EInvalid, "导出文件超过 %d MB", maxExportBytes>>20)
	}
	writeDownload(w, mimeXLSXDoc, "problem-list-"+d.List.ID+".xlsx", "整改清单-"+d.List.Title+".xlsx", body)
	return nil
}

// problemViewColumns are the columns of a problem view's export: what the
// console's problem table shows, cell by cell.
var problemViewColumns = []sheet.Column{
	{Header: "序号", Width: 6, Kind: sheet.Int},
	{Header: "问题", Width: 30, Wrap: true},
	{Header: "督办", Width: 6},
	{Header: "问题清单", Width: 20, Wrap: true},
	{Header: "牵头单位", Width: 18, Wrap: true},
	{Header: "协办单位", Width: 18, Wrap: true},
	{Header: "第一责任人", Width: 12, Wrap: true},
	{Header: "整改期限", Width: 12, Kind: sheet.Date},
	{Header: "期限情况", Width: 16, Wrap: true},
	{Header: "状态", Width: 11},
	{Header: "回头看日期", Width: 12, Kind: sheet.Date},
	{Header: "整改进展", Width: 40, Wrap: true},
}

// exportProblems serves GET /api/v1/problems.xlsx: every problem a view of
// 问题跟踪 selects (the filters of GET /api/v1/problems: list, unit,
// status, overdue, supervised, lookback_due), in the view's order and
// columns, titled with the view and the day. A unit account gets its own,
// as in the view. It holds no submitter's personal data.
func (h *StaffHandler) exportProblems(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if h.sheetsIO == nil {
		return errNoSpreadsheets
	}
	f, err := h.problemFilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	e, err := h.svc.ExportProblems(r.Context(), id, f)
	if err != nil {
		return err
	}
	conv := h.problemConv(r, id)
	rows := make([][]any, 0, len(e.Problems))
	for i, p := range e.Problems {
		j := conv(p)
		supervised, due := "", ""
		if p.Supervised {
			supervised = "督办"
		}
		switch {
		case j.Overdue:
			due = "逾期 " + strconv.Itoa(p.Deadline.DaysUntil(feedback.DateOf(h.svc.Now()))) + " 天"
		case j.WorkingDaysLeft != nil:
			due = "剩 " + strconv.Itoa(*j.WorkingDaysLeft) + " 个工作日"
		}
		if p.PendingExtensionID != "" {
			due = strings.TrimSpace(due + " 延期申请待审批")
		}
		rows = append(rows, []any{
			i + 1, p.Title, supervised, e.ListTitle(p.ProblemListID), p.ResponsibleUnit, strings.Join(p.CoUnits, "、"),
			p.ResponsiblePerson, p.Deadline, due, p.Status.Label(), p.LookbackDue, p.Progress,
		})
	}
	today := feedback.DateOf(h.svc.Now())
	title := "问题跟踪:" + e.View + "(" + string(today) + ")"
	body, err := h.xlsxFile(&sheet.Workbook{Title: title, Sheets: []sheet.Sheet{{
		Name: "问题跟踪", Title: title, Columns: problemViewColumns, Rows: rows,
		FreezeHeader: true, Landscape: true, RepeatHeader: true,
	}}})
	if err != nil {
		return err
	}
	if len(body) > maxExportBytes {
		return feedback.Errorf(feedback.EInvalid, "导出文件超过 %d MB,请缩小筛选范围", maxExportBytes>>20)
	}
	writeDownload(w, mimeXLSXDoc, "problems-"+string(today)+".xlsx", "问题跟踪-"+e.View+"-"+string(today)+".xlsx", body)
	return nil
}
