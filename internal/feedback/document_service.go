package feedback

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jianyan/jianyan/internal/document"
)

// Documents holds the document use cases: issuing a numbered document of
// one of the four kinds from the data, listing what was issued, and reading
// one back as issued. Office roles only: documents are the office's.
type Documents struct {
	svc     *Service
	records DocumentRecords
	office  func(ctx context.Context) (DocumentOffice, error)
	working func(ctx context.Context) (WorkingDays, error)
	replies func(sg *Suggestion) (DocumentReply, bool)
	now     Clock
	log     *slog.Logger
}

// DocumentOffice is the office's own words on its documents, from the
// office settings: the issuer (发文机关, signed at the end and, with 文件,
// printed red at the top) and the number prefix of each kind.
type DocumentOffice struct {
	Issuer   string
	Prefixes map[DocumentKind]string
}

// DocumentReply is the office's reply to a suggestion as a reply letter
// states it.
type DocumentReply struct {
	Text       string
	Grade      string // A–D
	GradeLabel string
}

// DocumentsConfig configures Documents.
type DocumentsConfig struct {
	// Service reads the lists, problems, summaries and suggestions a
	// document is made from, with the caller's access.
	Service *Service
	Records DocumentRecords
	// Office returns the issuer and number prefixes; nil reads them from
	// the office settings (Service.OfficeSettings).
	Office func(ctx context.Context) (DocumentOffice, error)
	// Working returns the working-day calendar; nil uses the calendar in
	// force (the official schedules and the office's years). Where it
	// cannot tell, deadlines are given without working days.
	Working func(ctx context.Context) (WorkingDays, error)
	// Reply returns a suggestion's reply and its grade; false when it has
	// none yet. nil takes the suggestion's latest reply.
	Reply  func(sg *Suggestion) (DocumentReply, bool)
	Now    Clock
	Logger *slog.Logger
}

// NewDocuments returns the document use cases.
func NewDocuments(cfg DocumentsConfig) *Documents {
	d := &Documents{svc: cfg.Service, records: cfg.Records, office: cfg.Office, working: cfg.Working, replies: cfg.Reply, now: cfg.Now, log: cfg.Logger}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	if d.office == nil && d.svc != nil {
		d.office = func(ctx context.Context) (DocumentOffice, error) {
			st, err := d.svc.OfficeSettings(ctx)
			if err != nil {
				return DocumentOffice{}, err
			}
			return DocumentOffice{Issuer: st.Issuer, Prefixes: st.NumberPrefixes}, nil
		}
	}
	if d.working == nil && d.svc != nil {
		d.working = func(ctx context.Context) (WorkingDays, error) {
			c, err := d.svc.workCalendar(ctx)
			if err != nil {
				return nil, err
			}
			return func(from, to Date) (int, bool) { return WorkingDaysLeft(c, from, to) }, nil
		}
	}
	if d.replies == nil {
		d.replies = func(sg *Suggestion) (DocumentReply, bool) {
			r := sg.LatestReply()
			if r == nil {
				return DocumentReply{}, false
			}
			return DocumentReply{Text: r.Text, Grade: string(r.Grade), GradeLabel: r.Grade.Label()}, true
		}
	}
	return d
}

// DocumentRequest is what POST /api/v1/documents asks for: a kind and what
// that kind is made from.
type DocumentRequest struct {
	Kind          DocumentKind
	ProblemListID string // rectification_notice, feedback_opinion
	Unit          string // rectification_notice, feedback_opinion
	SummaryID     string // supervision_bulletin
	SuggestionID  string // reply_letter
}

// maxDocumentProblems bounds the problems one notice lists.
const maxDocumentProblems = 500

