package schedule

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/patrickmn/go-cache"

	"github.com/confcal/confcal/internal/store"
)

// writtenTTL is how long a schedule this instance wrote is kept as the starting point of the
// next change to it. A copy that another instance has since outdated costs one read when
// it is used (the store's write is conditional on the version), so it may live longer than
// the feed cache's entries, which are served as they are.
const writtenTTL = 10 * time.Minute

// written keeps, by id, the schedules as this instance last wrote them, within a budget of
// bytes: someone starring session after session has each change start from the row the
// last one returned (store.KnownUpdater), one round trip to the database instead of two.
type written struct {
	cache  *cache.Cache
	mu     sync.Mutex // orders replacing an entry with the count
	bytes  atomic.Int64
	budget int64
}

type writtenRow struct {
	schedule store.Schedule
	size     int64
}

func newWritten(budget int64) *written {
	k := &written{cache: cache.New(writtenTTL, time.Minute), budget: budget}
	k.cache.OnEvicted(func(_ string, v any) {
		if r, ok := v.(*writtenRow); ok {
			k.bytes.Add(-r.size) // from Delete, or from go-cache's janitor at expiry
		}
	})
	return k
}

// get returns the schedule last written under id, if it is kept.
func (k *written) get(id string) (store.Schedule, bool) {
	v, ok := k.cache.Get(id)
	if !ok {
		return store.Schedule{}, false
	}
	return v.(*writtenRow).schedule, true
}

// put keeps sc in place of what was kept under its id, if the budget allows.
func (k *written) put(sc store.Schedule) {
	r := &writtenRow{schedule: sc, size: scheduleSize(sc)}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cache.Delete(sc.ID)
	if k.bytes.Load()+r.size > k.budget {
		return
	}
	k.bytes.Add(r.size)
	k.cache.Set(sc.ID, r, cache.DefaultExpiration)
}

// drop forgets what was kept under id.
func (k *written) drop(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cache.Delete(id)
}

// weight is what the kept schedules weigh.
func (k *written) weight() int64 { return k.bytes.Load() }
