package xlsx

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianyan/jianyan/internal/sheet"
)

// The writer is a compact Office Open XML writer over archive/zip rather
// than excelize's: excelize's writing path links github.com/tiendc/go-deepcopy,
// whose reflect.Type.Method call turns off the linker's dead-method
// elimination for the whole binary, and the staff Lambda grew from 9.4 to
// 15.2 MB (budget 12 MB; reading alone costs 2.2 MB). It writes what
// Excel itself writes for these features (shared strings, styles, frozen
// panes, merged title, print titles, A4 page setup), and the tests read
// every file back with excelize.

// Cell style indexes into cellXfs of stylesXML: default, header, title,
// then one per column kind and wrap (dataStyle).
const (
	styleHeader = 1
	styleTitle  = 2
	styleData   = 3
)

func dataStyle(c sheet.Column) int {
	s := styleData + 2*int(c.Kind)
	if c.Wrap {
		s++
	}
	return s
}

// stylesXML: fonts 0 normal, 1 bold, 2 title; fill 2 grey; border 1 thin;
// number formats 1 "0", 164 date, 165 date-time, 166 percent. The data
// styles follow sheet.Kind's order: Text, Int, Date, DateTime, Percent,
// each plain then wrapped.
var stylesXML = func() string {
	var b strings.Builder
	b.WriteString(xml1 + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="0.0%"/></numFmts>` +
		`<fonts count="3">` +
		`<font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>` +
		`<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>` +
		`<font><b/><sz val="16"/><name val="等线"/><family val="2"/><charset val="134"/></font>` +
		`</fonts>` +
		`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
		`<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/><bgColor indexed="64"/></patternFill></fill></fills>` +
		`<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>` +
		`<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	kinds := []struct {
		numFmt int
		center bool
	}{{0, false}, {1, true}, {164, false}, {165, false}, {166, true}} // sheet.Text … sheet.Percent
	fmt.Fprintf(&b, `<cellXfs count="%d">`, styleData+2*len(kinds))
	b.WriteString(`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>` +
		`<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>`)
	for _, k := range kinds {
		for _, wrap := range []bool{false, true} {
			fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment`, k.numFmt)
			if k.center {
				b.WriteString(` horizontal="center"`)
			}
			b.WriteString(` vertical="top"`)
			if wrap {
				b.WriteString(` wrapText="1"`)
			}
			b.WriteString(`/></xf>`)
		}
	}
	b.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)
	return b.String()
}()

const xml1 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const (
	nsMain  = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	ctSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
)

