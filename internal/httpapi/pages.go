package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// pageCSS is the one stylesheet of the public pages, inlined so a page is a
// single request on a weak venue network; the CSP allows exactly this block
// by its hash. Sizes are in rem so a phone's large-font setting scales
// everything, and tap targets are at least 48 px high.
const pageCSS = `*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:1.125rem;line-height:1.6;color:#1a1a1a;background:#f6f6f4}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.3;margin:.5rem 0}
h2{font-size:1.25rem;margin:1.25rem 0 .5rem}
.meta{color:#444;margin:.25rem 0 1rem}
fieldset{border:1px solid #bbb;border-radius:.5rem;margin:0 0 1rem;padding:.5rem 1rem 1rem;background:#fff}
legend{font-weight:700;padding:0 .25rem}
label{display:block;font-weight:700;margin:.75rem 0 .25rem}
.choice{display:flex;align-items:center;gap:.75rem;min-height:3rem;font-weight:400;margin:0;padding:.25rem 0}
.choice input{width:1.5rem;height:1.5rem;margin:0;flex:none}
input[type=text],input[type=tel],textarea{display:block;width:100%;font:inherit;padding:.75rem;min-height:3rem;border:1px solid #767676;border-radius:.375rem;background:#fff}
textarea{min-height:12rem;resize:vertical}
.file-input{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);opacity:0}
.file-button{display:inline-block;margin:.25rem 0;padding:.6rem 1.25rem;color:#8c1d18;border:2px solid;border-radius:.5rem}
.file-input:focus+.file-button{outline:3px solid #1d5fbf;outline-offset:2px}
.file-input[aria-invalid=true]+.file-button{color:#b00020}
input:focus,textarea:focus,button:focus{outline:3px solid #1d5fbf;outline-offset:2px}
[aria-invalid=true]{border-color:#b00020;border-width:2px}
.hint,.note{color:#444;font-size:1rem;margin:.25rem 0}
.count{font-size:1rem;color:#444;margin:.25rem 0;text-align:right}
.over{color:#b00020;font-weight:700}
.req{color:#b00020}
button{display:block;width:100%;min-height:3.25rem;font:inherit;font-weight:700;color:#fff;background:#b3261e;border:0;border-radius:.5rem;margin:1rem 0;padding:.75rem}
button[disabled]{background:#777}
.alert{border:2px solid #b00020;background:#fff4f4;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.ok{border:2px solid #1b6e2d;background:#f1fbf3;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}
.status:empty,.alert:empty{display:none}
.receipt{font-size:1.75rem;font-weight:700;letter-spacing:.1em;font-family:ui-monospace,Menlo,Consolas,monospace}
dl{background:#fff;border:1px solid #bbb;border-radius:.5rem;padding:.5rem 1rem}
dt{font-weight:700;margin-top:.5rem}
dd{margin:0 0 .5rem}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
a{color:#1d5fbf}
.links a,.alert a{display:inline-block;padding:.625rem 0}
.office{display:flex;align-items:center;gap:.5rem;margin:0 0 .5rem;font-weight:700;color:#8c1d18}
.office img{height:2.5rem;width:auto;flex:none}
@media (prefers-color-scheme:dark){body{background:#121212;color:#eee}fieldset,dl,input[type=text],input[type=tel],textarea{background:#1e1e1e;color:#eee}.file-button{color:#f2b8b5}.meta,.hint,.note,.count{color:#bbb}.alert{background:#3a1214}.ok{background:#10301a}a{color:#8ab4f8}.office{color:#f2b8b5}}`

// pageCSSHash is the CSP source that allows pageCSS and nothing else inline.
var pageCSSHash = cspHash(pageCSS)

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// cspPage is the policy of public pages: scripts only from this origin (the
// form script under /static/), no inline script at all, the one inline
// stylesheet by hash, no framing.
var cspPage = "default-src 'none'; script-src 'self'; style-src " + pageCSSHash +
	"; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

var esc = html.EscapeString

