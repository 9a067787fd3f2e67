package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/sheet"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

var shanghai = time.FixedZone("CST", 8*3600)

// testWorkbook is a rectification list and a second, plain sheet.
func testWorkbook() *sheet.Workbook {
	return &sheet.Workbook{
		Title:   "涉企乱罚款问题 整改清单",
		Created: time.Date(2025, 3, 7, 9, 0, 0, 0, shanghai),
		Sheets: []sheet.Sheet{{
			Name:  "整改清单",
			Title: "涉企乱罚款问题 整改清单",
			Columns: []sheet.Column{
				{Header: "序号", Width: 6, Kind: sheet.Int},
				{Header: "问题", Width: 30, Wrap: true},
				{Header: "整改期限", Width: 12, Kind: sheet.Date},
				{Header: "提交时间", Width: 17, Kind: sheet.DateTime},
				{Header: "按期整改率", Width: 11, Kind: sheet.Percent},
			},
			Rows: [][]any{
				{1, `=HYPERLINK("http://evil.example","点我")`, time.Date(2025, 3, 5, 0, 0, 0, 0, shanghai),
					time.Date(2025, 3, 6, 15, 0, 0, 0, shanghai), 0.875},
				{2, "罚款决定书送达不规范\x01", nil, time.Time{}, "—"},
			},
			FreezeHeader: true, Landscape: true, RepeatHeader: true,
		}, {
			Name:    "意见建议",
			Columns: []sheet.Column{{Header: "项目"}, {Header: "数量", Kind: sheet.Int}},
			Rows:    [][]any{{"合计", int64(12)}},
		}},
	}
}

func write(tb testing.TB, wb *sheet.Workbook) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := (xlsx.Codec{}).Write(&b, wb); err != nil {
		tb.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

func open(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("excelize cannot open the file: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestWriteLayout(t *testing.T) {
	data := write(t, testWorkbook())
	f := open(t, data)
	if got, want := f.GetSheetList(), []string{"整改清单", "意见建议"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	const s = "整改清单"
	rows, err := f.GetRows(s)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"涉企乱罚款问题 整改清单"},
		{"序号", "问题", "整改期限", "提交时间", "按期整改率"},
		{"1", `=HYPERLINK("http://evil.example","点我")`, "2025-03-05", "2025-03-06 15:00", "87.5%"},
		{"2", "罚款决定书送达不规范", "", "", "—"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q\nwant %q", rows, want)
	}
	if formula, _ := f.GetCellFormula(s, "B3"); formula != "" {
		t.Errorf("B3 has a formula %q; strings must stay text", formula)
	}
	for cell, wantRaw := range map[string]float64{"C3": 45721, "D3": 45722 + 15.0/24, "E3": 0.875} {
		raw, _ := f.GetCellValue(s, cell, excelize.Options{RawCellValue: true})
		got, err := strconv.ParseFloat(raw, 64)
		if err != nil || got < wantRaw-1e-6 || got > wantRaw+1e-6 {
			t.Errorf("%s raw = %q, want the number %v", cell, raw, wantRaw)
		}
	}
	if merged, _ := f.GetMergeCells(s); len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "E1" {
		t.Errorf("merged = %v, want the title across A1:E1", merged)
	}
	if got, want := colOrder(t, data), "1,2,3,4,5"; got != want {
		t.Errorf("<col> elements for columns %s, want ascending %s", got, want)
	}
	for col, want := range map[string]float64{"A": 6, "B": 30, "E": 11} {
		if got, err := f.GetColWidth(s, col); err != nil || got != want {
			t.Errorf("width of %s = %v (%v), want %v", col, got, err, want)
		}
	}
	if panes, err := f.GetPanes(s); err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v (%v), want title and header frozen", panes, err)
	}
	if panes, _ := f.GetPanes("意见建议"); panes.Freeze {
		t.Errorf("second sheet frozen without FreezeHeader")
	}
	layout, err := f.GetPageLayout(s)
	if err != nil || layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" ||
		layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("page layout = %+v (%v), want A4 landscape, one page wide", layout, err)
	}
	var titles []string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles = append(titles, dn.Scope+"="+dn.RefersTo)
		}
	}
	if want := []string{"整改清单='整改清单'!$1:$2"}; !reflect.DeepEqual(titles, want) {
		t.Errorf("print titles = %q, want %q", titles, want)
	}
	styleID, _ := f.GetCellStyle(s, "A2")
	if style, err := f.GetStyle(styleID); err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header style = %+v (%v), want bold", style, err)
	}
	props, err := f.GetDocProps()
	if err != nil || props.Title != "涉企乱罚款问题 整改清单" || !strings.HasPrefix(props.Created, "2025-03-07T01:00:00") {
		t.Errorf("doc props = %+v (%v)", props, err)
	}
	if got, _ := f.GetCellValue("意见建议", "B2"); got != "12" {
		t.Errorf("int64 cell = %q", got)
	}
}

