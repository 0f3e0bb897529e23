package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/confcal/confcal/internal/store"
)

const scheduleColumns = "id, event, feed_hash, edit_hash, sessions, alarm_minutes, version, created_at, updated_at"

// CreateSchedule stores a new schedule at version 1.
func (db *DB) CreateSchedule(ctx context.Context, sc store.Schedule) (store.Schedule, error) {
	sc.Version = 1
	sc.UpdatedAt = sc.CreatedAt
	sc.Sessions = nonNil(sc.Sessions)
	sessions, err := json.Marshal(sc.Sessions)
	if err != nil {
		return sc, fmt.Errorf("create schedule: %w", err)
	}
	_, err = db.groupExec(ctx, "INSERT INTO schedules ("+scheduleColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		sc.ID, sc.Event, sc.FeedHash, sc.EditHash, sessions, sc.AlarmMinutes, sc.Version, sc.CreatedAt.UTC(), sc.UpdatedAt.UTC())
	if err != nil {
		return sc, fmt.Errorf("create schedule: %w", mapConstraint(err))
	}
	return sc, nil
}

// Schedule returns a schedule by id.
func (db *DB) Schedule(ctx context.Context, id string) (store.Schedule, error) {
	return scanSchedule(db.pool.QueryRow(ctx, "SELECT "+scheduleColumns+" FROM schedules WHERE id = $1", id))
}

// ScheduleByFeed returns the schedule that owns a feed token hash.
func (db *DB) ScheduleByFeed(ctx context.Context, feedHash string) (store.Schedule, error) {
	return scanSchedule(db.pool.QueryRow(ctx, "SELECT "+scheduleColumns+" FROM schedules WHERE feed_hash = $1", feedHash))
}

// UpdateSchedule changes a schedule, raises its version, and tells the other instances to
// drop what they cached under its old feed hash. Two round trips: the row is read, changed
// here, and written back by one statement on condition that its version is still the one
// read. A change of sessions is written in the next group commit (groupExec) and notified
// after it (notifyLater); a rotation is written by a statement of its own that also sends
// the notification, which goes out with its commit. Were the row changed meanwhile, the
// read is done again; after a few such losses the row is locked instead (updateLocked), so
// the loop is bounded.
func (db *DB) UpdateSchedule(ctx context.Context, id string, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	return db.update(ctx, id, nil, now, change)
}

// UpdateKnownSchedule is UpdateSchedule whose first try starts from known instead of
// reading the row (store.KnownUpdater): a star on a schedule this instance wrote last
// costs one round trip, in a group commit, instead of two.
func (db *DB) UpdateKnownSchedule(ctx context.Context, known store.Schedule, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	known.Sessions = slices.Clone(known.Sessions) // change may edit them in place; they are the caller's
	return db.update(ctx, known.ID, &known, now, change)
}

func (db *DB) update(ctx context.Context, id string, known *store.Schedule, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	for range optimisticTries {
		var sc store.Schedule
		presumed := known != nil
		if presumed {
			sc, known = *known, nil
		} else {
			var err error
			if sc, err = db.Schedule(ctx, id); err != nil {
				return sc, err
			}
		}
		read, oldFeed := sc.Version, sc.FeedHash
		sessions, err := changed(&sc, now, change)
		if err != nil && presumed {
			continue // refused on a copy that may be stale: judge the stored row instead
		}
		if err != nil {
			return store.Schedule{}, err
		}
		var tag pgconn.CommandTag
		if sc.FeedHash != oldFeed {
			// A rotation revokes the old feed URL: other instances hear of it at the commit.
			tag, err = db.pool.Exec(ctx, `WITH u AS (UPDATE schedules SET feed_hash = $2, sessions = $3, alarm_minutes = $4,
				version = $5, updated_at = $6 WHERE id = $1 AND version = $7 RETURNING 1)
				SELECT pg_notify($8, $9) FROM u`,
				sc.ID, sc.FeedHash, sessions, sc.AlarmMinutes, sc.Version, sc.UpdatedAt, read, Channel, "schedule "+oldFeed)
		} else {
			tag, err = db.groupExec(ctx, `UPDATE schedules SET sessions = $2, alarm_minutes = $3,
				version = $4, updated_at = $5 WHERE id = $1 AND version = $6`,
				sc.ID, sessions, sc.AlarmMinutes, sc.Version, sc.UpdatedAt, read)
		}
		if err != nil {
			return sc, fmt.Errorf("update schedule: %w", mapConstraint(err))
		}
		if tag.RowsAffected() == 1 {
			if sc.FeedHash == oldFeed {
				db.notifyLater("schedule " + oldFeed)
			}
			return sc, nil
		}
		// Changed or deleted since it was read: read it again.
	}
	return db.updateLocked(ctx, id, now, change)
}

