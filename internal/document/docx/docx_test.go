package docx_test

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document"
	"github.com/jianyan/jianyan/internal/document/docx"
)

func write(tb testing.TB, d *document.Document) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := (docx.Writer{}).Write(&b, d); err != nil {
		tb.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

func atoi(tb testing.TB, what, s string) int {
	tb.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("%s = %q, not a number", what, s)
	}
	return n
}

// mm converts twips back to millimetres.
func mm(twips int) float64 { return float64(twips) / 1440 * 25.4 }

// TestPage checks the page of GB/T 9704-2012: A4, the margins, a line
// pitch of 22 lines a page and body type condensed to 28 characters a
// line, page numbers on the outer side of even and odd pages.
func TestPage(t *testing.T) {
	p := readPkg(t, write(t, rectificationNotice()))
	sect := p.doc.path("body", "sectPr")
	if sect == nil {
		t.Fatal("no section properties")
	}
	pg, mar := sect.child("pgSz"), sect.child("pgMar")
	for _, c := range []struct {
		what string
		got  string
		want float64 // mm
	}{
		{"page width", pg.w("w"), 210}, {"page height", pg.w("h"), 297},
		{"top margin", mar.w("top"), 37}, {"bottom margin", mar.w("bottom"), 35},
		{"left margin", mar.w("left"), 28}, {"right margin", mar.w("right"), 26},
	} {
		if got := mm(atoi(t, c.what, c.got)); math.Abs(got-c.want) > 0.05 {
			t.Errorf("%s = %.2f mm, want %v mm", c.what, got, c.want)
		}
	}
	if o := pg.w("orient"); o != "" && o != "portrait" {
		t.Errorf("orientation %q, want portrait", o)
	}
	textW := atoi(t, "w", pg.w("w")) - atoi(t, "left", mar.w("left")) - atoi(t, "right", mar.w("right"))
	textH := atoi(t, "h", pg.w("h")) - atoi(t, "top", mar.w("top")) - atoi(t, "bottom", mar.w("bottom"))

	// 22 lines: the body's exact line height, and the grid Word shows.
	body := p.runProps(t, p.find(t, "现将有关问题及整改要求通知如下").node, nil)
	if body.lineRule != "exact" {
		t.Fatalf("body line spacing rule %q, want exact", body.lineRule)
	}
	pitch := atoi(t, "line", body.line)
	if lines := textH / pitch; lines != 22 {
		t.Errorf("body line pitch %d twips: %d lines a page, want 22", pitch, lines)
	}
	if g := sect.child("docGrid").w("linePitch"); g != body.line {
		t.Errorf("grid line pitch %s, want the body's %s", g, body.line)
	}
	// 28 characters: 16 pt type condensed by the Normal style's spacing.
	normal := p.styles["Normal"].child("rPr")
	condense := atoi(t, "spacing", normal.child("spacing").w("val"))
	char := atoi(t, "sz", body.size)*10 + condense // twips
	if n := textW / char; n != 28 {
		t.Errorf("body characters of %d twips: %d a line, want 28", char, n)
	}
	if body.firstChars != "200" || atoi(t, "firstLine", body.firstLine) != int(math.Round(2*float64(textW)/28)) {
		t.Errorf("body first-line indent %s twips / %s hundredths of a character, want two characters", body.firstLine, body.firstChars)
	}

	// Even and odd footers: — n — one character from the outer edge, 四号 宋体.
	settings := parseXML(t, "settings", p.parts["word/settings.xml"])
	if settings.child("evenAndOddHeaders") == nil {
		t.Error("settings lack evenAndOddHeaders: one footer for every page")
	}
	rels := string(p.parts["word/_rels/document.xml.rels"])
	refs := map[string]string{}
	for _, r := range sect.all("footerReference") {
		refs[r.w("type")] = r.attr[xml.Name{Space: "http://schemas.openxmlformats.org/officeDocument/2006/relationships", Local: "id"}]
	}
	for _, c := range []struct {
		typ, jc, side string
	}{{"default", "right", "right"}, {"even", "left", "left"}} {
		id := refs[c.typ]
		i := strings.Index(rels, `Id="`+id+`"`)
		if id == "" || i < 0 {
			t.Fatalf("no %s footer relationship", c.typ)
		}
		target := rels[i:]
		target = target[strings.Index(target, `Target="`)+8:]
		target = "word/" + target[:strings.Index(target, `"`)]
		ftr := parseXML(t, target, p.parts[target])
		para := ftr.child("p")
		if got := para.texts(); got != "— 1 —" {
			t.Errorf("%s footer text %q, want %q", c.typ, got, "— 1 —")
		}
		instr := ""
		for _, in := range para.all("instrText") {
			instr += in.text
		}
		if strings.TrimSpace(instr) != "PAGE" {
			t.Errorf("%s footer field %q, want PAGE", c.typ, instr)
		}
		fp := p.runProps(t, para, para.child("r"))
		if fp.font != "宋体" || fp.size != "28" {
			t.Errorf("%s footer font %s %s half-points, want 宋体 28 (四号)", c.typ, fp.font, fp.size)
		}
		if fp.jc != c.jc {
			t.Errorf("%s footer aligned %q, want %q", c.typ, fp.jc, c.jc)
		}
		if ind := para.path("pPr", "ind").w(c.side); ind != "280" {
			t.Errorf("%s footer %s indent %q, want 280 (one 四号 character)", c.typ, c.side, ind)
		}
	}
	// The footer's middle 7 mm under the type area.
	fstyle := p.styles["GwPageNumber"].path("pPr", "spacing")
	mid := atoi(t, "footer", mar.w("footer")) + atoi(t, "footer line", fstyle.w("line"))/2
	if got := mm(atoi(t, "bottom", mar.w("bottom")) - mid); math.Abs(got-7) > 0.1 {
		t.Errorf("page number line's middle %.2f mm under the type area, want 7 mm", got)
	}
}

