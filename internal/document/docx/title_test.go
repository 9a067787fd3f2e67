package docx

import (
	"reflect"
	"testing"
)

func TestBalance(t *testing.T) {
	for _, c := range []struct {
		title string
		want  []string
	}{
		// Fits one line of 20 characters.
		{"关于2025年第一季度督察整改情况的通报", []string{"关于2025年第一季度督察整改情况的通报"}},
		// Twenty characters, but the word processor puts a quarter of a
		// character between 于 and 2025 and between 2025 and 年: it
		// would not fit, and 报 would wrap alone.
		{"关于2025年第一季度法治督察整改情况的通报", []string{"关于2025年第一季度", "法治督察整改情况的通报"}},
		// A week's bulletin: its dates' spacing made the first line run
		// over by one character (意见建｜议).
		{"关于2026年11月30日至12月6日意见建议办理和问题整改情况的通报", []string{"关于2026年11月30日至12月6日", "意见建议办理和问题整改情况的通报"}},
		// Even lines, not a last line of one character.
		{"关于对涉企行政检查频次问题意见建议的答复函", []string{"关于对涉企行政检查频次", "问题意见建议的答复函"}},
		// After a word that ends a name, near the middle.
		{"关于区市场监督管理局涉企乱罚款问题专项督察的反馈意见书", []string{"关于区市场监督管理局涉企乱罚款", "问题专项督察的反馈意见书"}},
		// Not inside quotation marks.
		{"杜阮镇综合行政执法“进驻式”监督问题整改清单", []string{"杜阮镇综合行政执法", "“进驻式”监督问题整改清单"}},
		// Three lines.
		{"关于环市街道办事处职权下放重放轻管问题专项整治发现问题整改情况和下一步工作安排的反馈意见书",
			[]string{"关于环市街道办事处职权下放重放", "轻管问题专项整治发现问题整改情况", "和下一步工作安排的反馈意见书"}},
		// Not inside a word, though 办 often ends a name: the bulletin
		// of a day, as the domain titles it.
		{"关于2025年3月4日意见建议办理和问题整改情况的通报", []string{"关于2025年3月4日意见建议", "办理和问题整改情况的通报"}},
		// Latin words stay whole; with no allowed break the word processor wraps.
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ", []string{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"}},
	} {
		if got := balance(c.title, 20); !reflect.DeepEqual(got, c.want) {
			t.Errorf("balance(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}
