// Package health watches the database and tells an outage from a failure: while the
// database does not answer, the service keeps serving what it has, answers writes 503,
// and says so in the log once when the outage starts and once when it ends.
package health

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/store"
)

// ErrUnavailable marks an error met while the database was unreachable.
var ErrUnavailable = store.ErrUnavailable

// Monitor pings the database and knows whether it is down.
type Monitor struct {
	Probe func(ctx context.Context) error // the database's own ping
	Log   *slog.Logger
	// Timeout bounds one ping (default 1 s).
	Timeout time.Duration

	down    atomic.Bool
	mu      sync.Mutex // one ping at a time; guards since, checked, lastErr
	since   time.Time
	checked time.Time
}

// Run checks the database every interval until ctx ends.
func (m *Monitor) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.check(ctx, 0)
		}
	}
}

// Check reports whether the database is down: known down by a ping within fresh, else
// by a ping now. A failing request calls it, so that an outage is known from its first
// error, not from the next periodic ping.
func (m *Monitor) Check(ctx context.Context, fresh time.Duration) bool {
	if m == nil {
		return false
	}
	return m.check(ctx, fresh)
}

// Ping pings the database now, noting the outage's start or end; ErrUnavailable while it
// is down. For /readyz.
func (m *Monitor) Ping(ctx context.Context) error {
	if m.check(ctx, 0) {
		return ErrUnavailable
	}
	return nil
}

func (m *Monitor) check(ctx context.Context, fresh time.Duration) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if fresh > 0 && m.down.Load() && now.Sub(m.checked) < fresh {
		return true
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	err := m.Probe(pctx)
	cancel()
	m.checked = time.Now()
	switch {
	case err != nil && !m.down.Load():
		m.down.Store(true)
		m.since = now
		m.Log.Error("database unreachable: serving what is in memory, refusing writes with 503", "err", err)
	case err == nil && m.down.Load():
		m.down.Store(false)
		m.Log.Info("database reachable again", "outage", time.Since(m.since).Round(time.Millisecond).String())
	}
	return m.down.Load()
}

// Classify turns err into an ErrUnavailable when it is not one of the store's own answers
// (not found, conflict, a validation problem) and the database does not answer a ping.
func (m *Monitor) Classify(ctx context.Context, err error) error {
	if err == nil || m == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, agenda.ErrNotFound) || errors.Is(err, agenda.ErrConflict) {
		return err
	}
	var ve *agenda.ValidationError
	if errors.As(err, &ve) || errors.Is(err, context.Canceled) {
		return err
	}
	if m.Check(ctx, 250*time.Millisecond) {
		return errors.Join(ErrUnavailable, err)
	}
	return err
}

// Store is a store.Store whose errors during an outage are ErrUnavailable.
type Store struct {
	store.Store
	Monitor *Monitor
}

var _ store.Store = Store{}

// Ping pings through the monitor, which notes an outage's start or end.
func (s Store) Ping(ctx context.Context) error { return s.Monitor.Ping(ctx) }

func (s Store) AddRevision(ctx context.Context, r store.Revision) error {
	return s.Monitor.Classify(ctx, s.Store.AddRevision(ctx, r))
}

func (s Store) LatestRevision(ctx context.Context, event string) (store.Revision, error) {
	r, err := s.Store.LatestRevision(ctx, event)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) Revision(ctx context.Context, event string, number int) (store.Revision, error) {
	r, err := s.Store.Revision(ctx, event, number)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) Revisions(ctx context.Context, event string) ([]store.Revision, error) {
	r, err := s.Store.Revisions(ctx, event)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) Heads(ctx context.Context) (map[string]int, error) {
	h, err := s.Store.Heads(ctx)
	return h, s.Monitor.Classify(ctx, err)
}

// DataVersion forwards to a store.Versioned; a store without it fails, and the catalog's
// watch then polls the revisions instead.
func (s Store) DataVersion(ctx context.Context) (int64, error) {
	v, ok := s.Store.(store.Versioned)
	if !ok {
		return 0, errors.ErrUnsupported
	}
	n, err := v.DataVersion(ctx)
	return n, s.Monitor.Classify(ctx, err)
}

// Changed forwards to a store.Watched; a store without it fails, and the catalog's watch
// then asks DataVersion every interval.
func (s Store) Changed(ctx context.Context) (<-chan struct{}, error) {
	w, ok := s.Store.(store.Watched)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return w.Changed(ctx)
}

func (s Store) DeleteEvent(ctx context.Context, event string, now time.Time) error {
	return s.Monitor.Classify(ctx, s.Store.DeleteEvent(ctx, event, now))
}

func (s Store) EventDeleted(ctx context.Context, event string) (bool, error) {
	d, err := s.Store.EventDeleted(ctx, event)
	return d, s.Monitor.Classify(ctx, err)
}

func (s Store) CreateSchedule(ctx context.Context, sc store.Schedule) (store.Schedule, error) {
	r, err := s.Store.CreateSchedule(ctx, sc)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) Schedule(ctx context.Context, id string) (store.Schedule, error) {
	r, err := s.Store.Schedule(ctx, id)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) ScheduleByFeed(ctx context.Context, feedHash string) (store.Schedule, error) {
	r, err := s.Store.ScheduleByFeed(ctx, feedHash)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) UpdateSchedule(ctx context.Context, id string, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	r, err := s.Store.UpdateSchedule(ctx, id, now, change)
	return r, s.Monitor.Classify(ctx, err)
}

// UpdateKnownSchedule forwards to a store.KnownUpdater; on other stores it is UpdateSchedule.
func (s Store) UpdateKnownSchedule(ctx context.Context, known store.Schedule, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	k, ok := s.Store.(store.KnownUpdater)
	if !ok {
		return s.UpdateSchedule(ctx, known.ID, now, change)
	}
	r, err := k.UpdateKnownSchedule(ctx, known, now, change)
	return r, s.Monitor.Classify(ctx, err)
}

func (s Store) DeleteSchedule(ctx context.Context, id string) error {
	return s.Monitor.Classify(ctx, s.Store.DeleteSchedule(ctx, id))
}

func (s Store) Totals(ctx context.Context) (int, int, error) {
	a, b, err := s.Store.Totals(ctx)
	return a, b, s.Monitor.Classify(ctx, err)
}

// WithLatestRevision forwards to a store.Lender, and lends a copy from LatestRevision on
// other stores. Errors of fn pass through as they are.
func (s Store) WithLatestRevision(ctx context.Context, event string, fn func(store.Revision) error) error {
	l, ok := s.Store.(store.Lender)
	if !ok {
		r, err := s.LatestRevision(ctx, event)
		if err != nil {
			return err
		}
		return fn(r)
	}
	var fnErr error
	err := l.WithLatestRevision(ctx, event, func(r store.Revision) error {
		fnErr = fn(r)
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	return s.Monitor.Classify(ctx, err)
}
