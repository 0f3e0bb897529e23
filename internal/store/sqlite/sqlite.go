// Package sqlite is the embedded storage engine: one SQLite file in WAL mode, through the
// cgo-free modernc.org/sqlite driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/confcal/confcal/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the engine's migration files, for tests that compare engines.
func Migrations() fs.FS { return migrations }

// DB is a Store on one SQLite file.
type DB struct {
	db *sql.DB
	// writer admits one write transaction of this process at a time. SQLite has one
	// writer anyway; without this, writers that find the lock taken wait in SQLite's busy
	// handler, which sleeps in steps of up to 100 ms, and that made the tail (p99 37 ms,
	// max 0.44 s with 8 clients). Waiting here wakes the next writer the moment the last
	// commits. Other processes (confcal import) still meet the busy timeout.
	writer chan struct{}
	// wq are the schedule writes waiting for a group commit (batch.go).
	wq queue
	// stop ends the background checkpoints; stopped says they have.
	stop, stopped chan struct{}
	closeOnce     sync.Once

	// watch is the connection DataVersion asks, kept for it: SQLite's data_version is
	// per connection.
	watchMu sync.Mutex
	watch   *sql.Conn

	// path is the database file's, whose writes Changed watches.
	path string

	// q are the statements of the schedule reads, prepared once: the driver keeps no
	// statement cache, and parsing each statement at every call was 15 % of the server's
	// CPU under a write load. The writes' own are the write connection's (wc, batch.go).
	q statements
	// wc is the connection the group commits run on; only the write leading a group
	// uses it, and it is opened when first needed.
	wc *writeConn
}

type statements struct {
	scheduleByID, scheduleByFeed *sql.Stmt
	all                          []*sql.Stmt // to close
}

// preparer is a database or one of its connections.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

type toPrepare struct {
	to    **sql.Stmt
	query string
}

// prepareAll prepares each query on p into its place, and returns them all to close; on an
// error, those prepared so far are closed.
func prepareAll(ctx context.Context, p preparer, queries []toPrepare) ([]*sql.Stmt, error) {
	var all []*sql.Stmt
	for _, q := range queries {
		st, err := p.PrepareContext(ctx, q.query)
		if err != nil {
			for _, st := range all {
				st.Close()
			}
			return nil, fmt.Errorf("prepare %q: %w", q.query, err)
		}
		*q.to = st
		all = append(all, st)
	}
	return all, nil
}

// prepare prepares the statements in q (after the migrations: they name the tables).
func (s *DB) prepare(ctx context.Context) (err error) {
	s.q.all, err = prepareAll(ctx, s.db, []toPrepare{
		{&s.q.scheduleByID, scheduleByIDQuery},
		{&s.q.scheduleByFeed, "SELECT " + scheduleColumns + " FROM schedules WHERE feed_hash = $1"},
	})
	return err
}

// write waits for this process's turn to write, or for ctx.
func (s *DB) write(ctx context.Context) (release func(), err error) {
	select {
	case s.writer <- struct{}{}:
		return func() { <-s.writer }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var (
	_ store.Store        = (*DB)(nil)
	_ store.KnownUpdater = (*DB)(nil)
)

// Open opens (creating if needed) the SQLite file at path and applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	// WAL lets feeds read while a revision is written; foreign keys and a busy timeout are
	// per connection in SQLite, so they go in the DSN that every pooled connection uses.
	// _txlock=immediate takes the write lock at BEGIN, so read-modify-write transactions
	// wait for each other instead of failing with SQLITE_BUSY on upgrade.
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Checkpoints run in the background (checkpoint), not in whichever commit crosses
	// SQLite's 1,000-page mark: a checkpoint writes and syncs the database file, and the
	// commit that ran it, and every write queued behind, waited for that.
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(0)
	s := &DB{db: db, path: path, writer: make(chan struct{}, 1),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	s.wq.idle.L = &s.wq.mu
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	go s.checkpoint(time.Second)
	return s, nil
}

// checkpoint copies the WAL into the database file every interval without blocking
// readers or the writer (PASSIVE), until Close.
func (s *DB) checkpoint(interval time.Duration) {
	defer close(s.stopped)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.db.Exec("PRAGMA wal_checkpoint(PASSIVE)") // an error now is met by the next
		}
	}
}

// DataVersion returns SQLite's data_version as one connection kept for the purpose sees
// it: it changes whenever any other connection, of this process or another (confcal
// import), commits, and costs no read of a table, so a watch can ask it every few
// milliseconds and look at the revisions only when it has changed.
func (s *DB) DataVersion(ctx context.Context) (int64, error) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.watch == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("data version: %w", err)
		}
		s.watch = c
	}
	var v int64
	if err := s.watch.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		s.watch.Close()
		s.watch = nil
		return 0, fmt.Errorf("data version: %w", err)
	}
	return v, nil
}

// Close stops the checkpoints and closes the database.
func (s *DB) Close() error {
	s.closeOnce.Do(func() {
		s.watchMu.Lock()
		if s.watch != nil {
			s.watch.Close()
			s.watch = nil
		}
		s.watchMu.Unlock()
		close(s.stop)
		<-s.stopped
		s.wq.close()
		if s.wc != nil {
			s.wc.close(nil)
		}
		s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)") // leave a small WAL behind
		for _, st := range s.q.all {
			st.Close()
		}
	})
	return s.db.Close()
}

// Ping reports whether the database answers a query.
func (s *DB) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (s *DB) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.apply(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func (s *DB) apply(ctx context.Context, name string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM migrations WHERE name = $1", name).Scan(&n); err != nil || n > 0 {
		return err
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO migrations (name, applied_at) VALUES ($1, $2)", name, time.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}

// Backup writes a consistent copy of the database to dest with VACUUM INTO, which reads
// one snapshot of the WAL database while writers carry on.
func (s *DB) Backup(ctx context.Context, dest string) error {
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO $1", dest); err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}
