// Package handlers is confcal's HTTP layer: Gin routes and thin handlers that parse input,
// call the domain, and write the response.
package handlers

import (
	"context"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store"
)

// Agenda gives the live snapshots of events.
type Agenda interface {
	Get(slug string) (*catalog.Snapshot, bool)
	All() []*catalog.Snapshot
	Loaded() bool
}

// Schedules creates, changes and serves personal schedules.
type Schedules interface {
	Create(ctx context.Context, event string, ids []string, alarm *int) (schedule.Created, error)
	Get(ctx context.Context, id, editToken string) (store.Schedule, error)
	Replace(ctx context.Context, id, editToken string, ids []string, alarm *int) (store.Schedule, error)
	Star(ctx context.Context, id, editToken, session string) (store.Schedule, error)
	Unstar(ctx context.Context, id, editToken, session string) (store.Schedule, error)
	Rotate(ctx context.Context, id, editToken string) (store.Schedule, string, error)
	Delete(ctx context.Context, id, editToken string) error
	Feed(ctx context.Context, feedToken string) (*catalog.Body, error)
}

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}
