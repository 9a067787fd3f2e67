package feedback

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// routerCache keeps the compiled router of the newest rules a Service has
// seen, so that routing a stream of suggestions compiles the rules once per
// version rather than once per suggestion.
type routerCache struct {
	mu      sync.Mutex
	router  *Router
	rules   *RuleSet
	fetched time.Time
	// ttl is how long the rules read from the store are trusted before they
	// are read again; 0 reads them for every routing decision.
	ttl time.Duration
	// onSubmit routes public submissions before they are stored
	// (SetRouteOnSubmit).
	onSubmit bool
}

// SetRouteOnSubmit makes Submit route each public submission before it is
// stored, with the rules currentRouter holds (read at most every rule-cache
// TTL, SetRuleCacheTTL): the suggestion is written once, already routed,
// instead of written and then rewritten by routing. The collect function
// on AWS turns it on, where every write is billed: routing's rewrite and
// the index entry it changes were two of the five write units a suggestion
// cost (BENCHMARKS.md, "Cost"). When the rules cannot be read the
// submission is stored unrouted, as without it, and the table's stream
// routes it; so do staff entries and imports, which it does not touch.
func (s *Service) SetRouteOnSubmit(on bool) {
	s.routing.mu.Lock()
	defer s.routing.mu.Unlock()
	s.routing.onSubmit = on
}

// routeNew routes a new, unstored submission in place when SetRouteOnSubmit
// is on; it never fails the submission.
func (s *Service) routeNew(ctx context.Context, sg *Suggestion) {
	s.routing.mu.Lock()
	on := s.routing.onSubmit
	s.routing.mu.Unlock()
	if !on {
		return
	}
	r, err := s.currentRouter(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "routing rules unreadable; the suggestion is stored unrouted and the stream routes it",
			"suggestion_id", sg.ID, "code", ErrorCode(err), "error", err)
		return
	}
	d := r.Route(sg)
	sg.Status, sg.ProblemListID, sg.RuleName = SuggestionRouted, d.ProblemListID, d.RuleName()
}

// SetRuleCacheTTL lets the service reuse the routing rules it read for up
// to d before reading them again. The default, 0, reads the rules from the
// store for every suggestion routed (the compiled router is reused while
// their version is unchanged either way). A few seconds saves a read per
// suggestion in the stream function at the cost of rule changes made by
// another process taking up to d to apply; changes made through this
// service apply at once.
func (s *Service) SetRuleCacheTTL(d time.Duration) {
	s.routing.mu.Lock()
	defer s.routing.mu.Unlock()
	s.routing.ttl = d
}

