package feedback_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestImportRows(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "座谈会", Status: feedback.SymposiumDraft})
	if err != nil {
		t.Fatal(err)
	}
	rows := []feedback.ImportRow{
		{Row: 2, Input: feedback.SubmissionInput{ParticipantKind: feedback.NPCDeputy, Content: "建议推行首违不罚。"}},
		{Row: 3, Input: feedback.SubmissionInput{ParticipantKind: "x", Content: "短"}},
		{Row: 5, Input: feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "另一条合格的意见。"}},
	}
	_, err = svc.Import(ctx, collectStaff, sym.ID, rows, "")
	var ie *feedback.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 3 || feedback.ErrorCode(err) != feedback.EInvalid {
		t.Fatalf("import with a bad row: %v", err)
	}
	if _, err := svc.Import(ctx, collectUnit, sym.ID, rows, ""); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit import: %v", err)
	}
	good := []feedback.ImportRow{rows[0], rows[2]}
	res, err := svc.Import(ctx, collectStaff, sym.ID, good, "") // a draft symposium takes paper forms
	if err != nil || res.Created != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	res, err = svc.Import(ctx, collectStaff, sym.ID, good, "")
	if err != nil || res.Created != 0 || res.Duplicates != 2 {
		t.Errorf("re-import: %+v %v", res, err)
	}
	// Another file (one row changed) is another import.
	changed := []feedback.ImportRow{rows[0], {Row: 5, Input: feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "改过的一条意见。"}}}
	res, err = svc.Import(ctx, collectStaff, sym.ID, changed, "")
	if err != nil || res.Created != 2 {
		t.Errorf("changed file: %+v %v", res, err)
	}
}

// TestImportKinds: paper forms name kinds by code, label or a common
// synonym; the import reads them all, and the same file read with other
// words for the same kinds is the same import.
func TestImportKinds(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "村(社区)代表座谈会", Status: feedback.SymposiumOpen})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		participant, kind string
		wantP             feedback.ParticipantKind
		wantK             feedback.SuggestionKind
	}{
		{"npc_deputy", "", feedback.NPCDeputy, feedback.KindSuggestion},
		{"人大代表", "意见建议", feedback.NPCDeputy, feedback.KindSuggestion},
		{"社区代表", "问题线索", feedback.Community, feedback.KindProblemLead},
		{"村代表", "线索", feedback.Community, feedback.KindProblemLead},
		{"群众", "建议", feedback.Public, feedback.KindSuggestion},
		{" CPPCC_Member ", "Problem_Lead", feedback.CPPCCMember, feedback.KindProblemLead},
	}
	var rows, codes []feedback.ImportRow
	for i, tt := range tests {
		content := "第 " + string(rune('一'+i)) + " 条关于行政执法的意见。"
		rows = append(rows, feedback.ImportRow{Row: i + 2, Input: feedback.SubmissionInput{
			ParticipantKind: feedback.ParticipantKind(tt.participant), Kind: feedback.SuggestionKind(tt.kind), Content: content}})
		kind := tt.wantK
		if tt.kind == "" {
			kind = "" // an empty kind stays empty: the digest of older imports saw it so
		}
		codes = append(codes, feedback.ImportRow{Row: i + 2, Input: feedback.SubmissionInput{
			ParticipantKind: tt.wantP, Kind: kind, Content: content}})
	}
	res, err := svc.Import(ctx, collectStaff, sym.ID, rows, "")
	if err != nil || res.Created != len(tests) {
		t.Fatalf("import: %+v %v", res, err)
	}
	for i, tt := range tests {
		sg := res.Suggestions[i]
		if sg.ParticipantKind != tt.wantP || sg.Kind != tt.wantK {
			t.Errorf("row %q/%q: stored %s/%s, want %s/%s", tt.participant, tt.kind, sg.ParticipantKind, sg.Kind, tt.wantP, tt.wantK)
		}
	}
	res, err = svc.Import(ctx, collectStaff, sym.ID, codes, "")
	if err != nil || res.Created != 0 || res.Duplicates != len(tests) {
		t.Errorf("the same rows in codes: %+v %v; want all duplicates", res, err)
	}
	bad := []feedback.ImportRow{{Row: 2, Input: feedback.SubmissionInput{ParticipantKind: "乡贤", Content: "一条身份不明的意见。"}}}
	_, err = svc.Import(ctx, collectStaff, sym.ID, bad, "")
	var ie *feedback.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Field != "participant_kind" {
		t.Errorf("unknown participant kind: %v, want row 2 participant_kind", err)
	}
}

