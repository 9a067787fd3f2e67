package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/document"
	"github.com/jianyan/jianyan/internal/feedback"
)

const testIssuer = "蓬江区全面依法治区委员会办公室"

var testPrefixes = map[feedback.DocumentKind]string{
	feedback.RectificationNotice: "区依法治办",
	feedback.FeedbackOpinion:     "区依法治督",
	feedback.SupervisionBulletin: "区依法治通",
	feedback.ReplyLetter:         "区依法治办函",
}

// documentsFixture is the document use cases over the fixture's SQLite
// store, with office settings that can be changed.
type documentsFixture struct {
	*fixture
	docs   *feedback.Documents
	office feedback.DocumentOffice
}

func newDocumentsFixture(t *testing.T) *documentsFixture {
	t.Helper()
	f := &documentsFixture{fixture: newFixture(t), office: feedback.DocumentOffice{Issuer: testIssuer, Prefixes: testPrefixes}}
	f.docs = feedback.NewDocuments(feedback.DocumentsConfig{
		Service: f.svc, Records: f.store.(feedback.DocumentRecords), Now: f.svc.Now,
		Office: func(context.Context) (feedback.DocumentOffice, error) { return f.office, nil },
		Working: func(context.Context) (feedback.WorkingDays, error) {
			return func(from, to feedback.Date) (int, bool) { return from.DaysUntil(to) * 5 / 7, true }, nil
		},
	})
	return f
}

func (f *documentsFixture) problem(t *testing.T, list *feedback.ProblemList, unit, title string) *feedback.Problem {
	t.Helper()
	p, err := f.svc.CreateProblem(context.Background(), f.staff, feedback.ProblemInput{
		ProblemListID: list.ID, Title: title, ResponsibleUnit: unit, ResponsiblePerson: "王局长",
		Requirement: "逐项整改到位", Deadline: f.today().AddDays(28),
	})
	if err != nil {
		t.Fatalf("create problem: %v", err)
	}
	return p
}

func TestIssueRectificationNotice(t *testing.T) {
	f := newDocumentsFixture(t)
	ctx := context.Background()
	list := f.list(t, "涉企乱罚款问题清单")
	mine := []*feedback.Problem{
		f.problem(t, list, unitMarket, "罚款收缴未严格执行罚缴分离制度"),
		f.problem(t, list, unitMarket, "行政处罚决定书未载明履行方式和期限"),
	}
	other := f.problem(t, list, unitJustice, "行政执法公示信息更新不及时")

	doc, err := f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unitMarket})
	if err != nil {
		t.Fatal(err)
	}
	year := f.today().Start().Year()
	if doc.Number != fmt.Sprintf("区依法治办〔%d〕1号", year) || doc.ID != feedback.DocumentID(feedback.RectificationNotice, year, 1) {
		t.Errorf("number %q id %q", doc.Number, doc.ID)
	}
	if doc.Title != "关于涉企乱罚款问题整改的通知书" || doc.CreatedBy != f.staff.Name || doc.Unit != unitMarket || doc.ProblemListID != list.ID {
		t.Errorf("document %+v", doc)
	}
	got, content, err := f.docs.Get(ctx, f.admin, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != doc.Number || content.Number != doc.Number || content.Addressees[0] != unitMarket || content.Signature != testIssuer {
		t.Errorf("stored %q, content number %q addressee %v signature %q", got.Number, content.Number, content.Addressees, content.Signature)
	}
	text := blockText(content.Body)
	for _, p := range mine {
		if !strings.Contains(text, p.Title) {
			t.Errorf("the notice lacks the unit's problem %q", p.Title)
		}
	}
	if strings.Contains(text, other.Title) {
		t.Errorf("the notice names another unit's problem %q", other.Title)
	}
	if !strings.Contains(text, "（20个工作日）") {
		t.Errorf("the deadline is not given in working days:\n%s", text)
	}

	// The next one of the same kind is number 2; another kind starts at 1.
	second, err := f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unitJustice})
	if err != nil || second.Seq != 2 {
		t.Fatalf("second notice: %v, number %d", err, second.Seq)
	}
	opinion, err := f.docs.Create(ctx, f.admin, feedback.DocumentRequest{Kind: feedback.FeedbackOpinion, ProblemListID: list.ID, Unit: unitMarket})
	if err != nil || opinion.Number != fmt.Sprintf("区依法治督〔%d〕1号", year) {
		t.Fatalf("feedback opinion: %v, number %q", err, opinion.Number)
	}
	page, err := f.docs.List(ctx, f.staff, feedback.DocumentFilter{Kind: feedback.RectificationNotice})
	if err != nil || len(page.Items) != 2 || page.Items[0].ID != second.ID {
		t.Errorf("notices listed: %v %v", page.Items, err)
	}
}