const rootRels = xml1 + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const appXML = xml1 + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Jianyan</Application></Properties>`

// maxCellChars is Excel's limit on the characters of one cell; longer
// text makes Excel "repair" the file.
const maxCellChars = 32767

// Write writes wb as an XLSX file: per sheet an optional bold title row
// merged across the columns, a Chinese header row in bold on grey, the
// column widths, frozen title and header rows, dates and times as real date
// cells with a date format, strings as text (never formulas), thin borders,
// and an A4 page setup that fits the columns on the page width, repeats the
// header rows on every printed page and numbers the pages in the footer.
func (Codec) Write(w io.Writer, wb *sheet.Workbook) error {
	if err := checkWorkbook(wb); err != nil {
		return err
	}
	sst := &sharedStrings{index: map[string]int{}}
	sheets := make([]string, len(wb.Sheets))
	for i := range wb.Sheets {
		var b strings.Builder
		if err := writeSheet(&b, &wb.Sheets[i], i == 0, sst); err != nil {
			return fmt.Errorf("write xlsx: sheet %q: %w", wb.Sheets[i].Name, err)
		}
		sheets[i] = b.String()
	}
	zw := zip.NewWriter(w)
	parts := append(workbookParts(wb), part{"xl/sharedStrings.xml", sst.xml()})
	for i, body := range sheets {
		parts = append(parts, part{sheetPart(i), body})
	}
	if err := writeParts(zw, parts); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// Stream starts an XLSX file of wb's one sheet, whose rows then come one by
// one through the returned RowWriter (the sheet's own Rows must be empty);
// the file is complete when its Close returns nil. Memory stays flat
// whatever the number of rows: each row goes into the compressed archive as
// it comes, its text inline rather than in a shared-string table. The file
// has the layout Write gives (title, header, widths, frozen panes, print
// setup).
func (Codec) Stream(w io.Writer, wb *sheet.Workbook) (sheet.RowWriter, error) {
	if err := checkWorkbook(wb); err != nil {
		return nil, err
	}
	s := &wb.Sheets[0]
	if len(wb.Sheets) != 1 || len(s.Rows) != 0 {
		return nil, fmt.Errorf("write xlsx: a streamed workbook has one sheet whose rows come through its writer")
	}
	if len(s.Columns) == 0 {
		return nil, fmt.Errorf("write xlsx: sheet %q: no columns", s.Name)
	}
	// The title and headers are the only shared strings.
	sst := &sharedStrings{index: map[string]int{}}
	var head strings.Builder
	writeSheetHead(&head, s, true, sst, -1)
	zw := zip.NewWriter(w)
	if err := writeParts(zw, append(workbookParts(wb), part{"xl/sharedStrings.xml", sst.xml()})); err != nil {
		return nil, err
	}
	f, err := zw.Create(sheetPart(0))
	if err != nil {
		return nil, fmt.Errorf("write xlsx %s: %w", sheetPart(0), err)
	}
	sw := &streamWriter{zw: zw, buf: bufio.NewWriterSize(f, 32<<10), s: s}
	if _, err := sw.buf.WriteString(head.String()); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return sw, nil
}

// streamWriter writes a streamed sheet's rows.
type streamWriter struct {
	zw   *zip.Writer
	buf  *bufio.Writer
	s    *sheet.Sheet
	rows int
	err  error
}

func (sw *streamWriter) WriteRow(row []any) error {
	if sw.err != nil {
		return sw.err
	}
	if err := writeRow(sw.buf, sw.s, sw.rows, row, nil); err != nil {
		sw.err = fmt.Errorf("write xlsx: sheet %q: %w", sw.s.Name, err)
		return sw.err
	}
	sw.rows++
	return nil
}

func (sw *streamWriter) Close() error {
	if sw.err != nil {
		return sw.err
	}
	writeSheetTail(sw.buf, sw.s)
	if err := sw.buf.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := sw.zw.Close(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	sw.err = fmt.Errorf("write xlsx: the file is closed")
	return nil
}

// checkWorkbook checks what every file needs: a sheet, valid and distinct
// tab names.
func checkWorkbook(wb *sheet.Workbook) error {
	if len(wb.Sheets) == 0 {
		return fmt.Errorf("write xlsx: the workbook has no sheet")
	}
	seen := map[string]bool{}
	for i := range wb.Sheets {
		name := wb.Sheets[i].Name
		if err := checkSheetName(name); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
		key := strings.ToLower(name)
		if seen[key] {
			return fmt.Errorf("write xlsx: two sheets named %q", name)
		}
		seen[key] = true
	}
	return nil
}

// part is one file of the archive.
type part struct{ name, body string }

func sheetPart(i int) string { return "xl/worksheets/sheet" + strconv.Itoa(i+1) + ".xml" }

// workbookParts are the archive's parts but the shared strings and the
// worksheets: content types, relationships, properties, the workbook and
// its styles.
func workbookParts(wb *sheet.Workbook) []part {
	var ct, rels, book, names strings.Builder
	ct.WriteString(xml1 + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	rels.WriteString(xml1 + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	book.WriteString(xml1 + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	for i := range wb.Sheets {
		s := &wb.Sheets[i]
		n := strconv.Itoa(i + 1)
		ct.WriteString(`<Override PartName="/` + sheetPart(i) + `" ContentType="` + ctSheet + `"/>`)
		rels.WriteString(`<Relationship Id="rId` + n + `" Type="` + nsRel + `/worksheet" Target="worksheets/sheet` + n + `.xml"/>`)
		book.WriteString(`<sheet name="` + xmlText(s.Name) + `" sheetId="` + n + `" r:id="rId` + n + `"/>`)
		if s.RepeatHeader {
			fmt.Fprintf(&names, `<definedName name="_xlnm.Print_Titles" localSheetId="%d">%s!$1:$%d</definedName>`,
				i, xmlText(quoteSheet(s.Name)), s.HeaderRows())
		}
	}
	ct.WriteString(`</Types>`)
	k := len(wb.Sheets)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/>`, k+1, nsRel)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/sharedStrings" Target="sharedStrings.xml"/>`, k+2, nsRel)
	rels.WriteString(`</Relationships>`)
	book.WriteString(`</sheets>`)
	if names.Len() > 0 {
		book.WriteString(`<definedNames>` + names.String() + `</definedNames>`)
	}
	book.WriteString(`</workbook>`)

	core := xml1 + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlText(wb.Title) + `</dc:title><dc:creator>Jianyan</dc:creator>`
	if !wb.Created.IsZero() {
		created := wb.Created.UTC().Format("2006-01-02T15:04:05Z")
		core += `<dcterms:created xsi:type="dcterms:W3CDTF">` + created + `</dcterms:created>` +
			`<dcterms:modified xsi:type="dcterms:W3CDTF">` + created + `</dcterms:modified>`
	}
	core += `</cp:coreProperties>`

	return []part{
		{"[Content_Types].xml", ct.String()},
		{"_rels/.rels", rootRels},
		{"docProps/app.xml", appXML},
		{"docProps/core.xml", core},
		{"xl/workbook.xml", book.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
	}
}

