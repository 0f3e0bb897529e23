// Package postgres is the storage engine for several instances on one PostgreSQL: pgx with
// a bounded pool, migrations applied at start under an advisory lock, and a notification
// on the "confcal" channel with every write that other instances must see: in the writing
// transaction for revocations (a rotated feed token, a deleted schedule or event) and new
// revisions, and right after the commit, in batches, for a schedule's changed sessions.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/confcal/confcal/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the engine's migration files.
func Migrations() fs.FS { return migrations }

// Channel is the LISTEN/NOTIFY channel of confcal's change notifications.
const Channel = "confcal"

// migrationLock is the advisory lock key that serializes migrations across instances.
const migrationLock = 0x636f6e6663616c // "confcal"

// DB is a Store on PostgreSQL.
type DB struct {
	pool *pgxpool.Pool

	// later queues notifications sent after their write's commit (notifyLater), by the
	// notifier goroutine; stop ends it and done says it has sent what was queued.
	later      chan string
	stop, done chan struct{}
	closeOnce  sync.Once

	// ops queues schedule writes for the writers' group commits (groupExec); writers
	// counts the writer goroutines still running.
	ops     chan *groupOp
	writers sync.WaitGroup
	groups  atomic.Int64 // commits made, for tests
}

var _ store.Store = (*DB)(nil)

// Open connects with dsn (a postgres:// URL; pool_max_conns and friends may be set there)
// and applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// Defaults for a web service instance, unless the DSN says otherwise: a few connections
	// per core, recycled now and then so a failover or a restarted server is picked up.
	if !hasParam(dsn, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	if !hasParam(dsn, "pool_min_conns") {
		cfg.MinConns = 1
	}
	cfg.MaxConnLifetime = 30 * time.Minute
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 15 * time.Second
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "confcal"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{pool: pool, later: make(chan string, laterQueue), stop: make(chan struct{}), done: make(chan struct{}),
		ops: make(chan *groupOp)}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	go db.notifier()
	for range groupWriters {
		db.writers.Go(db.writer)
	}
	return db, nil
}

func hasParam(dsn, name string) bool { return strings.Contains(dsn, name+"=") }

// Close ends the group commits (those under way finish), sends the notifications still
// queued and closes the pool.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.stop)
		db.writers.Wait()
		<-db.done
		db.pool.Close()
	})
	return nil
}

// Pool is the connection pool, for the listener and for tests.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping reports whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// migrate applies pending migrations in one transaction holding an advisory lock, so that
// instances starting together apply each migration once.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE name = $1", name).Scan(&n); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, now())", name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return tx.Commit(ctx)
}

// notify sends a change notification in tx: delivered to listeners when tx commits.
func notify(ctx context.Context, tx pgx.Tx, payload string) error {
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", Channel, payload)
	return err
}

// laterQueue bounds the notifications waiting for the notifier; past it a writer sends its
// own, which slows writers down rather than dropping what other instances must hear.
const laterQueue = 4096

// laterBatch is the most notifications the notifier sends in one statement, and
// laterWindow how long it gathers them: a notice waits at most that long, and at a
// thousand writes a second a hundred notifying commits take the place of a thousand.
const (
	laterBatch  = 256
	laterWindow = 10 * time.Millisecond
)

// notifyLater sends a change notification after the write that made it has committed,
// gathered with others for up to laterWindow. PostgreSQL takes a lock for the whole database at the commit of a
// transaction that notifies and holds it through the commit's WAL flush, so notifying
// transactions commit one at a time: with a notification in every star, eight clients
// wrote at a third of the rate and with twice the p99 of the same writes without one
// (docs/performance.md). Used where a late notice is harmless: a schedule's new sessions,
// which another instance's cache serves for at most its sub-second lifetime.
func (db *DB) notifyLater(payload string) {
	select {
	case db.later <- payload:
	default:
		db.pool.Exec(context.Background(), "SELECT pg_notify($1, $2)", Channel, payload) // the queue is full: send it now
	}
}

// notifier sends the queued notifications, those of each laterWindow in one statement (one
// commit), repeated ones once, until Close; then what is still queued.
func (db *DB) notifier() {
	defer close(db.done)
	batch := make([]string, 0, laterBatch)
	seen := make(map[string]bool, laterBatch)
	for {
		var first string
		select {
		case first = <-db.later:
		case <-db.stop:
			for {
				select {
				case p := <-db.later:
					batch = append(batch, p)
					if len(batch) == laterBatch {
						db.sendBatch(batch)
						batch = batch[:0]
					}
				default:
					db.sendBatch(batch)
					return
				}
			}
		}
		batch, seen[first] = append(batch[:0], first), true
		window := time.NewTimer(laterWindow)
	fill:
		for len(batch) < laterBatch {
			select {
			case p := <-db.later:
				if !seen[p] {
					batch, seen[p] = append(batch, p), true
				}
			case <-window.C:
				break fill
			case <-db.stop:
				break fill
			}
		}
		window.Stop()
		db.sendBatch(batch)
		batch = batch[:0]
		clear(seen)
	}
}

func (db *DB) sendBatch(batch []string) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// On an error the notices are lost: other instances' caches still expire within a second.
	db.pool.Exec(ctx, "SELECT count(pg_notify($1, p)) FROM unnest($2::text[]) AS p", Channel, batch)
}

// mapConstraint turns a uniqueness violation into store.ErrConflict.
func mapConstraint(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	}
	return err
}
