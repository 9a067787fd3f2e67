package docx_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document"
	"github.com/jianyan/jianyan/internal/testenv"
)

// The tests in this file print every sample with LibreOffice (Debian
// libreoffice-writer-nogui) and read the PDF back with poppler-utils:
// page count, the first page's text, where the lines, the red rule and the
// page numbers fall. The first pages are saved as PNG under
// $JIANYAN_ARTIFACTS/documents for a person to look at.

// fontsConf maps the official fonts, which no free system has, to free
// ones of the same kind (Song for 仿宋 and 小标宋, Hei for 黑体, Kai for
// 楷体): CJK characters are one em wide in all of them, so lines break
// where they would in Word. It is handed to LibreOffice through
// XDG_CONFIG_HOME, which the system's fontconfig reads.
const fontsConf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
` + `%s</fontconfig>
`

var fontAliases = []struct {
	names  []string
	family string
	bold   bool
}{
	{[]string{"仿宋_GB2312", "仿宋", "FangSong", "宋体", "SimSun"}, "Noto Serif CJK SC", false},
	{[]string{"方正小标宋简体"}, "Noto Serif CJK SC", true},
	{[]string{"黑体", "SimHei"}, "Noto Sans CJK SC", false},
	{[]string{"楷体_GB2312", "楷体", "KaiTi"}, "AR PL UKai CN", false},
}

func writeFontsConf(tb testing.TB, dir string) {
	tb.Helper()
	var b strings.Builder
	for _, a := range fontAliases {
		for _, n := range a.names {
			fmt.Fprintf(&b, "<match target=\"pattern\"><test name=\"family\"><string>%s</string></test>"+
				"<edit name=\"family\" mode=\"assign\" binding=\"strong\"><string>%s</string></edit>", n, a.family)
			if a.bold {
				b.WriteString(`<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>`)
			}
			b.WriteString("</match>\n")
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "fontconfig"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fontconfig", "fonts.conf"), fmt.Appendf(nil, fontsConf, b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

var (
	printOnce sync.Once
	printErr  error
	printDir  string
)

// printAll converts every sample to PDF with one LibreOffice run (it takes
// seconds to start) and returns the PDFs by sample name.
func printAll(t *testing.T) map[string]string {
	t.Helper()
	checkPrintTools(t)
	printOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jianyan-docx-")
		if err != nil {
			printErr = err
			return
		}
		printDir = dir
		docs := map[string][]byte{}
		for _, s := range samples {
			docs[s.name] = write(t, s.doc())
		}
		printErr = convert(t, dir, docs)
	})
	if printErr != nil {
		t.Fatal(printErr)
	}
	out := map[string]string{}
	for _, s := range samples {
		p := filepath.Join(printDir, s.name+".pdf")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("LibreOffice made no PDF of %s: %v", s.name, err)
		}
		out[s.name] = p
	}
	return out
}

// printDocs converts Word files, by name, to PDF with one LibreOffice run
// in a directory of their own and returns the PDFs by name.
func printDocs(t *testing.T, docs map[string][]byte) map[string]string {
	t.Helper()
	checkPrintTools(t)
	dir := t.TempDir()
	if err := convert(t, dir, docs); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name := range docs {
		p := filepath.Join(dir, name+".pdf")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("LibreOffice made no PDF of %s: %v", name, err)
		}
		out[name] = p
	}
	return out
}

// checkPrintTools fails (or skips, where tools may be missing) without
// LibreOffice, poppler-utils and the fonts the official ones map to.
func checkPrintTools(t *testing.T) {
	t.Helper()
	testenv.LookPath(t, "install libreoffice-writer-nogui (Debian) with fonts-noto-cjk and fonts-arphic-ukai", "soffice", "libreoffice")
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdftoppm"} {
		testenv.LookPath(t, "install poppler-utils", tool)
	}
	if out, err := exec.Command("fc-list", ":", "family").Output(); err != nil {
		testenv.Missing(t, "fc-list: %v; install fontconfig", err)
	} else {
		for _, a := range fontAliases {
			if !bytes.Contains(out, []byte(a.family)) {
				testenv.Missing(t, "font %q is not installed; install fonts-noto-cjk and fonts-arphic-ukai", a.family)
			}
		}
	}
}

// convert writes docs as name.docx into dir and has LibreOffice print them
// to name.pdf beside them, with the official fonts mapped to free ones.
func convert(t *testing.T, dir string, docs map[string][]byte) error {
	t.Helper()
	soffice := testenv.LookPath(t, "install libreoffice-writer-nogui (Debian)", "soffice", "libreoffice")
	home := filepath.Join(dir, "home")
	writeFontsConf(t, filepath.Join(home, ".config"))
	var files []string
	for name, data := range docs {
		p := filepath.Join(dir, name+".docx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		files = append(files, p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", "pdf", "--outdir", dir}, files...)
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("soffice: %v\n%s", err, out)
	}
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if printDir != "" {
		os.RemoveAll(printDir)
	}
	os.Exit(code)
}

// pageText is the text lines of one PDF page with their boxes, in points
// from the page's top left corner.
type pageText struct {
	width, height float64
	lines         []textLine
}

type textLine struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

// readPages reads every page's lines with pdftotext -bbox-layout.
func readPages(t *testing.T, pdf string) []pageText {
	t.Helper()
	out, err := exec.Command("pdftotext", "-bbox-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox-layout: %v", err)
	}
	var doc struct {
		Pages []struct {
			Width  float64 `xml:"width,attr"`
			Height float64 `xml:"height,attr"`
			Flows  []struct {
				Blocks []struct {
					Lines []struct {
						XMin  float64  `xml:"xMin,attr"`
						YMin  float64  `xml:"yMin,attr"`
						XMax  float64  `xml:"xMax,attr"`
						YMax  float64  `xml:"yMax,attr"`
						Words []string `xml:"word"`
					} `xml:"line"`
				} `xml:"block"`
			} `xml:"flow"`
		} `xml:"body>doc>page"`
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("parse pdftotext output: %v", err)
	}
	var pages []pageText
	for _, p := range doc.Pages {
		pt := pageText{width: p.Width, height: p.Height}
		for _, f := range p.Flows {
			for _, b := range f.Blocks {
				for _, l := range b.Lines {
					pt.lines = append(pt.lines, textLine{strings.Join(l.Words, " "), l.XMin, l.YMin, l.XMax, l.YMax})
				}
			}
		}
		pages = append(pages, pt)
	}
	return pages
}

func pdfPages(t *testing.T, pdf string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func pdfText(t *testing.T, pdf string, page int) string {
	t.Helper()
	p := strconv.Itoa(page)
	out, err := exec.Command("pdftotext", "-f", p, "-l", p, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// renderPage renders a page at dpi, saves it under the artifacts directory
// and returns it.
func renderPage(t *testing.T, pdf, name string, page, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	p := strconv.Itoa(page)
	out := filepath.Join(dir, "page")
	if b, err := exec.Command("pdftoppm", "-f", p, "-l", p, "-r", strconv.Itoa(dpi), "-png", "-singlefile", pdf, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	if a := os.Getenv("JIANYAN_ARTIFACTS"); a != "" {
		ad := filepath.Join(a, "documents")
		if err := os.MkdirAll(ad, 0o755); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(ad, fmt.Sprintf("%s-%d.png", name, page))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("page %d of %s: %s", page, name, dst)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode %s page %d: %v", name, page, err)
	}
	return img
}

// pt converts millimetres to PDF points.
func pt(mm float64) float64 { return mm / 25.4 * 72 }

// squeeze drops the spaces pdftotext puts between CJK and Latin text.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// TestPrinted prints each sample with LibreOffice and checks what a reader
// of the paper sees.
func TestPrinted(t *testing.T) {
	pdfs := printAll(t)
	full := 0 // full lines of CJK text checked
	wantPages := map[string]int{"rectification_notice": 4, "feedback_opinion": 2, "supervision_bulletin": 2, "reply_letter": 2}
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			d := s.doc()
			pdf := pdfs[s.name]
			n := pdfPages(t, pdf)
			if n != wantPages[s.name] {
				t.Errorf("%d pages, want %d", n, wantPages[s.name])
			}
			pages := readPages(t, pdf)
			if len(pages) != n {
				t.Fatalf("pdftotext read %d pages of %d", len(pages), n)
			}
			// A4.
			if math.Abs(pages[0].width-pt(210)) > 1 || math.Abs(pages[0].height-pt(297)) > 1 {
				t.Errorf("page %.1f × %.1f pt, want A4 (595.3 × 841.9)", pages[0].width, pages[0].height)
			}
			// The first page: mark, number, title, addressees.
			first := squeeze(pdfText(t, pdf, 1))
			for _, w := range []string{d.IssuerMark, d.Number, strings.Split(d.Title, "\n")[0][:12], strings.Join(d.Addressees, "、") + "："} {
				if !strings.Contains(first, squeeze(w)) {
					t.Errorf("the first page does not show %q:\n%s", w, pdfText(t, pdf, 1))
				}
			}
			// Signature and date on a page with body text.
			for i, pg := range pages {
				for _, l := range pg.lines {
					if squeeze(l.text) == squeeze(document.FormatDate(d.Date)) {
						body := 0
						for _, o := range pg.lines {
							if o.xMin < pt(28)+pt(156)/28*2+2 && o.yMin < l.yMin {
								body++
							}
						}
						if body == 0 {
							t.Errorf("page %d holds the date without body text", i+1)
						}
					}
				}
			}
			checkPageNumbers(t, pages)
			checkBodyLines(t, pages, &full)
			img := renderPage(t, pdf, s.name, 1, 150)
			checkHead(t, img, 150)
			checkPageNumberInk(t, img, 150)
		})
	}
	if full < 5 {
		t.Errorf("only %d full lines of CJK text to measure", full)
	}
	// The long list runs over two pages with its header on both.
	pages := readPages(t, pdfs["rectification_notice"])
	for _, i := range []int{2, 3} {
		text := ""
		for _, l := range pages[i].lines {
			text += squeeze(l.text) + "\n"
		}
		for _, h := range []string{"序号", "问题", "整改要求", "第一责任人", "整改期限"} {
			if !strings.Contains(text, h+"\n") {
				t.Errorf("page %d of the notice lacks the table header %q", i+1, h)
			}
		}
	}
	renderPage(t, pdfs["rectification_notice"], "rectification_notice", 3, 150)
}

// checkPageNumbers: "— n —" on every page, on the outer side: right on
// odd pages, left on even ones, one character in.
func checkPageNumbers(t *testing.T, pages []pageText) {
	t.Helper()
	for i, pg := range pages {
		want := fmt.Sprintf("—%d—", i+1)
		var found *textLine
		for j := range pg.lines {
			if squeeze(pg.lines[j].text) == want {
				found = &pg.lines[j]
			}
		}
		if found == nil {
			t.Errorf("page %d has no page number %q", i+1, want)
			continue
		}
		if found.yMin < pt(297-35) {
			t.Errorf("page %d: page number at %.1f pt, inside the type area", i+1, found.yMin)
		}
		if (i+1)%2 == 1 {
			if got := pt(210-26) - found.xMax; math.Abs(got-14) > 3 {
				t.Errorf("page %d: page number %.1f pt from the right edge of the type area, want 14 (one 四号 character)", i+1, got)
			}
		} else if got := found.xMin - pt(28); math.Abs(got-14) > 3 {
			t.Errorf("page %d: page number %.1f pt from the left edge of the type area, want 14", i+1, got)
		}
	}
}

// checkBodyLines: body lines 28.95 pt apart (22 a page), starting at the
// left margin (or two characters in), full lines holding 28 characters.
func checkBodyLines(t *testing.T, pages []pageText, full *int) {
	t.Helper()
	left, indent := pt(28), pt(28)+pt(156)/28*2
	for i, pg := range pages {
		var prev *textLine
		for j := range pg.lines {
			l := &pg.lines[j]
			h := l.yMax - l.yMin
			body := math.Abs(h-20.8) < 1.5 && (math.Abs(l.xMin-left) < 1.5 || math.Abs(l.xMin-indent) < 1.5)
			if !body {
				prev = nil
				continue
			}
			if prev != nil && l.yMin > prev.yMin && l.yMin-prev.yMin < 40 {
				if d := l.yMin - prev.yMin; math.Abs(d-pt(225)/22) > 0.3 {
					t.Errorf("page %d: body lines %.2f pt apart, want %.2f (22 a page): %q after %q", i+1, d, pt(225)/22, l.text, prev.text)
				}
			}
			// A full line of CJK text only (digits and Latin letters run
			// proportionally) holds 28 characters, 29 when punctuation
			// hangs in the margin.
			if text := squeeze(l.text); math.Abs(l.xMin-left) < 1.5 && l.xMax > pt(210-26)-3 && allWide(text) {
				*full++
				if w := document.Width(text); w != 28 && (w != 29 || !strings.ContainsRune("，。、；：”）", []rune(text)[len([]rune(text))-1])) {
					t.Errorf("page %d: a full body line of %.0f characters, want 28: %q", i+1, w, l.text)
				}
			}
			prev = l
		}
	}
}

func allWide(s string) bool {
	for _, r := range s {
		if !document.Wide(r) {
			return false
		}
	}
	return s != ""
}

// redRows finds the rows of img with red pixels and, for each, the leftmost
// and rightmost red pixel.
func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 180 && g>>8 < 100 && b>>8 < 100
}

func isInk(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 < 120 && g>>8 < 120 && b>>8 < 120
}

// checkHead: the red issuer mark 35 mm below the top of the type area,
// and the red rule across the type area's width under the number.
func checkHead(t *testing.T, img image.Image, dpi float64) {
	t.Helper()
	px := func(mm float64) int { return int(math.Round(mm / 25.4 * dpi)) }
	b := img.Bounds()
	markTop, rule := -1, -1
	var ruleL, ruleR int
	for y := b.Min.Y; y < b.Max.Y/2; y++ {
		l, r, n := -1, -1, 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if isRed(img.At(x, y)) {
				if l < 0 {
					l = x
				}
				r = x
				n++
			}
		}
		if n == 0 {
			continue
		}
		if markTop < 0 {
			markTop = y
		}
		if rule < 0 && float64(n) > 0.95*float64(px(156)) {
			rule, ruleL, ruleR = y, l, r
		}
	}
	if markTop < 0 || rule < 0 {
		t.Fatalf("no red issuer mark (%d) or red rule (%d) on the first page", markTop, rule)
	}
	toMM := func(p int) float64 { return float64(p) / dpi * 25.4 }
	if got := toMM(markTop); math.Abs(got-72) > 3 {
		t.Errorf("issuer mark's top %.1f mm from the page's top, want 72 (37 + 35)", got)
	}
	if got := toMM(ruleL); math.Abs(got-28) > 1 {
		t.Errorf("red rule starts %.1f mm from the left, want 28", got)
	}
	if got := toMM(ruleR); math.Abs(got-184) > 1 {
		t.Errorf("red rule ends %.1f mm from the left, want 184", got)
	}
	t.Logf("issuer mark top %.1f mm, rule at %.1f mm from %.1f to %.1f mm", toMM(markTop), toMM(rule), toMM(ruleL), toMM(ruleR))
}

// checkPageNumberInk: the page number's dashes 7 mm under the type area.
func checkPageNumberInk(t *testing.T, img image.Image, dpi float64) {
	t.Helper()
	b := img.Bounds()
	px := func(mm float64) int { return int(math.Round(mm / 25.4 * dpi)) }
	// The dash: the widest row of ink below the type area.
	best, bestN := -1, 0
	for y := px(297 - 35); y < b.Max.Y; y++ {
		n := 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if isInk(img.At(x, y)) {
				n++
			}
		}
		if n > bestN {
			best, bestN = y, n
		}
	}
	if best < 0 {
		t.Fatal("no page number ink under the type area")
	}
	if got := float64(best)/dpi*25.4 - (297 - 35); math.Abs(got-7) > 1.5 {
		t.Errorf("page number dashes %.1f mm under the type area, want 7", got)
	}
}
