package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document"
	"github.com/jianyan/jianyan/internal/feedback"
)

// DocumentOpener returns new, empty document records for one test.
type DocumentOpener func(tb testing.TB) feedback.DocumentRecords

// RunDocumentRecords is the contract of feedback.DocumentRecords: round
// trip, a number taken once (per kind and year), nothing stored by a failed
// write, lists newest first by kind without content, and 20 concurrent
// requests through feedback.IssueDocument that get 20 distinct consecutive
// numbers.
func RunDocumentRecords(t *testing.T, open DocumentOpener) {
	t.Run("RoundTrip", func(t *testing.T) { testDocumentRoundTrip(t, open(t)) })
	t.Run("Numbers", func(t *testing.T) { testDocumentNumbers(t, open(t)) })
	t.Run("List", func(t *testing.T) { testDocumentList(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testDocumentConcurrent(t, open(t)) })
}

// documentContent is a small issued document's content.
func documentContent(tb testing.TB, title string) []byte {
	tb.Helper()
	b, err := feedback.EncodeDocumentContent(&document.Document{
		Title: title, Date: time.Date(2025, 3, 14, 0, 0, 0, 0, feedback.Shanghai),
		Body: []document.Block{&document.Paragraph{Text: "现将有关问题及整改要求通知如下。"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func newDocument(tb testing.TB, c *clock, kind feedback.DocumentKind, year, seq int) *feedback.Document {
	at := c.Next()
	title := fmt.Sprintf("关于涉企乱罚款问题整改的通知书（%d）", seq)
	return &feedback.Document{
		ID: feedback.DocumentID(kind, year, seq), Kind: kind, Year: year, Seq: seq,
		Number: feedback.DocumentNumber("区依法治办", year, seq), Title: title,
		ProblemListID: feedback.NewID(at), Unit: "区市场监督管理局",
		CreatedAt: at, CreatedBy: "李明", Content: documentContent(tb, title),
	}
}

func sameDocument(t *testing.T, got, want *feedback.Document, withContent bool) {
	t.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v", g.CreatedAt, w.CreatedAt)
	}
	if withContent && !bytes.Equal(g.Content, w.Content) {
		t.Errorf("content of %d bytes, want the %d stored", len(g.Content), len(w.Content))
	}
	if !withContent && g.Content != nil {
		t.Errorf("a list item carries %d bytes of content", len(g.Content))
	}
	g.CreatedAt, g.Content, w.Content = w.CreatedAt, nil, nil
	if fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("document = %+v\nwant %+v", g, w)
	}
}

func testDocumentRoundTrip(t *testing.T, s feedback.DocumentRecords) {
	c := newClock()
	d := newDocument(t, c, feedback.RectificationNotice, 2025, 1)
	if err := s.CreateDocument(ctx(t), d); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDocument(ctx(t), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameDocument(t, got, d, true)
	if content, err := feedback.DecodeDocumentContent(got.Content); err != nil || content.Title != d.Title {
		t.Errorf("stored content decodes to %v, %v", content, err)
	}
	for _, id := range []string{feedback.DocumentID(feedback.RectificationNotice, 2025, 2), feedback.NewID(c.Next()), "../x", ""} {
		_, err = s.GetDocument(ctx(t), id)
		wantCode(t, err, feedback.ENotFound)
	}

	// A taken number is a conflict; the first document stays as it was.
	dup := newDocument(t, c, feedback.RectificationNotice, 2025, 1)
	dup.Title, dup.Unit = "另一份通知书", "区司法局"
	wantCode(t, s.CreateDocument(ctx(t), dup), feedback.EConflict)
	if got, err := s.GetDocument(ctx(t), d.ID); err != nil {
		t.Fatal(err)
	} else {
		sameDocument(t, got, d, true)
	}
	// What the domain refuses is refused before anything is stored.
	bad := newDocument(t, c, feedback.RectificationNotice, 2025, 2)
	bad.Number = "区依法治办〔2025〕9号"
	wantCode(t, s.CreateDocument(ctx(t), bad), feedback.EInvalid)
	big := newDocument(t, c, feedback.RectificationNotice, 2025, 2)
	big.Content = make([]byte, feedback.MaxDocumentContentBytes+1)
	wantCode(t, s.CreateDocument(ctx(t), big), feedback.ETooLarge)
	for _, id := range []string{bad.ID, big.ID} {
		_, err := s.GetDocument(ctx(t), id)
		wantCode(t, err, feedback.ENotFound)
	}
	if last, _ := s.LastDocumentSeq(ctx(t), feedback.RectificationNotice, 2025); last != 1 {
		t.Errorf("a refused document moved the counter to %d", last)
	}
}

func testDocumentNumbers(t *testing.T, s feedback.DocumentRecords) {
	c := newClock()
	for _, k := range feedback.DocumentKinds {
		if last, err := s.LastDocumentSeq(ctx(t), k, 2025); err != nil || last != 0 {
			t.Fatalf("LastDocumentSeq(%s) on an empty store = %d, %v; want 0", k, last, err)
		}
	}
	for seq := 1; seq <= 3; seq++ {
		if err := s.CreateDocument(ctx(t), newDocument(t, c, feedback.SupervisionBulletin, 2025, seq)); err != nil {
			t.Fatalf("number %d: %v", seq, err)
		}
		if last, err := s.LastDocumentSeq(ctx(t), feedback.SupervisionBulletin, 2025); err != nil || last != seq {
			t.Fatalf("last number %d (%v) right after storing %d", last, err, seq)
		}
	}
	// A number taken is taken.
	for _, seq := range []int{1, 3} {
		wantCode(t, s.CreateDocument(ctx(t), newDocument(t, c, feedback.SupervisionBulletin, 2025, seq)), feedback.EConflict)
	}
	// Each kind and each year counts on its own.
	for _, d := range []*feedback.Document{
		newDocument(t, c, feedback.ReplyLetter, 2025, 1),
		newDocument(t, c, feedback.SupervisionBulletin, 2026, 1),
	} {
		if err := s.CreateDocument(ctx(t), d); err != nil {
			t.Fatalf("%s %d number 1: %v", d.Kind, d.Year, err)
		}
	}
	for _, c := range []struct {
		kind feedback.DocumentKind
		year int
		want int
	}{
		{feedback.SupervisionBulletin, 2025, 3}, {feedback.SupervisionBulletin, 2026, 1},
		{feedback.ReplyLetter, 2025, 1}, {feedback.RectificationNotice, 2025, 0}, {feedback.ReplyLetter, 2024, 0},
	} {
		if last, err := s.LastDocumentSeq(ctx(t), c.kind, c.year); err != nil || last != c.want {
			t.Errorf("LastDocumentSeq(%s, %d) = %d, %v; want %d", c.kind, c.year, last, err, c.want)
		}
	}
}

func testDocumentList(t *testing.T, s feedback.DocumentRecords) {
	c := newClock()
	var all, notices []*feedback.Document
	seq := map[feedback.DocumentKind]int{}
	for i := range 7 {
		kind := feedback.RectificationNotice
		if i%3 == 1 {
			kind = feedback.ReplyLetter
		}
		seq[kind]++
		d := newDocument(t, c, kind, 2025, seq[kind])
		if err := s.CreateDocument(ctx(t), d); err != nil {
			t.Fatal(err)
		}
		all = append([]*feedback.Document{d}, all...) // newest first
		if kind == feedback.RectificationNotice {
			notices = append([]*feedback.Document{d}, notices...)
		}
	}
	for _, c := range []struct {
		kind feedback.DocumentKind
		want []*feedback.Document
	}{{"", all}, {feedback.RectificationNotice, notices}, {feedback.SupervisionBulletin, nil}} {
		var got []*feedback.Document
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("the list does not end")
			}
			page, err := s.ListDocuments(ctx(t), feedback.DocumentFilter{Kind: c.kind, Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > 2 {
				t.Fatalf("a page of %d items, limit 2", len(page.Items))
			}
			got = append(got, page.Items...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(got) != len(c.want) {
			t.Fatalf("kind %q: %d documents, want %d", c.kind, len(got), len(c.want))
		}
		for i := range got {
			sameDocument(t, got[i], c.want[i], false)
		}
	}
	_, err := s.ListDocuments(ctx(t), feedback.DocumentFilter{Kind: "memo"})
	wantCode(t, err, feedback.EInvalid)
	_, err = s.ListDocuments(ctx(t), feedback.DocumentFilter{Cursor: "not-a-cursor"})
	wantCode(t, err, feedback.EInvalid)
	// A cursor of one kind's list is no good for another's.
	page, err := s.ListDocuments(ctx(t), feedback.DocumentFilter{Kind: feedback.RectificationNotice, Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, page.NextCursor)
	}
	_, err = s.ListDocuments(ctx(t), feedback.DocumentFilter{Kind: feedback.ReplyLetter, Cursor: page.NextCursor})
	wantCode(t, err, feedback.EInvalid)
}

// testDocumentConcurrent: 20 requests for the same kind at once, through
// the domain's IssueDocument, get the numbers 1 to 20, each once.
func testDocumentConcurrent(t *testing.T, s feedback.DocumentRecords) {
	const n = 20
	c := newClock()
	docs := make([]*feedback.Document, n)
	for i := range docs {
		docs[i] = &feedback.Document{
			Kind: feedback.RectificationNotice, Year: 2025,
			Title: "关于涉企乱罚款问题整改的通知书", Unit: fmt.Sprintf("第%d责任单位", i+1), CreatedBy: "李明",
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i, d := range docs {
		d.CreatedAt = c.Next()
		wg.Go(func() {
			<-start
			content := &document.Document{Title: d.Title, Date: d.CreatedAt, Addressees: []string{d.Unit}}
			errs[i] = feedback.IssueDocument(ctx(t), s, d, "区依法治办", content)
		})
	}
	close(start)
	wg.Wait()
	var seqs []int
	for i, d := range docs {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i+1, errs[i])
		}
		seqs = append(seqs, d.Seq)
		got, err := s.GetDocument(ctx(t), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != d.Number || got.Number != feedback.DocumentNumber("区依法治办", 2025, d.Seq) {
			t.Errorf("stored number %q, issued %q", got.Number, d.Number)
		}
		content, err := feedback.DecodeDocumentContent(got.Content)
		if err != nil || content.Number != d.Number || content.Addressees[0] != d.Unit {
			t.Errorf("document %d's content says %v (%v), want its own number %q", i+1, content, err, d.Number)
		}
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("numbers %v, want 1 to %d each once", seqs, n)
		}
	}
	if last, err := s.LastDocumentSeq(ctx(t), feedback.RectificationNotice, 2025); err != nil || last != n {
		t.Errorf("last number %d (%v), want %d", last, err, n)
	}
	page, err := s.ListDocuments(ctx(t), feedback.DocumentFilter{Limit: feedback.MaxListLimit})
	if err != nil || len(page.Items) != n {
		t.Errorf("%d documents listed (%v), want %d", len(page.Items), err, n)
	}
}