// Validate checks a request: the fields its kind needs are there, and
// the others are empty.
func (r *DocumentRequest) Validate() error {
	need := func(field, v, what string) error {
		if strings.TrimSpace(v) == "" {
			return FieldErrorf(field, "请选择%s", what)
		}
		return nil
	}
	switch r.Kind {
	case RectificationNotice, FeedbackOpinion:
		return firstErr(
			need("problem_list_id", r.ProblemListID, "问题清单"), CheckKey("problem_list_id", r.ProblemListID),
			need("unit", r.Unit, "责任单位"), checkText("unit", r.Unit, true, UnitMaxRunes, false),
		)
	case SupervisionBulletin:
		return firstErr(need("summary_id", r.SummaryID, "汇总"), CheckKey("summary_id", r.SummaryID))
	case ReplyLetter:
		return firstErr(need("suggestion_id", r.SuggestionID, "意见建议"), CheckKey("suggestion_id", r.SuggestionID))
	case "":
		return FieldErrorf("kind", "请选择文书种类")
	}
	return FieldErrorf("kind", "文书种类应为整改通知书、反馈意见书、督察通报或答复函")
}

// Create issues a document: it reads what the kind is made from, writes it
// in the kind's words under the office's name, and stores it under the next
// number of its kind this year. The office must have set its issuer and
// the kind's number prefix (EConflict otherwise, saying so).
func (d *Documents) Create(ctx context.Context, id Identity, req DocumentRequest) (*Document, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	req.Unit = CleanText(req.Unit)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	office, err := d.officeWords(ctx, req.Kind)
	if err != nil {
		return nil, err
	}
	now := d.now()
	day := DateOf(now)
	var content *document.Document
	switch req.Kind {
	case RectificationNotice, FeedbackOpinion:
		content, err = d.problemContent(ctx, id, req, office.Issuer, day)
	case SupervisionBulletin:
		var sm *Summary
		if sm, err = d.svc.GetSummary(ctx, id, req.SummaryID); err == nil {
			content = bulletinContent(office.Issuer, sm, day)
		}
	case ReplyLetter:
		content, err = d.replyContent(ctx, id, req.SuggestionID, office.Issuer, day)
	}
	if err != nil {
		return nil, err
	}
	doc := &Document{
		Kind: req.Kind, Year: day.Start().Year(), Title: strings.ReplaceAll(content.Title, "\n", ""),
		ProblemListID: req.ProblemListID, Unit: req.Unit, SummaryID: req.SummaryID, SuggestionID: req.SuggestionID,
		CreatedAt: now, CreatedBy: actorName(id),
	}
	if err := IssueDocument(ctx, d.records, doc, office.Prefixes[req.Kind], content); err != nil {
		return nil, fmt.Errorf("issue %s: %w", req.Kind, err)
	}
	d.log.InfoContext(ctx, "document issued", "id", doc.ID, "kind", doc.Kind)
	doc.Content = nil
	return doc, nil
}

// officeWords reads the settings a document needs.
func (d *Documents) officeWords(ctx context.Context, kind DocumentKind) (DocumentOffice, error) {
	if d.office == nil {
		return DocumentOffice{}, Conflictf("尚未设置发文机关，请管理员先在“系统设置”中填写")
	}
	o, err := d.office(ctx)
	if err != nil {
		return o, fmt.Errorf("office settings: %w", err)
	}
	o.Issuer = strings.TrimSpace(o.Issuer)
	if o.Issuer == "" {
		return o, Conflictf("尚未设置发文机关，请管理员先在“系统设置”中填写")
	}
	if strings.TrimSpace(o.Prefixes[kind]) == "" {
		return o, Conflictf("尚未设置%s的发文字号前缀，请管理员先在“系统设置”中填写", kind.Label())
	}
	// Settings saved before shared prefixes were refused may still have
	// them: issuing would repeat another kind's number.
	for _, other := range sortedKinds(o.Prefixes) {
		if other != kind && strings.TrimSpace(o.Prefixes[other]) == strings.TrimSpace(o.Prefixes[kind]) {
			return o, Conflictf("%s和%s的发文字号前缀相同，文号会重复；请管理员先在“系统设置”中为每种文书设不同的前缀", kind.Label(), other.Label())
		}
	}
	return o, nil
}

