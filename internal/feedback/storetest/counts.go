package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// testSuggestionCounts checks CountSuggestions against a tally of what was
// stored, over ranges that cut through the stored suggestions and through
// month boundaries, open at either end or both. Some suggestions wait in
// the triage list, some are filed to a real list and one was declined from
// the triage list: only the waiting ones count as Triage.
func testSuggestionCounts(t *testing.T, open Opener) {
	st := open(t)
	c := newClock()
	symA := mustSymposium(t, st, c, "涉企乱罚款专项整治企业座谈会", campaignFines, feedback.SymposiumOpen)
	symB := mustSymposium(t, st, c, "棠下镇综合行政执法进驻式监督座谈会", campaignOnSite, feedback.SymposiumOpen)
	list := mustProblemList(t, st, c, "涉企乱罚款问题清单", campaignFines, unitJustice)
	var stored []*feedback.Suggestion
	waiting, filed := 0, 0
	for i := range 24 {
		if i%6 == 5 {
			c.Tick(11 * 24 * time.Hour) // into the next month now and then
		}
		sym := symA
		if i%3 == 0 {
			sym = symB
		}
		s := mustSuggestion(t, st, c, sym, samples[i%len(samples)])
		switch {
		case i == 5: // sorted out of the triage list by declining it
			r := route(c, s, feedback.TriageListID)
			r.Status = feedback.SuggestionDeclined
			must(t, st.UpdateSuggestion(ctx(t), r), "decline")
			s = r
		case i%4 == 1:
			r := route(c, s, feedback.TriageListID)
			must(t, st.UpdateSuggestion(ctx(t), r), "route to triage")
			s = r
			waiting++
		case i%4 == 3:
			r := route(c, s, list.ID)
			must(t, st.UpdateSuggestion(ctx(t), r), "route to a list")
			s = r
			filed++
		}
		if i%5 != 0 { // replied; some rated
			r := clone(s)
			r.Replies = []feedback.Reply{{Text: "已转责任单位研究办理。", Grade: feedback.GradeB, At: c.Next()}}
			if i%5 > 1 {
				r.Replies[0].Rating = &feedback.ReplyRating{Rating: feedback.Ratings[i%3], Comment: "望尽快解决", At: c.Next()}
			}
			must(t, st.UpdateSuggestion(ctx(t), r), "reply")
			s = r
		}
		stored = append(stored, s)
	}
	at := func(i int) time.Time { return stored[i].SubmittedAt }
	key := func(c feedback.SuggestionCount) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%t|%d", c.SymposiumID, c.ParticipantKind, c.Kind, c.Status, c.Channel, c.ReplyState, c.Triage, c.N)
	}
	tally := func(from, to time.Time) []string {
		n := map[feedback.SuggestionCount]int{}
		for _, s := range stored {
			if (!from.IsZero() && s.SubmittedAt.Before(from)) || (!to.IsZero() && !s.SubmittedAt.Before(to)) {
				continue
			}
			n[feedback.SuggestionCount{SymposiumID: s.SymposiumID, ParticipantKind: s.ParticipantKind, Kind: s.Kind, Status: s.Status, Channel: s.Channel, ReplyState: s.ReplyState(), Triage: s.InTriage()}]++
		}
		var out []string
		for k, v := range n {
			k.N = v
			out = append(out, key(k))
		}
		slices.Sort(out)
		return out
	}
	t.Run("triage apart from lists", func(t *testing.T) {
		counts, err := st.CountSuggestions(ctx(t), time.Time{}, time.Time{})
		must(t, err, "count")
		inTriage, inLists := 0, 0
		for _, c := range counts {
			switch {
			case c.Triage && c.Status == feedback.SuggestionRouted:
				inTriage += c.N
			case c.Triage:
				t.Errorf("%+v: only a routed suggestion waits in the triage list", c)
			case c.Status == feedback.SuggestionRouted:
				inLists += c.N
			}
		}
		if inTriage != waiting || inLists != filed {
			t.Errorf("routed: %d waiting in the triage list and %d filed to lists, want %d and %d", inTriage, inLists, waiting, filed)
		}
	})
	for _, tt := range []struct {
		name     string
		from, to time.Time
	}{
		{"everything", time.Time{}, time.Time{}},
		{"a range across months", at(3), at(17)},
		{"from a suggestion on", at(10), time.Time{}},
		{"up to a suggestion", time.Time{}, at(3)},
		{"one instant", at(7), at(7).Add(time.Nanosecond)},
		{"empty range", at(7), at(7)},
		{"after everything", at(23).Add(time.Hour), time.Time{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			counts, err := st.CountSuggestions(ctx(t), tt.from, tt.to)
			must(t, err, "count")
			got := make([]string, 0, len(counts))
			for _, c := range counts {
				got = append(got, key(c))
			}
			slices.Sort(got)
			if want := tally(tt.from, tt.to); !slices.Equal(got, want) {
				t.Errorf("CountSuggestions(%v, %v):\n got  %v\n want %v", tt.from, tt.to, got, want)
			}
		})
	}
}