// TestImportPreview: a preview stores nothing and shows every row as it
// would be stored, with each bad row's error; confirming with its token
// stores exactly those rows, and a token of another file or another
// symposium stores nothing.
func TestImportPreview(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t) // today is 2025-03-01
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "涉企乱罚款座谈会", Status: feedback.SymposiumOpen})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "另一场座谈会", Status: feedback.SymposiumOpen})
	if err != nil {
		t.Fatal(err)
	}
	rows := []feedback.ImportRow{
		{Row: 2, Input: feedback.SubmissionInput{ParticipantKind: "企业代表", Topic: " 罚款 ", Content: "对首次轻微违法也罚款。"}, WrittenOn: "2025/2/26"},
		{Row: 3, Input: feedback.SubmissionInput{ParticipantKind: "人大代表", Kind: "线索", Content: "执法人员未出示证件。"}, WrittenOn: "2025年2月27日"},
		{Row: 4, Input: feedback.SubmissionInput{ParticipantKind: "群众", Content: "写于将来的一条意见。"}, WrittenOn: "2025-03-02"},
		{Row: 5, Input: feedback.SubmissionInput{ParticipantKind: "群众", Content: "日期看不清的一条意见。"}, WrittenOn: "二月底"},
		{Row: 6, Input: feedback.SubmissionInput{ParticipantKind: "乡贤", Content: "身份不明的一条意见。"}},
		{Row: 7, Input: feedback.SubmissionInput{ParticipantKind: "市长", Content: "日期和身份都错的一条意见。"}, WrittenOn: "2025-13-40"},
	}
	listed := func() int {
		t.Helper()
		p, err := svc.ListSuggestions(ctx, collectStaff, feedback.SuggestionFilter{SymposiumID: sym.ID})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Items)
	}

	p, err := svc.PreviewImport(ctx, collectStaff, sym.ID, rows)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if n := listed(); n != 0 {
		t.Fatalf("the preview stored %d suggestions", n)
	}
	if p.New != 2 || p.Duplicates != 0 || len(p.Rows) != 2 || p.Token == "" {
		t.Fatalf("preview = %d new, %d duplicates, %d rows, token %q; want 2, 0, 2 and a token", p.New, p.Duplicates, len(p.Rows), p.Token)
	}
	wantErrs := []struct {
		row   int
		field string
		msg   string
	}{
		{4, "written_on", "书写日期不能晚于录入日期(2025-03-01)"},
		{5, "written_on", "书写日期「二月底」无法识别,请写成 2025-03-12 或 2025年3月12日"},
		{6, "participant_kind", ""},
		// Both of a row's errors, not only the date's.
		{7, "written_on", ""},
		{7, "participant_kind", "参会身份「市长」无法识别,应为人大代表、政协委员、企业代表、村(社区)代表、群众/其他之一"},
	}
	if len(p.Errors) != len(wantErrs) {
		t.Fatalf("preview errors = %+v, want rows 4, 5, 6 and twice 7", p.Errors)
	}
	for i, w := range wantErrs {
		if e := p.Errors[i]; e.Row != w.row || e.Field != w.field || (w.msg != "" && e.Message != w.msg) {
			t.Errorf("error %d = %+v, want row %d field %s %q", i, e, w.row, w.field, w.msg)
		}
	}
	r2, r3 := p.Rows[0].Suggestion, p.Rows[1].Suggestion
	if r2.ParticipantKind != feedback.Enterprise || r2.Topic != "罚款" || r2.WrittenOn != "2025-02-26" || r2.Channel != feedback.ChannelImport {
		t.Errorf("row 2 previewed as %+v", r2)
	}
	if r3.Kind != feedback.KindProblemLead || r3.WrittenOn != "2025-02-27" {
		t.Errorf("row 3 previewed as %+v", r3)
	}

	// A file with errors cannot be confirmed; the good rows alone can.
	if _, err := svc.Import(ctx, collectStaff, sym.ID, rows, p.Token); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("confirming a file with bad rows: %v, want invalid", err)
	}
	good := rows[:2]
	p, err = svc.PreviewImport(ctx, collectStaff, sym.ID, good)
	if err != nil || len(p.Errors) != 0 || p.New != 2 {
		t.Fatalf("preview of the good rows: %+v, %v", p, err)
	}
	changed := []feedback.ImportRow{good[0], {Row: 3, Input: good[1].Input, WrittenOn: "2025-02-28"}}
	if _, err := svc.Import(ctx, collectStaff, sym.ID, changed, p.Token); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("confirming a changed file: %v, want conflict", err)
	}
	if _, err := svc.Import(ctx, collectStaff, other.ID, good, p.Token); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("confirming into another symposium: %v, want conflict", err)
	}
	if n := listed(); n != 0 {
		t.Fatalf("refused confirmations stored %d suggestions", n)
	}
	res, err := svc.Import(ctx, collectStaff, sym.ID, good, p.Token)
	if err != nil || res.Created != 2 {
		t.Fatalf("confirm: %+v, %v", res, err)
	}
	for i, sg := range res.Suggestions {
		want := p.Rows[i].Suggestion
		if sg.Content != want.Content || sg.Topic != want.Topic || sg.ParticipantKind != want.ParticipantKind ||
			sg.Kind != want.Kind || sg.WrittenOn != want.WrittenOn || sg.IdempotencyKey != want.IdempotencyKey {
			t.Errorf("stored %+v, previewed %+v", sg, want)
		}
		got, err := svc.GetSuggestion(ctx, collectStaff, sg.ID)
		if err != nil || got.WrittenOn != want.WrittenOn || !got.SubmittedAt.Equal(sg.SubmittedAt) {
			t.Errorf("read back %+v, %v", got, err)
		}
	}
	// Previewed again, the file shows as already imported.
	p, err = svc.PreviewImport(ctx, collectStaff, sym.ID, good)
	if err != nil || p.New != 0 || p.Duplicates != 2 || !p.Rows[0].Duplicate {
		t.Errorf("preview after the import: %+v, %v; want 2 duplicates", p, err)
	}
	if _, err := svc.PreviewImport(ctx, collectUnit, sym.ID, good); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit preview: %v, want forbidden", err)
	}
}

