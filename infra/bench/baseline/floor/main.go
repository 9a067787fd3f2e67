// Command floor is the local-submission baseline (docs/design.md, "Performance targets": "the floor"):
// a bare net/http server that decodes the same submission JSON as
// Jianyan's public API and inserts one row into SQLite, with the same
// durability setting as the local stack's default (WAL, synchronous=FULL:
// each answered insert is flushed to disk). No validation beyond decoding,
// no idempotency, no routing, no full-text index, no group commit: one
// autocommit INSERT per request on one connection. The benchmark harness
// drives it with the same load as infra/local and reports Jianyan's
// throughput and p99 as ratios to it.
//
//	floor --addr 127.0.0.1:0 --data floor.db
package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	_ "modernc.org/sqlite"
)

// submission is the public API's submission body.
type submission struct {
	ParticipantKind string `json:"participant_kind"`
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	Organization    string `json:"organization"`
	Contact         string `json:"contact"`
	Topic           string `json:"topic"`
	Content         string `json:"content"`
	IdempotencyKey  string `json:"idempotency_key"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	data := flag.String("data", "floor.db", "SQLite file")
	flag.Parse()
	if err := run(*addr, *data); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(addr, data string) error {
	db, err := sql.Open("sqlite", "file:"+data+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS suggestions (
		id TEXT PRIMARY KEY, receipt TEXT NOT NULL UNIQUE, symposium TEXT NOT NULL, participant_kind TEXT NOT NULL,
		kind TEXT NOT NULL, name TEXT, organization TEXT, contact TEXT, topic TEXT, content TEXT NOT NULL,
		idem_key TEXT, submitted_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/symposia", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"code":"FLOOR001"}`))
	})
	mux.HandleFunc("POST /api/v1/symposia/{code}/suggestions", func(w http.ResponseWriter, r *http.Request) {
		var s submission
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&s); err != nil {
			http.Error(w, `{"error":{"code":"invalid"}}`, http.StatusBadRequest)
			return
		}
		now := time.Now()
		id, receipt := token(13), token(6)
		if _, err := db.ExecContext(r.Context(), `INSERT INTO suggestions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, receipt, r.PathValue("code"), s.ParticipantKind, s.Kind, s.Name, s.Organization, s.Contact, s.Topic, s.Content,
			s.IdempotencyKey, now.UnixNano()); err != nil {
			slog.Error("insert", "err", err)
			http.Error(w, `{"error":{"code":"internal"}}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": id, "receipt": receipt, "status": "received", "submitted_at": now.Format(time.RFC3339)})
	})
	mux.HandleFunc("GET /api/v1/receipts/{receipt}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := db.QueryRowContext(r.Context(), `SELECT count(*) FROM suggestions WHERE receipt = ?`, r.PathValue("receipt")).Scan(&n); err != nil || n == 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"received"}`))
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("floor is serving on http://%s (data: %s)\n", ln.Addr(), data)
	return (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
