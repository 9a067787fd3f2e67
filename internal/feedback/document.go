package feedback

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
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

// Valid reports whether k is a known document kind.
func (k DocumentKind) Valid() bool { _, ok := documentLabels[k]; return ok }

// Document is an issued formal document: numbered, titled, and kept as it
// was issued (Content), since the problems and figures it names go on
// changing. Documents are never changed or deleted.
type Document struct {
	// ID is DocumentID(Kind, Year, Seq): a document is stored under its
	// number, so storing it is taking the number.
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

// DocumentID is the ID of the seq-th document of kind in year:
// rectification_notice-2025-3.
func DocumentID(kind DocumentKind, year, seq int) string {
	return string(kind) + "-" + strconv.Itoa(year) + "-" + strconv.Itoa(seq)
}

// ParseDocumentID reads what DocumentID wrote; false for anything else.
func ParseDocumentID(id string) (kind DocumentKind, year, seq int, ok bool) {
	k, rest, found := strings.Cut(id, "-")
	y, n, found2 := strings.Cut(rest, "-")
	if !found || !found2 {
		return "", 0, 0, false
	}
	kind = DocumentKind(k)
	year, err1 := strconv.Atoi(y)
	seq, err2 := strconv.Atoi(n)
	if !kind.Valid() || err1 != nil || err2 != nil || DocumentID(kind, year, seq) != id {
		return "", 0, 0, false
	}
	return kind, year, seq, true
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
		return FieldErrorf("kind", "文书种类应为整改通知书、反馈意见书、督察通报或答复函")
	case d.Year < 2000 || d.Year > 9999:
		return FieldErrorf("year", "文号年份 %d 不在 2000 至 9999 之间", d.Year)
	case d.Seq < 1:
		return FieldErrorf("number", "文号序号从 1 开始")
	case !strings.HasSuffix(d.Number, "〔"+strconv.Itoa(d.Year)+"〕"+strconv.Itoa(d.Seq)+"号"):
		return FieldErrorf("number", "文号与年份、序号不符")
	case d.ID != DocumentID(d.Kind, d.Year, d.Seq):
		return FieldErrorf("id", "文书编号与种类、年份、序号不符")
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

// DocumentFilter selects documents, newest first.
type DocumentFilter struct {
	Kind   DocumentKind // "" = every kind
	Limit  int
	Cursor string
}

// Validate checks a document filter; stores call it before listing.
func (f DocumentFilter) Validate() error {
	if f.Kind != "" && !f.Kind.Valid() {
		return FieldErrorf("kind", "文书种类应为整改通知书、反馈意见书、督察通报或答复函")
	}
	return nil
}

// DocumentRecords stores issued documents. A document is stored under its
// number (its ID is DocumentID of kind, year and number), so the one
// conditional write that stores it is the one that takes the number: no
// number is stored twice, and none is taken without its document.
// IssueDocument adds the rest: it always takes the number after the last
// one, so there is no gap either. The SQLite and DynamoDB stores implement
// it; the contract suite (storetest.RunDocumentRecords) holds both to it.
type DocumentRecords interface {
	// CreateDocument stores d, its content included, in one atomic write;
	// EConflict and nothing stored when its number is taken, EInvalid (or
	// ETooLarge) when d is not valid.
	CreateDocument(ctx context.Context, d *Document) error
	// LastDocumentSeq is the highest number stored for kind in year; 0
	// when there is none. It sees every CreateDocument that returned.
	LastDocumentSeq(ctx context.Context, kind DocumentKind, year int) (int, error)
	// GetDocument returns a document with its content; ENotFound when
	// there is none.
	GetDocument(ctx context.Context, id string) (*Document, error)
	// ListDocuments lists documents newest first (CreatedAt, then ID),
	// without their content.
	ListDocuments(ctx context.Context, f DocumentFilter) (Page[*Document], error)
}

// issueAttempts bounds how often IssueDocument tries for a number. Each
// round of a race issues one number, so this many requests for the same
// kind at the same moment all get theirs.
const issueAttempts = 100

// IssueDocument gives d the next number of its kind in d.Year (and the ID
// that goes with it) and stores it with its content: it reads the last
// number, stores d as the next one, and when another request took that
// number first, reads again and tries the next, after a short random pause
// that spreads the racers. The number is set on content too. Numbers so
// have no gap (each is the one after a number already stored, and documents
// are never deleted) and no repeat (storing is taking the number).
func IssueDocument(ctx context.Context, rec DocumentRecords, d *Document, prefix string, content *document.Document) error {
	if err := CheckNumberPrefix("number_prefixes."+string(d.Kind), prefix); err != nil {
		return err
	}
	return retryContended(ctx, issueAttempts, issuePause, func(int) (func() error, error) {
		last, err := rec.LastDocumentSeq(ctx, d.Kind, d.Year)
		if err != nil {
			return nil, err
		}
		d.Seq = last + 1
		d.ID = DocumentID(d.Kind, d.Year, d.Seq)
		d.Number = DocumentNumber(prefix, d.Year, d.Seq)
		content.Number = d.Number
		if d.Content, err = EncodeDocumentContent(content); err != nil {
			return nil, Internal(err)
		}
		return func() error { return rec.CreateDocument(ctx, d) }, nil
	})
}

// issuePause is the random pause after a lost race for a number: up to
// 2 ms per round lost so far, at most 20 ms.
func issuePause(attempt int) time.Duration {
	return time.Duration(rand.Int64N(int64(min(attempt, 10)) * int64(2*time.Millisecond)))
}
