package feedback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jianyan/jianyan/internal/filecheck"
)

// Files holds the file use cases: requesting an upload, checking the bytes
// that arrived, reading a file under the access rules of what it is
// attached to, attaching evidence and sweeping what nothing references.
type Files struct {
	records     FileRecords
	storage     FileStorage
	problems    problemReader
	suggestions suggestionReader
	now         Clock
	log         *slog.Logger
}

type problemReader interface {
	GetProblem(ctx context.Context, id string) (*Problem, error)
}

type suggestionReader interface {
	GetSuggestion(ctx context.Context, id string) (*Suggestion, error)
	ListSuggestions(ctx context.Context, f SuggestionFilter) (Page[*Suggestion], error)
}

// FileConfig configures Files.
type FileConfig struct {
	Records  FileRecords
	Storage  FileStorage
	Problems problemReader // the Store: access to attached evidence follows its problem
	// Suggestions (the Store; Problems when it reads suggestions too):
	// access to a lead's photos follows the suggestion's problem, and the
	// sweep attaches photos a stored suggestion names.
	Suggestions suggestionReader
	Now         Clock
	Logger      *slog.Logger
}

// NewFiles returns the file use cases.
func NewFiles(cfg FileConfig) *Files {
	f := &Files{records: cfg.Records, storage: cfg.Storage, problems: cfg.Problems, suggestions: cfg.Suggestions, now: cfg.Now, log: cfg.Logger}
	if sr, ok := cfg.Problems.(suggestionReader); ok && f.suggestions == nil {
		f.suggestions = sr
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.log == nil {
		f.log = slog.Default()
	}
	return f
}

// UploadSpec is what a client says of a file before sending it.
type UploadSpec struct {
	Filename    string
	ContentType string
	Size        int64
}

// RequestUpload records a pending evidence file for the caller and returns
// the form to send its bytes with. A declared type that is not accepted is
// EUnsupported and a size over EvidenceMaxBytes ETooLarge; the bytes are
// judged again when they arrive.
func (s *Files) RequestUpload(ctx context.Context, id Identity, spec UploadSpec) (*File, UploadForm, error) {
	if err := requireAnyRole(id); err != nil {
		return nil, UploadForm{}, err
	}
	f := &File{Purpose: PurposeEvidence, UploadedBy: actorName(id), UploaderSubject: id.Subject}
	if id.Role == RoleUnit {
		f.UploaderUnit = id.Unit
	}
	return s.request(ctx, f, spec, EvidenceMaxBytes, false)
}

// RequestPhotoUpload records a pending photo for a problem lead at the
// symposium (which the caller found open) and returns its form. Images
// only, up to PhotoMaxBytes.
func (s *Files) RequestPhotoUpload(ctx context.Context, symposiumID string, spec UploadSpec) (*File, UploadForm, error) {
	return s.request(ctx, &File{Purpose: PurposePhoto, SymposiumID: symposiumID}, spec, PhotoMaxBytes, true)
}

func (s *Files) request(ctx context.Context, f *File, spec UploadSpec, max int64, imagesOnly bool) (*File, UploadForm, error) {
	if err := s.newUpload(f, spec, max, imagesOnly); err != nil {
		return nil, UploadForm{}, err
	}
	// The form allows the declared size at most: a larger file is refused
	// by the storage before it lands.
	form, err := s.storage.UploadForm(ctx, UploadRequest{Key: UploadKey(f.ID), ContentType: f.ContentType, MaxSize: spec.Size, Expires: f.ExpiresAt})
	if err != nil {
		return nil, UploadForm{}, err
	}
	if err := s.records.CreateFile(ctx, f); err != nil {
		return nil, UploadForm{}, err
	}
	return f, form, nil
}

// newUpload fills in the pending record of an upload after checking what
// the client declared: the type (EUnsupported) and the size (ETooLarge
// over max).
func (s *Files) newUpload(f *File, spec UploadSpec, max int64, imagesOnly bool) error {
	t, ok := filecheck.TypeByMIME(spec.ContentType)
	if !ok || (imagesOnly && !t.IsImage()) {
		msg := "只接受 JPEG、PNG、WebP 图片和 PDF、Word(DOCX)、Excel(XLSX)文件"
		if imagesOnly {
			msg = "只接受 JPEG、PNG、WebP 格式的照片"
		}
		return &Error{Code: EUnsupported, Field: "content_type", Message: msg}
	}
	if spec.Size <= 0 {
		return FieldErrorf("size", "请填写文件大小(字节数)")
	}
	if spec.Size > max {
		return &Error{Code: ETooLarge, Field: "size", Message: "文件不能超过 " + filecheck.Size(max)}
	}
	now := s.now()
	f.ID = NewID(now)
	f.Name = CleanFileName(spec.Filename)
	f.ContentType = t.MIME
	f.Size = spec.Size
	f.Status = FilePending
	f.CreatedAt = now
	f.ExpiresAt = now.Add(UploadTTL)
	return nil
}

// ReceivePhoto records a pending photo for a problem lead at the symposium
// and stores its spec.Size bytes from body under its UploadKey, where the
// check finds them: what a form post with a photo inside does instead of
// a presigned upload. The record comes first, so bytes that fail to land
// leave a pending record the sweep removes.
func (s *Files) ReceivePhoto(ctx context.Context, symposiumID string, spec UploadSpec, body io.Reader) (*File, error) {
	f := &File{Purpose: PurposePhoto, SymposiumID: symposiumID}
	if err := s.newUpload(f, spec, PhotoMaxBytes, true); err != nil {
		return nil, err
	}
	if err := s.records.CreateFile(ctx, f); err != nil {
		return nil, err
	}
	if err := s.storage.Put(ctx, UploadKey(f.ID), body, spec.Size, f.ContentType); err != nil {
		return nil, err
	}
	return f, nil
}

// uploadGrace is how long after its form expired an upload may still
// arrive: the storage checks the expiry when the post starts, the arrival
// is when it ends.
const uploadGrace = 10 * time.Minute

// CheckUpload judges the bytes that arrived for file id at arrivedAt (the
// storage's object-created time) and marks the file ready — its cleaned
// bytes stored under FileKey — or rejected with the reason. The raw upload
// is removed either way. A file already checked is returned as it is, so a
// repeated event changes nothing.
func (s *Files) CheckUpload(ctx context.Context, id string, arrivedAt time.Time) (*File, error) {
	f, err := s.records.GetFile(ctx, id)
	if err != nil {
		return nil, err
	}
	if f.Status != FilePending {
		return f, nil
	}
	key := UploadKey(id)
	rc, size, err := s.storage.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	max := int64(EvidenceMaxBytes)
	if f.Purpose == PurposePhoto {
		max = PhotoMaxBytes
	}
	var data []byte
	if size <= max {
		data, err = io.ReadAll(io.LimitReader(rc, max+1))
	}
	_ = rc.Close()
	if err != nil {
		return nil, Internal(fmt.Errorf("read upload %s: %w", id, err))
	}
	if size > max || int64(len(data)) > max {
		size = max + 1
	}

	var (
		res    filecheck.Result
		reason string
	)
	switch {
	case arrivedAt.After(f.ExpiresAt.Add(uploadGrace)):
		reason = "上传链接过期后才收到文件,已拒绝,请重新上传"
	case size > max:
		reason = "文件超过 " + filecheck.Size(max) + " 的上限"
	case size > f.Size:
		// The form allows the declared size at most; S3 and the local
		// route refuse more, a storage that does not check the form does
		// not.
		reason = "收到的文件比上传时申报的大小(" + filecheck.Size(f.Size) + ")大,已拒绝,请重新上传"
	default:
		res, err = filecheck.Check(data, filecheck.Limits{MaxBytes: max, ImagesOnly: f.Purpose == PurposePhoto})
		var refusal *filecheck.Error
		if errors.As(err, &refusal) {
			reason = refusal.Message
		} else if err != nil {
			return nil, Internal(fmt.Errorf("check upload %s: %w", id, err))
		}
	}
	now := s.now()
	if reason == "" {
		if err := s.storage.Put(ctx, FileKey(id), bytes.NewReader(res.Body), int64(len(res.Body)), res.Type.MIME); err != nil {
			return nil, err
		}
	}
	// The record may change meanwhile (a lead's photo is attached to its
	// suggestion while being checked): read it again then.
	err = retryWrite(func(attempt int) (func() error, error) {
		if attempt > 1 {
			var err error
			if f, err = s.records.GetFile(ctx, id); err != nil {
				return nil, err
			}
			if f.Status != FilePending {
				return nil, nil
			}
		}
		f.CheckedAt = now
		if reason != "" {
			f.Status, f.RejectReason = FileRejected, reason
		} else {
			f.Status, f.ContentType, f.Size = FileReady, res.Type.MIME, int64(len(res.Body))
		}
		return func() error { return s.records.UpdateFile(ctx, f) }, nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.storage.Delete(ctx, key); err != nil {
		// The bucket's lifecycle rule (or the sweep) removes it later.
		s.log.WarnContext(ctx, "remove checked upload", "file", id, "err", err)
	}
	return f, nil
}

// canSeeFile is the access rule of files: what a file is attached to
// decides. Evidence follows its problem (canSeeProblem); a photo on a
// problem lead follows its suggestion (canSeeSuggestion: the office, and a
// unit once the lead is part of its problem); a file attached to nothing
// is seen by the office and by the account that uploaded it. Anything
// else is ENotFound, so a unit cannot probe for files.
func (s *Files) canSeeFile(ctx context.Context, id Identity, f *File) error {
	if err := requireAnyRole(id); err != nil {
		return err
	}
	if id.Role == RoleAdmin || id.Role == RoleStaff {
		return nil
	}
	if f.ProblemID != "" {
		p, err := s.problems.GetProblem(ctx, f.ProblemID)
		if err != nil {
			return err
		}
		if canSeeProblem(id, p) == nil {
			return nil
		}
	} else if f.SuggestionID != "" && s.suggestions != nil {
		// A lead's photo: a unit sees it when it may see the suggestion,
		// that is when the suggestion's problem is the unit's.
		sg, err := s.suggestions.GetSuggestion(ctx, f.SuggestionID)
		if err != nil && !IsCode(err, ENotFound) {
			return err
		}
		if err == nil {
			switch err := seesSuggestion(ctx, s.problems, id, sg); {
			case err == nil:
				return nil
			case !IsCode(err, EForbidden):
				return err
			}
		}
	} else if f.SuggestionID == "" && f.UploaderSubject != "" && f.UploaderSubject == id.Subject {
		return nil
	}
	return Errorf(ENotFound, "文件不存在")
}

// GetFile returns a file's record under the access rules.
func (s *Files) GetFile(ctx context.Context, id Identity, fileID string) (*File, error) {
	f, err := s.records.GetFile(ctx, fileID)
	if err != nil {
		return nil, err
	}
	if err := s.canSeeFile(ctx, id, f); err != nil {
		return nil, err
	}
	return f, nil
}

// FileDownload is how a file is served: a short-lived URL of the storage
// (S3) or, where the storage has none, its bytes.
type FileDownload struct {
	File *File
	URL  string
	Body io.ReadCloser
	Size int64
}

// DownloadTTL is how long a download URL stays valid.
const DownloadTTL = 5 * time.Minute

// Download returns how to serve file fileID to the caller: only ready
// files are served; pending is EConflict (still being checked), rejected
// EGone with the reason.
func (s *Files) Download(ctx context.Context, id Identity, fileID string) (*FileDownload, error) {
	f, err := s.GetFile(ctx, id, fileID)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case FilePending:
		return nil, Errorf(EConflict, "文件仍在检查中,请稍后再试")
	case FileRejected:
		return nil, Errorf(EGone, "文件未通过检查:%s", f.RejectReason)
	}
	u, err := s.storage.DownloadURL(ctx, FileKey(f.ID), Download{Filename: f.Name, ContentType: f.ContentType, TTL: DownloadTTL})
	if err != nil {
		return nil, err
	}
	if u != "" {
		return &FileDownload{File: f, URL: u}, nil
	}
	body, size, err := s.storage.Open(ctx, FileKey(f.ID))
	if err != nil {
		return nil, err
	}
	return &FileDownload{File: f, Body: body, Size: size}, nil
}

// MaxEvidencePerReport bounds the files one transition or progress report
// attaches.
const MaxEvidencePerReport = 20

// AttachEvidence prepares the attachment of the caller's ready evidence
// files to problem p (which the caller may change): each must exist, have
// passed its check, be attached to nothing yet, and have been uploaded by
// the caller (or by anyone, for the office). A file still being checked is
// EConflict (try again in a moment); any other refusal is EInvalid naming
// evidence_file_ids. It returns the files, in the order given, and the
// records to store — those not yet attached to p, now pointing at it — which
// the caller writes together with the problem (ProblemWrite.Files), so the
// attachment is atomic: it stores nothing itself.
func (s *Files) AttachEvidence(ctx context.Context, id Identity, p *Problem, fileIDs []string) (files, changed []*File, err error) {
	if len(fileIDs) > MaxEvidencePerReport {
		return nil, nil, FieldErrorf("evidence_file_ids", "一次最多附 %d 个佐证材料", MaxEvidencePerReport)
	}
	seen := map[string]bool{}
	for _, fid := range fileIDs {
		if seen[fid] {
			continue
		}
		seen[fid] = true
		f, err := s.records.GetFile(ctx, fid)
		if IsCode(err, ENotFound) || IsCode(err, EInvalid) {
			return nil, nil, FieldErrorf("evidence_file_ids", "佐证材料不存在或已过期,请重新上传")
		}
		if err != nil {
			return nil, nil, err
		}
		office := id.Role == RoleAdmin || id.Role == RoleStaff
		switch {
		case f.Purpose != PurposeEvidence:
			return nil, nil, FieldErrorf("evidence_file_ids", "「%s」不是佐证材料", f.Name)
		case !office && f.UploaderSubject != id.Subject:
			return nil, nil, FieldErrorf("evidence_file_ids", "佐证材料不存在或已过期,请重新上传")
		case f.Status == FilePending:
			return nil, nil, Errorf(EConflict, "「%s」仍在检查中,请稍后再提交", f.Name)
		case f.Status == FileRejected:
			return nil, nil, FieldErrorf("evidence_file_ids", "「%s」未通过检查:%s", f.Name, f.RejectReason)
		case f.ProblemID == p.ID:
			files = append(files, f) // attached before (a retried request): nothing to store
			continue
		case f.Attached():
			return nil, nil, FieldErrorf("evidence_file_ids", "「%s」已附在其他问题上", f.Name)
		}
		files = append(files, f)
		f.ProblemID = p.ID
		changed = append(changed, f)
	}
	if len(p.Evidence)+len(changed) > MaxEvidencePerProblem {
		return nil, nil, FieldErrorf("evidence_file_ids", "每个问题最多附 %d 个佐证材料", MaxEvidencePerProblem)
	}
	return files, changed, nil
}

// SweepUnattached removes files that nothing referenced within
// UnattachedFileTTL of their upload — records and bytes — and returns how
// many; a photo that a stored suggestion names is attached to it instead
// (photo_service.go). Run it with the other periodic jobs.
func (s *Files) SweepUnattached(ctx context.Context) (int, error) {
	before := s.now().Add(-UnattachedFileTTL)
	removed := 0
	cursor := ""
	for {
		page, err := s.records.ListUnattachedFiles(ctx, before, MaxListLimit, cursor)
		if err != nil {
			return removed, err
		}
		for _, f := range page.Items {
			// A photo a stored suggestion names was left unattached by a
			// crash between the two writes: attach it instead.
			sg, err := s.claimingSuggestion(ctx, f) // photo_service.go
			if err != nil {
				return removed, err
			}
			if sg != nil {
				if err := s.attachPhoto(ctx, f, sg.ID); err != nil {
					return removed, err
				}
				s.log.InfoContext(ctx, "attached a photo its suggestion names", "file", f.ID, "suggestion_id", sg.ID)
				continue
			}
			if err := s.Remove(ctx, f.ID); err != nil {
				return removed, err
			}
			removed++
		}
		if page.NextCursor == "" {
			return removed, nil
		}
		cursor = page.NextCursor
	}
}

// Remove deletes a file's bytes and then its record (the retention
// anonymiser removes submitters' photos with it).
func (s *Files) Remove(ctx context.Context, fileID string) error {
	for _, key := range []string{UploadKey(fileID), FileKey(fileID)} {
		if err := s.storage.Delete(ctx, key); err != nil {
			return err
		}
	}
	return s.records.DeleteFile(ctx, fileID)
}

// ExportTTL is how long the link to a published export stays valid.
const ExportTTL = 15 * time.Minute

// PublishedExport is a finished export file stored for download.
type PublishedExport struct {
	URL       string
	ExpiresAt time.Time
}

// PublishExport stores a finished export file (size bytes from body, of
// the given type, ext its extension such as ".csv") under exports/ and
// returns a short-lived link that serves it as an attachment named name:
// how a file larger than a Lambda response may carry (6 MB) reaches the
// person who asked for it. Where the storage has no links of its own (the
// local disk) it stores nothing and returns nil: the host streams the file
// itself. Exports are removed after a day (the bucket's lifecycle rule).
// The caller is responsible for the export being allowed (the domain's
// export use case has recorded it).
func (s *Files) PublishExport(ctx context.Context, name, ext, contentType string, body io.Reader, size int64) (*PublishedExport, error) {
	now := s.now()
	key := ExportKey(NewID(now) + ext)
	if !ValidObjectKey(key) {
		return nil, Internal(fmt.Errorf("export key %q", key))
	}
	u, err := s.storage.DownloadURL(ctx, key, Download{Filename: name, ContentType: contentType, TTL: ExportTTL})
	if err != nil || u == "" {
		return nil, err
	}
	if err := s.storage.Put(ctx, key, body, size, contentType); err != nil {
		return nil, err
	}
	return &PublishedExport{URL: u, ExpiresAt: now.Add(ExportTTL)}, nil
}

// LocalUploads takes upload posts where the storage has no endpoint of its
// own (the local disk): Receiver checks the signed form and stores the
// bytes, then Files judges them at once — what the check function does on
// AWS when S3 reports the object. It lives in its own type so that a binary
// which never builds one (the staff Lambda) links no image decoder.
type LocalUploads struct {
	Files    *Files
	Receiver UploadReceiver
}

// TakeUpload receives one post and returns the checked file (ready or
// rejected).
func (u LocalUploads) TakeUpload(ctx context.Context, body io.Reader, contentType string) (*File, error) {
	key, _, err := u.Receiver.ReceiveUpload(ctx, body, contentType)
	if err != nil {
		return nil, err
	}
	return u.Files.CheckUpload(ctx, UploadFileID(key), u.Files.now())
}

// ReadImage returns the checked bytes of a ready image file the caller may
// see, for a use case that keeps its own copy (the office's emblem). A file
// that is missing or unseen, not an image, still being checked, refused by
// its check or larger than max is refused with an error naming field.
func (s *Files) ReadImage(ctx context.Context, id Identity, fileID, field string, max int64) (*File, []byte, error) {
	if !ValidKey(fileID) {
		return nil, nil, FieldErrorf(field, "图片不存在或已过期,请重新上传")
	}
	f, err := s.GetFile(ctx, id, fileID)
	if IsCode(err, ENotFound) {
		return nil, nil, FieldErrorf(field, "图片不存在或已过期,请重新上传")
	}
	if err != nil {
		return nil, nil, err
	}
	switch {
	case f.Status == FilePending:
		return nil, nil, &Error{Code: EConflict, Field: field, Message: "「" + f.Name + "」仍在检查中,请稍后再保存"}
	case f.Status == FileRejected:
		return nil, nil, FieldErrorf(field, "「%s」未通过检查:%s", f.Name, f.RejectReason)
	case f.ContentType != "image/png" && f.ContentType != "image/jpeg" && f.ContentType != "image/webp":
		return nil, nil, FieldErrorf(field, "「%s」不是 PNG、JPEG 或 WebP 图片", f.Name)
	case f.Size > max:
		return nil, nil, FieldErrorf(field, "「%s」超过 %s 的上限,请缩小后再上传", f.Name, filecheck.Size(max))
	}
	rc, _, err := s.storage.Open(ctx, FileKey(f.ID))
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, nil, Internal(fmt.Errorf("read file %s: %w", f.ID, err))
	}
	if int64(len(data)) > max {
		return nil, nil, FieldErrorf(field, "「%s」超过 %s 的上限,请缩小后再上传", f.Name, filecheck.Size(max))
	}
	return f, data, nil
}
