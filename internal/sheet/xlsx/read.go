package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/sheet"
)

// Reading: the parts of a workbook that a first sheet's displayed texts
// need — the package and workbook relationships, the workbook (its first
// sheet and its date system), the shared strings and the number formats of
// the cell styles — read with encoding/xml from archive/zip, which checks
// every part's declared size and checksum (checkArchive bounds the sizes
// first). Cell texts are what a spreadsheet shows: shared, inline and
// formula strings as they are, rich text runs joined (phonetic guides
// left out), booleans TRUE/FALSE, error values as written, and numbers
// formatted by their number format (general, fixed decimals, thousands
// separators, percentages, scientific, and dates and times by their
// format's tokens, Chinese literals included).

// Relationship types, by the suffix common to the transitional and strict
// namespaces.
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relSharedStrings  = "/sharedStrings"
	relStyles         = "/styles"
)

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// workbookReader is one read of one workbook.
type workbookReader struct {
	files    map[string]*zip.File
	limit    int64
	strings  []string
	numFmt   []string // per cell style (cellXfs index): its format code
	date1904 bool
}

func (c Codec) read(data []byte, limit int64, maxRows int) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("read xlsx: %w: %w", sheet.ErrFormat, err)
	}
	r := &workbookReader{files: map[string]*zip.File{}, limit: limit}
	for _, f := range zr.File {
		r.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	wbPath, err := r.target("", "_rels/.rels", relOfficeDocument, "")
	if err != nil {
		return nil, err
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			RIDs string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := r.decode(wbPath, &wb); err != nil {
		return nil, err
	}
	if len(wb.Sheets) == 0 {
		return nil, fmt.Errorf("read xlsx: %w: the workbook has no sheet", sheet.ErrFormat)
	}
	r.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	dir, base := path.Split(wbPath)
	wbRels := dir + "_rels/" + base + ".rels"
	rid := wb.Sheets[0].RID + wb.Sheets[0].RIDs
	sheetPath, err := r.target(dir, wbRels, relWorksheet, rid)
	if err != nil {
		return nil, err
	}
	if p, err := r.target(dir, wbRels, relSharedStrings, ""); err == nil {
		if err := r.readStrings(p); err != nil {
			return nil, err
		}
	}
	if p, err := r.target(dir, wbRels, relStyles, ""); err == nil {
		if err := r.readStyles(p); err != nil {
			return nil, err
		}
	}
	return r.readSheet(sheetPath, wb.Sheets[0].Name, maxRows)
}

// open opens a part, bounded by the reader's limit.
func (r *workbookReader) open(name string) (io.ReadCloser, error) {
	f, ok := r.files[name]
	if !ok {
		return nil, fmt.Errorf("read xlsx: %w: no part %s", sheet.ErrFormat, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read xlsx: %w: %s: %w", sheet.ErrFormat, name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, r.limit), rc}, nil
}

// decode unmarshals a whole (small) part.
func (r *workbookReader) decode(name string, v any) error {
	rc, err := r.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("read xlsx: %w: %s: %w", sheet.ErrFormat, name, err)
	}
	return nil
}

// target resolves the relationship of type (matched by suffix; with id
// when id is not "") in rels, relative to dir.
func (r *workbookReader) target(dir, rels, typ, id string) (string, error) {
	var rs relationships
	if err := r.decode(rels, &rs); err != nil {
		return "", err
	}
	for _, rel := range rs.Rels {
		if !strings.HasSuffix(rel.Type, typ) || (id != "" && rel.ID != id) {
			continue
		}
		t := rel.Target
		if strings.HasPrefix(t, "/") {
			return path.Clean(t[1:]), nil
		}
		return path.Clean(dir + t), nil
	}
	return "", fmt.Errorf("read xlsx: %w: no %s part", sheet.ErrFormat, strings.TrimPrefix(typ, "/"))
}

// readStrings reads the shared strings: each <si> is its <t>, or its rich
// text runs' <t> joined; phonetic runs (<rPh>) are not part of the text.
func (r *workbookReader) readStrings(name string) error {
	rc, err := r.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var cur strings.Builder
	inSI, inT, skip := false, false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read xlsx: %w: %s: %w", sheet.ErrFormat, name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "si":
				inSI = true
				cur.Reset()
			case t.Name.Local == "rPh" || t.Name.Local == "phoneticPr":
				skip++
			case t.Name.Local == "t" && inSI && skip == 0:
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				r.strings = append(r.strings, cur.String())
			case "rPh", "phoneticPr":
				skip--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
}

// readStyles reads the number format of every cell style.
func (r *workbookReader) readStyles(name string) error {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := r.decode(name, &st); err != nil {
		return err
	}
	custom := map[int]string{}
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	for _, xf := range st.Xfs {
		code, ok := custom[xf.NumFmtID]
		if !ok {
			code = builtinFormats[xf.NumFmtID]
		}
		r.numFmt = append(r.numFmt, code)
	}
	return nil
}

// readSheet streams the sheet's cells into rows of texts.
func (r *workbookReader) readSheet(name, sheetName string, maxRows int) ([][]string, error) {
	rc, err := r.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		out      [][]string
		row      []string
		rowNum   int // 1-based, of the row being read
		col      int // 0-based, of the cell being read
		typ      string
		style    int
		val      strings.Builder
		inCell   bool
		inV, inT bool
		hasValue bool
	)
	fail := func(err error) ([][]string, error) {
		return nil, fmt.Errorf("read xlsx sheet %q: %w: %w", sheetName, sheet.ErrFormat, err)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				n := rowNum + 1
				if v := attr(t, "r"); v != "" {
					if n, err = strconv.Atoi(v); err != nil || n <= rowNum || n > sheetMaxRows {
						return fail(fmt.Errorf("row number %q", v))
					}
				}
				if n > maxRows {
					return nil, fmt.Errorf("read xlsx sheet %q: %w: more than %d rows", sheetName, sheet.ErrTooLarge, maxRows)
				}
				rowNum, row, col = n, nil, -1
			case "c":
				col++
				if ref := attr(t, "r"); ref != "" {
					if col, err = columnOf(ref); err != nil {
						return fail(err)
					}
				}
				typ, style, inCell, hasValue = attr(t, "t"), 0, true, false
				if s := attr(t, "s"); s != "" {
					if style, err = strconv.Atoi(s); err != nil || style < 0 {
						return fail(fmt.Errorf("cell style %q", s))
					}
				}
				val.Reset()
			case "v":
				inV, hasValue = inCell, inCell
			case "t":
				inT, hasValue = inCell && typ == "inlineStr", hasValue || (inCell && typ == "inlineStr")
			case "rPh":
				inT = false
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "c":
				inCell = false
				if !hasValue || col >= MaxColumns {
					continue
				}
				text, err := r.cellText(typ, style, val.String())
				if err != nil {
					return fail(fmt.Errorf("cell %s%d: %w", columnName(col), rowNum, err))
				}
				if text == "" {
					continue
				}
				for len(row) < col {
					row = append(row, "")
				}
				row = append(row, text)
			case "row":
				for len(out) < rowNum-1 {
					out = append(out, nil)
				}
				out = append(out, row)
			}
		case xml.CharData:
			if inV || inT {
				val.Write(t)
			}
		}
	}
	for len(out) > 0 && out[len(out)-1] == nil {
		out = out[:len(out)-1]
	}
	return out, nil
}

