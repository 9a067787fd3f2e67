package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The submitter's side of the reply loop: the home page with its receipt
// look-up box, the look-up, the receipt (JSON and page) and the rating.

// home serves GET /: the office's name and a receipt look-up box. It
// shows no data.
func (h *publicHandler) home(w http.ResponseWriter, r *http.Request) {
	writePage(w, http.StatusOK, homePage(h.office(r), "", ""))
}

// lookup serves GET /r?receipt=…: 303 to the receipt's page when the
// receipt is known (typed in any case, with spaces or without dashes),
// else the home page again with a 404 (unknown) or 400 (empty) message.
func (h *publicHandler) lookup(w http.ResponseWriter, r *http.Request) {
	typed := strings.TrimSpace(r.URL.Query().Get("receipt"))
	if typed == "" {
		writePage(w, http.StatusBadRequest, homePage(h.office(r), typed, "请输入回执号。"))
		return
	}
	v, err := h.svc.ReceiptView(r.Context(), typed)
	if err != nil {
		if feedback.IsCode(err, feedback.ENotFound) {
			writePage(w, http.StatusNotFound, homePage(h.office(r), typed, "没有找到回执号为「"+typed+"」的意见建议,请核对后重新输入。"))
			return
		}
		h.pageError(w, r, err, nil)
		return
	}
	w.Header().Set("Location", "/r/"+url.PathEscape(v.Receipt))
	w.WriteHeader(http.StatusSeeOther)
}

// receiptJSON serves GET /api/v1/receipts/{receipt}.
func (h *publicHandler) receiptJSON(w http.ResponseWriter, r *http.Request) {
	v, err := h.svc.ReceiptView(r.Context(), r.PathValue("receipt"))
	if err != nil {
		writeError(h.log, w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h.receiptOut(v))
}

func (h *publicHandler) receiptOut(v *feedback.ReceiptView) receiptJSON {
	return toReceiptJSON(v, func(code string) string { return h.svc.FormURL(&feedback.Symposium{Code: code}) })
}

// receiptPage serves GET /r/{receipt}.
func (h *publicHandler) receiptPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.svc.ReceiptView(r.Context(), r.PathValue("receipt"))
	if err != nil {
		if feedback.IsCode(err, feedback.ENotFound) {
			// A receipt link mistyped or cut short in a message: the
			// lookup form, to type the receipt again.
			typed := r.PathValue("receipt")
			writePage(w, http.StatusNotFound, homePage(h.office(r), typed, "没有找到回执号为「"+typed+"」的意见建议,请核对后重新输入。"))
			return
		}
		h.pageError(w, r, err, nil)
		return
	}
	writePage(w, http.StatusOK, receiptPage(receiptData{View: v, Office: h.office(r)}))
}

// ratingJSON is the body of POST /api/v1/receipts/{receipt}/rating.
type ratingInJSON struct {
	Rating  string `json:"rating"`
	Comment string `json:"comment"`
}

// rate serves POST /api/v1/receipts/{receipt}/rating: JSON answered 201
// with the receipt, or the receipt page's form answered 303 back to the
// page (an error shows the page again, with the message beside the form).
func (h *publicHandler) rate(w http.ResponseWriter, r *http.Request) {
	receipt := r.PathValue("receipt")
	var in ratingInJSON
	kind := bodyJSON
	if mediaType(r) == "application/x-www-form-urlencoded" {
		kind = bodyForm
	}
	fail := func(err error) {
		if kind != bodyForm {
			writeError(h.log, w, r, err)
			return
		}
		h.ratingFormError(w, r, receipt, in, err)
	}
	if ok, wait := h.submitIP.Allow(clientIP(r)); !ok {
		fail(rateLimited(wait))
		return
	}
	k, form, err := decodeJSONOrForm(w, r, &in)
	if err != nil {
		fail(err)
		return
	}
	if k == bodyForm {
		in = ratingInJSON{Rating: form.Get("rating"), Comment: form.Get("comment")}
	}
	v, err := h.svc.RateReply(r.Context(), receipt, feedback.RatingInput{Rating: feedback.Rating(in.Rating), Comment: in.Comment})
	if err != nil {
		fail(err)
		return
	}
	if k == bodyForm {
		w.Header().Set("Location", "/r/"+url.PathEscape(v.Receipt)+"#rating")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	w.Header().Set("Location", "/api/v1/receipts/"+url.PathEscape(v.Receipt))
	writeJSON(w, http.StatusCreated, h.receiptOut(v))
}

// ratingFormError answers a rating form that was refused: the receipt page
// again with what was chosen and the message; a receipt that cannot be
// shown gets the plain error page.
func (h *publicHandler) ratingFormError(w http.ResponseWriter, r *http.Request, receipt string, in ratingInJSON, err error) {
	v, verr := h.svc.ReceiptView(r.Context(), receipt)
	if verr != nil || feedback.IsCode(err, feedback.ERateLimited) || feedback.IsCode(err, feedback.EUnavailable) || feedback.IsCode(err, feedback.EInternal) {
		h.pageError(w, r, err, nil)
		return
	}
	f := resolve(r.Context(), h.log, w, r, err)
	writePage(w, f.status, receiptPage(receiptData{View: v, Office: h.office(r),
		Rating: in.Rating, Comment: in.Comment, ErrField: f.field, ErrMessage: f.message}))
}