// writePage answers an HTML page.
func writePage(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", cspPage)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// pageStart writes the head of a public page.
func pageStart(b *strings.Builder, title string, script bool) {
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width,initial-scale=1">` +
		`<meta name="referrer" content="no-referrer"><title>`)
	b.WriteString(esc(title))
	b.WriteString("</title><style>")
	b.WriteString(pageCSS)
	b.WriteString("</style>")
	if script {
		b.WriteString(`<script src="/static/form.js?v=` + formJSVersion + `" defer></script>`)
	}
	b.WriteString("</head><body><main>")
}

func pageEnd(b *strings.Builder) { b.WriteString("</main></body></html>") }

// emblemPath is where the public pages load the office's emblem from.
func emblemPath(name string) string { return "/emblem/" + name }

// officeHeader writes the office's name (and emblem) at the top of a
// public page, so the page reads as the office's own.
func officeHeader(b *strings.Builder, st *feedback.Settings) {
	b.WriteString(`<header class="office">`)
	if name := st.EmblemName(); name != "" {
		b.WriteString(`<img src="` + esc(emblemPath(name)) + `" alt="">`)
	}
	b.WriteString("<span>" + esc(st.Name()) + "</span></header>")
}

// messagePage is a page with a heading and a message, for 404, 410, 429 and
// other answers to people rather than programs.
func messagePage(office *feedback.Settings, title, message string) string {
	var b strings.Builder
	pageStart(&b, title, false)
	officeHeader(&b, office)
	b.WriteString("<h1>" + esc(title) + "</h1><p>" + esc(message) + "</p>")
	b.WriteString(`<p class="links"><a href="/">查询意见建议办理进度</a></p>`)
	pageEnd(&b)
	return b.String()
}

// formatWhen renders a symposium time for people: 2025年3月1日 09:30.
func formatWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(feedback.Shanghai)
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日 " + t.Format("15:04")
}

// chineseOrdinal is 一 … 十 for 1 … 10 (a suggestion has at most
// feedback.MaxProblemsPerSuggestion problems), the digits beyond.
func chineseOrdinal(n int) string {
	if n >= 1 && n <= 10 {
		return string([]rune("一二三四五六七八九十")[n-1])
	}
	return strconv.Itoa(n)
}

