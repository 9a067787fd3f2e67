package securitytest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// TestAnonymizePersonalData runs the retention use case on both stores:
// suggestions older than the period lose name, organization and contact
// (content, status and problem stay), newer ones keep them, the run pages
// through more than one list page (SQLite) and several month buckets
// (DynamoDB), records one audit event with counts and no personal data,
// and a second run changes nothing. Only administrators may run it.
func TestAnonymizePersonalData(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			c := newClock()
			st := b.open(t, c)
			svc := feedback.NewService(st, feedback.Config{Now: c.Now, PublicBaseURL: "https://jianyan.example.gov.cn"})
			sym, err := svc.CreateSymposium(ctx, admin, feedback.SymposiumInput{Title: "涉企乱罚款专项整治座谈会"})
			must(t, err, "symposium")
			old := 12
			if b.name == "sqlite" {
				old = feedback.MaxListLimit + 5
			}
			start := c.Now()
			var oldIDs, newIDs []string
			mk := func(at time.Time, personal bool) string {
				s := &feedback.Suggestion{ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID,
					Kind: feedback.KindSuggestion, ParticipantKind: feedback.Enterprise,
					Content: "同一类违法行为罚款金额差别很大,建议公开裁量基准。", Channel: feedback.ChannelQR,
					Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at}
				if personal {
					s.Name, s.Organization, s.Contact = "欧阳娜娜", "某某机械有限公司", "13912345678"
				}
				_, _, err := st.CreateSuggestion(ctx, s)
				must(t, err, "create suggestion")
				return s.ID
			}
			for i := range old {
				// Spread over months, three years ago and more.
				oldIDs = append(oldIDs, mk(start.AddDate(-3, -i%5, -i), true))
			}
			mk(start.AddDate(-3, 0, 0), false) // old, never had personal data
			newIDs = append(newIDs, mk(start.AddDate(0, -1, 0), true), mk(start.AddDate(-1, 0, 0), true))

			for _, who := range []feedback.Identity{staff, unit, {Subject: "nobody"}} {
				if _, err := svc.AnonymizePersonalData(ctx, who, 730*24*time.Hour); !feedback.IsCode(err, feedback.EForbidden) {
					t.Errorf("%q runs anonymisation: %v, want forbidden", who.Role, err)
				}
			}
			if _, err := svc.AnonymizePersonalData(ctx, admin, time.Hour); !feedback.IsCode(err, feedback.EInvalid) {
				t.Errorf("a one-hour retention: %v, want invalid", err)
			}

			got, err := svc.AnonymizePersonalData(ctx, admin, 730*24*time.Hour)
			must(t, err, "anonymize")
			if got.Examined != old+1 || got.Anonymized != old || got.Failed != 0 || got.AuditID == "" {
				t.Errorf("first run = %+v, want %d examined, %d anonymized", got, old+1, old)
			}
			for _, id := range oldIDs {
				sg, err := st.GetSuggestion(ctx, id)
				must(t, err, "get")
				if sg.HasPersonalData() || sg.Content == "" || sg.Receipt == "" {
					t.Fatalf("old suggestion after the run: name %q org %q contact %q content %q", sg.Name, sg.Organization, sg.Contact, sg.Content)
				}
			}
			for _, id := range newIDs {
				sg, err := st.GetSuggestion(ctx, id)
				must(t, err, "get")
				if sg.Name != "欧阳娜娜" || sg.Contact != "13912345678" {
					t.Errorf("a suggestion inside the retention period lost its personal data")
				}
			}
			again, err := svc.AnonymizePersonalData(ctx, admin, 730*24*time.Hour)
			must(t, err, "second anonymize")
			if again.Anonymized != 0 || again.Examined != old+1 {
				t.Errorf("second run = %+v, want nothing anonymized", again)
			}
			page, err := st.ListAuditEvents(ctx, "", feedback.MaxListLimit, "")
			must(t, err, "events")
			var notes []string
			for _, ev := range page.Items {
				if ev.Action == feedback.ActionAnonymized {
					notes = append(notes, ev.Note)
					if ev.Actor != admin.Name || strings.Contains(ev.Note, "欧阳") || strings.Contains(ev.Note, "1391234") {
						t.Errorf("audit event %+v", ev)
					}
				}
			}
			if len(notes) != 2 || !strings.Contains(notes[0], "删除") || !strings.Contains(notes[0], "个人信息") {
				t.Errorf("anonymisation audit notes = %q, want two", notes)
			}
		})
	}
}

// TestSweeperHealsCrashOnDynamoDB: a suggestion written to DynamoDB whose
// stream record never reached the router (a crash, a dead-lettered batch)
// is routed by the sweeper once the grace period has passed.
func TestSweeperHealsCrashOnDynamoDB(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	st := backends[1].open(t, c)
	svc := feedback.NewService(st, feedback.Config{Now: c.Now, PublicBaseURL: "https://jianyan.example.gov.cn"})
	sym, err := svc.CreateSymposium(ctx, admin, feedback.SymposiumInput{Title: "涉企乱罚款专项整治座谈会"})
	must(t, err, "symposium")
	sg, _, err := svc.Submit(ctx, sym.Code, feedback.SubmissionInput{ParticipantKind: feedback.Enterprise,
		Content: "罚款标准不统一,建议公开裁量基准。"}, feedback.ChannelQR)
	must(t, err, "submit")
	got, err := svc.SweepUnrouted(ctx, 5*time.Minute)
	must(t, err, "early sweep")
	if got.Examined != 0 {
		t.Errorf("sweep within the grace period examined %d", got.Examined)
	}
	c.Advance(6 * time.Minute)
	got, err = svc.SweepUnrouted(ctx, 5*time.Minute)
	must(t, err, "sweep")
	if got.Moved != 1 {
		t.Errorf("sweep = %+v, want 1 routed", got)
	}
	after, err := st.GetSuggestion(ctx, sg.ID)
	must(t, err, "get")
	if after.Status != feedback.SuggestionRouted || after.ProblemListID != feedback.TriageListID {
		t.Errorf("after the sweep: %s in %q, want routed to triage", after.Status, after.ProblemListID)
	}
}
