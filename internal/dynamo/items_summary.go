package dynamo

import (
	"strconv"

	"github.com/jianyan/jianyan/internal/feedback"
)

// summaryExtra holds the summary fields added for scheduled summaries
// (issue 6) in one nested map of the summary item, so the original layout
// in items.go stays as it was.
type summaryExtra struct {
	AsOf            string         `dynamodbav:"as_of,omitempty"`
	Delivered       []string       `dynamodbav:"delivered,omitempty"`
	SymposiumTitles []titlePair    `dynamodbav:"symposium_titles,omitempty"`
	Created         int            `dynamodbav:"created,omitempty"`
	Rectified       int            `dynamodbav:"rectified,omitempty"`
	Verified        int            `dynamodbav:"verified,omitempty"`
	Reopened        int            `dynamodbav:"reopened,omitempty"`
	DueSoonItems    []dueItem      `dynamodbav:"due_soon_items,omitempty"`
	LookbackItems   []lookbackItem `dynamodbav:"lookback_items,omitempty"`
	// The reply loop of the period's suggestions.
	Replied          int        `dynamodbav:"replied,omitempty"`
	Rated            int        `dynamodbav:"rated,omitempty"`
	Satisfied        int        `dynamodbav:"satisfied,omitempty"`
	Rehandle         int        `dynamodbav:"rehandle,omitempty"`
	ReplyRate        float64    `dynamodbav:"reply_rate,omitempty"`
	SatisfactionRate float64    `dynamodbav:"satisfaction_rate,omitempty"`
	Assessment       []assessed `dynamodbav:"assessment,omitempty"`
}

// assessed is one unit's assessment score in a summary.
type assessed struct {
	Unit   string `dynamodbav:"unit"`
	Score  string `dynamodbav:"score"` // exact float64 text
	Counts counts `dynamodbav:"counts,omitempty"`
}

type titlePair struct {
	ID    string `dynamodbav:"id"`
	Title string `dynamodbav:"title"`
}

type dueItem struct {
	ProblemID       string `dynamodbav:"problem_id"`
	Title           string `dynamodbav:"title,omitempty"`
	ResponsibleUnit string `dynamodbav:"responsible_unit,omitempty"`
	Deadline        string `dynamodbav:"deadline,omitempty"`
	DaysLeft        int    `dynamodbav:"days_left"`
}

type lookbackItem struct {
	ProblemID       string `dynamodbav:"problem_id"`
	Title           string `dynamodbav:"title,omitempty"`
	ResponsibleUnit string `dynamodbav:"responsible_unit,omitempty"`
	LookbackDue     string `dynamodbav:"lookback_due,omitempty"`
}

// summaryExtraOf returns the extra fields of s, nil when all are empty.
func summaryExtraOf(s *feedback.Summary) *summaryExtra {
	a := s.Problems.Activity
	x := &summaryExtra{
		AsOf: string(s.AsOf), Delivered: s.Delivered,
		Created: a.Created, Rectified: a.Rectified, Verified: a.Verified, Reopened: a.Reopened,
		Replied: s.Suggestions.Replied, Rated: s.Suggestions.Rated, Satisfied: s.Suggestions.Satisfied, Rehandle: s.Suggestions.Rehandle,
		ReplyRate: s.Suggestions.ReplyRate, SatisfactionRate: s.Suggestions.SatisfactionRate,
	}
	for id, t := range s.Suggestions.SymposiumTitles {
		x.SymposiumTitles = append(x.SymposiumTitles, titlePair{ID: id, Title: t})
	}
	for _, d := range s.Problems.DueSoonItems {
		x.DueSoonItems = append(x.DueSoonItems, dueItem{
			ProblemID: d.ProblemID, Title: d.Title, ResponsibleUnit: d.ResponsibleUnit,
			Deadline: string(d.Deadline), DaysLeft: d.DaysLeft,
		})
	}
	for _, l := range s.Problems.LookbackItems {
		x.LookbackItems = append(x.LookbackItems, lookbackItem{
			ProblemID: l.ProblemID, Title: l.Title, ResponsibleUnit: l.ResponsibleUnit, LookbackDue: string(l.LookbackDue),
		})
	}
	for _, a := range s.Assessment {
		x.Assessment = append(x.Assessment, assessed{Unit: a.Unit, Score: strconv.FormatFloat(a.Score, 'g', -1, 64), Counts: toCounts(a.Counts)})
	}
	if len(x.Assessment) == 0 && x.AsOf == "" && len(x.Delivered) == 0 && len(x.SymposiumTitles) == 0 && a == (feedback.ProblemActivity{}) &&
		len(x.DueSoonItems) == 0 && len(x.LookbackItems) == 0 && x.Replied == 0 && x.Rehandle == 0 {
		return nil
	}
	return x
}

// apply copies the extra fields into s; a nil x (an older item) sets none.
func (x *summaryExtra) apply(s *feedback.Summary) {
	if x == nil {
		return
	}
	for _, a := range x.Assessment {
		score, err := strconv.ParseFloat(a.Score, 64)
		if err != nil {
			continue // unreadable: left out rather than shown wrong
		}
		s.Assessment = append(s.Assessment, feedback.AssessmentScore{Unit: a.Unit, Score: score, Counts: a.Counts.domain()})
	}
	s.AsOf = feedback.Date(x.AsOf)
	s.Delivered = x.Delivered
	s.Problems.Activity = feedback.ProblemActivity{Created: x.Created, Rectified: x.Rectified, Verified: x.Verified, Reopened: x.Reopened}
	st := &s.Suggestions
	st.Replied, st.Rated, st.Satisfied, st.Rehandle = x.Replied, x.Rated, x.Satisfied, x.Rehandle
	st.ReplyRate, st.SatisfactionRate = x.ReplyRate, x.SatisfactionRate
	if len(x.SymposiumTitles) > 0 {
		s.Suggestions.SymposiumTitles = make(map[string]string, len(x.SymposiumTitles))
		for _, p := range x.SymposiumTitles {
			s.Suggestions.SymposiumTitles[p.ID] = p.Title
		}
	}
	for _, d := range x.DueSoonItems {
		s.Problems.DueSoonItems = append(s.Problems.DueSoonItems, feedback.DueItem{
			ProblemID: d.ProblemID, Title: d.Title, ResponsibleUnit: d.ResponsibleUnit,
			Deadline: feedback.Date(d.Deadline), DaysLeft: d.DaysLeft,
		})
	}
	for _, l := range x.LookbackItems {
		s.Problems.LookbackItems = append(s.Problems.LookbackItems, feedback.LookbackItem{
			ProblemID: l.ProblemID, Title: l.Title, ResponsibleUnit: l.ResponsibleUnit, LookbackDue: feedback.Date(l.LookbackDue),
		})
	}
}
