package feedback

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/document"
)

func TestDocumentNumber(t *testing.T) {
	for _, c := range []struct {
		prefix    string
		year, seq int
		want      string
	}{
		{"区依法治办", 2025, 3, "区依法治办〔2025〕3号"},
		{"区依法治办函", 2026, 12, "区依法治办函〔2026〕12号"},
		{"区依法治督", 2025, 100, "区依法治督〔2025〕100号"},
	} {
		if got := DocumentNumber(c.prefix, c.year, c.seq); got != c.want {
			t.Errorf("DocumentNumber(%q, %d, %d) = %q, want %q", c.prefix, c.year, c.seq, got, c.want)
		}
	}
}

func TestDocumentID(t *testing.T) {
	id := DocumentID(SupervisionBulletin, 2025, 12)
	if id != "supervision_bulletin-2025-12" || !ValidKey(id) {
		t.Errorf("DocumentID = %q", id)
	}
	if k, y, n, ok := ParseDocumentID(id); !ok || k != SupervisionBulletin || y != 2025 || n != 12 {
		t.Errorf("ParseDocumentID(%q) = %s %d %d %v", id, k, y, n, ok)
	}
	for _, bad := range []string{"", "memo-2025-1", "reply_letter-2025", "reply_letter-2025-01", "reply_letter-2025-1-2", "reply_letter-x-1", "01jnytrqg85ahyx6bhkkz44p8p"} {
		if _, _, _, ok := ParseDocumentID(bad); ok {
			t.Errorf("ParseDocumentID(%q) accepted it", bad)
		}
	}
}

func TestCheckNumberPrefix(t *testing.T) {
	for prefix, ok := range map[string]bool{
		"区依法治办": true, "区依法治办函": true, "": false, "  ": false,
		"区依法治办〔2025〕": false, strings.Repeat("办", NumberPrefixMaxRunes+1): false, "区\n办": false,
	} {
		if err := CheckNumberPrefix("number_prefixes.reply_letter", prefix); (err == nil) != ok {
			t.Errorf("CheckNumberPrefix(%q) = %v, want ok %v", prefix, err, ok)
		} else if err != nil && ErrorField(err) != "number_prefixes.reply_letter" {
			t.Errorf("CheckNumberPrefix(%q) names field %q", prefix, ErrorField(err))
		}
	}
}

func validDocument(t *testing.T) *Document {
	t.Helper()
	content, err := EncodeDocumentContent(&document.Document{Title: "关于整改的通知书", Date: time.Date(2025, 3, 14, 0, 0, 0, 0, Shanghai)})
	if err != nil {
		t.Fatal(err)
	}
	return &Document{
		ID: "rectification_notice-2025-3", Kind: RectificationNotice, Year: 2025, Seq: 3,
		Number: "区依法治办〔2025〕3号", Title: "关于整改的通知书", ProblemListID: NewID(time.Now()), Unit: "杜阮镇人民政府",
		CreatedAt: time.Now(), CreatedBy: "李明", Content: content,
	}
}

func TestDocumentValidate(t *testing.T) {
	if err := validDocument(t).Validate(); err != nil {
		t.Fatalf("a valid document: %v", err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*Document)
		code  string
		field string
	}{
		{"no ID", func(d *Document) { d.ID = "" }, EInvalid, "id"},
		{"ID of another number", func(d *Document) { d.ID = DocumentID(RectificationNotice, 2025, 4) }, EInvalid, "id"},
		{"unknown kind", func(d *Document) { d.Kind = "memo" }, EInvalid, "kind"},
		{"year", func(d *Document) { d.Year = 1999 }, EInvalid, "year"},
		{"seq 0", func(d *Document) {
			d.Seq = 0
			d.Number = "区依法治办〔2025〕0号"
			d.ID = DocumentID(d.Kind, 2025, 0)
		}, EInvalid, "number"},
		{"number disagrees", func(d *Document) { d.Number = "区依法治办〔2025〕4号" }, EInvalid, "number"},
		{"no title", func(d *Document) { d.Title = " " }, EInvalid, "title"},
		{"bad list key", func(d *Document) { d.ProblemListID = "../x" }, EInvalid, "problem_list_id"},
		{"no content", func(d *Document) { d.Content = nil }, EInvalid, "content"},
		{"content too large", func(d *Document) { d.Content = make([]byte, MaxDocumentContentBytes+1) }, ETooLarge, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := validDocument(t)
			c.edit(d)
			err := d.Validate()
			if ErrorCode(err) != c.code || ErrorField(err) != c.field {
				t.Errorf("Validate = %v, want %s on field %q", err, c.code, c.field)
			}
		})
	}
}

