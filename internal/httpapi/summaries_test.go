package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// headerAuth takes the role from a test header.
type headerAuth struct{}

func (headerAuth) Authenticate(r *http.Request) (feedback.Identity, error) {
	switch r.Header.Get("X-Test-Role") {
	case "staff":
		return feedback.Identity{Subject: "s", Name: "张科长", Role: feedback.RoleStaff}, nil
	case "unit":
		return feedback.Identity{Subject: "u", Name: "李主任", Role: feedback.RoleUnit, Unit: "棠下镇"}, nil
	}
	return feedback.Identity{}, feedback.Errorf(feedback.EUnauthorized, "who")
}

func TestSummaryRoutes(t *testing.T) {
	now := time.Date(2025, 3, 11, 9, 0, 0, 0, feedback.Shanghai)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	registerTestUnits(t, st)
	svc := feedback.NewService(st, feedback.Config{Now: func() time.Time { return now }})
	h := httpapi.NewStaffHandler(httpapi.StaffConfig{Service: svc, Auth: headerAuth{}, Spreadsheets: xlsx.Codec{}})
	do := func(method, path, role, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		if role != "" {
			r.Header.Set("X-Test-Role", role)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	tests := []struct {
		name, method, path, role, body string
		status                         int
		ctype                          string
	}{
		{"create", "POST", "/api/v1/summaries", "staff", `{"period":"weekly","date":"2025-03-10"}`, 201, "application/json"},
		{"create default date", "POST", "/api/v1/summaries", "staff", `{"period":"daily"}`, 201, "application/json"},
		{"get", "GET", "/api/v1/summaries/weekly-2025-03-10", "staff", "", 200, "application/json"},
		{"html", "GET", "/api/v1/summaries/weekly-2025-03-10.html", "staff", "", 200, "text/html; charset=utf-8"},
		{"xlsx", "GET", "/api/v1/summaries/weekly-2025-03-10.xlsx", "staff", "", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"list", "GET", "/api/v1/summaries?period=weekly", "staff", "", 200, "application/json"},
		{"missing", "GET", "/api/v1/summaries/weekly-2025-03-03.html", "staff", "", 404, "application/json"},
		{"bad period", "POST", "/api/v1/summaries", "staff", `{"period":"yearly"}`, 400, "application/json"},
		{"bad date", "POST", "/api/v1/summaries", "staff", `{"period":"daily","date":"3/10"}`, 400, "application/json"},
		{"future", "POST", "/api/v1/summaries", "staff", `{"period":"daily","date":"2025-03-12"}`, 400, "application/json"},
		{"unknown field", "POST", "/api/v1/summaries", "staff", `{"period":"daily","x":1}`, 400, "application/json"},
		{"unit account", "GET", "/api/v1/summaries/weekly-2025-03-10", "unit", "", 403, "application/json"},
		{"no credentials", "GET", "/api/v1/summaries", "", "", 401, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(tt.method, tt.path, tt.role, tt.body)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, tt.ctype) {
				t.Errorf("content type = %q, want %q", got, tt.ctype)
			}
		})
	}

	t.Run("json fields", func(t *testing.T) {
		var got map[string]any
		if err := json.Unmarshal(do("GET", "/api/v1/summaries/weekly-2025-03-10", "staff", "").Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"period", "from", "to", "suggestions", "problems", "units"} {
			if _, ok := got[k]; !ok {
				t.Errorf("missing %q", k)
			}
		}
		if got["from"] != "2025-03-10" || got["to"] != "2025-03-16" || got["period"] != "weekly" {
			t.Errorf("period = %v %v..%v", got["period"], got["from"], got["to"])
		}
		sg := got["suggestions"].(map[string]any)
		for _, k := range []string{"received", "by_participant_kind", "by_symposium", "by_status"} {
			if _, ok := sg[k]; !ok {
				t.Errorf("suggestions: missing %q", k)
			}
		}
		pr := got["problems"].(map[string]any)
		for _, k := range []string{"open", "rectifying", "rectified", "verified", "overdue", "due_soon", "lookbacks_due"} {
			if _, ok := pr[k]; !ok {
				t.Errorf("problems: missing %q", k)
			}
		}
	})
	t.Run("html page", func(t *testing.T) {
		w := do("GET", "/api/v1/summaries/weekly-2025-03-10.html", "staff", "")
		body := w.Body.String()
		for _, want := range []string{`<html lang="zh-CN">`, "周汇总", "@media print", "责任单位整改考核"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Error("page has script or external resources")
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP = %q", csp)
		}
	})
	t.Run("xlsx sheets", func(t *testing.T) {
		w := do("GET", "/api/v1/summaries/weekly-2025-03-10.xlsx", "staff", "")
		// The name the console shows (已下载:…) is Chinese, not 建言汇总-weekly-….
		if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("建言周汇总-2025-03-10.xlsx")) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		want := []string{"意见建议", "问题整改", "逾期问题", "即将到期", "待回头看", "单位考核", "考评"}
		if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("sheets = %v, want %v", got, want)
		}
		for _, sheet := range want {
			if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 2 {
				t.Errorf("%s panes = %+v (%v), want title and header frozen", sheet, panes, err)
			}
		}
		checkPrintSetup(t, f, "单位考核", "$1:$2")
		for sheet, cell := range map[string][2]string{"意见建议": {"A2", "分类"}, "单位考核": {"E2", "按期整改率"}, "问题整改": {"A3", "待整改"}} {
			got, err := f.GetCellValue(sheet, cell[0])
			if err != nil || got != cell[1] {
				t.Errorf("%s!%s = %q (%v), want %q", sheet, cell[0], got, err, cell[1])
			}
		}
	})
}