// TestNoticeCoHandledProblems: ProblemFilter.Unit matches lead and co-units,
// but a notice or a feedback opinion to a unit lists as its own only the
// problems it leads; those it co-handles come apart, under 需协助配合整改的问题,
// each with its lead unit, and a unit that leads nothing on the list gets
// no document (400 on unit).
func TestNoticeCoHandledProblems(t *testing.T) {
	const town = "杜阮镇人民政府"
	for _, n := range []int{1, 4} { // co-handled problems in the body, or in a second attachment
		t.Run(fmt.Sprintf("%d co-handled", n), func(t *testing.T) {
			f := newDocumentsFixture(t)
			ctx := context.Background()
			list := f.list(t, "涉企乱罚款问题清单")
			led := f.problem(t, list, unitMarket, "罚款收缴未严格执行罚缴分离制度")
			var co []*feedback.Problem
			for i := range n {
				p, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{
					ProblemListID: list.ID, Title: fmt.Sprintf("行政执法公示信息更新不及时第%d项", i+1), ResponsibleUnit: unitJustice,
					CoUnits: []string{unitMarket, town}, ResponsiblePerson: "李局长", Requirement: "按月更新公示信息", Deadline: f.today().AddDays(28),
				})
				if err != nil {
					t.Fatal(err)
				}
				co = append(co, p)
			}
			for _, kind := range []feedback.DocumentKind{feedback.RectificationNotice, feedback.FeedbackOpinion} {
				doc, err := f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: kind, ProblemListID: list.ID, Unit: unitMarket})
				if err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
				_, content, err := f.docs.Get(ctx, f.staff, doc.ID)
				if err != nil {
					t.Fatal(err)
				}
				text := blockText(content.Body)
				for _, a := range content.Attachments {
					text += "附件:" + a.Title + "\n" + blockText(a.Body)
				}
				own, coPart, ok := strings.Cut(text, "需协助配合整改的问题")
				if !ok {
					t.Fatalf("%s: no section for the co-handled problems:\n%s", kind, text)
				}
				if !strings.Contains(own, led.Title) || !strings.Contains(own, "发现问题1项") && !strings.Contains(own, "牵头整改的问题共1项") {
					t.Errorf("%s: the unit's own part does not list its one led problem:\n%s", kind, own)
				}
				for _, p := range co {
					if strings.Contains(own, p.Title) {
						t.Errorf("%s: the co-handled problem %q is listed among the unit's own", kind, p.Title)
					}
					if !strings.Contains(coPart, p.Title) {
						t.Errorf("%s: the co-handled problem %q is missing from its section:\n%s", kind, p.Title, coPart)
					}
				}
				if !strings.Contains(coPart, unitJustice) {
					t.Errorf("%s: the co-handled part does not name the lead unit %s:\n%s", kind, unitJustice, coPart)
				}
				if strings.Contains(coPart, "李局长") || strings.Contains(coPart, "按月更新公示信息") {
					t.Errorf("%s: the co-handled part gives the lead unit's person or requirement as the unit's own:\n%s", kind, coPart)
				}
			}
			// The lead unit's notice lists them as its own.
			doc, err := f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unitJustice})
			if err != nil {
				t.Fatal(err)
			}
			_, content, _ := f.docs.Get(ctx, f.staff, doc.ID)
			if text := blockText(content.Body); strings.Contains(text, "需协助配合整改的问题") || strings.Contains(text, led.Title) {
				t.Errorf("the lead unit's notice:\n%s", text)
			}
			// A unit that only co-handles gets nothing, and is told why.
			_, err = f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: town})
			if feedback.ErrorCode(err) != feedback.EInvalid || feedback.ErrorField(err) != "unit" || !strings.Contains(feedback.ErrorMessage(err), "牵头") {
				t.Errorf("a notice to a unit that leads nothing: %v, want invalid on unit", err)
			}
			if page, _ := f.docs.List(ctx, f.admin, feedback.DocumentFilter{}); len(page.Items) != 3 {
				t.Errorf("%d documents issued, want 3", len(page.Items))
			}
		})
	}
}

