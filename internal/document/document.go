// Package document holds formal documents (公文) as plain values: what a
// document says, in a layout-neutral model of headings, paragraphs and
// tables, and how the national standard GB/T 9704-2012 (党政机关公文格式)
// lays it out, as data. The domain fills a Document; the adapter in package
// docx writes it as a Word file in that layout.
//
// The package imports nothing beyond the standard library, so the domain and
// the HTTP layer can use it without linking any file format.
package document

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Document is one formal document: the head (版头: issuer mark and number),
// the main part (主体: title, addressees, body, attachment list, signature,
// date, note) and the attachments, each on pages of its own.
//
// Text may hold any characters: control characters are dropped when the
// document is written, and a line break ("\n") in a paragraph starts a new
// paragraph (in a title, a new line of the title).
type Document struct {
	// IssuerMark is the 发文机关标志, printed large and red at the top: the
	// issuer's name, usually followed by 文件 ("某某区全面依法治区委员会
	// 办公室文件"). Empty leaves the mark out; the number and the red rule
	// are still printed.
	IssuerMark string
	// Number is the document number (发文字号), e.g. 区依法治办〔2025〕3号,
	// printed under the mark, above the red rule.
	Number string
	// Title is the document's title (标题). A "\n" breaks the title where
	// the author wants it to break (the standard asks for balanced lines).
	Title string
	// Addressees are the main recipients (主送机关), printed after the title
	// joined with 、 and followed by a full-width colon.
	Addressees []string
	// Body is the text of the document.
	Body []Block
	// Attachments follow the main part, each starting on a new page with the
	// label 附件 (附件1, 附件2, … when there are several) and its title;
	// the main part lists them (附件说明) after the body.
	Attachments []Attachment
	// Signature is the issuer's name as signed (发文机关署名), centred over
	// the date.
	Signature string
	// Date is the date the document was made (成文日期), printed in Arabic
	// numerals (2025年3月12日) as its calendar day in its own location.
	Date time.Time
	// Note is the 附注 (e.g. a contact for questions), printed in
	// parentheses under the date.
	Note string
}

// Block is one piece of body text: a *Heading, a *Paragraph or a *Table.
type Block interface{ block() }

// Heading is a numbered heading. Levels 1 to 4 are numbered 一、 （一）
// 1. （1） in the order the standard prescribes, each level counting from
// one again under a new heading of a higher level; the writer adds the
// number, so Text carries none.
type Heading struct {
	Level int    `json:"level"`
	Text  string `json:"text"`
	// Body, when set, continues the heading's paragraph in body type (the
	// standard's run-in heading: "（一）整改要求。逐项……").
	Body string `json:"body,omitempty"`
}

// Paragraph is a paragraph of body text, indented two characters.
type Paragraph struct {
	Text string
}

// Table is a table with a header row that is repeated on every page the
// table runs over. Use it where a list is long.
type Table struct {
	Columns []Column `json:"columns"`
	// Rows are the cells, row by row; a row may be shorter than the header
	// (the rest is empty) but not longer.
	Rows [][]string `json:"rows"`
}

// Column is one column of a Table.
type Column struct {
	// Header is the column's heading.
	Header string `json:"header"`
	// Width is the column's width in characters of the table's type; 0
	// shares what the other columns leave of the text width.
	Width float64 `json:"width,omitempty"`
	// Center centres the column's cells (numbers, dates, short words).
	Center bool `json:"center,omitempty"`
}

func (*Heading) block()   {}
func (*Paragraph) block() {}
func (*Table) block()     {}

// Attachment is an attachment (附件) of the document.
type Attachment struct {
	// Title is the attachment's title, printed on its first page and in the
	// main part's list of attachments.
	Title string
	Body  []Block
}

// Check reports what makes d unprintable: no title, no date, a heading of
// an unknown level, a table row longer than its header. Lengths are not
// limited here; the domain decides what it stores.
func (d *Document) Check() error {
	if strings.TrimSpace(d.Title) == "" {
		return errors.New("document: no title")
	}
	if d.Date.IsZero() {
		return errors.New("document: no date")
	}
	if err := checkBlocks(d.Body); err != nil {
		return fmt.Errorf("document body: %w", err)
	}
	for i, a := range d.Attachments {
		if strings.TrimSpace(a.Title) == "" {
			return fmt.Errorf("document attachment %d: no title", i+1)
		}
		if err := checkBlocks(a.Body); err != nil {
			return fmt.Errorf("document attachment %d: %w", i+1, err)
		}
	}
	return nil
}

