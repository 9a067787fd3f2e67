package textmatch

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		text     string
		want     []int
	}{
		{"none", []string{"罚款", "执法"}, "营商环境持续优化", []int{}},
		{"one", []string{"罚款", "执法"}, "对企业乱罚款问题突出", []int{0}},
		{"both", []string{"罚款", "执法"}, "综合行政执法中随意罚款", []int{0, 1}},
		{"overlapping", []string{"乱罚款", "罚款", "款项"}, "乱罚款项", []int{0, 1, 2}},
		{"suffix of another", []string{"行政执法", "执法"}, "行政执法", []int{0, 1}},
		{"prefix only is no match", []string{"行政执法"}, "行政执", []int{}},
		{"duplicates both reported", []string{"罚款", "罚款"}, "罚款", []int{0, 1}},
		{"empty pattern never matches", []string{"", "罚款"}, "罚款", []int{1}},
		{"ascii case-insensitive", []string{"App", "QR码"}, "请扫描qr码下载APP", []int{0, 1}},
		{"no rune-misaligned match", []string{"\xe6\xb3\x95"}, "\xe4\xb9\xb1\xe6\xb3\x95", []int{0}},
		{"at start and end", []string{"涉企", "整改"}, "涉企检查必须整改", []int{0, 1}},
		{"empty text", []string{"罚款"}, "", []int{}},
		{"no patterns", nil, "罚款", []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.patterns)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Find(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Find(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestFindAgreesWithContains compares the automaton with strings.Contains
// over random Chinese patterns and texts drawn from a small alphabet, so
// that overlaps, shared prefixes and failure links are exercised heavily.
func TestFindAgreesWithContains(t *testing.T) {
	alphabet := []rune("罚款执法企业乱整改查a")
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(maxLen int) string {
		n := 1 + rng.IntN(maxLen)
		var b strings.Builder
		for range n {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := range 200 {
		patterns := make([]string, 1+rng.IntN(40))
		for i := range patterns {
			patterns[i] = word(4)
		}
		m, err := New(patterns)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			text := word(30)
			got := m.Find(text)
			want := []int{}
			for i, p := range patterns {
				if strings.Contains(text, p) {
					want = append(want, i)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("round %d: patterns %q, text %q: Find = %v, want %v", round, patterns, text, got, want)
			}
		}
	}
}

func TestScanAccumulates(t *testing.T) {
	m, err := New([]string{"营商环境", "罚款"})
	if err != nil {
		t.Fatal(err)
	}
	set := m.NewSet()
	m.Scan("营商环境", set)
	m.Scan("随意罚款", set)
	if got, want := set.Indices(), []int{0, 1}; !slices.Equal(got, want) {
		t.Errorf("after two scans: %v, want %v", got, want)
	}
	set.Reset()
	if got := set.Count(); got != 0 {
		t.Errorf("after Reset: Count = %d, want 0", got)
	}
}

func TestTooLarge(t *testing.T) {
	// Random bytes in long patterns: ~230 classes × ~200,000 states.
	rng := rand.New(rand.NewPCG(3, 4))
	var patterns []string
	for range 2000 {
		b := make([]byte, 100)
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		patterns = append(patterns, string(b))
	}
	if _, err := New(patterns); err == nil {
		t.Fatal("New with a pathological pattern set: no error")
	}
}

// benchKeywords returns n distinct Chinese keywords of 2-4 characters.
func benchKeywords(n int) []string {
	rng := rand.New(rand.NewPCG(7, 9))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteRune(rune(0x4E00 + rng.IntN(3000)))
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

const benchText = "建议对涉企行政检查实行“综合查一次”，减少多头检查、重复检查。" +
	"部分执法人员对小微企业门前三包问题直接罚款，没有先行教育提醒，建议推行首违不罚清单，" +
	"对轻微违法行为依法不予行政处罚，同时加强执法监督，畅通企业投诉渠道，及时回应企业关切。"

func BenchmarkScan(b *testing.B) {
	for _, n := range []int{10, 1000, 5000} {
		b.Run(fmt.Sprint(n, "patterns"), func(b *testing.B) {
			m, err := New(benchKeywords(n))
			if err != nil {
				b.Fatal(err)
			}
			set := m.NewSet()
			b.SetBytes(int64(len(benchText)))
			b.ReportAllocs()
			for b.Loop() {
				set.Reset()
				m.Scan(benchText, set)
			}
			b.ReportMetric(float64(m.States()), "states")
		})
	}
}

func BenchmarkNew5000(b *testing.B) {
	kw := benchKeywords(5000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(kw); err != nil {
			b.Fatal(err)
		}
	}
}
