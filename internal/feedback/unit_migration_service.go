package feedback

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The one-off migration of free-text units.
//
// Before the registry, units were typed by hand, so one unit could be
// stored under several names (区市场监管局 and 区市场监督管理局) and count
// as two in the scorecard. UnitMigrationPlan lists every name that problems
// (lead and co-units), routing rules, problem lists and local accounts use
// but the registry does not hold, with the registered unit it most likely
// means; the administrator confirms in the console, mapping each name to a
// registered unit or registering it as it is; MigrateUnits then rewrites
// every reference. Problems are rewritten through ordinary problem writes
// (with a history event), so their counters move with them. Running it
// again after a partial failure continues where it stopped.

// UnitReference is one unregistered unit name and where it is used.
type UnitReference struct {
	Name      string
	Problems  int // problems naming it as lead or co-unit
	Rules     int
	Lists     int
	Accounts  int
	Suggested string // the registered unit it most likely means; "" for none
}

// UnitMapping maps a free-text name to a registered unit. To == From
// registers the name as a new unit.
type UnitMapping struct {
	From string
	To   string
}

// UnitMigrationResult counts what MigrateUnits rewrote.
type UnitMigrationResult struct {
	Registered int
	Problems   int
	Rules      int
	Lists      int
	Accounts   int
}

// UnitMigrationPlan lists the unregistered unit names in use, most used
// first. Administrators only.
func (s *Service) UnitMigrationPlan(ctx context.Context, id Identity) ([]UnitReference, error) {
	if err := requireAdminRole(id); err != nil {
		return nil, err
	}
	registered, err := s.registeredUnits(ctx)
	if err != nil {
		return nil, err
	}
	refs := map[string]*UnitReference{}
	use := func(name string, count func(*UnitReference)) {
		if name == "" || slices.Contains(registered, name) {
			return
		}
		r := refs[name]
		if r == nil {
			r = &UnitReference{Name: name}
			refs[name] = r
		}
		count(r)
	}
	err = s.eachProblem(ctx, ProblemFilter{}, func(p *Problem) {
		for _, u := range p.Units() {
			use(u, func(r *UnitReference) { r.Problems++ })
		}
	})
	if err != nil {
		return nil, fmt.Errorf("unit migration plan: %w", err)
	}
	rs, err := s.store.GetRuleSet(ctx)
	if err != nil {
		return nil, fmt.Errorf("unit migration plan: rules: %w", err)
	}
	for _, r := range rs.Rules {
		use(r.ResponsibleUnit, func(r *UnitReference) { r.Rules++ })
	}
	if err := eachPage(func(cur string) (Page[*ProblemList], error) {
		return s.store.ListProblemLists(ctx, ProblemListFilter{Limit: MaxListLimit, Cursor: cur})
	}, func(l *ProblemList) { use(l.OwnerUnit, func(r *UnitReference) { r.Lists++ }) }); err != nil {
		return nil, fmt.Errorf("unit migration plan: lists: %w", err)
	}
	if err := eachPage(func(cur string) (Page[*Account], error) {
		return s.store.ListAccounts(ctx, MaxListLimit, cur)
	}, func(a *Account) { use(a.Unit, func(r *UnitReference) { r.Accounts++ }) }); err != nil {
		return nil, fmt.Errorf("unit migration plan: accounts: %w", err)
	}
	out := make([]UnitReference, 0, len(refs))
	for _, r := range refs {
		r.Suggested = SuggestUnit(r.Name, registered)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if na, nb := a.Problems+a.Rules+a.Lists+a.Accounts, b.Problems+b.Rules+b.Lists+b.Accounts; na != nb {
			return na > nb
		}
		return a.Name < b.Name
	})
	return out, nil
}