// optimisticTries is how often UpdateSchedule tries without a lock: writes to one
// schedule come from one person, so a second try is already rare.
const optimisticTries = 3

// changed applies change to sc and raises its version, returning the sessions to store.
func changed(sc *store.Schedule, now time.Time, change func(*store.Schedule) error) ([]byte, error) {
	if err := change(sc); err != nil {
		return nil, err
	}
	sc.Version++
	sc.UpdatedAt = now.UTC()
	sc.Sessions = nonNil(sc.Sessions)
	sessions, err := json.Marshal(sc.Sessions)
	if err != nil {
		return nil, fmt.Errorf("update schedule: %w", err)
	}
	return sessions, nil
}

// updateLocked is UpdateSchedule in a transaction that holds the row locked.
func (db *DB) updateLocked(ctx context.Context, id string, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return store.Schedule{}, fmt.Errorf("update schedule: %w", err)
	}
	defer tx.Rollback(ctx)
	sc, err := scanSchedule(tx.QueryRow(ctx, "SELECT "+scheduleColumns+" FROM schedules WHERE id = $1 FOR UPDATE", id))
	if err != nil {
		return sc, err
	}
	oldFeed := sc.FeedHash
	sessions, err := changed(&sc, now, change)
	if err != nil {
		return store.Schedule{}, err
	}
	_, err = tx.Exec(ctx, `UPDATE schedules SET feed_hash = $2, sessions = $3, alarm_minutes = $4,
		version = $5, updated_at = $6 WHERE id = $1`, sc.ID, sc.FeedHash, sessions, sc.AlarmMinutes, sc.Version, sc.UpdatedAt)
	if err != nil {
		return sc, fmt.Errorf("update schedule: %w", mapConstraint(err))
	}
	rotated := sc.FeedHash != oldFeed
	if rotated {
		if err := notify(ctx, tx, "schedule "+oldFeed); err != nil {
			return sc, fmt.Errorf("update schedule: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return sc, fmt.Errorf("update schedule: %w", mapConstraint(err))
	}
	if !rotated {
		db.notifyLater("schedule " + oldFeed)
	}
	return sc, nil
}

// DeleteSchedule removes a schedule and tells the other instances, in one statement (its
// own transaction: the notification goes out with the commit).
func (db *DB) DeleteSchedule(ctx context.Context, id string) error {
	var n int
	err := db.pool.QueryRow(ctx, `WITH d AS (DELETE FROM schedules WHERE id = $1 RETURNING feed_hash)
		SELECT count(pg_notify($2, 'schedule ' || feed_hash)) FROM d`, id, Channel).Scan(&n)
	if err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("delete schedule %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// Totals counts schedules and their stars.
func (db *DB) Totals(ctx context.Context) (schedules, stars int, err error) {
	err = db.pool.QueryRow(ctx, "SELECT count(*), COALESCE(SUM(jsonb_array_length(sessions)), 0) FROM schedules").Scan(&schedules, &stars)
	if err != nil {
		return 0, 0, fmt.Errorf("totals: %w", err)
	}
	return schedules, stars, nil
}

func scanSchedule(row pgx.Row) (store.Schedule, error) {
	var sc store.Schedule
	var sessions []byte
	err := row.Scan(&sc.ID, &sc.Event, &sc.FeedHash, &sc.EditHash, &sessions, &sc.AlarmMinutes, &sc.Version, &sc.CreatedAt, &sc.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return sc, fmt.Errorf("schedule: %w", store.ErrNotFound)
	}
	if err != nil {
		return sc, fmt.Errorf("schedule: %w", err)
	}
	if err := json.Unmarshal(sessions, &sc.Sessions); err != nil {
		return sc, fmt.Errorf("schedule %s sessions: %w", sc.ID, err)
	}
	sc.Sessions = nonNil(sc.Sessions)
	sc.CreatedAt, sc.UpdatedAt = sc.CreatedAt.UTC(), sc.UpdatedAt.UTC()
	return sc, nil
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
