package docx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// This file reads a written file back the way a word processor does: the
// parts of the package, their XML, and each paragraph's and run's
// properties resolved through the style chain (document defaults, the
// paragraph style and the styles it is based on, direct formatting).

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// node is an XML element.
type node struct {
	name     xml.Name
	attr     map[xml.Name]string
	children []*node
	text     string // character data directly inside
}

// w returns the value of the w: attribute local, "" when absent.
func (n *node) w(local string) string {
	if n == nil {
		return ""
	}
	return n.attr[xml.Name{Space: nsW, Local: local}]
}

// child returns the first w: child element local, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.name.Space == nsW && c.name.Local == local {
			return c
		}
	}
	return nil
}

// path follows w: children by name; nil when one is missing.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// all returns every w: descendant element local, in document order.
func (n *node) all(local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		for _, c := range m.children {
			if c.name.Space == nsW && c.name.Local == local {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// texts is the text of a paragraph or any element: w:t, w:tab as a tab,
// w:br as a line break.
func (n *node) texts() string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		for _, c := range m.children {
			if c.name.Space == nsW {
				switch c.name.Local {
				case "t":
					b.WriteString(c.text)
				case "tab":
					b.WriteString("\t")
				case "br":
					b.WriteString("\n")
				case "instrText":
					continue
				}
			}
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func parseXML(tb testing.TB, name string, data []byte) *node {
	tb.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, attr: map[xml.Name]string{}}
			for _, a := range t.Attr {
				n.attr[a.Name] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(t)
		}
	}
	if len(root.children) != 1 {
		tb.Fatalf("%s has %d root elements", name, len(root.children))
	}
	return root.children[0]
}

// pkg is a written file, read back.
type pkg struct {
	parts  map[string][]byte
	doc    *node // w:document
	styles map[string]*node
	defRPr *node
}

func readPkg(tb testing.TB, data []byte) *pkg {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatalf("not a zip package: %v", err)
	}
	p := &pkg{parts: map[string][]byte{}, styles: map[string]*node{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatalf("open %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatalf("read %s: %v", f.Name, err)
		}
		p.parts[f.Name] = b
	}
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "word/styles.xml"} {
		if p.parts[name] == nil {
			tb.Fatalf("the package has no %s", name)
		}
	}
	p.doc = parseXML(tb, "word/document.xml", p.parts["word/document.xml"])
	st := parseXML(tb, "word/styles.xml", p.parts["word/styles.xml"])
	p.defRPr = st.path("docDefaults", "rPrDefault", "rPr")
	for _, s := range st.all("style") {
		p.styles[s.w("styleId")] = s
	}
	return p
}

// props are the properties of a run of text as a word processor resolves
// them.
type props struct {
	font  string // eastAsia font
	size  string // half-points
	color string
	scale string // w:w, character width in percent
	// paragraph
	style                 string
	line, lineRule, jc    string
	firstLine, firstChars string
	keepNext              bool
	borderBottom          *node
}

func (p *pkg) applyRPr(pr *props, rpr *node) {
	if rpr == nil {
		return
	}
	if f := rpr.child("rFonts"); f != nil && f.w("eastAsia") != "" {
		pr.font = f.w("eastAsia")
	}
	if s := rpr.child("sz"); s != nil {
		pr.size = s.w("val")
	}
	if c := rpr.child("color"); c != nil {
		pr.color = c.w("val")
	}
	if w := rpr.child("w"); w != nil {
		pr.scale = w.w("val")
	}
}

func (p *pkg) applyPPr(pr *props, ppr *node) {
	if ppr == nil {
		return
	}
	if s := ppr.child("spacing"); s != nil {
		if s.w("line") != "" {
			pr.line, pr.lineRule = s.w("line"), s.w("lineRule")
		}
	}
	if j := ppr.child("jc"); j != nil {
		pr.jc = j.w("val")
	}
	if i := ppr.child("ind"); i != nil {
		pr.firstLine, pr.firstChars = i.w("firstLine"), i.w("firstLineChars")
	}
	if k := ppr.child("keepNext"); k != nil {
		pr.keepNext = k.w("val") != "0"
	}
	if b := ppr.path("pBdr", "bottom"); b != nil {
		pr.borderBottom = b
	}
}

// styleChain is the style and the styles it is based on, the root first.
func (p *pkg) styleChain(tb testing.TB, id string) []*node {
	tb.Helper()
	var chain []*node
	for id != "" {
		s := p.styles[id]
		if s == nil {
			tb.Fatalf("style %q is used but not defined", id)
		}
		chain = append([]*node{s}, chain...)
		id = s.child("basedOn").w("val")
		if len(chain) > 10 {
			tb.Fatalf("style %q: basedOn loop", id)
		}
	}
	return chain
}

// runProps resolves the properties of run r in paragraph para.
func (p *pkg) runProps(tb testing.TB, para, r *node) props {
	tb.Helper()
	var pr props
	p.applyRPr(&pr, p.defRPr)
	pr.style = para.path("pPr", "pStyle").w("val")
	if pr.style == "" {
		pr.style = "Normal"
	}
	for _, s := range p.styleChain(tb, pr.style) {
		p.applyPPr(&pr, s.child("pPr"))
		p.applyRPr(&pr, s.child("rPr"))
	}
	p.applyPPr(&pr, para.child("pPr"))
	if r != nil {
		p.applyRPr(&pr, r.child("rPr"))
	}
	return pr
}

// paragraph is a paragraph of the body with its text and runs.
type paragraph struct {
	node *node
	text string
}

// paragraphs lists the body's paragraphs outside tables.
func (p *pkg) paragraphs() []paragraph {
	var out []paragraph
	for _, c := range p.doc.child("body").children {
		if c.name.Local == "p" {
			out = append(out, paragraph{c, c.texts()})
		}
	}
	return out
}

// find returns the body paragraph whose text is s, else the first that
// contains s.
func (p *pkg) find(tb testing.TB, s string) paragraph {
	tb.Helper()
	for _, para := range p.paragraphs() {
		if para.text == s {
			return para
		}
	}
	for _, para := range p.paragraphs() {
		if strings.Contains(para.text, s) {
			return para
		}
	}
	tb.Fatalf("no paragraph contains %q", s)
	return paragraph{}
}

// text is the whole document's text, paragraphs (and table cells) one a
// line.
func (p *pkg) text() string {
	var b strings.Builder
	for _, para := range p.doc.all("p") {
		b.WriteString(para.texts())
		b.WriteByte('\n')
	}
	return b.String()
}
