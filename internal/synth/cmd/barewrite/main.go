// Command barewrite is the floor for write runs, as bareserve is for reads: a bare
// net/http server that makes the row changes confcal makes for a schedule write, on a
// database that confcal created (the same table and file settings), in the fewest steps a
// server can: one prepared statement a write, in its own transaction, with the session
// list changed by the database's JSON functions (no read of the row first), and nothing
// else: no routing framework, token check, validation against the agenda, cache, logging
// or metrics. On SQLite one write runs at a time (SQLite has one writer; a second waits in
// SQLite's busy handler otherwise). It answers at confcal's paths, so writerun drives both
// alike. It listens on 127.0.0.1 only.
//
//	barewrite -addr 127.0.0.1:8082 -sqlite DATA/confcal.db
//	barewrite -addr 127.0.0.1:8082 -postgres 'postgres://…&search_path=SCHEMA'
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite"
)

// table is confcal's schedules table: create inserts a row; star, unstar and replace
// change a row's session list and version in one statement and return them.
type table interface {
	create(ctx context.Context, id, event, feedHash, editHash, sessions string) error
	change(ctx context.Context, how int, id, arg string) (sessions string, version int, err error)
}

// The changes, in the order of each engine's statements.
const (
	star = iota
	unstar
	replace
)

var errNotFound = errors.New("no such schedule")

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "listen address (loopback)")
	sqlitePath := flag.String("sqlite", "", "confcal's SQLite file")
	pgDSN := flag.String("postgres", "", "confcal's PostgreSQL database (with search_path if in a schema)")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		log.Fatal("barewrite listens on 127.0.0.1 only")
	}
	var st table
	var err error
	switch {
	case *sqlitePath != "":
		st, err = openSQLite(*sqlitePath)
	case *pgDSN != "":
		st, err = openPostgres(*pgDSN)
	default:
		log.Fatal("barewrite: -sqlite or -postgres")
	}
	if err != nil {
		log.Fatal(err)
	}
	// The http.Server settings of confcal serve (cmd/confcal/serve.go), as bareserve has.
	srv := &http.Server{Addr: *addr, Handler: routes(st), MaxHeaderBytes: 16 << 10,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// routes answers confcal's schedule writes from st.
func routes(st table) http.Handler {
	mux := http.NewServeMux()
	body := func(w http.ResponseWriter, r *http.Request) (string, bool) { // the session list, as JSON
		var req struct{ Sessions []string }
		if json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req) != nil {
			http.Error(w, "malformed JSON", http.StatusBadRequest)
			return "", false
		}
		if req.Sessions == nil {
			req.Sessions = []string{}
		}
		data, _ := json.Marshal(req.Sessions)
		return string(data), true
	}
	mux.HandleFunc("POST /api/v1/events/{event}/schedules", func(w http.ResponseWriter, r *http.Request) {
		sessions, ok := body(w, r)
		if !ok {
			return
		}
		id, token := random(10), random(32)
		if err := st.create(r.Context(), id, r.PathValue("event"), random(32), random(32), sessions); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		reply(w, http.StatusCreated, `{"id":"`+id+`","sessions":`+sessions+`,"version":1,"editToken":"`+token+`"}`)
	})
	change := func(w http.ResponseWriter, r *http.Request, how int, arg string) {
		id := r.PathValue("id")
		sessions, version, err := st.change(r.Context(), how, id, arg)
		switch {
		case errors.Is(err, errNotFound):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default: // ids are [a-z0-9-]: no escaping needed in this bare reply
			reply(w, http.StatusOK, `{"id":"`+id+`","sessions":`+sessions+`,"version":`+strconv.Itoa(version)+`}`)
		}
	}
	mux.HandleFunc("PUT /api/v1/schedules/{id}/sessions/{session}", func(w http.ResponseWriter, r *http.Request) {
		change(w, r, star, r.PathValue("session"))
	})
	mux.HandleFunc("DELETE /api/v1/schedules/{id}/sessions/{session}", func(w http.ResponseWriter, r *http.Request) {
		change(w, r, unstar, r.PathValue("session"))
	})
	mux.HandleFunc("PUT /api/v1/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		if sessions, ok := body(w, r); ok {
			change(w, r, replace, sessions)
		}
	})
	return mux
}

func reply(w http.ResponseWriter, status int, data string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, data)
}

func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// sqliteStore runs one write at a time on confcal's SQLite file, with confcal's settings.
type sqliteStore struct {
	mu      sync.Mutex
	insert  *sql.Stmt
	changes [3]*sql.Stmt
}

func openSQLite(path string) (*sqliteStore, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(NORMAL)", "wal_autocheckpoint(0)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s := &sqliteStore{}
	const set = `, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING sessions, version`
	for _, p := range []struct {
		to  **sql.Stmt
		sql string
	}{
		{&s.insert, `INSERT INTO schedules (id, event, feed_hash, edit_hash, sessions, alarm_minutes,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, -1, 1, $6, $6)`},
		{&s.changes[star], `UPDATE schedules SET sessions = CASE
			WHEN EXISTS (SELECT 1 FROM json_each(sessions) WHERE value = $2) THEN sessions
			ELSE json_insert(sessions, '$[#]', $2) END` + set},
		{&s.changes[unstar], `UPDATE schedules SET sessions =
			(SELECT json_group_array(value) FROM json_each(sessions) WHERE value <> $2)` + set},
		{&s.changes[replace], `UPDATE schedules SET sessions = json($2)` + set},
	} {
		if *p.to, err = db.Prepare(p.sql); err != nil {
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
	}
	go func() { // confcal's background checkpoint, once a second
		for range time.Tick(time.Second) {
			db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}()
	return s, nil
}

func (s *sqliteStore) create(ctx context.Context, id, event, feedHash, editHash, sessions string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.insert.ExecContext(ctx, id, event, feedHash, editHash, sessions, time.Now().UnixMicro())
	return err
}

func (s *sqliteStore) change(ctx context.Context, how int, id, arg string) (string, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sessions string
	var version int
	err := s.changes[how].QueryRowContext(ctx, id, arg, time.Now().UnixMicro()).Scan(&sessions, &version)
	if errors.Is(err, sql.ErrNoRows) {
		err = errNotFound
	}
	return sessions, version, err
}

// pgStore writes through a pool; PostgreSQL locks the row for the statement.
type pgStore struct {
	pool    *pgxpool.Pool
	changes [3]string
}

func openPostgres(dsn string) (*pgStore, error) {
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		return nil, err
	}
	const set = `, version = version + 1, updated_at = now() WHERE id = $1 RETURNING sessions::text, version`
	s := &pgStore{pool: pool}
	s.changes[star] = `UPDATE schedules SET sessions = CASE WHEN sessions ? $2 THEN sessions
		ELSE sessions || jsonb_build_array($2::text) END` + set
	s.changes[unstar] = `UPDATE schedules SET sessions = sessions - $2::text` + set
	s.changes[replace] = `UPDATE schedules SET sessions = $2::jsonb` + set
	return s, pool.Ping(context.Background())
}

func (s *pgStore) create(ctx context.Context, id, event, feedHash, editHash, sessions string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO schedules (id, event, feed_hash, edit_hash, sessions, alarm_minutes,
		version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, -1, 1, now(), now())`,
		id, event, feedHash, editHash, sessions)
	return err
}

func (s *pgStore) change(ctx context.Context, how int, id, arg string) (string, int, error) {
	var sessions string
	var version int
	err := s.pool.QueryRow(ctx, s.changes[how], id, arg).Scan(&sessions, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = errNotFound
	}
	return sessions, version, err
}