// sheetMaxRows is the most rows a worksheet has (Excel's limit).
const sheetMaxRows = 1 << 20

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// columnOf is the 0-based column of a cell reference such as "AB12".
func columnOf(ref string) (int, error) {
	n := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > 16384 {
			return 0, fmt.Errorf("cell reference %q", ref)
		}
	}
	if i == 0 {
		return 0, fmt.Errorf("cell reference %q", ref)
	}
	return n - 1, nil
}

// cellText is what a spreadsheet shows for a cell of type typ and style
// with stored value v.
func (r *workbookReader) cellText(typ string, style int, v string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(r.strings) {
			return "", fmt.Errorf("shared string %q", v)
		}
		return r.strings[i], nil
	case "inlineStr", "str", "e", "d":
		return v, nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v, nil // not a number after all: shown as written
	}
	code := ""
	if style < len(r.numFmt) {
		code = r.numFmt[style]
	}
	return formatNumber(f, code, r.date1904), nil
}

// builtinFormats are the format codes of Excel's built-in number formats
// that differ from General, as a zh-CN Excel shows them.
var builtinFormats = map[int]string{
	1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
	14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
	18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm",
	27: `yyyy"年"m"月"`, 28: `m"月"d"日"`, 29: `m"月"d"日"`, 30: "m-d-yy", 31: `yyyy"年"m"月"d"日"`,
	32: `h"时"mm"分"`, 33: `h"时"mm"分"ss"秒"`, 34: `上午/下午h"时"mm"分"`, 35: `上午/下午h"时"mm"分"ss"秒"`, 36: `yyyy"年"m"月"`,
	37: "#,##0 ;(#,##0)", 38: "#,##0 ;(#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;(#,##0.00)",
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
	50: `yyyy"年"m"月"`, 51: `m"月"d"日"`, 52: `yyyy"年"m"月"`, 53: `m"月"d"日"`, 54: `m"月"d"日"`,
	55: `上午/下午h"时"mm"分"`, 56: `上午/下午h"时"mm"分"ss"秒"`, 57: `yyyy"年"m"月"`, 58: `m"月"d"日"`,
}

