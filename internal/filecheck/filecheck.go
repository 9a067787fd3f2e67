package filecheck

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
)

// Type is an accepted file type.
type Type struct {
	MIME  string // the media type files of this type are served with
	Ext   string // the file name extension, with its dot
	Label string // what people call it, in Chinese
}

// IsImage reports whether t is one of the image types.
func (t Type) IsImage() bool { return strings.HasPrefix(t.MIME, "image/") }

// The accepted types.
var (
	JPEG = Type{"image/jpeg", ".jpg", "JPEG 图片"}
	PNG  = Type{"image/png", ".png", "PNG 图片"}
	WebP = Type{"image/webp", ".webp", "WebP 图片"}
	PDF  = Type{"application/pdf", ".pdf", "PDF 文档"}
	DOCX = Type{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word 文档(DOCX)"}
	XLSX = Type{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel 表格(XLSX)"}
)

// Types lists every accepted type; ImageTypes the images among them.
var (
	Types      = []Type{JPEG, PNG, WebP, PDF, DOCX, XLSX}
	ImageTypes = []Type{JPEG, PNG, WebP}
)

// TypeByMIME returns the accepted type with the given media type (parameters
// and case ignored), for checking what a client declares before it sends the
// bytes. The bytes are judged again when they arrive.
func TypeByMIME(mime string) (Type, bool) {
	mime, _, _ = strings.Cut(mime, ";")
	mime = strings.ToLower(strings.TrimSpace(mime))
	if mime == "image/jpg" || mime == "image/pjpeg" {
		mime = JPEG.MIME
	}
	for _, t := range Types {
		if t.MIME == mime {
			return t, true
		}
	}
	return Type{}, false
}

// Default limits.
const (
	MiB              = 1 << 20
	DefaultMaxBytes  = 20 * MiB
	DefaultMaxPixels = 50_000_000 // a 50-megapixel phone photo (8160 × 6120) still fits
	// DefaultMaxUnpacked bounds what a DOCX or XLSX may unpack to.
	DefaultMaxUnpacked = 256 * MiB
	// DefaultMaxEntries bounds the parts of a DOCX or XLSX.
	DefaultMaxEntries = 10_000
	// maxRatio is the highest compression ratio a large part may have:
	// deflate cannot exceed about 1032:1, real Office XML stays far below
	// 100:1, and zip bombs live near the maximum.
	maxRatio = 200
	// ratioFloor is the unpacked size from which the ratio is checked, so
	// a small, very regular part (an empty sheet) is not mistaken for one.
	ratioFloor = 1 * MiB
)

// Limits bound what Check accepts. Zero fields take the defaults.
type Limits struct {
	MaxBytes    int64 // the file as sent
	MaxPixels   int64 // width × height of an image
	MaxUnpacked int64 // everything a DOCX or XLSX unpacks to
	MaxEntries  int   // parts of a DOCX or XLSX
	ImagesOnly  bool  // refuse documents (public photo uploads)
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxUnpacked <= 0 {
		l.MaxUnpacked = DefaultMaxUnpacked
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	return l
}

// Reason says why a file is refused.
type Reason string

// The reasons.
const (
	TooLarge    Reason = "too_large"   // over MaxBytes
	TooManyPix  Reason = "too_many_px" // an image over MaxPixels (a decompression bomb among them)
	ZipBomb     Reason = "zip_bomb"    // an archive over the unpacking limits
	Unsupported Reason = "unsupported" // not one of the accepted types, judged by the bytes
	Damaged     Reason = "damaged"     // claims an accepted type but does not decode
)

// Error is a refusal. Message is Chinese and safe to show.
type Error struct {
	Reason  Reason
	Message string
}

func (e *Error) Error() string { return "filecheck: " + string(e.Reason) + ": " + e.Message }

func refuse(r Reason, format string, args ...any) *Error {
	return &Error{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// Result is what Check accepted.
type Result struct {
	Type Type
	// Body is what to store: an image re-encoded (or, for WebP, rebuilt)
	// without metadata; a document as sent.
	Body []byte
	// Width and Height of an image, upright; zero for documents.
	Width, Height int
}

// Check judges data's type from its bytes and returns what may be stored, or
// an *Error saying why not.
func Check(data []byte, lim Limits) (Result, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return Result{}, refuse(TooLarge, "文件大小超过上限 %s", Size(lim.MaxBytes))
	}
	if len(data) == 0 {
		return Result{}, refuse(Unsupported, "文件是空的")
	}
	t, ok := sniff(data)
	if !ok || (lim.ImagesOnly && !t.IsImage()) {
		return Result{}, unsupported(lim.ImagesOnly)
	}
	switch t {
	case JPEG, PNG, WebP:
		return cleanImage(t, data, lim)
	case PDF:
		return Result{Type: PDF, Body: data}, nil
	default: // a zip: DOCX, XLSX or something else
		got, err := checkOOXML(data, lim)
		if err != nil {
			return Result{}, err
		}
		if lim.ImagesOnly {
			return Result{}, unsupported(true)
		}
		return Result{Type: got, Body: data}, nil
	}
}

func unsupported(imagesOnly bool) *Error {
	if imagesOnly {
		return refuse(Unsupported, "只接受 JPEG、PNG、WebP 格式的照片(按文件内容判断,改扩展名无效)")
	}
	return refuse(Unsupported, "只接受 JPEG、PNG、WebP 图片和 PDF、Word(DOCX)、Excel(XLSX)文件(按文件内容判断,改扩展名无效)")
}

// zipType stands for "a zip archive" until its content types are read.
var zipType = Type{MIME: "application/zip"}

// sniff judges the type by the leading bytes.
func sniff(b []byte) (Type, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP, true
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF, true
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return zipType, true
	}
	return Type{}, false
}

// Size formats a byte count for people: "20 MiB", "512 KiB".
func Size(n int64) string {
	switch {
	case n >= MiB && n%MiB == 0:
		return fmt.Sprintf("%d 兆字节", n/MiB)
	case n >= MiB:
		return fmt.Sprintf("%.1f 兆字节", float64(n)/MiB)
	case n >= 1024:
		return fmt.Sprintf("%d 千字节", (n+1023)/1024)
	}
	return fmt.Sprintf("%d 字节", n)
}

// Attachment is the Content-Disposition of a download:
// an attachment, never shown inline, that saves the file as name, with an
// ASCII fallback and the UTF-8 name of RFC 6266 (Chinese names survive).
func Attachment(name string) string {
	if name == "" {
		return "attachment"
	}
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + url.PathEscape(name)
}
