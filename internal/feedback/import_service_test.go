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
	_, err = svc.Import(ctx, collectStaff, sym.ID, rows)
	var ie *feedback.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 3 || feedback.ErrorCode(err) != feedback.EInvalid {
		t.Fatalf("import with a bad row: %v", err)
	}
	if _, err := svc.Import(ctx, collectUnit, sym.ID, rows); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit import: %v", err)
	}
	good := []feedback.ImportRow{rows[0], rows[2]}
	res, err := svc.Import(ctx, collectStaff, sym.ID, good) // a draft symposium takes paper forms
	if err != nil || res.Created != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	res, err = svc.Import(ctx, collectStaff, sym.ID, good)
	if err != nil || res.Created != 0 || res.Duplicates != 2 {
		t.Errorf("re-import: %+v %v", res, err)
	}
	// Another file (one row changed) is another import.
	changed := []feedback.ImportRow{rows[0], {Row: 5, Input: feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: "改过的一条意见。"}}}
	res, err = svc.Import(ctx, collectStaff, sym.ID, changed)
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
	res, err := svc.Import(ctx, collectStaff, sym.ID, rows)
	if err != nil || res.Created != len(tests) {
		t.Fatalf("import: %+v %v", res, err)
	}
	for i, tt := range tests {
		sg := res.Suggestions[i]
		if sg.ParticipantKind != tt.wantP || sg.Kind != tt.wantK {
			t.Errorf("row %q/%q: stored %s/%s, want %s/%s", tt.participant, tt.kind, sg.ParticipantKind, sg.Kind, tt.wantP, tt.wantK)
		}
	}
	res, err = svc.Import(ctx, collectStaff, sym.ID, codes)
	if err != nil || res.Created != 0 || res.Duplicates != len(tests) {
		t.Errorf("the same rows in codes: %+v %v; want all duplicates", res, err)
	}
	bad := []feedback.ImportRow{{Row: 2, Input: feedback.SubmissionInput{ParticipantKind: "乡贤", Content: "一条身份不明的意见。"}}}
	_, err = svc.Import(ctx, collectStaff, sym.ID, bad)
	var ie *feedback.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Field != "participant_kind" {
		t.Errorf("unknown participant kind: %v, want row 2 participant_kind", err)
	}
}
