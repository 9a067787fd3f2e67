package docx_test

import (
	"strings"
	"testing"
)

// schemaOrder is the order ECMA-376 (WordprocessingML, transitional)
// gives the children of the elements the writer uses. Word refuses a file
// whose elements are out of this order ("unreadable content"), where
// LibreOffice and WPS read it anyway, so only this test would notice. A
// "*" stands for any other child from there on (runs in a paragraph).
var schemaOrder = map[string][]string{
	"document": {"background", "body"},
	"body":     {"*", "sectPr"},
	"p":        {"pPr", "*"},
	"r":        {"rPr", "*"},
	"pPr": strings.Fields(`pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr
		suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct
		topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind
		contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment
		textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange`),
	"rPr": strings.Fields(`rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow
		emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs
		highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath`),
	"pBdr": strings.Fields(`top left bottom right between bar`),
	"sectPr": strings.Fields(`footerReference footnotePr endnotePr type pgSz pgMar paperSrc
		pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi
		rtlGutter docGrid printerSettings sectPrChange`),
	"tbl": {"tblPr", "tblGrid", "tr"},
	"tblPr": strings.Fields(`tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize
		tblStyleColBandSize tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar
		tblLook tblCaption tblDescription`),
	"tblBorders": strings.Fields(`top left bottom right insideH insideV`),
	"tblCellMar": strings.Fields(`top left bottom right`),
	"tblGrid":    {"gridCol"},
	"tr":         {"tblPrEx", "trPr", "tc"},
	"trPr":       strings.Fields(`cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden`),
	"tc":         {"tcPr", "*"},
	"tcPr": strings.Fields(`cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar
		textDirection tcFitText vAlign hideMark`),
	"styles":      {"docDefaults", "latentStyles", "style"},
	"docDefaults": {"rPrDefault", "pPrDefault"},
	"rPrDefault":  {"rPr"},
	"pPrDefault":  {"pPr"},
	"style": strings.Fields(`name aliases basedOn next link autoRedefine hidden uiPriority
		semiHidden unhideWhenUsed qFormat locked personal personalCompose personalReply rsid
		pPr rPr tblPr trPr tcPr tblStylePr`),
	"settings": strings.Fields(`writeProtection view zoom removePersonalInformation
		removeDateAndTime doNotDisplayPageBoundaries displayBackgroundShape
		printPostScriptOverText printFractionalCharacterWidth printFormsData embedTrueTypeFonts
		embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges
		bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors
		hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate
		linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge revisionView
		trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection
		autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop autoHyphenation
		consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope summaryLength
		clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting
		bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing
		drawingGridVerticalSpacing displayHorizontalDrawingGridEvery
		displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin
		drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData
		noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars
		noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema
		saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml
		saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags alwaysMergeEmptyNamespace
		updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr
		attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats
		doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType
		schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator`),
	"fonts": {"font"},
	"font":  strings.Fields(`altName panose1 charset family notTrueType pitch sig embedRegular embedBold embedItalic embedBoldItalic`),
	"ftr":   {"p", "tbl"},
}

// rank is where a child may stand among its parent's children.
func rank(seq []string, child string) (int, bool) {
	if child == "headerReference" {
		child = "footerReference" // one choice group in sectPr
	}
	star := -1
	for i, s := range seq {
		if s == child {
			return i, true
		}
		if s == "*" {
			star = i
		}
	}
	return star, star >= 0
}

// checkOrder reports every element of the tree whose children are out of
// schema order or not allowed at all.
func checkOrder(tb testing.TB, part string, n *node) {
	tb.Helper()
	if n.name.Space == nsW {
		if seq, ok := schemaOrder[n.name.Local]; ok {
			last := -1
			for _, c := range n.children {
				if c.name.Space != nsW {
					continue
				}
				r, ok := rank(seq, c.name.Local)
				if !ok {
					tb.Errorf("%s: <w:%s> may not hold <w:%s>", part, n.name.Local, c.name.Local)
					continue
				}
				if r < last {
					tb.Errorf("%s: in <w:%s>, <w:%s> comes after an element the schema puts after it", part, n.name.Local, c.name.Local)
				}
				last = r
			}
		}
	}
	for _, c := range n.children {
		checkOrder(tb, part, c)
	}
}

func TestSchemaOrder(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			p := readPkg(t, write(t, s.doc()))
			for name, data := range p.parts {
				if strings.HasSuffix(name, ".xml") && strings.HasPrefix(name, "word/") {
					checkOrder(t, name, parseXML(t, name, data))
				}
			}
			// A table cell and the body end with a paragraph.
			for _, tc := range p.doc.all("tc") {
				if l := tc.children[len(tc.children)-1]; l.name.Local != "p" {
					t.Errorf("a table cell ends with <w:%s>, want <w:p>", l.name.Local)
				}
			}
			body := p.doc.child("body").children
			if l := body[len(body)-2]; l.name.Local != "p" {
				t.Errorf("the body's last block is <w:%s>, want <w:p> before the sectPr", l.name.Local)
			}
		})
	}
}

// TestSchemaOrderCatches makes sure the check above can fail.
func TestSchemaOrderCatches(t *testing.T) {
	bad := parseXML(t, "bad", []byte(`<w:p xmlns:w="`+nsW+`"><w:pPr><w:jc w:val="center"/><w:spacing w:line="579"/></w:pPr></w:p>`))
	ft := &fakeTB{TB: t}
	checkOrder(ft, "bad", bad)
	if !ft.failed {
		t.Error("checkOrder accepted <w:spacing> after <w:jc>")
	}
}

type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Errorf(string, ...any) { f.failed = true }
func (f *fakeTB) Helper()               {}