// currentRouter returns the router for the stored rules.
func (s *Service) currentRouter(ctx context.Context) (*Router, error) {
	c := &s.routing
	c.mu.Lock()
	if c.router != nil && c.ttl > 0 && s.now().Sub(c.fetched) < c.ttl {
		r := c.router
		c.mu.Unlock()
		return r, nil
	}
	c.mu.Unlock()

	rs, err := s.store.GetRuleSet(ctx)
	if err != nil {
		return nil, fmt.Errorf("get routing rules: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.router != nil && c.router.Version() >= rs.Version {
		// The same rules, or newer ones installed by remember while this
		// read was under way: keep them rather than go back in time.
		c.fetched = s.now()
		return c.router, nil
	}
	r, err := CompileRules(rs)
	if err != nil {
		// Stored rules were validated when saved; failing here means the
		// validation rules changed under stored data.
		return nil, Internal(fmt.Errorf("compile routing rules version %d: %w", rs.Version, err))
	}
	c.router, c.rules, c.fetched = r, rs, s.now()
	return r, nil
}

// remember installs rules just saved through this service.
func (s *Service) remember(rs *RuleSet, r *Router) {
	s.routing.mu.Lock()
	defer s.routing.mu.Unlock()
	s.routing.router, s.routing.rules, s.routing.fetched = r, rs, s.now()
}

// RouteSuggestion routes one received suggestion: it becomes routed, with
// ProblemListID and RuleName set by the first matching rule (or the triage
// list). It is idempotent: a suggestion that is already routed, adopted or
// declined is left alone, so stream redeliveries and the sweeper can call
// it freely.
func (s *Service) RouteSuggestion(ctx context.Context, id string) error {
	_, err := s.routeOne(ctx, id)
	return err
}

// RouteInserted routes a suggestion from the copy its insert delivered (a
// stream record's new image), saving the read RouteSuggestion starts with.
// The write is still conditional on the copy's Version, so a copy that is
// out of date (a redelivery after routing, a staff edit) costs one conflict
// and falls back to reading the stored suggestion.
func (s *Service) RouteInserted(ctx context.Context, sg *Suggestion) error {
	copied := *sg
	_, err := s.route(ctx, sg.ID, &copied)
	return err
}

// routeOne routes a received suggestion and reports whether it wrote.
func (s *Service) routeOne(ctx context.Context, id string) (bool, error) {
	return s.route(ctx, id, nil)
}

// route routes suggestion id, starting from snapshot when one is given.
func (s *Service) route(ctx context.Context, id string, snapshot *Suggestion) (bool, error) {
	if !ValidKey(id) {
		return false, NotFound("suggestion", id)
	}
	wrote := false
	err := retryWrite(func(attempt int) (func() error, error) {
		sg := snapshot
		if attempt > 1 || sg == nil {
			var err error
			if sg, err = s.store.GetSuggestion(ctx, id); err != nil {
				return nil, fmt.Errorf("route suggestion %s: %w", id, err)
			}
		}
		if sg.Status != SuggestionReceived {
			return nil, nil
		}
		r, err := s.currentRouter(ctx)
		if err != nil {
			return nil, fmt.Errorf("route suggestion %s: %w", id, err)
		}
		d := r.Route(sg)
		sg.Status = SuggestionRouted
		sg.ProblemListID = d.ProblemListID
		sg.RuleName = d.RuleName()
		sg.UpdatedAt = s.now()
		return func() error {
			if err := s.store.UpdateSuggestion(ctx, sg); err != nil {
				return fmt.Errorf("route suggestion %s: %w", id, err)
			}
			wrote = true
			s.log.InfoContext(ctx, "suggestion routed", "suggestion_id", id,
				"problem_list_id", d.ProblemListID, "rule", d.RuleName(), "rules_version", r.Version())
			return nil
		}, nil
	})
	return wrote, err
}

// RoutingCounts reports a bulk routing run.
type RoutingCounts struct {
	Examined int // suggestions looked at
	Moved    int // suggestions written: routed, or moved out of triage
	Failed   int // suggestions that could not be written; see the error

	firstErr error
}

// maxBulkRouting bounds one bulk run (RerouteTriage, SweepUnrouted); a
// caller with more left simply runs again.
const maxBulkRouting = 10000

// GetRules returns the routing rules (an empty set with Version 0 when none
// were ever saved). Office roles only.
func (s *Service) GetRules(ctx context.Context, id Identity) (*RuleSet, error) {
	if err := requireOffice(id); err != nil {
		return nil, err
	}
	rs, err := s.store.GetRuleSet(ctx)
	if err != nil {
		return nil, fmt.Errorf("get routing rules: %w", err)
	}
	return rs, nil
}

// PutRules replaces the routing rules if nobody saved them since the caller
// read them: rs.Version must be the version read (0 when none were ever
// saved); a stale version is EConflict with field "version", so two clerks
// cannot overwrite each other unknowingly. ReplaceRules is the explicit
// choice to overwrite whatever is stored. Rules are checked for shape and
// every target problem list must exist (EInvalid with field
// rules[i].problem_list_id otherwise). On success rs.Version is the new
// version. Admins only: rules decide where every future suggestion goes.
// Routing already done is not redone; RerouteTriage does that for the
// triage list.
func (s *Service) PutRules(ctx context.Context, id Identity, rs *RuleSet) error {
	return s.saveRules(ctx, id, rs, false)
}

// ReplaceRules replaces the routing rules whatever version is stored: the
// caller chose to overwrite. It is PutRules without the version check, and
// retries on its own when someone saves in between; rs.Version is ignored
// and set to the new version.
func (s *Service) ReplaceRules(ctx context.Context, id Identity, rs *RuleSet) error {
	return s.saveRules(ctx, id, rs, true)
}

// cleanRules tidies what a person typed into rules: spaces around names
// and words, empty words.
func cleanRules(rs *RuleSet) {
	for i := range rs.Rules {
		r := &rs.Rules[i]
		r.Name = CleanText(r.Name)
		r.ProblemListID = CleanText(r.ProblemListID)
		r.ResponsibleUnit = CleanText(r.ResponsibleUnit)
		r.Match.SymposiumIDs = trimmedNonEmpty(r.Match.SymposiumIDs)
		r.Match.Campaigns = trimmedNonEmpty(r.Match.Campaigns)
		r.Match.Topics = trimmedNonEmpty(r.Match.Topics)
		r.Match.KeywordsAny = trimmedNonEmpty(r.Match.KeywordsAny)
		r.Match.KeywordsAll = trimmedNonEmpty(r.Match.KeywordsAll)
	}
}

// saveRules is PutRules (overwrite false) and ReplaceRules.
func (s *Service) saveRules(ctx context.Context, id Identity, rs *RuleSet, overwrite bool) error {
	if err := requireAdminRole(id); err != nil {
		return err
	}
	cleanRules(rs)
	rs.UpdatedAt = s.now()
	rs.UpdatedBy = actorName(id)
	if err := rs.Validate(); err != nil {
		return err
	}
	exists := map[string]bool{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if exists[r.ProblemListID] {
			continue
		}
		_, err := s.store.GetProblemList(ctx, r.ProblemListID)
		switch {
		case IsCode(err, ENotFound):
			return FieldErrorf(fmt.Sprintf("rules[%d].problem_list_id", i), "规则「%s」的问题清单不存在", r.Name)
		case err != nil:
			return fmt.Errorf("put routing rules: check problem list %s: %w", r.ProblemListID, err)
		}
		exists[r.ProblemListID] = true
	}
	for i := range rs.Rules {
		if err := s.requireUnits(ctx, fmt.Sprintf("rules[%d].responsible_unit", i), rs.Rules[i].ResponsibleUnit); err != nil {
			return err
		}
	}
	router, err := CompileRules(rs)
	if err != nil {
		return err
	}
	write := func() error {
		if err := s.store.PutRuleSet(ctx, rs); err != nil {
			return fmt.Errorf("put routing rules: %w", err)
		}
		return nil
	}
	if overwrite {
		err = retryWrite(func(int) (func() error, error) {
			cur, err := s.store.GetRuleSet(ctx)
			if err != nil {
				return nil, fmt.Errorf("put routing rules: %w", err)
			}
			rs.Version = cur.Version
			return write, nil
		})
	} else if err = write(); IsCode(err, EConflict) {
		err = &Error{Code: EConflict, Field: "version", Message: "分拣规则已被他人修改,请刷新后再保存", Err: err}
	}
	if err != nil {
		return err
	}
	router.version = rs.Version
	saved := *rs
	s.remember(&saved, router)
	s.log.InfoContext(ctx, "routing rules saved", "rules", len(rs.Rules), "version", rs.Version, "by", rs.UpdatedBy)
	return nil
}

// RerouteTriage runs the current rules again over every routed suggestion
// waiting in the triage list, typically after the rules changed, and moves
// those that now match a rule. Office roles only.
func (s *Service) RerouteTriage(ctx context.Context, id Identity) (RoutingCounts, error) {
	var counts RoutingCounts
	if err := requireOffice(id); err != nil {
		return counts, err
	}
	f := SuggestionFilter{ProblemListID: TriageListID, Status: SuggestionRouted, Limit: MaxListLimit}
	counts, err := s.routeEach(ctx, "reroute triage", f, s.rerouteOne)
	if err != nil {
		return counts, err
	}
	s.log.InfoContext(ctx, "triage rerouted", "examined", counts.Examined, "moved", counts.Moved, "failed", counts.Failed)
	return counts, counts.err("reroute triage")
}

// rerouteOne routes a suggestion in the triage list again and reports
// whether it moved.
func (s *Service) rerouteOne(ctx context.Context, id string) (bool, error) {
	moved := false
	err := retryWrite(func(int) (func() error, error) {
		sg, err := s.store.GetSuggestion(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("reroute suggestion %s: %w", id, err)
		}
		if sg.Status != SuggestionRouted || sg.ProblemListID != TriageListID {
			return nil, nil // staff dealt with it meanwhile
		}
		r, err := s.currentRouter(ctx)
		if err != nil {
			return nil, err
		}
		d := r.Route(sg)
		if d.ProblemListID == TriageListID {
			return nil, nil
		}
		sg.ProblemListID = d.ProblemListID
		sg.RuleName = d.RuleName()
		sg.UpdatedAt = s.now()
		return func() error {
			if err := s.store.UpdateSuggestion(ctx, sg); err != nil {
				return fmt.Errorf("reroute suggestion %s: %w", id, err)
			}
			moved = true
			return nil
		}, nil
	})
	return moved, err
}

// SweepWindow is how far back the sweeper looks. The sweeper runs every few
// minutes, so anything unrouted is found long before it leaves the window;
// bounding it keeps each sweep's reads proportional to recent intake rather
// than to everything ever stored (the DynamoDB store has no index of
// received suggestions, which would cost a write unit per submission).
const SweepWindow = 14 * 24 * time.Hour

// SweepUnrouted routes every suggestion still received more than grace
// after it was submitted, within SweepWindow: those whose stream record was
// lost, sent to the dead-letter queue, or submitted while the local process
// crashed. It is safe to run at any time and alongside the stream router.
func (s *Service) SweepUnrouted(ctx context.Context, grace time.Duration) (RoutingCounts, error) {
	now := s.now()
	f := SuggestionFilter{Status: SuggestionReceived, From: now.Add(-SweepWindow), To: now.Add(-grace), Limit: MaxListLimit}
	counts, err := s.routeEach(ctx, "sweep unrouted", f, s.routeOne)
	if err != nil {
		return counts, err
	}
	if counts.Examined > 0 {
		s.log.InfoContext(ctx, "unrouted suggestions swept", "examined", counts.Examined, "routed", counts.Moved, "failed", counts.Failed)
	}
	return counts, counts.err("sweep unrouted")
}

// routeEach applies one routing step to every suggestion f selects, up to
// maxBulkRouting of them, and counts what happened. It collects the IDs
// first and writes afterwards, because writing moves suggestions out of
// the list being paged through. A listing error ends the run; a failed
// suggestion is counted and the first failure kept for counts.err.
func (s *Service) routeEach(ctx context.Context, op string, f SuggestionFilter, step func(context.Context, string) (bool, error)) (RoutingCounts, error) {
	var counts RoutingCounts
	var ids []string
	for len(ids) < maxBulkRouting {
		page, err := s.store.ListSuggestions(ctx, f)
		if err != nil {
			return counts, fmt.Errorf("%s: list: %w", op, err)
		}
		for _, sg := range page.Items {
			ids = append(ids, sg.ID)
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	for _, id := range ids {
		counts.Examined++
		moved, err := step(ctx, id)
		if err != nil {
			counts.Failed++
			if counts.firstErr == nil {
				counts.firstErr = err
			}
			continue
		}
		if moved {
			counts.Moved++
		}
	}
	return counts, nil
}

// err summarises the failures of a bulk run, nil when there were none.
func (c RoutingCounts) err(op string) error {
	if c.Failed == 0 {
		return nil
	}
	return fmt.Errorf("%s: %d of %d failed, first: %w", op, c.Failed, c.Examined, c.firstErr)
}