func checkBlocks(blocks []Block) error {
	for i, b := range blocks {
		switch b := b.(type) {
		case *Heading:
			if b.Level < 1 || b.Level > 4 {
				return fmt.Errorf("block %d: heading level %d, want 1 to 4", i+1, b.Level)
			}
		case *Paragraph:
		case *Table:
			if len(b.Columns) == 0 {
				return fmt.Errorf("block %d: a table without columns", i+1)
			}
			for r, row := range b.Rows {
				if len(row) > len(b.Columns) {
					return fmt.Errorf("block %d: table row %d has %d cells for %d columns", i+1, r+1, len(row), len(b.Columns))
				}
			}
		case nil:
			return fmt.Errorf("block %d: nil", i+1)
		default:
			return fmt.Errorf("block %d: unknown block %T", i+1, b)
		}
	}
	return nil
}

// HeadingNumber is the number a heading of the level gets as the n-th of
// its level (from 1): 一、 （一） 1. （1）, as GB/T 9704-2012 prescribes
// for the four levels.
func HeadingNumber(level, n int) string {
	switch level {
	case 1:
		return Numeral(n) + "、"
	case 2:
		return "（" + Numeral(n) + "）"
	case 3:
		return fmt.Sprintf("%d.", n)
	default:
		return fmt.Sprintf("（%d）", n)
	}
}

// Numeral writes n (1 to 9999) in Chinese numerals as counts are written in
// documents: 一, 十, 十一, 二十, 一百零五. Other numbers are written in
// Arabic numerals.
func Numeral(n int) string {
	if n < 1 || n > 9999 {
		return fmt.Sprint(n)
	}
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	units := []string{"千", "百", "十", ""}
	if n < 20 && n >= 10 {
		// 十一, not 一十一.
		return "十" + strings.TrimPrefix(digits[n%10], "零")
	}
	var b strings.Builder
	zero := false
	for i, div := range []int{1000, 100, 10, 1} {
		d := n / div % 10
		switch {
		case d == 0:
			zero = b.Len() > 0
		default:
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteString(digits[d] + units[i])
		}
	}
	return b.String()
}

// FormatDate writes t's calendar day in its own location as the standard
// writes a date: Arabic numerals, no leading zeros (2025年3月2日).
func FormatDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// Width is how many full-width characters s takes: a CJK character or
// full-width punctuation counts 1, a Latin letter, digit or half-width
// sign ½. Used to place text the standard aligns by characters.
func Width(s string) float64 {
	var w float64
	for _, r := range s {
		if Wide(r) {
			w++
		} else {
			w += 0.5
		}
	}
	return w
}

// Wide reports whether r is set full width in Chinese type: CJK ideographs,
// kana, hangul, full-width forms and the punctuation Chinese fonts set full
// width (— “ ” ‘ ’ … ·).
func Wide(r rune) bool {
	switch {
	case r < 0x1100:
		return r == 0xB7 // middle dot
	case r == 0x2014 || r == 0x2015 || (r >= 0x2018 && r <= 0x201D) || r == 0x2026 || r == 0x203B:
		return true
	case r >= 0x2E80 && r <= 0xA4CF, // radicals, CJK punctuation, kana, ideographs, Yi
		r >= 0xAC00 && r <= 0xD7A3, // hangul
		r >= 0xF900 && r <= 0xFAFF, // compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // ideograph extensions
		return true
	}
	return false
}

// Clean returns s with what a document cannot hold removed: invalid UTF-8
// becomes U+FFFD, control characters other than "\n" and "\t" go, "\r\n"
// and "\r" become "\n".
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			return -1
		case r == 0xFFFE || r == 0xFFFF:
			return -1
		}
		return r
	}, s)
}

func isClean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7F || (r >= 0x80 && r < 0xA0) || r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}
