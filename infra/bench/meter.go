package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// meter is a reverse proxy between the functions and the DynamoDB endpoint
// that adds up the request units each call would cost on an on-demand table,
// from the items on the wire, by DynamoDB's published rules:
//
//   - a write: 1 WRU per started KB of the larger of the item before and
//     after the write, for the table; for each global secondary index, the
//     index entry (its keys, the table's keys and the projected attributes:
//     all of them for ALL, the listed ones for INCLUDE, none for KEYS_ONLY)
//     per started KB when the item enters or leaves the index or a projected
//     attribute changes, twice when the index key changes (delete + put),
//     nothing when the entry stays the same; inside TransactWriteItems 2×;
//   - the item before a write is the meter's own copy of what went through
//     it (PutItem and transaction puts record items; UpdateItem applies its
//     SET and REMOVE clauses); an UpdateItem of an item it never saw, and
//     Update, Delete and ConditionCheck inside a transaction, are charged
//     1 KB (2 WRU in a transaction): those are small counter items;
//   - a read: per started 4 KB of what was read (GetItem: the item; Query:
//     the items examined; BatchGetItem: each item), 1 RRU strongly
//     consistent, 0.5 eventually; at least 0.5 per request.
//
// Failed conditional writes are not charged (only 200 answers are). It
// forwards requests unchanged (the SigV4 signature stays valid) and streams
// nothing, which is fine for a benchmark. Stream reads are free for Lambda
// triggers and are not counted.
type meter struct {
	target  string
	client  *http.Client
	indexes []gsiDef

	// dropped is the mean size of an entry of each index ("" for the
	// table) that a FilterExpression dropped, when a Query returns none to
	// measure: the harness sets it from the data it stored.
	dropped map[string]int

	mu             sync.Mutex
	now            usage
	lastTxMax      int
	lastSuggestion int
	items          map[string]wireItem // pk "\x00" sk → the item as last written through the meter
}

// gsiDef is what the meter needs of a global secondary index.
type gsiDef struct {
	name      string
	keys      []string
	all       bool     // ProjectionType ALL
	projected []string // INCLUDE's NonKeyAttributes
}

// usage is what went through the meter.
type usage struct {
	WRU, RRU float64
	Calls    map[string]int
}

func (u usage) sub(v usage) usage {
	out := usage{WRU: u.WRU - v.WRU, RRU: u.RRU - v.RRU, Calls: map[string]int{}}
	for k, n := range u.Calls {
		if d := n - v.Calls[k]; d != 0 {
			out.Calls[k] = d
		}
	}
	return out
}

func (u usage) String() string {
	var parts []string
	for _, op := range []string{"PutItem", "TransactWriteItems", "UpdateItem", "DeleteItem", "GetItem", "Query", "BatchGetItem", "BatchWriteItem", "Scan"} {
		if n := u.Calls[op]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s×%d", op, n))
		}
	}
	return fmt.Sprintf("%.1f WRU, %.1f RRU (%s)", u.WRU, u.RRU, strings.Join(parts, " "))
}

// newMeter returns a meter for the table definition def in front of target.
func newMeter(target string, def *dynamodb.CreateTableInput) *meter {
	m := &meter{target: strings.TrimRight(target, "/"), client: &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}},
		now: usage{Calls: map[string]int{}}, items: map[string]wireItem{}}
	for _, g := range def.GlobalSecondaryIndexes {
		d := gsiDef{name: aws.ToString(g.IndexName)}
		for _, k := range g.KeySchema {
			d.keys = append(d.keys, *k.AttributeName)
		}
		if g.Projection != nil {
			d.all = g.Projection.ProjectionType == "ALL"
			d.projected = g.Projection.NonKeyAttributes
		}
		m.indexes = append(m.indexes, d)
	}
	return m
}

// serve listens on a free loopback port and returns the proxy's URL.
func (m *meter) serve() (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("meter: listen: %w", err)
	}
	srv := &http.Server{Handler: m}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}

func (m *meter) snapshot() usage {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.now
	out.Calls = map[string]int{}
	for k, v := range m.now.Calls {
		out.Calls[k] = v
	}
	return out
}