func TestDocumentContentCodec(t *testing.T) {
	c := problemDocContent(problemDocInput{Kind: RectificationNotice, Issuer: testIssuer, List: testList(), Unit: "杜阮镇人民政府",
		Problems: testProblems(12), Day: "2025-03-14", Working: fixedWorking})
	c.Number = "区依法治办〔2025〕3号"
	b, err := EncodeDocumentContent(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeDocumentContent(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := allText(back), allText(c); got != want {
		t.Errorf("round trip changed the text:\n got %s\nwant %s", got, want)
	}
	if !back.Date.Equal(c.Date) {
		t.Errorf("date %v, want %v", back.Date, c.Date)
	}
	for name, bad := range map[string][]byte{"not gzip": []byte("{}"), "empty": nil, "gzip of junk": gz(t, []byte("not json"))} {
		if _, err := DecodeDocumentContent(bad); err == nil {
			t.Errorf("DecodeDocumentContent accepted %s", name)
		}
	}
	// A small file that unpacks to gigabytes is refused, not read.
	if _, err := DecodeDocumentContent(gz(t, bytes.Repeat([]byte(" "), maxDocumentJSON+10))); err == nil {
		t.Error("DecodeDocumentContent unpacked more than its limit")
	}
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const testIssuer = "蓬江区全面依法治区委员会办公室"

func testList() *ProblemList {
	return &ProblemList{ID: NewID(time.Now()), Title: "杜阮镇综合行政执法“进驻式”监督问题清单", Campaign: "综合行政执法“进驻式”监督"}
}

var testProblemTitles = []string{
	"行政处罚决定书未载明履行方式和期限", "部分案件调查询问笔录未由两名以上执法人员签名", "涉企行政检查未提前制定年度检查计划",
	"罚款收缴未严格执行罚缴分离制度", "行政执法公示信息更新不及时", "自由裁量基准未细化", "首违不罚清单未落实到具体案件",
	"执法全过程记录设备配备不足", "重大执法决定法制审核覆盖面不全", "承接下放职权后监管力量不足", "检查程序告知不充分", "案卷归档不规范",
}

func testProblems(n int) []*Problem {
	var ps []*Problem
	for i := range n {
		p := &Problem{ID: NewID(time.Now()), Title: testProblemTitles[i%len(testProblemTitles)], ResponsibleUnit: "杜阮镇人民政府",
			ResponsiblePerson: "黄志强", Requirement: "逐项整改到位", Deadline: "2025-04-11", Status: ProblemOpen}
		switch i {
		case 1:
			p.ResponsiblePerson = ""
		case 2:
			p.Deadline, p.Status = "", ProblemLongTerm
		}
		ps = append(ps, p)
	}
	return ps
}

// fixedWorking knows 2025 only: 20 working days from 14 March to 11 April.
func fixedWorking(from, to Date) (int, bool) {
	if from == "2025-03-14" && to == "2025-04-11" {
		return 20, true
	}
	return 0, false
}

// allText is every word of a document, one block a line.
func allText(d *document.Document) string {
	var b strings.Builder
	b.WriteString(strings.Join([]string{d.IssuerMark, d.Number, d.Title, strings.Join(d.Addressees, "、"), d.Signature, d.Note}, "\n"))
	blocks := func(bs []document.Block) {
		for _, bl := range bs {
			b.WriteByte('\n')
			switch bl := bl.(type) {
			case *document.Heading:
				b.WriteString(bl.Text + bl.Body)
			case *document.Paragraph:
				b.WriteString(bl.Text)
			case *document.Table:
				for _, c := range bl.Columns {
					b.WriteString(c.Header + "|")
				}
				for _, r := range bl.Rows {
					b.WriteString("\n" + strings.Join(r, "|"))
				}
			}
		}
	}
	blocks(d.Body)
	for _, a := range d.Attachments {
		b.WriteString("\n" + a.Title)
		blocks(a.Body)
	}
	return b.String()
}

func TestProblemDocContent(t *testing.T) {
	for _, c := range []struct {
		name     string
		kind     DocumentKind
		problems int
		title    string
		table    bool
	}{
		{"notice, few problems in the body", RectificationNotice, 3, "关于杜阮镇综合行政执法“进驻式”监督问题整改的通知书", false},
		{"notice, a long list attached", RectificationNotice, 12, "关于杜阮镇综合行政执法“进驻式”监督问题整改的通知书", true},
		{"feedback opinion", FeedbackOpinion, 2, "关于杜阮镇综合行政执法“进驻式”监督发现问题的反馈意见书", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps := testProblems(c.problems)
			d := problemDocContent(problemDocInput{Kind: c.kind, Issuer: testIssuer, List: testList(), Unit: "杜阮镇人民政府",
				Problems: ps, Day: "2025-03-14", Working: fixedWorking})
			if err := d.Check(); err != nil {
				t.Fatalf("not printable: %v", err)
			}
			text := allText(d)
			if d.Title != c.title {
				t.Errorf("title %q, want %q", d.Title, c.title)
			}
			deadline := "2025年4月11日（20个工作日）"
			if c.table {
				deadline = "2025年4月11日\n（20个工作日）"
			}
			for _, want := range []string{testIssuer + "文件", "杜阮镇人民政府", deadline, "第一责任人", "单位主要负责人", "长期坚持", "反馈方式", "佐证材料", "书面报送" + testIssuer} {
				if !strings.Contains(text, want) {
					t.Errorf("the document does not say %q:\n%s", want, text)
				}
			}
			for _, p := range ps {
				if !strings.Contains(text, p.Title) || !strings.Contains(text, p.Requirement) {
					t.Errorf("problem %q or its requirement is missing", p.Title)
				}
			}
			if got := len(d.Attachments) == 1 && len(d.Attachments[0].Body) == 1; got != c.table {
				t.Errorf("attached table: %v, want %v", got, c.table)
			} else if c.table {
				if rows := d.Attachments[0].Body[0].(*document.Table).Rows; len(rows) != c.problems {
					t.Errorf("%d table rows, want %d", len(rows), c.problems)
				}
			}
			if got := strings.Contains(text, "特此通知。"); got != (c.kind == RectificationNotice) {
				t.Errorf("特此通知 present: %v in a %s", got, c.kind.Label())
			}
			if d.Signature != testIssuer || !d.Date.Equal(Date("2025-03-14").Start()) {
				t.Errorf("signature %q date %v", d.Signature, d.Date)
			}
		})
	}
}

// TestNoticePastDeadline: a problem whose deadline passed before the
// notice's day is marked 已逾期 rather than stated as if still ahead; one
// already rectified says so, for the unit not to rectify it twice.
func TestNoticePastDeadline(t *testing.T) {
	ps := testProblems(3)
	ps[0].Deadline, ps[0].Status = "2025-03-10", ProblemOpen
	ps[1].Deadline, ps[1].Status = "2025-03-10", ProblemRectified
	ps[2].Deadline, ps[2].Status = "2025-03-28", ProblemVerified
	d := problemDocContent(problemDocInput{Kind: RectificationNotice, Issuer: testIssuer, List: testList(), Unit: "杜阮镇人民政府",
		Problems: ps, Day: "2025-03-14", Working: fixedWorking})
	text := allText(d)
	for _, want := range []string{"2025年3月10日（已逾期）", "2025年3月10日（已整改）", "2025年3月28日（回头看通过）"} {
		if got := strings.Count(text, want); got != 1 {
			t.Errorf("the notice has %q %d times, want once:\n%s", want, got, text)
		}
	}
}

func TestBulletinContent(t *testing.T) {
	sm := &Summary{
		ID: "monthly-2025-03-01", Period: Monthly, From: "2025-03-01", To: "2025-03-31", AsOf: "2025-04-01",
		Suggestions: SuggestionStats{Received: 30,
			ByParticipantKind: map[string]int{"npc_deputy": 9, "cppcc_member": 6, "enterprise": 11, "community": 4},
			ByStatus:          map[string]int{"received": 0, "triage": 3, "routed": 7, "adopted": 18, "declined": 2}},
		Problems: ProblemStats{Open: 2, Rectifying: 5, Rectified: 5, Verified: 8, LongTerm: 1, Overdue: 1,
			Activity:     ProblemActivity{Created: 12, Rectified: 6, Verified: 3},
			OverdueItems: []OverdueItem{{Title: "罚款收缴未严格执行罚缴分离制度", ResponsibleUnit: "环市街道办事处", Deadline: "2025-03-20", DaysOverdue: 12}}},
		Units: []UnitScore{
			{Unit: "杜阮镇人民政府", Assigned: 12, Rectified: 8, RectifiedOnTime: 8, OnTimeRate: 1},
			{Unit: "环市街道办事处", Assigned: 4, Rectified: 3, RectifiedOnTime: 2, OnTimeRate: 0.6667, Overdue: 1},
			{Unit: "区司法局", Assigned: 1},
		},
	}
	d := bulletinContent(testIssuer, sm, "2025-04-03")
	if err := d.Check(); err != nil {
		t.Fatalf("not printable: %v", err)
	}
	text := allText(d)
	for _, want := range []string{
		"关于2025年3月意见建议办理和问题整改情况的通报",
		"共收到意见建议和问题线索30条，其中人大代表9条、政协委员6条、企业代表11条、村(社区)代表4条",
		"目前待分拣3条、已分拣7条、已采纳18条、未采纳2条",
		"截至2025年4月1日，共有问题21项，其中待整改2项、整改中5项、已整改5项、回头看通过8项、长期坚持1项；逾期未整改1项",
		"本期新交办问题12项，完成整改6项",
		"环市街道办事处等1个单位共有1项问题逾期未完成整改",
		"1|罚款收缴未严格执行罚缴分离制度|环市街道办事处|2025年3月20日|12",
		"杜阮镇人民政府|12|8|100.0%|0", "环市街道办事处|4|3|66.7%|1", "区司法局|1|0|—|0",
		"特此通报。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the bulletin does not say %q:\n%s", want, text)
		}
	}
	// A summary stored before the triage list was counted apart: its
	// routed figure holds both, and the bulletin does not call it 已分拣.
	sm.Suggestions.ByStatus = map[string]int{"routed": 10, "adopted": 18, "declined": 2}
	if text := allText(bulletinContent(testIssuer, sm, "2025-04-03")); !strings.Contains(text, "目前已分拣或待分拣10条、已采纳18条、未采纳2条") {
		t.Errorf("an older summary's bulletin:\n%s", text)
	}
	empty := bulletinContent(testIssuer, &Summary{Period: Daily, From: "2025-03-12", To: "2025-03-12", AsOf: "2025-03-12"}, "2025-03-12")
	if text := allText(empty); !strings.Contains(text, "2025年3月12日共收到意见建议和问题线索0条。") || !strings.Contains(text, "本期没有逾期未整改的问题。") {
		t.Errorf("an empty period's bulletin:\n%s", text)
	}
}

