package httpapi

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jianyan/jianyan/internal/feedback"
)

func (h *StaffHandler) problemRoutes() {
	h.Handle("POST /api/v1/problem-lists", h.createProblemList)
	h.Handle("GET /api/v1/problem-lists", h.listProblemLists)
	h.Handle("GET /api/v1/problem-lists/{id}", h.getProblemList)
	h.Handle("POST /api/v1/problem-lists/triage/reroute", h.rerouteTriage)

	h.Handle("GET /api/v1/routing-rules", h.getRules)
	h.Handle("PUT /api/v1/routing-rules", h.putRules)
	h.Handle("POST /api/v1/routing-rules/dry-run", h.dryRunRules)

	h.Handle("POST /api/v1/problems", h.createProblem)
	h.Handle("GET /api/v1/problems", h.listProblems)
	h.Handle("GET /api/v1/problems/{id}", h.getProblem)
	h.Handle("PATCH /api/v1/problems/{id}", h.patchProblem)
	h.Handle("GET /api/v1/problems/{id}/history", h.problemHistory)
	h.Handle("POST /api/v1/problems/{id}/suggestions", h.linkSuggestion)

	h.Handle("POST /api/v1/suggestions/{id}/decline", h.declineSuggestion)
	h.Handle("POST /api/v1/suggestions/{id}/split", h.splitSuggestion)
	h.Handle("GET /api/v1/suggestions/{id}/similar", h.similarSuggestions)
}

func (h *StaffHandler) createProblemList(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in problemListCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	l, err := h.svc.CreateProblemList(r.Context(), id, feedback.ProblemListInput{
		Title: in.Title, Campaign: in.Campaign, SymposiumID: in.SymposiumID, OwnerUnit: in.OwnerUnit,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/problem-lists/"+l.ID)
	writeJSON(w, http.StatusCreated, toProblemListJSON(l))
	return nil
}

func (h *StaffHandler) listProblemLists(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := h.svc.ListProblemLists(r.Context(), id, feedback.ProblemListFilter{Limit: limit, Cursor: cursor})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, toProblemListJSON))
	return nil
}

