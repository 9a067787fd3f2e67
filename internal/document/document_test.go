package document_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document"
)

func TestNumeral(t *testing.T) {
	for n, want := range map[int]string{
		1: "一", 9: "九", 10: "十", 11: "十一", 19: "十九", 20: "二十", 21: "二十一", 99: "九十九",
		100: "一百", 101: "一百零一", 105: "一百零五", 110: "一百一十", 1000: "一千", 1001: "一千零一",
		1010: "一千零一十", 2025: "二千零二十五", 9999: "九千九百九十九", 0: "0", 10000: "10000", -3: "-3",
	} {
		if got := document.Numeral(n); got != want {
			t.Errorf("Numeral(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestHeadingNumber(t *testing.T) {
	for _, c := range []struct {
		level, n int
		want     string
	}{{1, 1, "一、"}, {1, 12, "十二、"}, {2, 3, "（三）"}, {3, 4, "4."}, {4, 2, "（2）"}} {
		if got := document.HeadingNumber(c.level, c.n); got != c.want {
			t.Errorf("HeadingNumber(%d, %d) = %q, want %q", c.level, c.n, got, c.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	// The calendar day in the time's own location, no leading zeros.
	shanghai := time.FixedZone("CST", 8*3600)
	d := time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC) // 2 March 04:00 in Shanghai
	if got, want := document.FormatDate(d.In(shanghai)), "2025年3月2日"; got != want {
		t.Errorf("FormatDate = %q, want %q", got, want)
	}
	if got, want := document.FormatDate(time.Date(2025, 12, 31, 0, 0, 0, 0, shanghai)), "2025年12月31日"; got != want {
		t.Errorf("FormatDate = %q, want %q", got, want)
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]float64{
		"": 0, "区依法治办": 5, "2025年3月12日": 6.5, "〔2025〕3号": 5.5, "“回头看”": 5, "ABC": 1.5, "——": 2,
	} {
		if got := document.Width(s); got != want {
			t.Errorf("Width(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"整改\r\n要求\r完成":          "整改\n要求\n完成",
		"a\x00b\x01c\x1fd\x7fe": "abcde",
		"制表\t保留":                "制表\t保留",
		"坏\xffUTF-8":            "坏\uFFFDUTF-8",
		"\uFFFE非字符\uFFFF":       "非字符",
		"<&>正常文字":               "<&>正常文字",
	} {
		if got := document.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocumentCheck(t *testing.T) {
	date := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	ok := func() *document.Document {
		return &document.Document{Title: "关于整改的通知", Date: date, Body: []document.Block{&document.Paragraph{Text: "正文"}}}
	}
	if err := ok().Check(); err != nil {
		t.Fatalf("Check of a printable document: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*document.Document)
		want string
	}{
		{"no title", func(d *document.Document) { d.Title = "  \n" }, "no title"},
		{"no date", func(d *document.Document) { d.Date = time.Time{} }, "no date"},
		{"heading level 0", func(d *document.Document) { d.Body = append(d.Body, &document.Heading{Level: 0}) }, "heading level 0"},
		{"heading level 5", func(d *document.Document) { d.Body = append(d.Body, &document.Heading{Level: 5}) }, "heading level 5"},
		{"nil block", func(d *document.Document) { d.Body = append(d.Body, nil) }, "nil"},
		{"table without columns", func(d *document.Document) { d.Body = append(d.Body, &document.Table{}) }, "without columns"},
		{"row too long", func(d *document.Document) {
			d.Body = append(d.Body, &document.Table{Columns: []document.Column{{Header: "序号"}}, Rows: [][]string{{"1", "多余"}}})
		}, "2 cells for 1 columns"},
		{"attachment without title", func(d *document.Document) { d.Attachments = []document.Attachment{{}} }, "attachment 1: no title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := ok()
			c.edit(d)
			err := d.Check()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Check = %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestLayoutCheck(t *testing.T) {
	l := document.Standard
	if err := l.Check(); err != nil {
		t.Fatalf("the standard layout: %v", err)
	}
	if got, want := l.TypeWidth(), document.MM(156); got != want {
		t.Errorf("type width = %v mm, want %v (GB/T 9704-2012 7.2)", got, want)
	}
	if got, want := l.TypeHeight(), document.MM(225); got != want {
		t.Errorf("type height = %v mm, want %v", got, want)
	}
	for _, c := range []struct {
		name string
		edit func(*document.Layout)
	}{
		{"no type area", func(l *document.Layout) { l.MarginLeft = 200 }},
		{"negative margin", func(l *document.Layout) { l.MarginTop = -1 }},
		{"no grid", func(l *document.Layout) { l.LinesPerPage = 0 }},
		{"body font without size", func(l *document.Layout) { l.Body.Size = 0 }},
		{"title font without name", func(l *document.Layout) { l.Title.Name = "" }},
		{"no heading face", func(l *document.Layout) { l.Heading2 = "" }},
		{"red not RRGGBB", func(l *document.Layout) { l.Red = "red" }},
		{"red not hex", func(l *document.Layout) { l.Red = "GG0000" }},
		{"negative distance", func(l *document.Layout) { l.SealLines = -1 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := document.Standard
			c.edit(&l)
			if err := l.Check(); err == nil {
				t.Errorf("Check accepted a layout with %s", c.name)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	d := &document.Document{
		IssuerMark: "蓬江区全面依法治区委员会办公室文件", Number: "区依法治办〔2025〕3号", Title: "关于整改的\n通知书",
		Addressees: []string{"杜阮镇人民政府", "环市街道办事处"},
		Body: []document.Block{
			&document.Heading{Level: 1, Text: "主要问题"},
			&document.Heading{Level: 2, Text: "压实责任。", Body: "逐项整改。"},
			&document.Paragraph{Text: "第一段\n第二段"},
			&document.Table{Columns: []document.Column{{Header: "序号", Width: 2.5, Center: true}, {Header: "问题"}}, Rows: [][]string{{"1", "罚缴分离"}, {"2"}}},
		},
		Attachments: []document.Attachment{{Title: "问题清单", Body: []document.Block{&document.Paragraph{Text: "见表"}}}},
		Signature:   "蓬江区全面依法治区委员会办公室",
		Date:        time.Date(2025, 3, 14, 10, 30, 0, 0, shanghai),
		Note:        "联系人：李明",
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var got document.Document
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("Unmarshal(%s): %v", data, err)
	}
	if !got.Date.Equal(d.Date) || document.FormatDate(got.Date) != "2025年3月14日" {
		t.Errorf("date %v, want %v on the same calendar day", got.Date, d.Date)
	}
	got.Date = d.Date
	if !reflect.DeepEqual(&got, d) {
		t.Errorf("round trip:\n got %#v\nwant %#v\njson %s", got, *d, data)
	}
	for _, bad := range []string{
		`{"title":"x","body":[{}]}`,
		`{"title":"x","body":[{"paragraph":"a","heading":{"level":1}}]}`,
		`{"title":"x","attachments":[{"title":"a","body":[{}]}]}`,
	} {
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Unmarshal(%s) accepted a block of no kind or two", bad)
		}
	}
	if _, err := json.Marshal(&document.Document{Body: []document.Block{nil}}); err == nil {
		t.Error("Marshal accepted a nil block")
	}
}
