package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/jianyan/jianyan/internal/feedback"
)

// qrLevel is the QR error correction: M (15%) survives a creased or
// smudged printed poster; the library keeps the 4-module quiet zone.
const qrLevel = qrcode.Medium

// qrPNGSize is the PNG's width in pixels: sharp on an A4 print.
const qrPNGSize = 768

func (h *StaffHandler) symposiumQRPNG(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sym, err := h.symposium(r, id)
	if err != nil {
		return err
	}
	q, err := qrcode.New(h.svc.FormURL(sym), qrLevel)
	if err != nil {
		return feedback.Internal(err)
	}
	png, err := q.PNG(qrPNGSize)
	if err != nil {
		return feedback.Internal(err)
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Disposition", `inline; filename="qr-`+sym.Code+`.png"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, _ = w.Write(png)
	return nil
}

func (h *StaffHandler) symposiumQRSVG(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sym, err := h.symposium(r, id)
	if err != nil {
		return err
	}
	svg, err := qrSVG(h.svc.FormURL(sym))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Disposition", `inline; filename="qr-`+sym.Code+`.svg"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(svg)))
	_, _ = w.Write([]byte(svg))
	return nil
}

// qrSVG renders the library's module bitmap (quiet zone included) as one
// SVG path of unit squares, one per dark module, scaled by the viewBox.
func qrSVG(content string) (string, error) {
	q, err := qrcode.New(content, qrLevel)
	if err != nil {
		return "", feedback.Internal(err)
	}
	bm := q.Bitmap()
	n := strconv.Itoa(len(bm))
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + " " + n + `" shape-rendering="crispEdges" role="img" aria-label="二维码">`)
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bm {
		for x, dark := range row {
			if dark {
				b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h1v1h-1z")
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

// posterCSS lays the poster out on one A4 page; the CSP allows it by hash.
const posterCSS = `@page{size:A4 portrait;margin:15mm}
*{box-sizing:border-box}
body{margin:0;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#000;background:#fff}
.office{display:flex;align-items:center;justify-content:center;gap:3mm;font-size:16pt;font-weight:700;color:#b3261e;margin:0 0 6mm}
.office img{height:14mm;width:auto}
.poster{width:180mm;min-height:260mm;margin:0 auto;padding:10mm 0;text-align:center;display:flex;flex-direction:column;align-items:center}
h1{font-size:26pt;line-height:1.3;margin:0 0 6mm}
.campaign{font-size:14pt;margin:0 0 4mm}
.meta{font-size:14pt;margin:1mm 0}
.qr{width:110mm;height:110mm;margin:10mm 0 6mm}
.qr svg{width:100%;height:100%}
.call{font-size:20pt;font-weight:700;margin:0 0 4mm}
.url{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13pt;word-break:break-all;margin:0 0 3mm}
.note{font-size:11pt;color:#333;margin:auto 0 0}
.screen{font-size:11pt;color:#555;margin:4mm 0}
@media print{.screen{display:none}}`

var cspPoster = "default-src 'none'; style-src " + cspHash(posterCSS) + "; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// posterContent is the poster's one content. The API's printable page
// and the console's poster (which asks for it as JSON) both show exactly
// this, so the two cannot drift apart.
type posterContent struct {
	OfficeName string `json:"office_name"`
	// EmblemURL is the office's emblem ("" when it has none).
	EmblemURL string `json:"emblem_url"`
	Title     string `json:"title"`
	Campaign  string `json:"campaign"`
	// Lines are 主办单位, 时间 and 地点, those the symposium has.
	Lines []string `json:"lines"`
	// QRURL is the QR code of FormURL as SVG (needs the staff token).
	QRURL   string `json:"qr_url"`
	Call    string `json:"call"`
	FormURL string `json:"form_url"`
	Note    string `json:"note"`
}

// newPosterContent is what the poster of sym says for office.
func newPosterContent(sym *feedback.Symposium, office *feedback.Settings, formURL string) posterContent {
	p := posterContent{
		OfficeName: office.Name(), Title: sym.Title, Campaign: sym.Campaign, Lines: []string{},
		QRURL: "/api/v1/symposia/" + sym.ID + "/qr.svg", Call: "微信或手机相机扫码,提交意见建议", FormURL: formURL,
		Note: "姓名、联系方式均为选填;提交后会得到回执号,可凭回执号查询办理进度。",
	}
	if name := office.EmblemName(); name != "" {
		p.EmblemURL = emblemPath(name)
	}
	if sym.HostUnit != "" {
		p.Lines = append(p.Lines, "主办单位:"+sym.HostUnit)
	}
	if when := formatWhen(sym.StartsAt); when != "" {
		if end := formatWhen(sym.EndsAt); end != "" {
			if sym.EndsAt.In(feedback.Shanghai).Format("20060102") == sym.StartsAt.In(feedback.Shanghai).Format("20060102") {
				end = sym.EndsAt.In(feedback.Shanghai).Format("15:04")
			}
			when += " – " + end
		}
		p.Lines = append(p.Lines, "时间:"+when)
	}
	if sym.Venue != "" {
		p.Lines = append(p.Lines, "地点:"+sym.Venue)
	}
	return p
}

// symposiumPoster serves a printable A4 page: the office, title, host
// unit, time, venue, the QR code and the short URL it encodes; or, when
// Accept names application/json, the same content as JSON for the
// console's poster.
func (h *StaffHandler) symposiumPoster(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sym, err := h.symposium(r, id)
	if err != nil {
		return err
	}
	office, err := h.svc.OfficeSettings(r.Context())
	if err != nil {
		return err
	}
	p := newPosterContent(sym, office, h.svc.FormURL(sym))
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, http.StatusOK, p)
		return nil
	}
	svg, err := qrSVG(p.FormURL)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>`)
	b.WriteString(esc(p.Title) + " · 扫码提意见</title><style>" + posterCSS + `</style></head><body><div class="poster">`)
	b.WriteString(`<p class="office">`)
	if p.EmblemURL != "" {
		b.WriteString(`<img src="` + esc(p.EmblemURL) + `" alt="">`)
	}
	b.WriteString(esc(p.OfficeName) + "</p>")
	b.WriteString("<h1>" + esc(p.Title) + "</h1>")
	if p.Campaign != "" {
		b.WriteString(`<p class="campaign">` + esc(p.Campaign) + "</p>")
	}
	for _, line := range p.Lines {
		b.WriteString(`<p class="meta">` + esc(line) + "</p>")
	}
	b.WriteString(`<div class="qr">` + svg + "</div>")
	b.WriteString(`<p class="call">` + esc(p.Call) + `</p>`)
	b.WriteString(`<p class="url">` + esc(p.FormURL) + "</p>")
	b.WriteString(`<p class="screen">用浏览器的“打印”功能打印本页,纸张选 A4、纵向。</p>`)
	b.WriteString(`<p class="note">` + esc(p.Note) + `</p>`)
	b.WriteString("</div></body></html>")
	body := b.String()
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", cspPoster)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write([]byte(body))
	return nil
}
