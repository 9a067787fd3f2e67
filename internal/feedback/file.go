package feedback

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// FileStatus is where an uploaded file is in its check.
type FileStatus string

// File statuses. A file is pending from the upload request until its bytes
// have been checked (on AWS by the checking function, on S3's
// object-created event; locally at once, by the upload route); then ready
// or rejected. Only ready files can be attached or downloaded.
const (
	FilePending  FileStatus = "pending"
	FileReady    FileStatus = "ready"
	FileRejected FileStatus = "rejected"
)

// FilePurpose is what a file is for; it decides its limits and who may see
// it.
type FilePurpose string

// File purposes.
const (
	// PurposeEvidence is rectification evidence (佐证材料) a unit or the
	// office attaches to a problem: images and documents up to 20 MiB.
	PurposeEvidence FilePurpose = "evidence"
	// PurposePhoto is a photo a submitter sends with a problem lead: images
	// only, up to 10 MiB, at most MaxPhotosPerSuggestion per submission.
	PurposePhoto FilePurpose = "photo"
)

// File limits.
const (
	EvidenceMaxBytes       = 20 << 20
	PhotoMaxBytes          = 10 << 20
	MaxPhotosPerSuggestion = 3
	FileNameMaxRunes       = 200
	// UploadTTL is how long an upload form stays valid.
	UploadTTL = 15 * time.Minute
	// UnattachedFileTTL is how long a file may stay referenced by nothing
	// before the sweep removes it.
	UnattachedFileTTL = 24 * time.Hour
)

// File is an uploaded photo or document: its record. The bytes are in
// FileStorage under UploadKey(ID) until checked, then under FileKey(ID).
type File struct {
	ID          string
	Name        string // the name it was sent with, shown to people
	ContentType string // declared until checked, then judged from the bytes
	Size        int64  // declared until checked, then what is stored
	Purpose     FilePurpose
	Status      FileStatus
	// RejectReason says, in Chinese, why the check refused the bytes.
	RejectReason string
	// UploadedBy is the uploader's actor name ("" for a public photo);
	// UploaderSubject and UploaderUnit identify the account (a unit's
	// unit), for access before the file is attached.
	UploadedBy      string
	UploaderSubject string
	UploaderUnit    string
	SymposiumID     string // a public photo's symposium
	ProblemID       string // the problem it is evidence on, once attached
	SuggestionID    string // the problem lead it is a photo of, once attached
	CreatedAt       time.Time
	ExpiresAt       time.Time // the upload form's expiry
	CheckedAt       time.Time
	Version         int64
}

// Label is the status's Chinese name.
func (s FileStatus) Label() string {
	switch s {
	case FilePending:
		return "正在检查"
	case FileReady:
		return "已通过检查"
	case FileRejected:
		return "未通过检查"
	}
	return ""
}

// Shown is how the file's check stands at now, as people read it: a file
// still pending well after its upload form expired never arrived (its
// bytes were not sent), and is shown as refused with that reason.
func (f *File) Shown(now time.Time) (FileStatus, string) {
	if f.Status == FilePending && now.After(f.ExpiresAt.Add(uploadGrace+time.Hour)) {
		return FileRejected, "未收到文件内容"
	}
	return f.Status, f.RejectReason
}

// Attached reports whether something references the file.
func (f *File) Attached() bool { return f.ProblemID != "" || f.SuggestionID != "" }

// Validate checks a file record before it is stored.
func (f *File) Validate() error {
	if f == nil {
		return FieldErrorf("file", "缺少文件记录")
	}
	if err := firstErr(CheckKey("id", f.ID), CheckOptionalKey("symposium_id", f.SymposiumID),
		CheckOptionalKey("problem_id", f.ProblemID), CheckOptionalKey("suggestion_id", f.SuggestionID)); err != nil {
		return err
	}
	switch f.Purpose {
	case PurposeEvidence, PurposePhoto:
	default:
		return FieldErrorf("purpose", "文件用途无效")
	}
	switch f.Status {
	case FilePending, FileReady, FileRejected:
	default:
		return FieldErrorf("status", "文件状态无效")
	}
	if f.Size <= 0 || f.Size > EvidenceMaxBytes {
		return FieldErrorf("size", "文件大小无效")
	}
	if f.CreatedAt.IsZero() || f.ExpiresAt.IsZero() {
		return FieldErrorf("created_at", "缺少上传时间")
	}
	return firstErr(
		checkText("filename", f.Name, true, FileNameMaxRunes, false),
		checkText("content_type", f.ContentType, true, 200, false),
		checkText("reject_reason", f.RejectReason, false, NoteMaxRunes, false),
		checkText("uploaded_by", f.UploadedBy, false, ActorMaxRunes, false),
		checkText("uploader_unit", f.UploaderUnit, false, ActorMaxRunes, false),
		checkText("uploader_subject", f.UploaderSubject, false, ActorMaxRunes, false),
	)
}

// CleanFileName turns a client's file name into one safe to show and to
// offer as a download name: the last path element, control characters and
// path separators removed, at most FileNameMaxRunes runes; "文件" when
// nothing is left.
func CleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > FileNameMaxRunes {
		name = string([]rune(name)[:FileNameMaxRunes])
	}
	if name == "" || name == "." || name == ".." {
		return "文件"
	}
	return name
}

// EvidenceRef is a file attached to a problem as evidence, as the problem
// and its history list it.
type EvidenceRef struct {
	FileID      string
	Name        string
	ContentType string
	Size        int64
	By          string // who attached it
	At          time.Time
}

// MaxEvidencePerProblem bounds a problem's evidence list (it is stored
// with the problem).
const MaxEvidencePerProblem = 200

// FileRecords stores file records. The SQLite and DynamoDB stores implement
// it; the contract suite (storetest.RunFileRecords) holds both to it.
type FileRecords interface {
	// CreateFile stores f (EConflict when the ID is taken) with Version 1.
	CreateFile(ctx context.Context, f *File) error
	// GetFile returns ENotFound for an unknown ID.
	GetFile(ctx context.Context, id string) (*File, error)
	// UpdateFile is optimistic on f.Version, like every Update*.
	UpdateFile(ctx context.Context, f *File) error
	// DeleteFile removes a record; removing one that is not there is no
	// error.
	DeleteFile(ctx context.Context, id string) error
	// ListUnattachedFiles lists files that nothing references, created
	// before before, oldest first.
	ListUnattachedFiles(ctx context.Context, before time.Time, limit int, cursor string) (Page[*File], error)
}
