package dynamo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/jianyan/jianyan/internal/feedback"
)

// The office's round-two items: the notice outbox and the unit registry
// (docs/dynamodb.md, "Items").
const (
	typeNotice = "notice"
	typeUnit   = "unit"

	pkNotice = "NOTICE#" // NOTICE#<id> / NOTICE
	skNotice = "NOTICE"
	pkUnit   = "UNIT#" // UNIT#<name> / UNIT
	skUnit   = "UNIT"

	g5NoticesDue = "NOTICEDUE" // gsi5: pending notices only (sparse), sk <created>#<id>
	g1Units      = "UNIT"      // gsi1: every unit, sk <name>
)

// noticeItem is an outbox notice. While it is pending it is in gsi5's
// NOTICEDUE partition, which the sweeper reads; delivering it removes the
// index keys. Its insertion reaches the stream function through the
// table's stream (InsertedNotice).
type noticeItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	ID           string   `dynamodbav:"id"`
	Kind         string   `dynamodbav:"kind"`
	SummaryID    string   `dynamodbav:"summary_id,omitempty"`
	ProblemID    string   `dynamodbav:"problem_id,omitempty"`
	SuggestionID string   `dynamodbav:"suggestion_id,omitempty"`
	Unit         string   `dynamodbav:"unit,omitempty"`
	CoUnits      []string `dynamodbav:"co_units,omitempty"`
	Subject      string   `dynamodbav:"subject,omitempty"`
	Text         string   `dynamodbav:"text"`
	Link         string   `dynamodbav:"link,omitempty"`
	CreatedAt    string   `dynamodbav:"created_at"`
	Delivered    []string `dynamodbav:"delivered,omitempty"`
	Attempts     int      `dynamodbav:"attempts,omitempty"`
	LastError    string   `dynamodbav:"last_error,omitempty"`
	DeliveredAt  string   `dynamodbav:"delivered_at,omitempty"`
	Failed       bool     `dynamodbav:"failed,omitempty"`
	Version      int64    `dynamodbav:"version"`
}

func noticeToItem(n *feedback.Notice) (map[string]types.AttributeValue, error) {
	it := noticeItem{
		PK: pkNotice + n.ID, SK: skNotice, Type: typeNotice,
		ID: n.ID, Kind: n.Kind, SummaryID: n.SummaryID, ProblemID: n.ProblemID, SuggestionID: n.SuggestionID,
		Unit: n.Unit, CoUnits: n.CoUnits, Subject: n.Subject, Text: n.Text, Link: n.Link,
		CreatedAt: sortTS(n.CreatedAt), Delivered: n.Delivered, Attempts: n.Attempts, LastError: n.LastError,
		DeliveredAt: ts(n.DeliveredAt), Failed: n.Failed, Version: n.Version,
	}
	if n.DeliveredAt.IsZero() {
		it.GSI5PK, it.GSI5SK = g5NoticesDue, sortTS(n.CreatedAt)+"#"+n.ID
	}
	return marshal(it)
}

func (it *noticeItem) domain() (*feedback.Notice, error) {
	n := &feedback.Notice{
		ID: it.ID, Kind: it.Kind, SummaryID: it.SummaryID, ProblemID: it.ProblemID, SuggestionID: it.SuggestionID,
		Unit: it.Unit, CoUnits: it.CoUnits, Subject: it.Subject, Text: it.Text, Link: it.Link,
		Delivered: it.Delivered, Attempts: it.Attempts, LastError: it.LastError, Failed: it.Failed, Version: it.Version,
	}
	var err error
	if n.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	if n.DeliveredAt, err = parseTS("delivered_at", it.DeliveredAt); err != nil {
		return nil, err
	}
	return n, nil
}

// noticeWrites are the transaction's puts of new notices (create-if-absent).
func (s *Store) noticeWrites(notices []*feedback.Notice) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	for _, n := range notices {
		c := *n
		c.Version = 1
		item, err := noticeToItem(&c)
		if err != nil {
			return nil, err
		}
		out = append(out, s.put(item, notExists()))
	}
	return out, nil
}