// TestWrittenOn: staff entry keeps the day a paper form was written; it may
// not be after the day of entry, and a public submission has none.
func TestWrittenOn(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t) // today is 2025-03-01
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "座谈会", Status: feedback.SymposiumOpen})
	if err != nil {
		t.Fatal(err)
	}
	in := func(d feedback.Date) feedback.SubmissionInput {
		return feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "纸质意见表上的一条意见。", WrittenOn: d}
	}
	for _, tt := range []struct {
		name  string
		d     feedback.Date
		field string
	}{
		{"earlier", "2025-02-12", ""},
		{"today", "2025-03-01", ""},
		{"none", "", ""},
		{"tomorrow", "2025-03-02", "written_on"},
		{"not a date", "2025-02-30", "written_on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sg, _, err := svc.StaffEntry(ctx, collectStaff, sym.ID, in(tt.d))
			if got := feedback.ErrorField(err); got != tt.field {
				t.Fatalf("staff entry written %q: %v, want field %q", tt.d, err, tt.field)
			}
			if err == nil && sg.WrittenOn != tt.d {
				t.Errorf("stored written on %q, want %q", sg.WrittenOn, tt.d)
			}
		})
	}
	if _, _, err := svc.Submit(ctx, sym.Code, in("2025-02-12"), feedback.ChannelQR); feedback.ErrorField(err) != "written_on" {
		t.Errorf("public submission with a written date: %v, want field written_on", err)
	}
}

func TestParseLooseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want feedback.Date
		ok   bool
	}{
		{"", "", true},
		{"2025-03-12", "2025-03-12", true},
		{"2025/3/1", "2025-03-01", true},
		{"2025.03.12", "2025-03-12", true},
		{"2025年3月12日", "2025-03-12", true},
		{" 2025 年 3 月 12 日 ", "2025-03-12", true},
		{"2025-02-29", "", false},
		{"3/12/2025", "", false},
		{"去年", "", false},
	} {
		got, err := feedback.ParseLooseDate(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseLooseDate(%q) = %q, %v; want %q (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
