package docx_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document/docx"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// TestPrintedFromTheData prints the four documents as the office issues
// them: made by the document use cases from a symposium's suggestions, a
// problem list, a reply and a summary in a store, not from samples. Each
// is read back from the PDF: the number, the addressee and what it is
// about (every problem, the scorecard's unit, the reply) on its pages, and
// the submitter's contact nowhere. The first pages are saved with the
// samples' under $JIANYAN_ARTIFACTS/documents.
func TestPrintedFromTheData(t *testing.T) {
	checkPrintTools(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, shanghai)
	clock := func() time.Time { return now }
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jianyan.db"), sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	log := slog.New(slog.DiscardHandler)
	svc := feedback.NewService(st, feedback.Config{Now: clock, Logger: log})
	admin := feedback.Identity{Subject: "admin", Name: "admin", Role: feedback.RoleAdmin}
	const unit, contact = "杜阮镇人民政府", "13812345678"
	if err := st.CreateUnit(ctx, &feedback.Unit{Name: unit, Head: "黄志强", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	docs := feedback.NewDocuments(feedback.DocumentsConfig{
		Service: svc, Records: st, Now: clock, Logger: log,
		Office: func(context.Context) (feedback.DocumentOffice, error) {
			return feedback.DocumentOffice{Issuer: office, Prefixes: map[feedback.DocumentKind]string{
				feedback.RectificationNotice: "区依法治办", feedback.FeedbackOpinion: "区依法治督",
				feedback.SupervisionBulletin: "区依法治通", feedback.ReplyLetter: "区依法治办函",
			}}, nil
		},
	})

	sym, err := svc.CreateSymposium(ctx, admin, feedback.SymposiumInput{Title: "杜阮镇综合行政执法进驻式监督座谈会", Campaign: "综合行政执法进驻式监督",
		HostUnit: "区委依法治区办", Status: feedback.SymposiumOpen})
	if err != nil {
		t.Fatal(err)
	}
	sg, _, err := svc.Submit(ctx, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Name: "梁某", Contact: contact,
		Content: "镇综合执法队对首次轻微违法的商户直接罚款,建议落实首违不罚清单。"}, feedback.ChannelQR)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RouteSuggestion(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
	list, err := svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "杜阮镇进驻式监督问题清单", Campaign: "综合行政执法进驻式监督"})
	if err != nil {
		t.Fatal(err)
	}
	var titles, deadlines []string
	for i, p := range duruanProblems[:5] {
		in := feedback.ProblemInput{ProblemListID: list.ID, Title: p.title, ResponsibleUnit: unit, ResponsiblePerson: p.person,
			Requirement: p.requirement, Deadline: feedback.DateOf(now).AddDays(20 + 10*i)}
		if i == 0 {
			in.SuggestionIDs = []string{sg.ID}
		}
		if _, err := svc.CreateProblem(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
		titles = append(titles, p.title)
		deadlines = append(deadlines, fmt.Sprintf("%d年%d月%d日", in.Deadline.Start().Year(), in.Deadline.Start().Month(), in.Deadline.Start().Day()))
	}
	const reply = "已交杜阮镇人民政府整改,首违不罚清单已于本月公布并逐案适用。"
	if _, err := svc.ReplyToSuggestion(ctx, admin, sg.ID, reply, feedback.GradeA); err != nil {
		t.Fatal(err)
	}
	sm, err := svc.GenerateSummary(ctx, admin, feedback.Daily, "")
	if err != nil {
		t.Fatal(err)
	}

	kinds := []struct {
		req       feedback.DocumentRequest
		about     []string // on its pages
		addresse  string
		deadlines []string // in a table's cells
	}{
		{feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unit}, titles, unit, deadlines},
		{feedback.DocumentRequest{Kind: feedback.FeedbackOpinion, ProblemListID: list.ID, Unit: unit}, titles, unit, deadlines},
		{feedback.DocumentRequest{Kind: feedback.SupervisionBulletin, SummaryID: sm.ID}, []string{unit}, "各有关单位", nil},
		{feedback.DocumentRequest{Kind: feedback.ReplyLetter, SuggestionID: sg.ID}, []string{reply, sg.Receipt}, "梁某代表", nil},
	}
	files := map[string][]byte{}
	numbers := map[string]string{}
	for _, k := range kinds {
		issued, err := docs.Create(ctx, admin, k.req)
		if err != nil {
			t.Fatalf("issue %s: %v", k.req.Kind, err)
		}
		_, d, err := docs.Get(ctx, admin, issued.ID)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := (docx.Writer{}).Write(&b, d); err != nil {
			t.Fatalf("write %s: %v", k.req.Kind, err)
		}
		files[string(k.req.Kind)] = b.Bytes()
		numbers[string(k.req.Kind)] = issued.Number
	}
	pdfs := printDocs(t, files)
	for _, k := range kinds {
		name := string(k.req.Kind)
		t.Run(name, func(t *testing.T) {
			pdf := pdfs[name]
			n := pdfPages(t, pdf)
			first := squeeze(pdfText(t, pdf, 1))
			for _, w := range []string{numbers[name], k.addresse + "："} {
				if !strings.Contains(first, squeeze(w)) {
					t.Errorf("the first page does not show %q:\n%s", w, pdfText(t, pdf, 1))
				}
			}
			// In the content stream's order: a table's cells one by one,
			// where the page's layout would interleave their lines.
			raw, err := exec.Command("pdftotext", "-raw", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext -raw: %v", err)
			}
			var all strings.Builder
			all.WriteString(squeeze(string(raw)))
			for _, w := range k.about {
				if !strings.Contains(all.String(), squeeze(w)) {
					t.Errorf("%d pages do not show %q:\n%s", n, w, all.String())
				}
			}
			if strings.Contains(all.String(), contact) {
				t.Error("the document carries the submitter's contact")
			}
			// Each deadline in the attachment's table stays on one line:
			// the 整改期限 column once broke 2025年3月24｜日.
			for _, d := range k.deadlines {
				whole := false
				for _, line := range strings.Split(string(raw), "\n") {
					whole = whole || strings.Contains(squeeze(line), d)
				}
				if !whole {
					t.Errorf("the deadline %s breaks across lines:\n%s", d, raw)
				}
			}
			renderPage(t, pdf, fmt.Sprintf("from-data-%s", name), 1, 100)
		})
	}
}