// CreateNotice stores n in the outbox.
func (s *Store) CreateNotice(ctx context.Context, n *feedback.Notice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	items, err := s.noticeWrites([]*feedback.Notice{n})
	if err != nil {
		return err
	}
	p := items[0].Put
	err = s.putIf(ctx, p.Item, &condition{expr: p.ConditionExpression, names: p.ExpressionAttributeNames, values: p.ExpressionAttributeValues})
	if err != nil {
		return fmt.Errorf("dynamo: create notice %s: %w", n.ID, storeErr(err))
	}
	n.Version = 1
	return nil
}

// GetNotice reads a notice by ID.
func (s *Store) GetNotice(ctx context.Context, id string) (*feedback.Notice, error) {
	if !feedback.ValidKey(id) {
		return nil, feedback.NotFound("notice", id)
	}
	var it noticeItem
	found, err := s.getItem(ctx, pkNotice+id, skNotice, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get notice %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("notice", id)
	}
	n, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get notice %s: %w", id, feedback.Internal(err))
	}
	return n, nil
}

// UpdateNotice records a notice's delivery state (optimistic).
func (s *Store) UpdateNotice(ctx context.Context, n *feedback.Notice) error {
	if err := n.Validate(); err != nil {
		return err
	}
	c := *n
	c.Version = n.Version + 1
	item, err := noticeToItem(&c)
	if err != nil {
		return err
	}
	vc := versionIs(n.Version)
	err = s.putIf(ctx, item, vc)
	if err != nil {
		return fmt.Errorf("dynamo: update notice %s: %w", n.ID, storeErr(err))
	}
	n.Version++
	return nil
}

// ListPendingNotices reads gsi5's NOTICEDUE partition (pending notices
// only) up to the given creation time, oldest first.
func (s *Store) ListPendingNotices(ctx context.Context, before time.Time, limit int) ([]*feedback.Notice, error) {
	spec := listSpec{
		id: listID("pending_notices"), parts: []part{gsi(5, g5NoticesDue)},
		high: sortTS(before), limit: feedback.ClampLimit(limit),
	}
	items, _, err := s.readList(ctx, spec, "")
	if err != nil {
		return nil, fmt.Errorf("dynamo: list pending notices: %w", err)
	}
	out, err := decodeAll(items, (*noticeItem).domain)
	if err != nil {
		return nil, fmt.Errorf("dynamo: list pending notices: %w", err)
	}
	return out, nil
}

// InsertedNotice reports whether rec is a new outbox notice stored in table
// ("" skips the check) and converts its new image, the way
// InsertedSuggestion does for suggestions.
func InsertedNotice(rec events.DynamoDBEventRecord, table string) (n *feedback.Notice, ok bool, err error) {
	if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
		return nil, false, nil
	}
	if table != "" && TableFromStreamARN(rec.EventSourceArn) != table {
		return nil, false, nil
	}
	img := rec.Change.NewImage
	if typ, _ := stringAttr(img, "type"); typ != typeNotice {
		return nil, false, nil
	}
	if pk, _ := stringAttr(img, "pk"); !strings.HasPrefix(pk, pkNotice) {
		return nil, false, nil
	}
	item, err := FromEventImage(img)
	if err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: %w", rec.EventID, err)
	}
	var it noticeItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: decode notice: %w", rec.EventID, err)
	}
	if it.PK != pkNotice+it.ID || it.SK != skNotice {
		return nil, false, fmt.Errorf("dynamo: stream record %s: notice key %q/%q does not match its id %q", rec.EventID, it.PK, it.SK, it.ID)
	}
	n, err = it.domain()
	if err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: %w", rec.EventID, err)
	}
	if err := n.Validate(); err != nil {
		return nil, false, fmt.Errorf("dynamo: stream record %s: invalid notice: %w", rec.EventID, err)
	}
	return n, true, nil
}

