package docx

import (
	"fmt"
	"math"
	"strings"

	"github.com/jianyan/jianyan/internal/document"
)

const xml1 = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg = "http://schemas.openxmlformats.org/package/2006/relationships"
)

const contentTypes = xml1 + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRels = xml1 + `<Relationships xmlns="` + nsPkg + `">` +
	`<Relationship Id="rId1" Type="` + nsR + `/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="` + nsR + `/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

// documentRels: rId4 and rId5 are the footers sectPr names.
const documentRels = xml1 + `<Relationships xmlns="` + nsPkg + `">` +
	`<Relationship Id="rId1" Type="` + nsR + `/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="` + nsR + `/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="` + nsR + `/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId4" Type="` + nsR + `/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rId5" Type="` + nsR + `/footer" Target="footer2.xml"/>` +
	`</Relationships>`

const appXML = xml1 + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Jianyan</Application></Properties>`

// settingsXML: footers differ on even and odd pages (the page number
// stands on the outer side); punctuation keeps its full width, as the
// standard's 28 characters a line count it; Word 2013 layout.
const settingsXML = xml1 + `<w:settings xmlns:w="` + nsW + `">` +
	`<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>` +
	`</w:settings>`

// stylesXML defines the paragraph styles of the layout, named in Chinese
// so a clerk editing the document finds and reuses them; the headings are
// Word's built-in heading styles, so the navigation pane lists them.
func stylesXML(l *document.Layout, g geometry) string {
	var b strings.Builder
	body := halfPts(l.Body.Size)
	exact := fmt.Sprintf(`<w:spacing w:line="%d" w:lineRule="exact"/>`, g.linePitch)
	b.WriteString(xml1 + `<w:styles xmlns:w="` + nsW + `">`)
	fmt.Fprintf(&b, `<w:docDefaults><w:rPrDefault><w:rPr>%s<w:kern w:val="2"/><w:sz w:val="%d"/><w:szCs w:val="%d"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>`,
		rFonts(l.Body.Name), body, body)
	style := func(id, name, basedOn, next string, extra, ppr, rpr string) {
		fmt.Fprintf(&b, `<w:style w:type="paragraph" w:styleId="%s"`, id)
		if id == "Normal" {
			b.WriteString(` w:default="1"`)
		}
		b.WriteString(`><w:name w:val="` + name + `"/>`)
		if basedOn != "" {
			b.WriteString(`<w:basedOn w:val="` + basedOn + `"/>`)
		}
		if next != "" {
			b.WriteString(`<w:next w:val="` + next + `"/>`)
		}
		b.WriteString(extra)
		if ppr != "" {
			b.WriteString(`<w:pPr>` + ppr + `</w:pPr>`)
		}
		if rpr != "" {
			b.WriteString(`<w:rPr>` + rpr + `</w:rPr>`)
		}
		b.WriteString(`</w:style>`)
	}
	size := func(p document.Pt) string {
		return fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, halfPts(p), halfPts(p))
	}
	quick := `<w:qFormat/>`
	// Only body-size text is condensed to the grid.
	const noCondense = `<w:spacing w:val="0"/>`
	indent2 := fmt.Sprintf(`<w:ind w:firstLineChars="200" w:firstLine="%d"/>`, g.chars(2))

	// Normal repeats the body font and size of the defaults: LibreOffice
	// takes the grid's character pitch from Normal's size.
	style("Normal", "Normal", "", "", quick, `<w:widowControl w:val="0"/>`+exact+`<w:jc w:val="both"/>`, rFonts(l.Body.Name)+fmt.Sprintf(`<w:spacing w:val="%d"/>`, g.condense)+size(l.Body.Size))
	style(styleBody, "公文正文", "Normal", styleBody, quick, indent2, "")
	for lvl := 1; lvl <= 4; lvl++ {
		rpr := ""
		switch lvl {
		case 1:
			rpr = rFonts(l.Heading1)
		case 2:
			rpr = rFonts(l.Heading2)
		}
		style(fmt.Sprintf("Heading%d", lvl), fmt.Sprintf("heading %d", lvl), styleBody, styleBody,
			`<w:uiPriority w:val="9"/>`+quick,
			fmt.Sprintf(`<w:keepNext/><w:outlineLvl w:val="%d"/>`, lvl-1), rpr)
	}
	style(styleTitle, "公文标题", "Normal", styleBody, quick, `<w:jc w:val="center"/>`, rFonts(l.Title.Name)+noCondense+size(l.Title.Size))
	style(styleMark, "发文机关标志", "Normal", styleBody, quick,
		`<w:snapToGrid w:val="0"/>`+fmt.Sprintf(`<w:spacing w:line="%d" w:lineRule="exact"/>`, markLine(float64(l.IssuerMark.Size)))+`<w:jc w:val="center"/>`,
		rFonts(l.IssuerMark.Name)+`<w:color w:val="`+esc(l.Red)+`"/>`+noCondense+size(l.IssuerMark.Size))
	// The rule: the number's bottom border, RuleGap under the text (the
	// border's space is in whole points, at most 31).
	space := min(31, int(math.Round(float64(l.RuleGap)/25.4*72)))
	weight := max(2, min(96, int(math.Round(float64(l.RuleWeight)*8))))
	style(styleNumber, "发文字号", "Normal", styleBody, quick,
		fmt.Sprintf(`<w:pBdr><w:bottom w:val="single" w:sz="%d" w:space="%d" w:color="%s"/></w:pBdr><w:jc w:val="center"/>`, weight, space, esc(l.Red)), "")
	style(styleAddressee, "主送机关", "Normal", styleBody, quick, "", "")
	style(styleSignature, "发文机关署名", "Normal", "", quick, `<w:jc w:val="right"/>`, "")
	style(styleDate, "成文日期", "Normal", "", quick, fmt.Sprintf(`<w:ind w:right="%d"/><w:jc w:val="right"/>`, g.chars(float64(l.DateIndent))), "")
	style(styleLabel, "附件标识", "Normal", "", quick, "", rFonts(l.Heading1))
	tableLine := fmt.Sprintf(`<w:spacing w:line="%d" w:lineRule="exact"/>`, (&builder{l: l}).tableLine())
	style(styleTable, "表格文字", "Normal", "", quick, `<w:snapToGrid w:val="0"/>`+tableLine+`<w:jc w:val="left"/>`,
		rFonts(l.Table.Name)+noCondense+size(l.Table.Size))
	style(styleTableHead, "表头", styleTable, "", quick, `<w:keepNext/><w:jc w:val="center"/>`, rFonts(l.TableHeader))
	style(styleFooter, "页码", "Normal", "", "", `<w:snapToGrid w:val="0"/>`+fmt.Sprintf(`<w:spacing w:line="%d" w:lineRule="exact"/>`, g.footerLine),
		rFonts(l.PageNumber.Name)+noCondense+size(l.PageNumber.Size))
	b.WriteString(`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>`)
	b.WriteString(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.WriteString(`</w:styles>`)
	return b.String()
}