// formatDay renders a day for people: 2025年3月1日.
func formatDay(d feedback.Date) string {
	t := d.Start()
	if d == "" || t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// formData is what the form shows: the values sent back after an error.
type formData struct {
	Office         *feedback.Settings
	Sym            *feedback.Symposium
	Action         string // where the form posts
	IdempotencyKey string
	Values         map[string]string
	ErrField       string
	ErrMessage     string
	// OfferNotify: reply notices reach submitters here, so the form
	// offers "有办理结果时通知我" (feedback.Service.OffersSubmitterNotices).
	OfferNotify bool
	// PhotosLost: a refused form post carried photos. A browser cannot
	// put them back into the file input, so the page asks for them again
	// rather than let the lead go without them.
	PhotosLost bool
}

// photosLost asks for the photos of a refused form post again.
const photosLost = "您选的照片未能保留,请重新选择照片后再提交。"

// fieldLabels names form fields in error summaries.
var fieldLabels = map[string]string{
	"participant_kind": "参会身份", "kind": "类别", "name": "姓名", "organization": "单位",
	"contact": "联系方式", "topic": "主题", "content": "内容", "idempotency_key": "表单", "notify": "办理结果通知", "photo_file_ids": "照片",
}

// formPage renders the public form. It works without JavaScript (a plain
// POST answered by 303 to the receipt page); form.js adds the draft kept in
// localStorage, retries with the same idempotency key and the counter.
func formPage(d formData) string {
	var b strings.Builder
	b.Grow(12 << 10)
	s := d.Sym
	pageStart(&b, s.Title+" · 意见建议", true)
	officeHeader(&b, d.Office)
	b.WriteString("<h1>" + esc(s.Title) + "</h1>")
	var meta []string
	for _, m := range []string{s.HostUnit, formatWhen(s.StartsAt), s.Venue} {
		if m != "" {
			meta = append(meta, esc(m))
		}
	}
	if len(meta) > 0 {
		b.WriteString(`<p class="meta">` + strings.Join(meta, " · ") + "</p>")
	}
	b.WriteString(`<p>欢迎提出意见建议或反映问题线索。带 <span class="req" aria-hidden="true">*</span> 的为必填项。</p>`)
	b.WriteString(`<div id="form-error" class="alert" role="alert" tabindex="-1">`)
	if d.ErrMessage != "" {
		label := fieldLabels[d.ErrField]
		if label != "" {
			b.WriteString(`<a href="#` + esc(fieldAnchor(d.ErrField)) + `">` + esc(label) + "</a>:")
		}
		b.WriteString(esc(d.ErrMessage))
		if d.PhotosLost {
			// Two sentences, not one run-on line: the messages mostly
			// end without a full stop.
			if !strings.HasSuffix(d.ErrMessage, "。") {
				b.WriteString("。")
			}
			b.WriteString(photosLost)
		}
	}
	b.WriteString("</div>")
	// multipart/form-data, so that photos go with the post when there is
	// no JavaScript (the script uploads them first and posts JSON).
	b.WriteString(`<form id="suggestion-form" method="post" enctype="multipart/form-data" action="` + esc(d.Action) + `" data-code="` + esc(s.Code) +
		`" data-min="` + strconv.Itoa(feedback.ContentMinRunes) + `" data-max="` + strconv.Itoa(feedback.ContentMaxRunes) + `">`)
	b.WriteString(`<input type="hidden" name="idempotency_key" value="` + esc(d.IdempotencyKey) + `">`)

	invalid := func(f string) string {
		if d.ErrField == f {
			return ` aria-invalid="true"`
		}
		return ""
	}
	// Participant kind: only those the symposium offers.
	kinds := s.Kinds()
	b.WriteString(`<fieldset id="f-participant_kind"` + invalid("participant_kind") + `><legend>参会身份 <span class="req" aria-hidden="true">*</span><span class="hp">(必填)</span></legend>`)
	for i, k := range kinds {
		id := "pk-" + string(k)
		checked := d.Values["participant_kind"] == string(k) || (len(kinds) == 1)
		b.WriteString(`<label class="choice" for="` + id + `"><input type="radio" id="` + id + `" name="participant_kind" value="` + esc(string(k)) + `"`)
		if i == 0 {
			b.WriteString(" required")
		}
		if checked {
			b.WriteString(" checked")
		}
		b.WriteString(">" + esc(k.Label()) + "</label>")
	}
	b.WriteString("</fieldset>")

	b.WriteString(`<fieldset id="f-kind"><legend>类别</legend>`)
	kind := d.Values["kind"]
	if kind == "" {
		kind = string(feedback.KindSuggestion)
	}
	for _, k := range feedback.SuggestionKinds {
		id := "kind-" + string(k)
		b.WriteString(`<label class="choice" for="` + id + `"><input type="radio" id="` + id + `" name="kind" value="` + string(k) + `"`)
		if kind == string(k) {
			b.WriteString(" checked")
		}
		b.WriteString(">" + esc(k.Label()) + "</label>")
	}
	b.WriteString("</fieldset>")

	text := func(name, label, attrs string, max int, hint string) {
		b.WriteString(`<label for="f-` + name + `">` + label + `</label>`)
		if hint != "" {
			b.WriteString(`<p class="hint" id="h-` + name + `">` + hint + `</p>`)
		}
		b.WriteString(`<input type="text"` + attrs + ` id="f-` + name + `" name="` + name + `" maxlength="` + strconv.Itoa(max) + `" value="` + esc(d.Values[name]) + `"` + invalid(name))
		if hint != "" {
			b.WriteString(` aria-describedby="h-` + name + `"`)
		}
		b.WriteString(">")
	}
	text("topic", "主题(选填)", "", feedback.TopicMaxRunes, "例如:涉企执法、行政审批、基层治理")

	b.WriteString(`<label for="f-content">内容 <span class="req" aria-hidden="true">*</span><span class="hp">(必填)</span></label>`)
	b.WriteString(`<p class="hint" id="h-content">请写明具体事项、地点和您的建议,至少 ` + strconv.Itoa(feedback.ContentMinRunes) + ` 个字,最多 ` + strconv.Itoa(feedback.ContentMaxRunes) + ` 个字。</p>`)
	b.WriteString(`<textarea id="f-content" name="content" required rows="8" maxlength="` + strconv.Itoa(feedback.ContentMaxRunes) + `" aria-describedby="h-content content-count"` + invalid("content") + ">")
	b.WriteString(esc(d.Values["content"]))
	b.WriteString(`</textarea><p class="count" id="content-count" aria-live="polite"></p>`)

	// Photos, for problem leads: up to three images of 10 MB each.
	b.WriteString(`<label for="f-photo_file_ids">照片(选填,仅限问题线索)</label>`)
	b.WriteString(`<p class="hint" id="h-photos">最多 ` + strconv.Itoa(feedback.MaxPhotosPerSuggestion) + ` 张照片(JPEG、PNG 或 WebP 格式),每张不超过 10 兆字节;照片中的拍摄位置等信息会被去除。</p>`)
	b.WriteString(`<noscript><p class="hint">当前浏览器未启用脚本:照片随表单一起提交,合计请不超过 4 兆字节。</p></noscript>`)
	// The browser's own file button speaks the browser's language ("Choose
	// Files"): the input is visually hidden (still focusable, still in the
	// form post) and a label styled as a button opens it, with or without
	// script; form.js names the photos chosen (#photo-status).
	b.WriteString(`<input type="file" id="f-photo_file_ids" class="file-input" name="photos" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="h-photos"` + invalid("photo_file_ids") + `>`)
	b.WriteString(`<label for="f-photo_file_ids" class="file-button" id="photo-pick">选择照片</label>`)
	b.WriteString(`<p class="status" id="photo-status" aria-live="polite">`)
	if d.PhotosLost {
		b.WriteString(photosLost)
	}
	b.WriteString(`</p>`)

	b.WriteString(`<fieldset><legend>您的信息(均为选填)</legend>`)
	b.WriteString(`<p class="note" id="privacy-note">姓名、单位和联系方式可以不填。填写后仅用于工作人员就您的意见与您联系、反馈办理情况,不会公开;责任单位看到的姓名和联系方式经过遮挡;超过保存期限后将被删除。</p>`)
	text("name", "姓名", "", feedback.NameMaxRunes, "")
	text("organization", "单位", "", feedback.OrganizationMaxRunes, "")
	// A mobile number or an e-mail address: a plain text field, since a
	// phone's tel keypad has neither letters nor @; nothing a phone would
	// "correct" in an address.
	text("contact", "联系方式(手机或邮箱)", ` autocapitalize="off" autocorrect="off" spellcheck="false"`, feedback.ContactMaxRunes, "")
	if d.OfferNotify {
		b.WriteString(`<label class="choice" for="f-notify"><input type="checkbox" id="f-notify" name="notify" value="1" aria-describedby="h-notify"`)
		if d.Values["notify"] != "" {
			b.WriteString(" checked")
		}
		b.WriteString(`>有办理结果时通知我</label>`)
		b.WriteString(`<p class="hint" id="h-notify">勾选后请在上面填写手机号码或电子邮箱。答复或整改完成时,我们会发一条短信或邮件,附回执查询链接,不含您填写的内容;联系方式不作他用。</p>`)
	}
	b.WriteString("</fieldset>")

	// The honeypot: off-screen, out of the tab order and hidden from
	// assistive technology; people leave it empty, naive bots fill it.
	b.WriteString(`<div class="hp" aria-hidden="true"><label for="f-website">网址(请勿填写)</label><input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off" value=""></div>`)

	b.WriteString(`<button type="submit" id="send">提交</button>`)
	b.WriteString(`<p id="send-status" class="status" role="status" aria-live="polite"></p>`)
	b.WriteString(`<noscript><p class="note">当前浏览器未启用脚本,表单仍可正常提交。</p></noscript>`)
	b.WriteString("</form>")
	pageEnd(&b)
	return b.String()
}

// fieldAnchor is the element ID an error summary links to.
func fieldAnchor(field string) string {
	if _, ok := fieldLabels[field]; ok {
		return "f-" + field
	}
	return "suggestion-form"
}

// homePage is GET /: the office's name and the receipt look-up box; typed
// and errMsg show a look-up that found nothing. It holds no data.
func homePage(office *feedback.Settings, typed, errMsg string) string {
	var b strings.Builder
	pageStart(&b, office.Name()+" · 办理进度查询", false)
	officeHeader(&b, office)
	b.WriteString(`<h1>意见建议办理进度查询</h1>`)
	b.WriteString(`<p>在座谈会上提交意见建议后,您会得到一个回执号(如 K7QM-3XPA-9RTD)。输入回执号即可查看办理进度、答复和整改情况。</p>`)
	b.WriteString(`<div id="lookup-error" class="alert" role="alert">` + esc(errMsg) + `</div>`)
	b.WriteString(`<form id="lookup" method="get" action="/r"><label for="f-receipt">回执号</label>`)
	b.WriteString(`<p class="hint" id="h-receipt">大小写、空格和短横线均可不论。</p>`)
	b.WriteString(`<input type="text" id="f-receipt" name="receipt" required maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="h-receipt" value="` + esc(typed) + `"`)
	if errMsg != "" {
		b.WriteString(` aria-invalid="true"`)
	}
	b.WriteString(`><button type="submit">查询</button></form>`)
	b.WriteString(`<p class="note">回执号是查询的唯一凭证,请妥善保存,不要公开。</p>`)
	pageEnd(&b)
	return b.String()
}

// receiptData is what the receipt page shows: the view, and a refused
// rating's choice and message.
type receiptData struct {
	View       *feedback.ReceiptView
	Office     *feedback.Settings
	Rating     string
	Comment    string
	ErrField   string
	ErrMessage string
}

// receiptPage renders a receipt for the submitter: the symposium, the
// status, the reply and its grade, the rating (a form while the reply may
// be rated), the problem's progress and deadline, and the ways on. Never
// personal data, never what the submitter wrote.
func receiptPage(d receiptData) string {
	v := d.View
	var b strings.Builder
	pageStart(&b, "回执 "+v.Receipt, true)
	officeHeader(&b, d.Office)
	b.WriteString(`<h1>意见建议办理情况</h1><div class="ok"><p>回执号:</p><p class="receipt">` + esc(v.Receipt) + `</p>`)
	b.WriteString(`<p>请保存此回执号或收藏本页,可随时查看办理进度。</p></div>`)
	b.WriteString("<dl>")
	dd := func(dt, text string) {
		if text != "" {
			b.WriteString("<dt>" + dt + "</dt><dd>" + strings.ReplaceAll(esc(text), "\n", "<br>") + "</dd>")
		}
	}
	dd("座谈会", v.SymposiumTitle)
	dd("主办单位", v.HostUnit)
	dd("类别", v.Kind.Label())
	if v.WrittenOn != "" {
		// A paper form: the day it was written, and when it was entered.
		dd("书写日期", formatDay(v.WrittenOn))
		dd("录入时间", formatWhen(v.SubmittedAt))
	} else {
		dd("提交时间", formatWhen(v.SubmittedAt))
	}
	dd("办理状态", v.StatusLabel)
	if len(v.Problems) == 1 {
		p := v.Problems[0]
		dd("整改状态", p.StatusLabel)
		dd("整改期限", formatDay(p.Deadline))
		dd("整改进展", p.Progress)
	}
	b.WriteString("</dl>")
	if len(v.Problems) > 1 {
		// Split into several problems: each one's progress on its own.
		b.WriteString(`<h2 id="problems">整改情况</h2><p>您的意见建议涉及 ` + strconv.Itoa(len(v.Problems)) + ` 个问题,分别整改:</p>`)
		for i, p := range v.Problems {
			b.WriteString(`<h3>问题` + chineseOrdinal(i+1) + `</h3><dl class="problem">`)
			dd("整改状态", p.StatusLabel)
			dd("整改期限", formatDay(p.Deadline))
			dd("整改进展", p.Progress)
			b.WriteString("</dl>")
		}
	}

	b.WriteString(`<h2 id="reply">答复</h2>`)
	if r := v.Reply; r == nil {
		b.WriteString(`<p>您的意见建议正在办理中,答复后会显示在这里。</p>`)
	} else {
		b.WriteString(`<dl id="reply-box">`)
		dd("办理结果", string(r.Grade)+" "+r.GradeLabel)
		dd("答复时间", formatWhen(r.At))
		dd("答复内容", r.Text)
		b.WriteString("</dl>")
	}
	switch {
	case v.Rehandle:
		b.WriteString(`<p class="ok" id="rating">您对这次答复的评价:不满意。您的意见已转为重新办理,再次答复后可以重新评价。</p>`)
	case v.Rating != nil:
		b.WriteString(`<p class="ok" id="rating">您对这次答复的评价:` + esc(v.Rating.Label) + `。感谢您的反馈。</p>`)
	case v.CanRate:
		ratingForm(&b, d)
	}
	b.WriteString(`<p class="links">`)
	if v.SymposiumCode != "" {
		b.WriteString(`<a href="/s/` + esc(url.PathEscape(v.SymposiumCode)) + `">再提一条意见建议</a> · `)
	}
	b.WriteString(`<a href="/">查询其他回执</a></p>`)
	pageEnd(&b)
	return b.String()
}

// ratingForm is the rating form of the receipt page: a plain form post
// (303 back to the page) that the page's script sends as JSON instead.
func ratingForm(b *strings.Builder, d receiptData) {
	b.WriteString(`<form id="rating" method="post" action="/api/v1/receipts/` + esc(url.PathEscape(d.View.Receipt)) + `/rating">`)
	b.WriteString(`<div id="rating-error" class="alert" role="alert" tabindex="-1">` + esc(d.ErrMessage) + `</div>`)
	invalid := func(f string) string {
		if d.ErrField == f {
			return ` aria-invalid="true"`
		}
		return ""
	}
	b.WriteString(`<fieldset id="f-rating"` + invalid("rating") + `><legend>您对这次答复满意吗?</legend>`)
	for _, r := range feedback.Ratings {
		id := "rating-" + string(r)
		b.WriteString(`<label class="choice" for="` + id + `"><input type="radio" id="` + id + `" name="rating" value="` + string(r) + `"`)
		if r == feedback.RatingSatisfied {
			b.WriteString(" required")
		}
		if d.Rating == string(r) {
			b.WriteString(" checked")
		}
		b.WriteString(">" + esc(r.Label()) + "</label>")
	}
	b.WriteString(`</fieldset><label for="f-comment">评价意见</label>`)
	b.WriteString(`<p class="hint" id="h-comment">选择“不满意”时请写明原因,我们将重新办理;其他情况可不填。请勿填写个人信息。</p>`)
	b.WriteString(`<textarea id="f-comment" name="comment" rows="4" maxlength="` + strconv.Itoa(feedback.RatingCommentMaxRunes) + `" aria-describedby="h-comment"` + invalid("comment") + ">")
	b.WriteString(esc(d.Comment))
	b.WriteString(`</textarea><button type="submit" id="rate">提交评价</button><p id="rating-status" class="status" role="status" aria-live="polite"></p></form>`)
}
