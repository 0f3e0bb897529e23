package schedule

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// unreachable is the real SQLite store whose feed lookups fail while down is set, as
// they do when the database cannot be reached.
type unreachable struct {
	*sqlite.DB
	down atomic.Bool
}

func (u *unreachable) ScheduleByFeed(ctx context.Context, feedHash string) (store.Schedule, error) {
	if u.down.Load() {
		return store.Schedule{}, store.ErrUnavailable
	}
	return u.DB.ScheduleByFeed(ctx, feedHash)
}

// An entry's life is read on the Service's clock: fresh for the TTL, then served only in
// an outage for keepStale more, then neither served nor kept.
func TestCachedFeedExpiresOnTheServiceClock(t *testing.T) {
	ctx := context.Background()
	_, st, cat := newService(t, 20)
	db := &unreachable{DB: st}
	now := t1
	s := NewService(db, cat, func() time.Time { return now })
	c, err := s.Create(ctx, "synth", []string{"session-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Feed(ctx, c.FeedToken); err != nil {
		t.Fatal(err)
	}
	cached, reads := s.CacheBytes(), s.Misses.Load()

	db.down.Store(true)
	now = now.Add(lookupTTL / 2)
	if _, err := s.Feed(ctx, c.FeedToken); err != nil || s.Misses.Load() != reads {
		t.Fatalf("within the TTL: %v, %d more reads of the store", err, s.Misses.Load()-reads)
	}
	now = t1.Add(lookupTTL + keepStale - time.Second)
	if _, err := s.Feed(ctx, c.FeedToken); err != nil || s.Stale.Load() != 1 {
		t.Fatalf("past the TTL in an outage: %v, %d stale answers; want the copy", err, s.Stale.Load())
	}
	now = t1.Add(lookupTTL + keepStale + time.Second)
	if _, err := s.Feed(ctx, c.FeedToken); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("past the time kept for outages: %v, want ErrUnavailable", err)
	}

	// The next schedule cached sweeps the expired one away, and its bytes with it.
	db.down.Store(false)
	other, err := s.Create(ctx, "synth", []string{"session-2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.cache.ItemCount(); n != 1 {
		t.Errorf("%d entries cached after the sweep, want only the new schedule's", n)
	}
	if _, err := s.Feed(ctx, other.FeedToken); err != nil {
		t.Fatal(err)
	}
	if got := s.CacheBytes(); got > cached*3/2 {
		t.Errorf("cache weighs %d bytes after the sweep, %d with one schedule: the expired entry is still counted", got, cached)
	}
}