func (m *meter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, m.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	req.Host = r.Host
	resp, err := m.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	// Account before answering: the caller may read the meter as soon as
	// it has the answer.
	target := r.Header.Get("X-Amz-Target")
	if op, ok := strings.CutPrefix(target, "DynamoDB_20120810."); ok && resp.StatusCode == http.StatusOK {
		m.account(op, body, out)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

type wireItem = map[string]map[string]json.RawMessage

func (m *meter) account(op string, reqBody, respBody []byte) {
	var wru, rru float64
	switch op {
	case "PutItem":
		var in struct{ Item wireItem }
		_ = json.Unmarshal(reqBody, &in)
		wru = m.put(in.Item, 1)
	case "UpdateItem":
		wru = m.update(reqBody)
	case "DeleteItem":
		wru = 1
	case "TransactWriteItems":
		var in struct {
			TransactItems []struct {
				Put            *struct{ Item wireItem }
				Update, Delete *json.RawMessage
				ConditionCheck *json.RawMessage
			}
		}
		_ = json.Unmarshal(reqBody, &in)
		largest := 0
		for _, ti := range in.TransactItems {
			if ti.Put != nil {
				wru += m.put(ti.Put.Item, 2)
				largest = max(largest, itemBytes(ti.Put.Item))
			} else {
				wru += 2
			}
		}
		m.mu.Lock()
		m.lastTxMax = largest
		m.mu.Unlock()
	case "BatchWriteItem":
		var in struct {
			RequestItems map[string][]struct {
				PutRequest    *struct{ Item wireItem }
				DeleteRequest *json.RawMessage
			}
		}
		_ = json.Unmarshal(reqBody, &in)
		for _, reqs := range in.RequestItems {
			for _, r := range reqs {
				if r.PutRequest != nil {
					wru += m.put(r.PutRequest.Item, 1)
				} else {
					wru++
				}
			}
		}
	case "GetItem":
		var in struct{ ConsistentRead bool }
		var out struct{ Item wireItem }
		_ = json.Unmarshal(reqBody, &in)
		_ = json.Unmarshal(respBody, &out)
		rru = readUnits(itemBytes(out.Item), in.ConsistentRead)
	case "Query", "Scan":
		var in struct {
			ConsistentRead bool
			IndexName      string
		}
		var out struct {
			Items               []wireItem
			Count, ScannedCount int
		}
		_ = json.Unmarshal(reqBody, &in)
		_ = json.Unmarshal(respBody, &out)
		total := 0
		for _, it := range out.Items {
			total += itemBytes(it)
		}
		// Items a filter dropped were read too: count them at the mean
		// size of those returned, else of the index's entries as the
		// harness measured them, else 1 KB.
		if extra := out.ScannedCount - len(out.Items); extra > 0 {
			mean := 1024
			if len(out.Items) > 0 {
				mean = total / len(out.Items)
			} else if d, ok := m.dropped[in.IndexName]; ok {
				mean = d
			}
			total += extra * mean
		}
		rru = readUnits(total, in.ConsistentRead)
	case "BatchGetItem":
		var in struct {
			RequestItems map[string]struct{ ConsistentRead bool }
		}
		var out struct{ Responses map[string][]wireItem }
		_ = json.Unmarshal(reqBody, &in)
		_ = json.Unmarshal(respBody, &out)
		for table, items := range out.Responses {
			for _, it := range items {
				rru += readUnits(itemBytes(it), in.RequestItems[table].ConsistentRead)
			}
		}
	default:
		return // control plane: not billed per request
	}
	m.mu.Lock()
	m.now.WRU += wru
	m.now.RRU += rru
	m.now.Calls[op]++
	m.mu.Unlock()
}

// put records item and returns the cost of writing it over the item the
// meter last saw under its key, times factor (2 in a transaction).
func (m *meter) put(item wireItem, factor float64) float64 {
	k := itemKey(item)
	m.mu.Lock()
	old := m.items[k]
	m.items[k] = item
	if t := attrString(item["type"]); t == "suggestion" {
		m.lastSuggestion = itemBytes(item)
	}
	m.mu.Unlock()
	return m.writeUnits(old, item) * factor
}

// update applies an UpdateItem's SET and REMOVE clauses to the meter's copy
// of the item and returns the cost. An item the meter never saw is charged
// 1 KB, no index.
func (m *meter) update(reqBody []byte) float64 {
	var in struct {
		Key                       wireItem
		UpdateExpression          string
		ExpressionAttributeNames  map[string]string
		ExpressionAttributeValues map[string]map[string]json.RawMessage
	}
	_ = json.Unmarshal(reqBody, &in)
	k := itemKey(in.Key)
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.items[k]
	if !ok {
		return 1
	}
	item := make(wireItem, len(old))
	for n, v := range old {
		item[n] = v
	}
	name := func(s string) string {
		s = strings.TrimSpace(s)
		if n, ok := in.ExpressionAttributeNames[s]; ok {
			return n
		}
		return s
	}
	for _, clause := range updateClauses(in.UpdateExpression) {
		switch clause.verb {
		case "SET":
			for _, a := range clause.args {
				lhs, rhs, ok := strings.Cut(a, "=")
				if v, found := in.ExpressionAttributeValues[strings.TrimSpace(rhs)]; ok && found {
					item[name(lhs)] = v
				}
			}
		case "REMOVE":
			for _, a := range clause.args {
				delete(item, name(a))
			}
		}
	}
	m.items[k] = item
	return m.writeUnits(old, item)
}

type updateClause struct {
	verb string
	args []string
}

// updateClauses splits an update expression into its clauses ("SET #0 =
// :0, #1 = :1 REMOVE #2") and their comma-separated actions. Actions with
// functions (if_not_exists, list_append) are kept whole and not applied.
func updateClauses(expr string) []updateClause {
	var out []updateClause
	for _, f := range strings.Fields(strings.NewReplacer(",", " , ").Replace(expr)) {
		switch up := strings.ToUpper(f); up {
		case "SET", "REMOVE", "ADD", "DELETE":
			out = append(out, updateClause{verb: up, args: []string{""}})
			continue
		}
		if len(out) == 0 {
			continue
		}
		c := &out[len(out)-1]
		if f == "," {
			c.args = append(c.args, "")
			continue
		}
		c.args[len(c.args)-1] += " " + f
	}
	return out
}

// writeUnits is the cost of replacing old (nil: none) with item: the
// table's share and each index's, per started KB.
func (m *meter) writeUnits(old, item wireItem) float64 {
	n := kb(max(itemBytes(old), itemBytes(item)))
	for _, g := range m.indexes {
		before, after := g.entry(old), g.entry(item)
		switch {
		case before == nil && after == nil:
		case before == nil:
			n += kb(itemBytes(after))
		case after == nil:
			n += kb(itemBytes(before))
		case !sameValues(before, after, g.keys):
			n += kb(itemBytes(before)) + kb(itemBytes(after))
		case !sameValues(before, after, nil):
			n += kb(itemBytes(after))
		}
	}
	return n
}

// entry is item's entry in the index, or nil when the item lacks a key.
func (g gsiDef) entry(item wireItem) wireItem {
	if item == nil {
		return nil
	}
	for _, k := range g.keys {
		if _, ok := item[k]; !ok {
			return nil
		}
	}
	if g.all {
		return item
	}
	e := wireItem{}
	for _, k := range append(append([]string{"pk", "sk"}, g.keys...), g.projected...) {
		if v, ok := item[k]; ok {
			e[k] = v
		}
	}
	return e
}

// sameValues reports whether a and b agree on names (nil: on everything).
func sameValues(a, b wireItem, names []string) bool {
	if names == nil {
		if len(a) != len(b) {
			return false
		}
		for n := range a {
			names = append(names, n)
		}
	}
	for _, n := range names {
		va, oka := a[n]
		vb, okb := b[n]
		if oka != okb {
			return false
		}
		ja, _ := json.Marshal(va)
		jb, _ := json.Marshal(vb)
		if !bytes.Equal(ja, jb) {
			return false
		}
	}
	return true
}

func kb(bytes int) float64 { return math.Max(1, math.Ceil(float64(bytes)/1024)) }

func itemKey(item wireItem) string {
	return attrString(item["pk"]) + "\x00" + attrString(item["sk"])
}

func attrString(v map[string]json.RawMessage) string {
	var s string
	_ = json.Unmarshal(v["S"], &s)
	return s
}

func readUnits(bytes int, consistent bool) float64 {
	units := math.Max(1, math.Ceil(float64(bytes)/4096))
	if consistent {
		return units
	}
	return units / 2
}

// itemBytes is an item's size as DynamoDB counts it: attribute names plus
// values.
func itemBytes(item wireItem) int {
	n := 0
	for name, v := range item {
		n += len(name) + valueBytes(v)
	}
	return n
}

func valueBytes(v map[string]json.RawMessage) int {
	for typ, raw := range v {
		switch typ {
		case "S":
			var s string
			_ = json.Unmarshal(raw, &s)
			return len(s)
		case "N":
			var s string
			_ = json.Unmarshal(raw, &s)
			return (len(strings.TrimLeft(s, "-0"))+1)/2 + 1
		case "B":
			var s string
			_ = json.Unmarshal(raw, &s)
			return base64.StdEncoding.DecodedLen(len(s))
		case "BOOL", "NULL":
			return 1
		case "SS", "NS", "BS":
			var ss []string
			_ = json.Unmarshal(raw, &ss)
			n := 0
			for _, s := range ss {
				n += len(s)
			}
			return n
		case "L":
			var l []map[string]json.RawMessage
			_ = json.Unmarshal(raw, &l)
			n := 3
			for _, e := range l {
				n += 1 + valueBytes(e)
			}
			return n
		case "M":
			var mm map[string]map[string]json.RawMessage
			_ = json.Unmarshal(raw, &mm)
			n := 3
			for k, e := range mm {
				n += 1 + len(k) + valueBytes(e)
			}
			return n
		}
	}
	return 0
}

// lastSuggestionBytes is the size of the last suggestion item put (or,
// failing that, of the largest item the last TransactWriteItems put).
func (m *meter) lastSuggestionBytes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lastSuggestion > 0 {
		return m.lastSuggestion
	}
	return m.lastTxMax
}
