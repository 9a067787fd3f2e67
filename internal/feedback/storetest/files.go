package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// FileOpener returns new, empty file records for one test.
type FileOpener func(tb testing.TB) feedback.FileRecords

// RunFileRecords is the contract of feedback.FileRecords: round trip,
// optimistic updates, deletion, and the list of unattached files (oldest
// first, before a time, paged) that the sweep reads.
func RunFileRecords(t *testing.T, open FileOpener) {
	t.Run("RoundTrip", func(t *testing.T) { testFileRoundTrip(t, open(t)) })
	t.Run("Update", func(t *testing.T) { testFileUpdate(t, open(t)) })
	t.Run("Unattached", func(t *testing.T) { testFileUnattached(t, open(t)) })
}

func newFile(c *clock, i int) *feedback.File {
	at := c.Next()
	return &feedback.File{
		ID: feedback.NewID(at), Name: fmt.Sprintf("整改照片%d.jpg", i), ContentType: "image/jpeg", Size: int64(1000 + i),
		Purpose: feedback.PurposeEvidence, Status: feedback.FilePending,
		UploadedBy: "市场监管局 王股长", UploaderSubject: "acc-unit", UploaderUnit: "区市场监督管理局",
		CreatedAt: at, ExpiresAt: at.Add(feedback.UploadTTL),
	}
}

func sameFile(t *testing.T, got, want *feedback.File) {
	t.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || !g.ExpiresAt.Equal(w.ExpiresAt) || !g.CheckedAt.Equal(w.CheckedAt) {
		t.Errorf("times = %v %v %v, want %v %v %v", g.CreatedAt, g.ExpiresAt, g.CheckedAt, w.CreatedAt, w.ExpiresAt, w.CheckedAt)
	}
	g.CreatedAt, g.ExpiresAt, g.CheckedAt = w.CreatedAt, w.ExpiresAt, w.CheckedAt
	if g != w {
		t.Errorf("file = %+v\nwant %+v", g, w)
	}
}

func testFileRoundTrip(t *testing.T, s feedback.FileRecords) {
	c := newClock()
	f := newFile(c, 1)
	if err := s.CreateFile(ctx(t), f); err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 {
		t.Errorf("Version after create = %d, want 1", f.Version)
	}
	got, err := s.GetFile(ctx(t), f.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameFile(t, got, f)
	dup := *f
	if err := s.CreateFile(ctx(t), &dup); !feedback.IsCode(err, feedback.EConflict) {
		t.Errorf("CreateFile(same ID) = %v, want conflict", err)
	}
	bad := newFile(c, 2)
	bad.Size = 0
	if err := s.CreateFile(ctx(t), bad); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("CreateFile(size 0) = %v, want invalid", err)
	}
	if _, err := s.GetFile(ctx(t), bad.ID); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("GetFile(refused) = %v, want not found", err)
	}
	if _, err := s.GetFile(ctx(t), "../x"); !feedback.IsCode(err, feedback.ENotFound) && !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("GetFile(bad key) = %v, want not found or invalid", err)
	}
	if err := s.DeleteFile(ctx(t), f.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetFile(ctx(t), f.ID); !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("GetFile(deleted) = %v, want not found", err)
	}
	if err := s.DeleteFile(ctx(t), f.ID); err != nil {
		t.Errorf("DeleteFile(missing) = %v, want nil", err)
	}
}