// fontInfo is what Word needs to substitute a font a machine lacks: the
// usual alternative name, the PANOSE class, the family and the pitch.
// Chinese fonts carry the GB2312 charset (86).
type fontInfo struct{ alt, panose, family, pitch string }

var knownFonts = map[string]fontInfo{
	"仿宋_GB2312": {"仿宋", "02010609030101010101", "modern", "fixed"},
	"仿宋":        {"FangSong", "02010609060101010101", "modern", "fixed"},
	"楷体_GB2312": {"楷体", "02010609030101010101", "modern", "fixed"},
	"楷体":        {"KaiTi", "02010609060101010101", "modern", "fixed"},
	"黑体":        {"SimHei", "02010609060101010101", "modern", "fixed"},
	"宋体":        {"SimSun", "02010600030101010101", "auto", "variable"},
	"方正小标宋简体":   {"宋体", "02000000000000000000", "auto", "variable"},
}

// fontTableXML lists the layout's fonts with their substitution hints.
func fontTableXML(l *document.Layout) string {
	var b strings.Builder
	b.WriteString(xml1 + `<w:fonts xmlns:w="` + nsW + `">`)
	seen := map[string]bool{}
	for _, name := range []string{l.Body.Name, l.Title.Name, l.Heading1, l.Heading2, l.IssuerMark.Name, l.PageNumber.Name, l.Table.Name, l.TableHeader} {
		if seen[name] {
			continue
		}
		seen[name] = true
		b.WriteString(`<w:font w:name="` + esc(name) + `">`)
		if f, ok := knownFonts[name]; ok {
			b.WriteString(`<w:altName w:val="` + esc(f.alt) + `"/><w:panose1 w:val="` + f.panose + `"/><w:charset w:val="86"/>` +
				`<w:family w:val="` + f.family + `"/><w:pitch w:val="` + f.pitch + `"/>`)
		} else {
			b.WriteString(`<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/>`)
		}
		b.WriteString(`</w:font>`)
	}
	b.WriteString(`</w:fonts>`)
	return b.String()
}
