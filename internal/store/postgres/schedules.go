package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	_, err = db.pool.Exec(ctx, "INSERT INTO schedules ("+scheduleColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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

// UpdateSchedule changes a schedule in one transaction (the row locked), raises its
// version, and tells the other instances to drop what they cached under its old feed hash.
func (db *DB) UpdateSchedule(ctx context.Context, id string, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
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
	if err := change(&sc); err != nil {
		return store.Schedule{}, err
	}
	sc.Version++
	sc.UpdatedAt = now.UTC()
	sc.Sessions = nonNil(sc.Sessions)
	sessions, err := json.Marshal(sc.Sessions)
	if err != nil {
		return sc, fmt.Errorf("update schedule: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE schedules SET feed_hash = $2, sessions = $3, alarm_minutes = $4,
		version = $5, updated_at = $6 WHERE id = $1`, sc.ID, sc.FeedHash, sessions, sc.AlarmMinutes, sc.Version, sc.UpdatedAt)
	if err != nil {
		return sc, fmt.Errorf("update schedule: %w", mapConstraint(err))
	}
	if err := notify(ctx, tx, "schedule "+oldFeed); err != nil {
		return sc, fmt.Errorf("update schedule: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return sc, fmt.Errorf("update schedule: %w", mapConstraint(err))
	}
	return sc, nil
}

// DeleteSchedule removes a schedule and tells the other instances.
func (db *DB) DeleteSchedule(ctx context.Context, id string) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	defer tx.Rollback(ctx)
	var feed string
	err = tx.QueryRow(ctx, "DELETE FROM schedules WHERE id = $1 RETURNING feed_hash", id).Scan(&feed)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("delete schedule %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	if err := notify(ctx, tx, "schedule "+feed); err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	return tx.Commit(ctx)
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
