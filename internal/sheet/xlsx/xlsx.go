// Package xlsx reads and writes Excel workbooks (Office Open XML, .xlsx)
// for the tables of package sheet.
//
// Reading and writing are compact code of this package over archive/zip
// and encoding/xml (read.go, write.go). Reading used excelize
// (github.com/xuri/excelize/v2) until the staff function outgrew its 12 MB
// budget: excelize linked about 2.1 MB into it (its own code, and through
// golang.org/x/net/html/charset every legacy text encoding's tables), to
// read the first sheet of an import. Uploads are untrusted and come from
// Excel, WPS, LibreOffice and online forms, so the reader covers every
// variant a first sheet uses (shared and inline strings, rich text,
// number and date formats, the 1904 date system), bounds what it unpacks
// (checkArchive) and never panics the process; excelize stays a test
// dependency, which writes the files the tests read. The HTTP layer sees
// this package through a small interface, so the public collect Lambda
// does not link it.
package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"

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
// wrapping sheet.ErrTooLarge; malformed XML in an intact archive is
// ErrFormat too.
func (c Codec) Read(data []byte) (out [][]string, err error) {
	// A crafted file must not take the process down; it is just not a
	// readable workbook.
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
	return c.read(data, limit, maxRows) // read.go
}

// oleSignature starts a Compound File: an old binary .xls, or an XLSX
// encrypted with a password.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// checkArchive tells the common wrong files apart before reading
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