// TestTypefaces checks the type of each part, resolved through the styles
// as Word does: the issuer mark red 方正小标宋简体, the title 二号 方正小标宋简体,
// the body 三号 仿宋_GB2312, headings 黑体 and 楷体_GB2312 with run-in body
// text in 仿宋, the red rule under the number.
func TestTypefaces(t *testing.T) {
	p := readPkg(t, write(t, rectificationNotice()))
	run := func(text string) props {
		t.Helper()
		para := p.find(t, text)
		for _, r := range para.node.all("r") {
			if strings.Contains(r.texts(), text) {
				return p.runProps(t, para.node, r)
			}
		}
		t.Fatalf("no run holds %q", text)
		return props{}
	}
	for _, c := range []struct {
		text, font, size string
	}{
		{"蓬江区全面依法治区委员会办公室文件", "方正小标宋简体", "84"},
		{"区依法治办〔2025〕3号", "仿宋_GB2312", "32"},
		{"关于杜阮镇综合行政执法", "方正小标宋简体", "44"},
		{"杜阮镇人民政府：", "仿宋_GB2312", "32"},
		{"抽查执法案卷49卷", "仿宋_GB2312", "32"},
		{"一、主要问题", "黑体", "32"},
		{"（一）压实整改责任。", "楷体_GB2312", "32"},
		{"镇主要负责人为整改第一责任人", "仿宋_GB2312", "32"},
		{"特此通知。", "仿宋_GB2312", "32"},
		{"附件：", "仿宋_GB2312", "32"},
		{"2025年3月14日", "仿宋_GB2312", "32"},
		{"（联系人：李明", "仿宋_GB2312", "32"},
	} {
		got := run(c.text)
		if got.font != c.font || got.size != c.size {
			t.Errorf("%q: %s %s half-points, want %s %s", c.text, got.font, got.size, c.font, c.size)
		}
	}
	mark := run("蓬江区全面依法治区委员会办公室文件")
	if mark.color != "FF0000" || mark.jc != "center" {
		t.Errorf("issuer mark colour %q aligned %q, want red FF0000 centred", mark.color, mark.jc)
	}
	// 17 characters of 42 pt are wider than 156 mm: set narrower, on one line.
	if s := atoi(t, "w", mark.scale); s < 50 || s > 62 {
		t.Errorf("issuer mark width %d%%, want about 61%% (17 characters of 42 pt in 156 mm)", s)
	}
	number := run("区依法治办〔2025〕3号")
	if b := number.borderBottom; b == nil || b.w("color") != "FF0000" || b.w("val") != "single" {
		t.Errorf("no red rule under the number: %+v", b)
	} else if got := float64(atoi(t, "space", b.w("space"))) / 72 * 25.4; math.Abs(got-4) > 0.4 {
		t.Errorf("the red rule stands %.1f mm under the number, want 4 mm", got)
	}
	if title := run("关于杜阮镇综合行政执法"); title.jc != "center" {
		t.Errorf("title aligned %q, want centred", title.jc)
	}
	if date := run("2025年3月14日"); date.jc != "right" {
		t.Errorf("date aligned %q, want right", date.jc)
	}
	// The attachment's table: 黑体 header repeated on every page, 仿宋 cells.
	tbl := p.doc.all("tbl")
	if len(tbl) != 1 {
		t.Fatalf("%d tables, want 1", len(tbl))
	}
	rows := tbl[0].all("tr")
	if len(rows) != len(duruanProblems)+1 {
		t.Errorf("%d table rows, want a header and %d problems", len(rows), len(duruanProblems))
	}
	if rows[0].path("trPr", "tblHeader") == nil {
		t.Error("the table's header row is not repeated on each page (no tblHeader)")
	}
	for i, r := range rows[1:] {
		if r.path("trPr", "tblHeader") != nil {
			t.Errorf("row %d repeats as a header", i+1)
		}
	}
	hp := rows[0].child("tc").child("p")
	if got := p.runProps(t, hp, hp.child("r")); got.font != "黑体" {
		t.Errorf("table header font %s, want 黑体", got.font)
	}
	cp := rows[1].all("tc")[1].child("p")
	if got := p.runProps(t, cp, cp.child("r")); got.font != "仿宋_GB2312" || got.size != "24" {
		t.Errorf("table cell %s %s half-points, want 仿宋_GB2312 24 (小四)", got.font, got.size)
	}
	sum := 0
	for _, g := range tbl[0].all("gridCol") {
		sum += atoi(t, "gridCol", g.w("w"))
	}
	if sum != 11906-1587-1474 {
		t.Errorf("table columns are %d twips wide together, want the type area's 8845", sum)
	}
}