func TestIssueBulletinAndReplyLetter(t *testing.T) {
	f := newDocumentsFixture(t)
	ctx := context.Background()
	f.submit(t, feedback.Enterprise, "检查频次", "同一部门一年内多次检查同一企业。")
	sm, err := f.svc.GenerateSummary(ctx, f.admin, feedback.Monthly, f.today())
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.SupervisionBulletin, SummaryID: sm.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.Number, "区依法治通〔") || !strings.Contains(b.Title, "意见建议办理和问题整改情况的通报") {
		t.Errorf("bulletin %q %q", b.Number, b.Title)
	}
	_, content, err := f.docs.Get(ctx, f.staff, b.ID)
	if err != nil || !strings.Contains(blockText(content.Body), "共收到意见建议和问题线索1条，其中企业代表1条") {
		t.Errorf("bulletin content (%v):\n%s", err, blockText(content.Body))
	}

	sg := f.submit(t, feedback.NPCDeputy, "首违不罚", "建议对轻微违法行为首次不予处罚。")
	_, err = f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.ReplyLetter, SuggestionID: sg.ID})
	wantCode(t, err, feedback.EConflict) // no reply yet
	if _, err := f.svc.DeclineSuggestion(ctx, f.staff, sg.ID, "已在首违不罚清单中列明，留作参考。"); err != nil {
		t.Fatal(err)
	}
	r, err := f.docs.Create(ctx, f.staff, feedback.DocumentRequest{Kind: feedback.ReplyLetter, SuggestionID: sg.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, content, err = f.docs.Get(ctx, f.staff, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := blockText(content.Body)
	if content.Addressees[0] != "陈先生代表" || !strings.Contains(text, "已在首违不罚清单中列明") || !strings.Contains(text, sg.Receipt) {
		t.Errorf("reply letter to %v:\n%s", content.Addressees, text)
	}
	if strings.Contains(text, "13800138000") {
		t.Error("the reply letter carries the submitter's contact")
	}
}

func TestDocumentRefusals(t *testing.T) {
	f := newDocumentsFixture(t)
	ctx := context.Background()
	list := f.list(t, "涉企乱罚款问题清单")
	f.problem(t, list, unitMarket, "罚款收缴未严格执行罚缴分离制度")
	ok := feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unitMarket}
	for _, c := range []struct {
		name  string
		who   feedback.Identity
		req   feedback.DocumentRequest
		edit  func(*documentsFixture)
		code  string
		field string
	}{
		{"unit account", f.unit, ok, nil, feedback.EForbidden, ""},
		{"no role", f.noRole, ok, nil, feedback.EForbidden, ""},
		{"no kind", f.staff, feedback.DocumentRequest{}, nil, feedback.EInvalid, "kind"},
		{"unknown kind", f.staff, feedback.DocumentRequest{Kind: "memo"}, nil, feedback.EInvalid, "kind"},
		{"no list", f.staff, feedback.DocumentRequest{Kind: feedback.FeedbackOpinion, Unit: unitMarket}, nil, feedback.EInvalid, "problem_list_id"},
		{"no unit", f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: "　"}, nil, feedback.EInvalid, "unit"},
		{"no summary", f.staff, feedback.DocumentRequest{Kind: feedback.SupervisionBulletin}, nil, feedback.EInvalid, "summary_id"},
		{"no suggestion", f.staff, feedback.DocumentRequest{Kind: feedback.ReplyLetter}, nil, feedback.EInvalid, "suggestion_id"},
		{"unknown list", f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: feedback.NewID(f.svc.Now()), Unit: unitMarket}, nil, feedback.ENotFound, ""},
		{"triage list", f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: feedback.TriageListID, Unit: unitMarket}, nil, feedback.EInvalid, "problem_list_id"},
		{"unit without problems there", f.staff, feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unitJustice}, nil, feedback.EInvalid, "unit"},
		{"unknown summary", f.staff, feedback.DocumentRequest{Kind: feedback.SupervisionBulletin, SummaryID: "monthly-1999-01-01"}, nil, feedback.ENotFound, ""},
		{"no issuer", f.staff, ok, func(f *documentsFixture) { f.office.Issuer = " " }, feedback.EConflict, ""},
		{"no prefix for the kind", f.staff, ok, func(f *documentsFixture) {
			f.office.Prefixes = map[feedback.DocumentKind]string{feedback.ReplyLetter: "区依法治办函"}
		}, feedback.EConflict, ""},
		// Settings saved before shared prefixes were refused: two kinds
		// would issue the same number.
		{"prefix shared with another kind", f.staff, ok, func(f *documentsFixture) {
			f.office.Prefixes = map[feedback.DocumentKind]string{feedback.RectificationNotice: "区依法治办", feedback.FeedbackOpinion: "区依法治办"}
		}, feedback.EConflict, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.office = feedback.DocumentOffice{Issuer: testIssuer, Prefixes: testPrefixes}
			if c.edit != nil {
				c.edit(f)
			}
			_, err := f.docs.Create(ctx, c.who, c.req)
			if feedback.ErrorCode(err) != c.code || feedback.ErrorField(err) != c.field {
				t.Errorf("Create = %v, want %s on field %q", err, c.code, c.field)
			}
			if c.code == feedback.EConflict && !strings.Contains(feedback.ErrorMessage(err), "系统设置") {
				t.Errorf("message %q does not say where to set it", feedback.ErrorMessage(err))
			}
		})
	}
	// Nothing was issued by any of them.
	page, err := f.docs.List(ctx, f.admin, feedback.DocumentFilter{})
	if err != nil || len(page.Items) != 0 {
		t.Errorf("refused requests issued %d documents (%v)", len(page.Items), err)
	}
	for _, who := range []feedback.Identity{f.unit, f.noRole} {
		_, err := f.docs.List(ctx, who, feedback.DocumentFilter{})
		wantCode(t, err, feedback.EForbidden)
		_, _, err = f.docs.Get(ctx, who, feedback.DocumentID(feedback.RectificationNotice, 2025, 1))
		wantCode(t, err, feedback.EForbidden)
	}
	_, _, err = f.docs.Get(ctx, f.staff, "../etc/passwd")
	wantCode(t, err, feedback.ENotFound)
}