// unitItem is a registry entry. Every unit is in gsi1's UNIT partition,
// sorted by name.
type unitItem struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Type string `dynamodbav:"type"`
	indexKeys
	Name         string `dynamodbav:"name"`
	Head         string `dynamodbav:"head,omitempty"`
	Contact      string `dynamodbav:"contact,omitempty"`
	NotifyKind   string `dynamodbav:"notify_kind,omitempty"`
	NotifyURL    string `dynamodbav:"notify_url,omitempty"`
	NotifySecret string `dynamodbav:"notify_secret,omitempty"`
	CreatedAt    string `dynamodbav:"created_at,omitempty"`
	UpdatedAt    string `dynamodbav:"updated_at,omitempty"`
	UpdatedBy    string `dynamodbav:"updated_by,omitempty"`
	Version      int64  `dynamodbav:"version"`
}

func unitToItem(u *feedback.Unit) (map[string]types.AttributeValue, error) {
	it := unitItem{
		PK: pkUnit + u.Name, SK: skUnit, Type: typeUnit,
		Name: u.Name, Head: u.Head, Contact: u.Contact,
		NotifyKind: u.Notify.Kind, NotifyURL: u.Notify.URL, NotifySecret: u.Notify.Secret,
		CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt), UpdatedBy: u.UpdatedBy, Version: u.Version,
	}
	it.GSI1PK, it.GSI1SK = g1Units, u.Name
	return marshal(it)
}

func (it *unitItem) domain() (*feedback.Unit, error) {
	u := &feedback.Unit{
		Name: it.Name, Head: it.Head, Contact: it.Contact,
		Notify:    feedback.NotifyChannel{Kind: it.NotifyKind, URL: it.NotifyURL, Secret: it.NotifySecret},
		UpdatedBy: it.UpdatedBy, Version: it.Version,
	}
	var err error
	if u.CreatedAt, err = parseTS("created_at", it.CreatedAt); err != nil {
		return nil, err
	}
	if u.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	return u, nil
}

// putUnit writes u under cond with version v.
func (s *Store) putUnit(ctx context.Context, u *feedback.Unit, v int64, c *condition) error {
	cp := *u
	cp.Version = v
	item, err := unitToItem(&cp)
	if err != nil {
		return err
	}
	err = s.putIf(ctx, item, c)
	return storeErr(err)
}

// CreateUnit registers u.
func (s *Store) CreateUnit(ctx context.Context, u *feedback.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.putUnit(ctx, u, 1, notExists()); err != nil {
		return fmt.Errorf("dynamo: create unit %s: %w", u.Name, err)
	}
	u.Version = 1
	return nil
}

// GetUnit reads a unit by name.
func (s *Store) GetUnit(ctx context.Context, name string) (*feedback.Unit, error) {
	if name == "" || len(name) > 4*feedback.UnitMaxRunes {
		return nil, feedback.NotFound("unit", name)
	}
	var it unitItem
	found, err := s.getItem(ctx, pkUnit+name, skUnit, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get unit %s: %w", name, err)
	}
	if !found {
		return nil, feedback.NotFound("unit", name)
	}
	u, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get unit %s: %w", name, feedback.Internal(err))
	}
	return u, nil
}

// UpdateUnit stores u (optimistic).
func (s *Store) UpdateUnit(ctx context.Context, u *feedback.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.putUnit(ctx, u, u.Version+1, versionIs(u.Version)); err != nil {
		return fmt.Errorf("dynamo: update unit %s: %w", u.Name, err)
	}
	u.Version++
	return nil
}

// ListUnits reads gsi1's UNIT partition in name order.
func (s *Store) ListUnits(ctx context.Context, f feedback.UnitFilter) (feedback.Page[*feedback.Unit], error) {
	var page feedback.Page[*feedback.Unit]
	spec := listSpec{id: listID("units"), parts: []part{gsi(1, g1Units)}, limit: feedback.ClampLimit(f.Limit)}
	items, next, err := s.readList(ctx, spec, f.Cursor)
	if err != nil {
		return page, fmt.Errorf("dynamo: list units: %w", err)
	}
	page.Items, err = decodeAll(items, (*unitItem).domain)
	if err != nil {
		return page, fmt.Errorf("dynamo: list units: %w", err)
	}
	page.NextCursor = next
	return page, nil
}