func TestWriteRejects(t *testing.T) {
	for name, wb := range map[string]*sheet.Workbook{
		"no sheets":  {},
		"bad name":   {Sheets: []sheet.Sheet{{Name: "a/b", Columns: []sheet.Column{{Header: "x"}}}}},
		"no columns": {Sheets: []sheet.Sheet{{Name: "a"}}},
		"same names": {Sheets: []sheet.Sheet{{Name: "汇总", Columns: []sheet.Column{{Header: "x"}}}, {Name: "汇总", Columns: []sheet.Column{{Header: "x"}}}}},
		"long name":  {Sheets: []sheet.Sheet{{Name: strings.Repeat("长", 32), Columns: []sheet.Column{{Header: "x"}}}}},
		"wide row":   {Sheets: []sheet.Sheet{{Name: "a", Columns: []sheet.Column{{Header: "x"}}, Rows: [][]any{{1, 2}}}}},
		"odd type":   {Sheets: []sheet.Sheet{{Name: "a", Columns: []sheet.Column{{Header: "x"}}, Rows: [][]any{{struct{}{}}}}}},
	} {
		if err := (xlsx.Codec{}).Write(&bytes.Buffer{}, wb); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// excelizeFile writes cells with excelize itself, as a clerk's Excel would.
func excelizeFile(tb testing.TB, name string, cells map[string]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.NewSheet("第二页"); err != nil {
		tb.Fatal(err)
	}
	if err := f.SetCellValue("第二页", "A1", "不读这一页"); err != nil {
		tb.Fatal(err)
	}
	for ref, v := range cells {
		if err := f.SetCellValue(name, ref, v); err != nil {
			tb.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestRead(t *testing.T) {
	data := excelizeFile(t, "意见汇总", map[string]any{
		"A1": "参会身份", "B1": "内容", "D1": "联系方式",
		"A2": "人大代表", "B2": "建议公开裁量基准。", "D2": 13812345678,
		"B4": "第四行,中间空一行", "C4": true,
	})
	got, err := xlsx.Codec{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"参会身份", "内容", "", "联系方式"},
		{"人大代表", "建议公开裁量基准。", "", "13812345678"},
		nil,
		{"", "第四行,中间空一行", "TRUE"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %q\nwant %q", got, want)
	}
}

func TestReadRichText(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetCellRichText("Sheet1", "A1", []excelize.RichTextRun{{Text: "加粗"}, {Text: "普通"}}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.Codec{}.Read(b.Bytes())
	if err != nil || !reflect.DeepEqual(got, [][]string{{"加粗普通"}}) {
		t.Errorf("rich text = %q, %v", got, err)
	}
}

// TestReadOwnFiles reads back what Write wrote: dates as shown.
func TestReadOwnFiles(t *testing.T) {
	got, err := xlsx.Codec{}.Read(write(t, testWorkbook()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || !reflect.DeepEqual(got[2][:4], []string{"1", `=HYPERLINK("http://evil.example","点我")`, "2025-03-05", "2025-03-06 15:00"}) {
		t.Errorf("Read = %q", got)
	}
}

func TestReadLimitsAndErrors(t *testing.T) {
	var rows strings.Builder
	for i := 1; i <= 30; i++ {
		rows.WriteString(`<row r="` + strconv.Itoa(i) + `"><c r="A` + strconv.Itoa(i) + `" t="inlineStr"><is><t>x</t></is></c></row>`)
	}
	own := write(t, testWorkbook())
	tests := []struct {
		name  string
		codec xlsx.Codec
		data  []byte
		want  error
	}{
		{"csv", xlsx.Codec{}, []byte("内容\n建议\n"), sheet.ErrFormat},
		{"empty", xlsx.Codec{}, nil, sheet.ErrFormat},
		{"old xls", xlsx.Codec{}, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), sheet.ErrFormat},
		{"truncated", xlsx.Codec{}, own[:len(own)/2], sheet.ErrFormat},
		{"zip without workbook", xlsx.Codec{}, zipOf(t, map[string]string{"a.txt": "hello"}), sheet.ErrFormat},
		{"zip bomb", xlsx.Codec{MaxUnpacked: 1 << 20}, zipOf(t, map[string]string{"xl/worksheets/sheet1.xml": strings.Repeat(" ", 2<<20)}), sheet.ErrTooLarge},
		{"too many rows", xlsx.Codec{MaxRows: 20}, replaceSheet(t, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+rows.String()+`</sheetData></worksheet>`), sheet.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.codec.Read(tc.data)
			if !errors.Is(err, tc.want) {
				t.Errorf("Read = %q, %v; want an error wrapping %v", got, err, tc.want)
			}
		})
	}
	if got, err := (xlsx.Codec{MaxRows: 30}).Read(replaceSheet(t, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+rows.String()+`</sheetData></worksheet>`)); err != nil || len(got) != 30 {
		t.Errorf("30 rows at a 30-row limit: %d rows, %v", len(got), err)
	}
}

// colOrder lists the columns of the first sheet's <col> elements in file
// order.
func colOrder(tb testing.TB, data []byte) string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		tb.Fatal(err)
	}
	var cols []string
	for _, m := range regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(b.String(), -1) {
		cols = append(cols, m[1])
	}
	return strings.Join(cols, ",")
}

// replaceSheet returns an excelize workbook whose first sheet's XML is body.
func replaceSheet(tb testing.TB, body string) []byte {
	tb.Helper()
	src := excelizeFile(tb, "Sheet1", map[string]any{"A1": "x"})
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		tb.Fatal(err)
	}
	parts := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		parts[zf.Name] = b.String()
	}
	parts["xl/worksheets/sheet1.xml"] = body
	return zipOf(tb, parts)
}

func zipOf(tb testing.TB, parts map[string]string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestStream: a streamed file reads back like a written one — same rows,
// layout and print setup — with its strings inline, and a row the sheet
// cannot hold fails the stream.
func TestStream(t *testing.T) {
	wb := testWorkbook()
	rows := wb.Sheets[0].Rows
	wb.Sheets = wb.Sheets[:1]
	wb.Sheets[0].Rows = nil
	var b bytes.Buffer
	rw, err := xlsx.Codec{}.Stream(&b, wb)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := rw.WriteRow(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rw.WriteRow(rows[0]); err == nil {
		t.Error("WriteRow after Close succeeded")
	}
	written := write(t, &sheet.Workbook{Title: wb.Title, Created: wb.Created, Sheets: []sheet.Sheet{{
		Name: wb.Sheets[0].Name, Title: wb.Sheets[0].Title, Columns: wb.Sheets[0].Columns, Rows: rows,
		FreezeHeader: true, Landscape: true, RepeatHeader: true,
	}}})
	f, g := open(t, b.Bytes()), open(t, written)
	const s = "整改清单"
	got, err := f.GetRows(s)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := g.GetRows(s)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("streamed rows = %q\nwritten rows = %q", got, want)
	}
	for _, cell := range []string{"C3", "D3", "E3"} {
		a, _ := f.GetCellValue(s, cell, excelize.Options{RawCellValue: true})
		c, _ := g.GetCellValue(s, cell, excelize.Options{RawCellValue: true})
		if a != c {
			t.Errorf("%s raw = %q streamed, %q written", cell, a, c)
		}
	}
	if panes, err := f.GetPanes(s); err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes = %+v (%v), want title and header frozen", panes, err)
	}
	if merged, _ := f.GetMergeCells(s); len(merged) != 1 || merged[0].GetEndAxis() != "E1" {
		t.Errorf("merged = %v, want the title across A1:E1", merged)
	}
	if !bytes.Contains(unzipPart(t, b.Bytes(), "xl/worksheets/sheet1.xml"), []byte(`t="inlineStr"`)) {
		t.Error("streamed strings are not inline")
	}

	// A row wider than the columns fails the stream, and so does Close.
	rw, err = xlsx.Codec{}.Stream(&bytes.Buffer{}, wb)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.WriteRow([]any{1, "a", nil, nil, nil, "too many"}); err == nil {
		t.Error("a row of 6 cells for 5 columns was taken")
	}
	if err := rw.Close(); err == nil {
		t.Error("Close after a failed row succeeded")
	}
	// Only one sheet, and no rows of its own.
	two := testWorkbook()
	if _, err := (xlsx.Codec{}).Stream(&bytes.Buffer{}, two); err == nil {
		t.Error("streaming a workbook of two sheets with rows succeeded")
	}
}

func unzipPart(tb testing.TB, data []byte, name string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer rc.Close()
			var b bytes.Buffer
			if _, err := b.ReadFrom(rc); err != nil {
				tb.Fatal(err)
			}
			return b.Bytes()
		}
	}
	tb.Fatalf("no part %s", name)
	return nil
}
