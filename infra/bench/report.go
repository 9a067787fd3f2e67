package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// targetRunMinutes bounds a full run on 2 cores (issue 18's "done when").
const targetRunMinutes = 15.0

// Derived figures; NaN when a phase did not run.

func (r *report) worstCold() (string, float64) {
	name, worst := "", math.NaN()
	for _, fn := range r.Functions {
		c, ok := r.Cold[fn]
		if ok && (math.IsNaN(worst) || c.Ratio > worst) {
			name, worst = fn, c.Ratio
		}
	}
	return name, worst
}

func (r *report) warmRatio() float64 {
	if r.Warm == nil || r.Warm.Put == 0 {
		return math.NaN()
	}
	return float64(r.Warm.Collect) / float64(r.Warm.Put)
}

func (r *report) binaryMBMax() float64 {
	v := math.NaN()
	for _, fn := range r.Functions {
		if b, ok := r.BinaryBytes[fn]; ok {
			mb := float64(b) / 1e6
			if math.IsNaN(v) || mb > v {
				v = mb
			}
		}
	}
	return v
}

func (r *report) summaryGrowth() float64 {
	if r.SumSmall[1] <= 0 {
		return math.NaN()
	}
	return r.SumBig[1] / r.SumSmall[1]
}

func (r *report) dynamoSummaryGrowth() float64 {
	if r.DynSmall[1] <= 0 {
		return math.NaN()
	}
	return r.DynBig[1] / r.DynSmall[1]
}

// costPer1000 scales the measured run to 1,000 suggestions. The summary is
// made once a day whatever the count, so it is counted once, not scaled.
func (r *report) costPer1000() float64 {
	if r.Cost == nil {
		return math.NaN()
	}
	total := 0.0
	for _, st := range r.Cost.Stages {
		total += r.stageUSD(st)
	}
	return total
}

func (r *report) stageUSD(st stageCost) float64 {
	c := st.usd()
	if st.Name != "summarize" {
		c *= 1000 / float64(r.CostN)
	}
	return c
}

func (r *report) localRatios() (throughput, p99 float64) {
	if r.Local == nil || r.Floor == nil || r.Floor.PerSecond == 0 || r.Floor.P99 == 0 {
		return math.NaN(), math.NaN()
	}
	return r.Local.PerSecond / r.Floor.PerSecond, float64(r.Local.P99) / float64(r.Floor.P99)
}