// UpdateProblemList stores l (optimistic).
func (s *Store) UpdateProblemList(ctx context.Context, l *feedback.ProblemList) error {
	if err := l.ValidateUpdate(); err != nil {
		return err
	}
	c := *l
	c.Version = l.Version + 1
	item, err := problemListToItem(&c)
	if err != nil {
		return err
	}
	vc := versionIs(l.Version)
	err = s.putIf(ctx, item, vc)
	if err != nil {
		return fmt.Errorf("dynamo: update problem list %s: %w", l.ID, storeErr(err))
	}
	l.Version++
	return nil
}

// UpdateAccount replaces the account item and its token copy together,
// provided both exist with this token hash.
func (s *Store) UpdateAccount(ctx context.Context, a *feedback.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	main, byToken, err := accountItems(a)
	if err != nil {
		return err
	}
	same := cond(expression.AttributeExists(expression.Name("pk")).
		And(expression.Name("token_hash").Equal(expression.Value(a.TokenHash))))
	if err := s.transact(ctx, []types.TransactWriteItem{s.put(main, same), s.put(byToken, same)}); err != nil {
		err = storeErr(err)
		if feedback.IsCode(err, feedback.EConflict) {
			err = feedback.NotFound("account", a.ID)
		}
		return fmt.Errorf("dynamo: update account %s: %w", a.ID, err)
	}
	return nil
}

// Calendar years: one item each in the CALENDAR partition, sk the year.
const (
	typeCalendarYear = "calendar_year"
	pkCalendar       = "CALENDAR"
)

type calendarYearItem struct {
	PK        string   `dynamodbav:"pk"`
	SK        string   `dynamodbav:"sk"`
	Type      string   `dynamodbav:"type"`
	Year      int      `dynamodbav:"year"`
	Holidays  []string `dynamodbav:"holidays,omitempty"`
	Workdays  []string `dynamodbav:"workdays,omitempty"`
	UpdatedAt string   `dynamodbav:"updated_at,omitempty"`
	UpdatedBy string   `dynamodbav:"updated_by,omitempty"`
	Version   int64    `dynamodbav:"version"`
}

func (it *calendarYearItem) domain() (*feedback.CalendarYear, error) {
	y := &feedback.CalendarYear{Year: it.Year, Holidays: []feedback.Date{}, Workdays: []feedback.Date{}, UpdatedBy: it.UpdatedBy, Version: it.Version}
	for _, d := range it.Holidays {
		y.Holidays = append(y.Holidays, feedback.Date(d))
	}
	for _, d := range it.Workdays {
		y.Workdays = append(y.Workdays, feedback.Date(d))
	}
	var err error
	if y.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, err
	}
	return y, nil
}

