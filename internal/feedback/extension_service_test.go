package feedback_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// coUnit is a unit account of 区司法局, the co-unit of the problems these
// tests make.
func (f *fixture) coUnit() feedback.Identity { return f.otherUnit }

func (f *fixture) problemFor(t *testing.T, title string) *feedback.Problem {
	t.Helper()
	list := f.list(t, "涉企乱罚款问题清单")
	p, err := f.svc.CreateProblem(context.Background(), f.staff, feedback.ProblemInput{ProblemListID: list.ID, Title: title,
		ResponsibleUnit: unitMarket, CoUnits: []string{unitJustice}, Deadline: "2025-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtensionRequestAndDecision(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "门前三包罚款标准不一")
	e.takeDispatched()

	in := feedback.ExtensionInput{Deadline: "2025-04-30", Reason: "需要与城管部门联合制定裁量基准"}
	if _, err := e.svc.RequestExtension(ctx, e.coUnit(), p.ID, in); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a co-unit asking: %v, want forbidden", err)
	}
	if _, err := e.svc.RequestExtension(ctx, e.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-04-30"}); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("without a reason: %v", err)
	}
	if _, err := e.svc.RequestExtension(ctx, e.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-03-20", Reason: "x"}); feedback.ErrorCode(err) != feedback.EInvalid {
		t.Errorf("an earlier deadline: %v", err)
	}
	ext, err := e.svc.RequestExtension(ctx, e.unit, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if ext.Status != feedback.ExtensionPending || ext.PreviousDeadline != "2025-03-31" || ext.RequestedUnit != unitMarket {
		t.Errorf("request = %+v", ext)
	}
	if ns := e.takeDispatched(); len(ns) != 1 || ns[0].Kind != feedback.NoticeExtensionRequest || ns[0].Unit != "" || ns[0].ProblemID != p.ID {
		t.Fatalf("request notices = %+v, want one to the office", ns)
	}
	if _, err := e.svc.RequestExtension(ctx, e.staff, p.ID, feedback.ExtensionInput{Deadline: "2025-05-31", Reason: "x"}); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("a second pending request: %v, want conflict", err)
	}
	if _, err := e.svc.DecideExtension(ctx, e.unit, p.ID, ext.ID, true, ""); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit deciding: %v, want forbidden", err)
	}
	got, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, true, "同意,请按新期限完成")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != feedback.ExtensionApproved || got.DecidedBy != e.staff.Name {
		t.Errorf("decision = %+v", got)
	}
	stored := e.problem(t, p.ID)
	if stored.Deadline != "2025-04-30" || stored.OriginalDeadline != "2025-03-31" || stored.Extensions != 1 || stored.PendingExtensionID != "" {
		t.Errorf("problem after approval: deadline %s original %s extensions %d pending %q",
			stored.Deadline, stored.OriginalDeadline, stored.Extensions, stored.PendingExtensionID)
	}
	h := e.history(t, p.ID)
	if a, b := h[len(h)-2], h[len(h)-1]; a.Action != feedback.ActionExtensionRequested || b.Action != feedback.ActionExtensionApproved ||
		!strings.Contains(b.Note, "2025-03-31 → 2025-04-30") {
		t.Errorf("history = %+v / %+v", a, b)
	}
	ns := e.takeDispatched()
	if len(ns) != 1 || ns[0].Kind != feedback.NoticeExtensionDecision || ns[0].Unit != unitMarket || !strings.Contains(ns[0].Text, "已同意") {
		t.Fatalf("decision notices = %+v", ns)
	}
	if _, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, false, ""); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("deciding again: %v, want conflict", err)
	}

	// A second request, refused: the deadline stays, the first deadline
	// stays the judged one.
	ext2, err := e.svc.RequestExtension(ctx, e.staff, p.ID, feedback.ExtensionInput{DeadlineWorkingDays: 60, Reason: "汛期影响"})
	if err != nil {
		t.Fatal(err)
	}
	if ext2.WorkingDays != 60 || ext2.Deadline != "2025-05-30" { // from 2025-03-04, over Qingming and Labour Day
		t.Errorf("request in working days: %s (%d)", ext2.Deadline, ext2.WorkingDays)
	}
	// The office asking itself still tells the office's channel, which
	// names the clerk who asked and the working days.
	if ns := e.takeDispatched(); len(ns) != 1 || !strings.Contains(ns[0].Text, "督察部门"+e.staff.Name+"申请") || !strings.Contains(ns[0].Text, "2025-05-30(60 个工作日)") {
		t.Errorf("office's own request notice = %+v", ns)
	}
	if _, err := e.svc.DecideExtension(ctx, e.admin, p.ID, ext2.ID, false, "理由不充分"); err != nil {
		t.Fatal(err)
	}
	stored = e.problem(t, p.ID)
	if stored.Deadline != "2025-04-30" || stored.OriginalDeadline != "2025-03-31" || stored.Extensions != 1 {
		t.Errorf("after a refusal: %s %s %d", stored.Deadline, stored.OriginalDeadline, stored.Extensions)
	}
	if ns := e.takeDispatched(); len(ns) != 1 || !strings.Contains(ns[0].Text, "未获同意") || !strings.Contains(ns[0].Text, "理由不充分") {
		t.Errorf("refusal notice = %+v", ns)
	}
	all, err := e.svc.ListExtensions(ctx, e.coUnit(), p.ID)
	if err != nil || len(all) != 2 || all[0].ID != ext.ID {
		t.Errorf("ListExtensions = %d, %v", len(all), err)
	}
}

