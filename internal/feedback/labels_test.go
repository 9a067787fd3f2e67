package feedback

import (
	"testing"
	"unicode"
)

func chinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestLabels: every code people can meet has a Chinese label, and no two
// codes of a kind share one.
func TestLabels(t *testing.T) {
	sets := map[string]map[string]string{}
	add := func(set, code, label string) {
		if sets[set] == nil {
			sets[set] = map[string]string{}
		}
		sets[set][code] = label
	}
	for _, k := range ParticipantKinds {
		add("participant kind", string(k), k.Label())
	}
	for _, k := range SuggestionKinds {
		add("suggestion kind", string(k), k.Label())
	}
	for _, c := range Channels {
		add("channel", string(c), c.Label())
	}
	for _, s := range []SuggestionStatus{SuggestionReceived, SuggestionRouted, SuggestionAdopted, SuggestionDeclined} {
		add("suggestion status", string(s), s.Label())
	}
	for _, s := range ProblemStatuses {
		add("problem status", string(s), s.Label())
	}
	for _, s := range []SymposiumStatus{SymposiumDraft, SymposiumOpen, SymposiumClosed} {
		add("symposium status", string(s), s.Label())
	}
	for _, r := range []Role{RoleAdmin, RoleStaff, RoleUnit} {
		add("role", string(r), r.Label())
	}
	for _, p := range []Period{Daily, Weekly, Monthly} {
		add("period", string(p), p.Label())
	}
	for a := range actionLabels {
		add("audit action", a, ActionLabel(a))
	}
	for set, labels := range sets {
		seen := map[string]string{}
		for code, label := range labels {
			if !chinese(label) {
				t.Errorf("%s %q: label %q is not Chinese", set, code, label)
			}
			if other, dup := seen[label]; dup {
				t.Errorf("%s %q and %q share the label %q", set, code, other, label)
			}
			seen[label] = code
		}
	}
	if ProblemStatus("done").Label() != "" || ActionLabel("deleted") != "" {
		t.Error("an unknown code got a label")
	}
}

func TestSuggestionStatusLabel(t *testing.T) {
	tests := []struct {
		status SuggestionStatus
		list   string
		want   string
	}{
		{SuggestionReceived, "", "已收到"},
		{SuggestionRouted, TriageListID, "待分拣"},
		{SuggestionRouted, "01jnlist", "已分拣"},
		{SuggestionAdopted, "01jnlist", "已采纳"},
		{SuggestionDeclined, TriageListID, "未采纳"},
	}
	for _, tt := range tests {
		sg := &Suggestion{Status: tt.status, ProblemListID: tt.list}
		if got := sg.StatusLabel(); got != tt.want {
			t.Errorf("%s in %q: StatusLabel = %q, want %q", tt.status, tt.list, got, tt.want)
		}
	}
}

func TestFieldLabel(t *testing.T) {
	tests := []struct{ field, want string }{
		{"content", "内容"},
		{"participant_kind", "参会身份"},
		{"rules[3].problem_list_id", "问题清单"},
		{"rules[0].match.symposium_ids[2]", "座谈会"},
		{"rules.name", "规则名称"},
		{"rules[1].name", "规则名称"},
		{"problems.overdue_items.title", "标题"},
		// As the console names them: a list's and a problem's units.
		{"owner_unit", "牵头单位"},
		{"co_units", "协办单位"},
		{"co_units[1]", "协办单位"},
		{"no_such_field", "该项"},
		{"", "该项"},
	}
	for _, tt := range tests {
		if got := FieldLabel(tt.field); got != tt.want {
			t.Errorf("FieldLabel(%q) = %q, want %q", tt.field, got, tt.want)
		}
	}
	// Every message checkText writes names the field in Chinese.
	err := checkText("responsible_person", "", true, PersonMaxRunes, false)
	if got := ErrorMessage(err); got != "请填写第一责任人" {
		t.Errorf("checkText message = %q", got)
	}
}