// ListCalendarYears reads the CALENDAR partition, strongly consistent.
func (s *Store) ListCalendarYears(ctx context.Context) ([]*feedback.CalendarYear, error) {
	spec := listSpec{id: listID("calendar"), parts: []part{tablePart(pkCalendar)}, limit: feedback.MaxListLimit}
	var out []*feedback.CalendarYear
	cursor := ""
	for {
		items, next, err := s.readList(ctx, spec, cursor)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list calendar years: %w", err)
		}
		ys, err := decodeAll(items, (*calendarYearItem).domain)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list calendar years: %w", err)
		}
		out = append(out, ys...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// PutCalendarYear stores y: create-if-absent at version 0, else
// optimistic.
func (s *Store) PutCalendarYear(ctx context.Context, y *feedback.CalendarYear) error {
	if err := y.Validate(); err != nil {
		return err
	}
	it := calendarYearItem{PK: pkCalendar, SK: fmt.Sprintf("%04d", y.Year), Type: typeCalendarYear, Year: y.Year,
		UpdatedAt: ts(y.UpdatedAt), UpdatedBy: y.UpdatedBy, Version: y.Version + 1}
	for _, d := range y.Holidays {
		it.Holidays = append(it.Holidays, string(d))
	}
	for _, d := range y.Workdays {
		it.Workdays = append(it.Workdays, string(d))
	}
	item, err := marshal(it)
	if err != nil {
		return err
	}
	c := notExists()
	if y.Version != 0 {
		c = versionIs(y.Version)
	}
	err = s.putIf(ctx, item, c)
	if err != nil {
		return fmt.Errorf("dynamo: put calendar year %d: %w", y.Year, storeErr(err))
	}
	y.Version++
	return nil
}

// Extension requests live in their problem's item collection (pk PRB#<id>,
// sk EXT#<extension id>), read strongly consistently; IDs sort by time.
const (
	typeExtension = "extension"
	skExtension   = "EXT#"
)

type extensionItem struct {
	PK               string `dynamodbav:"pk"`
	SK               string `dynamodbav:"sk"`
	Type             string `dynamodbav:"type"`
	ID               string `dynamodbav:"id"`
	ProblemID        string `dynamodbav:"problem_id"`
	Deadline         string `dynamodbav:"deadline"`
	WorkingDays      int    `dynamodbav:"working_days,omitempty"`
	PreviousDeadline string `dynamodbav:"previous_deadline,omitempty"`
	Reason           string `dynamodbav:"reason"`
	RequestedBy      string `dynamodbav:"requested_by,omitempty"`
	RequestedUnit    string `dynamodbav:"requested_unit,omitempty"`
	RequestedAt      string `dynamodbav:"requested_at"`
	Status           string `dynamodbav:"status"`
	DecidedBy        string `dynamodbav:"decided_by,omitempty"`
	DecidedAt        string `dynamodbav:"decided_at,omitempty"`
	DecisionNote     string `dynamodbav:"decision_note,omitempty"`
	Version          int64  `dynamodbav:"version"`
}

func extensionToItem(e *feedback.Extension) (map[string]types.AttributeValue, error) {
	return marshal(extensionItem{
		PK: pkProblem + e.ProblemID, SK: skExtension + e.ID, Type: typeExtension,
		ID: e.ID, ProblemID: e.ProblemID, Deadline: string(e.Deadline), WorkingDays: e.WorkingDays,
		PreviousDeadline: string(e.PreviousDeadline), Reason: e.Reason, RequestedBy: e.RequestedBy,
		RequestedUnit: e.RequestedUnit, RequestedAt: ts(e.RequestedAt), Status: string(e.Status),
		DecidedBy: e.DecidedBy, DecidedAt: ts(e.DecidedAt), DecisionNote: e.DecisionNote, Version: e.Version,
	})
}

func (it *extensionItem) domain() (*feedback.Extension, error) {
	e := &feedback.Extension{
		ID: it.ID, ProblemID: it.ProblemID, Deadline: feedback.Date(it.Deadline), WorkingDays: it.WorkingDays,
		PreviousDeadline: feedback.Date(it.PreviousDeadline), Reason: it.Reason, RequestedBy: it.RequestedBy,
		RequestedUnit: it.RequestedUnit, Status: feedback.ExtensionStatus(it.Status), DecidedBy: it.DecidedBy,
		DecisionNote: it.DecisionNote, Version: it.Version,
	}
	var err error
	if e.RequestedAt, err = parseTS("requested_at", it.RequestedAt); err != nil {
		return nil, err
	}
	if e.DecidedAt, err = parseTS("decided_at", it.DecidedAt); err != nil {
		return nil, err
	}
	return e, nil
}

// extensionWrite is the transaction's put of an extension: created at
// version 0, else under its version.
func (s *Store) extensionWrite(e *feedback.Extension) (types.TransactWriteItem, error) {
	c := *e
	c.Version = e.Version + 1
	item, err := extensionToItem(&c)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	if e.Version == 0 {
		return s.put(item, notExists()), nil
	}
	return s.put(item, versionIs(e.Version)), nil
}

// GetExtension reads one extension request of a problem.
func (s *Store) GetExtension(ctx context.Context, problemID, id string) (*feedback.Extension, error) {
	if !feedback.ValidKey(problemID) || !feedback.ValidKey(id) {
		return nil, feedback.NotFound("extension", id)
	}
	var it extensionItem
	found, err := s.getItem(ctx, pkProblem+problemID, skExtension+id, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get extension %s: %w", id, err)
	}
	if !found {
		return nil, feedback.NotFound("extension", id)
	}
	e, err := it.domain()
	if err != nil {
		return nil, fmt.Errorf("dynamo: get extension %s: %w", id, feedback.Internal(err))
	}
	return e, nil
}

// ListExtensions reads a problem's EXT# items, oldest first.
func (s *Store) ListExtensions(ctx context.Context, problemID string) ([]*feedback.Extension, error) {
	if !feedback.ValidKey(problemID) {
		return []*feedback.Extension{}, nil
	}
	spec := listSpec{id: listID("extensions", problemID), parts: []part{tablePart(pkProblem + problemID)},
		low: skExtension, high: "EXT$", limit: feedback.MaxListLimit}
	out := []*feedback.Extension{}
	cursor := ""
	for {
		items, next, err := s.readList(ctx, spec, cursor)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list extensions of %s: %w", problemID, err)
		}
		es, err := decodeAll(items, (*extensionItem).domain)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list extensions of %s: %w", problemID, err)
		}
		out = append(out, es...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// Co-units: a problem is listed under each of its co-units as well as its
// lead (gsi4 PRBU#<unit>), so a unit lists what it leads and what it
// assists in one Query. The problem item is in its lead's partition; for
// each co-unit a full copy of it (pk PRB#<id>, sk CO#<unit>, type
// problem_co_unit, no other index keys) is in the co-unit's, rewritten with
// every problem write, so filters and pages treat both alike.
const (
	typeProblemCoUnit = "problem_co_unit"
	skCoUnit          = "CO#"
)

// coUnitsOf lists p's co-units that get a copy: each once, not the lead.
func coUnitsOf(p *feedback.Problem) []string {
	var out []string
	for _, u := range p.CoUnits {
		if u != "" && u != p.ResponsibleUnit && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// coUnitWrites are the transaction's writes of p's co-unit copies: a put
// for each co-unit it has (at version newVersion), a delete for each one
// old had and p has not.
func (s *Store) coUnitWrites(p *feedback.Problem, newVersion int64, old *feedback.Problem) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	c := *p
	c.Version = newVersion
	for _, u := range coUnitsOf(p) {
		it := newProblemItem(&c)
		it.SK, it.Type = skCoUnit+u, typeProblemCoUnit
		it.indexKeys = indexKeys{GSI4PK: g4ProblemsU + u, GSI4SK: sortTS(p.CreatedAt) + "#" + p.ID}
		item, err := marshal(it)
		if err != nil {
			return nil, err
		}
		out = append(out, s.put(item, nil))
	}
	if old != nil {
		keep := coUnitsOf(p)
		for _, u := range coUnitsOf(old) {
			if !slices.Contains(keep, u) {
				out = append(out, types.TransactWriteItem{Delete: &types.Delete{TableName: s.table, Key: key(pkProblem+p.ID, skCoUnit+u)}})
			}
		}
	}
	return out, nil
}

// Contributions live in their problem's item collection (pk PRB#<id>, sk
// CTB#<contribution id>), created with the problem write that records them.
const (
	typeContribution = "contribution"
	skContribution   = "CTB#"
)

type contributionItem struct {
	PK        string         `dynamodbav:"pk"`
	SK        string         `dynamodbav:"sk"`
	Type      string         `dynamodbav:"type"`
	ID        string         `dynamodbav:"id"`
	ProblemID string         `dynamodbav:"problem_id"`
	Unit      string         `dynamodbav:"unit"`
	Text      string         `dynamodbav:"text"`
	Files     []evidenceItem `dynamodbav:"files,omitempty"`
	By        string         `dynamodbav:"by,omitempty"`
	At        string         `dynamodbav:"at"`
}

func (it *contributionItem) domain() (*feedback.Contribution, error) {
	c := &feedback.Contribution{ID: it.ID, ProblemID: it.ProblemID, Unit: it.Unit, Text: it.Text, By: it.By}
	var err error
	if c.Files, err = evidenceRefs(it.Files); err != nil {
		return nil, err
	}
	if c.At, err = parseTS("at", it.At); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Store) contributionWrite(c *feedback.Contribution) (types.TransactWriteItem, error) {
	item, err := marshal(contributionItem{PK: pkProblem + c.ProblemID, SK: skContribution + c.ID, Type: typeContribution,
		ID: c.ID, ProblemID: c.ProblemID, Unit: c.Unit, Text: c.Text, Files: evidenceItems(c.Files), By: c.By, At: ts(c.At)})
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return s.put(item, notExists()), nil
}

// ListContributions reads a problem's CTB# items, oldest first.
func (s *Store) ListContributions(ctx context.Context, problemID string) ([]*feedback.Contribution, error) {
	if !feedback.ValidKey(problemID) {
		return []*feedback.Contribution{}, nil
	}
	spec := listSpec{id: listID("contributions", problemID), parts: []part{tablePart(pkProblem + problemID)},
		low: skContribution, high: "CTB$", limit: feedback.MaxListLimit}
	out := []*feedback.Contribution{}
	cursor := ""
	for {
		items, next, err := s.readList(ctx, spec, cursor)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list contributions of %s: %w", problemID, err)
		}
		cs, err := decodeAll(items, (*contributionItem).domain)
		if err != nil {
			return nil, fmt.Errorf("dynamo: list contributions of %s: %w", problemID, err)
		}
		out = append(out, cs...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}

// Assessment: the scheme is one versioned item; entries are bucketed by
// their day's month (pk ASSESS#<month>, sk <day>#<id>), so a period reads
// its months only.
const (
	typeAssessmentScheme = "assessment_scheme"
	typeAssessmentEntry  = "assessment_entry"
	pkAssessmentScheme   = "ASSESSMENT_SCHEME"
	pkAssessment         = "ASSESS#"
)

type assessmentSchemeItem struct {
	PK        string               `dynamodbav:"pk"`
	SK        string               `dynamodbav:"sk"`
	Type      string               `dynamodbav:"type"`
	Base      float64              `dynamodbav:"base"`
	Rules     []assessmentRuleItem `dynamodbav:"rules,omitempty"`
	UpdatedAt string               `dynamodbav:"updated_at,omitempty"`
	UpdatedBy string               `dynamodbav:"updated_by,omitempty"`
	Version   int64                `dynamodbav:"version"`
}

type assessmentRuleItem struct {
	Event  string  `dynamodbav:"event"`
	Points float64 `dynamodbav:"points"`
}

// GetAssessmentScheme reads the scheme; Version 0 when none was saved.
func (s *Store) GetAssessmentScheme(ctx context.Context) (*feedback.AssessmentScheme, error) {
	var it assessmentSchemeItem
	found, err := s.getItem(ctx, pkAssessmentScheme, pkAssessmentScheme, &it)
	if err != nil {
		return nil, fmt.Errorf("dynamo: get assessment scheme: %w", err)
	}
	if !found {
		return &feedback.AssessmentScheme{}, nil
	}
	sc := &feedback.AssessmentScheme{Base: it.Base, UpdatedBy: it.UpdatedBy, Version: it.Version}
	for _, r := range it.Rules {
		sc.Rules = append(sc.Rules, feedback.AssessmentRule{Event: r.Event, Points: r.Points})
	}
	if sc.UpdatedAt, err = parseTS("updated_at", it.UpdatedAt); err != nil {
		return nil, fmt.Errorf("dynamo: get assessment scheme: %w", feedback.Internal(err))
	}
	return sc, nil
}

// PutAssessmentScheme stores sc: create-if-absent at version 0, else
// optimistic.
func (s *Store) PutAssessmentScheme(ctx context.Context, sc *feedback.AssessmentScheme) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	it := assessmentSchemeItem{PK: pkAssessmentScheme, SK: pkAssessmentScheme, Type: typeAssessmentScheme,
		Base: sc.Base, UpdatedAt: ts(sc.UpdatedAt), UpdatedBy: sc.UpdatedBy, Version: sc.Version + 1}
	for _, r := range sc.Rules {
		it.Rules = append(it.Rules, assessmentRuleItem{Event: r.Event, Points: r.Points})
	}
	item, err := marshal(it)
	if err != nil {
		return err
	}
	c := notExists()
	if sc.Version != 0 {
		c = versionIs(sc.Version)
	}
	err = s.putIf(ctx, item, c)
	if err != nil {
		return fmt.Errorf("dynamo: put assessment scheme: %w", storeErr(err))
	}
	sc.Version++
	return nil
}

type assessmentEntryItem struct {
	PK           string `dynamodbav:"pk"`
	SK           string `dynamodbav:"sk"`
	Type         string `dynamodbav:"type"`
	ID           string `dynamodbav:"id"`
	Day          string `dynamodbav:"day"`
	Unit         string `dynamodbav:"unit,omitempty"`
	Event        string `dynamodbav:"event"`
	ProblemID    string `dynamodbav:"problem_id,omitempty"`
	ProblemTitle string `dynamodbav:"problem_title,omitempty"`
	SuggestionID string `dynamodbav:"suggestion_id,omitempty"`
	Note         string `dynamodbav:"note,omitempty"`
	At           string `dynamodbav:"at,omitempty"`
}

func assessmentEntryToItem(e *feedback.AssessmentEntry) (map[string]types.AttributeValue, error) {
	return marshal(assessmentEntryItem{PK: pkAssessment + string(e.Day)[:7], SK: string(e.Day) + "#" + e.ID, Type: typeAssessmentEntry,
		ID: e.ID, Day: string(e.Day), Unit: e.Unit, Event: e.Event, ProblemID: e.ProblemID, ProblemTitle: e.ProblemTitle,
		SuggestionID: e.SuggestionID, Note: e.Note, At: ts(e.At)})
}

func (it *assessmentEntryItem) domain() (*feedback.AssessmentEntry, error) {
	e := &feedback.AssessmentEntry{ID: it.ID, Day: feedback.Date(it.Day), Unit: it.Unit, Event: it.Event, ProblemID: it.ProblemID,
		ProblemTitle: it.ProblemTitle, SuggestionID: it.SuggestionID, Note: it.Note}
	var err error
	if e.At, err = parseTS("at", it.At); err != nil {
		return nil, err
	}
	return e, nil
}

// assessmentWrites are a problem write's entries (AssessmentEntriesFor),
// put unconditionally: an entry's ID names its event.
func (s *Store) assessmentWrites(entries []*feedback.AssessmentEntry) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	for _, e := range entries {
		item, err := assessmentEntryToItem(e)
		if err != nil {
			return nil, err
		}
		out = append(out, s.put(item, nil))
	}
	return out, nil
}

// PutAssessmentEntries stores entries one PutItem each (replacing the
// same event recorded before).
func (s *Store) PutAssessmentEntries(ctx context.Context, entries []*feedback.AssessmentEntry) error {
	for _, e := range entries {
		if err := e.Validate(); err != nil {
			return err
		}
	}
	for _, e := range entries {
		item, err := assessmentEntryToItem(e)
		if err != nil {
			return err
		}
		if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: s.table, Item: item}); err != nil {
			return fmt.Errorf("dynamo: put assessment entry %s: %w", e.ID, storeErr(err))
		}
	}
	return nil
}

