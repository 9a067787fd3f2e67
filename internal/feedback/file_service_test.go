package feedback_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/filebackend"
	"github.com/jianyan/jianyan/internal/feedback/filetest"
)

func TestMain(m *testing.M) { filebackend.Main(m) }

// forEachFileBackend runs test on a fresh file fixture on each backend.
func forEachFileBackend(t *testing.T, test func(t *testing.T, f *fileFixture)) {
	for _, b := range filebackend.All {
		t.Run(b.Name, func(t *testing.T) { test(t, newFileFixture(t, b)) })
	}
}

// fileFixture is the file use cases over a backend's store and storage.
// Uploads go where a browser sends them: on disk to an upload route that
// does what the local server's does (receive the post, check the bytes at
// once); on S3 to the bucket, after which the fixture checks the bytes as
// the check function does when S3 reports them.
type fileFixture struct {
	*fixture
	backend filebackend.Backend
	files   *feedback.Files
	records feedback.FileRecords
	storage feedback.FileStorage
	// withFiles is the service with the file use cases wired in.
	withFiles *feedback.Service
}

func newFileFixture(t *testing.T, b filebackend.Backend) *fileFixture {
	f := &fileFixture{fixture: newFixtureOn(t, func(tb testing.TB, clock feedback.Clock) feedback.Store { return b.Open(tb, clock) }), backend: b}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := feedback.LocalUploads{Files: f.files, Receiver: f.storage.(feedback.UploadReceiver)}.TakeUpload(r.Context(), r.Body, r.Header.Get("Content-Type"))
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
	f.storage = b.Storage(t, f.svc.Now, srv.URL)
	f.records = f.store.(feedback.FileRecords)
	f.files = feedback.NewFiles(feedback.FileConfig{
		Records: f.records, Storage: f.storage, Problems: f.store, Now: f.svc.Now, Logger: slog.New(slog.DiscardHandler),
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

// send posts data with form as a browser does and returns the status of
// the post. Where the bytes landed in the bucket, it then checks them as
// the check function does on S3's report of the new object.
func (f *fileFixture) send(t *testing.T, id string, form feedback.UploadForm, name string, data []byte) int {
	t.Helper()
	status, body := filetest.Post(t, form, form.Fields, name, data)
	if status/100 != 2 {
		t.Logf("upload post: %d %s", status, body)
		return status
	}
	if !f.backend.ChecksOnPost {
		if _, err := f.files.CheckUpload(context.Background(), id, f.svc.Now()); err != nil {
			t.Fatalf("CheckUpload %s: %v", id, err)
		}
	}
	return status
}

// upload requests an upload as who and sends data; it returns the file as
// the store has it after the check.
func (f *fileFixture) upload(t *testing.T, who feedback.Identity, name, declared string, data []byte) *feedback.File {
	t.Helper()
	file, form, err := f.files.RequestUpload(context.Background(), who, feedback.UploadSpec{Filename: name, ContentType: declared, Size: int64(len(data))})
	if err != nil {
		t.Fatalf("RequestUpload: %v", err)
	}
	if status := f.send(t, file.ID, form, name, data); status/100 != 2 {
		t.Fatalf("upload %s: %d", name, status)
	}
	return f.record(t, file.ID)
}

// record returns a file's record as stored.
func (f *fileFixture) record(t *testing.T, id string) *feedback.File {
	t.Helper()
	got, err := f.records.GetFile(context.Background(), id)
	if err != nil {
		t.Fatalf("file %s: %v", id, err)
	}
	return got
}

// gone reports whether file id has neither a record nor bytes.
func (f *fileFixture) gone(t *testing.T, id string) bool {
	t.Helper()
	ctx := context.Background()
	_, err := f.records.GetFile(ctx, id)
	if err != nil && !feedback.IsCode(err, feedback.ENotFound) {
		t.Fatal(err)
	}
	return err != nil && !f.stored(t, feedback.FileKey(id)) && !f.stored(t, feedback.UploadKey(id))
}

// stored reports whether the storage holds an object under key.
func (f *fileFixture) stored(t *testing.T, key string) bool {
	t.Helper()
	rc, _, err := f.storage.Open(context.Background(), key)
	if feedback.IsCode(err, feedback.ENotFound) {
		return false
	}
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	_ = rc.Close()
	return true
}

// fetch returns the bytes of a download: its body, or what its URL serves.
func fetch(t *testing.T, d *feedback.FileDownload) []byte {
	t.Helper()
	if d.URL == "" {
		defer d.Body.Close()
		b, err := io.ReadAll(d.Body)
		if err != nil || int64(len(b)) != d.Size {
			t.Fatalf("read download: %d bytes of %d, %v", len(b), d.Size, err)
		}
		return b
	}
	resp, err := http.Get(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", d.URL, resp.StatusCode, err)
	}
	return b
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
	forEachFileBackend(t, testEvidenceUploadAttachDownload)
}

func testEvidenceUploadAttachDownload(t *testing.T, f *fileFixture) {
	ctx := context.Background()
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
	if rec := f.record(t, photo.ID); rec.Attached() {
		t.Fatalf("after AttachEvidence alone the record is %+v; want unattached", rec)
	}
	if got := f.attach(t, f.unit, p, photo.ID, photo.ID); len(got.Evidence) != 1 {
		t.Fatalf("evidence = %+v, want the photo once", got.Evidence)
	}
	if rec := f.record(t, photo.ID); rec.ProblemID != p.ID {
		t.Fatalf("after the problem's write the record is %+v; want attached to %s", rec, p.ID)
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
	// The GPS position in its EXIF block is not stored.
	stored := fetch(t, d)
	if bytes.Contains(stored, []byte(secretMarker)) || bytes.Contains(stored, []byte("Exif")) {
		t.Error("the stored photo still carries its EXIF block")
	}
	if _, err := jpeg.Decode(bytes.NewReader(stored)); err != nil || int64(len(stored)) != d.File.Size {
		t.Errorf("stored photo: %d bytes (record %d), decode %v", len(stored), d.File.Size, err)
	}
	if f.stored(t, feedback.UploadKey(photo.ID)) {
		t.Error("the raw upload is still there")
	}
	// Attached elsewhere already.
	q := f.newProblem(t, "另一个问题")
	if _, _, err := f.files.AttachEvidence(ctx, f.staff, q, []string{photo.ID}); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("attaching to a second problem = %v, want invalid", err)
	}
}

// TestUploadRefusals: what a client declares is judged before anything is
// stored, and what arrives is judged by its bytes; a refused file is never
// stored, downloaded or attached.
func TestUploadRefusals(t *testing.T) {
	forEachFileBackend(t, testUploadRefusals)
}

func testUploadRefusals(t *testing.T, f *fileFixture) {
	ctx := context.Background()
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

	p := f.newProblem(t, "问题")
	// Bytes that are not what they were declared as, or that would not
	// decode within the pixel budget: refused by the check, with a reason.
	refused := []struct {
		name, declared string
		data           []byte
		reason         string // in the reason people read
	}{
		{"整改照片.jpg", "image/jpeg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "按文件内容判断"},
		{"现场全景.png", "image/png", pngBomb(t), "40000×40000 像素"},
	}
	for _, tt := range refused {
		file := f.upload(t, f.unit, tt.name, tt.declared, tt.data)
		if file.Status != feedback.FileRejected || !strings.Contains(file.RejectReason, tt.reason) {
			t.Errorf("%s: %+v, want rejected with a reason saying %q", tt.name, file, tt.reason)
			continue
		}
		_, err := f.files.Download(ctx, f.unit, file.ID)
		wantCode(t, err, feedback.EGone)
		if _, _, err := f.files.AttachEvidence(ctx, f.unit, p, []string{file.ID}); !feedback.IsCode(err, feedback.EInvalid) {
			t.Errorf("%s: attaching a rejected file = %v, want invalid", tt.name, err)
		}
		if f.stored(t, feedback.FileKey(file.ID)) || f.stored(t, feedback.UploadKey(file.ID)) {
			t.Errorf("%s: a rejected file's bytes were kept", tt.name)
		}
	}

	// More bytes than the form allows: refused by the endpoint (413
	// locally, as S3 refuses it), or, by a store that let it through, by
	// the check. Never stored, never ready.
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	big, form, err := f.files.RequestUpload(ctx, f.unit, feedback.UploadSpec{Filename: "c.pdf", ContentType: "application/pdf", Size: int64(len(pdf))})
	if err != nil {
		t.Fatal(err)
	}
	status := f.send(t, big.ID, form, "c.pdf", append(pdf, make([]byte, 100)...))
	if f.backend.ChecksOnPost && status != http.StatusRequestEntityTooLarge {
		t.Errorf("posting more than the form allows: %d, want 413", status)
	}
	if rec := f.record(t, big.ID); rec.Status == feedback.FileReady || f.stored(t, feedback.FileKey(big.ID)) {
		t.Errorf("a file larger than its form allows: %+v, want it never ready nor stored", rec)
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

// pngBomb is a PNG of a few hundred bytes whose header claims 40,000 ×
// 40,000 pixels: decoding it would take 6.4 GB.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	// IHDR's width and height follow the signature (8), the chunk's length
	// (4) and type (4); its CRC covers type and data.
	binary.BigEndian.PutUint32(data[16:], 40000)
	binary.BigEndian.PutUint32(data[20:], 40000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func TestExpiredUpload(t *testing.T) {
	forEachFileBackend(t, testExpiredUpload)
}

func testExpiredUpload(t *testing.T, f *fileFixture) {
	ctx := context.Background()
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	file, form, err := f.files.RequestUpload(ctx, f.unit, feedback.UploadSpec{Filename: "整改报告.pdf", ContentType: "application/pdf", Size: int64(len(pdf))})
	if err != nil {
		t.Fatal(err)
	}
	// Past the form's expiry and the grace the check allows for a post
	// that started in time.
	f.advance(feedback.UploadTTL + time.Hour)
	status := f.send(t, file.ID, form, "整改报告.pdf", pdf)
	if f.backend.ChecksOnPost && status != http.StatusForbidden {
		t.Errorf("posting after expiry: %d, want 403", status)
	}
	if status/100 != 2 {
		// Refused at the door. Where a storage let a late post through
		// (moto, or an S3-compatible store that does not check policies),
		// the check refuses it by its arrival.
		if err := f.storage.Put(ctx, feedback.UploadKey(file.ID), bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.files.CheckUpload(ctx, file.ID, f.svc.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.record(t, file.ID); got.Status != feedback.FileRejected || got.RejectReason == "" {
		t.Errorf("a late arrival = %+v; want rejected with a reason", got)
	}
	if f.stored(t, feedback.FileKey(file.ID)) {
		t.Error("a late arrival's bytes were kept")
	}
}

func TestSweepRemovesUnattachedFiles(t *testing.T) {
	forEachFileBackend(t, testSweepRemovesUnattachedFiles)
}

func testSweepRemovesUnattachedFiles(t *testing.T, f *fileFixture) {
	ctx := context.Background()
	p := f.newProblem(t, "问题")
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	kept := f.upload(t, f.unit, "已附.pdf", "application/pdf", pdf)
	f.attach(t, f.unit, p, kept.ID)
	orphan := f.upload(t, f.unit, "未附.pdf", "application/pdf", pdf)
	// Requested, never sent: a record and no bytes.
	unsent, _, err := f.files.RequestUpload(ctx, f.unit, feedback.UploadSpec{Filename: "未传.pdf", ContentType: "application/pdf", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	f.advance(feedback.UnattachedFileTTL - time.Hour)
	young := f.upload(t, f.unit, "刚传.pdf", "application/pdf", pdf)
	f.advance(2 * time.Hour)
	n, err := f.files.SweepUnattached(ctx)
	if err != nil || n != 2 {
		t.Fatalf("SweepUnattached = %d, %v; want 2", n, err)
	}
	for _, gone := range []*feedback.File{orphan, unsent} {
		if !f.gone(t, gone.ID) {
			t.Errorf("%s survived the sweep (record or bytes)", gone.Name)
		}
	}
	for _, k := range []*feedback.File{kept, young} {
		if _, err := f.records.GetFile(ctx, k.ID); err != nil || !f.stored(t, feedback.FileKey(k.ID)) {
			t.Errorf("%s was removed: %v", k.Name, err)
		}
	}
	if n, err := f.files.SweepUnattached(ctx); err != nil || n != 0 {
		t.Errorf("a second sweep = %d, %v; want nothing to do", n, err)
	}
}

func TestEvidenceWithTransitionAndProgress(t *testing.T) {
	forEachFileBackend(t, testEvidenceWithTransitionAndProgress)
}

func testEvidenceWithTransitionAndProgress(t *testing.T, f *fileFixture) {
	ctx := context.Background()
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
	// The files are 佐证材料; 佐证说明 is a transition's text, not given here.
	if last.Note != "修改了整改进展、佐证材料" {
		t.Errorf("the progress event says %q, want 修改了整改进展、佐证材料", last.Note)
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
