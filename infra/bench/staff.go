package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	sqlitedrv "modernc.org/sqlite"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/httpapi"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// staffRun is the staff reads' figures on both stores.
type staffRun struct {
	Stored       int
	Samples      int
	DataNote     string
	Reads        []staffRead
	ShortPages   int // DynamoDB pages that came back short while matches remained
	PagesChecked int
}

// staffRead is one read on one store, against its bare query.
type staffRead struct {
	Name, Store     string
	Rows            int
	Runs            int
	Time, BareTime  time.Duration // medians
	Units, BareUnit float64       // SQLite pages, DynamoDB read request units
	Trips, BareTrip int           // DynamoDB round trips (0 on SQLite)
	UnitName        string
}

// ratio is the worst of the read's ratios to its bare query: time, read
// units and (DynamoDB) round trips.
func (r staffRead) ratio() float64 {
	v := float64(r.Time) / float64(r.BareTime)
	if r.BareUnit > 0 {
		v = math.Max(v, r.Units/r.BareUnit)
	}
	if r.BareTrip > 0 {
		v = math.Max(v, float64(r.Trips)/float64(r.BareTrip))
	}
	return v
}

func (r staffRead) measured() string {
	s := fmt.Sprintf("%.2f ms, %.0f %s", float64(r.Time)/1e6, r.Units, r.UnitName)
	if r.Trips > 0 {
		s += fmt.Sprintf(", %d round trips", r.Trips)
	}
	return s
}

func (r staffRead) baseline() string {
	s := fmt.Sprintf("bare %.2f ms, %.0f %s", float64(r.BareTime)/1e6, r.BareUnit, r.UnitName)
	if r.BareTrip > 0 {
		s += fmt.Sprintf(", %d", r.BareTrip)
	}
	return s
}

func (s *staffRun) worst() float64 {
	v := math.NaN()
	for _, r := range s.Reads {
		if x := r.ratio(); math.IsNaN(v) || x > v {
			v = x
		}
	}
	return v
}

func (s *staffRun) jsonDetail() []map[string]any {
	var out []map[string]any
	for _, r := range s.Reads {
		out = append(out, map[string]any{
			"read": r.Name, "store": r.Store, "rows": r.Rows, "runs": r.Runs, "ratio": num(r.ratio(), 3),
			"ms": num(float64(r.Time)/1e6, 3), "bare_ms": num(float64(r.BareTime)/1e6, 3),
			r.UnitName: num(r.Units, 1), "bare_" + r.UnitName: num(r.BareUnit, 1),
			"round_trips": r.Trips, "bare_round_trips": r.BareTrip,
		})
	}
	return out
}

func (s *staffRun) printDetail(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "read\tstore\trows\truns\ttime\tbare\tread units\tbare\tround trips\tbare\tworst ratio")
	for _, r := range s.Reads {
		trips, bare := "—", "—"
		if r.BareTrip > 0 {
			trips, bare = fmt.Sprint(r.Trips), fmt.Sprint(r.BareTrip)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f ms\t%.2f ms\t%.1f %s\t%.1f\t%s\t%s\t%.2f×\n", r.Name, r.Store, r.Rows, r.Runs,
			float64(r.Time)/1e6, float64(r.BareTime)/1e6, r.Units, r.UnitName, r.BareUnit, trips, bare, r.ratio())
	}
	tw.Flush()
}

// staffQuery is one of the measured reads.
type staffQuery struct {
	name   string
	params url.Values
	filter feedback.SuggestionFilter
	// dense: matches are common, so the bare DynamoDB query reads pages
	// of the page size rather than 1 MB pages.
	dense bool
}