func writeParts(zw *zip.Writer, parts []part) error {
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return fmt.Errorf("write xlsx %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("write xlsx %s: %w", p.name, err)
		}
	}
	return nil
}

// xmlWriter is where a worksheet's XML goes: a strings.Builder for Write,
// a buffered archive entry for Stream.
type xmlWriter interface {
	io.Writer
	io.StringWriter
}

// writeSheet renders one worksheet part with its rows.
func writeSheet(b xmlWriter, s *sheet.Sheet, selected bool, sst *sharedStrings) error {
	if len(s.Columns) == 0 {
		return fmt.Errorf("no columns")
	}
	writeSheetHead(b, s, selected, sst, len(s.Rows))
	for ri, row := range s.Rows {
		if err := writeRow(b, s, ri, row, sst); err != nil {
			return err
		}
	}
	writeSheetTail(b, s)
	return nil
}

// writeSheetHead writes a worksheet up to its first data row: properties,
// dimension (rows < 0: unknown, left out), view, columns, title and
// header rows.
func writeSheetHead(b xmlWriter, s *sheet.Sheet, selected bool, sst *sharedStrings, rows int) {
	head := s.HeaderRows()
	lastCol := columnName(len(s.Columns) - 1)
	b.WriteString(xml1 + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">`)
	b.WriteString(`<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`)
	if rows >= 0 {
		fmt.Fprintf(b, `<dimension ref="A1:%s%d"/>`, lastCol, head+rows)
	}
	b.WriteString(`<sheetViews><sheetView workbookViewId="0"`)
	if selected {
		b.WriteString(` tabSelected="1"`)
	}
	b.WriteString(`>`)
	if s.FreezeHeader {
		top := "A" + strconv.Itoa(head+1)
		fmt.Fprintf(b, `<pane ySplit="%d" topLeftCell="%s" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="%s" sqref="%s"/>`,
			head, top, top, top)
	}
	b.WriteString(`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`)
	var cols strings.Builder
	for i, c := range s.Columns {
		if c.Width > 0 {
			fmt.Fprintf(&cols, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(c.Width, 'f', -1, 64))
		}
	}
	if cols.Len() > 0 {
		b.WriteString(`<cols>` + cols.String() + `</cols>`)
	}
	b.WriteString(`<sheetData>`)
	if s.Title != "" {
		fmt.Fprintf(b, `<row r="1" ht="30" customHeight="1"><c r="A1" t="s" s="%d"><v>%d</v></c></row>`, styleTitle, sst.add(s.Title))
	}
	fmt.Fprintf(b, `<row r="%d">`, head)
	for i, c := range s.Columns {
		fmt.Fprintf(b, `<c r="%s%d" t="s" s="%d"><v>%d</v></c>`, columnName(i), head, styleHeader, sst.add(c.Header))
	}
	b.WriteString(`</row>`)
}

// writeRow writes data row ri (0-based). Strings go into sst, or inline
// when sst is nil (streamed sheets).
func writeRow(b xmlWriter, s *sheet.Sheet, ri int, row []any, sst *sharedStrings) error {
	ncol := len(s.Columns)
	if len(row) > ncol {
		return fmt.Errorf("row %d has %d cells for %d columns", ri+1, len(row), ncol)
	}
	r := strconv.Itoa(s.HeaderRows() + 1 + ri)
	b.WriteString(`<row r="` + r + `">`)
	for i, c := range s.Columns {
		var v any
		if i < len(row) {
			v = row[i]
		}
		ref, style := columnName(i)+r, dataStyle(c)
		switch v := v.(type) {
		case nil:
			fmt.Fprintf(b, `<c r="%s" s="%d"/>`, ref, style)
		case string:
			switch {
			case v == "":
				fmt.Fprintf(b, `<c r="%s" s="%d"/>`, ref, style)
			case sst == nil:
				fmt.Fprintf(b, `<c r="%s" t="inlineStr" s="%d"><is><t xml:space="preserve">`, ref, style)
				b.WriteString(xmlText(cellString(v)))
				b.WriteString(`</t></is></c>`)
			default:
				fmt.Fprintf(b, `<c r="%s" t="s" s="%d"><v>%d</v></c>`, ref, style, sst.add(v))
			}
		case int:
			fmt.Fprintf(b, `<c r="%s" s="%d"><v>%d</v></c>`, ref, style, v)
		case int64:
			fmt.Fprintf(b, `<c r="%s" s="%d"><v>%d</v></c>`, ref, style, v)
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				fmt.Fprintf(b, `<c r="%s" s="%d"/>`, ref, style)
			} else {
				fmt.Fprintf(b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, style, strconv.FormatFloat(v, 'g', -1, 64))
			}
		case time.Time:
			if serial, ok := excelSerial(v); ok {
				fmt.Fprintf(b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, style, strconv.FormatFloat(serial, 'f', -1, 64))
			} else {
				fmt.Fprintf(b, `<c r="%s" s="%d"/>`, ref, style)
			}
		default:
			return fmt.Errorf("row %d column %q: unsupported cell value of type %T", ri+1, c.Header, v)
		}
	}
	b.WriteString(`</row>`)
	return nil
}

