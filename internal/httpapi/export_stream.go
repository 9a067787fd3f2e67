package httpapi

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet"
)

// Exports of what the list filters select, however many: the rows stream
// into a scratch file a page at a time, and the file goes out as the
// answer, or — over what a Lambda answer carries — through the files
// bucket as a short-lived link.

func (h *StaffHandler) exportRoutes() {
	h.Handle("GET /api/v1/suggestions.csv", h.exportSuggestionsCSV)
	h.Handle("GET /api/v1/suggestions.xlsx", h.exportSuggestionsXLSX)
	h.Handle("GET /api/v1/problems.xlsx", h.exportProblems) // export.go
}

// exportMargin is kept back from the request's deadline (the Lambda's) for
// storing the finished file and answering: an export that would need it is
// refused with a clear message instead of timing out.
const exportMargin = 5 * time.Second

// rowSink takes an export's rows and finishes its file.
type rowSink interface {
	WriteRow(row []any) error
	Close() error
}

// exportSuggestions reads the filters and has the domain export what they
// select, however many: rows go through sink into a scratch file as they
// are read (memory stays within a page of suggestions), the domain records
// an unmasked export, and only then is the file sent (sendExport).
func (h *StaffHandler) exportSuggestions(w http.ResponseWriter, r *http.Request, id feedback.Identity, format, ctype string,
	newSink func(io.Writer) (rowSink, error)) error {
	f, err := suggestionFilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-exportMargin))
		defer cancel()
	}
	scratch, err := os.CreateTemp("", "jianyan-export-*")
	if err != nil {
		return feedback.Internal(fmt.Errorf("export scratch file: %w", err))
	}
	defer func() {
		scratch.Close()
		os.Remove(scratch.Name())
	}()
	buf := bufio.NewWriterSize(scratch, 64<<10)
	sink, err := newSink(buf)
	if err != nil {
		return feedback.Internal(fmt.Errorf("render %s: %w", format, err))
	}
	_, err = h.svc.ExportSuggestions(ctx, id, feedback.ExportRequest{Format: format, Filter: f},
		func(e *feedback.SuggestionExport, s *feedback.Suggestion) error {
			if err := sink.WriteRow(suggestionRow(e, s)); err != nil {
				return feedback.Internal(fmt.Errorf("render %s: %w", format, err))
			}
			return nil
		})
	if err != nil {
		return err
	}
	if err := sink.Close(); err != nil {
		return feedback.Internal(fmt.Errorf("render %s: %w", format, err))
	}
	if err := buf.Flush(); err != nil {
		return feedback.Internal(fmt.Errorf("write %s: %w", format, err))
	}
	size, err := scratch.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = scratch.Seek(0, io.SeekStart)
	}
	if err != nil {
		return feedback.Internal(fmt.Errorf("rewind %s: %w", format, err))
	}
	now := h.svc.Now().In(feedback.Shanghai)
	ext := format[strings.LastIndexByte(format, '.'):]
	return h.sendExport(w, r, exportFile{
		ctype: ctype, ext: ext, body: scratch, size: size,
		asciiName: "suggestions-" + now.Format("20060102-1504") + ext, name: "意见建议-" + now.Format("20060102-1504") + ext,
	})
}

// exportFile is a finished export.
type exportFile struct {
	ctype, ext, asciiName, name string
	body                        io.Reader
	size                        int64
}

// exportLinkJSON answers an export that went through the files bucket, to
// a client that asked for JSON (the console: a link it opens rather than a
// redirect its fetch would follow across origins).
type exportLinkJSON struct {
	URL       string `json:"url"`
	Name      string `json:"name"`
	Size      int64  `json:"size"`
	ExpiresAt string `json:"expires_at"`
}

