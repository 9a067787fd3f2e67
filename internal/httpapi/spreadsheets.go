package httpapi

import (
	"bytes"
	"errors"
	"io"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet"
)

// Spreadsheets reads and writes Excel (XLSX) files for imports and exports.
// The xlsx.Codec of package internal/sheet/xlsx implements it. It comes in
// through StaffConfig rather than being imported here so that only the
// binaries that wire it link the spreadsheet code: the public collect
// Lambda links this package but not that one.
type Spreadsheets interface {
	// Read returns the cell texts of the first sheet of an XLSX file, row
	// i being spreadsheet row i+1. Its errors wrap sheet.ErrFormat (not an
	// XLSX workbook) or sheet.ErrTooLarge (over the reader's limits).
	Read(data []byte) ([][]string, error)
	// Write writes wb as an XLSX file.
	Write(w io.Writer, wb *sheet.Workbook) error
	// Stream starts an XLSX file of wb's one sheet whose rows come through
	// the returned writer, for exports of any size.
	Stream(w io.Writer, wb *sheet.Workbook) (sheet.RowWriter, error)
}

// errNoSpreadsheets answers the XLSX routes (exports and XLSX imports) of
// a handler configured without Spreadsheets: 415 Unsupported Media Type,
// the status this API already uses for "this format is not taken here".
// CSV exports and imports work without it.
var errNoSpreadsheets = feedback.Errorf(feedback.EUnsupported,
	"此服务未启用 Excel (XLSX) 文件,请使用 CSV")

// xlsxFile renders wb with the configured codec. rows of the sheets may
// hold the API's own cell values: a time.Time is shown in Asia/Shanghai, a
// feedback.Date becomes a date cell ("" an empty one).
func (h *StaffHandler) xlsxFile(wb *sheet.Workbook) ([]byte, error) {
	if h.sheetsIO == nil {
		return nil, errNoSpreadsheets
	}
	if wb.Created.IsZero() {
		wb.Created = h.svc.Now()
	}
	for i := range wb.Sheets {
		for _, row := range wb.Sheets[i].Rows {
			for j, v := range row {
				row[j] = sheetCell(v)
			}
		}
	}
	var b bytes.Buffer
	if err := h.sheetsIO.Write(&b, wb); err != nil {
		return nil, feedback.Internal(err)
	}
	return b.Bytes(), nil
}

// sheetCell turns an export cell into a value of package sheet.
func sheetCell(v any) any {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return v.In(feedback.Shanghai)
	case feedback.Date:
		if v == "" || !v.Valid() {
			return nil
		}
		return v.Start().In(feedback.Shanghai)
	}
	return v
}

// readXLSX reads an XLSX import's cells, mapping the codec's errors to
// answers naming the file field.
func (h *StaffHandler) readXLSX(data []byte) ([][]string, error) {
	if h.sheetsIO == nil {
		return nil, errNoSpreadsheets
	}
	records, err := h.sheetsIO.Read(data)
	switch {
	case err == nil:
		return records, nil
	case errors.Is(err, sheet.ErrTooLarge):
		return nil, feedback.Errorf(feedback.ETooLarge, "XLSX 文件内容过多,请拆分后导入")
	}
	return nil, feedback.FieldErrorf("file", "无法读取 XLSX 文件,请用 Excel 或 WPS 另存为 .xlsx 或 CSV 后再导入")
}
