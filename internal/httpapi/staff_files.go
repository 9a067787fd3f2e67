package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/filecheck"
)

// LocalUploadPath is the local server's own upload route: the url of the
// forms POST /api/v1/uploads answers with when files live on the local
// disk. On AWS the forms point at S3 and this route is not registered.
const LocalUploadPath = "/api/v1/uploads/local"

// maxUploadPost bounds a post to the local upload route: the largest file
// plus its form fields.
const maxUploadPost = feedback.EvidenceMaxBytes + 1<<20

// fileRoutes: requesting an upload and downloading a file. The local
// upload route is registered by the host that has an UploadReceiver (see
// StaffConfig.Uploads).
func (h *StaffHandler) fileRoutes() {
	h.Handle("POST /api/v1/uploads", h.requestUpload)
	h.Handle("GET /api/v1/files/{id}", h.downloadFile)
	if h.uploads != nil {
		// No bearer token needed, as on S3: the signed form is the
		// credential (public photo uploads have no account). A token sent
		// along is ignored.
		h.mux.Handle("POST "+LocalUploadPath, http.HandlerFunc(h.receiveUpload))
	}
}

type uploadRequestJSON struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

type uploadFormJSON struct {
	ID        string            `json:"id"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt string            `json:"expires_at"`
}

func toUploadFormJSON(f *feedback.File, form feedback.UploadForm) uploadFormJSON {
	return uploadFormJSON{ID: f.ID, URL: form.URL, Method: form.Method, Fields: form.Fields, ExpiresAt: formatTime(form.ExpiresAt)}
}

func (h *StaffHandler) filesOrUnsupported() (*feedback.Files, error) {
	if h.files == nil {
		return nil, &feedback.Error{Code: feedback.EUnsupported, Message: "本系统未配置文件存储"}
	}
	return h.files, nil
}

// requestUpload serves POST /api/v1/uploads {"filename","content_type","size"}.
func (h *StaffHandler) requestUpload(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	files, err := h.filesOrUnsupported()
	if err != nil {
		return err
	}
	var in uploadRequestJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	f, form, err := files.RequestUpload(r.Context(), id, feedback.UploadSpec{Filename: in.Filename, ContentType: in.ContentType, Size: in.Size})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toUploadFormJSON(f, form))
	return nil
}

// fileLinkJSON answers a download asked for as JSON where the storage has
// links of its own (S3).
type fileLinkJSON struct {
	URL         string `json:"url"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	ExpiresAt   string `json:"expires_at"`
}

// downloadFile serves GET /api/v1/files/{id}: 303 to a short-lived
// storage URL (or, when Accept names application/json, 200 with that URL
// as JSON: the console), or the bytes, always as an attachment that is not
// sniffed.
func (h *StaffHandler) downloadFile(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	files, err := h.filesOrUnsupported()
	if err != nil {
		return err
	}
	d, err := files.Download(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "private, no-store")
	if d.URL != "" && strings.Contains(r.Header.Get("Accept"), "application/json") {
		// The console: it fetches the link itself (a thumbnail) or opens
		// it (a download), rather than have fetch follow a redirect.
		writeJSON(w, http.StatusOK, fileLinkJSON{URL: d.URL, Name: d.File.Name, ContentType: d.File.ContentType, Size: d.File.Size,
			ExpiresAt: formatTime(h.svc.Now().Add(feedback.DownloadTTL))})
		return nil
	}
	hdr.Set("Content-Disposition", filecheck.Attachment(d.File.Name))
	if d.URL != "" {
		hdr.Set("Location", d.URL)
		w.WriteHeader(http.StatusSeeOther)
		return nil
	}
	defer d.Body.Close()
	hdr.Set("Content-Type", d.File.ContentType)
	hdr.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, d.Body)
	}
	return nil
}

// receiveUpload serves the local upload route: the storage checks the
// signed form and stores the bytes, then the bytes are judged at once (on
// AWS the checking function does this on S3's event). A file refused by
// its bytes answers 415 with the reason; it is then recorded as rejected,
// exactly as on AWS, where the reason shows when the file is referenced.
func (h *StaffHandler) receiveUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadPost)
	f, err := h.uploads.TakeUpload(r.Context(), r.Body, r.Header.Get("Content-Type"))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			err = &feedback.Error{Code: feedback.ETooLarge, Field: "file", Message: "文件超过 " + filecheck.Size(feedback.EvidenceMaxBytes) + " 的上限"}
		}
		writeError(h.log, w, r, err)
		return
	}
	if f.Status == feedback.FileRejected {
		writeError(h.log, w, r, &feedback.Error{Code: feedback.EUnsupported, Field: "file", Message: f.RejectReason})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": f.ID, "name": f.Name, "content_type": f.ContentType, "size": f.Size})
}
