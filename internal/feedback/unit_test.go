package feedback

import (
	"strings"
	"testing"
)

func TestSuggestUnit(t *testing.T) {
	registered := []string{"区市场监督管理局", "区司法局", "区综合行政执法局", "区人力资源和社会保障局", "某某镇人民政府"}
	tests := []struct {
		free string
		want string
	}{
		{"区市场监督管理局", "区市场监督管理局"},
		{"区市场监管局", "区市场监督管理局"},  // the common abbreviation
		{"市场监管局", "区市场监督管理局"},   // without the district
		{"区人社局", "区人力资源和社会保障局"}, // characters in order
		{"区综合执法局", "区综合行政执法局"},  // one word left out
		{"某某镇政府", "某某镇人民政府"},
		{"区司法局办公室", "区司法局"}, // the longer free text
		{"区教育局", ""},        // nothing alike enough
		{"区交通运输局", ""},
	}
	for _, tt := range tests {
		if got := SuggestUnit(tt.free, registered); got != tt.want {
			t.Errorf("SuggestUnit(%q) = %q, want %q", tt.free, got, tt.want)
		}
	}
}

func TestUnitValidate(t *testing.T) {
	tests := []struct {
		name      string
		u         Unit
		wantField string
	}{
		{"valid", Unit{Name: "区司法局", Head: "王局长", Contact: "0571-8888 0000"}, ""},
		{"with robot", Unit{Name: "区司法局", Notify: NotifyChannel{Kind: NotifyWeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}}, ""},
		{"no name", Unit{}, "name"},
		{"padded", Unit{Name: " 区司法局"}, "name"},
		{"slash", Unit{Name: "区司法局/办公室"}, "name"},
		{"colon", Unit{Name: "unit:区司法局"}, "name"},
		{"too long", Unit{Name: strings.Repeat("局", UnitMaxRunes+1)}, "name"},
		{"two lines", Unit{Name: "区司法局\n办公室"}, "name"},
		{"bad channel", Unit{Name: "区司法局", Notify: NotifyChannel{Kind: NotifyWeCom, URL: "https://example.com"}}, "notify.url"},
		{"long head", Unit{Name: "区司法局", Head: strings.Repeat("王", PersonMaxRunes+1)}, "head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.u.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Field != tt.wantField || e.Code != EInvalid {
				t.Fatalf("Validate() = %v, want invalid %s", err, tt.wantField)
			}
		})
	}
}