// ListAssessmentEntries reads the month buckets from..to with a sort-key
// range, strongly consistent.
func (s *Store) ListAssessmentEntries(ctx context.Context, from, to feedback.Date) ([]*feedback.AssessmentEntry, error) {
	if err := feedback.ValidateDayRange(from, to); err != nil {
		return nil, err
	}
	out := []*feedback.AssessmentEntry{}
	if from == "" || to == "" || to.Before(from) {
		return out, nil
	}
	start := from.Start()
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, feedback.Shanghai); !to.Before(feedback.DateOf(m)); m = m.AddDate(0, 1, 0) {
		spec := listSpec{id: listID("assessment", string(from), string(to)), parts: []part{tablePart(pkAssessment + m.Format("2006-01"))},
			low: string(from), high: string(to.AddDays(1)), limit: feedback.MaxListLimit}
		cursor := ""
		for {
			items, next, err := s.readList(ctx, spec, cursor)
			if err != nil {
				return nil, fmt.Errorf("dynamo: list assessment entries: %w", err)
			}
			es, err := decodeAll(items, (*assessmentEntryItem).domain)
			if err != nil {
				return nil, fmt.Errorf("dynamo: list assessment entries: %w", err)
			}
			out = append(out, es...)
			if next == "" {
				break
			}
			cursor = next
		}
	}
	return out, nil
}
