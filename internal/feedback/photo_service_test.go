package feedback_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// photo uploads a photo for the fixture's symposium through the public
// route's use case and returns its record after the check.
func (f *fileFixture) photo(t *testing.T, name string, data []byte) *feedback.File {
	t.Helper()
	file, form, err := f.withFiles.RequestPhotoUpload(context.Background(), f.sym.Code, feedback.UploadSpec{Filename: name, ContentType: "image/jpeg", Size: int64(len(data))})
	if err != nil {
		t.Fatalf("RequestPhotoUpload: %v", err)
	}
	if status := f.send(t, file.ID, form, name, data); status/100 != 2 {
		t.Fatalf("upload %s: %d", name, status)
	}
	return f.record(t, file.ID)
}

func (f *fileFixture) lead(ids ...string) feedback.SubmissionInput {
	return feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Kind: feedback.KindProblemLead,
		Topic: "执法检查", Content: "执法人员检查时未出示执法证件,现场照片见附件。", PhotoFileIDs: ids}
}

func TestPhotosOnAProblemLead(t *testing.T) {
	forEachFileBackend(t, testPhotosOnAProblemLead)
}

func testPhotosOnAProblemLead(t *testing.T, f *fileFixture) {
	ctx := context.Background()
	a := f.photo(t, "现场一.jpg", photoWithEXIF(t))
	b := f.photo(t, "现场二.jpg", photoWithEXIF(t))
	if a.Status != feedback.FileReady || a.Purpose != feedback.PurposePhoto || a.SymposiumID != f.sym.ID || a.UploaderSubject != "" {
		t.Fatalf("photo after upload = %+v", a)
	}
	in := f.lead(a.ID, b.ID, a.ID)
	in.IdempotencyKey = "f-photos-1"
	sg, created, err := f.withFiles.Submit(ctx, f.sym.Code, in, feedback.ChannelQR)
	if err != nil || !created {
		t.Fatalf("Submit = %v, %v", created, err)
	}
	if got := f.suggestion(t, sg.ID).PhotoFileIDs; len(got) != 2 || got[0] != a.ID || got[1] != b.ID {
		t.Errorf("stored photos = %v, want the two, in order, once each", got)
	}
	for _, p := range []*feedback.File{a, b} {
		if rec := f.record(t, p.ID); rec.SuggestionID != sg.ID {
			t.Errorf("%s is attached to %q, want %s", p.Name, rec.SuggestionID, sg.ID)
		}
	}
	// A retry with the same key: the same receipt, the photos stay.
	again, created, err := f.withFiles.Submit(ctx, f.sym.Code, in, feedback.ChannelQR)
	if err != nil || created || again.Receipt != sg.Receipt {
		t.Errorf("retry = %v %v %v, want the same receipt", again, created, err)
	}
	photos, err := f.withFiles.SuggestionPhotos(ctx, sg)
	if err != nil || len(photos) != 2 || photos[0].Name != "现场一.jpg" {
		t.Errorf("SuggestionPhotos = %v, %v", photos, err)
	}

	// Access: the office; a unit only once the lead is part of its problem.
	for _, tt := range []struct {
		who  feedback.Identity
		want string
	}{{f.staff, ""}, {f.unit, feedback.ENotFound}, {f.noRole, feedback.EForbidden}} {
		_, err := f.files.Download(ctx, tt.who, a.ID)
		wantCode(t, err, tt.want)
	}
	l := f.list(t, "涉企乱罚款问题清单")
	if _, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: l.ID, Title: "检查未亮证", SuggestionIDs: []string{sg.ID}, ResponsibleUnit: unitMarket}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who  feedback.Identity
		want string
	}{{f.unit, ""}, {f.otherUnit, feedback.ENotFound}} {
		_, err := f.files.Download(ctx, tt.who, a.ID)
		wantCode(t, err, tt.want)
	}
}

func TestPhotoRefusals(t *testing.T) {
	forEachFileBackend(t, testPhotoRefusals)
}