// Two clerks decide the same request at once: exactly one decision is
// stored, the others are told it was decided.
func TestConcurrentExtensionDecisions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.problemFor(t, "重复检查")
	ext, err := f.svc.RequestExtension(ctx, f.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-04-30", Reason: "需协调"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = f.svc.DecideExtension(ctx, f.staff, p.ID, ext.ID, i%2 == 0, "")
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch feedback.ErrorCode(err) {
		case "":
			won++
		case feedback.EConflict:
		default:
			t.Errorf("decision %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d decisions succeeded, want exactly 1", won)
	}
	stored := f.problem(t, p.ID)
	if exts, _ := f.svc.ListExtensions(ctx, f.staff, p.ID); exts[0].Status == feedback.ExtensionApproved != (stored.Extensions == 1) {
		t.Errorf("the stored decision and the problem disagree: %s, extensions %d", exts[0].Status, stored.Extensions)
	}
	decided := 0
	for _, ev := range f.history(t, p.ID) {
		if ev.Action == feedback.ActionExtensionApproved || ev.Action == feedback.ActionExtensionRefused {
			decided++
		}
	}
	if decided != 1 {
		t.Errorf("%d decision events, want 1", decided)
	}
}

// Supervised problems: the office marks them, a filter lists them, the
// daily run escalates each overdue one once per deadline.
func TestSupervisionAndEscalation(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "执法不规范")
	plain := e.problemFor(t, "未督办的问题")
	e.takeDispatched()
	if _, err := e.svc.EditProblem(ctx, e.unit, p.ID, feedback.ProblemEdit{Supervised: ptr(true)}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit supervising: %v", err)
	}
	if _, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{Supervised: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	// The history says what happened, not "修改了督办".
	if h := e.history(t, p.ID); h[len(h)-1].Note != "设为督办" {
		t.Errorf("history after supervising = %q, want 设为督办", h[len(h)-1].Note)
	}
	page, err := e.svc.ListProblems(ctx, e.staff, feedback.ProblemFilter{Supervised: true})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != p.ID {
		t.Fatalf("supervised list = %d, %v", len(page.Items), err)
	}
	if n, err := e.svc.EscalateOverdue(ctx); n != 0 || err != nil {
		t.Errorf("before the deadline: %d escalated, %v", n, err)
	}
	e.setDay("2025-04-03") // three days past 2025-03-31
	if n, err := e.svc.EscalateOverdue(ctx); n != 1 || err != nil {
		t.Fatalf("escalated %d, %v; want the supervised one only", n, err)
	}
	ns := e.takeDispatched()
	if len(ns) != 1 || ns[0].Kind != feedback.NoticeEscalation || ns[0].ProblemID != p.ID || !strings.Contains(ns[0].Text, "超过整改期限 3 天") {
		t.Fatalf("escalation notices = %+v", ns)
	}
	if h := e.history(t, p.ID); h[len(h)-1].Action != feedback.ActionEscalated {
		t.Errorf("last event %+v", h[len(h)-1])
	}
	e.advance(24 * time.Hour)
	if n, _ := e.svc.EscalateOverdue(ctx); n != 0 {
		t.Errorf("escalated again for the same deadline: %d", n)
	}
	// A new deadline that passes again escalates again.
	ext, err := e.svc.RequestExtension(ctx, e.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-04-10", Reason: "补充材料"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	e.setDay("2025-04-12")
	if n, _ := e.svc.EscalateOverdue(ctx); n != 1 {
		t.Errorf("after the extended deadline passed: %d escalated, want 1", n)
	}
	if got := e.problem(t, plain.ID); got.EscalatedDeadline != "" {
		t.Errorf("an unsupervised problem was escalated")
	}
}

// A relapse found after a passed look-back reopens a verified problem:
// office only, with a note and a new deadline; it counts as a relapse.
func TestRelapseAfterLookback(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.problemFor(t, "以罚代管")
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified, feedback.ProblemVerified} {
		if _, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, feedback.Transition{To: to, Note: "办理"}); err != nil {
			t.Fatal(err)
		}
	}
	tr := feedback.Transition{To: feedback.ProblemReopened, Note: "群众再次反映", NewDeadline: "2025-06-30"}
	if _, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, tr); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit reopening: %v", err)
	}
	noNote := tr
	noNote.Note = ""
	if _, field, _ := fieldErr(func() error { _, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, noNote); return err }()); field != "note" {
		t.Errorf("a relapse without a note: field %q", field)
	}
	got, err := f.svc.TransitionProblem(ctx, f.staff, p.ID, tr)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != feedback.ProblemReopened || got.Relapses != 1 || got.Deadline != "2025-06-30" || !got.VerifiedAt.IsZero() {
		t.Errorf("after the relapse: %+v", got)
	}
	if h := f.history(t, p.ID); h[len(h)-1].Action != feedback.ActionRelapse {
		t.Errorf("event %+v", h[len(h)-1])
	}
}