// TestContent checks that each sample says what the domain put in it:
// number, addressees, every problem with its requirement, person and
// deadline, signature, date, note; headings numbered; the attachment
// listed.
func TestContent(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			d := s.doc()
			p := readPkg(t, write(t, d))
			text := p.text()
			want := []string{d.Number, strings.Join(d.Addressees, "、") + "：", d.Signature, document.FormatDate(d.Date)}
			if d.Note != "" {
				want = append(want, "（"+d.Note+"）")
			}
			walk := func(bs []document.Block) {
				for _, b := range bs {
					switch b := b.(type) {
					case *document.Heading:
						want = append(want, b.Text+b.Body)
					case *document.Paragraph:
						want = append(want, b.Text)
					case *document.Table:
						for _, c := range b.Columns {
							want = append(want, c.Header)
						}
						for _, r := range b.Rows {
							want = append(want, r...)
						}
					}
				}
			}
			walk(d.Body)
			for _, a := range d.Attachments {
				walk(a.Body)
				want = append(want, a.Title)
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("the document does not say %q", w)
				}
			}
			title := strings.ReplaceAll(p.find(t, "关于").text, "\n", "")
			if title != strings.ReplaceAll(d.Title, "\n", "") {
				t.Errorf("title %q, want %q", title, d.Title)
			}
			if d.IssuerMark != "" && p.paragraphs()[1].text != d.IssuerMark {
				t.Errorf("second paragraph %q, want the issuer mark after the 35 mm space", p.paragraphs()[1].text)
			}
		})
	}
	p := readPkg(t, write(t, rectificationNotice()))
	for _, h := range []string{"一、主要问题", "二、整改要求", "（一）压实整改责任。", "（二）按期完成整改。", "（三）巩固整改成效。", "三、反馈方式"} {
		p.find(t, h)
	}
	p.find(t, "附件：杜阮镇综合行政执法“进驻式”监督问题整改清单")
	label := p.find(t, "附件")
	for _, para := range p.paragraphs() {
		if para.text == "附件" {
			label = para
		}
	}
	if label.node.path("pPr", "pageBreakBefore") == nil {
		t.Error("the attachment does not start on a new page")
	}
	for _, problem := range duruanProblems {
		if !strings.Contains(p.text(), problem.title) || !strings.Contains(p.text(), problem.deadline) {
			t.Errorf("problem %q is missing", problem.title)
		}
	}
	core := string(p.parts["docProps/core.xml"])
	if !strings.Contains(core, "<dc:title>关于杜阮镇综合行政执法“进驻式”监督发现问题的整改通知书</dc:title>") ||
		!strings.Contains(core, "<dc:creator>"+office+"</dc:creator>") {
		t.Errorf("document properties lack the title or the author:\n%s", core)
	}
}

