// Package docx writes formal documents (package document) as Word files
// (Office Open XML, .docx) in the layout of GB/T 9704-2012, for Word, WPS
// and LibreOffice, ready to be edited before the seal goes on.
//
// It is a compact writer over archive/zip of its own rather than a DOCX
// library. The candidates fail on licence or size: unidoc/unioffice needs a
// paid licence; baliance/gooxml and fumiama/go-docx are AGPL; yunkeweb's
// go-word is LGPL, which a statically linked binary cannot honour simply;
// gomutex/godocx (MIT, described as unmaintained by its own fork) has no
// footer or page-number API and adds 0.52 MB to the staff Lambda, which
// would then be 12.12 MB against its 12 MB budget. This writer adds a few
// tens of kilobytes (it shares archive/zip with package xlsx). It writes
// what Word itself writes for these features: styles the clerk can reuse
// (公文正文, 标题 1–4, 公文标题, …), a document grid of 22 lines of 28
// characters, even and odd page footers with a PAGE field, tables with a
// repeated header row, fonts with their Chinese charset and fallbacks.
// Every element follows the schema's order (Word refuses files that do
// not; the tests check it).
package docx

import (
	"archive/zip"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jianyan/jianyan/internal/document"
)

// ContentType is the media type of a .docx file.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Writer writes documents as DOCX files.
type Writer struct {
	// Layout is the layout; nil means document.Standard (GB/T 9704-2012).
	Layout *document.Layout
}

// Write writes d as a DOCX file to w. It fails when d is not printable
// (document.Document.Check) or the layout is not (document.Layout.Check);
// those are faults of the caller, not of the reader.
func (wr Writer) Write(w io.Writer, d *document.Document) error {
	l := wr.Layout
	if l == nil {
		l = &document.Standard
	}
	if err := l.Check(); err != nil {
		return fmt.Errorf("write docx: %w", err)
	}
	if err := d.Check(); err != nil {
		return fmt.Errorf("write docx: %w", err)
	}
	g := newGeometry(l)
	body := bodyXML(d, l, g)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/app.xml", appXML},
		{"docProps/core.xml", coreXML(d)},
		{"word/document.xml", body},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", stylesXML(l, g)},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML(l)},
		{"word/footer1.xml", footerXML(l, g, false)},
		{"word/footer2.xml", footerXML(l, g, true)},
	}
	zw := zip.NewWriter(w)
	for _, p := range parts {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return fmt.Errorf("write docx %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("write docx %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write docx: %w", err)
	}
	return nil
}

// zipTime is the time stamp of every part, so the same document gives the
// same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// geometry is the layout in the units of WordprocessingML: twentieths of
// a point (twips) for lengths, half-points for type sizes.
type geometry struct {
	pageW, pageH             int
	top, bottom, left, right int
	textW, textH             int
	// linePitch is the height of a body line, so that LinesPerPage lines
	// fill the type area; charPitch the width of a body character, so
	// that CharsPerLine characters fill a line.
	linePitch int
	charPitch float64
	// condense is the spacing (in twips, negative) between body
	// characters that makes CharsPerLine of them fit a line: 16 pt type in
	// a 156 mm line holds only 27 otherwise. It is character spacing
	// rather than Word's character grid (docGrid charSpace), which
	// LibreOffice lays out with every character on two grid cells.
	condense int
	// footer is the distance from the bottom of the page to the bottom of
	// the footer's line, footerLine that line's height.
	footer, footerLine int
}

func twips(mm document.MM) int  { return int(math.Round(float64(mm) / 25.4 * 1440)) }
func halfPts(p document.Pt) int { return int(math.Round(float64(p) * 2)) }
func ptTwips(p document.Pt) int { return int(math.Round(float64(p) * 20)) }

func newGeometry(l *document.Layout) geometry {
	g := geometry{
		pageW: twips(l.PageWidth), pageH: twips(l.PageHeight),
		top: twips(l.MarginTop), bottom: twips(l.MarginBottom), left: twips(l.MarginLeft), right: twips(l.MarginRight),
	}
	g.textW = g.pageW - g.left - g.right
	g.textH = g.pageH - g.top - g.bottom
	g.linePitch = g.textH / l.LinesPerPage
	g.charPitch = float64(g.textW) / float64(l.CharsPerLine)
	// Round down: a pitch a hair too wide fits one character less a line.
	g.condense = min(0, int(math.Floor(g.charPitch-float64(ptTwips(l.Body.Size)))))
	// The page number's line is 1.5 times its type size, and its dashes sit
	// about half way up the line: put that middle PageNumberGap below the
	// type area.
	g.footerLine = ptTwips(l.PageNumber.Size * 3 / 2)
	g.footer = max(0, g.bottom-twips(l.PageNumberGap)-g.footerLine/2)
	return g
}