func testPhotoRefusals(t *testing.T, f *fileFixture) {
	ctx := context.Background()
	ok := f.photo(t, "现场.jpg", photoWithEXIF(t))
	used := f.photo(t, "已用.jpg", photoWithEXIF(t))
	if _, _, err := f.withFiles.Submit(ctx, f.sym.Code, f.lead(used.ID), feedback.ChannelQR); err != nil {
		t.Fatal(err)
	}
	evidence := f.upload(t, f.unit, "整改报告.pdf", "application/pdf", []byte("%PDF-1.7\n%%EOF\n"))
	html := f.photo(t, "伪装.jpg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"))
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4)))

	other, err := f.svc.CreateSymposium(ctx, f.admin, feedback.SymposiumInput{Title: "另一场座谈会", Campaign: "涉企乱罚款专项整治", Status: feedback.SymposiumOpen})
	if err != nil {
		t.Fatal(err)
	}
	otherPhoto, form, err := f.withFiles.RequestPhotoUpload(ctx, other.Code, feedback.UploadSpec{Filename: "别处.png", ContentType: "image/png", Size: int64(pngBuf.Len())})
	if err != nil {
		t.Fatal(err)
	}
	if status := f.send(t, otherPhoto.ID, form, "别处.png", pngBuf.Bytes()); status/100 != 2 {
		t.Fatalf("upload: %d", status)
	}

	suggestion := f.lead(ok.ID)
	suggestion.Kind = feedback.KindSuggestion
	tests := []struct {
		name string
		in   feedback.SubmissionInput
	}{
		{"on a suggestion, not a lead", suggestion},
		{"four photos", f.lead(ok.ID, used.ID, html.ID, otherPhoto.ID)},
		{"unknown", f.lead(feedback.NewID(f.svc.Now()))},
		{"evidence, not a photo", f.lead(evidence.ID)},
		{"another symposium's", f.lead(otherPhoto.ID)},
		{"refused by its check", f.lead(html.ID)},
		{"part of another submission", f.lead(used.ID)},
	}
	for _, tt := range tests {
		_, _, err := f.withFiles.Submit(ctx, f.sym.Code, tt.in, feedback.ChannelQR)
		if !feedback.IsCode(err, feedback.EInvalid) || feedback.ErrorField(err) != "photo_file_ids" {
			t.Errorf("%s: Submit = %v, want invalid photo_file_ids", tt.name, err)
		}
	}
	// Declared types and sizes are refused before anything is stored.
	for _, tt := range []struct {
		ctype string
		size  int64
		want  string
	}{{"application/pdf", 100, feedback.EUnsupported}, {"image/svg+xml", 100, feedback.EUnsupported}, {"image/jpeg", feedback.PhotoMaxBytes + 1, feedback.ETooLarge}} {
		_, _, err := f.withFiles.RequestPhotoUpload(ctx, f.sym.Code, feedback.UploadSpec{Filename: "x", ContentType: tt.ctype, Size: tt.size})
		wantCode(t, err, tt.want)
	}
	if _, _, err := f.withFiles.RequestPhotoUpload(ctx, "NOSUCH23", feedback.UploadSpec{Filename: "x.jpg", ContentType: "image/jpeg", Size: 10}); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("unknown symposium = %v, want not found", err)
	}
	// Too old to name (12 hours).
	f.advance(feedback.PhotoClaimWindow + time.Minute)
	if _, _, err := f.withFiles.Submit(ctx, f.sym.Code, f.lead(ok.ID), feedback.ChannelQR); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("a photo past the claim window = %v, want invalid", err)
	}
	// Paper entries take none.
	if _, _, err := f.withFiles.StaffEntry(ctx, f.staff, f.sym.ID, f.lead(ok.ID)); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("staff entry with photos = %v, want invalid", err)
	}
}

// TestSweepAttachesPhotosASuggestionNames: a crash between storing a lead
// and attaching its photos leaves them unattached; the sweep attaches them
// instead of removing them, and removes a photo nothing names.
func TestSweepAttachesPhotosASuggestionNames(t *testing.T) {
	forEachFileBackend(t, testSweepAttachesPhotosASuggestionNames)
}

func testSweepAttachesPhotosASuggestionNames(t *testing.T, f *fileFixture) {
	ctx := context.Background()
	named := f.photo(t, "现场.jpg", photoWithEXIF(t))
	orphan := f.photo(t, "没用上.jpg", photoWithEXIF(t))
	// The suggestion as stored before the crash: it lists the photo, the
	// photo's record does not know it.
	now := f.svc.Now()
	sg := &feedback.Suggestion{ID: feedback.NewID(now), Receipt: feedback.NewReceipt(), SymposiumID: f.sym.ID, Kind: feedback.KindProblemLead,
		ParticipantKind: feedback.Enterprise, Content: "执法人员检查时未出示执法证件。", PhotoFileIDs: []string{named.ID},
		Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, SubmittedAt: now, UpdatedAt: now}
	if _, _, err := f.store.CreateSuggestion(ctx, sg); err != nil {
		t.Fatal(err)
	}
	f.advance(feedback.UnattachedFileTTL + time.Hour)
	n, err := f.files.SweepUnattached(ctx)
	if err != nil || n != 1 {
		t.Fatalf("SweepUnattached = %d, %v; want the orphan removed", n, err)
	}
	if rec := f.record(t, named.ID); rec.SuggestionID != sg.ID {
		t.Errorf("the named photo is attached to %q, want %s", rec.SuggestionID, sg.ID)
	}
	if _, err := f.records.GetFile(ctx, orphan.ID); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("the orphan photo survived: %v", err)
	}
}

// TestAnonymizerRemovesPhotos: the retention anonymiser removes a lead's
// photos, bytes and records, with the name and contact.
func TestAnonymizerRemovesPhotos(t *testing.T) {
	forEachFileBackend(t, testAnonymizerRemovesPhotos)
}

func testAnonymizerRemovesPhotos(t *testing.T, f *fileFixture) {
	ctx := context.Background()
	p := f.photo(t, "现场.jpg", photoWithEXIF(t))
	in := f.lead(p.ID)
	in.Name, in.Contact = "陈先生", "13800138000"
	sg, _, err := f.withFiles.Submit(ctx, f.sym.Code, in, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(800 * 24 * time.Hour)
	c, err := f.withFiles.AnonymizePersonalData(ctx, f.admin, 730*24*time.Hour)
	if err != nil || c.Anonymized != 1 {
		t.Fatalf("anonymize = %+v, %v", c, err)
	}
	got := f.suggestion(t, sg.ID)
	if got.Name != "" || got.Contact != "" || len(got.PhotoFileIDs) != 0 {
		t.Errorf("after anonymising: name %q, contact %q, photos %v", got.Name, got.Contact, got.PhotoFileIDs)
	}
	if _, err := f.records.GetFile(ctx, p.ID); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("the photo's record survived: %v", err)
	}
	if _, _, err := f.storage.Open(ctx, feedback.FileKey(p.ID)); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("the photo's bytes survived: %v", err)
	}
	// A second run finds nothing left.
	if c, err := f.withFiles.AnonymizePersonalData(ctx, f.admin, 730*24*time.Hour); err != nil || c.Anonymized != 0 {
		t.Errorf("second run = %+v, %v", c, err)
	}
}