// Only the lead unit moves a co-handled problem's status.
func TestCoUnitCannotMoveStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.problemFor(t, "下放事项承接")
	_, err := f.svc.TransitionProblem(ctx, f.coUnit(), p.ID, feedback.Transition{To: feedback.ProblemRectifying})
	if code, field, _ := fieldErr(err); code != feedback.EForbidden || field != "status" {
		t.Errorf("a co-unit moving the status: %v", err)
	}
	if _, err := f.svc.TransitionProblem(ctx, f.unit, p.ID, feedback.Transition{To: feedback.ProblemRectifying}); err != nil {
		t.Errorf("the lead unit: %v", err)
	}
	// Nor does it write the lead's progress: it reports its part.
	progress := "已完成法制审核"
	_, err = f.svc.EditProblem(ctx, f.coUnit(), p.ID, feedback.ProblemEdit{Progress: &progress})
	if code, field, _ := fieldErr(err); code != feedback.EForbidden || field != "progress" {
		t.Errorf("a co-unit writing the progress: %v", err)
	}
	if _, err := f.svc.EditProblem(ctx, f.unit, p.ID, feedback.ProblemEdit{Progress: &progress}); err != nil {
		t.Errorf("the lead unit writing the progress: %v", err)
	}
}

// TestOfficeMovesDeadline: the office changing a deadline the problem
// already has is an extension it grants itself, never a silent move:
// original_deadline keeps the first deadline, the problem counts the
// extension, an approved extension is listed and recorded in the history
// with the reason, and the unit hears of it. Timeliness stays judged
// against the first deadline in the scorecard and the assessment.
func TestOfficeMovesDeadline(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "门前三包罚款标准不一") // deadline 2025-03-31
	e.takeDispatched()
	str := func(s string) *string { return &s }
	date := func(d feedback.Date) *feedback.Date { return &d }

	// A reason without a deadline is refused; so is a unit moving it.
	if _, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{Title: str("门前三包罚款标准不统一"), Note: "理由"}); feedback.ErrorField(err) != "note" {
		t.Errorf("a note with no deadline: %v, want invalid on note", err)
	}
	if _, err := e.svc.EditProblem(ctx, e.unit, p.ID, feedback.ProblemEdit{Deadline: date("2025-04-30")}); feedback.ErrorCode(err) != feedback.EForbidden {
		t.Errorf("a unit moving its deadline: %v, want forbidden", err)
	}

	got, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{Deadline: date("2025-04-30"), Note: "需与城管部门联合执法"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Deadline != "2025-04-30" || got.OriginalDeadline != "2025-03-31" || got.Extensions != 1 {
		t.Errorf("after the office moved it: deadline %s original %s extensions %d, want 2025-04-30, 2025-03-31, 1",
			got.Deadline, got.OriginalDeadline, got.Extensions)
	}
	h := e.history(t, p.ID)
	if last := h[len(h)-1]; last.Action != feedback.ActionExtensionApproved || !strings.Contains(last.Note, "2025-03-31 → 2025-04-30") ||
		!strings.Contains(last.Note, "需与城管部门联合执法") || last.Actor != e.staff.Name {
		t.Errorf("history = %+v, want an approved extension with the move and the reason", last)
	}
	exts, err := e.svc.ListExtensions(ctx, e.unit, p.ID)
	if err != nil || len(exts) != 1 {
		t.Fatalf("extensions = %d, %v; want the one the office granted", len(exts), err)
	}
	if x := exts[0]; x.Status != feedback.ExtensionApproved || x.PreviousDeadline != "2025-03-31" || x.Deadline != "2025-04-30" ||
		x.Reason != "需与城管部门联合执法" || x.RequestedUnit != "" || x.DecidedBy != e.staff.Name {
		t.Errorf("extension = %+v", x)
	}
	if ns := e.takeDispatched(); len(ns) != 1 || ns[0].Kind != feedback.NoticeExtensionDecision || ns[0].Unit != unitMarket ||
		!strings.Contains(ns[0].Text, "2025-04-30") {
		t.Errorf("notices = %+v, want the unit told of its new deadline", ns)
	}

	// Moved again, in working days and with another field: the first
	// deadline stays, a second extension counts.
	days := 60 // later than 2025-04-30: a second extension
	got, err = e.svc.EditProblem(ctx, e.admin, p.ID, feedback.ProblemEdit{DeadlineWorkingDays: &days, Requirement: str("统一裁量基准")})
	if err != nil {
		t.Fatal(err)
	}
	if got.OriginalDeadline != "2025-03-31" || got.Extensions != 2 || got.DeadlineWorkingDays != 60 || got.Requirement != "统一裁量基准" {
		t.Errorf("second move: original %s extensions %d working days %d requirement %q", got.OriginalDeadline, got.Extensions, got.DeadlineWorkingDays, got.Requirement)
	}
	if last := e.history(t, p.ID); !strings.Contains(last[len(last)-1].Note, "整改要求") {
		t.Errorf("the history does not say the requirement changed too: %q", last[len(last)-1].Note)
	}
	e.takeDispatched()

	// While the unit's own request waits, the office decides it first.
	ext, err := e.svc.RequestExtension(ctx, e.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-07-31", Reason: "汛期"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{Deadline: date("2025-06-30")}); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("moving it with a request pending: %v, want conflict", err)
	}
	if _, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, false, ""); err != nil {
		t.Fatal(err)
	}

	// A problem without a deadline gets one: no extension.
	bare, err := e.svc.CreateProblem(ctx, e.staff, feedback.ProblemInput{ProblemListID: p.ProblemListID, Title: "罚没收入与绩效挂钩", ResponsibleUnit: unitMarket})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.EditProblem(ctx, e.staff, bare.ID, feedback.ProblemEdit{Deadline: date("2025-04-15")}); err != nil ||
		got.Extensions != 0 || got.OriginalDeadline != "" {
		t.Errorf("a first deadline: %+v, %v; want no extension", got, err)
	}

	// Rectified after the first deadline, before the moved one: late,
	// and the scorecard and the assessment count the extensions.
	e.setDay("2025-04-10")
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := e.svc.TransitionProblem(ctx, e.unit, p.ID, transition(to, "已整改")); err != nil {
			t.Fatal(err)
		}
	}
	a, err := e.svc.Assess(ctx, e.staff, "2025-03-01", "2025-04-30")
	if err != nil {
		t.Fatal(err)
	}
	if m := unitAssessment(t, a, unitMarket); m.Counts[feedback.EventExtension] != 2 || m.Counts[feedback.EventRectifiedLate] != 1 || m.Counts[feedback.EventRectifiedOnTime] != 0 {
		t.Errorf("assessment counts = %v, want 2 extensions and the rectification late", m.Counts)
	}
	sm, err := e.svc.GenerateSummary(ctx, e.staff, feedback.Monthly, "2025-04-10")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range sm.Units {
		if u.Unit == unitMarket && (u.Rectified != 1 || u.RectifiedOnTime != 0 || u.Extended != 1) {
			t.Errorf("scorecard = %+v, want 1 rectified, none on time, 1 extended", u)
		}
	}
}

