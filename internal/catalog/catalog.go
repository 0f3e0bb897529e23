package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confcal/confcal/internal/store"
)

// Reader is the part of the store the catalog reads.
type Reader interface {
	Heads(ctx context.Context) (map[string]int, error)
	LatestRevision(ctx context.Context, event string) (store.Revision, error)
}

// Catalog holds the current snapshot of every event. Reads are lock-free: the whole map is
// replaced atomically whenever any event changes.
type Catalog struct {
	store   Reader
	baseURL string
	now     func() time.Time
	log     *slog.Logger

	snaps   atomic.Pointer[map[string]*Snapshot]
	loaded  atomic.Bool
	refresh sync.Mutex // one refresh at a time
	// recheck is how often Watch refreshes on a versioned store when nothing was
	// committed (a second; a field so that a test can lengthen it).
	recheck time.Duration
}

// New returns an empty catalog over st; call Refresh to load it.
func New(st Reader, baseURL string, now func() time.Time, log *slog.Logger) *Catalog {
	c := &Catalog{store: st, baseURL: baseURL, now: now, log: log, recheck: time.Second}
	empty := map[string]*Snapshot{}
	c.snaps.Store(&empty)
	return c
}

// Get returns the event's current snapshot.
func (c *Catalog) Get(slug string) (*Snapshot, bool) {
	s, ok := (*c.snaps.Load())[slug]
	return s, ok
}

// All returns every event's snapshot, ordered by slug.
func (c *Catalog) All() []*Snapshot {
	m := *c.snaps.Load()
	out := make([]*Snapshot, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// Loaded reports whether a Refresh has given every event a snapshot.
func (c *Catalog) Loaded() bool { return c.loaded.Load() }

// Refresh loads every event whose latest revision differs from its snapshot, drops events
// that are gone, and rebuilds snapshots whose tombstones expired. It reports whether
// anything changed. An event whose revision cannot be built keeps its old snapshot.
func (c *Catalog) Refresh(ctx context.Context) (bool, error) {
	c.refresh.Lock()
	defer c.refresh.Unlock()
	heads, err := c.store.Heads(ctx)
	if err != nil {
		return false, fmt.Errorf("refresh catalog: %w", err)
	}
	now := c.now()
	old := *c.snaps.Load()
	next := make(map[string]*Snapshot, len(heads))
	changed := len(old) != len(heads)
	var errs []error
	for slug, n := range heads {
		cur := old[slug]
		if cur != nil && cur.Revision == n && !cur.Expired(now) {
			next[slug] = cur
			continue
		}
		snap, err := c.load(ctx, slug, now, cur)
		if err != nil {
			errs = append(errs, err)
			if cur != nil {
				next[slug] = cur
			}
			continue
		}
		next[slug], changed = snap, true
	}
	if changed {
		c.snaps.Store(&next)
	}
	// Ready once every event is served, even if some by an older snapshot than its newest
	// revision (that error is returned and logged, and retried on the next refresh).
	if len(next) == len(heads) {
		c.loaded.Store(true)
	}
	return changed, errors.Join(errs...)
}

func (c *Catalog) load(ctx context.Context, slug string, now time.Time, prev *Snapshot) (*Snapshot, error) {
	t0 := time.Now()
	var t1 time.Time
	var snap *Snapshot
	build := func(rev store.Revision) (err error) {
		t1 = time.Now()
		snap, err = Build(rev, c.baseURL, now, prev)
		return err
	}
	var err error
	if l, ok := c.store.(store.Lender); ok {
		// Built from the store's buffers: Build keeps nothing of the document's bytes.
		err = l.WithLatestRevision(ctx, slug, build)
	} else {
		var rev store.Revision
		if rev, err = c.store.LatestRevision(ctx, slug); err == nil {
			err = build(rev)
		}
	}
	if err != nil {
		return nil, err
	}
	t2 := time.Now()
	// How long the revision took to read and to build: an operator's figures for a slow watch.
	c.log.Info("agenda loaded", "event", slug, "revision", snap.Revision, "sessions", len(snap.Event.Sessions),
		"read_ms", t1.Sub(t0).Milliseconds(), "build_ms", t2.Sub(t1).Milliseconds(), "reused", snap.reuse.Reused())
	return snap, nil
}

// Watch refreshes the catalog until ctx ends, so revisions written by another process
// (confcal import) or instance are served without a restart. On a store that tells when
// anything was committed (store.Versioned: SQLite's data_version) it asks that and
// refreshes when it has changed, and at least every second besides (expired tombstones);
// on others it refreshes every interval. When the store also says when a commit may have
// happened (store.Watched: file events on SQLite), it asks data_version only then, every
// interval while writes go on and for a second after the last (a commit shows in
// data_version just after its last write), and otherwise once a second, when it refreshes
// anyway (the safety net for a lost event): an idle server wakes once a second instead of
// 40 times. Without file events it asks every interval.
func (c *Catalog) Watch(ctx context.Context, interval time.Duration) {
	v, versioned := c.store.(store.Versioned)
	var last int64
	if versioned {
		var err error
		last, err = v.DataVersion(ctx)
		versioned = !errors.Is(err, errors.ErrUnsupported)
	}
	var changed <-chan struct{}
	if w, ok := c.store.(store.Watched); ok && versioned {
		ch, err := w.Changed(ctx)
		switch {
		case err == nil:
			changed = ch
		case !errors.Is(err, errors.ErrUnsupported):
			c.log.Warn("no file events: asking the database every interval", "interval", interval, "err", err)
		}
	}
	var busyUntil time.Time // while files change, ask every interval
	next := func() time.Duration {
		if changed == nil || time.Now().Before(busyUntil) {
			return interval
		}
		return max(interval, c.recheck)
	}
	// The first turn refreshes at once: a commit between the caller's Refresh and the
	// data_version just read would otherwise wait for the safety net.
	t := time.NewTimer(0)
	defer t.Stop()
	var lastRefresh, lastLook time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			busyUntil = time.Now().Add(time.Second)
			// At most one look an interval, however often this process's own writes fire.
			if d := interval - time.Since(lastLook); d > 0 {
				t.Reset(d)
				continue
			}
		case <-t.C:
		}
		lastLook = time.Now()
		t.Reset(next())
		if versioned && time.Since(lastRefresh) < c.recheck {
			n, err := v.DataVersion(ctx)
			if err == nil && n == last {
				continue
			}
			last = n // on an error, refresh: it reports the error as usual
		}
		lastRefresh = time.Now()
		if _, err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
			if errors.Is(err, store.ErrUnavailable) {
				c.log.Debug("refresh catalog: database unreachable", "err", err) // the outage is logged once, by its monitor
				continue
			}
			c.log.Error("refresh catalog", "err", err)
		}
	}
}