// chars is the width of n body characters in twips.
func (g geometry) chars(n float64) int { return int(math.Round(n * g.charPitch)) }

// Paragraph style IDs. The names Word shows are in stylesXML.
const (
	styleBody      = "GwBody"
	styleMark      = "GwMark"
	styleNumber    = "GwNumber"
	styleTitle     = "GwTitle"
	styleAddressee = "GwAddressee"
	styleSignature = "GwSignature"
	styleDate      = "GwDate"
	styleLabel     = "GwAttachmentLabel"
	styleTable     = "GwTable"
	styleTableHead = "GwTableHeader"
	styleFooter    = "GwPageNumber"
)

// bodyXML is word/document.xml.
func bodyXML(d *document.Document, l *document.Layout, g geometry) string {
	b := &builder{g: g, l: l}
	b.WriteString(xml1 + `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)

	// 版头: the mark 35 mm down the type area, two lines, the number, the
	// red rule 4 mm under it.
	if mark := oneLine(d.IssuerMark); mark != "" {
		b.spacer(twips(l.IssuerMarkTop))
		b.mark(mark)
		b.blank(2)
	}
	b.para(styleNumber, "", oneLine(d.Number))
	// 主体.
	b.blank(2)
	b.title(d.Title)
	if len(d.Addressees) > 0 {
		b.blank(1)
		names := make([]string, 0, len(d.Addressees))
		for _, a := range d.Addressees {
			if a = oneLine(a); a != "" {
				names = append(names, a)
			}
		}
		b.para(styleAddressee, "", strings.Join(names, "、")+"：")
	}
	// From the body's last line to the date, everything stays on one page:
	// the standard allows no page with the signature and date alone.
	b.blocks(d.Body, true)
	// Gaps here are space before a paragraph, not empty lines: LibreOffice
	// breaks a page after an empty paragraph that should keep with the
	// next.
	b.keep = true
	if len(d.Attachments) > 0 {
		b.attachmentList(d.Attachments, g.linePitch)
	}
	seal := fmt.Sprintf(`<w:spacing w:before="%d"/>`, l.SealLines*g.linePitch)
	date := document.FormatDate(d.Date)
	if sig := oneLine(d.Signature); sig != "" {
		// Centred over the date: the date's middle stands DateIndent plus
		// half its width from the right edge.
		right := float64(l.DateIndent) + document.Width(date)/2 - document.Width(sig)/2
		b.para(styleSignature, seal+fmt.Sprintf(`<w:ind w:right="%d"/>`, g.chars(max(0, right))), sig)
		seal = ""
	}
	b.keep = false
	b.para(styleDate, seal, date)
	if note := document.Clean(d.Note); strings.TrimSpace(note) != "" {
		b.para(styleBody, "", "（"+strings.ReplaceAll(note, "\n", "")+"）")
	}
	// 附件, each on pages of its own.
	for i, a := range d.Attachments {
		label := "附件"
		if len(d.Attachments) > 1 {
			label += strconv.Itoa(i + 1)
		}
		b.para(styleLabel, `<w:pageBreakBefore/>`, label)
		b.blank(1)
		b.title(a.Title)
		b.blank(1)
		b.blocks(a.Body, false)
	}
	if b.endsWithTable {
		b.WriteString(`<w:p/>`) // Word wants a paragraph after a table
	}
	b.sectPr()
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

type builder struct {
	strings.Builder
	g             geometry
	l             *document.Layout
	endsWithTable bool
	// keep keeps each paragraph written on the page of the next one.
	keep bool
}

// pPr starts a paragraph of the style; ppr is more paragraph properties
// (in schema order, after keepNext).
func (b *builder) pPr(style, ppr string) {
	b.endsWithTable = false
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>`)
	if b.keep {
		b.WriteString(`<w:keepNext/>`)
	}
	b.WriteString(ppr + `</w:pPr>`)
}