// Units lists the units a problem names: lead first, then co-units.
func (p *Problem) Units() []string {
	out := []string{}
	for _, u := range append([]string{p.ResponsibleUnit}, p.CoUnits...) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// MaxUnitMappings bounds one migration.
const MaxUnitMappings = 500

// MigrateUnits registers and maps the given names and rewrites every
// reference to a mapped name. Administrators only.
func (s *Service) MigrateUnits(ctx context.Context, id Identity, mappings []UnitMapping) (UnitMigrationResult, error) {
	var res UnitMigrationResult
	if err := requireAdminRole(id); err != nil {
		return res, err
	}
	if len(mappings) == 0 {
		return res, FieldErrorf("mappings", "请至少确认一个单位名称的处理方式")
	}
	if len(mappings) > MaxUnitMappings {
		return res, FieldErrorf("mappings", "一次最多处理 %d 个单位名称", MaxUnitMappings)
	}
	to := map[string]string{}
	for i, m := range mappings {
		from, target := CleanText(m.From), CleanText(m.To)
		field := fmt.Sprintf("mappings[%d]", i)
		if err := checkText(field+".from", from, true, UnitMaxRunes, false); err != nil {
			return res, err
		}
		if _, dup := to[from]; dup {
			return res, FieldErrorf(field+".from", "「%s」重复出现", from)
		}
		if target == "" {
			return res, FieldErrorf(field+".to", "请为「%s」选择已登记的单位,或登记为新单位", from)
		}
		if target == from {
			if err := checkUnitName(field+".to", target); err != nil {
				return res, err
			}
		} else if err := s.requireUnits(ctx, field+".to", target); err != nil {
			return res, err
		}
		to[from] = target
	}
	now := s.now()
	for from, target := range to {
		if from != target {
			continue
		}
		err := s.store.CreateUnit(ctx, &Unit{Name: from, CreatedAt: now, UpdatedAt: now, UpdatedBy: actorName(id)})
		switch {
		case err == nil:
			res.Registered++
		case !IsCode(err, EConflict): // already registered: a rerun
			return res, fmt.Errorf("migrate units: register %s: %w", from, err)
		}
	}
	rename := func(name string) (string, bool) {
		t, ok := to[name]
		return t, ok && t != name
	}

	// Problems: one ordinary write each, with a history event.
	var ids []string
	if err := s.eachProblem(ctx, ProblemFilter{}, func(p *Problem) {
		for _, u := range p.Units() {
			if _, ok := rename(u); ok {
				ids = append(ids, p.ID)
				return
			}
		}
	}); err != nil {
		return res, fmt.Errorf("migrate units: %w", err)
	}
	for _, pid := range ids {
		err := retryWrite(func(int) (func() error, error) {
			p, err := s.store.GetProblem(ctx, pid)
			if err != nil {
				return nil, err
			}
			var notes []string
			if t, ok := rename(p.ResponsibleUnit); ok {
				notes = append(notes, p.ResponsibleUnit+" → "+t)
				p.ResponsibleUnit = t
			}
			var co []string
			for _, u := range p.CoUnits {
				if t, ok := rename(u); ok {
					notes = append(notes, u+" → "+t)
					u = t
				}
				if u != p.ResponsibleUnit && !slices.Contains(co, u) {
					co = append(co, u)
				}
			}
			p.CoUnits = co
			if len(notes) == 0 {
				return nil, nil
			}
			at := s.now()
			p.UpdatedAt = at
			ev := &AuditEvent{ID: NewID(at), ProblemID: p.ID, Actor: actorName(id), At: at, Action: ActionUnitRenamed,
				Note: "单位名称规范:" + strings.Join(notes, ";")}
			return func() error { return s.store.UpdateProblem(ctx, ProblemWrite{Problem: p, Event: ev}) }, nil
		})
		if err != nil {
			return res, fmt.Errorf("migrate units: problem %s: %w", pid, err)
		}
		res.Problems++
	}

	// Routing rules: one versioned write.
	err := retryWrite(func(int) (func() error, error) {
		rs, err := s.store.GetRuleSet(ctx)
		if err != nil {
			return nil, err
		}
		n := 0
		for i := range rs.Rules {
			if t, ok := rename(rs.Rules[i].ResponsibleUnit); ok {
				rs.Rules[i].ResponsibleUnit = t
				n++
			}
		}
		if n == 0 {
			return nil, nil
		}
		rs.UpdatedAt, rs.UpdatedBy = s.now(), actorName(id)
		return func() error {
			if err := s.store.PutRuleSet(ctx, rs); err != nil {
				return err
			}
			res.Rules = n
			return nil
		}, nil
	})
	if err != nil {
		return res, fmt.Errorf("migrate units: rules: %w", err)
	}

	// Problem lists and local accounts.
	var lists []*ProblemList
	if err := eachPage(func(cur string) (Page[*ProblemList], error) {
		return s.store.ListProblemLists(ctx, ProblemListFilter{Limit: MaxListLimit, Cursor: cur})
	}, func(l *ProblemList) {
		if _, ok := rename(l.OwnerUnit); ok {
			lists = append(lists, l)
		}
	}); err != nil {
		return res, fmt.Errorf("migrate units: lists: %w", err)
	}
	for _, l := range lists {
		err := retryWrite(func(attempt int) (func() error, error) {
			if attempt > 1 {
				fresh, err := s.store.GetProblemList(ctx, l.ID)
				if err != nil {
					return nil, err
				}
				l = fresh
			}
			t, ok := rename(l.OwnerUnit)
			if !ok {
				return nil, nil
			}
			l.OwnerUnit, l.UpdatedAt = t, s.now()
			return func() error { return s.store.UpdateProblemList(ctx, l) }, nil
		})
		if err != nil {
			return res, fmt.Errorf("migrate units: list %s: %w", l.ID, err)
		}
		res.Lists++
	}
	var accounts []*Account
	if err := eachPage(func(cur string) (Page[*Account], error) {
		return s.store.ListAccounts(ctx, MaxListLimit, cur)
	}, func(a *Account) {
		if _, ok := rename(a.Unit); ok {
			accounts = append(accounts, a)
		}
	}); err != nil {
		return res, fmt.Errorf("migrate units: accounts: %w", err)
	}
	for _, a := range accounts {
		a.Unit, _ = rename(a.Unit)
		if err := s.store.UpdateAccount(ctx, a); err != nil {
			return res, fmt.Errorf("migrate units: account %s: %w", a.ID, err)
		}
		res.Accounts++
	}
	s.log.InfoContext(ctx, "units migrated", "registered", res.Registered, "problems", res.Problems,
		"rules", res.Rules, "lists", res.Lists, "accounts", res.Accounts, "by", actorName(id))
	return res, nil
}

// registeredUnits lists every registered unit's name.
func (s *Service) registeredUnits(ctx context.Context) ([]string, error) {
	var out []string
	err := eachPage(func(cur string) (Page[*Unit], error) {
		return s.store.ListUnits(ctx, UnitFilter{Limit: MaxListLimit, Cursor: cur})
	}, func(u *Unit) { out = append(out, u.Name) })
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

// eachPage calls fn for every item of a paged list.
func eachPage[T any](list func(cursor string) (Page[T], error), fn func(T)) error {
	cur := ""
	for {
		page, err := list(cur)
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			fn(it)
		}
		if page.NextCursor == "" {
			return nil
		}
		cur = page.NextCursor
	}
}
