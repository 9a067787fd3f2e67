package feedback

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// Photos on problem leads (问题线索): a submitter uploads up to
// MaxPhotosPerSuggestion images through the symposium's public upload
// route — with JavaScript, to a presigned form like staff uploads; without
// it, inside the form post itself — and names them in the submission.
//
// A submission stays one write: the suggestion is stored with its
// PhotoFileIDs first, then each photo's record is marked as the
// suggestion's. A crash in between leaves photos the suggestion lists but
// whose records are not yet attached: the office still sees them (it sees
// every file), a unit sees them once attached, and the sweep of
// unreferenced files, before it removes a photo, looks for the suggestion
// that names it (uploaded at most PhotoClaimWindow earlier, in the same
// symposium) and attaches it instead. A retried submission attaches them
// too.

// PhotoClaimWindow is how long after its upload a photo may be named in a
// submission; the sweep looks for a suggestion naming an unattached photo
// within it.
const PhotoClaimWindow = 12 * time.Hour

// RequestPhotoUpload records a pending photo for a problem lead at the
// open symposium with the given public code and returns the form to send
// its bytes with (POST /api/v1/symposia/{code}/uploads). Images only, up
// to PhotoMaxBytes.
func (s *Service) RequestPhotoUpload(ctx context.Context, code string, spec UploadSpec) (*File, UploadForm, error) {
	sym, err := s.photoSymposium(ctx, code)
	if err != nil {
		return nil, UploadForm{}, err
	}
	return s.files.RequestPhotoUpload(ctx, sym.ID, spec)
}