// TestSummaryTriageWords checks the words of a summary's status figures
// wherever a person reads them (JSON labels, printable page, workbook):
// suggestions waiting in the triage list are 待分拣, only those filed to a
// real list 已分拣, and a summary stored before the two were counted apart
// names its routed figure 已分拣或待分拣.
func TestSummaryTriageWords(t *testing.T) {
	now := time.Date(2025, 3, 18, 9, 0, 0, 0, feedback.Shanghai)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "jianyan.db"), sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := feedback.NewService(st, feedback.Config{Now: func() time.Time { return now }})
	h := httpapi.NewStaffHandler(httpapi.StaffConfig{Service: svc, Auth: headerAuth{}, Spreadsheets: xlsx.Codec{}})
	get := func(path string) []byte {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("X-Test-Role", "staff")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("GET %s = %d: %s", path, w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	for _, tt := range []struct {
		name     string
		byStatus map[string]int
		want     map[string]int // label → figure
		absent   string
	}{
		{"current", map[string]int{"received": 1, "triage": 4, "routed": 2, "adopted": 0, "declined": 1},
			map[string]int{"已收到": 1, "待分拣": 4, "已分拣": 2, "未采纳": 1}, "已分拣或待分拣"},
		{"stored before", map[string]int{"received": 1, "routed": 6, "adopted": 0, "declined": 1},
			map[string]int{"已收到": 1, "已分拣或待分拣": 6, "未采纳": 1}, "<td>已分拣</td>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			from := feedback.Date("2025-03-10")
			if tt.name != "current" {
				from = "2025-03-03"
			}
			sm := &feedback.Summary{ID: feedback.SummaryID(feedback.Weekly, from), Period: feedback.Weekly, From: from, To: from.AddDays(6),
				GeneratedAt: now, AsOf: "2025-03-18", Suggestions: feedback.SuggestionStats{Received: 8, ByStatus: tt.byStatus}}
			if err := st.PutSummary(t.Context(), sm); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Suggestions struct {
					ByStatus    map[string]int    `json:"by_status"`
					ByState     map[string]int    `json:"by_state"`
					StateLabels map[string]string `json:"state_labels"`
				} `json:"suggestions"`
			}
			if err := json.Unmarshal(get("/api/v1/summaries/"+sm.ID), &got); err != nil {
				t.Fatal(err)
			}
			// by_status keeps the contract's keys: a suggestion waiting in
			// the triage list is routed there.
			wantStatus := map[string]int{"received": 1, "routed": 6, "adopted": 0, "declined": 1}
			if !reflect.DeepEqual(got.Suggestions.ByStatus, wantStatus) {
				t.Errorf("by_status = %v, want %v", got.Suggestions.ByStatus, wantStatus)
			}
			labelled := map[string]int{}
			for k, n := range got.Suggestions.ByState {
				if n > 0 {
					labelled[got.Suggestions.StateLabels[k]] = n
				}
			}
			if !reflect.DeepEqual(labelled, tt.want) {
				t.Errorf("JSON figures by label = %v, want %v", labelled, tt.want)
			}
			page := string(get("/api/v1/summaries/" + sm.ID + ".html"))
			for label, n := range tt.want {
				if row := fmt.Sprintf(`<tr><td>%s</td><td class="n">%d</td></tr>`, label, n); !strings.Contains(page, row) {
					t.Errorf("printable page lacks %s", row)
				}
			}
			if strings.Contains(page, tt.absent) {
				t.Errorf("printable page says %q", tt.absent)
			}
			f, err := excelize.OpenReader(bytes.NewReader(get("/api/v1/summaries/" + sm.ID + ".xlsx")))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("意见建议")
			if err != nil {
				t.Fatal(err)
			}
			sheet := map[string]string{}
			for _, r := range rows {
				if len(r) == 3 && r[0] == "办理状态" {
					sheet[r[1]] = r[2]
				}
			}
			for label, n := range tt.want {
				if sheet[label] != strconv.Itoa(n) {
					t.Errorf("workbook 办理状态 %s = %q, want %d (rows %v)", label, sheet[label], n, sheet)
				}
			}
		})
	}
}
