package feedback_test

import (
	"context"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestSymposiumService(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	if _, err := svc.CreateSymposium(ctx, collectUnit, feedback.SymposiumInput{Title: "x"}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("unit create: %v", err)
	}
	if _, err := svc.CreateSymposium(ctx, feedback.Identity{Subject: "n"}, feedback.SymposiumInput{Title: "x"}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("no-role create: %v", err)
	}
	if _, err := svc.CreateSymposium(ctx, collectStaff, feedback.SymposiumInput{Title: "x", Status: feedback.SymposiumClosed}); feedback.ErrorField(err) != "status" {
		t.Errorf("closed create: %v", err)
	}
	sym, err := svc.CreateSymposium(ctx, collectStaff, feedback.SymposiumInput{Title: "  座谈会 ", Status: feedback.SymposiumDraft,
		AllowedKinds: []feedback.ParticipantKind{feedback.Enterprise, feedback.Enterprise}})
	if err != nil {
		t.Fatal(err)
	}
	if sym.Title != "座谈会" || len(sym.AllowedKinds) != 1 || sym.Status != feedback.SymposiumDraft {
		t.Errorf("created %+v", sym)
	}
	if got, want := svc.FormURL(sym), "https://jy.example.gov.cn/s/"+sym.Code; got != want {
		t.Errorf("FormURL = %q, want %q", got, want)
	}
	st := func(s feedback.SymposiumStatus) feedback.SymposiumPatch { return feedback.SymposiumPatch{Status: &s} }
	steps := []struct {
		who   feedback.Identity
		patch feedback.SymposiumPatch
		code  string
	}{
		{collectStaff, st(feedback.SymposiumOpen), ""},
		{collectStaff, st(feedback.SymposiumClosed), feedback.EForbidden},
		{collectUnit, st(feedback.SymposiumOpen), feedback.EForbidden},
		{collectAdmin, st(feedback.SymposiumClosed), ""},
		{collectAdmin, st(feedback.SymposiumDraft), feedback.EConflict},
		{collectAdmin, st("bogus"), feedback.EInvalid},
		{collectStaff, st(feedback.SymposiumOpen), ""},
	}
	for i, s := range steps {
		if _, err := svc.UpdateSymposium(ctx, s.who, sym.ID, s.patch); feedback.ErrorCode(err) != s.code {
			t.Errorf("step %d: err %v, want code %q", i, err, s.code)
		}
	}
}
