package feedback_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// asciiLower folds ASCII letters only, the case-insensitivity Route
// documents for keywords.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FuzzRouteKeywords compiles a rule from fuzzed keywords ("|"-separated)
// and routes a fuzzed topic and content: the compiled router must agree
// with the plain definition (every non-empty keyword, trimmed, occurs in
// the topic or in the content, ASCII case-insensitively; any of keywords_any,
// all of keywords_all), and neither compiling nor routing may panic.
func FuzzRouteKeywords(f *testing.F) {
	f.Add("罚款|处罚", "", "行政执法", "个别执法人员对轻微违法行为直接罚款。")
	f.Add("", "企业|检查", "涉企检查", "检查过多,企业疲于应付。")
	f.Add("PPP|ppp项目", "", "", "部分PPP项目回款慢。")
	f.Add("ＡＢＣ", "", "ＡＢＣ", "全角字母")
	f.Add(" 罚款 |\u3000", "罚", "", "罚款")
	f.Add("a|aa|aaa", "aa", "A", "AAAA")
	list := feedback.NewID(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	f.Fuzz(func(t *testing.T, anyKW, allKW, topic, content string) {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "|")
		}
		rs := &feedback.RuleSet{Rules: []feedback.RoutingRule{{
			Name: "规则", ProblemListID: list,
			Match: feedback.RuleMatch{KeywordsAny: split(anyKW), KeywordsAll: split(allKW)},
		}}}
		r, err := feedback.CompileRules(rs)
		if err != nil {
			if feedback.ErrorCode(err) != feedback.EInvalid {
				t.Fatalf("CompileRules: %v, want EInvalid or success", err)
			}
			return
		}
		d := r.Route(&feedback.Suggestion{ParticipantKind: feedback.Enterprise, Topic: topic, Content: content})
		lt, lc := asciiLower(topic), asciiLower(content)
		has := func(k string) bool { return strings.Contains(lt, k) || strings.Contains(lc, k) }
		norm := func(list []string) []string {
			var out []string
			for _, k := range list {
				if k = asciiLower(feedback.CleanText(k)); k != "" {
					out = append(out, k)
				}
			}
			return out
		}
		want := true
		if ks := norm(split(anyKW)); len(ks) > 0 {
			want = false
			for _, k := range ks {
				want = want || has(k)
			}
		}
		for _, k := range norm(split(allKW)) {
			want = want && has(k)
		}
		if got := d.ProblemListID == list; got != want {
			t.Fatalf("any %q all %q, topic %q content %q: routed by the rule = %v, want %v", anyKW, allKW, topic, content, got, want)
		}
		if !want && d.ProblemListID != feedback.TriageListID {
			t.Fatalf("no match went to %q, want triage", d.ProblemListID)
		}
	})
}
