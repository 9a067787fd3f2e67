package httpapi

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sheet/xlsx"
)

// TestSummaryWorkbookCells checks the typed cells of the summary workbook:
// deadlines as date cells, counts as numbers, the on-time rate as a
// percentage ("—" while nothing is rectified).
func TestSummaryWorkbookCells(t *testing.T) {
	sm := &feedback.Summary{
		ID: "weekly-2025-03-10", Period: feedback.Weekly, From: "2025-03-10", To: "2025-03-16", AsOf: "2025-03-16",
		Problems: feedback.ProblemStats{Overdue: 1, OverdueItems: []feedback.OverdueItem{
			{Title: "罚款决定书送达不规范", ResponsibleUnit: "区城管执法局", Deadline: "2025-03-05", DaysOverdue: 11},
		}},
		Units: []feedback.UnitScore{
			{Unit: "区市场监管局", Assigned: 4, Rectified: 4, RectifiedOnTime: 3, OnTimeRate: 0.75},
			{Unit: "区司法局", Assigned: 1},
		},
	}
	wb := summaryWorkbook(sm)
	wb.Created = time.Date(2025, 3, 17, 8, 0, 0, 0, feedback.Shanghai)
	h := &StaffHandler{sheetsIO: xlsx.Codec{}}
	body, err := h.xlsxFile(wb)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		sheet, cell, shown, raw string
	}{
		{"逾期问题", "C3", "2025-03-05", "45721"},
		{"逾期问题", "D3", "11", "11"},
		{"单位考核", "E3", "75.0%", "0.75"},
		{"单位考核", "E4", "—", "—"},
		{"单位考核", "B3", "4", "4"},
	} {
		shown, _ := f.GetCellValue(tc.sheet, tc.cell)
		raw, _ := f.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
		if shown != tc.shown || raw != tc.raw {
			t.Errorf("%s!%s = %q (raw %q), want %q (raw %q)", tc.sheet, tc.cell, shown, raw, tc.shown, tc.raw)
		}
	}
}
