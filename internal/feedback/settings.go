package feedback

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

	"github.com/jianyan/jianyan/internal/filecheck"
)

// Settings are the office's own words and image: its name on the public
// pages, the poster and the receipt; the issuer (发文机关) and the number
// prefix (发文字号前缀) of each kind of document; an optional emblem shown
// beside the name. One record, versioned like the routing rules; the zero
// Settings (Version 0) is what a store holds before an administrator saved
// any.
type Settings struct {
	// OfficeName is how the office names itself to the public, e.g.
	// 区委全面依法治区委员会办公室.
	OfficeName string
	// Issuer is the issuing authority of formal documents (发文机关), e.g.
	// 中共某某区委全面依法治区委员会办公室; documents print it as their
	// issuer mark (with 文件) and signature.
	Issuer string
	// NumberPrefixes are the number prefixes (区依法治办, 区依法治办函) per
	// document kind; a kind without one is not set.
	NumberPrefixes map[DocumentKind]string
	// Emblem is the optional image (徽标): a copy of the checked bytes of
	// an uploaded image file, small enough to live in this record, so that
	// public pages serve it without reaching file storage.
	Emblem    *Emblem
	UpdatedAt time.Time
	UpdatedBy string
	Version   int64
}

// Emblem is the office's emblem image.
type Emblem struct {
	ContentType string // image/png, image/jpeg or image/webp
	Data        []byte
}

// Settings limits.
const (
	OfficeNameMaxRunes = 100
	IssuerMaxRunes     = 100
	// EmblemMaxBytes bounds the emblem: it is stored in the settings record
	// (one DynamoDB item of at most 400 KB) and sent with the public pages.
	EmblemMaxBytes = 200 << 10
)

// DefaultOfficeName is what public pages call the office until an
// administrator names it.
const DefaultOfficeName = "意见建议征集"

// Name is the office's name for public pages: OfficeName, or
// DefaultOfficeName when none was set.
func (s *Settings) Name() string {
	if s == nil || s.OfficeName == "" {
		return DefaultOfficeName
	}
	return s.OfficeName
}

// NumberPrefix is the number prefix of documents of kind k, "" when not
// set.
func (s *Settings) NumberPrefix(k DocumentKind) string {
	if s == nil {
		return ""
	}
	return s.NumberPrefixes[k]
}

// EmblemName is the file name the emblem is served under: a digest of its
// bytes and an extension, so that a changed emblem gets a new name and the
// old one can be cached for good. "" when there is no emblem.
func (s *Settings) EmblemName() string {
	if s == nil || s.Emblem == nil || len(s.Emblem.Data) == 0 {
		return ""
	}
	sum := sha256.Sum256(s.Emblem.Data)
	ext := ".png"
	switch s.Emblem.ContentType {
	case "image/jpeg":
		ext = ".jpg"
	case "image/webp":
		ext = ".webp"
	}
	return hex.EncodeToString(sum[:8]) + ext
}

// emblemTypes are the image types an emblem may have.
var emblemTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true}

// Validate checks settings before they are stored.
func (s *Settings) Validate() error {
	if err := firstErr(
		checkText("office_name", s.OfficeName, true, OfficeNameMaxRunes, false),
		checkText("issuer", s.Issuer, false, IssuerMaxRunes, false),
		checkText("updated_by", s.UpdatedBy, false, ActorMaxRunes, false),
	); err != nil {
		return err
	}
	for _, k := range sortedKinds(s.NumberPrefixes) {
		if !k.Valid() {
			return FieldErrorf("number_prefixes", "文号前缀中有未知的文书种类,可选:整改通知书、反馈意见书、督察通报、答复函")
		}
		if err := CheckNumberPrefix("number_prefixes."+string(k), s.NumberPrefixes[k]); err != nil {
			return err
		}
	}
	if a, b, ok := sharedPrefix(s.NumberPrefixes); ok {
		return FieldErrorf("number_prefixes", "%s和%s的发文字号前缀都是“%s”:文号按文书种类分别编号,两种文书会出现相同的文号,请为每种文书设不同的前缀",
			a.Label(), b.Label(), s.NumberPrefixes[a])
	}
	if e := s.Emblem; e != nil {
		switch {
		case !emblemTypes[e.ContentType]:
			return FieldErrorf("emblem_file_id", "徽标应为 PNG、JPEG 或 WebP 图片")
		case len(e.Data) == 0:
			return FieldErrorf("emblem_file_id", "徽标图片是空的")
		case len(e.Data) > EmblemMaxBytes:
			return FieldErrorf("emblem_file_id", "徽标图片不能超过 %s(现有 %s),请缩小后再上传", filecheck.Size(EmblemMaxBytes), filecheck.Size(int64(len(e.Data))))
		}
	}
	return nil
}

// sharedPrefix finds two kinds with the same number prefix. Each kind
// counts its own numbers from 1 every year, so two kinds sharing a prefix
// would both issue 区依法治办〔2026〕1号: a document number must name one
// document.
func sharedPrefix(m map[DocumentKind]string) (DocumentKind, DocumentKind, bool) {
	kinds := sortedKinds(m)
	for i, a := range kinds {
		for _, b := range kinds[i+1:] {
			if m[a] != "" && m[a] == m[b] {
				return a, b, true
			}
		}
	}
	return "", "", false
}

// sortedKinds lists a prefix map's kinds in a stable order, so that the
// first error named is always the same.
func sortedKinds(m map[DocumentKind]string) []DocumentKind {
	out := make([]DocumentKind, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
