// Package postgres is the storage engine for several instances on one PostgreSQL: pgx with
// a bounded pool, migrations applied at start under an advisory lock, and a notification
// on the "confcal" channel with every write that other instances must see at once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
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
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

func hasParam(dsn, name string) bool { return strings.Contains(dsn, name+"=") }

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
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

// mapConstraint turns a uniqueness violation into store.ErrConflict.
func mapConstraint(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	}
	return err
}