// ReceivePhoto stores a photo that came inside a form post (the public
// form without JavaScript): a pending record and its bytes under
// UploadKey, where the check judges them (on AWS the checking function, on
// the bucket's event; locally LocalPhotos at once).
func (s *Service) ReceivePhoto(ctx context.Context, code string, spec UploadSpec, body io.Reader) (*File, error) {
	sym, err := s.photoSymposium(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.files.ReceivePhoto(ctx, sym.ID, spec, body)
}

func (s *Service) photoSymposium(ctx context.Context, code string) (*Symposium, error) {
	if s.files == nil {
		return nil, &Error{Code: EUnsupported, Field: "file", Message: "本系统未配置文件存储,无法上传照片"}
	}
	return s.FormSymposium(ctx, code)
}

// submittedPhotos checks the photos a submission names, before anything
// is stored: only a problem lead carries photos; each must be a photo
// uploaded for this symposium within PhotoClaimWindow, not refused by its
// check (one still being checked is taken: its check finishes later), and
// not part of another submission (a retried submission names its own).
func (s *Service) submittedPhotos(ctx context.Context, sym *Symposium, sg *Suggestion) ([]*File, error) {
	if len(sg.PhotoFileIDs) == 0 {
		return nil, nil
	}
	if sg.Kind != KindProblemLead {
		return nil, FieldErrorf("photo_file_ids", "只有问题线索可以附照片,请把类别选为「%s」", KindProblemLead.Label())
	}
	if s.files == nil {
		return nil, &Error{Code: EUnsupported, Field: "photo_file_ids", Message: "本系统未配置文件存储,无法附照片"}
	}
	gone := FieldErrorf("photo_file_ids", "照片不存在或已过期,请重新上传")
	now := s.now()
	var out []*File
	for _, id := range sg.PhotoFileIDs {
		f, err := s.files.records.GetFile(ctx, id)
		switch {
		case IsCode(err, ENotFound):
			return nil, gone
		case err != nil:
			return nil, err
		case f.Purpose != PurposePhoto || f.SymposiumID != sym.ID:
			return nil, gone
		case f.Status == FileRejected:
			return nil, FieldErrorf("photo_file_ids", "照片「%s」未通过检查:%s", f.Name, f.RejectReason)
		case now.After(f.CreatedAt.Add(PhotoClaimWindow)):
			return nil, FieldErrorf("photo_file_ids", "照片「%s」上传已超过 %d 小时,请重新上传", f.Name, int(PhotoClaimWindow/time.Hour))
		case f.ProblemID != "":
			return nil, FieldErrorf("photo_file_ids", "照片「%s」已用于其他提交,请重新上传", f.Name)
		case f.SuggestionID != "":
			// Taken: by this very submission when it is a retry (same
			// symposium and idempotency key), else by another.
			prev, err := s.store.GetSuggestion(ctx, f.SuggestionID)
			if err != nil && !IsCode(err, ENotFound) {
				return nil, err
			}
			if err != nil || sg.IdempotencyKey == "" || prev.IdempotencyKey != sg.IdempotencyKey || prev.SymposiumID != sym.ID {
				return nil, FieldErrorf("photo_file_ids", "照片「%s」已用于其他提交,请重新上传", f.Name)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// attachPhotos marks photos as the stored suggestion's. The suggestion is
// stored already, so a failure here is logged, not returned: the sweep of
// unreferenced files attaches what is left (see above).
func (s *Service) attachPhotos(ctx context.Context, sg *Suggestion, photos []*File) {
	for _, f := range photos {
		if !slices.Contains(sg.PhotoFileIDs, f.ID) {
			continue // a replay of a submission that named others
		}
		if err := s.files.attachPhoto(ctx, f, sg.ID); err != nil {
			s.log.WarnContext(ctx, "attach photo: the sweep will", "file", f.ID, "suggestion_id", sg.ID, "err", err)
		}
	}
}

// attachPhoto marks photo f as suggestion sgID's, reading it again when
// its check changed it meanwhile.
func (s *Files) attachPhoto(ctx context.Context, f *File, sgID string) error {
	id := f.ID
	return retryWrite(func(attempt int) (func() error, error) {
		if attempt > 1 {
			var err error
			if f, err = s.records.GetFile(ctx, id); err != nil {
				return nil, err
			}
		}
		if f.SuggestionID == sgID {
			return nil, nil
		}
		if f.Attached() {
			return nil, Errorf(EConflict, "照片已用于其他提交")
		}
		f.SuggestionID = sgID
		return func() error { return s.records.UpdateFile(ctx, f) }, nil
	})
}

// SuggestionPhotos returns the records of the photos sg lists (sg as the
// caller may see it, from GetSuggestion), in its order; a photo no longer
// stored is left out.
func (s *Service) SuggestionPhotos(ctx context.Context, sg *Suggestion) ([]*File, error) {
	if len(sg.PhotoFileIDs) == 0 || s.files == nil {
		return nil, nil
	}
	var out []*File
	for _, id := range sg.PhotoFileIDs {
		f, err := s.files.records.GetFile(ctx, id)
		if IsCode(err, ENotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("photos of suggestion %s: %w", sg.ID, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// claimingSuggestion finds the suggestion that names the unattached photo
// f, if any: one of its symposium submitted within PhotoClaimWindow of its
// upload (the sweep's repair).
func (s *Files) claimingSuggestion(ctx context.Context, f *File) (*Suggestion, error) {
	if s.suggestions == nil || f.Purpose != PurposePhoto || f.SymposiumID == "" {
		return nil, nil
	}
	flt := SuggestionFilter{SymposiumID: f.SymposiumID, Kind: KindProblemLead, From: f.CreatedAt,
		To: f.CreatedAt.Add(PhotoClaimWindow + time.Minute), Limit: MaxListLimit}
	for {
		page, err := s.suggestions.ListSuggestions(ctx, flt)
		if err != nil {
			return nil, err
		}
		for _, sg := range page.Items {
			if slices.Contains(sg.PhotoFileIDs, f.ID) {
				return sg, nil
			}
		}
		if page.NextCursor == "" {
			return nil, nil
		}
		flt.Cursor = page.NextCursor
	}
}

// LocalPhotos receives photos inside form posts where the storage has no
// checking function of its own (the local disk): the photo is stored, then
// judged at once, as LocalUploads does for upload posts.
type LocalPhotos struct {
	Service *Service
	Files   *Files
}

// ReceivePhoto stores and checks one photo (Service.ReceivePhoto); a photo
// refused by its bytes comes back rejected, with the reason.
func (p LocalPhotos) ReceivePhoto(ctx context.Context, code string, spec UploadSpec, body io.Reader) (*File, error) {
	f, err := p.Service.ReceivePhoto(ctx, code, spec, body)
	if err != nil {
		return nil, err
	}
	return p.Files.CheckUpload(ctx, f.ID, p.Files.now())
}
