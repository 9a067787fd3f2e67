package httpapi

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet"
)

// MaxImportBytes bounds an import upload: 2,000 rows of long suggestions
// fit, and it stays under Lambda's 6 MB synchronous payload.
const MaxImportBytes = 4 << 20

const (
	mimeCSV  = "text/csv"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// importColumns maps header cells (the API field names or the Chinese
// labels of a paper-form spreadsheet) to fields.
var importColumns = map[string]string{
	"participant_kind": "participant_kind", "参会身份": "participant_kind", "身份": "participant_kind",
	"kind": "kind", "类别": "kind", "类型": "kind",
	"name": "name", "姓名": "name",
	"organization": "organization", "单位": "organization", "工作单位": "organization",
	"contact": "contact", "联系方式": "contact", "电话": "contact", "联系电话": "contact",
	"topic": "topic", "主题": "topic",
	"content": "content", "内容": "content", "意见建议": "content", "意见建议内容": "content",
	"written_on": "written_on", "书写日期": "written_on", "填写日期": "written_on", "填表日期": "written_on", "日期": "written_on",
}

// importResultJSON answers an import.
type importResultJSON struct {
	Created    int             `json:"created"`
	Duplicates int             `json:"duplicates"`
	Items      []submittedJSON `json:"items"`
}

// importSuggestions serves POST /api/v1/suggestions/import. The file comes
// as multipart/form-data (fields symposium_id, preview_token and file), or
// as the raw body (text/csv or the XLSX type) with ?symposium_id= and
// ?preview_token=. CSV is UTF-8, with or without a BOM. Every row is
// checked first; any invalid row → 400 listing each (row, field, message)
// and nothing stored. With preview_token (the token of POST
// /api/v1/suggestions/import/preview), a file or symposium other than the
// previewed one → 409 and nothing stored. 201 when rows were stored, 200
// when the file had been imported before and nothing new was stored.
func (h *StaffHandler) importSuggestions(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	up, err := readImportUpload(w, r)
	if err != nil {
		return err
	}
	rows, err := parseImportFile(up.name, up.data, h.readXLSX)
	if err != nil {
		return err
	}
	res, err := h.svc.Import(r.Context(), id, up.symposiumID, rows, up.previewToken)
	if err != nil {
		return err
	}
	out := importResultJSON{Created: res.Created, Duplicates: res.Duplicates, Items: make([]submittedJSON, 0, len(res.Suggestions))}
	for _, sg := range res.Suggestions {
		out.Items = append(out.Items, submittedJSON{ID: sg.ID, Receipt: sg.Receipt, Status: string(sg.Status), SubmittedAt: formatTime(sg.SubmittedAt)})
	}
	status := http.StatusCreated
	if res.Created == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
	return nil
}

// importPreviewJSON answers a preview: every valid row as it would be
// stored, every invalid row's error, and the token that confirms this file.
type importPreviewJSON struct {
	SymposiumID string          `json:"symposium_id"`
	Token       string          `json:"token"`
	New         int             `json:"new"`
	Duplicates  int             `json:"duplicates"`
	Rows        []importRowJSON `json:"rows"`
	Errors      []rowErrorJSON  `json:"errors"`
}

// importRowJSON is one valid row of a preview.
type importRowJSON struct {
	Row             int    `json:"row"`
	ParticipantKind string `json:"participant_kind"`
	Kind            string `json:"kind"`
	Name            string `json:"name,omitempty"`
	Organization    string `json:"organization,omitempty"`
	Contact         string `json:"contact,omitempty"`
	Topic           string `json:"topic,omitempty"`
	Content         string `json:"content"`
	WrittenOn       string `json:"written_on,omitempty"`
	// Duplicate: an earlier import of the same file stored this row;
	// importing again stores nothing for it.
	Duplicate bool `json:"duplicate"`
}

// previewImport serves POST /api/v1/suggestions/import/preview: the same
// upload as an import, checked and stored nowhere. 200 with the rows and
// the errors, also when some rows are invalid.
func (h *StaffHandler) previewImport(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	up, err := readImportUpload(w, r)
	if err != nil {
		return err
	}
	rows, err := parseImportFile(up.name, up.data, h.readXLSX)
	if err != nil {
		return err
	}
	p, err := h.svc.PreviewImport(r.Context(), id, up.symposiumID, rows)
	if err != nil {
		return err
	}
	out := importPreviewJSON{SymposiumID: up.symposiumID, Token: p.Token, New: p.New, Duplicates: p.Duplicates,
		Rows: make([]importRowJSON, 0, len(p.Rows)), Errors: make([]rowErrorJSON, 0, len(p.Errors))}
	for _, row := range p.Rows {
		sg := row.Suggestion
		out.Rows = append(out.Rows, importRowJSON{Row: row.Row, ParticipantKind: string(sg.ParticipantKind), Kind: string(sg.Kind),
			Name: sg.Name, Organization: sg.Organization, Contact: sg.Contact, Topic: sg.Topic, Content: sg.Content,
			WrittenOn: string(sg.WrittenOn), Duplicate: row.Duplicate})
	}
	for _, e := range p.Errors {
		out.Errors = append(out.Errors, rowErrorJSON{Row: e.Row, Field: e.Field, Message: e.Message})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// importUpload is what an import or a preview sent: the symposium, the
// preview's token (confirmations), a file name whose extension tells the
// format, and the file's bytes.
type importUpload struct {
	symposiumID, previewToken, name string
	data                            []byte
}

// readImportUpload reads an import's upload: multipart/form-data, or the
// raw file with the rest in the query.
func readImportUpload(w http.ResponseWriter, r *http.Request) (importUpload, error) {
	q := r.URL.Query()
	up := importUpload{symposiumID: q.Get("symposium_id"), previewToken: q.Get("preview_token")}
	switch mt := mediaType(r); mt {
	case mimeCSV, mimeXLSX:
		data, err := readBody(w, r, MaxImportBytes)
		if err != nil {
			return up, err
		}
		up.name, up.data = "upload.csv", data
		if mt == mimeXLSX {
			up.name = "upload.xlsx"
		}
		return up, nil
	case "multipart/form-data":
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if params["boundary"] == "" {
			return up, feedback.Errorf(feedback.EInvalid, "上传内容格式不完整:缺少各部分之间的分隔符")
		}
		if r.ContentLength > MaxImportBytes {
			return up, tooLarge(MaxImportBytes)
		}
		mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, MaxImportBytes), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return up, uploadErr(err)
			}
			b, err := io.ReadAll(part)
			if err != nil {
				return up, uploadErr(err)
			}
			switch part.FormName() {
			case "symposium_id":
				if v := strings.TrimSpace(string(b)); v != "" {
					up.symposiumID = v
				}
			case "preview_token":
				if v := strings.TrimSpace(string(b)); v != "" {
					up.previewToken = v
				}
			case "file":
				up.name, up.data = part.FileName(), b
			}
		}
		if up.data == nil {
			return up, feedback.FieldErrorf("file", "请选择要导入的文件")
		}
		return up, nil
	}
	return up, unsupported("multipart/form-data、text/csv 或 " + mimeXLSX)
}

func uploadErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(MaxImportBytes)
	}
	return feedback.Errorf(feedback.EInvalid, "无法读取上传的文件")
}

// oleSignature starts an old binary Excel file (.xls, or .et of WPS).
var oleSignature = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

// parseImportFile reads the rows of a CSV or XLSX file: a header row, then
// one suggestion per row. Empty rows are skipped; row numbers are those a
// spreadsheet shows (the header is row 1). readXLSX reads an XLSX file's
// first sheet (StaffHandler.readXLSX) and answers its own errors.
func parseImportFile(name string, data []byte, readXLSX func([]byte) ([][]string, error)) ([]feedback.ImportRow, error) {
	var records [][]string
	ext := strings.ToLower(path.Ext(name))
	switch {
	case ext == ".xls" || ext == ".et" || bytes.HasPrefix(data, oleSignature):
		return nil, feedback.FieldErrorf("file", "不支持旧版 .xls 文件,请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后导入")
	case ext == ".xlsx" || bytes.HasPrefix(data, []byte("PK\x03\x04")):
		var err error
		if records, err = readXLSX(data); err != nil {
			return nil, err
		}
	default:
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(data) {
			return nil, feedback.FieldErrorf("file", "CSV 文件须为 UTF-8 编码")
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		var err error
		records, err = cr.ReadAll()
		if err != nil {
			return nil, feedback.FieldErrorf("file", "CSV 格式错误")
		}
	}
	if len(records) == 0 {
		return nil, feedback.FieldErrorf("file", "文件是空的")
	}
	cols := map[int]string{}
	hasContent := false
	for i, cell := range records[0] {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff")))
		if f, ok := importColumns[key]; ok {
			cols[i] = f
			hasContent = hasContent || f == "content"
		}
	}
	if !hasContent {
		return nil, feedback.FieldErrorf("file", "第 1 行须为表头,至少包含「内容」列")
	}
	var rows []feedback.ImportRow
	for i, rec := range records[1:] {
		vals := map[string]string{}
		empty := true
		for j, cell := range rec {
			if f, ok := cols[j]; ok {
				vals[f] = strings.TrimSpace(cell)
				if vals[f] != "" {
					empty = false
				}
			}
		}
		if empty {
			continue
		}
		if len(rows) == feedback.MaxImportRows {
			return nil, feedback.Errorf(feedback.ETooLarge, "一次最多导入 %d 行", feedback.MaxImportRows)
		}
		rows = append(rows, feedback.ImportRow{Row: i + 2, Input: feedback.SubmissionInput{
			ParticipantKind: feedback.ParticipantKind(vals["participant_kind"]),
			Kind:            feedback.SuggestionKind(vals["kind"]),
			Name:            vals["name"], Organization: vals["organization"], Contact: vals["contact"],
			Topic: vals["topic"], Content: vals["content"],
		}, WrittenOn: vals["written_on"]})
	}
	return rows, nil
}

// importTemplateColumns are the columns of the import template, headed by
// the Chinese labels parseImportFile reads (importColumns), in the order
// the import dialog names them. written_on is a date column so that a
// date typed in Excel shows as 2025-03-12.
var importTemplateColumns = []sheet.Column{
	{Header: "参会身份", Width: 14}, {Header: "类别", Width: 12}, {Header: "姓名", Width: 10},
	{Header: "单位", Width: 24, Wrap: true}, {Header: "联系方式", Width: 16}, {Header: "主题", Width: 16, Wrap: true},
	{Header: "内容", Width: 60, Wrap: true}, {Header: "书写日期", Width: 14, Kind: sheet.Date},
}

// importTemplateExample is the template's example row
// (feedback.ImportExample, which an import refuses), in the order of
// importTemplateColumns but for the written date (today's, so that it is
// never later than the day it is imported).
var importTemplateExample = []string{
	feedback.ImportExample.ParticipantKind.Label(), feedback.ImportExample.Kind.Label(), feedback.ImportExample.Name,
	feedback.ImportExample.Organization, feedback.ImportExample.Contact, feedback.ImportExample.Topic, feedback.ImportExample.Content,
}

// importTemplateNotes explain each column on the template's second sheet;
// an import reads only the first.
func importTemplateNotes() [][]any {
	kinds := make([]string, len(feedback.ParticipantKinds))
	for i, k := range feedback.ParticipantKinds {
		kinds[i] = k.Label()
	}
	return [][]any{
		{"参会身份", "必填", "填写其一:" + strings.Join(kinds, "、")},
		{"类别", "选填", "意见建议或问题线索;不填按意见建议导入"},
		{"姓名", "选填", "提出人姓名"},
		{"单位", "选填", "提出人工作单位"},
		{"联系方式", "选填", "手机或固定电话"},
		{"主题", "选填", "意见建议的主题"},
		{"内容", "必填", "意见建议或问题线索的具体内容"},
		{"书写日期", "选填", "纸质意见的书写日期,如 2025-03-12 或 2025年3月12日,不能晚于导入当天"},
		{"说明", "", "第一行表头请勿修改;示例行请删除或改为实际内容(原样留下的示例行不会导入);一行一条,每次最多 " + strconv.Itoa(feedback.MaxImportRows) + " 行"},
	}
}

// importTemplate serves GET /api/v1/suggestions/import/template.xlsx and
// .csv: a file with the header row the importer reads and one example
// row, which the importer refuses until it is replaced or deleted. The XLSX file explains every column on a
// second sheet.
func (h *StaffHandler) importTemplate(w http.ResponseWriter, r *http.Request, _ feedback.Identity) error {
	today := feedback.DateOf(h.svc.Now())
	if strings.HasSuffix(r.URL.Path, ".csv") {
		var b bytes.Buffer
		b.WriteString(utf8BOM)
		cw := csv.NewWriter(&b)
		cw.UseCRLF = true
		header := make([]string, len(importTemplateColumns))
		for i, c := range importTemplateColumns {
			header[i] = c.Header
		}
		_ = cw.Write(header)
		_ = cw.Write(append(slices.Clone(importTemplateExample), string(today)))
		cw.Flush()
		writeDownload(w, mimeCSVUTF8, "import-template.csv", "意见建议导入模板.csv", b.Bytes())
		return nil
	}
	example := make([]any, 0, len(importTemplateColumns))
	for _, v := range importTemplateExample {
		example = append(example, v)
	}
	body, err := h.xlsxFile(&sheet.Workbook{Title: "意见建议导入模板", Sheets: []sheet.Sheet{
		{Name: "意见建议", Columns: importTemplateColumns, Rows: [][]any{append(example, today)}, FreezeHeader: true},
		{Name: "填写说明", Columns: []sheet.Column{{Header: "列名", Width: 12}, {Header: "是否必填", Width: 10}, {Header: "填写说明", Width: 70, Wrap: true}},
			Rows: importTemplateNotes()},
	}})
	if err != nil {
		return err
	}
	writeDownload(w, mimeXLSXDoc, "import-template.xlsx", "意见建议导入模板.xlsx", body)
	return nil
}
