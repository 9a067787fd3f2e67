package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
)

var wantSuggestionHeader = []string{"提交时间", "回执号", "座谈会", "专项", "类别", "参会身份", "姓名", "单位", "联系方式", "主题", "内容", "渠道", "书写日期", "状态", "答复", "问题清单", "办理结果", "满意度"}

// exportFixture is five suggestions in two symposia over four days.
type exportFixture struct {
	env        *exportEnv
	sym1, sym2 *feedback.Symposium
	sg         map[string]*feedback.Suggestion // a … e
}

func day(d, h int) time.Time { return time.Date(2025, 3, d, h, 0, 0, 0, feedback.Shanghai) }

func newExportFixture(t *testing.T) *exportFixture {
	t.Helper()
	e := newExportEnv(t)
	ctx := context.Background()
	fx := &exportFixture{env: e, sg: map[string]*feedback.Suggestion{}}
	fx.sym1 = e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	fx.sym2 = e.symposium(t, "综合行政执法进驻式监督座谈会", "综合行政执法")
	fx.sg["a"] = e.submit(t, fx.sym1, day(3, 10), feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Name: "张三丰",
		Organization: "某某科技有限公司", Contact: "13812345678", Topic: "罚款过重", Content: "市场监管部门对小微企业罚款过重,建议规范自由裁量。"})
	fx.sg["b"] = e.submit(t, fx.sym1, day(4, 11), feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Kind: feedback.KindProblemLead,
		Name: "@李四", Contact: "-1234567", Topic: `=HYPERLINK("http://evil.example","点我")`, Content: "+86 执法人员检查时未出示证件的线索。"})
	fx.sg["c"] = e.submit(t, fx.sym2, day(5, 9), feedback.SubmissionInput{ParticipantKind: feedback.Community,
		Content: "村里综合执法队伍人手不足,执法检查频次低。"})
	fx.sg["d"] = e.submit(t, fx.sym2, day(6, 9), feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Kind: feedback.KindProblemLead,
		Content: "罚款决定书送达不规范,企业不知道申诉渠道。"})
	fx.sg["e"] = e.submit(t, fx.sym1, day(6, 15), feedback.SubmissionInput{ParticipantKind: feedback.Public,
		Content: "建议公开罚没收入的使用情况。"})
	for _, k := range []string{"a", "b", "d", "e"} {
		if err := e.svc.RouteSuggestion(ctx, fx.sg[k].ID); err != nil {
			t.Fatalf("route %s: %v", k, err)
		}
	}
	if _, err := e.svc.DeclineSuggestion(ctx, e.admin, fx.sg["c"].ID, "已由乡镇自行整改"); err != nil {
		t.Fatalf("decline: %v", err)
	}
	e.clock.Set(day(7, 9))
	return fx
}

// ids maps fixture letters to suggestion IDs, newest first as lists are.
func (fx *exportFixture) ids(letters string) []string {
	var out []string
	for _, l := range letters {
		out = append(out, fx.sg[string(l)].ID)
	}
	slices.SortFunc(out, func(a, b string) int {
		sa, sb := fx.byID(a), fx.byID(b)
		return sb.SubmittedAt.Compare(sa.SubmittedAt)
	})
	return out
}

