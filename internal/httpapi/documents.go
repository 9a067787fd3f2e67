package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/jianyan/jianyan/internal/document"
	"github.com/jianyan/jianyan/internal/feedback"
)

// DocumentWriter writes a formal document as a Word file; docx.Writer of
// internal/document/docx implements it. It comes in through StaffConfig,
// like Spreadsheets, so that only the binaries that wire it link the
// writer.
type DocumentWriter interface {
	Write(w io.Writer, d *document.Document) error
}

// mimeDOCX is the media type of a Word file.
const mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// NewDocumentHandler returns the staff API's document routes alone, under
// the same authentication and protections as NewStaffHandler: the
// documents Lambda serves them, so that the staff Lambda, near its size
// budget, links neither the Word writer nor the document use cases.
func NewDocumentHandler(cfg StaffConfig) *StaffHandler {
	h := newStaffBase(cfg, http.NewServeMux())
	h.documentRoutes(cfg.Documents, cfg.DocumentWriter)
	h.mux.HandleFunc("/", h.notFound)
	h.root = common(h.log, h.mux)
	return h
}

// documentRoutes: issuing numbered documents, the list of what was issued,
// and each one as JSON or as its Word file. "{id}.docx" cannot be a
// pattern of its own (a wildcard is a whole path segment), so getDocument
// dispatches on the suffix. The use cases and the writer stay out of
// StaffHandler's fields: the staff Lambda, which does not serve these
// routes, then carries none of their types.
func (h *StaffHandler) documentRoutes(docs *feedback.Documents, writer DocumentWriter) {
	d := &documentHandlers{documents: docs, docWriter: writer}
	h.Handle("POST /api/v1/documents", d.createDocument)
	h.Handle("GET /api/v1/documents", d.listDocuments)
	h.Handle("GET /api/v1/documents/{id}", d.getDocument)
}

// documentHandlers serve the document routes.
type documentHandlers struct {
	documents *feedback.Documents
	docWriter DocumentWriter
}

// errNoDocuments answers the document routes of a handler configured
// without them.
var errNoDocuments = feedback.Errorf(feedback.EUnsupported, "此服务未启用文书制发")

// documentCreateJSON is the body of POST /api/v1/documents.
type documentCreateJSON struct {
	Kind          string `json:"kind"`
	ProblemListID string `json:"problem_list_id"`
	Unit          string `json:"unit"`
	SummaryID     string `json:"summary_id"`
	SuggestionID  string `json:"suggestion_id"`
}

// DocumentJSON is an issued document in the API.
type DocumentJSON struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	KindLabel     string `json:"kind_label"`
	Number        string `json:"number"`
	Title         string `json:"title"`
	ProblemListID string `json:"problem_list_id,omitempty"`
	Unit          string `json:"unit,omitempty"`
	SummaryID     string `json:"summary_id,omitempty"`
	SuggestionID  string `json:"suggestion_id,omitempty"`
	CreatedAt     string `json:"created_at"`
	CreatedBy     string `json:"created_by"`
	// DocxURL is where the Word file is.
	DocxURL string `json:"docx_url"`
}

// ToDocumentJSON is d as the API shows it.
func ToDocumentJSON(d *feedback.Document) DocumentJSON {
	return DocumentJSON{
		ID: d.ID, Kind: string(d.Kind), KindLabel: d.Kind.Label(), Number: d.Number, Title: d.Title,
		ProblemListID: d.ProblemListID, Unit: d.Unit, SummaryID: d.SummaryID, SuggestionID: d.SuggestionID,
		CreatedAt: formatTime(d.CreatedAt), CreatedBy: d.CreatedBy,
		DocxURL: "/api/v1/documents/" + d.ID + ".docx",
	}
}

// createDocument serves POST /api/v1/documents: 201 with the document.
func (h *documentHandlers) createDocument(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if h.documents == nil {
		return errNoDocuments
	}
	var in documentCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.documents.Create(r.Context(), id, feedback.DocumentRequest{
		Kind: feedback.DocumentKind(in.Kind), ProblemListID: in.ProblemListID, Unit: in.Unit,
		SummaryID: in.SummaryID, SuggestionID: in.SuggestionID,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/documents/"+d.ID+".docx")
	writeJSON(w, http.StatusCreated, ToDocumentJSON(d))
	return nil
}

// listDocuments serves GET /api/v1/documents?kind=: newest first.
func (h *documentHandlers) listDocuments(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if h.documents == nil {
		return errNoDocuments
	}
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	page, err := h.documents.List(r.Context(), id, feedback.DocumentFilter{
		Kind: feedback.DocumentKind(r.URL.Query().Get("kind")), Limit: limit, Cursor: cursor,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(page, ToDocumentJSON))
	return nil
}

// getDocument serves GET /api/v1/documents/{id} (the record) and
// /api/v1/documents/{id}.docx: the Word file of the document as issued,
// named by its number and title.
func (h *documentHandlers) getDocument(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	if h.documents == nil {
		return errNoDocuments
	}
	docID, file := strings.CutSuffix(r.PathValue("id"), ".docx")
	if file && h.docWriter == nil {
		return errNoDocuments
	}
	d, content, err := h.documents.Get(r.Context(), id, docID)
	if err != nil {
		return err
	}
	if !file {
		writeJSON(w, http.StatusOK, ToDocumentJSON(d))
		return nil
	}
	var b bytes.Buffer
	if err := h.docWriter.Write(&b, content); err != nil {
		return feedback.Internal(err)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	writeDownload(w, mimeDOCX, d.ID+".docx", d.Number+" "+d.Title+".docx", b.Bytes())
	return nil
}
