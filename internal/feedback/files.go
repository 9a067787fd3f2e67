package feedback

import (
	"context"
	"io"
	"strings"
	"time"
)

// FileStorage keeps the bytes of uploaded files (evidence on problems,
// photos on problem leads) and of large exports. What a file is, who sent it
// and what it is attached to are records in the Store; FileStorage knows only
// keys and bytes. Two adapters implement it: a folder on the local disk and
// an S3 bucket.
//
// Keys are slash-separated paths of letters, digits, '.', '_' and '-' (no
// empty, "." or ".." segment: ValidObjectKey); UploadKey, FileKey and ExportKey make them.
// Bytes a client sends land under uploads/ and are never served: they are
// checked, re-encoded where they are images, and stored under files/.
type FileStorage interface {
	// UploadForm returns how a client sends one object's bytes directly to
	// the storage: a multipart/form-data POST to URL with every field first
	// and the file last as "file". The storage refuses a post after
	// Expires, over MaxSize, or that changes a field (such as the content
	// type). Where the storage cannot take the post itself (the local disk),
	// URL is the host's own route, which hands the post to an
	// UploadReceiver.
	UploadForm(ctx context.Context, req UploadRequest) (UploadForm, error)
	// Open returns an object's bytes and size; ENotFound when there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Put stores size bytes read from r under key, replacing any object
	// there. The object is complete or absent, never partial.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Delete removes an object. Removing one that is not there is no error.
	Delete(ctx context.Context, key string) error
	// DownloadURL returns a short-lived URL that serves the object as an
	// attachment with the given name and type, or "" when the storage has
	// no URLs of its own and the host serves the bytes from Open.
	DownloadURL(ctx context.Context, key string, d Download) (string, error)
}

// UploadReceiver takes the upload posts of a storage that has no endpoint of
// its own (the local disk): the host's upload route passes the request body
// and its Content-Type header. It checks the form exactly as S3 checks a
// presigned POST (signature, expiry, fields, size range), stores the file
// under the form's key and returns the key and the size. A refused post is
// EForbidden (expired, a field changed or forged), ETooLarge (over the size
// range) or EInvalid (not a well-formed form); nothing is stored then.
type UploadReceiver interface {
	ReceiveUpload(ctx context.Context, body io.Reader, contentType string) (key string, size int64, err error)
}

// UploadRequest is what UploadForm signs.
type UploadRequest struct {
	Key         string
	ContentType string // the exact type the post must declare
	MaxSize     int64
	Expires     time.Time
}

// UploadForm is how a client sends an upload's bytes. It is the `url`,
// `method` and `fields` of POST /api/v1/uploads.
type UploadForm struct {
	URL       string
	Method    string // always POST
	Fields    map[string]string
	ExpiresAt time.Time
}

// Download describes how a downloaded object is offered.
type Download struct {
	Filename    string // the name the browser saves it as
	ContentType string
	TTL         time.Duration // how long a URL stays valid
}

// Key prefixes of FileStorage.
const (
	uploadPrefix = "uploads/"
	filePrefix   = "files/"
	exportPrefix = "exports/"
)

// UploadKey is where a client's bytes for file id land, before they are
// checked. On S3 these objects trigger the checking function and a
// lifecycle rule removes what is left after a day.
func UploadKey(id string) string { return uploadPrefix + id }

// UploadFileID returns the file ID of an UploadKey ("" for other keys).
func UploadFileID(key string) string {
	if id, ok := strings.CutPrefix(key, uploadPrefix); ok && ValidKey(id) {
		return id
	}
	return ""
}

// FileKey is where file id's checked bytes are kept.
func FileKey(id string) string { return filePrefix + id }

// ExportKey is where a large export named name is written for download.
func ExportKey(name string) string { return exportPrefix + name }

// ValidObjectKey reports whether key is a well-formed FileStorage key: a
// path whose segments are each a ValidKey other than "." and "..". Adapters
// refuse any other with EInvalid, so no key can leave the storage's folder
// or bucket.
func ValidObjectKey(key string) bool {
	if key == "" || len(key) > 512 {
		return false
	}
	for seg := range strings.SplitSeq(key, "/") {
		if !ValidKey(seg) || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