// TestOfficeBringsDeadlineForward: the office moving a deadline to an
// earlier day (a tighter deadline, or a mistyped one corrected) grants no
// extension: nothing is listed or counted as one, the unit is judged
// against the earlier day, the history keeps the move and its reason, and
// the unit is told of its new deadline (its reason said once).
func TestOfficeBringsDeadlineForward(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "门前三包罚款标准不一") // deadline 2025-03-31
	e.takeDispatched()
	date := func(d feedback.Date) *feedback.Date { return &d }

	got, err := e.svc.EditProblem(ctx, e.staff, p.ID, feedback.ProblemEdit{Deadline: date("2025-03-20"), Note: "区委督查要求提前完成。"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Deadline != "2025-03-20" || got.OriginalDeadline != "" || got.Extensions != 0 {
		t.Errorf("brought forward: deadline %s original %q extensions %d, want 2025-03-20, none, 0", got.Deadline, got.OriginalDeadline, got.Extensions)
	}
	if exts, err := e.svc.ListExtensions(ctx, e.unit, p.ID); err != nil || len(exts) != 0 {
		t.Errorf("extensions = %+v, %v; want none", exts, err)
	}
	h := e.history(t, p.ID)
	if last := h[len(h)-1]; last.Action != feedback.ActionEdited || !strings.Contains(last.Note, "2025-03-31 → 2025-03-20") ||
		!strings.Contains(last.Note, "区委督查要求提前完成") {
		t.Errorf("history = %+v, want an edit with the move and the reason", last)
	}
	ns := e.takeDispatched()
	if len(ns) != 1 || ns[0].Unit != unitMarket || !strings.Contains(ns[0].Text, "2025-03-20") ||
		strings.Contains(ns[0].Text, "延期") || strings.Contains(ns[0].Text, "。。") {
		t.Errorf("notices = %+v, want the unit told of the earlier deadline, not of an extension", ns)
	}

	// Rectified after the earlier day, before the first one: late.
	e.setDay("2025-03-25")
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := e.svc.TransitionProblem(ctx, e.unit, p.ID, transition(to, "已整改")); err != nil {
			t.Fatal(err)
		}
	}
	a, err := e.svc.Assess(ctx, e.staff, "2025-03-01", "2025-04-30")
	if err != nil {
		t.Fatal(err)
	}
	if m := unitAssessment(t, a, unitMarket); m.Counts[feedback.EventExtension] != 0 || m.Counts[feedback.EventRectifiedLate] != 1 || m.Counts[feedback.EventRectifiedOnTime] != 0 {
		t.Errorf("assessment counts = %v, want no extension and the rectification late", m.Counts)
	}

	// Extended, then brought forward before its first deadline: the
	// extension stays counted, and the earlier day is the one judged.
	q := e.problemFor(t, "罚没收入与绩效挂钩") // deadline 2025-03-31
	if _, err := e.svc.EditProblem(ctx, e.staff, q.ID, feedback.ProblemEdit{Deadline: date("2025-04-30"), Note: "联合执法"}); err != nil {
		t.Fatal(err)
	}
	got, err = e.svc.EditProblem(ctx, e.staff, q.ID, feedback.ProblemEdit{Deadline: date("2025-03-28")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Deadline != "2025-03-28" || got.OriginalDeadline != "2025-03-28" || got.Extensions != 1 {
		t.Errorf("extended, then brought forward: deadline %s original %s extensions %d, want 2025-03-28, 2025-03-28, 1", got.Deadline, got.OriginalDeadline, got.Extensions)
	}
}

// TestExtensionAfterRectified: a unit rectifies while its request waits;
// approving it then would count an extension it no longer needs, so only
// a refusal closes it.
func TestExtensionAfterRectified(t *testing.T) {
	e := newNoticeEnv(t)
	ctx := context.Background()
	p := e.problemFor(t, "重复罚款") // deadline 2025-03-31
	ext, err := e.svc.RequestExtension(ctx, e.unit, p.ID, feedback.ExtensionInput{Deadline: "2025-04-30", Reason: "调取案卷"})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []feedback.ProblemStatus{feedback.ProblemRectifying, feedback.ProblemRectified} {
		if _, err := e.svc.TransitionProblem(ctx, e.unit, p.ID, transition(to, "已整改")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, true, ""); feedback.ErrorCode(err) != feedback.EConflict {
		t.Errorf("approving after the rectification: %v, want conflict", err)
	}
	if _, err := e.svc.DecideExtension(ctx, e.staff, p.ID, ext.ID, false, "已整改完成"); err != nil {
		t.Fatalf("refusing it: %v", err)
	}
	got, err := e.svc.GetProblem(ctx, e.staff, p.ID)
	if err != nil || got.Deadline != "2025-03-31" || got.Extensions != 0 || got.PendingExtensionID != "" {
		t.Errorf("problem = %+v, %v; want its deadline unmoved, no extension and nothing pending", got, err)
	}
}