func num(v float64, digits int) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func (r *report) json() map[string]any {
	_, worst := r.worstCold()
	per := map[string]any{}
	for fn, c := range r.Cold {
		if fn != "baseline" {
			per[fn] = num(c.Ratio, 3)
		}
	}
	tr, pr := r.localRatios()
	out := map[string]any{
		"cold_start_ratio":              num(worst, 3),
		"cold_start_ratio_by_function":  per,
		"warm_submit_ratio":             num(r.warmRatio(), 3),
		"binary_mb_max":                 num(r.binaryMBMax(), 2),
		"routing_us_per_suggestion":     nil,
		"summary_read_growth":           num(r.summaryGrowth(), 3),
		"cost_per_1000_suggestions_usd": num(r.costPer1000(), 6),
		"local_submissions_per_sec":     nil,
		"local_p99_ms":                  nil,
		"local_lost":                    nil,
		"local_throughput_ratio":        num(tr, 3),
		"local_p99_ratio":               num(pr, 3),
		"local_floor_per_sec":           nil,
		"local_floor_p99_ms":            nil,
		"staff_read_ratio_max":          nil,
		"dynamodb_search_short_pages":   nil,
		"form_kb":                       nil,
		"console_first_load_kb":         nil,
		"export_xlsx_10k_peak_mb":       nil,
		"run_minutes":                   num(r.Elapsed.Minutes(), 2),
		"quick":                         r.Quick,
	}
	if r.Routing > 0 {
		out["routing_us_per_suggestion"] = num(float64(r.Routing)/1e3, 2)
	}
	if g := r.dynamoSummaryGrowth(); !math.IsNaN(g) {
		out["summary_read_growth_dynamodb"] = num(g, 3)
	}
	if w := r.Warm; w != nil && w.Sized > 0 {
		out["warm_submit_ratio_sized_item"] = num(float64(w.Collect)/float64(w.Sized), 3)
	}
	if l := r.Local; l != nil {
		out["local_submissions_per_sec"] = num(l.PerSecond, 0)
		out["local_p99_ms"] = num(float64(l.P99)/1e6, 2)
		out["local_lost"] = l.Lost
	}
	if f := r.Floor; f != nil {
		out["local_floor_per_sec"] = num(f.PerSecond, 0)
		out["local_floor_p99_ms"] = num(float64(f.P99)/1e6, 2)
	}
	if st := r.Staff; st != nil {
		out["staff_read_ratio_max"] = num(st.worst(), 3)
		out["dynamodb_search_short_pages"] = st.ShortPages
		out["staff_reads"] = st.jsonDetail()
	}
	if w := r.Weight; w != nil {
		out["form_kb"] = num(float64(w.FormBytes)/1024, 2)
		out["console_first_load_kb"] = num(float64(w.ConsoleBytes)/1024, 2)
	}
	if e := r.Export; e != nil {
		out["export_xlsx_10k_peak_mb"] = num(e.PeakMB, 1)
	}
	return out
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nJianyan benchmarks — %s\n%s; %s run in %s\n\n", r.Started.Format("2006-01-02 15:04 MST"), r.Machine,
		map[bool]string{true: "quick", false: "full"}[r.Quick], r.Elapsed.Round(time.Second))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\tbaseline\tvalue\ttarget\tmet")
	row := func(name, measured, baseline string, v float64, format, target string, ok bool) {
		met := "yes"
		if math.IsNaN(v) {
			met, measured, baseline = "—", "not run", ""
		} else if !ok {
			met = "NO"
		}
		val := "—"
		if !math.IsNaN(v) {
			val = fmt.Sprintf(format, v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, measured, baseline, val, target, met)
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
	for _, fn := range r.Functions {
		c, ok := r.Cold[fn]
		v := math.NaN()
		if ok {
			v = c.Ratio
		}
		row("cold start "+fn, fmt.Sprintf("%s (median of %d)", ms(c.Median), c.Samples), "hello "+ms(c.Baseline), v, "%.2f×", "≤ 1.3×", v <= targetColdStart)
	}
	wr := r.warmRatio()
	if wm := r.Warm; wm != nil {
		row("warm submission (collect)", ms(wm.Collect), fmt.Sprintf("%s (PutItem of the same %d-attribute, %d-byte item)", ms(wm.Put), wm.Attrs, wm.ItemBytes),
			wr, "%.2f×", "≤ 1.2×", wr <= targetWarmSubmit)
	} else {
		row("warm submission (collect)", "", "", wr, "", "≤ 1.2×", false)
	}
	for _, fn := range r.Functions {
		b, ok := r.BinaryBytes[fn]
		v := math.NaN()
		if ok {
			v = float64(b) / 1e6
		}
		row("binary "+fn+" (arm64, stripped)", fmt.Sprintf("%d B", b), fmt.Sprintf("hello %.2f MB", float64(r.BinaryBytes["hello"])/1e6), v, "%.2f MB", "≤ 12 MB", v <= targetBinaryMB)
	}
	tr, pr := r.localRatios()
	if l, f := r.Local, r.Floor; l != nil && f != nil {
		row("local submissions/s", fmt.Sprintf("%.0f/s: %d in %.1f s, %d workers, %d failed", l.PerSecond, l.Acknowledged, l.Duration.Seconds(), l.Workers, l.Failed),
			fmt.Sprintf("floor %.0f/s", f.PerSecond), tr, "%.2f×", "≥ 0.6× floor", tr >= targetLocalVsFloor)
		row("local p99 latency", fmt.Sprintf("%s (p50 %s)", ms(l.P99), ms(l.P50)), fmt.Sprintf("floor %s (p50 %s)", ms(f.P99), ms(f.P50)), pr, "%.2f×", "≤ 2× floor", pr <= targetLocalP99Floor)
		row("local lost receipts", fmt.Sprintf("%d checked", l.Acknowledged), "", float64(l.Lost), "%.0f", "0", l.Lost == 0)
	} else {
		row("local submissions/s", "", "", math.NaN(), "", "≥ 0.6× floor", false)
	}
	rt := math.NaN()
	if r.Routing > 0 {
		rt = float64(r.Routing) / 1e3
	}
	row("routing, 1,000 keyword rules", "in process", "", rt, "%.2f µs", "≤ 50 µs", rt <= targetRoutingUS)
	g := r.summaryGrowth()
	row("summary reads (SQLite pages)", fmt.Sprintf("%.0f stored → %.0f", r.SumBig[0], r.SumBig[1]), fmt.Sprintf("%.0f stored → %.0f", r.SumSmall[0], r.SumSmall[1]), g, "%.2f×", "≤ 1.2×", g <= targetSummaryGrowth)
	if dg := r.dynamoSummaryGrowth(); !math.IsNaN(dg) {
		row("summary reads (DynamoDB items)", fmt.Sprintf("%.0f stored → %.0f", r.DynBig[0], r.DynBig[1]), fmt.Sprintf("%.0f stored → %.0f", r.DynSmall[0], r.DynSmall[1]), dg, "%.2f×", "≤ 1.2×", dg <= targetSummaryGrowth)
	}
	if st := r.Staff; st != nil {
		for _, rd := range st.Reads {
			v := rd.ratio()
			row(fmt.Sprintf("staff %s, %s", rd.Name, rd.Store), rd.measured(), rd.baseline(), v, "%.2f×", "≤ 5× bare", v <= targetStaffRead)
		}
		row("DynamoDB search pages short", fmt.Sprintf("%d pages checked", st.PagesChecked), "", float64(st.ShortPages), "%.0f", "0", st.ShortPages == 0)
	} else {
		row("staff reads", "", "", math.NaN(), "", "≤ 5× bare", false)
	}
	c := r.costPer1000()
	row("cost per 1,000 suggestions", fmt.Sprintf("measured on %d", r.CostN), "floor ≈ US$0.0019", c, "US$%.5f", "≤ US$0.004", c <= targetCostUSD)
	if wt := r.Weight; wt != nil {
		row("public form with its script", fmt.Sprintf("%d B in %d files (%d B gzip)", wt.FormBytes, wt.FormFiles, wt.FormGzip), "", float64(wt.FormBytes)/1024, "%.1f KiB", "≤ 20 KiB", float64(wt.FormBytes)/1024 <= targetFormKB)
		row("console first load, compressed", fmt.Sprintf("%d B in %d files", wt.ConsoleBytes, wt.ConsoleFiles), "", float64(wt.ConsoleBytes)/1024, "%.1f KiB", "≤ 400 KiB", float64(wt.ConsoleBytes)/1024 <= targetConsoleKB)
	} else {
		row("page weight", "", "", math.NaN(), "", "", false)
	}
	if e := r.Export; e != nil {
		row(fmt.Sprintf("XLSX export of %d rows, staff peak RSS", e.Rows), fmt.Sprintf("%.1f MB, file %d B, %s", e.PeakMB, e.FileBytes, ms(e.Took)),
			fmt.Sprintf("idle %.1f MB", e.IdleMB), e.PeakMB, "%.1f MB", fmt.Sprintf("≤ %d MB (MemorySize)", e.MemoryMB), e.PeakMB <= float64(e.MemoryMB))
	} else {
		row("XLSX export, staff peak RSS", "", "", math.NaN(), "", "", false)
	}
	if !r.Quick {
		m := r.Elapsed.Minutes()
		row("full run time", "", "", m, "%.1f min", "≤ 15 min", m <= targetRunMinutes)
	}
	tw.Flush()
	if wm := r.Warm; wm != nil && wm.Sized > 0 {
		fmt.Fprintf(w, "\nWarm: a PutItem of a 3-attribute item of the same size (the baseline before 2026-12) took %s; collect/that = %.2f×.\n",
			ms(wm.Sized), float64(wm.Collect)/float64(wm.Sized))
	}
	if r.Cost != nil {
		fmt.Fprintf(w, "\nCost breakdown (measured on %d suggestions; collect and route scaled to 1,000, one daily summary):\n", r.CostN)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "stage\tinvocations\tbilled ms\tmemory\tDynamoDB\tUS$ per 1,000")
		for _, st := range r.Cost.Stages {
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%d MB\t%s\t%.6f\n", st.Name, st.Invocations, st.BilledMS, st.MemoryMB, st.Usage, r.stageUSD(st))
		}
		tw.Flush()
	}
	if st := r.Staff; st != nil {
		fmt.Fprintf(w, "\nStaff reads with %d stored (%s; medians of the runs shown, each alternating with the bare query):\n", st.Stored, st.DataNote)
		st.printDetail(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", strings.TrimSpace(n))
	}
}
