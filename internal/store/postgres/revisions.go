package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confcal/confcal/internal/store"
)

// AddRevision stores r if its number follows the event's latest, and tells the other
// instances.
func (db *DB) AddRevision(ctx context.Context, r store.Revision) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("add revision: %w", err)
	}
	defer tx.Rollback(ctx)
	var latest int
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(number), 0) FROM revisions WHERE event = $1", r.Event).Scan(&latest); err != nil {
		return fmt.Errorf("add revision: %w", err)
	}
	if r.Number != latest+1 {
		return fmt.Errorf("add revision %s #%d after #%d: %w", r.Event, r.Number, latest, store.ErrConflict)
	}
	// Two writers of the same number: the primary key lets one win, the other conflicts.
	_, err = tx.Exec(ctx, `INSERT INTO revisions (event, number, created_at, hash, summary, document, ledger)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.Event, r.Number, r.CreatedAt.UTC(), r.Hash, r.Summary, r.Document, r.Ledger)
	if err != nil {
		return fmt.Errorf("add revision: %w", mapConstraint(err))
	}
	if r.Number == 1 {
		if _, err := tx.Exec(ctx, "DELETE FROM deleted_events WHERE event = $1", r.Event); err != nil {
			return fmt.Errorf("add revision: %w", err)
		}
	}
	if err := notify(ctx, tx, "revision "+r.Event); err != nil {
		return fmt.Errorf("add revision: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("add revision: %w", mapConstraint(err))
	}
	return nil
}

const revisionColumns = "event, number, created_at, hash, summary, document, ledger"

// LatestRevision returns the event's newest revision.
func (db *DB) LatestRevision(ctx context.Context, event string) (store.Revision, error) {
	return scanRevision(db.pool.QueryRow(ctx, "SELECT "+revisionColumns+
		" FROM revisions WHERE event = $1 ORDER BY number DESC LIMIT 1", event), "latest revision of "+event)
}

// Revision returns one revision of an event.
func (db *DB) Revision(ctx context.Context, event string, number int) (store.Revision, error) {
	return scanRevision(db.pool.QueryRow(ctx, "SELECT "+revisionColumns+
		" FROM revisions WHERE event = $1 AND number = $2", event, number), fmt.Sprintf("revision %s #%d", event, number))
}

func scanRevision(row pgx.Row, what string) (store.Revision, error) {
	var r store.Revision
	err := row.Scan(&r.Event, &r.Number, &r.CreatedAt, &r.Hash, &r.Summary, &r.Document, &r.Ledger)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", what, err)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return r, nil
}

// Revisions lists an event's revisions, newest first, without their documents.
func (db *DB) Revisions(ctx context.Context, event string) ([]store.Revision, error) {
	rows, err := db.pool.Query(ctx, `SELECT event, number, created_at, hash, summary
		FROM revisions WHERE event = $1 ORDER BY number DESC`, event)
	if err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Revision, error) {
		var r store.Revision
		err := row.Scan(&r.Event, &r.Number, &r.CreatedAt, &r.Hash, &r.Summary)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("list revisions of %s: %w", event, store.ErrNotFound)
	}
	return out, nil
}

// Heads returns the latest revision number of every event.
func (db *DB) Heads(ctx context.Context) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, "SELECT event, MAX(number) FROM revisions GROUP BY event")
	if err != nil {
		return nil, fmt.Errorf("heads: %w", err)
	}
	defer rows.Close()
	heads := map[string]int{}
	for rows.Next() {
		var event string
		var n int
		if err := rows.Scan(&event, &n); err != nil {
			return nil, fmt.Errorf("heads: %w", err)
		}
		heads[event] = n
	}
	return heads, rows.Err()
}

// DeleteEvent removes the event's revisions and schedules, remembers the deletion, and
// tells the other instances.
func (db *DB) DeleteEvent(ctx context.Context, event string, now time.Time) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, "DELETE FROM revisions WHERE event = $1", event)
	if err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete event %s: %w", event, store.ErrNotFound)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM schedules WHERE event = $1", event); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO deleted_events (event, deleted_at) VALUES ($1, $2)
		ON CONFLICT (event) DO UPDATE SET deleted_at = excluded.deleted_at`, event, now.UTC()); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	if err := notify(ctx, tx, "event "+event); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	return tx.Commit(ctx)
}

// EventDeleted reports whether the event was deleted and not created again.
func (db *DB) EventDeleted(ctx context.Context, event string) (bool, error) {
	var n int
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM deleted_events WHERE event = $1", event).Scan(&n); err != nil {
		return false, fmt.Errorf("event deleted: %w", err)
	}
	return n > 0, nil
}