// formatNumber renders v by format code (General when empty or not
// understood).
func formatNumber(v float64, code string, date1904 bool) string {
	sections := splitSections(code)
	sec := ""
	neg := v < 0
	switch {
	case len(sections) == 0:
	case neg && len(sections) > 1:
		sec, v = sections[1], -v
	case v == 0 && len(sections) > 2:
		sec = sections[2]
	default:
		sec = sections[0]
	}
	plain, isDate := scanFormat(sec)
	if isDate {
		return formatDate(v, sec, date1904)
	}
	switch {
	case plain == "" || strings.EqualFold(plain, "General") || plain == "@":
		return general(v)
	case strings.ContainsAny(plain, "Ee") && strings.Contains(plain, "0"):
		decimals := 0
		if i := strings.IndexByte(plain, '.'); i >= 0 {
			decimals = strings.Count(strings.SplitN(plain[i:], "E", 2)[0], "0")
		}
		return strings.ToUpper(strconv.FormatFloat(v, 'E', decimals, 64))
	case strings.ContainsAny(plain, "0#?"):
		pct := strings.Contains(plain, "%")
		if pct {
			v *= 100
		}
		decimals := 0
		if i := strings.IndexByte(plain, '.'); i >= 0 {
			for _, c := range plain[i+1:] {
				if c == '0' || c == '#' || c == '?' {
					decimals++
				} else if c != ',' {
					break
				}
			}
		}
		s := strconv.FormatFloat(v, 'f', decimals, 64)
		if strings.Contains(plain, ",") {
			s = groupThousands(s)
		}
		prefix, suffix := literals(sec)
		return prefix + s + suffix
	}
	return general(v)
}

// literals returns the text a number format shows before its first digit
// placeholder and after its last one: quoted text, escaped characters,
// parentheses, currency signs, the percent sign.
func literals(sec string) (prefix, suffix string) {
	var b strings.Builder
	seenDigit := false
	flush := func() {
		if !seenDigit {
			prefix += b.String()
			b.Reset()
		}
	}
	for i := 0; i < len(sec); i++ {
		c := sec[i]
		switch c {
		case '0', '#', '?':
			flush()
			seenDigit = true
			b.Reset()
		case ',', '.':
			if !seenDigit {
				b.WriteByte(c)
			}
		case '"':
			j := strings.IndexByte(sec[i+1:], '"')
			if j < 0 {
				j = len(sec) - i - 1
			}
			b.WriteString(sec[i+1 : i+1+j])
			i += j + 1
		case '\\':
			if i+1 < len(sec) {
				b.WriteByte(sec[i+1])
			}
			i++
		case '_':
			b.WriteByte(' ')
			i++
		case '*':
			i++
		case '[':
			if j := strings.IndexByte(sec[i:], ']'); j >= 0 {
				i += j
			}
		default:
			b.WriteByte(c)
		}
	}
	if !seenDigit {
		return "", ""
	}
	return prefix, b.String()
}

// general is Excel's General format: at most 15 significant digits, no
// trailing zeros.
func general(v float64) string {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if a := math.Abs(r); a >= 1e15 || a < 1e-9 {
		return strings.ToUpper(strconv.FormatFloat(r, 'G', -1, 64))
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// splitSections splits a format code at the semicolons outside quotes.
func splitSections(code string) []string {
	if code == "" {
		return nil
	}
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '"':
			quoted = !quoted
		case '\\':
			i++
		case ';':
			if !quoted {
				out = append(out, code[start:i])
				start = i + 1
			}
		}
	}
	return append(out, code[start:])
}

// scanFormat returns the format with quoted text, escapes, brackets
// ([Red], [$-804]) and fill/padding characters removed, and whether it
// formats a date or time.
func scanFormat(code string) (plain string, isDate bool) {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return b.String(), isDate
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return b.String(), isDate
			}
			inner := strings.ToLower(code[i+1 : i+j])
			if inner == "h" || inner == "hh" || inner == "m" || inner == "mm" || inner == "s" || inner == "ss" {
				isDate = true
			}
			i += j
		default:
			switch c {
			case 'y', 'Y', 'd', 'D', 'h', 'H', 's', 'S':
				isDate = true
			case 'm', 'M':
				isDate = true
			}
			b.WriteByte(c)
		}
	}
	p := b.String()
	if strings.EqualFold(p, "General") {
		return p, false
	}
	return p, isDate
}

