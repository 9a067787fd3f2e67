package feedback

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SplitSuggestion makes one suggestion the source of several problems
// (拆分为多个问题): a deputy's suggestion that raises three matters becomes
// three problems, each with its own title, units, person, requirement and
// deadline. ins are the new problems (at least one); a suggestion already
// part of problems keeps them and becomes the source of these too, up to
// MaxProblemsPerSuggestion in all. The suggestion becomes adopted (its
// list stays the first problem's); every new problem records where it came
// from and its unit gets its assignment notice; the problems and the
// suggestion are written in one atomic write. An error about one of the
// problems names it: field problems.<i>.<field>, the message starting with
// 第 i+1 个问题. Office roles only.
func (s *Service) SplitSuggestion(ctx context.Context, id Identity, suggestionID string, ins []ProblemInput) ([]*Problem, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	if !ValidKey(suggestionID) {
		return nil, NotFound("suggestion", suggestionID)
	}
	if len(ins) == 0 {
		return nil, FieldErrorf("problems", "请填写要拆分出的问题")
	}
	if len(ins) > MaxProblemsPerSuggestion {
		return nil, FieldErrorf("problems", "一条意见建议最多拆分为 %d 个问题", MaxProblemsPerSuggestion)
	}
	var made []*Problem
	err := retryWrite(func(int) (func() error, error) {
		sg, err := s.store.GetSuggestion(ctx, suggestionID)
		if err != nil {
			return nil, fmt.Errorf("split suggestion %s: %w", suggestionID, err)
		}
		if n := len(sg.Problems()); n+len(ins) > MaxProblemsPerSuggestion {
			return nil, FieldErrorf("problems", "这条意见建议已是 %d 个问题的来源,最多还能拆出 %d 个", n, max(0, MaxProblemsPerSuggestion-n))
		}
		if !sg.Status.CanBecome(SuggestionAdopted) {
			return nil, &Error{Code: EConflict, Field: "status",
				Message: fmt.Sprintf("回执号 %s 的意见建议「%s」,不能拆分为问题", sg.Receipt, sg.StatusLabel())}
		}
		ws := make([]ProblemWrite, 0, len(ins))
		made = made[:0]
		for i, in := range ins {
			for _, sid := range in.SuggestionIDs {
				if strings.TrimSpace(sid) != sg.ID {
					return nil, splitErr(i, FieldErrorf("suggestion_ids", "拆分出的问题只能来自这条意见建议"))
				}
			}
			in.SuggestionIDs = nil
			if CleanText(in.Title) == "" {
				return nil, splitErr(i, FieldErrorf("title", "请填写问题标题,以便区分拆分出的各个问题"))
			}
			p, ev, err := s.buildProblem(ctx, id, in, []*Suggestion{sg})
			if err != nil {
				return nil, splitErr(i, err)
			}
			assign, err := s.assignmentNotice(ctx, p, nil)
			if err != nil {
				return nil, err
			}
			ws = append(ws, ProblemWrite{Problem: p, Event: ev, Notices: notices(assign)})
			made = append(made, p)
		}
		// The count in each note is the final one.
		for _, w := range ws {
			w.Event.Note = fmt.Sprintf("由回执号 %s 的意见建议拆分形成(该意见建议共形成 %d 个问题)", sg.Receipt, len(sg.Problems()))
		}
		ws[len(ws)-1].Suggestions = []*Suggestion{sg}
		return func() error {
			if err := s.store.WriteProblems(ctx, ws); err != nil {
				return fmt.Errorf("split suggestion %s: %w", suggestionID, err)
			}
			var ns []*Notice
			for _, w := range ws {
				ns = append(ns, w.Notices...)
			}
			s.committed(ns)
			s.log.InfoContext(ctx, "suggestion split", "suggestion_id", sg.ID, "problems", len(ws), "by", actorName(id))
			return nil
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return made, nil
}

// splitErr names the i-th problem of a split in a field error: field
// problems.<i>.<field>, message 第 i+1 个问题:… Other errors pass as they are.
func splitErr(i int, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid {
		return err
	}
	c := *e
	field := "problems." + fmt.Sprint(i)
	if c.Field != "" {
		field += "." + c.Field
	}
	c.Field = field
	c.Message = fmt.Sprintf("第 %d 个问题:%s", i+1, e.Message)
	return &c
}
