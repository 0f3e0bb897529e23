// Package coherence keeps an instance in step with the others on one PostgreSQL: it listens
// on the change channel, refreshes the agenda catalog when another instance wrote a
// revision, and drops cached schedules another instance changed, rotated or deleted. When
// the listening connection drops it reconnects, and after every reconnect it drops all
// cached schedules and refreshes, since notifications sent meanwhile are lost. The
// schedule cache's sub-second lifetime and the catalog's periodic refresh keep the
// one-second bound even while the listener is down.
package coherence

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
)

// Catalog is refreshed when a revision was written elsewhere.
type Catalog interface {
	Refresh(ctx context.Context) (bool, error)
}

// Schedules is the schedule cache to keep honest.
type Schedules interface {
	Invalidate(feedHash string)
	ForgetEvent(event string)
	Flush()
}

// Listener runs the LISTEN connection of one instance.
type Listener struct {
	DSN       string
	Name      string // this instance, shown as application_name "confcal-listener-NAME"
	Catalog   Catalog
	Schedules Schedules
	Log       *slog.Logger
	// Quiet reports a known database outage, during which lost connections are not warned of.
	Quiet func() bool
	// Reconnects counts connections made after the first, for the metrics.
	Reconnects atomic.Uint64
	// Connected is true while the LISTEN connection is up.
	Connected atomic.Bool

	connects atomic.Uint64
	refresh  chan struct{}
}

// Run listens until ctx ends.
func (l *Listener) Run(ctx context.Context) error {
	l.refresh = make(chan struct{}, 1)
	go l.refresher(ctx)
	pl := &pgxlisten.Listener{
		Connect:        l.connect,
		ReconnectDelay: 250 * time.Millisecond,
		LogError: func(_ context.Context, err error) {
			if ctx.Err() == nil {
				l.Connected.Store(false)
				if l.Quiet != nil && l.Quiet() {
					l.Log.Debug("change listener: connection lost; reconnecting", "err", err) // an outage, logged by its monitor
					return
				}
				l.Log.Warn("change listener: connection lost; reconnecting", "err", err)
			}
		},
	}
	pl.Handle(postgres.Channel, l)
	return pl.Listen(ctx)
}

// ApplicationName is the listener's application_name for an instance name.
func ApplicationName(instance string) string { return "confcal-listener-" + instance }

func (l *Listener) connect(ctx context.Context) (*pgx.Conn, error) {
	dsn := l.DSN
	if u, err := url.Parse(dsn); err == nil {
		q := u.Query()
		q.Set("application_name", ApplicationName(l.Name))
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	return pgx.Connect(ctx, dsn)
}

// HandleBacklog runs after each (re)connect, once LISTEN is in place: anything sent while
// the listener was away is unknown, so every cached schedule goes and the catalog is
// refreshed.
func (l *Listener) HandleBacklog(ctx context.Context, _ string, _ *pgx.Conn) error {
	l.Connected.Store(true)
	if l.connects.Add(1) > 1 {
		l.Reconnects.Add(1)
		l.Schedules.Flush()
		l.kick()
		l.Log.Info("change listener: reconnected; caches dropped")
	}
	return nil
}

// HandleNotification applies one change notification: "revision EVENT",
// "schedule FEEDHASH" or "event EVENT" (deleted).
func (l *Listener) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	kind, arg, _ := strings.Cut(n.Payload, " ")
	switch kind {
	case "schedule":
		l.Schedules.Invalidate(arg)
	case "revision":
		l.kick()
	case "event":
		l.Schedules.ForgetEvent(arg)
		l.kick()
	}
	return nil
}

// kick asks for a catalog refresh; refreshes asked for meanwhile coalesce into one.
func (l *Listener) kick() {
	select {
	case l.refresh <- struct{}{}:
	default:
	}
}

func (l *Listener) refresher(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.refresh:
			if _, err := l.Catalog.Refresh(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrUnavailable) {
				l.Log.Warn("change listener: refresh", "err", err)
			}
		}
	}
}
