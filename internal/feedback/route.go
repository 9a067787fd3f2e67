package feedback

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jianyan/jianyan/internal/textmatch"
)

// Router routes suggestions by one version of the routing rules. It is
// compiled once per RuleSet (CompileRules) and safe for concurrent use.
//
// Routing is one Aho–Corasick pass over a suggestion's topic and content
// that marks which of the rule set's keywords occur, then the rules are
// checked in order against that bitset and the suggestion's other fields;
// the first rule that matches wins.
type Router struct {
	version int64
	rules   []compiledRule
	matcher *textmatch.Matcher // over every distinct keyword of every rule
}

type compiledRule struct {
	rule      RoutingRule
	symposia  []string
	campaigns []string
	topics    []string
	kinds     uint32  // bit i set: ParticipantKinds[i] matches; 0 = any kind
	any       []int32 // keyword indices; any one must occur
	all       []int32 // keyword indices; every one must occur
}

// RouteDecision is where a suggestion goes.
type RouteDecision struct {
	ProblemListID string
	// Rule is the rule that matched, nil when the suggestion goes to triage
	// because none did.
	Rule *RoutingRule
}

// RuleName is the matching rule's name, "" for triage.
func (d RouteDecision) RuleName() string {
	if d.Rule == nil {
		return ""
	}
	return d.Rule.Name
}

// normalizeKeyword is how keywords are compared: trimmed, ASCII lower case
// (the matcher folds ASCII case in texts the same way).
func normalizeKeyword(k string) string { return asciiLower(CleanText(k)) }

