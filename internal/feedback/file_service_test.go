package feedback_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filetest"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// fileFixture is the file use cases over the fixture's SQLite store and a
// files folder, with an upload route that does what the local server's
// does: receive the post, then check the bytes at once.
type fileFixture struct {
	*fixture
	files   *feedback.Files
	storage *diskfiles.Store
	// withFiles is the service with the file use cases wired in.
	withFiles *feedback.Service
}

func newFileFixture(t *testing.T) *fileFixture {
	f := &fileFixture{fixture: newFixture(t)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, _, err := f.storage.ReceiveUpload(r.Context(), r.Body, r.Header.Get("Content-Type"))
		if err == nil {
			_, err = f.files.CheckUpload(r.Context(), key[len("uploads/"):], f.svc.Now())
		}
		switch feedback.ErrorCode(err) {
		case "":
			w.WriteHeader(http.StatusCreated)
		case feedback.ETooLarge:
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		case feedback.EForbidden:
			w.WriteHeader(http.StatusForbidden)
		default:
			t.Errorf("upload route: %v", err)
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	var err error
	f.storage, err = diskfiles.New(t.TempDir(), diskfiles.Options{UploadURL: srv.URL, Now: f.svc.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.files = feedback.NewFiles(feedback.FileConfig{
		Records: f.store.(*sqlite.Store), Storage: f.storage, Problems: f.store, Now: f.svc.Now, Logger: slog.New(slog.DiscardHandler),
	})
	f.withFiles = feedback.NewService(f.store, feedback.Config{Now: f.svc.Now, Logger: slog.New(slog.DiscardHandler), Files: f.files})
	return f
}

// attach attaches files to p as who with a progress report.
func (f *fileFixture) attach(t *testing.T, who feedback.Identity, p *feedback.Problem, ids ...string) *feedback.Problem {
	t.Helper()
	progress := "整改进展"
	got, err := f.withFiles.EditProblem(context.Background(), who, p.ID, feedback.ProblemEdit{Progress: &progress, EvidenceFileIDs: ids})
	if err != nil {
		t.Fatalf("attach %v: %v", ids, err)
	}
	return got
}

// upload requests an upload as who and posts data; it returns the file as
// the store has it after the check.
func (f *fileFixture) upload(t *testing.T, who feedback.Identity, name, declared string, data []byte) *feedback.File {
	t.Helper()
	file, form, err := f.files.RequestUpload(context.Background(), who, feedback.UploadSpec{Filename: name, ContentType: declared, Size: int64(len(data))})
	if err != nil {
		t.Fatalf("RequestUpload: %v", err)
	}
	if status, body := filetest.Post(t, form, form.Fields, name, data); status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	got, err := f.store.(*sqlite.Store).GetFile(context.Background(), file.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

const secretMarker = "GPS-31.2304N-121.4737E"

// photoWithEXIF is a JPEG carrying an EXIF block with a marker in it.
func photoWithEXIF(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte(secretMarker)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	raw := b.Bytes()
	return append(append(append([]byte{}, raw[:2]...), append(seg, payload...)...), raw[2:]...)
}

func TestEvidenceUploadAttachDownload(t *testing.T) {
	ctx := context.Background()
	f := newFileFixture(t)
	p := f.newProblem(t, "执法人员对首次轻微违法企业罚款")

	photo := f.upload(t, f.unit, "现场整改照片.jpg", "image/jpeg", photoWithEXIF(t))
	if photo.Status != feedback.FileReady || photo.ContentType != "image/jpeg" || photo.Name != "现场整改照片.jpg" || photo.UploaderUnit != unitMarket {
		t.Fatalf("file after upload = %+v", photo)
	}
	// Before it is attached, only its uploader and the office see it.
	for _, tt := range []struct {
		who  feedback.Identity
		want string
	}{{f.unit, ""}, {f.staff, ""}, {f.otherUnit, feedback.ENotFound}, {f.noRole, feedback.EForbidden}} {
		_, err := f.files.Download(ctx, tt.who, photo.ID)
		wantCode(t, err, tt.want)
	}
	// Another unit cannot attach it; its own unit can.
	if _, _, err := f.files.AttachEvidence(ctx, f.otherUnit, p, []string{photo.ID}); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("another unit attaching = %v, want invalid", err)
	}
	attached, changed, err := f.files.AttachEvidence(ctx, f.unit, p, []string{photo.ID, photo.ID})
	if err != nil || len(attached) != 1 || len(changed) != 1 || changed[0].ProblemID != p.ID {
		t.Fatalf("AttachEvidence = %v, %v, %v", attached, changed, err)
	}
	// AttachEvidence only prepares: the record changes with the problem.
	if rec, err := f.store.(*sqlite.Store).GetFile(ctx, photo.ID); err != nil || rec.Attached() {
		t.Fatalf("after AttachEvidence alone the record is %+v, %v; want unattached", rec, err)
	}
	if got := f.attach(t, f.unit, p, photo.ID, photo.ID); len(got.Evidence) != 1 {
		t.Fatalf("evidence = %+v, want the photo once", got.Evidence)
	}
	if rec, err := f.store.(*sqlite.Store).GetFile(ctx, photo.ID); err != nil || rec.ProblemID != p.ID {
		t.Fatalf("after the problem's write the record is %+v, %v; want attached to %s", rec, err, p.ID)
	}
	// Attached, it follows the problem: the other unit still cannot read it.
	_, err = f.files.Download(ctx, f.otherUnit, photo.ID)
	if !feedback.IsCode(err, feedback.ENotFound) && !feedback.IsCode(err, feedback.EForbidden) {
		t.Errorf("another unit downloading = %v, want not found or forbidden", err)
	}
	d, err := f.files.Download(ctx, f.staff, photo.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(d.Body)
	_ = d.Body.Close()
	if bytes.Contains(stored, []byte(secretMarker)) || bytes.Contains(stored, []byte("Exif")) {
		t.Error("the stored photo still carries its EXIF block")
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil || int64(len(stored)) != d.Size || d.File.Size != d.Size {
		t.Errorf("stored photo: %d bytes (record %d), decode %v", d.Size, d.File.Size, err)
	}
	if _, _, err := f.storage.Open(ctx, feedback.UploadKey(photo.ID)); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("the raw upload is still there: %v", err)
	}
	// Attached elsewhere already.
	q := f.newProblem(t, "另一个问题")
	if _, _, err := f.files.AttachEvidence(ctx, f.staff, q, []string{photo.ID}); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("attaching to a second problem = %v, want invalid", err)
	}
}

func TestUploadRefusals(t *testing.T) {
	ctx := context.Background()
	f := newFileFixture(t)
	tests := []struct {
		name     string
		declared string
		size     int64
		want     string
	}{
		{"declared HTML", "text/html", 100, feedback.EUnsupported},
		{"declared SVG", "image/svg+xml", 100, feedback.EUnsupported},
		{"over 20 MiB", "application/pdf", feedback.EvidenceMaxBytes + 1, feedback.ETooLarge},
		{"no size", "application/pdf", 0, feedback.EInvalid},
	}
	for _, tt := range tests {
		_, _, err := f.files.RequestUpload(ctx, f.unit, feedback.UploadSpec{Filename: "a", ContentType: tt.declared, Size: tt.size})
		if !feedback.IsCode(err, tt.want) {
			t.Errorf("%s: RequestUpload = %v, want %s", tt.name, err, tt.want)
		}
	}
	if _, _, err := f.files.RequestUpload(ctx, f.noRole, feedback.UploadSpec{Filename: "a.pdf", ContentType: "application/pdf", Size: 10}); !feedback.IsCode(err, feedback.EForbidden) {
		t.Errorf("no role: %v, want forbidden", err)
	}

	// A renamed HTML page declared as JPEG: refused by its bytes.
	html := f.upload(t, f.unit, "整改照片.jpg", "image/jpeg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"))
	if html.Status != feedback.FileRejected || html.RejectReason == "" {
		t.Fatalf("renamed HTML: %+v, want rejected with a reason", html)
	}
	_, err := f.files.Download(ctx, f.unit, html.ID)
	wantCode(t, err, feedback.EGone)
	p := f.newProblem(t, "问题")
	if _, _, err := f.files.AttachEvidence(ctx, f.unit, p, []string{html.ID}); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("attaching a rejected file = %v, want invalid", err)
	}
	if _, _, err := f.storage.Open(ctx, feedback.FileKey(html.ID)); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("a rejected file's bytes were kept: %v", err)
	}

	// A pending file (bytes not yet arrived) cannot be attached yet.
	pending, _, err := f.files.RequestUpload(ctx, f.unit, feedback.UploadSpec{Filename: "b.pdf", ContentType: "application/pdf", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.files.AttachEvidence(ctx, f.unit, p, []string{pending.ID}); !feedback.IsCode(err, feedback.EConflict) {
		t.Errorf("attaching a pending file = %v, want conflict", err)
	}
	if _, _, err := f.files.AttachEvidence(ctx, f.unit, p, []string{"01JUNKNOWN"}); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("attaching an unknown file = %v, want invalid", err)
	}
}

func TestExpiredUpload(t *testing.T) {
	ctx := context.Background()
	f := newFileFixture(t)
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	file, form, err := f.files.RequestUpload(ctx, f.unit, feedback.UploadSpec{Filename: "整改报告.pdf", ContentType: "application/pdf", Size: int64(len(pdf))})
	if err != nil {
		t.Fatal(err)
	}
	f.advance(feedback.UploadTTL + time.Second)
	if status, _ := filetest.Post(t, form, form.Fields, "整改报告.pdf", pdf); status != http.StatusForbidden {
		t.Errorf("posting after expiry: %d, want 403", status)
	}
	// Where the storage let a late post through (an S3-compatible store
	// that does not check policies), the check refuses it by its arrival.
	if err := f.storage.Put(ctx, feedback.UploadKey(file.ID), bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	got, err := f.files.CheckUpload(ctx, file.ID, f.svc.Now().Add(time.Hour))
	if err != nil || got.Status != feedback.FileRejected {
		t.Errorf("CheckUpload of a late arrival = %+v, %v; want rejected", got, err)
	}
}

func TestSweepRemovesUnattachedFiles(t *testing.T) {
	ctx := context.Background()
	f := newFileFixture(t)
	p := f.newProblem(t, "问题")
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	kept := f.upload(t, f.unit, "已附.pdf", "application/pdf", pdf)
	f.attach(t, f.unit, p, kept.ID)
	orphan := f.upload(t, f.unit, "未附.pdf", "application/pdf", pdf)
	young := func() *feedback.File {
		f.advance(feedback.UnattachedFileTTL - time.Hour)
		return f.upload(t, f.unit, "刚传.pdf", "application/pdf", pdf)
	}()
	f.advance(2 * time.Hour)
	n, err := f.files.SweepUnattached(ctx)
	if err != nil || n != 1 {
		t.Fatalf("SweepUnattached = %d, %v; want 1", n, err)
	}
	records := f.store.(*sqlite.Store)
	if _, err := records.GetFile(ctx, orphan.ID); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("the unreferenced file's record survived: %v", err)
	}
	if _, _, err := f.storage.Open(ctx, feedback.FileKey(orphan.ID)); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("the unreferenced file's bytes survived: %v", err)
	}
	for _, k := range []*feedback.File{kept, young} {
		if _, err := records.GetFile(ctx, k.ID); err != nil {
			t.Errorf("%s was removed: %v", k.Name, err)
		}
	}
}

func TestEvidenceWithTransitionAndProgress(t *testing.T) {
	ctx := context.Background()
	f := newFileFixture(t)
	svc := f.withFiles
	p := f.newProblem(t, "执法人员对首次轻微违法企业罚款")
	photo := f.upload(t, f.unit, "整改前后对比.jpg", "image/jpeg", photoWithEXIF(t))
	report := f.upload(t, f.unit, "整改报告.pdf", "application/pdf", []byte("%PDF-1.7\n%%EOF\n"))

	got, err := svc.TransitionProblem(ctx, f.unit, p.ID, feedback.Transition{To: feedback.ProblemRectifying, Note: "开始整改", EvidenceFileIDs: []string{photo.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Evidence) != 1 || got.Evidence[0].FileID != photo.ID || got.Evidence[0].Name != "整改前后对比.jpg" || got.Evidence[0].By != f.unit.Name {
		t.Fatalf("evidence after the transition = %+v", got.Evidence)
	}
	progress := "已建立首违不罚清单"
	got, err = svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{Progress: &progress, EvidenceFileIDs: []string{report.ID, photo.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Evidence) != 2 || got.Evidence[1].Name != "整改报告.pdf" || got.Evidence[1].ContentType != "application/pdf" {
		t.Fatalf("evidence after the progress report = %+v", got.Evidence)
	}
	events := f.history(t, p.ID)
	last := events[len(events)-1]
	if len(last.Files) != 1 || last.Files[0].FileID != report.ID {
		t.Errorf("the progress event lists %+v, want the report only", last.Files)
	}
	if tr := events[len(events)-2]; tr.Action != feedback.ActionTransition || len(tr.Files) != 1 || tr.Files[0].FileID != photo.ID {
		t.Errorf("the transition event = %+v, want the photo", tr)
	}
	// Another unit's file, and a service without file storage.
	other := f.upload(t, f.otherUnit, "别的单位.pdf", "application/pdf", []byte("%PDF-1.7\n%%EOF\n"))
	if _, err := svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{EvidenceFileIDs: []string{other.ID}}); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("attaching another unit's upload = %v, want invalid", err)
	}
	if _, err := f.svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{EvidenceFileIDs: []string{report.ID}}); !feedback.IsCode(err, feedback.EUnsupported) {
		t.Errorf("without file storage = %v, want unsupported", err)
	}
}
