package securitytest

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// TestStoreHasNoWayToChangeAuditEvents: the Store interface offers only
// AppendAuditEvent and ListAuditEvents for audit events; a new method that
// could change or delete one has to pass review here.
func TestStoreHasNoWayToChangeAuditEvents(t *testing.T) {
	typ := reflect.TypeOf((*feedback.Store)(nil)).Elem()
	var got []string
	for i := range typ.NumMethod() {
		if name := typ.Method(i).Name; strings.Contains(name, "Audit") || strings.Contains(name, "Event") || strings.HasPrefix(name, "Delete") {
			got = append(got, name)
		}
	}
	if want := []string{"AppendAuditEvent", "ListAuditEvents"}; !slices.Equal(got, want) {
		t.Errorf("Store methods about events or deleting = %v, want only %v", got, want)
	}
}

// TestAuditLogIsAppendOnly tries every Store write that carries an audit
// event with the ID of one already stored (a standalone event, a problem's
// creation event, a transition): each is EConflict, writes nothing else,
// and the events read back unchanged. On both stores.
func TestAuditLogIsAppendOnly(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			c := newClock()
			st := b.open(t, c)
			svc := feedback.NewService(st, feedback.Config{Now: c.Now, PublicBaseURL: "https://jianyan.example.gov.cn"})
			sym, err := svc.CreateSymposium(ctx, admin, feedback.SymposiumInput{Title: "涉企乱罚款专项整治座谈会"})
			must(t, err, "symposium")
			sg, _, err := svc.Submit(ctx, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Content: "罚款标准不统一,建议公开裁量基准。"}, feedback.ChannelQR)
			must(t, err, "submit")
			sg2, _, err := svc.Submit(ctx, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise, Content: "执法检查过于频繁,建议合并检查。"}, feedback.ChannelQR)
			must(t, err, "submit")
			list, err := svc.CreateProblemList(ctx, admin, feedback.ProblemListInput{Title: "涉企乱罚款问题清单"})
			must(t, err, "list")
			_, err = svc.CreateUnit(ctx, admin, feedback.UnitInput{Name: unit.Unit})
			must(t, err, "unit")
			p, err := svc.CreateProblem(ctx, admin, feedback.ProblemInput{ProblemListID: list.ID, Title: "裁量基准未公开",
				SuggestionIDs: []string{sg.ID}, ResponsibleUnit: unit.Unit, Deadline: "2025-06-30"})
			must(t, err, "problem")
			_, err = svc.TransitionProblem(ctx, unit, p.ID, feedback.Transition{To: feedback.ProblemRectifying, Note: "已制定整改方案"})
			must(t, err, "transition")
			standalone := &feedback.AuditEvent{ID: feedback.NewID(c.Now()), Actor: "admin", At: c.Now(), Action: feedback.ActionExport, Note: "export suggestions.csv unmasked: all suggestions; 2 rows"}
			must(t, st.AppendAuditEvent(ctx, standalone), "append standalone")

			events := func() []*feedback.AuditEvent {
				t.Helper()
				var out []*feedback.AuditEvent
				for _, pid := range []string{p.ID, ""} {
					page, err := st.ListAuditEvents(ctx, pid, feedback.MaxListLimit, "")
					must(t, err, "list events")
					out = append(out, page.Items...)
				}
				return out
			}
			before := events()
			if len(before) != 3 {
				t.Fatalf("%d events, want created, transition, export", len(before))
			}
			created, transition := before[0], before[1]
			forged := func(ev *feedback.AuditEvent, problemID string) *feedback.AuditEvent {
				f := *ev
				f.ProblemID, f.Note, f.Actor, f.At = problemID, "篡改:该问题已整改完毕", "intruder", c.Now()
				return &f
			}
			problem := func() *feedback.Problem {
				t.Helper()
				got, err := st.GetProblem(ctx, p.ID)
				must(t, err, "get problem")
				return got
			}
			cur := problem()
			sgNow, err := st.GetSuggestion(ctx, sg2.ID)
			must(t, err, "get suggestion")

			attempts := []struct {
				name string
				err  error
			}{
				{"append over a problem's event", st.AppendAuditEvent(ctx, forged(created, p.ID))},
				{"append over a standalone event", st.AppendAuditEvent(ctx, forged(standalone, ""))},
				{"append a standalone event's ID to a problem", st.AppendAuditEvent(ctx, forged(standalone, p.ID))},
				{"update problem with an existing event", func() error {
					q := *cur
					q.Title = "篡改的标题"
					return st.UpdateProblem(ctx, feedback.ProblemWrite{Problem: &q, Event: forged(transition, p.ID)})
				}()},
				{"create problem with an existing event", func() error {
					now := c.Now()
					q := &feedback.Problem{ID: feedback.NewID(now), ProblemListID: list.ID, Title: "新问题", ResponsibleUnit: unit.Unit,
						Status: feedback.ProblemOpen, Deadline: "2025-06-30", CreatedAt: now, UpdatedAt: now, SuggestionIDs: []string{sg2.ID}}
					s := *sgNow
					s.Status, s.ProblemID, s.ProblemListID = feedback.SuggestionAdopted, q.ID, list.ID
					return st.CreateProblem(ctx, feedback.ProblemWrite{Problem: q, Event: forged(created, q.ID), Suggestions: []*feedback.Suggestion{&s}})
				}()},
			}
			for _, a := range attempts {
				if !feedback.IsCode(a.err, feedback.EConflict) {
					t.Errorf("%s: %v, want a conflict", a.name, a.err)
				}
			}
			if after := problem(); after.Version != cur.Version || after.Title != cur.Title {
				t.Errorf("problem changed by a refused write: version %d → %d, title %q", cur.Version, after.Version, after.Title)
			}
			if got, err := st.GetSuggestion(ctx, sg2.ID); err != nil || got.Version != sgNow.Version {
				t.Errorf("suggestion changed by a refused write: %v", err)
			}
			after := events()
			if !reflect.DeepEqual(normalize(after), normalize(before)) {
				t.Errorf("events changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// normalize makes events comparable across time locations.
func normalize(evs []*feedback.AuditEvent) []feedback.AuditEvent {
	out := make([]feedback.AuditEvent, len(evs))
	for i, e := range evs {
		out[i] = *e
		out[i].At = e.At.UTC()
	}
	return out
}

// TestSQLiteAuditTriggers: even SQL run directly against the file cannot
// change or delete an audit event (the schema's triggers).
func TestSQLiteAuditTriggers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jianyan.db")
	c := newClock()
	st, err := sqlite.Open(ctx, path, sqlite.WithClock(c.Now))
	must(t, err, "open")
	ev := &feedback.AuditEvent{ID: feedback.NewID(c.Now()), Actor: "admin", At: c.Now(), Action: feedback.ActionExport, Note: "export"}
	must(t, st.AppendAuditEvent(ctx, ev), "append")
	must(t, st.Close(), "close")
	db, err := sql.Open("sqlite", path)
	must(t, err, "open raw")
	defer db.Close()
	for _, q := range []string{
		`UPDATE audit_events SET data = '{}' WHERE id = ?`,
		`DELETE FROM audit_events WHERE id = ?`,
	} {
		if _, err := db.ExecContext(ctx, q, ev.ID); err == nil || !strings.Contains(err.Error(), "audit events cannot be") {
			t.Errorf("%s: %v, want the trigger's refusal", q, err)
		}
	}
	var n int
	must(t, db.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE id = ?`, ev.ID).Scan(&n), "count")
	if n != 1 {
		t.Errorf("%d events with the ID after the attempts, want 1", n)
	}
}
