package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/filecheck"
)

// Photos on problem leads, from the public form: with JavaScript each photo
// is uploaded first (POST /api/v1/symposia/{code}/uploads answers a form,
// like the staff upload route) and the submission names them in
// photo_file_ids; without it, the photos come inside the form post itself
// (multipart/form-data, field "photos").

// MaxPhotoFormBytes bounds a form post with photos: three photos at the
// largest and the text. On AWS, API Gateway and Lambda refuse any request
// of more than about 6 MB first (the body travels base64-encoded, so about
// 4 MB of photos), which the form tells people who have no JavaScript.
const MaxPhotoFormBytes = feedback.MaxPhotosPerSuggestion*feedback.PhotoMaxBytes + MaxBodyBytes

// photoUploadJSON is the body of POST /api/v1/symposia/{code}/uploads.
type photoUploadJSON struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// requestPhotoUpload serves POST /api/v1/symposia/{code}/uploads: no
// credentials (the symposium's open form is the permission), rate-limited
// per address and per symposium, images only, up to 10 MiB. It answers
// like POST /api/v1/uploads: 201 {id, url, method, fields, expires_at}.
func (h *publicHandler) requestPhotoUpload(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if ok, wait := h.uploadIP.Allow(clientIP(r)); !ok {
		writeError(h.log, w, r, rateLimited(wait))
		return
	}
	if feedback.ValidSymposiumCode(code) {
		if ok, wait := h.uploadSym.Allow(code); !ok {
			writeError(h.log, w, r, rateLimited(wait))
			return
		}
	}
	var in photoUploadJSON
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(h.log, w, r, err)
		return
	}
	f, form, err := h.svc.RequestPhotoUpload(r.Context(), code, feedback.UploadSpec{Filename: in.Filename, ContentType: in.ContentType, Size: in.Size})
	if err != nil {
		writeError(h.log, w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toUploadFormJSON(f, form))
}

// formPhoto is a photo that came inside a form post.
type formPhoto struct {
	name, contentType string
	data              []byte
}

// readPhotoForm reads a multipart/form-data submission: its text fields,
// and its photos (field "photos"; an empty file input sends an empty part,
// which is skipped). Too many photos or one too large is refused before
// anything is stored. Refused, it still returns the text fields it could
// read (all of them, unless the post as a whole was too large) and the
// photos it kept, so that the form comes back with what the person typed
// and asks for the photos again.
func readPhotoForm(w http.ResponseWriter, r *http.Request) (url.Values, []formPhoto, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxPhotoFormBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, feedback.Errorf(feedback.EInvalid, "表单编码无效")
	}
	tooLarge := func(err error) error {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return &feedback.Error{Code: feedback.ETooLarge, Field: "photo_file_ids", Message: "提交的内容过大:最多 3 张照片,每张不超过 " + filecheck.Size(feedback.PhotoMaxBytes)}
		}
		return feedback.Errorf(feedback.EInvalid, "表单编码无效")
	}
	values := url.Values{}
	var (
		photos  []formPhoto
		refused error // the first photo refused; the text fields are read on
	)
	text := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return values, photos, refused
		}
		if err != nil {
			return values, photos, tooLarge(err)
		}
		name := part.FormName()
		if name != "photos" {
			b, err := io.ReadAll(io.LimitReader(part, MaxBodyBytes+1))
			if err != nil {
				return values, photos, tooLarge(err)
			}
			if text += len(b); text > MaxBodyBytes {
				return nil, nil, &feedback.Error{Code: feedback.ETooLarge, Message: "提交的内容过长"}
			}
			values.Add(name, string(b))
			continue
		}
		if refused != nil {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return values, photos, tooLarge(err)
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, feedback.PhotoMaxBytes+1))
		if err != nil {
			return values, photos, tooLarge(err)
		}
		if len(data) == 0 {
			continue
		}
		switch {
		case len(data) > feedback.PhotoMaxBytes:
			refused = &feedback.Error{Code: feedback.ETooLarge, Field: "photo_file_ids",
				Message: "照片「" + feedback.CleanFileName(part.FileName()) + "」超过 " + filecheck.Size(feedback.PhotoMaxBytes) + ",请缩小后再提交"}
			if _, err := io.Copy(io.Discard, part); err != nil {
				return values, photos, tooLarge(err)
			}
		case len(photos) == feedback.MaxPhotosPerSuggestion:
			refused = feedback.FieldErrorf("photo_file_ids", "最多附 %d 张照片", feedback.MaxPhotosPerSuggestion)
		default:
			ctype, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			photos = append(photos, formPhoto{name: part.FileName(), contentType: ctype, data: data})
		}
	}
}

// storeFormPhotos stores the photos of a form post and returns their IDs
// for the submission. A photo refused by its bytes where it is checked at
// once (the local stack) is answered with the reason; on AWS the checking
// function judges them after the submission, and the office sees a
// refused one as such.
func (h *publicHandler) storeFormPhotos(r *http.Request, code string, photos []formPhoto) ([]string, error) {
	if ok, wait := h.uploadIP.Allow(clientIP(r)); !ok {
		return nil, rateLimited(wait)
	}
	var ids []string
	for _, p := range photos {
		f, err := h.photos.ReceivePhoto(r.Context(), code, feedback.UploadSpec{Filename: p.name, ContentType: p.contentType, Size: int64(len(p.data))}, bytes.NewReader(p.data))
		if err != nil {
			if e, ok := err.(*feedback.Error); ok && (e.Field == "content_type" || e.Field == "size") {
				e.Field = "photo_file_ids"
			}
			return nil, err
		}
		if f.Status == feedback.FileRejected {
			return nil, &feedback.Error{Code: feedback.EUnsupported, Field: "photo_file_ids", Message: "照片「" + f.Name + "」未通过检查:" + f.RejectReason}
		}
		ids = append(ids, f.ID)
	}
	return ids, nil
}
