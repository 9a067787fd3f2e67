// Package xlsx reads and writes Excel workbooks (Office Open XML, .xlsx)
// for the tables of package sheet.
//
// Reading uses excelize (github.com/xuri/excelize/v2), a maintained, widely
// used library: uploads are untrusted, come from Excel, WPS, LibreOffice
// and online forms with every variant of the format (shared and inline
// strings, rich text, number and date formats, 1904 dates), and excelize
// guards against zip bombs and keeps up with security fixes. Writing is a
// compact writer of this package (write.go explains why). Only the
// binaries that serve staff routes import this package (about 2.2 MB):
// the HTTP layer sees it through a small interface, so the public collect
// Lambda stays small.
package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/sheet"
)

// Default limits of Read. An import upload is a few megabytes; these keep a
// small compressed file from unpacking into gigabytes (a zip bomb) or into
// millions of rows.
const (
	DefaultMaxUnpacked = 64 << 20 // bytes, every part of the file together
	DefaultMaxRows     = 100_000
	// MaxColumns is how many columns Read returns; cells further right are
	// ignored.
	MaxColumns = 200
)

// xmlInMemory is the size above which excelize unpacks a worksheet into a
// temporary file instead of memory (its default, 16 MiB).
const xmlInMemory = 16 << 20

// Codec reads and writes XLSX files. The zero value uses the default limits.
type Codec struct {
	// MaxUnpacked bounds the unpacked size of all the parts of a file Read
	// opens; 0 means DefaultMaxUnpacked.
	MaxUnpacked int64
	// MaxRows bounds the rows of the sheet Read returns; 0 means
	// DefaultMaxRows.
	MaxRows int
}

// Read returns the rows of the first sheet of the XLSX file in data, as the
// texts a spreadsheet shows (numbers and dates formatted by their number
// format). Row i of the result is spreadsheet row i+1; an empty row is nil,
// and trailing empty cells are left off. Data that is not an XLSX workbook
// gives an error wrapping sheet.ErrFormat; a file over the limits one
// wrapping sheet.ErrTooLarge. (excelize's row iterator stops at malformed
// sheet XML inside an intact archive rather than failing; Excel and WPS do
// not write such files, and a damaged archive fails its checksums.)
func (c Codec) Read(data []byte) (out [][]string, err error) {
	// A crafted file must not take the process down (excelize has had
	// panics on malformed parts); it is just not a readable workbook.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("read xlsx: %w: %v", sheet.ErrFormat, p)
		}
	}()
	limit := c.MaxUnpacked
	if limit <= 0 {
		limit = DefaultMaxUnpacked
	}
	maxRows := c.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	if err := checkArchive(data, limit); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, xmlInMemory),
	})
	if err != nil {
		return nil, fmt.Errorf("read xlsx: %w: %w", sheet.ErrFormat, err)
	}
	defer f.Close() // removes the temporary files of large sheets
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, fmt.Errorf("read xlsx: %w: the workbook has no sheet", sheet.ErrFormat)
	}
	rows, err := f.Rows(names[0])
	if err != nil {
		return nil, fmt.Errorf("read xlsx sheet %q: %w: %w", names[0], sheet.ErrFormat, err)
	}
	defer rows.Close()
	for rows.Next() {
		if len(out) == maxRows {
			return nil, fmt.Errorf("read xlsx sheet %q: %w: more than %d rows", names[0], sheet.ErrTooLarge, maxRows)
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("read xlsx sheet %q row %d: %w: %w", names[0], len(out)+1, sheet.ErrFormat, err)
		}
		if len(cells) > MaxColumns {
			cells = cells[:MaxColumns]
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) == 0 {
			cells = nil
		}
		out = append(out, cells)
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("read xlsx sheet %q: %w: %w", names[0], sheet.ErrFormat, err)
	}
	for len(out) > 0 && out[len(out)-1] == nil {
		out = out[:len(out)-1]
	}
	return out, nil
}

// oleSignature starts a Compound File: an old binary .xls, or an XLSX
// encrypted with a password.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// checkArchive tells the common wrong files apart before excelize opens
// data, and refuses an archive whose parts declare more than limit bytes
// unpacked (archive/zip fails a part that unpacks to more than it
// declares, so the declared sizes bind).
func checkArchive(data []byte, limit int64) error {
	if bytes.HasPrefix(data, oleSignature) {
		return fmt.Errorf("read xlsx: %w: an old .xls workbook or an encrypted one", sheet.ErrFormat)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("read xlsx: %w: %w", sheet.ErrFormat, err)
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if zf.UncompressedSize64 > uint64(limit) || total > uint64(limit) {
			return fmt.Errorf("read xlsx: %w: unpacks to more than %d bytes", sheet.ErrTooLarge, limit)
		}
	}
	return nil
}