// sendExport sends a finished export. A file within maxExportBytes is the
// response itself. A larger one, where the files storage has links of its
// own (S3), is stored there and answered with a short-lived link: 303 to
// it, or 200 {"url","name","size","expires_at"} when the request's Accept
// names application/json (the console's downloads). Where the storage has
// no links (the local disk) the file streams as the response, whatever its
// size.
func (h *StaffHandler) sendExport(w http.ResponseWriter, r *http.Request, f exportFile) error {
	if f.size > maxExportBytes && h.files != nil {
		pub, err := h.files.PublishExport(r.Context(), f.name, f.ext, f.ctype, f.body, f.size)
		if err != nil {
			return err
		}
		if pub != nil {
			w.Header().Set("Cache-Control", "private, no-store")
			if strings.Contains(r.Header.Get("Accept"), "application/json") {
				writeJSON(w, http.StatusOK, exportLinkJSON{URL: pub.URL, Name: f.name, Size: f.size, ExpiresAt: formatTime(pub.ExpiresAt)})
				return nil
			}
			w.Header().Set("Location", pub.URL)
			w.WriteHeader(http.StatusSeeOther)
			return nil
		}
	}
	setDownloadHeaders(w, f.ctype, f.asciiName, f.name, f.size)
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f.body)
	return nil
}

// exportSuggestionsCSV serves GET /api/v1/suggestions.csv.
func (h *StaffHandler) exportSuggestionsCSV(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	return h.exportSuggestions(w, r, id, "suggestions.csv", mimeCSVUTF8, func(w io.Writer) (rowSink, error) {
		return newCSVSink(w, suggestionColumns)
	})
}

// exportSuggestionsXLSX serves GET /api/v1/suggestions.xlsx: one sheet,
// the header frozen and repeated on printed pages, submission times as
// real date-times.
func (h *StaffHandler) exportSuggestionsXLSX(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if h.sheetsIO == nil {
		return errNoSpreadsheets
	}
	return h.exportSuggestions(w, r, id, "suggestions.xlsx", mimeXLSXDoc, func(w io.Writer) (rowSink, error) {
		rw, err := h.sheetsIO.Stream(w, &sheet.Workbook{Title: "意见建议", Created: h.svc.Now(), Sheets: []sheet.Sheet{{
			Name: "意见建议", Columns: suggestionColumns, FreezeHeader: true, Landscape: true, RepeatHeader: true,
		}}})
		if err != nil {
			return nil, err
		}
		return xlsxSink{rw}, nil
	})
}

// xlsxSink turns the API's cell values into the spreadsheet's (sheetCell).
type xlsxSink struct{ sheet.RowWriter }

func (s xlsxSink) WriteRow(row []any) error {
	for i, v := range row {
		row[i] = sheetCell(v)
	}
	return s.RowWriter.WriteRow(row)
}

// utf8BOM makes Excel and WPS read a CSV as UTF-8 rather than the
// system's ANSI code page (GBK on a Chinese Windows).
const utf8BOM = "\ufeff"

// csvSink writes rows as CSV: UTF-8 with a byte-order mark, CRLF line
// ends, the Chinese header row, times as "2006-01-02 15:04:05" in
// Asia/Shanghai (which Excel reads as a date), and every cell neutralised
// against formula injection.
type csvSink struct {
	cw  *csv.Writer
	rec []string
}

func newCSVSink(w io.Writer, cols []sheet.Column) (*csvSink, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	s := &csvSink{cw: csv.NewWriter(w), rec: make([]string, len(cols))}
	s.cw.UseCRLF = true
	for i, c := range cols {
		s.rec[i] = c.Header
	}
	return s, s.cw.Write(s.rec)
}

func (s *csvSink) WriteRow(row []any) error {
	for i := range s.rec {
		s.rec[i] = ""
		if i < len(row) {
			s.rec[i] = neutralizeCell(cellText(row[i]))
		}
	}
	return s.cw.Write(s.rec)
}

func (s *csvSink) Close() error {
	s.cw.Flush()
	return s.cw.Error()
}

// setDownloadHeaders sets a file download's headers. asciiName is the
// fallback name for old clients; name (may be Chinese) goes in filename*
// (RFC 6266/5987).
func setDownloadHeaders(w http.ResponseWriter, ctype, asciiName, name string, size int64) {
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Disposition", contentDisposition(asciiName, name))
	hd.Set("Content-Length", strconv.FormatInt(size, 10))
}
