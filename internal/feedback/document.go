package feedback

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/document"
)

// DocumentKind is a kind of formal document (文书) the office issues.
type DocumentKind string

// Document kinds.
const (
	RectificationNotice DocumentKind = "rectification_notice" // 整改通知书, to one unit
	FeedbackOpinion     DocumentKind = "feedback_opinion"     // 反馈意见书, to one unit after a supervision
	SupervisionBulletin DocumentKind = "supervision_bulletin" // 督察通报, from a summary
	ReplyLetter         DocumentKind = "reply_letter"         // 答复函, to one submitter
)

// DocumentKinds lists every document kind in display order.
var DocumentKinds = []DocumentKind{RectificationNotice, FeedbackOpinion, SupervisionBulletin, ReplyLetter}

var documentLabels = map[DocumentKind]string{
	RectificationNotice: "整改通知书",
	FeedbackOpinion:     "反馈意见书",
	SupervisionBulletin: "督察通报",
	ReplyLetter:         "答复函",
}

// Valid reports whether k is a known document kind.
func (k DocumentKind) Valid() bool { _, ok := documentLabels[k]; return ok }

// Label is the Chinese name of the kind.
func (k DocumentKind) Label() string { return documentLabels[k] }

// Document is an issued formal document: numbered, titled, and kept as it
// was issued (Content), since the problems and figures it names go on
// changing. Documents are never changed or deleted.
type Document struct {
	ID   string
	Kind DocumentKind
	// Year and Seq make the number: Seq counts from 1 per kind and calendar
	// year (Asia/Shanghai), with no gap and no repeat.
	Year   int
	Seq    int
	Number string // DocumentNumber(prefix, Year, Seq)
	Title  string
	// What the document was made from, as requested.
	ProblemListID string
	Unit          string
	SummaryID     string
	SuggestionID  string
	CreatedAt     time.Time
	CreatedBy     string
	// Content is the document as issued, EncodeDocumentContent's bytes.
	// Lists leave it out.
	Content []byte
}

// Limits of a stored document.
const (
	// MaxDocumentContentBytes bounds the encoded (compressed) content, so
	// a document stays one storage item (DynamoDB: 400 KB) with room to
	// spare.
	MaxDocumentContentBytes = 300 << 10
	// NumberPrefixMaxRunes bounds a number prefix (区依法治办, 区依法治办函).
	NumberPrefixMaxRunes = 30
	// documentTitleMaxRunes bounds a document's title; titles name a list
	// or a unit and a campaign, so they run longer than a list's.
	documentTitleMaxRunes = 2 * TitleMaxRunes
)

// DocumentNumber writes a document number as GB/T 9704-2012 does
// (发文字号): the prefix, the year in hexagonal brackets, the number
// without leading zeros, 号 — 区依法治办〔2025〕3号.
func DocumentNumber(prefix string, year, seq int) string {
	return prefix + "〔" + strconv.Itoa(year) + "〕" + strconv.Itoa(seq) + "号"
}

// CheckNumberPrefix checks an office's number prefix for a kind.
func CheckNumberPrefix(field, prefix string) error {
	if err := checkText(field, prefix, true, NumberPrefixMaxRunes, false); err != nil {
		return err
	}
	if strings.ContainsAny(prefix, "〔〕[]") {
		return FieldErrorf(field, "发文字号前缀不含年份和括号，例如“区依法治办”")
	}
	return nil
}

// Validate checks a document before it is stored.
func (d *Document) Validate() error {
	if err := firstErr(
		CheckKey("id", d.ID),
		CheckOptionalKey("problem_list_id", d.ProblemListID),
		CheckOptionalKey("summary_id", d.SummaryID),
		CheckOptionalKey("suggestion_id", d.SuggestionID),
		checkText("unit", d.Unit, false, UnitMaxRunes, false),
		checkText("title", d.Title, true, documentTitleMaxRunes, true),
		checkText("number", d.Number, true, NumberPrefixMaxRunes+20, false),
	); err != nil {
		return err
	}
	switch {
	case !d.Kind.Valid():
		return FieldErrorf("kind", "文书种类应为 rectification_notice、feedback_opinion、supervision_bulletin 或 reply_letter")
	case d.Year < 2000 || d.Year > 9999:
		return FieldErrorf("year", "文号年份 %d 不在 2000 至 9999 之间", d.Year)
	case d.Seq < 1:
		return FieldErrorf("number", "文号序号从 1 开始")
	case !strings.HasSuffix(d.Number, "〔"+strconv.Itoa(d.Year)+"〕"+strconv.Itoa(d.Seq)+"号"):
		return FieldErrorf("number", "文号与年份、序号不符")
	case len(d.Content) == 0:
		return FieldErrorf("content", "文书没有内容")
	case len(d.Content) > MaxDocumentContentBytes:
		return Errorf(ETooLarge, "文书内容过长（压缩后 %d KB，上限 %d KB），请分成几份印发", len(d.Content)>>10, MaxDocumentContentBytes>>10)
	}
	return nil
}

// EncodeDocumentContent is how a document's content is stored: its JSON
// form (package document), gzip-compressed — Chinese text compresses to
// about a third.
func EncodeDocumentContent(c *document.Document) ([]byte, error) {
	j, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode document content: %w", err)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
	if _, err := zw.Write(j); err != nil {
		return nil, fmt.Errorf("compress document content: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress document content: %w", err)
	}
	return b.Bytes(), nil
}

// maxDocumentJSON bounds what DecodeDocumentContent unpacks.
const maxDocumentJSON = 16 << 20

// DecodeDocumentContent reads what EncodeDocumentContent wrote.
func DecodeDocumentContent(b []byte) (*document.Document, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("decode document content: %w", err)
	}
	j, err := io.ReadAll(io.LimitReader(zr, maxDocumentJSON+1))
	if err != nil {
		return nil, fmt.Errorf("decode document content: %w", err)
	}
	if len(j) > maxDocumentJSON {
		return nil, fmt.Errorf("decode document content: more than %d bytes", maxDocumentJSON)
	}
	var c document.Document
	if err := json.Unmarshal(j, &c); err != nil {
		return nil, fmt.Errorf("decode document content: %w", err)
	}
	return &c, nil
}