func staffQueries(d *staffData) []staffQuery {
	q := func(name string, f feedback.SuggestionFilter, dense bool, kv ...string) staffQuery {
		p := url.Values{"limit": {fmt.Sprint(staffPage)}}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Set(kv[i], kv[i+1])
		}
		f.Limit = staffPage
		return staffQuery{name: name, params: p, filter: f, dense: dense}
	}
	return []staffQuery{
		q("first list page", feedback.SuggestionFilter{}, true),
		q("triage list page (list and status)", feedback.SuggestionFilter{ProblemListID: feedback.TriageListID, Status: feedback.SuggestionRouted}, false,
			"problem_list_id", feedback.TriageListID, "status", string(feedback.SuggestionRouted)),
		q("one symposium's page", feedback.SuggestionFilter{SymposiumID: d.pageSymposium.ID}, true, "symposium_id", d.pageSymposium.ID),
		q("sparse filter page (channel import, 1%)", feedback.SuggestionFilter{Channel: feedback.ChannelImport}, false, "channel", string(feedback.ChannelImport)),
		q("search page, common term", feedback.SuggestionFilter{Query: commonTerm}, false, "q", commonTerm),
		q("search page, rare term", feedback.SuggestionFilter{Query: rareTerm}, false, "q", rareTerm),
	}
}