// para writes one paragraph of the style with extra paragraph properties
// (already in schema order after pStyle) and text; "\n" in text becomes
// a line break.
func (b *builder) para(style, ppr, text string) {
	b.pPr(style, ppr)
	b.run("", text)
	b.WriteString(`</w:p>`)
}

// run writes text as runs with the run properties rpr (without the
// enclosing w:rPr), tabs and line breaks as Word writes them.
func (b *builder) run(rpr, text string) {
	text = document.Clean(text)
	if text == "" {
		return
	}
	b.WriteString(`<w:r>`)
	if rpr != "" {
		b.WriteString(`<w:rPr>` + rpr + `</w:rPr>`)
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString(`<w:br/>`)
		}
		for j, part := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString(`<w:tab/>`)
			}
			if part != "" {
				b.WriteString(`<w:t xml:space="preserve">` + esc(part) + `</w:t>`)
			}
		}
	}
	b.WriteString(`</w:r>`)
}

// blank writes n empty body lines.
func (b *builder) blank(n int) {
	for range n {
		b.pPr(styleAddressee, "")
		b.WriteString(`</w:p>`)
	}
}

// spacer writes an empty paragraph exactly h twips high.
func (b *builder) spacer(h int) {
	if h <= 0 {
		return
	}
	fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="%s"/><w:snapToGrid w:val="0"/><w:spacing w:line="%d" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>`,
		styleAddressee, h)
}

// mark writes the issuer mark on one line: at its preferred size, set
// narrower when it is too wide for the type area (down to half width),
// smaller when even that is too wide.
func (b *builder) mark(text string) {
	size := float64(b.l.IssuerMark.Size)
	need := document.Width(text) * size * 20 // twips at full width
	scale := 1.0
	if need > float64(b.g.textW) {
		scale = float64(b.g.textW) / need
	}
	var rpr string
	if scale < 1 {
		pct := int(math.Floor(scale * 100))
		if pct < 50 {
			size = size * scale / 0.5
			pct = 50
		}
		rpr = fmt.Sprintf(`<w:w w:val="%d"/>`, pct)
	}
	hp := int(math.Floor(size * 2))
	if hp != halfPts(b.l.IssuerMark.Size) {
		rpr += fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, hp, hp)
	}
	b.endsWithTable = false
	fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="%s"/><w:spacing w:line="%d" w:lineRule="exact"/></w:pPr>`,
		styleMark, markLine(float64(hp)/2))
	b.run(rpr, text)
	b.WriteString(`</w:p>`)
}

// markLine is the height of the issuer mark's line for a type size in
// points: the size itself, so the top of the line is the top of the mark.
func markLine(size float64) int { return int(math.Round(size * 20)) }

// title writes a title on lines of even length (the standard asks for a
// balanced shape, not a last line of one character); a "\n" in t breaks
// where its author wants instead.
func (b *builder) title(t string) {
	t = strings.TrimSpace(document.Clean(t))
	if !strings.Contains(t, "\n") {
		capacity := math.Floor(float64(b.g.textW) / (float64(b.l.Title.Size) * 20))
		t = strings.Join(balance(t, capacity), "\n")
	}
	b.para(styleTitle, "", t)
}

// blocks writes body blocks, numbering the headings; keepLast keeps the
// last paragraph with what follows.
func (b *builder) blocks(blocks []document.Block, keepLast bool) {
	var counts [5]int
	for i, bl := range blocks {
		last := keepLast && i == len(blocks)-1
		switch bl := bl.(type) {
		case *document.Heading:
			counts[bl.Level]++
			for i := bl.Level + 1; i < len(counts); i++ {
				counts[i] = 0
			}
			b.keep = last
			body := oneLine(bl.Body)
			ppr := ""
			if body != "" && !last {
				// A run-in heading is a paragraph of text: it need not
				// stay with the next (heading styles keep with the next,
				// and a chain of them longer than a page keeps nothing).
				ppr = `<w:keepNext w:val="0"/>`
			}
			b.pPr(fmt.Sprintf("Heading%d", bl.Level), ppr)
			b.run("", document.HeadingNumber(bl.Level, counts[bl.Level])+oneLine(bl.Text))
			if body != "" {
				b.run(b.bodyFont(), body)
			}
			b.WriteString(`</w:p>`)
		case *document.Paragraph:
			var lines []string
			for _, line := range strings.Split(document.Clean(bl.Text), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					lines = append(lines, line)
				}
			}
			for j, line := range lines {
				b.keep = last && j == len(lines)-1
				b.para(styleBody, "", line)
			}
		case *document.Table:
			b.table(bl)
		}
	}
	b.keep = false
}