func (fx *exportFixture) byID(id string) *feedback.Suggestion {
	for _, s := range fx.sg {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (fx *exportFixture) filterCases() []struct{ name, query, want string } {
	return []struct{ name, query, want string }{
		{"all", "", "abcde"},
		{"participant_kind", "participant_kind=enterprise", "ad"},
		{"kind", "kind=problem_lead", "bd"},
		{"symposium", "symposium_id=" + fx.sym2.ID, "cd"},
		{"status declined", "status=declined", "c"},
		{"status routed", "status=routed", "abde"},
		{"problem list", "problem_list_id=triage", "abde"},
		{"search", "q=" + url.QueryEscape("罚款"), "ad"},
		{"date range", "from=2025-03-04&to=2025-03-05", "bc"},
		{"combined", "symposium_id=" + fx.sym1.ID + "&participant_kind=enterprise&q=" + url.QueryEscape("罚款"), "a"},
		{"nothing", "participant_kind=cppcc_member", ""},
	}
}

// listIDs returns the IDs the list API selects for query.
func (fx *exportFixture) listIDs(t *testing.T, query string) []string {
	t.Helper()
	resp := fx.env.do(t, "GET", "/api/v1/suggestions?limit=100&"+query, exportAdminToken, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list %q: status %d", query, resp.StatusCode)
	}
	var body struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("list %q: %v", query, err)
	}
	ids := []string{}
	for _, it := range body.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// readCSV fetches and parses a CSV export, checking the BOM and header.
func readCSV(t *testing.T, e *exportEnv, query, token string) [][]string {
	t.Helper()
	resp := e.do(t, "GET", "/api/v1/suggestions.csv?"+query, token, "", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("csv %q: status %d: %s", query, resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("csv content type = %q", got)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("csv content disposition = %q", cd)
	}
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("csv %q: no UTF-8 BOM at the start", query)
	}
	r := csv.NewReader(bytes.NewReader(body[3:]))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv %q: parse: %v", query, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], wantSuggestionHeader) {
		t.Fatalf("csv %q: header = %q, want %q", query, recs[0], wantSuggestionHeader)
	}
	return recs[1:]
}

// rowIDs maps the rows' receipt numbers (the export names suggestions by
// receipt, never by ID) back to the fixture's suggestion IDs.
func (fx *exportFixture) rowIDs(rows [][]string) []string {
	out := []string{}
	for _, r := range rows {
		id := "receipt " + r[1]
		for _, sg := range fx.sg {
			if sg.Receipt == r[1] {
				id = sg.ID
			}
		}
		out = append(out, id)
	}
	return out
}

func TestExportCSVSelectsExactlyTheFilter(t *testing.T) {
	fx := newExportFixture(t)
	for _, tc := range fx.filterCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := fx.ids(tc.want)
			if want == nil {
				want = []string{}
			}
			if got := fx.listIDs(t, tc.query); !slices.Equal(got, want) {
				t.Errorf("list API selects %q, want %q", got, want)
			}
			if got := fx.rowIDs(readCSV(t, fx.env, tc.query, exportAdminToken)); !slices.Equal(got, want) {
				t.Errorf("csv rows = %q, want %q", got, want)
			}
		})
	}
}

func TestExportCSVCells(t *testing.T) {
	fx := newExportFixture(t)
	rows := readCSV(t, fx.env, "", exportAdminToken)
	row := func(letter string) map[string]string {
		for _, r := range rows {
			if r[1] == fx.sg[letter].Receipt {
				m := map[string]string{}
				for i, h := range wantSuggestionHeader {
					m[h] = r[i]
				}
				return m
			}
		}
		t.Fatalf("no row for %s", letter)
		return nil
	}
	tests := []struct {
		letter, column, want string
	}{
		{"a", "提交时间", "2025-03-03 10:00:00"},
		{"a", "姓名", "张三丰"},
		{"a", "联系方式", "13812345678"},
		{"a", "座谈会", "涉企乱罚款专项治理座谈会"},
		{"a", "参会身份", "企业代表"},
		{"a", "问题清单", "待分拣"},
		{"a", "状态", "待分拣"}, // waiting in triage: never 已分拣 beside 待分拣
		{"b", "主题", `'=HYPERLINK("http://evil.example","点我")`},
		{"b", "内容", "'+86 执法人员检查时未出示证件的线索。"},
		{"b", "姓名", "'@李四"},
		{"b", "联系方式", "'-1234567"},
		{"b", "类别", "问题线索"},
		{"c", "状态", "未采纳"},
		{"c", "答复", "已由乡镇自行整改"},
		{"c", "办理结果", "D 留作参考"},
		{"a", "办理结果", ""},
	}
	for _, tc := range tests {
		if got := row(tc.letter)[tc.column]; got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.letter, tc.column, got, tc.want)
		}
	}
}

func TestNeutralizeCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"=1+2", "'=1+2"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"}, {"\rx", "'\rx"}, {"", ""}, {"正常内容=1", "正常内容=1"}, {"'=x", "'=x"},
	} {
		if got := httpapi.NeutralizeCellForTest(tc.in); got != tc.want {
			t.Errorf("neutralize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func auditExports(t *testing.T, e *exportEnv) []*feedback.AuditEvent {
	t.Helper()
	p, err := e.store.ListAuditEvents(context.Background(), "", 100, "")
	if err != nil {
		t.Fatalf("list audit events: %v", err)
	}
	var out []*feedback.AuditEvent
	for _, ev := range p.Items {
		if ev.Action == feedback.ActionExport {
			out = append(out, ev)
		}
	}
	return out
}

func TestExportMaskingAndAudit(t *testing.T) {
	fx := newExportFixture(t)
	e := fx.env
	query := "participant_kind=enterprise&q=" + url.QueryEscape("张三丰")
	// The search text is a name here: it must not reach the audit trail.

	// A unit exports the suggestions behind its own problems, masked.
	if resp := e.do(t, "GET", "/api/v1/suggestions.csv?participant_kind=enterprise", exportUnitToken, "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a unit exporting every suggestion: %d, want 403", resp.StatusCode)
	}
	list, err := e.svc.CreateProblemList(context.Background(), e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProblem(context.Background(), e.admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚款过重",
		SuggestionIDs: []string{fx.sg["a"].ID}, ResponsibleUnit: exportUnitName})
	if err != nil {
		t.Fatal(err)
	}
	unitRows := readCSV(t, e, "participant_kind=enterprise&problem_id="+p.ID, exportUnitToken)
	var a []string
	for _, r := range unitRows {
		// The receipt opens the reply and its rating: a unit sees
		// only its first group.
		if r[1] == feedback.MaskReceipt(fx.sg["a"].Receipt) {
			a = r
		}
		if strings.Contains(strings.Join(r, ","), fx.sg["a"].Receipt) {
			t.Errorf("unit export shows the whole receipt %s", fx.sg["a"].Receipt)
		}
	}
	if a == nil {
		t.Fatalf("unit export lacks suggestion a")
	}
	if got, want := a[8], "138****5678"; got != want {
		t.Errorf("unit export contact = %q, want %q", got, want)
	}
	if got, want := a[6], "张**"; got != want {
		t.Errorf("unit export name = %q, want %q", got, want)
	}
	resp := e.do(t, "GET", "/api/v1/suggestions.xlsx?participant_kind=enterprise&problem_id="+p.ID, exportUnitToken, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("unit xlsx: status %d", resp.StatusCode)
	}
	if evs := auditExports(t, e); len(evs) != 0 {
		t.Fatalf("masked exports wrote %d audit events, want 0", len(evs))
	}

	readCSV(t, e, query, exportAdminToken)
	e.clock.Set(e.clock.Now().Add(time.Minute))
	resp = e.do(t, "GET", "/api/v1/suggestions.xlsx?status=declined", exportAdminToken, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin xlsx: status %d", resp.StatusCode)
	}
	evs := auditExports(t, e)
	if len(evs) != 2 {
		t.Fatalf("unmasked exports wrote %d audit events, want 2", len(evs))
	}
	for i, want := range []string{
		"导出意见建议(CSV,含姓名和联系方式):参会身份「企业代表」、含搜索条件;共 0 条",
		"导出意见建议(XLSX,含姓名和联系方式):状态「未采纳」;共 1 条",
	} {
		ev := evs[i]
		if ev.Note != want || ev.Actor != "admin" || ev.ProblemID != "" {
			t.Errorf("audit event %d = %+v, want note %q by admin", i, ev, want)
		}
		if strings.Contains(ev.Note, "张三丰") {
			t.Errorf("audit note carries personal data: %q", ev.Note)
		}
	}
}

func TestExportErrors(t *testing.T) {
	fx := newExportFixture(t)
	for _, tc := range []struct {
		name, target, token string
		want                int
	}{
		{"no token", "/api/v1/suggestions.csv", "", http.StatusUnauthorized},
		{"bad kind", "/api/v1/suggestions.csv?participant_kind=alien", exportAdminToken, http.StatusBadRequest},
		{"bad date", "/api/v1/suggestions.xlsx?from=2025-13-01", exportAdminToken, http.StatusBadRequest},
		{"unknown list", "/api/v1/problem-lists/nosuchlist.xlsx", exportAdminToken, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := fx.env.do(t, "GET", tc.target, tc.token, "", "")
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

// openXLSX fetches an XLSX download and opens it with excelize.
func openXLSX(t *testing.T, e *exportEnv, target, token string) *excelize.File {
	t.Helper()
	resp := e.do(t, "GET", target, token, "", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", target, resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("%s: content type %q", target, got)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: excelize cannot open it: %v", target, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestExportXLSXSelectsExactlyTheFilter(t *testing.T) {
	fx := newExportFixture(t)
	for _, tc := range fx.filterCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := openXLSX(t, fx.env, "/api/v1/suggestions.xlsx?"+tc.query, exportAdminToken)
			rows, err := f.GetRows("意见建议")
			if err != nil {
				t.Fatalf("rows: %v", err)
			}
			if len(rows) == 0 || !slices.Equal(rows[0], wantSuggestionHeader) {
				t.Fatalf("header = %q, want %q", rows[0], wantSuggestionHeader)
			}
			want := fx.ids(tc.want)
			if want == nil {
				want = []string{}
			}
			if got := fx.rowIDs(rows[1:]); !slices.Equal(got, want) {
				t.Errorf("xlsx rows = %q, want %q", got, want)
			}
		})
	}
}

func TestExportXLSXLayout(t *testing.T) {
	fx := newExportFixture(t)
	f := openXLSX(t, fx.env, "/api/v1/suggestions.xlsx?symposium_id="+fx.sym1.ID, exportAdminToken)
	const sheet = "意见建议"
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatalf("panes: %v", err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	if w, err := f.GetColWidth(sheet, "K"); err != nil || w != 60 {
		t.Errorf("content column width = %v (%v), want 60", w, err)
	}
	// Row 2 is the newest: e, submitted 2025-03-06 15:00 Shanghai.
	raw, err := f.GetCellValue(sheet, "A2", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("A2 = %q, want a date serial number", raw)
	}
	if want := 45722.0 + 15.0/24; serial < want-1e-6 || serial > want+1e-6 {
		t.Errorf("A2 serial = %v, want %v (2025-03-06 15:00)", serial, want)
	}
	if got, _ := f.GetCellValue(sheet, "A2"); got != "2025-03-06 15:00" {
		t.Errorf("A2 shown as %q, want 2025-03-06 15:00", got)
	}
	checkPrintSetup(t, f, sheet, "$1:$1")
	style, err := f.GetCellStyle(sheet, "K1")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := f.GetStyle(style); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header K1 style = %+v (%v), want bold", st, err)
	}
	// Spreadsheet cells are typed strings, never formulas: kept verbatim.
	if got, _ := f.GetCellValue(sheet, "J3"); got != `=HYPERLINK("http://evil.example","点我")` {
		t.Errorf("J3 = %q", got)
	}
	if formula, _ := f.GetCellFormula(sheet, "J3"); formula != "" {
		t.Errorf("J3 has a formula %q", formula)
	}
}

func TestExportProblemList(t *testing.T) {
	fx := newExportFixture(t)
	e := fx.env
	ctx := context.Background()
	list, err := e.svc.CreateProblemList(ctx, e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题", Campaign: "涉企乱罚款"})
	if err != nil {
		t.Fatal(err)
	}
	p1, err := e.svc.CreateProblem(ctx, e.admin, feedback.ProblemInput{
		ProblemListID: list.ID, Title: "小微企业罚款过重", SuggestionIDs: []string{fx.sg["a"].ID},
		ResponsibleUnit: exportUnitName, CoUnits: []string{"区司法局", "区财政局"}, ResponsiblePerson: "王局长",
		Requirement: "规范行政处罚自由裁量基准", Deadline: "2025-03-05",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CreateProblem(ctx, e.admin, feedback.ProblemInput{
		ProblemListID: list.ID, Title: "罚款决定书送达不规范", SuggestionIDs: []string{fx.sg["d"].ID},
		ResponsibleUnit: "区城管执法局", ResponsiblePerson: "赵局长", Requirement: "统一送达程序", Deadline: "2025-06-30",
	})
	if err != nil {
		t.Fatal(err)
	}
	// Evidence on the first problem: its count and names go on the list.
	var evidence []string
	for _, name := range []string{"整改前后对比.jpg", "首违不罚清单.pdf"} {
		at := e.clock.Now()
		f := &feedback.File{ID: feedback.NewID(at), Name: name, ContentType: "application/pdf", Size: 2048,
			Purpose: feedback.PurposeEvidence, Status: feedback.FileReady, UploadedBy: "admin", UploaderSubject: "admin",
			CreatedAt: at, ExpiresAt: at.Add(feedback.UploadTTL), CheckedAt: at}
		if err := e.store.CreateFile(ctx, f); err != nil {
			t.Fatal(err)
		}
		evidence = append(evidence, f.ID)
	}
	if _, err := e.svc.EditProblem(ctx, e.admin, p1.ID, feedback.ProblemEdit{EvidenceFileIDs: evidence}); err != nil {
		t.Fatal(err)
	}
	const sheet = "整改清单"
	f := openXLSX(t, e, "/api/v1/problem-lists/"+list.ID+".xlsx", exportAdminToken)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0][0]; got != "涉企乱罚款问题 整改清单" {
		t.Errorf("title = %q", got)
	}
	wantHeader := []string{"序号", "问题", "问题描述", "牵头单位", "协办单位", "第一责任人", "整改要求", "整改期限", "状态", "是否逾期", "整改进展", "佐证材料数", "佐证材料"}
	if !slices.Equal(rows[1], wantHeader) {
		t.Errorf("header = %q, want %q", rows[1], wantHeader)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want title, header and 2 problems", len(rows))
	}
	want := []string{"1", "小微企业罚款过重", "", exportUnitName, "区司法局、区财政局", "王局长", "规范行政处罚自由裁量基准", "2025-03-05", "待整改", "逾期"}
	if got := rows[2][:len(want)]; !slices.Equal(got, want) {
		t.Errorf("row 1 = %q, want %q", got, want)
	}
	if got := rows[2][11:]; !slices.Equal(got, []string{"2", "整改前后对比.jpg\n首违不罚清单.pdf"}) {
		t.Errorf("row 1 evidence = %q, want the count and the names", got)
	}
	if got := rows[3][1]; got != "罚款决定书送达不规范" {
		t.Errorf("row 2 title = %q", got)
	}
	if got := rows[3][11]; got != "0" {
		t.Errorf("row 2 evidence count = %q, want 0", got)
	}
	if raw, _ := f.GetCellValue(sheet, "H3", excelize.Options{RawCellValue: true}); raw != "45721" {
		t.Errorf("deadline H3 raw = %q, want the date serial 45721", raw)
	}
	if panes, _ := f.GetPanes(sheet); !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes = %+v, want title and header frozen", panes)
	}
	checkPrintSetup(t, f, sheet, "$1:$2")
	if w, err := f.GetColWidth(sheet, "G"); err != nil || w != 36 {
		t.Errorf("requirement column width = %v (%v), want 36", w, err)
	}
	if merged, _ := f.GetMergeCells(sheet); len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "M1" {
		t.Errorf("merged cells = %v, want the title across A1:M1", merged)
	}

	// A unit account gets only its own problems.
	f = openXLSX(t, e, "/api/v1/problem-lists/"+list.ID+".xlsx", exportUnitToken)
	rows, _ = f.GetRows(sheet)
	if len(rows) != 3 || rows[2][1] != p1.Title {
		t.Errorf("unit export rows = %q, want only %q", rows, p1.Title)
	}
}

// checkPrintSetup checks that sheet prints on A4 landscape, one page wide,
// with the rows titles (e.g. "$1:$2") repeated on every page.
func checkPrintSetup(t *testing.T, f *excelize.File, sheet, titles string) {
	t.Helper()
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatalf("page layout: %v", err)
	}
	if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
		t.Errorf("page layout = %+v, want A4 (9) landscape, fit to 1 page wide", pl)
	}
	var got []string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet {
			got = append(got, dn.RefersTo)
		}
	}
	if want := []string{"'" + sheet + "'!" + titles}; !slices.Equal(got, want) {
		t.Errorf("print titles = %q, want %q", got, want)
	}
}

// TestExportWithoutSpreadsheets: a handler configured without a codec
// answers every XLSX route with 415 and a JSON error; CSV still works.
func TestExportWithoutSpreadsheets(t *testing.T) {
	e := newExportEnvWith(t, nil)
	sym := e.symposium(t, "涉企乱罚款专项治理座谈会", "涉企乱罚款")
	e.submit(t, sym, day(3, 10), feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "建议公开罚没收入的使用情况。"})
	list, err := e.svc.CreateProblemList(context.Background(), e.admin, feedback.ProblemListInput{Title: "涉企乱罚款问题"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, target, ctype, body string }{
		{"GET", "/api/v1/suggestions.xlsx", "", ""},
		{"GET", "/api/v1/problem-lists/" + list.ID + ".xlsx", "", ""},
		{"POST", "/api/v1/suggestions/import?symposium_id=" + sym.ID, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			resp := e.do(t, tc.method, tc.target, exportAdminToken, tc.ctype, tc.body)
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode != http.StatusUnsupportedMediaType || body.Error.Code != "unsupported" || !strings.Contains(body.Error.Message, "XLSX") {
				t.Errorf("%s %s = %d %+v, want 415 unsupported naming XLSX", tc.method, tc.target, resp.StatusCode, body)
			}
		})
	}
	if evs := auditExports(t, e); len(evs) != 0 {
		t.Errorf("refused exports wrote %d audit events", len(evs))
	}
	if rows := readCSV(t, e, "", exportAdminToken); len(rows) != 1 {
		t.Errorf("CSV export without a codec: %d rows, want 1", len(rows))
	}
}