// problemContent is a notice or a feedback opinion: the problems on the
// list the unit leads, which it is to rectify, and apart from them those it
// only co-handles (协办), with their lead unit. A unit that leads none of
// the list's problems gets no notice: what it co-handles is the lead
// unit's to rectify, and the lead unit's notice.
func (d *Documents) problemContent(ctx context.Context, id Identity, req DocumentRequest, issuer string, day Date) (*document.Document, error) {
	list, err := d.svc.store.GetProblemList(ctx, req.ProblemListID)
	if err != nil {
		return nil, fmt.Errorf("get problem list %s: %w", req.ProblemListID, err)
	}
	if list.Triage {
		return nil, FieldErrorf("problem_list_id", "待分拣清单不能用来制发文书，请选择问题清单")
	}
	var led, co []*Problem
	f := ProblemFilter{ProblemListID: req.ProblemListID, Unit: req.Unit, Limit: MaxListLimit}
	for {
		page, err := d.svc.ListProblems(ctx, id, f)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Items {
			// ProblemFilter.Unit matches lead and co-units alike.
			if p.ResponsibleUnit == req.Unit {
				led = append(led, p)
			} else {
				co = append(co, p)
			}
		}
		if len(led)+len(co) > maxDocumentProblems {
			return nil, Errorf(ETooLarge, "该单位在此清单中的问题超过 %d 项，请分清单制发", maxDocumentProblems)
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	if len(led) == 0 {
		if len(co) > 0 {
			return nil, FieldErrorf("unit", "《%s》中没有由%s牵头整改的问题（它协办的%d项由牵头单位整改，请向牵头单位制发）", list.Title, req.Unit, len(co))
		}
		return nil, FieldErrorf("unit", "《%s》中没有由%s牵头整改的问题", list.Title, req.Unit)
	}
	var working WorkingDays
	if d.working != nil {
		if working, err = d.working(ctx); err != nil {
			return nil, fmt.Errorf("working-day calendar: %w", err)
		}
	}
	return problemDocContent(problemDocInput{Kind: req.Kind, Issuer: issuer, List: list, Unit: req.Unit,
		Problems: led, CoHandled: co, Day: day, Working: working}), nil
}

// replyContent is a reply letter to a suggestion's submitter.
func (d *Documents) replyContent(ctx context.Context, id Identity, suggestionID, issuer string, day Date) (*document.Document, error) {
	sg, err := d.svc.GetSuggestion(ctx, id, suggestionID)
	if err != nil {
		return nil, err
	}
	reply, ok := d.replies(sg)
	if !ok {
		return nil, Conflictf("回执号 %s 的意见建议尚未答复，答复后才能制发答复函", sg.Receipt)
	}
	in := replyLetterInput{Issuer: issuer, Suggestion: sg, Reply: reply.Text, Grade: reply.Grade, GradeLabel: reply.GradeLabel, Day: day}
	if sym, err := d.svc.GetSymposium(ctx, id, sg.SymposiumID); err == nil {
		in.SymposiumTitle = sym.Title
	} else if !IsCode(err, ENotFound) {
		return nil, err
	}
	return replyLetterContent(in), nil
}

// List lists issued documents, newest first.
func (d *Documents) List(ctx context.Context, id Identity, f DocumentFilter) (Page[*Document], error) {
	if err := requireOffice(id); err != nil {
		return Page[*Document]{}, err
	}
	if err := f.Validate(); err != nil {
		return Page[*Document]{}, err
	}
	page, err := d.records.ListDocuments(ctx, f)
	if err != nil {
		return page, fmt.Errorf("list documents: %w", err)
	}
	return page, nil
}

// Get returns an issued document and its content as issued.
func (d *Documents) Get(ctx context.Context, id Identity, docID string) (*Document, *document.Document, error) {
	if err := requireOffice(id); err != nil {
		return nil, nil, err
	}
	if !ValidKey(docID) {
		return nil, nil, NotFound("document", docID)
	}
	doc, err := d.records.GetDocument(ctx, docID)
	if err != nil {
		return nil, nil, fmt.Errorf("get document %s: %w", docID, err)
	}
	content, err := DecodeDocumentContent(doc.Content)
	if err != nil {
		return nil, nil, Internal(fmt.Errorf("document %s: %w", docID, err))
	}
	content.Number = doc.Number
	return doc, content, nil
}
