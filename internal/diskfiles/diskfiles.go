// Package diskfiles is the local stack's feedback.FileStorage: files in a
// folder on the local disk (by default beside the SQLite file, see Dir).
//
// It behaves like the S3 adapter at the API: UploadForm returns a form in
// S3's presigned-POST format, signed with a secret of this folder, whose URL
// is the local server's own upload route; that route hands the post to
// ReceiveUpload, which checks it exactly as S3 checks a presigned POST
// (package postpolicy) before storing a byte. Writes go to a temporary file
// that is flushed and renamed into place, so an object is complete or absent
// after a crash. Download URLs do not exist here: the server streams the
// bytes.
//
// Layout: <dir>/uploads, <dir>/files and <dir>/exports hold the objects of
// those key prefixes; <dir>/.tmp holds writes in progress; <dir>/.secret is
// the signing secret (created on first use, mode 0600). Back the folder up
// with the database: records without their files lose the evidence.
package diskfiles

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/postpolicy"
)

// accessKeyID names the folder's signing secret in the forms it signs.
const accessKeyID = "jianyan-local"

// bucket is the bucket name local policies are scoped to.
const bucket = "local"

// region scopes local signatures (any fixed value would do).
const region = "local"

// maxFieldBytes bounds one form field and maxFields their number: a real
// form has about ten fields of at most a few KiB (the policy).
const (
	maxFieldBytes = 16 << 10
	maxFields     = 32
)

// Dir returns the files folder that belongs beside a SQLite data file:
// jianyan.db → jianyan-files.
func Dir(dataFile string) string {
	base := strings.TrimSuffix(dataFile, filepath.Ext(dataFile))
	return base + "-files"
}

// Options configure a Store.
type Options struct {
	// UploadURL is the local server's upload route that takes the posts of
	// UploadForm (and passes them to ReceiveUpload).
	UploadURL string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Store is a folder of files.
type Store struct {
	dir    string
	secret string
	opts   Options
}

var (
	_ feedback.FileStorage    = (*Store)(nil)
	_ feedback.UploadReceiver = (*Store)(nil)
)

// New opens (creating it when missing) the folder dir.
func New(dir string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	for _, sub := range []string{"", "uploads", "files", "exports", ".tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("diskfiles: create %s: %w", filepath.Join(dir, sub), err)
		}
	}
	secret, err := loadSecret(filepath.Join(dir, ".secret"))
	if err != nil {
		return nil, err
	}
	return &Store{dir: dir, secret: secret, opts: opts}, nil
}

func loadSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("diskfiles: read secret: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("diskfiles: make secret: %w", err)
	}
	s := hex.EncodeToString(raw[:])
	if err := writeFileSync(path, []byte(s+"\n")); err != nil {
		return "", fmt.Errorf("diskfiles: write secret: %w", err)
	}
	return s, nil
}

// Dir returns the folder.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path(key string) (string, error) {
	if !feedback.ValidObjectKey(key) {
		return "", feedback.FieldErrorf("key", "文件标识无效")
	}
	return filepath.Join(s.dir, filepath.FromSlash(key)), nil
}

// UploadForm signs a form for the local upload route.
func (s *Store) UploadForm(_ context.Context, req feedback.UploadRequest) (feedback.UploadForm, error) {
	if _, err := s.path(req.Key); err != nil {
		return feedback.UploadForm{}, err
	}
	if s.opts.UploadURL == "" {
		return feedback.UploadForm{}, feedback.Internal(errors.New("diskfiles: no upload URL configured"))
	}
	fields, err := postpolicy.Form(postpolicy.Request{
		Bucket: bucket, Key: req.Key, ContentType: req.ContentType,
		MinSize: 1, MaxSize: req.MaxSize, Expires: req.Expires, Now: s.opts.Now(),
		Region: region, Credentials: postpolicy.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: s.secret},
	})
	if err != nil {
		return feedback.UploadForm{}, feedback.Internal(err)
	}
	return feedback.UploadForm{URL: s.opts.UploadURL, Method: "POST", Fields: fields, ExpiresAt: req.Expires}, nil
}

func (s *Store) secretFor(id string) (string, bool) { return s.secret, id == accessKeyID }

// ReceiveUpload reads a multipart/form-data post of an UploadForm: the
// fields, then the file as "file" (parts after it are ignored, as S3 does).
// The file is read no further than the policy's size bound plus one byte.
func (s *Store) ReceiveUpload(ctx context.Context, body io.Reader, contentType string) (string, int64, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", 0, &feedback.Error{Code: feedback.EUnsupported, Message: "上传须为 multipart/form-data 表单"}
	}
	mr := multipart.NewReader(body, params["boundary"])
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", 0, feedback.FieldErrorf("file", "上传表单中没有文件:文件须放在表单的最后一项")
		}
		if err != nil {
			return "", 0, &feedback.Error{Code: feedback.EInvalid, Field: "file", Message: "上传表单格式有误", Err: err}
		}
		name := part.FormName()
		if name != "file" {
			if len(fields) >= maxFields {
				return "", 0, feedback.FieldErrorf(name, "上传表单的字段过多")
			}
			v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil || len(v) > maxFieldBytes {
				return "", 0, feedback.FieldErrorf(name, "上传表单的字段过长")
			}
			fields[name] = string(v)
			continue
		}
		return s.receiveFile(ctx, fields, part)
	}
}