// bodyFont is the run properties that set body type in a heading's
// paragraph.
func (b *builder) bodyFont() string {
	return rFonts(b.l.Body.Name)
}

// attachmentList writes the 附件说明: "附件：" two characters in, the
// names numbered when there are several, a long name wrapping under its
// first character.
func (b *builder) attachmentList(as []document.Attachment, before int) {
	const label = "附件："
	lw := document.Width(label)
	for i, a := range as {
		name := joinLines(a.Title)
		prefix := ""
		if len(as) > 1 {
			prefix = strconv.Itoa(i+1) + "."
		}
		left := 2 + lw + document.Width(prefix)
		hanging := document.Width(prefix)
		text := prefix + name
		if i == 0 {
			hanging += lw
			text = label + text
		}
		spacing := ""
		if i == 0 {
			spacing = fmt.Sprintf(`<w:spacing w:before="%d"/>`, before)
		}
		b.para(styleAddressee, spacing+fmt.Sprintf(`<w:ind w:left="%d" w:hanging="%d"/>`, b.g.chars(left), b.g.chars(hanging)), text)
	}
}

// table writes a table across the type area's width, its header row
// repeated on every page.
func (b *builder) table(t *document.Table) {
	widths := b.columnWidths(t.Columns)
	b.WriteString(`<w:tbl><w:tblPr>`)
	fmt.Fprintf(b, `<w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/>`, b.g.textW)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(`<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="000000"/>`)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/>`)
	fmt.Fprintf(b, `<w:tblCellMar><w:left w:w="%d" w:type="dxa"/><w:right w:w="%d" w:type="dxa"/></w:tblCellMar>`, cellMargin, cellMargin)
	b.WriteString(`<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	b.WriteString(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
	for i, c := range t.Columns {
		b.cell(widths[i], styleTableHead, "", c.Header)
	}
	b.WriteString(`</w:tr>`)
	for _, row := range t.Rows {
		// A row that takes less than half a page stays whole; a taller one
		// may break, or it would leave most of a page empty.
		if b.rowHeight(row, widths) < b.g.textH/2 {
			b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		} else {
			b.WriteString(`<w:tr>`)
		}
		for i, c := range t.Columns {
			text := ""
			if i < len(row) {
				text = row[i]
			}
			jc := ""
			if c.Center {
				jc = `<w:jc w:val="center"/>`
			}
			b.cell(widths[i], styleTable, jc, text)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	b.endsWithTable = true
}

// rowHeight estimates the height of a table row in twips: the lines of its
// tallest cell.
func (b *builder) rowHeight(row []string, widths []int) int {
	char := float64(b.l.Table.Size) * 20
	most := 1
	for i, text := range row {
		perLine := math.Max(1, math.Floor(float64(widths[i]-2*cellMargin)/char))
		lines := 0
		for _, line := range strings.Split(document.Clean(text), "\n") {
			lines += max(1, int(math.Ceil(document.Width(line)/perLine)))
		}
		most = max(most, lines)
	}
	return most * b.tableLine()
}

// tableLine is the height of a line of table text in twips.
func (b *builder) tableLine() int { return ptTwips(b.l.Table.Size * 3 / 2) }

// cellMargin is the space inside a table cell left and right of its text.
const cellMargin = 85 // 1.5 mm

func (b *builder) cell(width int, style, ppr, text string) {
	fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`, width)
	lines := strings.Split(strings.TrimSpace(document.Clean(text)), "\n")
	for _, line := range lines {
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>` + ppr + `</w:pPr>`)
		b.run("", strings.TrimSpace(line))
		b.WriteString(`</w:p>`)
	}
	b.WriteString(`</w:tc>`)
}

// columnWidths shares the type area's width among the columns: a column
// with a Width gets that many characters of the table's type (plus the
// cell's margins), the others share the rest equally; when the fixed
// columns leave less than two characters for each of the others, or fill
// less than the width with no other to take the rest, every width is
// scaled to fit.
func (b *builder) columnWidths(cols []document.Column) []int {
	char := float64(b.l.Table.Size) * 20
	minFlex := 2*char + 2*cellMargin
	widths := make([]float64, len(cols))
	fixed, flex := 0.0, 0
	for i, c := range cols {
		if c.Width > 0 {
			// Half a character more: digits and the face's side bearings
			// must not wrap a header that just fits.
			widths[i] = (c.Width+0.5)*char + 2*cellMargin
			fixed += widths[i]
		} else {
			flex++
		}
	}
	total := float64(b.g.textW)
	switch {
	case flex == 0:
		for i := range widths {
			widths[i] *= total / fixed
		}
	case total-fixed < float64(flex)*minFlex:
		scale := (total - float64(flex)*minFlex) / fixed
		for i := range widths {
			if cols[i].Width > 0 {
				widths[i] *= scale
			} else {
				widths[i] = minFlex
			}
		}
	default:
		for i := range widths {
			if cols[i].Width <= 0 {
				widths[i] = (total - fixed) / float64(flex)
			}
		}
	}
	out := make([]int, len(widths))
	sum := 0
	for i, w := range widths {
		out[i] = int(math.Floor(w))
		sum += out[i]
	}
	out[len(out)-1] += b.g.textW - sum // rounding goes to the last column
	return out
}

// sectPr is the page: A4, the margins, even and odd footers, the grid.
func (b *builder) sectPr() {
	g := b.g
	b.WriteString(`<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:footerReference w:type="even" r:id="rId5"/>`)
	fmt.Fprintf(b, `<w:pgSz w:w="%d" w:h="%d"/>`, g.pageW, g.pageH)
	fmt.Fprintf(b, `<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/>`,
		g.top, g.right, g.bottom, g.left, g.footer)
	b.WriteString(`<w:pgNumType w:start="1"/><w:cols w:space="425"/>`)
	// The grid only records the line pitch (Word shows it as 22 lines a
	// page): the styles' exact line spacing makes the lines, since
	// LibreOffice's text grid would put the title's lines two grid lines
	// apart.
	fmt.Fprintf(b, `<w:docGrid w:linePitch="%d"/></w:sectPr>`, g.linePitch)
}

// footerXML is a page-number footer: "— 1 —", one character in from the
// outer edge (right on odd pages, left on even ones).
func footerXML(l *document.Layout, g geometry, even bool) string {
	indent := ptTwips(l.PageNumber.Size)
	ppr := `<w:jc w:val="right"/>`
	ind := fmt.Sprintf(`<w:ind w:right="%d"/>`, indent)
	if even {
		ppr = `<w:jc w:val="left"/>`
		ind = fmt.Sprintf(`<w:ind w:left="%d"/>`, indent)
	}
	return xml1 + `<w:ftr xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:p><w:pPr><w:pStyle w:val="` + styleFooter + `"/>` + ind + ppr + `</w:pPr>` +
		`<w:r><w:t xml:space="preserve">— </w:t></w:r>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`
}

// oneLine is text for a place that holds one line: cleaned, line breaks
// and tabs as spaces, trimmed.
func oneLine(s string) string {
	s = document.Clean(s)
	s = strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
	return strings.TrimSpace(s)
}

// joinLines is text broken into lines by its author (a title) on one
// line: a line break goes, or becomes a space between Latin words.
func joinLines(s string) string {
	lines := strings.Split(document.Clean(s), "\n")
	var b strings.Builder
	for _, line := range lines {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\t", " "))
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(line)
			if !document.Wide(prev) && !document.Wide(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// esc escapes s (already cleaned) for XML character data and attributes.
func esc(s string) string {
	if !strings.ContainsAny(s, `<>&"`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// rFonts sets every script of a run to the font.
func rFonts(name string) string {
	n := esc(name)
	return `<w:rFonts w:ascii="` + n + `" w:hAnsi="` + n + `" w:eastAsia="` + n + `" w:cs="` + n + `"/>`
}

// coreXML is the document properties Word shows: title, author, date.
func coreXML(d *document.Document) string {
	created := d.Date.UTC().Format("2006-01-02T15:04:05Z")
	return xml1 + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(joinLines(d.Title)) + `</dc:title>` +
		`<dc:creator>` + esc(oneLine(d.Signature)) + `</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + created + `</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">` + created + `</dcterms:modified></cp:coreProperties>`
}