// excelEpoch is day 0 of the 1900 date system (with Excel's fictitious
// 1900-02-29, serial 60, which only the 1900 system has); the 1904 system
// counts from 1904-01-01.
var (
	excelEpoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// formatDate renders serial date v by format code.
func formatDate(v float64, code string, date1904 bool) string {
	if v < 0 || v > 2958465 { // beyond 9999-12-31: shown as General, as Excel shows ####
		return general(v)
	}
	epoch := excelEpoch1900
	if date1904 {
		epoch = excelEpoch1904
	} else if v < 61 {
		// Before Excel's fictitious 1900-02-29 the serials are one off.
		epoch = epoch.AddDate(0, 0, 1)
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	t := epoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	var b strings.Builder
	ampm := strings.Contains(strings.ToUpper(code), "AM/PM") || strings.Contains(code, "上午/下午")
	lastWasHour := false
	for i := 0; i < len(code); {
		c := code[i]
		run := 1
		for i+run < len(code) && strings.EqualFold(code[i+run:i+run+1], string(c)) {
			run++
		}
		switch c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				j = len(code) - i - 1
			}
			b.WriteString(code[i+1 : i+1+j])
			i += j + 2
			continue
		case '\\':
			if i+1 < len(code) {
				b.WriteByte(code[i+1])
			}
			i += 2
			continue
		case '_', '*':
			i += 2
			continue
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				j = len(code) - i - 1
			}
			inner := strings.ToLower(code[i+1 : i+j])
			switch inner {
			case "h", "hh":
				h := int(math.Floor(v*24 + 1e-9))
				fmt.Fprintf(&b, "%0*d", len(inner), h)
				lastWasHour = true
			case "m", "mm":
				fmt.Fprintf(&b, "%0*d", len(inner), int(math.Floor(v*1440+1e-9)))
			case "s", "ss":
				fmt.Fprintf(&b, "%0*d", len(inner), int(math.Floor(v*86400+1e-9)))
			}
			i += j + 1
			continue
		}
		switch c {
		case 'y', 'Y':
			if run <= 2 {
				fmt.Fprintf(&b, "%02d", t.Year()%100)
			} else {
				fmt.Fprintf(&b, "%04d", t.Year())
			}
		case 'm', 'M':
			// Minutes after an hour or before seconds, else month.
			if lastWasHour || nextIsSeconds(code[i+run:]) {
				fmt.Fprintf(&b, "%0*d", min(run, 2), t.Minute())
			} else {
				switch run {
				case 1:
					b.WriteString(strconv.Itoa(int(t.Month())))
				case 2:
					fmt.Fprintf(&b, "%02d", int(t.Month()))
				case 3:
					b.WriteString(t.Month().String()[:3])
				default:
					b.WriteString(t.Month().String())
				}
			}
			lastWasHour = false
		case 'd', 'D':
			switch run {
			case 1:
				b.WriteString(strconv.Itoa(t.Day()))
			case 2:
				fmt.Fprintf(&b, "%02d", t.Day())
			case 3:
				b.WriteString(t.Weekday().String()[:3])
			default:
				b.WriteString(t.Weekday().String())
			}
		case 'h', 'H':
			h := t.Hour()
			if ampm {
				h %= 12
				if h == 0 {
					h = 12
				}
			}
			fmt.Fprintf(&b, "%0*d", min(run, 2), h)
			lastWasHour = true
			i += run
			continue
		case 's', 'S':
			fmt.Fprintf(&b, "%0*d", min(run, 2), t.Second())
		case 'A', 'a':
			if strings.EqualFold(code[i:min(i+5, len(code))], "AM/PM") {
				if t.Hour() < 12 {
					b.WriteString("AM")
				} else {
					b.WriteString("PM")
				}
				i += 5
				continue
			}
			b.WriteString(code[i : i+run])
		case '.':
			if i+1 < len(code) && code[i+1] == '0' { // fractions of a second
				n := 0
				for i+1+n < len(code) && code[i+1+n] == '0' {
					n++
				}
				frac := fmt.Sprintf("%.*f", n, v*86400-math.Floor(v*86400))
				b.WriteString(frac[strings.IndexByte(frac, '.'):])
				i += 1 + n
				continue
			}
			b.WriteByte('.')
		default:
			if strings.HasPrefix(code[i:], "上午/下午") {
				if t.Hour() < 12 {
					b.WriteString("上午")
				} else {
					b.WriteString("下午")
				}
				i += len("上午/下午")
				continue
			}
			b.WriteString(code[i : i+run])
		}
		if c != 'h' && c != 'H' && c != ' ' && c != ':' {
			lastWasHour = false
		}
		i += run
	}
	return b.String()
}

// nextIsSeconds reports whether the next date token in rest is seconds
// (so an m before it means minutes: "mm:ss").
func nextIsSeconds(rest string) bool {
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case 's', 'S':
			return true
		case 'y', 'Y', 'd', 'D', 'h', 'H', 'm', 'M':
			return false
		}
	}
	return false
}
