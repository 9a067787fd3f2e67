package textmatch

import (
	"math"
	"testing"
)

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name    string
		a, b    string
		atLeast float64
		atMost  float64
	}{
		{"identical", "建议规范涉企行政检查", "建议规范涉企行政检查", 1, 1},
		{"punctuation and space ignored", "建议：规范涉企 行政检查！", "建议规范涉企行政检查", 1, 1},
		{"full-width folded", "ＡＢＣ１２３", "abc123", 1, 1},
		{"near duplicate", "对小微企业门前三包问题直接罚款，建议先教育后处罚",
			"小微企业门前三包问题被直接罚款，建议先教育再处罚", 0.6, 0.95},
		{"unrelated", "建议增加社区养老服务设施", "涉企行政执法乱罚款问题突出", 0, 0.1},
		{"empty", "", "建议", 0, 0},
		{"only punctuation", "。。。", "！！！", 0, 0},
		{"single character", "罚", "罚", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Similarity(tt.a, tt.b)
			if got < tt.atLeast || got > tt.atMost {
				t.Errorf("Similarity(%q, %q) = %.3f, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.atLeast, tt.atMost)
			}
			if back := Similarity(tt.b, tt.a); math.Abs(back-got) > 1e-12 {
				t.Errorf("not symmetric: %.3f vs %.3f", got, back)
			}
		})
	}
}

func TestProfileLen(t *testing.T) {
	// 执法执法: bigrams 执法, 法执, 执法 → 2 distinct.
	if got, want := NewProfile("执法执法").Len(), 2; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
}