func testFileUpdate(t *testing.T, s feedback.FileRecords) {
	c := newClock()
	f := newFile(c, 1)
	if err := s.CreateFile(ctx(t), f); err != nil {
		t.Fatal(err)
	}
	stale := *f
	f.Status, f.ContentType, f.Size, f.CheckedAt, f.ProblemID = feedback.FileReady, "image/png", 900, c.Next(), feedback.NewID(c.Now())
	if err := s.UpdateFile(ctx(t), f); err != nil {
		t.Fatal(err)
	}
	if f.Version != 2 {
		t.Errorf("Version after update = %d, want 2", f.Version)
	}
	got, err := s.GetFile(ctx(t), f.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameFile(t, got, f)
	stale.Status = feedback.FileRejected
	if err := s.UpdateFile(ctx(t), &stale); !feedback.IsCode(err, feedback.EConflict) {
		t.Errorf("UpdateFile(stale) = %v, want conflict", err)
	}
	if stale.Version != 1 {
		t.Errorf("a failed update changed Version to %d", stale.Version)
	}
	ghost := newFile(c, 9)
	ghost.Version = 1
	if err := s.UpdateFile(ctx(t), ghost); !feedback.IsCode(err, feedback.EConflict) && !feedback.IsCode(err, feedback.ENotFound) {
		t.Errorf("UpdateFile(missing) = %v, want conflict or not found", err)
	}
}

func testFileUnattached(t *testing.T, s feedback.FileRecords) {
	c := newClock()
	var files []*feedback.File
	for i := range 6 {
		f := newFile(c, i)
		if err := s.CreateFile(ctx(t), f); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	// Attach 1 (evidence) and 3 (a photo); 5 is after the cutoff.
	files[1].ProblemID = feedback.NewID(c.Now())
	files[3].SuggestionID = feedback.NewID(c.Now())
	for _, f := range []*feedback.File{files[1], files[3]} {
		if err := s.UpdateFile(ctx(t), f); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := files[5].CreatedAt
	var got []string
	cursor := ""
	for range 5 {
		page, err := s.ListUnattachedFiles(ctx(t), cutoff, 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) > 2 || (page.NextCursor != "" && len(page.Items) != 2) {
			t.Fatalf("page of %d items with cursor %q", len(page.Items), page.NextCursor)
		}
		for _, f := range page.Items {
			got = append(got, f.Name)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	want := []string{files[0].Name, files[2].Name, files[4].Name}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("unattached before the cutoff = %v, want %v", got, want)
	}
	page, err := s.ListUnattachedFiles(ctx(t), files[0].CreatedAt.Add(-time.Second), 10, "")
	if err != nil || len(page.Items) != 0 {
		t.Errorf("before the first upload: %d items, %v; want none", len(page.Items), err)
	}
	// Detaching (a removed reference) makes a file unattached again.
	files[1].ProblemID = ""
	if err := s.UpdateFile(ctx(t), files[1]); err != nil {
		t.Fatal(err)
	}
	page, err = s.ListUnattachedFiles(ctx(t), cutoff, 10, "")
	if err != nil || len(page.Items) != 4 || page.Items[1].ID != files[1].ID {
		t.Errorf("after detaching: %d items, %v; want 4 with %s second", len(page.Items), err, files[1].Name)
	}
	if _, err := s.ListUnattachedFiles(ctx(t), cutoff, 10, "garbage"); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("garbage cursor = %v, want invalid", err)
	}
}

// testEvidence: a problem's evidence list and an audit event's files
// round-trip with the problem's update.
func testEvidence(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", "涉企乱罚款", "区司法局")
	p := mustProblem(t, st, c, list, "首违不罚未落实", "区市场监督管理局", "2025-04-30", feedback.ProblemOpen)
	at := c.Next()
	refs := []feedback.EvidenceRef{
		{FileID: feedback.NewID(at), Name: "整改前后对比.jpg", ContentType: "image/jpeg", Size: 204800, By: "市场监管局 王股长", At: at},
		{FileID: feedback.NewID(c.Next()), Name: "整改报告.pdf", ContentType: "application/pdf", Size: 1 << 20, By: "市场监管局 王股长", At: at},
	}
	p.Evidence = refs
	p.Progress = "已建立首违不罚清单"
	ev := &feedback.AuditEvent{ID: feedback.NewID(at), ProblemID: p.ID, Actor: "市场监管局 王股长", At: at, Action: feedback.ActionEdited, Note: "整改进展", Files: refs}
	must(t, st.UpdateProblem(ctx(t), feedback.ProblemWrite{Problem: p, Event: ev}), "update problem with evidence")
	got := getProblem(t, st, p.ID)
	sameRefs(t, "problem evidence", got.Evidence, refs)
	page, err := st.ListAuditEvents(ctx(t), p.ID, 0, "")
	must(t, err, "list events")
	last := page.Items[len(page.Items)-1]
	if last.ID != ev.ID {
		t.Fatalf("last event %s, want %s", last.ID, ev.ID)
	}
	sameRefs(t, "event files", last.Files, refs)
}

func sameRefs(t *testing.T, what string, got, want []feedback.EvidenceRef) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d refs, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.At.Equal(w.At) {
			t.Errorf("%s[%d].At = %v, want %v", what, i, g.At, w.At)
		}
		g.At = w.At
		if g != w {
			t.Errorf("%s[%d] = %+v, want %+v", what, i, g, w)
		}
	}
}

// testEvidenceAttachAtomic: the file records a problem write carries
// (ProblemWrite.Files) change in the same atomic write as the problem — a
// stale file refuses the whole write and changes nothing; a good one
// attaches the file (out of the unattached list) together with the
// problem's evidence.
func testEvidenceAttachAtomic(t *testing.T, open Opener) {
	st := open(t)
	files, ok := st.(feedback.FileRecords)
	if !ok {
		t.Fatalf("%T does not keep file records", st)
	}
	c := newClock()
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", "涉企乱罚款", "区司法局")
	p := mustProblem(t, st, c, list, "首违不罚未落实", "区市场监督管理局", "2025-04-30", feedback.ProblemOpen)
	photo, report := newFile(c, 1), newFile(c, 2)
	for _, f := range []*feedback.File{photo, report} {
		f.Status = feedback.FileReady
		must(t, files.CreateFile(ctx(t), f), "create file")
	}
	// Someone else changed the report's record since it was read.
	stale := *report
	must(t, files.UpdateFile(ctx(t), report), "touch report")

	attach := func(fs ...*feedback.File) (*feedback.Problem, feedback.ProblemWrite) {
		q := getProblem(t, st, p.ID)
		at := c.Next()
		var refs []feedback.EvidenceRef
		var writes []*feedback.File
		for _, f := range fs {
			w := *f
			w.ProblemID = q.ID
			writes = append(writes, &w)
			refs = append(refs, feedback.EvidenceRef{FileID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, By: "王股长", At: at})
		}
		q.Evidence = append(q.Evidence, refs...)
		ev := &feedback.AuditEvent{ID: feedback.NewID(at), ProblemID: q.ID, Actor: "王股长", At: at, Action: feedback.ActionEdited, Note: "整改进展", Files: refs}
		return q, feedback.ProblemWrite{Problem: q, Event: ev, Files: writes}
	}

	q, w := attach(photo, &stale)
	if err := st.UpdateProblem(ctx(t), w); !feedback.IsCode(err, feedback.EConflict) {
		t.Fatalf("UpdateProblem with a stale file = %v, want conflict", err)
	}
	if got := getProblem(t, st, p.ID); len(got.Evidence) != 0 || got.Version != q.Version {
		t.Errorf("after the refused write the problem lists %d files at version %d, want none at %d", len(got.Evidence), got.Version, q.Version)
	}
	if got, err := files.GetFile(ctx(t), photo.ID); err != nil || got.Attached() || got.Version != photo.Version {
		t.Errorf("after the refused write the photo is %+v, %v; want unattached at version %d", got, err, photo.Version)
	}

	_, w = attach(photo, report)
	must(t, st.UpdateProblem(ctx(t), w), "attach evidence")
	for i, f := range []*feedback.File{photo, report} {
		if w.Files[i].Version != f.Version+1 {
			t.Errorf("%s: Version after the write = %d, want %d", f.Name, w.Files[i].Version, f.Version+1)
		}
		got, err := files.GetFile(ctx(t), f.ID)
		if err != nil || got.ProblemID != p.ID || got.Version != f.Version+1 {
			t.Errorf("%s after the write = %+v, %v; want attached to %s at version %d", f.Name, got, err, p.ID, f.Version+1)
		}
	}
	if got := getProblem(t, st, p.ID); len(got.Evidence) != 2 {
		t.Errorf("the problem lists %d files, want 2", len(got.Evidence))
	}
	page, err := files.ListUnattachedFiles(ctx(t), c.Next(), 10, "")
	if err != nil || len(page.Items) != 0 {
		t.Errorf("unattached after attaching: %d files, %v; want none", len(page.Items), err)
	}
	// The same file twice in one write is refused before anything is stored.
	_, w = attach(photo)
	w.Files = append(w.Files, w.Files[0])
	if err := st.UpdateProblem(ctx(t), w); !feedback.IsCode(err, feedback.EInvalid) {
		t.Errorf("UpdateProblem with a file twice = %v, want invalid", err)
	}
}
