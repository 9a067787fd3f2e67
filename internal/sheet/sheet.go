// Package sheet holds spreadsheet tables as plain values: a workbook of
// sheets, each a header of typed columns and rows of cells. The HTTP layer
// builds them for exports; the adapter in package xlsx turns them into
// files, and reads uploaded files back into cell texts.
//
// The package imports nothing beyond the standard library on purpose: the
// HTTP package depends on it, and the public collect Lambda, which links the
// HTTP package, must not link the spreadsheet library (cold starts, binary
// size). Only the binaries that serve staff routes wire the adapter in.
package sheet

import (
	"errors"
	"time"
)

// Kind says how a column's cells are shown.
type Kind int

// Column kinds. The kind sets the number format of numeric and time cells;
// a string cell is always text, whatever its column.
const (
	// Text is plain text (the zero value). Numbers in a Text column keep
	// Excel's General format.
	Text Kind = iota
	// Int is a whole number, shown without decimals and centred.
	Int
	// Date is a time.Time shown as a date (yyyy-mm-dd).
	Date
	// DateTime is a time.Time shown as date and time (yyyy-mm-dd hh:mm).
	DateTime
	// Percent is a float64 fraction (0.875) shown as a percentage (87.5%).
	Percent
)

// Column is one column of a sheet.
type Column struct {
	// Header is the column's heading, in Chinese for clerks.
	Header string
	// Width is the column width in characters; a CJK character counts
	// about 2. Zero leaves the spreadsheet's default.
	Width float64
	// Kind is how the column's cells are shown.
	Kind Kind
	// Wrap wraps long text inside the cell instead of running over.
	Wrap bool
}

// Sheet is one table: an optional title row, a header row, then the rows.
//
// A cell is nil (empty), a string (text, never a formula, even when it
// starts with "="), an int, an int64, a float64, or a time.Time. A
// time.Time is written as a real spreadsheet date at its wall-clock time in
// its own location (convert it to the zone the reader expects first); the
// zero time is an empty cell.
type Sheet struct {
	// Name is the tab name: at most 31 characters, none of []:*?/\.
	Name string
	// Title, when set, is a bold title row above the header, merged across
	// every column.
	Title   string
	Columns []Column
	Rows    [][]any
	// FreezeHeader keeps the title and header rows in view when scrolling.
	FreezeHeader bool
	// Landscape prints across the page. Pages are always A4 (the paper of
	// Chinese offices) and fit every column on a page's width.
	Landscape bool
	// RepeatHeader repeats the title and header rows at the top of every
	// printed page.
	RepeatHeader bool
}

// HeaderRows is the number of rows above the data: the header, plus the
// title row when there is one.
func (s *Sheet) HeaderRows() int {
	if s.Title != "" {
		return 2
	}
	return 1
}

// Workbook is a spreadsheet file: one or more sheets, in tab order.
type Workbook struct {
	// Title goes into the file's document properties.
	Title string
	// Created is the file's creation time in its document properties; the
	// zero value leaves the library's default.
	Created time.Time
	Sheets  []Sheet
}

// RowWriter takes the rows of a streamed sheet one by one, each as Sheet's
// rows are; the file is complete once Close returns nil.
type RowWriter interface {
	WriteRow(row []any) error
	Close() error
}

// Errors a reader returns, wrapped with detail; test them with errors.Is.
var (
	// ErrFormat: the data is not a spreadsheet file the reader can open
	// (CSV, an old binary .xls, an encrypted workbook, a damaged file).
	ErrFormat = errors.New("not an XLSX workbook")
	// ErrTooLarge: the file unpacks to more than the reader's limits (a zip
	// bomb, or an absurdly large sheet).
	ErrTooLarge = errors.New("spreadsheet too large")
)