// TestKeepTogether: the body's last paragraph, the signature and the date
// keep together, so no page holds the date without text; run-in headings
// do not chain.
func TestKeepTogether(t *testing.T) {
	p := readPkg(t, write(t, feedbackOpinion()))
	for _, c := range []struct {
		text string
		keep bool
	}{
		{"请你局认真研究反馈意见", true},
		{office, true},
		{"2025年3月4日", false},
		{"（一）行政处罚决定书未载明履行方式和期限。", false},
		{"一、发现的问题", true},
	} {
		if got := p.runProps(t, p.find(t, c.text).node, nil).keepNext; got != c.keep {
			t.Errorf("%q keeps with the next: %v, want %v", c.text, got, c.keep)
		}
	}
}

// TestSignatureCentredOverDate: 发文机关署名 centred over 成文日期, the date
// four characters from the right edge.
func TestSignatureCentredOverDate(t *testing.T) {
	p := readPkg(t, write(t, replyLetter()))
	char := float64(11906-1587-1474) / 28
	sig := p.find(t, office).node.path("pPr", "ind").w("right")
	date := p.find(t, "2025年4月8日")
	dateRight := p.styles[date.node.path("pPr", "pStyle").w("val")].path("pPr", "ind").w("right")
	if got := float64(atoi(t, "date indent", dateRight)) / char; math.Abs(got-4) > 0.01 {
		t.Errorf("date %.2f characters from the right edge, want 4", got)
	}
	// Middle of the date: 4 + 5.5/2 characters from the edge; of the
	// signature (15 characters): its indent + 7.5.
	if got, want := float64(atoi(t, "signature indent", sig))/char+7.5, 4+5.5/2; math.Abs(got-want) > 0.01 && !(want-7.5 < 0 && got == 7.5) {
		t.Errorf("signature's middle %.2f characters from the edge, want the date's %.2f", got, want)
	}
}

func TestIssuerMarkFits(t *testing.T) {
	for _, c := range []struct {
		mark      string
		scale     string // w:w, "" for full width
		size      string // half-points, "" for the style's 84
		styleSize string
	}{
		{"区依法治办文件", "", "", "84"},
		{"蓬江区全面依法治区委员会办公室文件", "61", "", "84"},
		{"中共江门市蓬江区委全面依法治区委员会办公室江门市蓬江区司法局联合文件", "50", "52", "84"},
	} {
		t.Run(c.mark, func(t *testing.T) {
			d := replyLetter()
			d.IssuerMark = c.mark
			p := readPkg(t, write(t, d))
			para := p.find(t, c.mark)
			r := para.node.child("r")
			got := p.runProps(t, para.node, r)
			if got.scale != c.scale {
				t.Errorf("width %q%%, want %q", got.scale, c.scale)
			}
			want := c.size
			if want == "" {
				want = c.styleSize
			}
			if got.size != want {
				t.Errorf("size %s half-points, want %s", got.size, want)
			}
			// Whatever its length, the mark fits one line of the type area.
			w := document.Width(c.mark) * float64(atoi(t, "size", got.size)) * 10
			if got.scale != "" {
				w = w * float64(atoi(t, "scale", got.scale)) / 100
			}
			if w > 8845 {
				t.Errorf("the mark is %.0f twips wide, more than the type area's 8845", w)
			}
		})
	}
}

// TestHostileText: whatever submitters typed, the file stays well-formed
// and says it.
func TestHostileText(t *testing.T) {
	d := replyLetter()
	d.Title = "关于<script>alert(1)</script>&“引号”\x01\x0b的答复函"
	d.Addressees = []string{"张\x00三</w:t></w:r>"}
	d.Body = []document.Block{
		&document.Paragraph{Text: "第一段\r\n第二段\x7f\n\n\t第三段\xff"},
		&document.Table{Columns: []document.Column{{Header: "<列>"}}, Rows: [][]string{{"a&b\n第二行"}}},
	}
	p := readPkg(t, write(t, d))
	for name, data := range p.parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			parseXML(t, name, data)
		}
	}
	text := p.text()
	if title := strings.ReplaceAll(p.find(t, "关于").text, "\n", ""); title != "关于<script>alert(1)</script>&“引号”的答复函" {
		t.Errorf("title %q", title)
	}
	for _, want := range []string{"张三</w:t></w:r>：", "第一段\n第二段\n第三段\uFFFD\n", "<列>", "a&b\n第二行"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "\x00\x01\x0b\x7f\r") {
		t.Errorf("control characters reached the file: %q", text)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := write(t, rectificationNotice()), write(t, rectificationNotice())
	if !bytes.Equal(a, b) {
		t.Error("the same document gave two different files")
	}
}