func TestPeriodText(t *testing.T) {
	for _, c := range []struct {
		p        Period
		from, to Date
		want     string
	}{
		{Daily, "2025-03-12", "2025-03-12", "2025年3月12日"},
		{Weekly, "2025-03-10", "2025-03-16", "2025年3月10日至16日"},
		{Weekly, "2025-03-31", "2025-04-06", "2025年3月31日至4月6日"},
		{Weekly, "2024-12-30", "2025-01-05", "2024年12月30日至2025年1月5日"},
		{Monthly, "2025-03-01", "2025-03-31", "2025年3月"},
	} {
		if got := periodText(&Summary{Period: c.p, From: c.from, To: c.to}); got != c.want {
			t.Errorf("periodText(%s %s..%s) = %q, want %q", c.p, c.from, c.to, got, c.want)
		}
	}
}

// TestReplyLetterPaperForm: a paper form typed in days after it was
// written is answered as written on its 书写日期, not on the day of entry.
func TestReplyLetterPaperForm(t *testing.T) {
	sg := &Suggestion{Receipt: "K7QM-3XPA-9RTD", Kind: KindProblemLead, ParticipantKind: Enterprise, Name: "梁某",
		Topic: "乱罚款", WrittenOn: "2025-03-12", SubmittedAt: time.Date(2025, 3, 17, 2, 0, 0, 0, time.UTC)}
	d := replyLetterContent(replyLetterInput{Issuer: testIssuer, Suggestion: sg, SymposiumTitle: "涉企乱罚款问题专项整治座谈会",
		Reply: "已纳入问题清单。", Grade: "B", GradeLabel: "正在解决或列入计划", Day: "2025-04-08"})
	text := allText(d)
	if !strings.Contains(text, "您于2025年3月12日在涉企乱罚款问题专项整治座谈会上提出的问题线索") || strings.Contains(text, "3月17日") {
		t.Errorf("the letter does not name the day the form was written:\n%s", text)
	}
}

