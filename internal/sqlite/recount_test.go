package sqlite_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// TestRecountedCounters: a file whose problems were written before it kept
// counters gets them recounted at open (feedback.RecountedProblemCounters),
// and the recount agrees with the counters the writes maintain, for
// problems that were never reopened (the problem row does not hold past
// reopenings).
func TestRecountedCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jianyan.db")
	now := time.Date(2025, time.March, 1, 10, 0, 0, 0, feedback.Shanghai)
	clock := func() time.Time { return now }
	st, err := sqlite.Open(t.Context(), path, sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	svc := feedback.NewService(st, feedback.Config{Now: clock})
	office := feedback.Identity{Subject: "acc-office", Name: "张科长", Role: feedback.RoleStaff}
	for _, u := range []string{"区市场监督管理局", "棠下镇"} {
		if _, err := svc.CreateUnit(ctx, office, feedback.UnitInput{Name: u}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := svc.CreateProblemList(ctx, office, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, p := range []struct{ title, unit, deadline string }{
		{"裁量基准未公开", "区市场监督管理局", "2025-03-05"},
		{"首违不罚未落实", "区市场监督管理局", "2025-03-06"},
		{"执法公示不全", "棠下镇", "2025-03-04"},
		{"委托执法不规范", "棠下镇", ""},
	} {
		got, err := svc.CreateProblem(ctx, office, feedback.ProblemInput{ProblemListID: l.ID, Title: p.title,
			ResponsibleUnit: p.unit, Deadline: feedback.Date(p.deadline)})
		if err != nil {
			t.Fatal(err)
		}
		ids[p.title] = got.ID
	}
	move := func(day int, title string, to feedback.ProblemStatus) {
		t.Helper()
		now = time.Date(2025, time.March, day, 15, 0, 0, 0, feedback.Shanghai)
		if _, err := svc.TransitionProblem(ctx, office, ids[title], feedback.Transition{To: to}); err != nil {
			t.Fatalf("%s → %s: %v", title, to, err)
		}
	}
	move(2, "裁量基准未公开", feedback.ProblemRectifying)
	move(4, "裁量基准未公开", feedback.ProblemRectified) // on time
	move(9, "裁量基准未公开", feedback.ProblemVerified)
	move(3, "首违不罚未落实", feedback.ProblemRectifying)
	move(8, "首违不罚未落实", feedback.ProblemRectified) // late
	move(5, "执法公示不全", feedback.ProblemRectifying)
	move(6, "委托执法不规范", feedback.ProblemLongTerm)

	kept, err := st.GetProblemAggregates(ctx, "2025-02-01", "2025-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if kept.ByStatus[feedback.ProblemVerified] != 1 || len(kept.Days) == 0 {
		t.Fatalf("maintained counters = %+v", kept)
	}
	st.Close()

	// The file as one written before the counters: none, and the marker
	// the migration that added them leaves.
	db := rawDB(t, path)
	for _, q := range []string{`DELETE FROM problem_counters`,
		`INSERT INTO meta (key, value) VALUES ('rebuild_problem_counters', x'01')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	st, err = sqlite.Open(t.Context(), path, sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recounted, err := st.GetProblemAggregates(ctx, "2025-02-01", "2025-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recounted, kept) {
		t.Errorf("recounted counters differ from the maintained ones:\n got  %+v\n want %+v", recounted, kept)
	}
}
