package docx

import (
	"math"
	"strings"

	"github.com/jianyan/jianyan/internal/document"
)

// balance breaks a title that is wider than capacity characters into as
// few lines as it needs, of about even width, each break at the best place
// near the even split: after 的, a conjunction, punctuation or a word
// that ends a unit's name, never inside a number or a Latin word, never
// before closing or after opening punctuation. It knows no words, so a
// clerk may still move a break; the domain can give the breaks itself.
func balance(title string, capacity float64) []string {
	rs := []rune(title)
	total := titleWidth(rs)
	if capacity < 4 || total <= capacity {
		return []string{title}
	}
	lines := int(math.Ceil(total / capacity))
	var out []string
	start := 0
	for l := lines; l > 1; l-- {
		rest := rs[start:]
		ideal := titleWidth(rest) / float64(l)
		slack := max(2, ideal/5)
		// The best allowed break near the even split, else the allowed
		// break nearest to it; with none at all the word processor wraps.
		best, bestCost := -1, math.Inf(1)
		w := 0.0
		for i := 1; i < len(rest); i++ {
			w += width(rest[i-1])
			if i > 1 {
				w += gap(rest[i-2], rest[i-1])
			}
			if w > capacity {
				break
			}
			if breakForbidden(rest[i-1], rest[i]) {
				continue
			}
			cost := math.Abs(w - ideal)
			if cost > slack {
				cost += 100
			}
			switch {
			case splitsWord(rs, start+i):
				cost += 3
			case goodBreakAfter(rest[:i]):
				cost -= 2.5
			case strings.HasSuffix(string(rest[:i]), "关于"), rest[i-1] == '对', insideQuote(rs[:start+i]):
				cost += 3
			}
			if cost <= bestCost { // a tie goes to the longer first line
				best, bestCost = i, cost
			}
		}
		if best < 0 {
			break
		}
		out = append(out, string(rest[:best]))
		start += best
	}
	return append(out, string(rs[start:]))
}

func width(r rune) float64 {
	if document.Wide(r) {
		return 1
	}
	return 0.5
}

// gap is the space a word processor puts between Chinese characters and
// digits or Latin letters next to them (Word's and WPS's 自动调整中文与数字、
// 西文的间距 are on by default; LibreOffice does the same): about a
// quarter of a character. A title measured without it ran over its line
// by a character or two when it carried a date, leaving 议 alone.
func gap(a, b rune) float64 {
	if a == ' ' || b == ' ' || document.Wide(a) == document.Wide(b) || isPunct(a) || isPunct(b) {
		return 0
	}
	return 0.25
}

// isPunct: full-width punctuation takes no extra space beside digits.
func isPunct(r rune) bool {
	return strings.ContainsRune("，。、；：？！“”‘’（）《》〔〕【】…·", r)
}

func titleWidth(rs []rune) float64 {
	w := 0.0
	for i, r := range rs {
		w += width(r)
		if i > 0 {
			w += gap(rs[i-1], r)
		}
	}
	return w
}

// insideQuote reports whether a break after head falls inside quotation
// marks or title marks.
func insideQuote(head []rune) bool {
	depth := 0
	for _, r := range head {
		switch r {
		case '“', '《', '（':
			depth++
		case '”', '》', '）':
			depth--
		}
	}
	return depth > 0
}

// breakForbidden: no line starts with closing punctuation or ends with
// opening punctuation, and numbers and Latin words stay whole.
func breakForbidden(before, after rune) bool {
	switch {
	case strings.ContainsRune("，。、；：？！”’）》〕】…·", after):
		return true
	case strings.ContainsRune("“‘（《〔【", before):
		return true
	case !document.Wide(before) && !document.Wide(after) && before != ' ' && after != ' ':
		return true
	}
	return false
}

// goodBreakAfter reports whether a title line may well end with head: after
// 的, a conjunction, punctuation, or a character that often ends a unit's
// name or a noun (局, 办, 镇, 问题, 事项, 建议, …).
func goodBreakAfter(head []rune) bool {
	return strings.ContainsRune("的和与及、，”》）〕局办会府镇街厅委院所处室部题项款况作见议", head[len(head)-1])
}

// titleWords are words of the office's titles that begin with a character
// goodBreakAfter favours ending a line with (办 of 依法治办, 处 of 执法处):
// a line ending inside one (意见建议办｜理) splits the word, which GB/T
// 9704 asks titles never to do.
var titleWords = []string{"意见建议", "法治", "督察", "整改", "办理", "办法", "办案", "办件", "处理", "处罚", "处置", "会议", "会同", "部门", "部署",
	"项目", "作出", "作风", "街道", "所属", "见效", "委托", "局面"}

// splitsWord reports whether a break before rs[at] falls inside one of
// titleWords.
func splitsWord(rs []rune, at int) bool {
	for _, w := range titleWords {
		wr := []rune(w)
		for k := 1; k < len(wr); k++ {
			if at-k >= 0 && at-k+len(wr) <= len(rs) && string(rs[at-k:at-k+len(wr)]) == w {
				return true
			}
		}
	}
	return false
}