func (h *StaffHandler) getProblemList(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	listID := r.PathValue("id")
	// A wildcard is a whole path segment, so "{id}.xlsx" (the printable
	// rectification list) arrives here.
	if base, ok := strings.CutSuffix(listID, ".xlsx"); ok {
		return h.exportProblemList(w, r, id, base)
	}
	d, err := h.svc.GetProblemList(r.Context(), id, listID)
	if err != nil {
		return err
	}
	conv := h.problemConv(r, id)
	out := problemListDetailJSON{
		problemListJSON: toProblemListJSON(d.List),
		Problems:        make([]problemJSON, 0, len(d.Problems)),
		Counts:          problemCountsJSON{Total: d.Counts.Total, ByStatus: map[string]int{}, Overdue: d.Counts.Overdue, Waiting: d.Counts.Waiting},
		Truncated:       d.Truncated,
	}
	for _, p := range d.Problems {
		out.Problems = append(out.Problems, conv(p))
	}
	for st, n := range d.Counts.ByStatus {
		out.Counts.ByStatus[string(st)] = n
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// rerouteTriage runs the current rules again over the triage list. Items
// that could not be written are counted in "failed" (and logged); the call
// still answers 200 with what it did.
func (h *StaffHandler) rerouteTriage(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	c, err := h.svc.RerouteTriage(r.Context(), id)
	if err != nil {
		if c.Failed == 0 {
			return err
		}
		h.log.ErrorContext(r.Context(), "reroute triage: some suggestions failed", "request_id", RequestID(r.Context()), "error", err)
	}
	writeJSON(w, http.StatusOK, routingCountsJSON{Examined: c.Examined, Moved: c.Moved, Failed: c.Failed})
	return nil
}

func (h *StaffHandler) getRules(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	rs, err := h.svc.GetRules(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRuleSetJSON(rs))
	return nil
}

// putRules replaces the rules. With "version" the write is optimistic
// (409 if someone saved since); without it, the caller chose to overwrite
// what is stored.
func (h *StaffHandler) putRules(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in ruleSetJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Rules == nil {
		return feedback.FieldErrorf("rules", "请提交分拣规则(空列表表示删除全部规则)")
	}
	rs := in.toRuleSet()
	save := h.svc.PutRules
	if in.Version == nil {
		save = h.svc.ReplaceRules
	}
	if err := save(r.Context(), id, rs); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toRuleSetJSON(rs))
	return nil
}

func (h *StaffHandler) createProblem(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in problemCreateJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	pin, err := in.problemInput("")
	if err != nil {
		return err
	}
	p, err := h.svc.CreateProblem(r.Context(), id, pin)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/problems/"+p.ID)
	writeJSON(w, http.StatusCreated, h.problemConv(r, id)(p))
	return nil
}

// problemInput is a create body as the domain takes it; field prefixes the
// deadline's field in errors (a split's problems.<i>.).
func (in problemCreateJSON) problemInput(field string) (feedback.ProblemInput, error) {
	deadline, err := parseDateField(field+"deadline", in.Deadline)
	if err != nil {
		return feedback.ProblemInput{}, err
	}
	return feedback.ProblemInput{
		ProblemListID: in.ProblemListID, Title: in.Title, Description: in.Description,
		SuggestionIDs: in.SuggestionIDs, ResponsibleUnit: in.ResponsibleUnit, CoUnits: in.CoUnits,
		ResponsiblePerson: in.ResponsiblePerson, Requirement: in.Requirement, Deadline: deadline,
		DeadlineWorkingDays: in.DeadlineWorkingDays,
	}, nil
}

// splitSuggestion serves POST /api/v1/suggestions/{id}/split: the
// suggestion becomes the source of the problems in the body, created with
// it in one write. 201 with the new problems.
func (h *StaffHandler) splitSuggestion(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in struct {
		Problems []problemCreateJSON `json:"problems"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ins := make([]feedback.ProblemInput, len(in.Problems))
	for i, p := range in.Problems {
		var err error
		if ins[i], err = p.problemInput("problems." + strconv.Itoa(i) + "."); err != nil {
			return feedback.FieldErrorf(feedback.ErrorField(err), "第 %d 个问题:%s", i+1, feedback.ErrorMessage(err))
		}
	}
	ps, err := h.svc.SplitSuggestion(r.Context(), id, r.PathValue("id"), ins)
	if err != nil {
		return err
	}
	conv := h.problemConv(r, id)
	out := listJSON[problemJSON]{Items: make([]problemJSON, 0, len(ps))}
	for _, p := range ps {
		out.Items = append(out.Items, conv(p))
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// parseDateField reads an optional YYYY-MM-DD body field.
func parseDateField(field, s string) (feedback.Date, error) {
	d, err := feedback.ParseDate(strings.TrimSpace(s))
	if err != nil {
		return "", feedback.FieldErrorf(field, "%s应为 YYYY-MM-DD 格式的日期", feedback.FieldLabel(field))
	}
	return d, nil
}

// problemFilterFrom reads a problem view's filters: problem_list_id, unit,
// status, and overdue, supervised, lookback_due and extension_pending
// (true or false).
func (h *StaffHandler) problemFilterFrom(q url.Values) (feedback.ProblemFilter, error) {
	f := feedback.ProblemFilter{
		ProblemListID: q.Get("problem_list_id"),
		Unit:          q.Get("unit"),
		Status:        feedback.ProblemStatus(q.Get("status")),
	}
	today := feedback.DateOf(h.svc.Now())
	for _, flag := range []struct {
		name, label string
		set         func()
	}{
		{"overdue", "逾期", func() { f.OverdueOn = today }},
		{"supervised", "督办", func() { f.Supervised = true }},
		{"lookback_due", "待回头看", func() { f.LookbackDueOn = today }},
		{"extension_pending", "延期待审批", func() { f.ExtensionPending = true }},
	} {
		switch q.Get(flag.name) {
		case "", "false", "0":
		case "true", "1":
			flag.set()
		default:
			return f, feedback.FieldErrorf(flag.name, "%s筛选条件无效,只能选择是或否", flag.label)
		}
	}
	return f, nil
}

// listProblems serves GET /api/v1/problems?problem_list_id=&unit=&status=&overdue=&supervised=&lookback_due=&extension_pending=.
func (h *StaffHandler) listProblems(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	f, err := h.problemFilterFrom(r.URL.Query())
	if err != nil {
		return err
	}
	f.Limit, f.Cursor = limit, cursor
	p, err := h.svc.ListProblems(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, h.problemConv(r, id)))
	return nil
}

func (h *StaffHandler) getProblem(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	p, err := h.svc.GetProblem(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.problemConv(r, id)(p))
	return nil
}

// patchProblem serves PATCH /api/v1/problems/{id}: field changes (a
// rectified problem's "lookback_due" among them), or a status change
// {"status","note","evidence"} (plus "deadline" when a failed look-back
// reopens it, optional "lookback_due" when rectified). The two
// kinds do not mix in one request: each is its own audit event.
func (h *StaffHandler) patchProblem(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in problemPatchJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	problemID := r.PathValue("id")
	var p *feedback.Problem
	if in.Status != nil {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"title", in.Title != nil}, {"description", in.Description != nil},
			{"responsible_unit", in.ResponsibleUnit != nil}, {"co_units", in.CoUnits != nil},
			{"responsible_person", in.ResponsiblePerson != nil}, {"requirement", in.Requirement != nil},
			{"progress", in.Progress != nil}, {"supervised", in.Supervised != nil},
		} {
			if f.set {
				return feedback.FieldErrorf(f.name, "状态变更与字段修改请分开提交")
			}
		}
		t := feedback.Transition{To: feedback.ProblemStatus(*in.Status), Note: in.Note, Evidence: in.Evidence, EvidenceFileIDs: in.EvidenceFileIDs}
		var err error
		if in.Deadline != nil {
			if t.NewDeadline, err = parseDateField("deadline", *in.Deadline); err != nil {
				return err
			}
		}
		if in.DeadlineWorkingDays != nil {
			t.NewDeadlineWorkingDays = *in.DeadlineWorkingDays
		}
		if t.LookbackDue, err = parseDateField("lookback_due", in.LookbackDue); err != nil {
			return err
		}
		if p, err = h.svc.TransitionProblem(r.Context(), id, problemID, t); err != nil {
			return err
		}
	} else {
		// A note goes with a status change, or says why a deadline moves.
		if in.Evidence != "" || (in.Note != "" && in.Deadline == nil && in.DeadlineWorkingDays == nil) {
			return feedback.FieldErrorf("status", "备注和佐证说明须随状态变更提交(调整整改期限时可附理由)")
		}
		e := feedback.ProblemEdit{
			Title: in.Title, Description: in.Description, ResponsibleUnit: in.ResponsibleUnit, CoUnits: in.CoUnits,
			ResponsiblePerson: in.ResponsiblePerson, Requirement: in.Requirement, Progress: in.Progress,
			EvidenceFileIDs: in.EvidenceFileIDs, IfVersion: in.Version, DeadlineWorkingDays: in.DeadlineWorkingDays,
			Supervised: in.Supervised, Note: in.Note,
		}
		if in.Deadline != nil {
			d, err := parseDateField("deadline", *in.Deadline)
			if err != nil {
				return err
			}
			e.Deadline = &d
		}
		// A rectified problem's look-back date may be moved on its own.
		if in.LookbackDue != "" {
			d, err := parseDateField("lookback_due", in.LookbackDue)
			if err != nil {
				return err
			}
			e.LookbackDue = &d
		}
		var err error
		if p, err = h.svc.EditProblem(r.Context(), id, problemID, e); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, h.problemConv(r, id)(p))
	return nil
}

func (h *StaffHandler) problemHistory(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	limit, cursor, err := listParams(r)
	if err != nil {
		return err
	}
	p, err := h.svc.History(r.Context(), id, r.PathValue("id"), limit, cursor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(p, toAuditEventJSON))
	return nil
}

// linkSuggestion serves POST /api/v1/problems/{id}/suggestions
// {"suggestion_id"}: a later suggestion joins the problem.
func (h *StaffHandler) linkSuggestion(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in struct {
		SuggestionID string `json:"suggestion_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.SuggestionID) == "" {
		return feedback.FieldErrorf("suggestion_id", "请选择意见建议")
	}
	p, err := h.svc.LinkSuggestion(r.Context(), id, r.PathValue("id"), strings.TrimSpace(in.SuggestionID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.problemConv(r, id)(p))
	return nil
}

// declineSuggestion serves POST /api/v1/suggestions/{id}/decline {"reason"}.
func (h *StaffHandler) declineSuggestion(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sg, err := h.svc.DeclineSuggestion(r.Context(), id, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSuggestionJSON(feedback.MaskFor(id, sg)))
	return nil
}

// similarSuggestions serves GET /api/v1/suggestions/{id}/similar: likely
// duplicates in the same problem list, most similar first.
func (h *StaffHandler) similarSuggestions(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	sims, err := h.svc.SimilarSuggestions(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := listJSON[similarJSON]{Items: make([]similarJSON, 0, len(sims))}
	for _, s := range sims {
		out.Items = append(out.Items, similarJSON{suggestionJSON: toSuggestionJSON(s.Suggestion), Similarity: math.Round(s.Score*1000) / 1000})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dryRunJSON is POST /api/v1/routing-rules/dry-run's body: the rules as
// they would be saved, and how many recent suggestions to try them on.
type dryRunJSON struct {
	ruleSetJSON
	Limit int `json:"limit"`
}

type dryRunItemJSON struct {
	Suggestion    suggestionJSON `json:"suggestion"`
	ProblemListID string         `json:"problem_list_id"`
	RuleName      string         `json:"rule_name"`
	Changed       bool           `json:"changed"`
}

type dryRunResultJSON struct {
	Items    []dryRunItemJSON `json:"items"`
	Examined int              `json:"examined"`
	Changed  int              `json:"changed"`
}

// dryRunRules serves POST /api/v1/routing-rules/dry-run: where recent
// suggestions would go under the rules sent, stored nowhere.
func (h *StaffHandler) dryRunRules(w http.ResponseWriter, r *http.Request, id feedback.Identity) error {
	var in dryRunJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Rules == nil {
		return feedback.FieldErrorf("rules", "请提供要试运行的分拣规则")
	}
	items, err := h.svc.DryRunRules(r.Context(), id, in.toRuleSet(), in.Limit)
	if err != nil {
		return err
	}
	out := dryRunResultJSON{Items: make([]dryRunItemJSON, 0, len(items)), Examined: len(items)}
	for _, it := range items {
		if it.Changed {
			out.Changed++
		}
		out.Items = append(out.Items, dryRunItemJSON{Suggestion: toSuggestionJSON(it.Suggestion),
			ProblemListID: it.ProblemListID, RuleName: it.RuleName, Changed: it.Changed})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// problemConv is the problem converter of a request: as of now, with the
// working calendar for the working days left. A calendar that cannot be
// read only leaves those out.
func (h *StaffHandler) problemConv(r *http.Request, id feedback.Identity) func(*feedback.Problem) problemJSON {
	cal, err := h.svc.WorkCalendar(r.Context(), id)
	if err != nil {
		h.log.WarnContext(r.Context(), "working calendar not readable", "err", err)
		cal = nil
	}
	unit := r.URL.Query().Get("unit")
	if id.Role == feedback.RoleUnit {
		unit = id.Unit
	}
	return problemConv(h.svc.Now(), cal, unit)
}
