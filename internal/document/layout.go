package document

import (
	"errors"
	"fmt"
	"strings"
)

// MM is a length in millimetres.
type MM float64

// Pt is a type size or a line's thickness in points (1/72 inch).
type Pt float64

// Font is a typeface at a size. Chinese type sizes have names: 初号 42 pt,
// 小初 36, 一号 26, 二号 22, 三号 16, 四号 14, 小四 12.
type Font struct {
	Name string
	Size Pt
}

// Layout is how a document is laid out on paper: the page, the type grid,
// the typefaces and the distances the standard fixes. Standard is the
// layout of GB/T 9704-2012; the writer lays out every document by a Layout
// value, so a change is a change of data.
type Layout struct {
	// PageWidth and PageHeight are the paper size.
	PageWidth, PageHeight MM
	// The margins around the type area (版心): top 天头, left 订口.
	MarginTop, MarginBottom, MarginLeft, MarginRight MM
	// LinesPerPage and CharsPerLine are the type grid of the body: the
	// type area holds this many lines of this many body characters.
	LinesPerPage, CharsPerLine int

	// Body is the body text and the level 3 and 4 headings (仿宋).
	Body Font
	// Title is the document's title (小标宋).
	Title Font
	// Heading1 and Heading2 are the typefaces of the first two heading
	// levels (黑体, 楷体), at the body size.
	Heading1, Heading2 string
	// IssuerMark is the 发文机关标志's typeface and its preferred size; a
	// long mark is set narrower (and at worst smaller) to fit the type
	// area's width on one line.
	IssuerMark Font
	// Red is the colour of the issuer mark and the rule under the number,
	// as RRGGBB.
	Red string
	// PageNumber is the typeface of the page numbers (— 1 —).
	PageNumber Font
	// Table is the text of tables; TableHeader the typeface of their header
	// row, at the same size.
	Table       Font
	TableHeader string

	// IssuerMarkTop is the distance from the top of the type area to the
	// top of the issuer mark.
	IssuerMarkTop MM
	// RuleGap is the distance from the number down to the red rule, and
	// RuleWeight the rule's thickness.
	RuleGap    MM
	RuleWeight Pt
	// PageNumberGap is the distance from the bottom of the type area down
	// to the dashes of the page number.
	PageNumberGap MM
	// SealLines is the number of empty lines between the body and the
	// signature: the room the seal (印章) takes above the signature and the
	// date it presses on.
	SealLines int
	// DateIndent is how many characters the date stands from the right
	// edge of the type area (右空四字).
	DateIndent int
}

// Standard is the layout of GB/T 9704-2012 (党政机关公文格式): A4 paper; a
// type area of 156 × 225 mm with margins top 37 mm, bottom 35 mm, left
// 28 mm, right 26 mm; 22 lines of 28 characters of 三号 仿宋_GB2312; the
// title in 二号 方正小标宋简体; headings 黑体 and 楷体_GB2312; the issuer mark
// red, 35 mm below the top of the type area; the number, then the red rule
// 4 mm under it; page numbers in 四号 宋体 between dashes, 7 mm under the
// type area; the date four characters from the right edge.
var Standard = Layout{
	PageWidth: 210, PageHeight: 297,
	MarginTop: 37, MarginBottom: 35, MarginLeft: 28, MarginRight: 26,
	LinesPerPage: 22, CharsPerLine: 28,

	Body:        Font{"仿宋_GB2312", 16},
	Title:       Font{"方正小标宋简体", 22},
	Heading1:    "黑体",
	Heading2:    "楷体_GB2312",
	IssuerMark:  Font{"方正小标宋简体", 42},
	Red:         "FF0000",
	PageNumber:  Font{"宋体", 14},
	Table:       Font{"仿宋_GB2312", 12},
	TableHeader: "黑体",

	IssuerMarkTop: 35,
	RuleGap:       4,
	RuleWeight:    1.5,
	PageNumberGap: 7,
	SealLines:     2,
	DateIndent:    4,
}

// TypeWidth and TypeHeight are the size of the type area (版心).
func (l *Layout) TypeWidth() MM  { return l.PageWidth - l.MarginLeft - l.MarginRight }
func (l *Layout) TypeHeight() MM { return l.PageHeight - l.MarginTop - l.MarginBottom }

// Check reports a layout that cannot be printed: no room inside the
// margins, no grid, a font without a name or a size.
func (l *Layout) Check() error {
	if l.TypeWidth() <= 0 || l.TypeHeight() <= 0 {
		return errors.New("layout: the margins leave no type area")
	}
	if l.MarginTop < 0 || l.MarginBottom < 0 || l.MarginLeft < 0 || l.MarginRight < 0 {
		return errors.New("layout: a negative margin")
	}
	if l.LinesPerPage < 1 || l.CharsPerLine < 1 {
		return errors.New("layout: no type grid")
	}
	for name, f := range map[string]Font{"body": l.Body, "title": l.Title, "issuer mark": l.IssuerMark,
		"page number": l.PageNumber, "table": l.Table} {
		if f.Name == "" || f.Size <= 0 {
			return fmt.Errorf("layout: the %s font needs a name and a size", name)
		}
	}
	if l.Heading1 == "" || l.Heading2 == "" || l.TableHeader == "" {
		return errors.New("layout: a heading typeface is missing")
	}
	if len(l.Red) != 6 || strings.Trim(strings.ToUpper(l.Red), "0123456789ABCDEF") != "" {
		return errors.New("layout: red is not an RRGGBB colour")
	}
	if l.SealLines < 0 || l.DateIndent < 0 || l.IssuerMarkTop < 0 || l.RuleGap < 0 || l.PageNumberGap < 0 || l.RuleWeight < 0 {
		return errors.New("layout: a negative distance")
	}
	return nil
}
