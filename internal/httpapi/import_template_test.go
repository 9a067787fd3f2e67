package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

// importTemplateHeader is the header row the import template must carry:
// the columns the import dialog and the README name.
var importTemplateHeader = []string{"参会身份", "类别", "姓名", "单位", "联系方式", "主题", "内容", "书写日期"}

// templatePreview is the part of a preview answer the template test reads.
type templatePreview struct {
	Token string `json:"token"`
	New   int    `json:"new"`
	Rows  []struct {
		ParticipantKind string `json:"participant_kind"`
		Kind            string `json:"kind"`
		Name            string `json:"name"`
		Organization    string `json:"organization"`
		Contact         string `json:"contact"`
		Topic           string `json:"topic"`
		Content         string `json:"content"`
		WrittenOn       string `json:"written_on"`
	} `json:"rows"`
	Errors []json.RawMessage `json:"errors"`
}

// importFilled previews body (a filled-in template) for sym, expects no
// errors and want new rows, then imports it with the preview's token.
func importFilled(t *testing.T, e *exportEnv, sym *feedback.Symposium, ctype string, body []byte, want int) templatePreview {
	t.Helper()
	resp := e.do(t, "POST", "/api/v1/suggestions/import/preview?symposium_id="+sym.ID, exportAdminToken, ctype, string(body))
	raw, _ := io.ReadAll(resp.Body)
	var p templatePreview
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &p) != nil || len(p.Errors) != 0 || p.New != want || len(p.Rows) != want {
		t.Fatalf("preview of the filled template = %d %s, want %d new rows and no errors", resp.StatusCode, raw, want)
	}
	resp = e.do(t, "POST", "/api/v1/suggestions/import?symposium_id="+sym.ID+"&preview_token="+p.Token, exportAdminToken, ctype, string(body))
	raw, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(raw), `"created":`) {
		t.Fatalf("import of the filled template = %d %s", resp.StatusCode, raw)
	}
	return p
}

// exampleContent replaces the template example's content in a filled-in
// template.
const exampleContent = "建议在小区门口设置快递集中收发点。"

// exampleRefused previews body, a template sent back with its example row
// left in, and expects that row refused with a message saying what to do.
func exampleRefused(t *testing.T, e *exportEnv, ctype string, body []byte) {
	t.Helper()
	sym := e.symposium(t, "示例行 "+ctype, "")
	resp := e.do(t, "POST", "/api/v1/suggestions/import/preview?symposium_id="+sym.ID, exportAdminToken, ctype, string(body))
	raw, _ := io.ReadAll(resp.Body)
	var p struct {
		New    int `json:"new"`
		Errors []struct {
			Row     int    `json:"row"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &p); err != nil || resp.StatusCode != http.StatusOK || p.New != 0 ||
		len(p.Errors) != 1 || p.Errors[0].Row != 2 || !strings.Contains(p.Errors[0].Message, "示例行") {
		t.Errorf("preview of the template with its example left in = %d %s, want row 2 refused as the example", resp.StatusCode, raw)
	}
}

// TestImportTemplate: both templates carry the importer's Chinese header
// and an example row, refused when left in; a template whose example is
// replaced and with one more row previews
// without errors and imports, every column landing in its field.
func TestImportTemplate(t *testing.T) {
	e := newExportEnv(t)
	today := string(feedback.DateOf(e.clock.Now()))
	check := func(t *testing.T, p templatePreview) {
		t.Helper()
		ex := p.Rows[0]
		if ex.ParticipantKind != "community" || ex.Kind != "suggestion" || ex.Name == "" || ex.Organization == "" ||
			ex.Contact == "" || ex.Topic == "" || ex.Content == "" || ex.WrittenOn != today {
			t.Errorf("example row previews as %+v: a column of the template is not read", ex)
		}
		if r := p.Rows[1]; r.ParticipantKind != "npc_deputy" || r.Kind != "problem_lead" || r.Name != "李四" || r.WrittenOn != "2025-03-01" {
			t.Errorf("filled row previews as %+v", r)
		}
	}

	t.Run("xlsx", func(t *testing.T) {
		f := openXLSX(t, e, "/api/v1/suggestions/import/template.xlsx", exportAdminToken)
		sheets := f.GetSheetList()
		if len(sheets) != 2 || sheets[0] != "意见建议" || sheets[1] != "填写说明" {
			t.Fatalf("sheets = %v", sheets)
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil || len(rows) != 2 || !slices.Equal(rows[0], importTemplateHeader) || len(rows[1]) != len(importTemplateHeader) {
			t.Fatalf("template rows = %q, %v; want the header %q and one example row", rows, err, importTemplateHeader)
		}
		// Sent back unchanged, the example row is refused, not stored.
		var unchanged bytes.Buffer
		if err := f.Write(&unchanged); err != nil {
			t.Fatal(err)
		}
		exampleRefused(t, e, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", unchanged.Bytes())
		// The example's content replaced; every other column kept.
		if err := f.SetCellValue(sheets[0], "G2", exampleContent); err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow(sheets[0], "A3", &[]any{"人大代表", "问题线索", "李四", "区人大", "0750-1234567", "环境卫生",
			"农贸市场周边垃圾清运不及时,夏季异味明显。", "2025-03-01"}); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		check(t, importFilled(t, e, e.symposium(t, "XLSX 模板导入", ""), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes(), 2))
	})

	t.Run("csv", func(t *testing.T) {
		resp := e.do(t, "GET", "/api/v1/suggestions/import/template.csv", exportAdminToken, "", "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("GET template.csv = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		lines := strings.Split(strings.TrimRight(strings.TrimPrefix(string(body), "\ufeff"), "\r\n"), "\r\n")
		if len(lines) != 2 || lines[0] != strings.Join(importTemplateHeader, ",") {
			t.Fatalf("template.csv = %q", body)
		}
		exampleRefused(t, e, "text/csv", body)
		body = []byte(strings.Replace(string(body), feedback.ImportExample.Content, exampleContent, 1))
		body = append(body, "人大代表,问题线索,李四,区人大,0750-1234567,环境卫生,\"农贸市场周边垃圾清运不及时,夏季异味明显。\",2025/3/1\r\n"...)
		check(t, importFilled(t, e, e.symposium(t, "CSV 模板导入", ""), "text/csv", body, 2))
	})

	t.Run("signed in only", func(t *testing.T) {
		if resp := e.do(t, "GET", "/api/v1/suggestions/import/template.xlsx", "", "", ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("without a token = %d, want 401", resp.StatusCode)
		}
	})
}