func TestPackage(t *testing.T) {
	p := readPkg(t, write(t, rectificationNotice()))
	ct := string(p.parts["[Content_Types].xml"])
	for name := range p.parts {
		if strings.HasSuffix(name, ".rels") || name == "[Content_Types].xml" {
			continue
		}
		if !strings.Contains(ct, `PartName="/`+name+`"`) {
			t.Errorf("[Content_Types].xml has no override for %s", name)
		}
	}
	for _, rels := range []string{"_rels/.rels", "word/_rels/document.xml.rels"} {
		dir := strings.TrimSuffix(strings.TrimSuffix(rels, "_rels/.rels"), "_rels/document.xml.rels")
		for _, m := range strings.Split(string(p.parts[rels]), `Target="`)[1:] {
			target := dir + m[:strings.Index(m, `"`)]
			if p.parts[target] == nil {
				t.Errorf("%s points at %s, which the package lacks", rels, target)
			}
		}
	}
}

func TestWriteRefuses(t *testing.T) {
	var b bytes.Buffer
	d := replyLetter()
	d.Date = time.Time{}
	if err := (docx.Writer{}).Write(&b, d); err == nil {
		t.Error("Write accepted a document without a date")
	}
	bad := document.Standard
	bad.LinesPerPage = 0
	if err := (docx.Writer{Layout: &bad}).Write(&b, replyLetter()); err == nil {
		t.Error("Write accepted a layout without a grid")
	}
}

// TestLayoutIsData: another layout changes the file accordingly.
func TestLayoutIsData(t *testing.T) {
	l := document.Standard
	l.Body.Size = 14
	l.LinesPerPage, l.CharsPerLine = 25, 32
	l.MarginLeft = 30
	var b bytes.Buffer
	if err := (docx.Writer{Layout: &l}).Write(&b, replyLetter()); err != nil {
		t.Fatal(err)
	}
	p := readPkg(t, b.Bytes())
	mar := p.doc.path("body", "sectPr", "pgMar")
	if got := mm(atoi(t, "left", mar.w("left"))); math.Abs(got-30) > 0.05 {
		t.Errorf("left margin %.2f mm, want 30", got)
	}
	body := p.runProps(t, p.find(t, "感谢您对法治建设工作").node, nil)
	if body.size != "28" {
		t.Errorf("body size %s half-points, want 28", body.size)
	}
	textH := 16838 - atoi(t, "top", mar.w("top")) - atoi(t, "bottom", mar.w("bottom"))
	if n := textH / atoi(t, "line", body.line); n != 25 {
		t.Errorf("%d lines a page, want 25", n)
	}
	textW := 11906 - atoi(t, "left", mar.w("left")) - atoi(t, "right", mar.w("right"))
	condense := atoi(t, "spacing", p.styles["Normal"].path("rPr", "spacing").w("val"))
	if n := textW / (280 + condense); n != 32 {
		t.Errorf("%d characters a line, want 32", n)
	}
}

// TestRowsStayWhole: a table row shorter than half a page does not break
// across pages; a taller one may.
func TestRowsStayWhole(t *testing.T) {
	d := replyLetter()
	d.Body = append(d.Body, &document.Table{
		Columns: []document.Column{{Header: "序号", Width: 2}, {Header: "问题"}},
		Rows:    [][]string{{"1", "罚款收缴未严格执行罚缴分离制度"}, {"2", strings.Repeat("案卷归档不规范，卷内目录与实际材料不一致。", 60)}},
	})
	p := readPkg(t, write(t, d))
	rows := p.doc.all("tr")
	for i, want := range []bool{true, true, false} {
		if got := rows[i].path("trPr", "cantSplit") != nil; got != want {
			t.Errorf("row %d stays whole: %v, want %v", i, got, want)
		}
	}
}