// writeSheetTail closes a worksheet: merged title, print setup, footer.
func writeSheetTail(b xmlWriter, s *sheet.Sheet) {
	b.WriteString(`</sheetData>`)
	if s.Title != "" && len(s.Columns) > 1 {
		fmt.Fprintf(b, `<mergeCells count="1"><mergeCell ref="A1:%s1"/></mergeCells>`, columnName(len(s.Columns)-1))
	}
	b.WriteString(`<printOptions horizontalCentered="1"/><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>`)
	orientation := "portrait"
	if s.Landscape {
		orientation = "landscape"
	}
	fmt.Fprintf(b, `<pageSetup paperSize="9" orientation="%s" fitToWidth="1" fitToHeight="0"/>`, orientation) // 9 = A4
	b.WriteString(`<headerFooter><oddFooter>&amp;C第 &amp;P 页,共 &amp;N 页</oddFooter></headerFooter></worksheet>`)
}

// cellString cuts s to the characters one cell may hold.
func cellString(s string) string {
	if utf8.RuneCountInString(s) > maxCellChars {
		return string([]rune(s)[:maxCellChars])
	}
	return s
}

// sharedStrings is the workbook's table of distinct strings.
type sharedStrings struct {
	index map[string]int
	list  []string
}

func (t *sharedStrings) add(s string) int {
	if i, ok := t.index[s]; ok {
		return i
	}
	t.index[s] = len(t.list)
	t.list = append(t.list, s)
	return len(t.list) - 1
}

func (t *sharedStrings) xml() string {
	var b strings.Builder
	fmt.Fprintf(&b, xml1+`<sst xmlns="%s" count="%d" uniqueCount="%d">`, nsMain, len(t.list), len(t.list))
	for _, s := range t.list {
		b.WriteString(`<si><t xml:space="preserve">` + xmlText(cellString(s)) + `</t></si>`)
	}
	b.WriteString(`</sst>`)
	return b.String()
}

// excelEpoch is day 0 of Excel's 1900 date system as used for every date
// after February 1900 (Excel counts a 29 February 1900 that never was).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelSerial converts t's wall clock in its own location to an Excel
// date serial; false for the zero time and dates Excel cannot show.
func excelSerial(t time.Time) (float64, bool) {
	if t.IsZero() || t.Year() < 1901 || t.Year() > 9999 {
		return 0, false
	}
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return float64(wall.Sub(excelEpoch)) / float64(24*time.Hour), true
}

// columnName returns the letters of the 0-based column i: A, …, Z, AA.
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// checkSheetName applies Excel's rules for tab names.
func checkSheetName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty sheet name")
	case utf8.RuneCountInString(name) > 31:
		return fmt.Errorf("sheet name %q longer than 31 characters", name)
	case strings.ContainsAny(name, `[]:*?/\`):
		return fmt.Errorf("sheet name %q contains one of []:*?/\\", name)
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return fmt.Errorf("sheet name %q starts or ends with an apostrophe", name)
	}
	return nil
}

// xmlText escapes s for XML character data, dropping the characters XML
// 1.0 cannot carry (C0 controls other than tab, line feed and carriage
// return, which pasted text may hold).
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			// not allowed in XML 1.0
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// quoteSheet quotes a sheet name for a formula reference, doubling any
// apostrophe in it.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}
