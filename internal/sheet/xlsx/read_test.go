package xlsx_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/sheet"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

// TestReadFormats writes cells with excelize — values and number formats
// as Excel and WPS store them — and reads them back: what a spreadsheet
// shows, and for the formats both readers render alike, what excelize's
// own reader shows.
func TestReadFormats(t *testing.T) {
	type cell struct {
		value  any
		numFmt int    // built-in format, 0 for none
		custom string // custom format code
		want   string
		same   bool // excelize's GetRows shows the same text
	}
	cells := []cell{
		{"意见建议", 0, "", "意见建议", true},
		{13812345678, 0, "", "13812345678", true},
		{0.1 + 0.2, 0, "", "0.3", false},
		{-12.5, 0, "", "-12.5", true},
		{true, 0, "", "TRUE", true},
		{1234.567, 2, "", "1234.57", true},
		{1234567.891, 4, "", "1,234,567.89", true},
		{1234567, 3, "", "1,234,567", true},
		{0.875, 10, "", "87.50%", true},
		{0.5, 9, "", "50%", true},
		{45728.0, 14, "", "2025/3/12", false},
		{45728.0, 0, "yyyy-mm-dd", "2025-03-12", true},
		{45728.625, 0, "yyyy-mm-dd hh:mm", "2025-03-12 15:00", true},
		{45728.0, 0, `yyyy"年"m"月"d"日"`, "2025年3月12日", true},
		{45728.0, 31, "", "2025年3月12日", false},
		{0.625, 0, "hh:mm:ss", "15:00:00", true},
		{0.625, 20, "", "15:00", true},
		{45728.75, 22, "", "2025/3/12 18:00", false},
		{-3, 0, "0.00;(0.00)", "(3.00)", true},
		{42, 0, "@", "42", true},
		{1.5e20, 0, "", "1.5E+20", false},
	}
	f := excelize.NewFile()
	for i, c := range cells {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellValue("Sheet1", ref, c.value); err != nil {
			t.Fatal(err)
		}
		if c.numFmt != 0 || c.custom != "" {
			st := &excelize.Style{NumFmt: c.numFmt}
			if c.custom != "" {
				st.CustomNumFmt = &c.custom
			}
			id, err := f.NewStyle(st)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle("Sheet1", ref, ref, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.Codec{}.Read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cells {
		if i >= len(got) || len(got[i]) != 1 || got[i][0] != c.want {
			t.Errorf("row %d (%v, format %d %q): read %q, want %q", i+1, c.value, c.numFmt, c.custom, got[i], c.want)
		}
		if c.same && (i >= len(theirs) || len(theirs[i]) != 1 || theirs[i][0] != c.want) {
			t.Errorf("row %d: excelize shows %q, this reader %q", i+1, theirs[i], c.want)
		}
	}
}

// Parts written by hand, the way other producers write them: inline
// strings, formula results, phonetic guides, gaps, the 1904 date system,
// cells without references, and a workbook in a non-default folder.
func TestReadProducers(t *testing.T) {
	const (
		ns   = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
		rels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	)
	parts := map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":         rels + `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/wps/book.xml"/></Relationships>`,
		"wps/_rels/book.xml.rels": rels +
			`<Relationship Id="s2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/two.xml"/>` +
			`<Relationship Id="s1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/one.xml"/>` +
			`<Relationship Id="ss" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>` +
			`<Relationship Id="st" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/wps/styles.xml"/></Relationships>`,
		"wps/book.xml":    `<workbook ` + ns + `><workbookPr date1904="1"/><sheets><sheet name="汇总" sheetId="1" r:id="s1"/><sheet name="其他" sheetId="2" r:id="s2"/></sheets></workbook>`,
		"wps/strings.xml": `<sst ` + ns + `><si><t>参会身份</t></si><si><r><t>建议</t></r><r><rPr><b/></rPr><t xml:space="preserve">公开 </t></r><rPh sb="0" eb="1"><t>ジャン</t></rPh></si></sst>`,
		"wps/styles.xml":  `<styleSheet ` + ns + `><numFmts count="1"><numFmt numFmtId="200" formatCode="yyyy/mm/dd"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="200"/></cellXfs></styleSheet>`,
		"wps/sheets/one.xml": `<worksheet ` + ns + `><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>内容</t></is></c></row>` +
			`<row r="3"><c t="s"><v>1</v></c><c t="str"><f>A1&amp;"x"</f><v>参会身份x</v></c><c s="1"><v>44267</v></c><c t="e"><v>#N/A</v></c></row>` +
			`<row r="4"><c r="B4"/><c r="C4" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c></row>` +
			`<row r="6"/></sheetData></worksheet>`,
		"wps/sheets/two.xml": `<worksheet ` + ns + `><sheetData><row r="1"><c t="inlineStr"><is><t>第二页</t></is></c></row></sheetData></worksheet>`,
	}
	got, err := xlsx.Codec{}.Read(zipOf(t, parts))
	if err != nil {
		t.Fatal(err)
	}
	// 44267 in the 1904 system is 2025-03-13.
	want := [][]string{
		{"参会身份", "", "内容"},
		nil,
		{"建议公开 ", "参会身份x", "2025/03/13", "#N/A"},
		{"", "", "富文本"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %q\nwant %q", got, want)
	}
}

// Malformed parts inside an intact archive are ErrFormat, never a panic.
func TestReadMalformed(t *testing.T) {
	good := excelizeFile(t, "Sheet1", map[string]any{"A1": "x", "B2": 3})
	for name, body := range map[string]string{
		"bad xml":          `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row>`,
		"bad reference":    `<worksheet><sheetData><row r="1"><c r="11"><v>1</v></c></row></sheetData></worksheet>`,
		"rows backwards":   `<worksheet><sheetData><row r="5"/><row r="2"/></sheetData></worksheet>`,
		"string index":     `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row></sheetData></worksheet>`,
		"huge column":      `<worksheet><sheetData><row r="1"><c r="ZZZZZ1"><v>1</v></c></row></sheetData></worksheet>`,
		"row past the max": `<worksheet><sheetData><row r="1048577"/></sheetData></worksheet>`,
	} {
		t.Run(name, func(t *testing.T) {
			data := replaceSheet(t, body)
			_, err := xlsx.Codec{MaxRows: 2_000_000}.Read(data)
			if !errors.Is(err, sheet.ErrFormat) {
				t.Errorf("Read = %v, want ErrFormat", err)
			}
		})
	}
	if _, err := (xlsx.Codec{}).Read(good); err != nil {
		t.Errorf("the intact file: %v", err)
	}
}

// FuzzRead: whatever the bytes of a worksheet, Read answers without a
// panic and within its limits.
func FuzzRead(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`)
	f.Add(`<worksheet><sheetData><row><c s="1"><v>45000.5</v></c></row></sheetData></worksheet>`)
	f.Add(`<worksheet><sheetData><row r="2"><c r="B2" t="b"><v>1</v></c></row></sheetData></worksheet>`)
	f.Fuzz(func(t *testing.T, body string) {
		data := replaceSheet(t, body)
		rows, err := xlsx.Codec{MaxRows: 1000}.Read(data)
		if err == nil && len(rows) > 1000 {
			t.Fatalf("%d rows over the limit", len(rows))
		}
		for _, r := range rows {
			if len(r) > xlsx.MaxColumns {
				t.Fatalf("%d columns", len(r))
			}
		}
	})
}

func TestReadDateSystems(t *testing.T) {
	f := excelize.NewFile()
	id, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	for i, d := range []time.Time{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)} {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = f.SetCellValue("Sheet1", ref, d)
		_ = f.SetCellStyle("Sheet1", ref, ref, id)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.Codec{}.Read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range got {
		texts = append(texts, strings.Join(r, ""))
	}
	if want := []string{"1900-01-01", "1900-03-01", "2025-10-01"}; !reflect.DeepEqual(texts, want) {
		t.Errorf("dates = %q, want %q", texts, want)
	}
}

func ptr[T any](v T) *T { return &v }