func blockText(bs []document.Block) string {
	var b strings.Builder
	for _, bl := range bs {
		switch bl := bl.(type) {
		case *document.Heading:
			b.WriteString(bl.Text + bl.Body + "\n")
		case *document.Paragraph:
			b.WriteString(bl.Text + "\n")
		case *document.Table:
			for _, r := range bl.Rows {
				b.WriteString(strings.Join(r, "|") + "\n")
			}
		}
	}
	return b.String()
}

// TestDocumentsFromOfficeSettings: wired with nothing but the service, the
// documents take the issuer and prefixes from the office settings and the
// working days from the calendar in force (2025's official schedule).
func TestDocumentsFromOfficeSettings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	docs := feedback.NewDocuments(feedback.DocumentsConfig{Service: f.svc, Records: f.store.(feedback.DocumentRecords), Now: f.svc.Now})
	list := f.list(t, "涉企乱罚款问题清单")
	if _, err := f.svc.CreateProblem(ctx, f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: "罚款收缴未严格执行罚缴分离制度",
		ResponsibleUnit: unitMarket, Requirement: "落实罚缴分离", Deadline: "2025-04-11"}); err != nil {
		t.Fatal(err)
	}
	req := feedback.DocumentRequest{Kind: feedback.RectificationNotice, ProblemListID: list.ID, Unit: unitMarket}
	_, err := docs.Create(ctx, f.staff, req)
	wantCode(t, err, feedback.EConflict) // nothing set yet
	if _, err := f.svc.PutSettings(ctx, f.admin, feedback.SettingsInput{OfficeName: "区委依法治区办", Issuer: testIssuer,
		NumberPrefixes: map[feedback.DocumentKind]string{feedback.RectificationNotice: "区依法治办"}}); err != nil {
		t.Fatal(err)
	}
	doc, err := docs.Create(ctx, f.staff, req)
	if err != nil {
		t.Fatal(err)
	}
	_, content, err := docs.Get(ctx, f.staff, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 4 March to 11 April 2025: 27 working days (Qingming, 4 April, off).
	if doc.Number != "区依法治办〔2025〕1号" || content.Signature != testIssuer || !strings.Contains(blockText(content.Body), "2025年4月11日（27个工作日）") {
		t.Errorf("number %q signature %q:\n%s", doc.Number, content.Signature, blockText(content.Body))
	}
}