func TestReplyLetterContent(t *testing.T) {
	sg := &Suggestion{Receipt: "K7QM-3XPA-9RTD", Kind: KindSuggestion, ParticipantKind: NPCDeputy, Name: "梁某",
		Organization: "某某公司", Contact: "13800138000", Topic: "涉企行政检查频次",
		SubmittedAt: time.Date(2025, 3, 12, 2, 0, 0, 0, time.UTC)}
	in := replyLetterInput{Issuer: testIssuer, Suggestion: sg, SymposiumTitle: "涉企乱罚款问题专项整治座谈会",
		Reply: "已制定年度涉企检查计划并向社会公布。", Grade: "A", GradeLabel: "已解决或已采纳", Day: "2025-04-08"}
	d := replyLetterContent(in)
	if err := d.Check(); err != nil {
		t.Fatalf("not printable: %v", err)
	}
	text := allText(d)
	for _, want := range []string{"关于对“涉企行政检查频次”意见建议的答复函", "梁某代表", "您于2025年3月12日在涉企乱罚款问题专项整治座谈会上提出的意见建议（回执号K7QM-3XPA-9RTD）收悉",
		"已制定年度涉企检查计划并向社会公布。", "办理结果：A类（已解决或已采纳）。"} {
		if !strings.Contains(text, want) {
			t.Errorf("the letter does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, sg.Contact) || strings.Contains(text, "138") {
		t.Errorf("the letter carries the submitter's contact:\n%s", text)
	}
	for _, c := range []struct {
		name, org string
		kind      ParticipantKind
		want      string
	}{
		{"陈某", "", CPPCCMember, "陈某委员"}, {"李某", "", Enterprise, "李某同志"}, {"", "某某村委会", Community, "某某村委会"},
		{"", "", Public, "群众"}, {"", "", Community, "村（社区）代表"}, {"", "", NPCDeputy, "人大代表"}, {" ", " ", ParticipantKind("unknown"), "同志"},
	} {
		if got := salutation(&Suggestion{Name: c.name, Organization: c.org, ParticipantKind: c.kind}); got != c.want {
			t.Errorf("salutation(%q, %q, %s) = %q, want %q", c.name, c.org, c.kind, got, c.want)
		}
	}
}

func TestIssuerWords(t *testing.T) {
	for issuer, want := range map[string][2]string{
		"蓬江区全面依法治区委员会办公室":   {"蓬江区全面依法治区委员会办公室文件", "蓬江区全面依法治区委员会办公室"},
		"蓬江区全面依法治区委员会办公室文件": {"蓬江区全面依法治区委员会办公室文件", "蓬江区全面依法治区委员会办公室"},
	} {
		if m, s := issuerMark(issuer), issuerSignature(issuer); m != want[0] || s != want[1] {
			t.Errorf("issuer %q: mark %q signature %q, want %q", issuer, m, s, want)
		}
	}
	for title, want := range map[string]string{"涉企乱罚款问题清单": "涉企乱罚款", "专项督察整改清单": "专项督察", "清单": "清单", "环市街": "环市街"} {
		if got := listSubject(&ProblemList{Title: title}); got != want {
			t.Errorf("listSubject(%q) = %q, want %q", title, got, want)
		}
	}
}