func (s *Store) receiveFile(_ context.Context, fields map[string]string, file io.Reader) (string, int64, error) {
	limit, err := postpolicy.MaxSize(fields, s.secretFor)
	if err != nil {
		return "", 0, refusal(err)
	}
	var key string
	for k, v := range fields {
		if strings.EqualFold(k, "key") {
			key = v
		}
	}
	dst, err := s.path(key)
	if err != nil {
		return "", 0, err
	}
	if limit < 0 {
		limit = filecheckMax
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, ".tmp"), "upload-*")
	if err != nil {
		return "", 0, feedback.Internal(fmt.Errorf("diskfiles: temp file: %w", err))
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	n, err := io.Copy(tmp, io.LimitReader(file, limit+1))
	if err != nil {
		_ = tmp.Close()
		return "", 0, &feedback.Error{Code: feedback.EInvalid, Field: "file", Message: "上传中断,请重试", Err: err}
	}
	if err := postpolicy.Verify(fields, bucket, n, s.opts.Now(), s.secretFor); err != nil {
		_ = tmp.Close()
		return "", 0, refusal(err)
	}
	if err := commit(tmp, dst); err != nil {
		return "", 0, feedback.Internal(err)
	}
	return key, n, nil
}

// filecheckMax bounds a post whose policy has no size range (none of ours).
const filecheckMax = 64 << 20

func refusal(err error) error {
	switch {
	case errors.Is(err, postpolicy.ErrTooLarge):
		return &feedback.Error{Code: feedback.ETooLarge, Field: "file", Message: "文件超过了上传时申请的大小上限", Err: err}
	case errors.Is(err, postpolicy.ErrTooSmall):
		return &feedback.Error{Code: feedback.EInvalid, Field: "file", Message: "文件是空的", Err: err}
	case errors.Is(err, postpolicy.ErrExpired):
		return &feedback.Error{Code: feedback.EForbidden, Message: "上传链接已过期,请重新申请上传", Err: err}
	case errors.Is(err, postpolicy.ErrMalformed):
		return &feedback.Error{Code: feedback.EInvalid, Message: "上传表单不完整或格式有误", Err: err}
	}
	return &feedback.Error{Code: feedback.EForbidden, Message: "上传表单与申请时不符,已拒绝", Err: err}
}

// commit flushes tmp, moves it to dst and flushes dst's folder, so dst is
// the whole file or absent after a power cut.
func commit(tmp *os.File, dst string) error {
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("diskfiles: flush %s: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("diskfiles: close %s: %w", dst, err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("diskfiles: folder of %s: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("diskfiles: move into %s: %w", dst, err)
	}
	return syncDir(filepath.Dir(dst))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("diskfiles: open folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("diskfiles: flush folder %s: %w", dir, err)
	}
	return nil
}

func writeFileSync(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".write-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	return commit(tmp, path)
}

// Open returns an object's bytes.
func (s *Store) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, feedback.Errorf(feedback.ENotFound, "文件不存在")
	}
	if err != nil {
		return nil, 0, feedback.Internal(fmt.Errorf("diskfiles: open %s: %w", key, err))
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, feedback.Errorf(feedback.ENotFound, "文件不存在")
	}
	return f, st.Size(), nil
}

// Put stores exactly size bytes from r under key.
func (s *Store) Put(_ context.Context, key string, r io.Reader, size int64, _ string) error {
	dst, err := s.path(key)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, ".tmp"), "put-*")
	if err != nil {
		return feedback.Internal(fmt.Errorf("diskfiles: temp file: %w", err))
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	n, err := io.Copy(tmp, io.LimitReader(r, size+1))
	if err == nil && n != size {
		err = fmt.Errorf("got %d bytes, want %d", n, size)
	}
	if err != nil {
		_ = tmp.Close()
		return feedback.Internal(fmt.Errorf("diskfiles: write %s: %w", key, err))
	}
	if err := commit(tmp, dst); err != nil {
		return feedback.Internal(err)
	}
	return nil
}

// Delete removes an object.
func (s *Store) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return feedback.Internal(fmt.Errorf("diskfiles: delete %s: %w", key, err))
	}
	return nil
}

// DownloadURL returns "": the local server streams the bytes from Open.
func (s *Store) DownloadURL(context.Context, string, feedback.Download) (string, error) {
	return "", nil
}