// staffReads measures each read of staffQueries through the staff API
// (the real handler, in process, admin token) on SQLite (the file at path,
// loaded by loadSQLite) and on DynamoDB (table, loaded by loadDynamo),
// each against a bare indexed query that returns the same rows from the
// same store, and checks that a DynamoDB search never answers a short
// page while matches remain.
func staffReads(ctx context.Context, path string, client *dynamodb.Client, endpoint string, def *dynamodb.CreateTableInput,
	table string, d *staffData, samples int) (*staffRun, error) {
	out := &staffRun{Stored: len(d.suggestions), Samples: samples,
		DataNote: fmt.Sprintf("%d months, %d symposia, page size %d, %q in ~30%%, %q in %d", staffMonths, staffSymposia, staffPage, commonTerm, rareTerm, d.rareMatches)}
	queries := staffQueries(d)

	// SQLite: the store on the file loadSQLite wrote at path, the bare
	// queries on another connection to the same file.
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	defer st.Close()
	bare, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	defer bare.Close()
	bare.SetMaxOpenConns(1)
	conn, err := bare.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	h := staffHandler(st)
	for _, q := range queries {
		// Sub-millisecond reads: ten times the samples, for steady medians.
		r, err := measureRead(ctx, q, "SQLite", "pages", samples*10, 0,
			func() ([]string, float64, int, time.Duration, error) {
				before, err := st.PagesRead(ctx)
				if err != nil {
					return nil, 0, 0, 0, err
				}
				ids, _, took, err := timedAPIPage(ctx, h, q.params)
				after, _ := st.PagesRead(ctx)
				return ids, float64(after - before), 0, took, err
			},
			func() ([]string, float64, int, time.Duration, error) {
				before, err := connPages(conn)
				if err != nil {
					return nil, 0, 0, 0, err
				}
				t := time.Now()
				ids, err := bareSQLite(ctx, conn, q)
				took := time.Since(t)
				after, _ := connPages(conn)
				return ids, float64(after - before), 0, took, err
			})
		if err != nil {
			return nil, err
		}
		out.Reads = append(out.Reads, *r)
	}

	// DynamoDB: the same handler on the DynamoDB store; both sides go
	// through a meter for read units and round trips.
	m := newMeter(endpoint, def)
	m.dropped = entrySizes(d, m)
	murl, closeMeter, err := m.serve()
	if err != nil {
		return nil, err
	}
	defer closeMeter()
	metered := dynamodb.NewFromConfig(awsConfig(murl))
	dst := dynamo.New(metered, table)
	dh := staffHandler(dst)
	if _, _, err := apiPage(ctx, dh, url.Values{"limit": {"1"}}); err != nil { // reads the cursor key once
		return nil, err
	}
	type page struct {
		rows int
		next string
	}
	firstPages := map[string]page{} // the first measured page of each read, where the walk below goes on
	for _, q := range queries {
		r, err := measureRead(ctx, q, "DynamoDB", "RRU", samples, 40*time.Second,
			func() ([]string, float64, int, time.Duration, error) {
				before := m.snapshot()
				ids, next, took, err := timedAPIPage(ctx, dh, q.params)
				u := m.snapshot().sub(before)
				if _, ok := firstPages[q.name]; !ok && err == nil {
					firstPages[q.name] = page{len(ids), next}
				}
				return ids, u.RRU, u.trips(), took, err
			},
			func() ([]string, float64, int, time.Duration, error) {
				before := m.snapshot()
				t := time.Now()
				ids, err := bareDynamo(ctx, metered, table, d, q)
				took := time.Since(t)
				u := m.snapshot().sub(before)
				return ids, u.RRU, u.trips(), took, err
			})
		if err != nil {
			return nil, err
		}
		out.Reads = append(out.Reads, *r)
	}

	// Short pages: follow the searches (and the sparse filter) page by
	// page. The rare term to its end, where every one of its matches must
	// have come; the others for five pages.
	for _, q := range queries {
		if q.params.Get("q") == "" && q.params.Get("channel") == "" {
			continue
		}
		// The first page was read (and timed) above; go on from it.
		first := firstPages[q.name]
		pages, found, short := 1, first.rows, 0
		if first.next != "" && first.rows < staffPage {
			short++
		}
		params := cloneValues(q.params)
		params.Set("cursor", first.next)
		for first.next != "" {
			ids, next, err := apiPage(ctx, dh, params)
			if err != nil {
				return nil, err
			}
			pages++
			found += len(ids)
			if next != "" && len(ids) < staffPage {
				short++
			}
			if next == "" || (q.params.Get("q") != rareTerm && pages == 5) {
				break
			}
			params.Set("cursor", next)
		}
		if q.params.Get("q") == rareTerm && found < d.rareMatches {
			short++ // the list ended with matches left
		}
		out.ShortPages += short
		out.PagesChecked += pages
	}
	return out, nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// measureRead runs a read and its bare query alternately, first once each
// unmeasured (which also checks that they return the same rows), then
// samples times each, or fewer when a pair takes longer than budget
// (moto answers a query on a 100,000-item table in ~0.1 s).
func measureRead(ctx context.Context, q staffQuery, store, unit string, samples int, budget time.Duration,
	jianyan, bare func() ([]string, float64, int, time.Duration, error)) (*staffRead, error) {
	r := &staffRead{Name: q.name, Store: store, UnitName: unit}
	var ts, bs []time.Duration
	var us, bu []float64
	var tr, btr []int
	start := time.Now()
	for i := 0; i < samples+1; i++ {
		var jIDs, bIDs []string
		one := func() error {
			ids, u, trips, took, err := jianyan()
			if err != nil {
				return fmt.Errorf("%s on %s: %w", q.name, store, err)
			}
			ts, us, tr, jIDs = append(ts, took), append(us, u), append(tr, trips), ids
			return nil
		}
		two := func() error {
			ids, u, trips, took, err := bare()
			if err != nil {
				return fmt.Errorf("bare %s on %s: %w", q.name, store, err)
			}
			bs, bu, btr, bIDs = append(bs, took), append(bu, u), append(btr, trips), ids
			return nil
		}
		if i%2 == 1 {
			one, two = two, one
		}
		if err := one(); err != nil {
			return nil, err
		}
		if err := two(); err != nil {
			return nil, err
		}
		if i == 0 {
			if !slices.Equal(jIDs, bIDs) {
				return nil, fmt.Errorf("%s on %s: the API answered %d rows, the bare query %d other ones (%v vs %v)", q.name, store, len(jIDs), len(bIDs), head(jIDs), head(bIDs))
			}
			r.Rows = len(jIDs)
			// The first pair warms caches; with a budget (moto) it is
			// kept, since moto caches nothing.
			if budget == 0 {
				ts, bs, us, bu, tr, btr = nil, nil, nil, nil, nil, nil
			}
		}
		if budget > 0 && time.Since(start)*time.Duration(i+2)/time.Duration(i+1) > budget {
			break
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	r.Runs = len(ts)
	r.Time, r.BareTime = median(ts), median(bs)
	r.Units, r.BareUnit = medianF(us), medianF(bu)
	r.Trips, r.BareTrip = int(medianF(intsF(tr))), int(medianF(intsF(btr)))
	return r, nil
}

func head(ids []string) []string { return ids[:min(3, len(ids))] }

func medianF(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	return c[len(c)/2]
}

func intsF(s []int) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

// trips is the number of DynamoDB requests in u.
func (u usage) trips() int {
	n := 0
	for _, c := range u.Calls {
		n += c
	}
	return n
}

const staffToken = "bench-staff-admin-token-0123456789abcdef"

// staffHandler is the staff API on store as the local stack wires it
// (token sign-in), logging to nowhere in the same format.
func staffHandler(store feedback.Store) http.Handler {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	svc := feedback.NewService(store, feedback.Config{PublicBaseURL: "https://bench.example.gov.cn", Logger: log})
	return httpapi.NewStaffHandler(httpapi.StaffConfig{Service: svc, Auth: &httpapi.TokenAuth{Store: store, AdminToken: staffToken}, Logger: log})
}

// apiPage gets one page of GET /api/v1/suggestions and returns its IDs and
// next cursor.
func apiPage(ctx context.Context, h http.Handler, params url.Values) ([]string, string, error) {
	ids, next, _, err := timedAPIPage(ctx, h, params)
	return ids, next, err
}

// timedAPIPage is apiPage that also returns how long the handler took to
// answer (not the harness's reading of the answer).
func timedAPIPage(ctx context.Context, h http.Handler, params url.Values) ([]string, string, time.Duration, error) {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/suggestions?"+params.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+staffToken)
	rec := httptest.NewRecorder()
	t := time.Now()
	h.ServeHTTP(rec, req)
	took := time.Since(t)
	if rec.Code != http.StatusOK {
		return nil, "", took, fmt.Errorf("GET /api/v1/suggestions?%s = %d: %s", params.Encode(), rec.Code, tail(rec.Body.String()))
	}
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		return nil, "", took, fmt.Errorf("decode the list: %w", err)
	}
	ids := make([]string, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	return ids, page.NextCursor, took, nil
}

// bareSQLite is the bare indexed query of q's rows: the same columns the
// store reads, newest first, through the index that fits, scanned into
// strings. A text search walks the full-text index's rowids newest first
// (rows are inserted in time order, so that is the same order).
func bareSQLite(ctx context.Context, conn *sql.Conn, q staffQuery) ([]string, error) {
	const cols = `s.id, s.version, s.topic, s.content, s.data`
	var query string
	var args []any
	f := q.filter
	switch {
	case f.Query != "":
		query = `SELECT ` + cols + ` FROM suggestions_fts f JOIN suggestions s ON s.rid = f.rowid
			WHERE suggestions_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?`
		args = []any{`"` + f.Query + `"`}
	case f.ProblemListID != "":
		query = `SELECT ` + cols + ` FROM suggestions s WHERE problem_list_id = ? AND status = ? ORDER BY submitted_at DESC, id DESC LIMIT ?`
		args = []any{f.ProblemListID, string(f.Status)}
	case f.SymposiumID != "":
		query = `SELECT ` + cols + ` FROM suggestions s WHERE symposium_id = ? ORDER BY submitted_at DESC, id DESC LIMIT ?`
		args = []any{f.SymposiumID}
	case f.Channel != "":
		query = `SELECT ` + cols + ` FROM suggestions s WHERE channel = ? ORDER BY submitted_at DESC, id DESC LIMIT ?`
		args = []any{string(f.Channel)}
	default:
		query = `SELECT ` + cols + ` FROM suggestions s ORDER BY submitted_at DESC, id DESC LIMIT ?`
	}
	rows, err := conn.QueryContext(ctx, query, append(args, staffPage)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id, topic, content, data string
		var version int64
		if err := rows.Scan(&id, &version, &topic, &content, &data); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// connPages is the pages conn has touched (cache hits plus misses), as
// sqlite.Store.PagesRead counts them for the store's readers.
func connPages(conn *sql.Conn) (int64, error) {
	var total int64
	err := conn.Raw(func(dc any) error {
		st, ok := dc.(sqlitedrv.DBStatus)
		if !ok {
			return fmt.Errorf("driver connection has no status")
		}
		for _, op := range []sqlitedrv.DBStatusOp{sqlitedrv.DBStatusCacheHit, sqlitedrv.DBStatusCacheMiss} {
			cur, _, err := st.Status(op, false)
			if err != nil {
				return err
			}
			total += int64(cur)
		}
		return nil
	})
	return total, err
}

// bareDynamo is the bare indexed query of q's rows on the table (keys from
// docs/dynamodb.md): a Query of the index partition that holds them, newest
// first (the month partitions one after another for lists over all
// symposia), with q's filter as a FilterExpression, until a page's worth of
// entries, then one BatchGetItem of their items (strongly consistent, as
// the store reads them). A dense read asks for a page's worth per Query;
// a filtered one reads 1 MB pages.
func bareDynamo(ctx context.Context, c *dynamodb.Client, table string, d *staffData, q staffQuery) ([]string, error) {
	type part struct{ index, pkAttr, pk string }
	var parts []part
	f := q.filter
	if f.SymposiumID != "" {
		parts = []part{{"sgs", "sgspk", "SUGSYM#" + f.SymposiumID}}
	} else {
		for _, m := range d.months {
			parts = append(parts, part{"sgm", "sgmpk", "SUG#" + m})
		}
	}
	names := map[string]string{"#pk": ""}
	values := map[string]types.AttributeValue{}
	var filter string
	switch {
	case f.Query != "":
		filter = "contains(#topic, :t) OR contains(#content, :t)"
		names["#topic"], names["#content"] = "topic", "content"
		values[":t"] = &types.AttributeValueMemberS{Value: f.Query}
	case f.ProblemListID != "":
		filter = "#list = :l AND #status = :s"
		names["#list"], names["#status"] = "problem_list_id", "status"
		values[":l"] = &types.AttributeValueMemberS{Value: f.ProblemListID}
		values[":s"] = &types.AttributeValueMemberS{Value: string(f.Status)}
	case f.Channel != "":
		filter = "#channel = :c"
		names["#channel"] = "channel"
		values[":c"] = &types.AttributeValueMemberS{Value: string(f.Channel)}
	}
	var keys []map[string]types.AttributeValue
	for _, p := range parts {
		names["#pk"] = p.pkAttr
		values[":pk"] = &types.AttributeValueMemberS{Value: p.pk}
		in := &dynamodb.QueryInput{TableName: aws.String(table), IndexName: aws.String(p.index),
			KeyConditionExpression: aws.String("#pk = :pk"), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
			ScanIndexForward: aws.Bool(false)}
		if filter != "" {
			in.FilterExpression = aws.String(filter)
		}
		if q.dense && filter == "" {
			in.Limit = aws.Int32(int32(staffPage - len(keys)))
		}
		for len(keys) < staffPage {
			out, err := c.Query(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("query %s %s: %w", p.index, p.pk, err)
			}
			for _, it := range out.Items {
				if len(keys) < staffPage {
					keys = append(keys, map[string]types.AttributeValue{"pk": it["pk"], "sk": it["sk"]})
				}
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
			if in.Limit != nil {
				in.Limit = aws.Int32(int32(staffPage - len(keys)))
			}
		}
		if len(keys) == staffPage {
			break
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	out, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		table: {Keys: keys, ConsistentRead: aws.Bool(true)}}})
	if err != nil {
		return nil, fmt.Errorf("batch get: %w", err)
	}
	if n := len(out.UnprocessedKeys[table].Keys); n > 0 {
		return nil, fmt.Errorf("batch get: %d keys unprocessed", n)
	}
	byKey := map[string]string{}
	for _, it := range out.Responses[table] {
		byKey[attrS(it, "pk")] = attrS(it, "id")
	}
	ids := make([]string, 0, len(keys))
	for _, k := range keys {
		ids = append(ids, byKey[attrS(k, "pk")])
	}
	return ids, nil
}

func attrS(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// entrySizes is the mean size of an entry of each suggestion index, as the
// meter counts it, over a sample of the data set: what a Query that a
// filter emptied has read.
func entrySizes(d *staffData, m *meter) map[string]int {
	sample := d.suggestions[:min(len(d.suggestions), 500)]
	items, err := dynamo.BulkItems(sample)
	if err != nil || len(items) == 0 {
		return nil
	}
	out := map[string]int{}
	for _, g := range m.indexes {
		total, n := 0, 0
		for _, it := range items {
			b, _ := json.Marshal(wireJSON(it))
			var w wireItem
			_ = json.Unmarshal(b, &w)
			if e := g.entry(w); e != nil {
				total += itemBytes(e)
				n++
			}
		}
		if n > 0 {
			out[g.name] = total / n
		}
	}
	return out
}