// asciiLower folds ASCII letters only, as the matcher folds the text it
// scans. strings.ToLower would also fold other scripts (full-width Ｌａｔｉｎ
// from Chinese input methods, Greek, Cyrillic), and a keyword folded that
// way could never match the text it was copied from (found by
// FuzzRouteKeywords).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// CompileRules validates rs's shape and compiles it into a Router. It does
// not check that the target problem lists exist (PutRules does). A keyword
// set too large to compile is EInvalid.
func CompileRules(rs *RuleSet) (*Router, error) {
	if err := rs.Validate(); err != nil {
		return nil, err
	}
	r := &Router{version: rs.Version, rules: make([]compiledRule, len(rs.Rules))}
	index := map[string]int32{}
	var keywords []string
	kw := func(list []string) []int32 {
		var out []int32
		for _, k := range list {
			k = normalizeKeyword(k)
			if k == "" {
				continue
			}
			i, ok := index[k]
			if !ok {
				i = int32(len(keywords))
				index[k] = i
				keywords = append(keywords, k)
			}
			if !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
		return out
	}
	for i := range rs.Rules {
		src := &rs.Rules[i]
		c := &r.rules[i]
		c.rule = *src
		c.rule.Match = RuleMatch{
			SymposiumIDs:     slices.Clone(src.Match.SymposiumIDs),
			Campaigns:        slices.Clone(src.Match.Campaigns),
			ParticipantKinds: slices.Clone(src.Match.ParticipantKinds),
			Topics:           slices.Clone(src.Match.Topics),
			KeywordsAny:      slices.Clone(src.Match.KeywordsAny),
			KeywordsAll:      slices.Clone(src.Match.KeywordsAll),
		}
		c.symposia = trimmedNonEmpty(src.Match.SymposiumIDs)
		c.campaigns = trimmedNonEmpty(src.Match.Campaigns)
		c.topics = trimmedNonEmpty(src.Match.Topics)
		for _, k := range src.Match.ParticipantKinds {
			c.kinds |= 1 << slices.Index(ParticipantKinds, k)
		}
		c.any = kw(src.Match.KeywordsAny)
		c.all = kw(src.Match.KeywordsAll)
	}
	m, err := textmatch.New(keywords)
	if err != nil {
		return nil, FieldErrorf("rules", "关键词过多 (the rules' keywords are too many to compile: %d distinct)", len(keywords))
	}
	r.matcher = m
	return r, nil
}

func trimmedNonEmpty(list []string) []string {
	var out []string
	for _, v := range list {
		if v = CleanText(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Version is the RuleSet version the router was compiled from.
func (r *Router) Version() int64 { return r.version }

// Len is the number of rules.
func (r *Router) Len() int { return len(r.rules) }

// Route decides where sg goes: the first rule whose every non-empty match
// field matches, or the triage list. It reads SymposiumID, Campaign,
// ParticipantKind, Topic and Content; keywords are looked for in the topic
// and the content (ASCII case-insensitively), topics and campaigns compare
// whole (trimmed, ASCII case-insensitively).
func (r *Router) Route(sg *Suggestion) RouteDecision {
	var hits textmatch.Set
	scanned := false
	kind := uint32(0)
	if i := slices.Index(ParticipantKinds, sg.ParticipantKind); i >= 0 {
		kind = 1 << i
	}
	topic := CleanText(sg.Topic)
	campaign := CleanText(sg.Campaign)
	for i := range r.rules {
		c := &r.rules[i]
		if c.kinds != 0 && c.kinds&kind == 0 {
			continue
		}
		if len(c.symposia) > 0 && !slices.Contains(c.symposia, sg.SymposiumID) {
			continue
		}
		if len(c.campaigns) > 0 && !containsFold(c.campaigns, campaign) {
			continue
		}
		if len(c.topics) > 0 && !containsFold(c.topics, topic) {
			continue
		}
		if len(c.any) > 0 || len(c.all) > 0 {
			if !scanned {
				hits = r.matcher.NewSet()
				r.matcher.Scan(sg.Topic, hits)
				r.matcher.Scan(sg.Content, hits)
				scanned = true
			}
			if !anyHit(hits, c.any) || !allHit(hits, c.all) {
				continue
			}
		}
		return RouteDecision{ProblemListID: c.rule.ProblemListID, Rule: &c.rule}
	}
	return RouteDecision{ProblemListID: TriageListID}
}

// Rule returns the rule with the given name, or nil.
func (r *Router) Rule(name string) *RoutingRule {
	for i := range r.rules {
		if r.rules[i].rule.Name == name {
			return &r.rules[i].rule
		}
	}
	return nil
}

func containsFold(list []string, v string) bool {
	if v == "" {
		return false
	}
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func anyHit(hits textmatch.Set, ids []int32) bool {
	if len(ids) == 0 {
		return true
	}
	for _, i := range ids {
		if hits.Has(int(i)) {
			return true
		}
	}
	return false
}

func allHit(hits textmatch.Set, ids []int32) bool {
	for _, i := range ids {
		if !hits.Has(int(i)) {
			return false
		}
	}
	return true
}

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

// routeAttempts bounds retries when a suggestion changes between reading
// and writing it (a staff edit racing the router).
const routeAttempts = 3

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
	for attempt := 1; ; attempt++ {
		sg := snapshot
		snapshot = nil
		if sg == nil {
			var err error
			if sg, err = s.store.GetSuggestion(ctx, id); err != nil {
				return false, fmt.Errorf("route suggestion %s: %w", id, err)
			}
		}
		if sg.Status != SuggestionReceived {
			return false, nil
		}
		r, err := s.currentRouter(ctx)
		if err != nil {
			return false, fmt.Errorf("route suggestion %s: %w", id, err)
		}
		d := r.Route(sg)
		sg.Status = SuggestionRouted
		sg.ProblemListID = d.ProblemListID
		sg.RuleName = d.RuleName()
		sg.UpdatedAt = s.now()
		err = s.store.UpdateSuggestion(ctx, sg)
		if err == nil {
			s.log.InfoContext(ctx, "suggestion routed", "suggestion_id", id,
				"problem_list_id", d.ProblemListID, "rule", d.RuleName(), "rules_version", r.Version())
			return true, nil
		}
		if !IsCode(err, EConflict) || attempt == routeAttempts {
			return false, fmt.Errorf("route suggestion %s: %w", id, err)
		}
	}
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

// PutRules replaces the routing rules. rs.Version must be the version the
// caller read (0 when none were ever saved); a stale version is EConflict,
// so two clerks cannot overwrite each other unknowingly. Rules are checked
// for shape and every target problem list must exist (EInvalid with field
// rules[i].problem_list_id otherwise). On success rs.Version is the new
// version. Admins only: rules decide where every future suggestion goes.
// Routing already done is not redone; RerouteTriage does that for the
// triage list.
func (s *Service) PutRules(ctx context.Context, id Identity, rs *RuleSet) error {
	if err := requireAdminRole(id); err != nil {
		return err
	}
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
	router, err := CompileRules(rs)
	if err != nil {
		return err
	}
	rs.UpdatedAt = s.now()
	rs.UpdatedBy = actorName(id)
	if err := s.store.PutRuleSet(ctx, rs); err != nil {
		if IsCode(err, EConflict) {
			return &Error{Code: EConflict, Field: "version", Message: "分拣规则已被他人修改,请刷新后再保存 (the rules changed since they were read)", Err: err}
		}
		return fmt.Errorf("put routing rules: %w", err)
	}
	router.version = rs.Version
	saved := *rs
	s.remember(&saved, router)
	s.log.InfoContext(ctx, "routing rules saved", "rules", len(rs.Rules), "version", rs.Version, "by", rs.UpdatedBy)
	return nil
}

// requireAdminRole allows admins only.
func requireAdminRole(id Identity) error {
	switch id.Role {
	case RoleAdmin:
		return nil
	case "":
		return Errorf(EForbidden, "no role")
	}
	return Errorf(EForbidden, "only an administrator may do this")
}

// actorName is how an identity appears in audit events and UpdatedBy.
func actorName(id Identity) string {
	if id.Name != "" {
		return id.Name
	}
	return id.Subject
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
	for attempt := 1; ; attempt++ {
		sg, err := s.store.GetSuggestion(ctx, id)
		if err != nil {
			return false, fmt.Errorf("reroute suggestion %s: %w", id, err)
		}
		if sg.Status != SuggestionRouted || sg.ProblemListID != TriageListID {
			return false, nil // staff dealt with it meanwhile
		}
		r, err := s.currentRouter(ctx)
		if err != nil {
			return false, err
		}
		d := r.Route(sg)
		if d.ProblemListID == TriageListID {
			return false, nil
		}
		sg.ProblemListID = d.ProblemListID
		sg.RuleName = d.RuleName()
		sg.UpdatedAt = s.now()
		err = s.store.UpdateSuggestion(ctx, sg)
		if err == nil {
			return true, nil
		}
		if !IsCode(err, EConflict) || attempt == routeAttempts {
			return false, fmt.Errorf("reroute suggestion %s: %w", id, err)
		}
	}
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
