package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/confcal/confcal/internal/store"
)

// AddRevision stores r if its number follows the event's latest.
func (s *DB) AddRevision(ctx context.Context, r store.Revision) error {
	release, err := s.write(ctx)
	if err != nil {
		return fmt.Errorf("add revision: %w", err)
	}
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add revision: %w", err)
	}
	defer tx.Rollback()
	var latest int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) FROM revisions WHERE event = $1", r.Event).Scan(&latest); err != nil {
		return fmt.Errorf("add revision: %w", err)
	}
	if r.Number != latest+1 {
		return fmt.Errorf("add revision %s #%d after #%d: %w", r.Event, r.Number, latest, store.ErrConflict)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO revisions (event, number, created_at, hash, summary, document, ledger)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.Event, r.Number, r.CreatedAt.UnixMicro(), r.Hash, r.Summary, r.Document, r.Ledger)
	if err != nil {
		return fmt.Errorf("add revision: %w", mapConstraint(err))
	}
	if r.Number == 1 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM deleted_events WHERE event = $1", r.Event); err != nil {
			return fmt.Errorf("add revision: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add revision: %w", mapConstraint(err))
	}
	return nil
}

const revisionColumns = "event, number, created_at, hash, summary, document, ledger"

// LatestRevision returns the event's newest revision.
func (s *DB) LatestRevision(ctx context.Context, event string) (store.Revision, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+revisionColumns+
		" FROM revisions WHERE event = $1 ORDER BY number DESC LIMIT 1", event)
	return scanRevision(row, "latest revision of "+event)
}

// Revision returns one revision of an event.
func (s *DB) Revision(ctx context.Context, event string, number int) (store.Revision, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+revisionColumns+
		" FROM revisions WHERE event = $1 AND number = $2", event, number)
	return scanRevision(row, fmt.Sprintf("revision %s #%d", event, number))
}

func scanRevision(row *sql.Row, what string) (store.Revision, error) {
	var r store.Revision
	var created int64
	err := row.Scan(&r.Event, &r.Number, &created, &r.Hash, &r.Summary, &r.Document, &r.Ledger)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", what, err)
	}
	r.CreatedAt = time.UnixMicro(created).UTC()
	return r, nil
}

// Revisions lists an event's revisions, newest first, without their documents.
func (s *DB) Revisions(ctx context.Context, event string) ([]store.Revision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT event, number, created_at, hash, summary
		FROM revisions WHERE event = $1 ORDER BY number DESC`, event)
	if err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	defer rows.Close()
	var out []store.Revision
	for rows.Next() {
		var r store.Revision
		var created int64
		if err := rows.Scan(&r.Event, &r.Number, &created, &r.Hash, &r.Summary); err != nil {
			return nil, fmt.Errorf("list revisions: %w", err)
		}
		r.CreatedAt = time.UnixMicro(created).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("list revisions of %s: %w", event, store.ErrNotFound)
	}
	return out, nil
}

// Heads returns the latest revision number of every event.
func (s *DB) Heads(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT event, MAX(number) FROM revisions GROUP BY event")
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

// DeleteEvent removes the event's revisions and schedules and remembers the deletion.
func (s *DB) DeleteEvent(ctx context.Context, event string, now time.Time) error {
	release, err := s.write(ctx)
	if err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "DELETE FROM revisions WHERE event = $1", event)
	if err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete event %s: %w", event, store.ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM schedules WHERE event = $1", event); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO deleted_events (event, deleted_at) VALUES ($1, $2)
		ON CONFLICT (event) DO UPDATE SET deleted_at = excluded.deleted_at`, event, now.UnixMicro()); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	return nil
}

// EventDeleted reports whether the event was deleted and not created again.
func (s *DB) EventDeleted(ctx context.Context, event string) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM deleted_events WHERE event = $1", event).Scan(&n); err != nil {
		return false, fmt.Errorf("event deleted: %w", err)
	}
	return n > 0, nil
}

// WithLatestRevision lends the event's newest revision to fn: its document and ledger
// are the driver's buffers (sql.RawBytes), held while fn runs, not copied.
func (s *DB) WithLatestRevision(ctx context.Context, event string, fn func(store.Revision) error) error {
	what := "latest revision of " + event
	rows, err := s.db.QueryContext(ctx, "SELECT "+revisionColumns+
		" FROM revisions WHERE event = $1 ORDER BY number DESC LIMIT 1", event)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	var r store.Revision
	var created int64
	var doc, ledger sql.RawBytes
	if err := rows.Scan(&r.Event, &r.Number, &created, &r.Hash, &r.Summary, &doc, &ledger); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	r.CreatedAt = time.UnixMicro(created).UTC()
	r.Document, r.Ledger = doc, ledger
	return fn(r)
}

var _ store.Lender = (*DB)(nil)
