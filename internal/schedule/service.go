package schedule

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/patrickmn/go-cache"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/store"
)

// Store is the part of the store that schedules use.
type Store interface {
	CreateSchedule(ctx context.Context, s store.Schedule) (store.Schedule, error)
	Schedule(ctx context.Context, id string) (store.Schedule, error)
	ScheduleByFeed(ctx context.Context, feedHash string) (store.Schedule, error)
	UpdateSchedule(ctx context.Context, id string, now time.Time, change func(*store.Schedule) error) (store.Schedule, error)
	DeleteSchedule(ctx context.Context, id string) error
}

// Snapshots gives the current agenda of an event.
type Snapshots interface {
	Get(slug string) (*catalog.Snapshot, bool)
}

// lookupTTL is how long a schedule found by its feed token is served from the cache. Every
// change made through the Service replaces or drops the entry at once; the short life
// bounds what a change made outside it could leave behind.
const lookupTTL = time.Minute

// keepStale is how long an entry is kept past its TTL, within the budget, to be served
// while the database is unreachable: a calendar polling during an outage still gets its
// feed.
const keepStale = time.Hour

// Service creates, changes and serves personal schedules.
type Service struct {
	store  Store
	agenda Snapshots
	now    func() time.Time
	cache  *cache.Cache
	ttl    time.Duration
	// The cache's weight: each entry's schedule and rendered feed, within budget bytes.
	// setMu orders replacing an entry (drop the old, count and store the new); mu guards
	// the counts, which go-cache's eviction callback also takes.
	budget int64
	setMu  sync.Mutex
	mu     sync.Mutex
	bytes  int64
	purged time.Time // when stale entries were last purged for room; guarded by setMu
	swept  time.Time // when expired entries were last swept; guarded by setMu
	// epochs count invalidations, in stripes by the feed hash's first byte: a lookup that
	// read the store before an invalidation of its hash must not cache what it read after.
	epochs [256]atomic.Uint64
	// Stale counts feeds served from a copy past its TTL while the database was unreachable.
	Stale atomic.Uint64
	// Hits and Misses count feed lookups served from the cache and from the store.
	Hits, Misses atomic.Uint64
	// written keeps the schedules written here as the start of their next change, on stores
	// that can use it (store.KnownUpdater); nil on others.
	written *written
	updater store.KnownUpdater
}

// Option configures a Service.
type Option func(*Service)

// WithCacheTTL bounds how long a schedule stays cached. With several instances on one
// database it must be under a second: it is what keeps a feed rotated or deleted on
// another instance from being served for longer, even when change notifications are lost.
func WithCacheTTL(d time.Duration) Option { return func(s *Service) { s.ttl = d } }

// DefaultCacheBudget is what the cached schedules and their feeds may weigh: the schedules
// that calendars poll within a TTL, at typical sizes, fit several times over.
const DefaultCacheBudget = 64 << 20

// WithCacheBudget bounds what the cache holds, in bytes. Past it, schedules are read from
// the store and their feeds rendered for each fetch until entries expire.
func WithCacheBudget(n int64) Option { return func(s *Service) { s.budget = n } }

// NewService returns a Service.
func NewService(st Store, snaps Snapshots, now func() time.Time, opts ...Option) *Service {
	s := &Service{store: st, agenda: snaps, now: now, ttl: lookupTTL, budget: DefaultCacheBudget}
	for _, o := range opts {
		o(s)
	}
	if u, ok := st.(store.KnownUpdater); ok {
		s.updater, s.written = u, newWritten(s.budget/4)
	}
	// Entries carry their own times (entry.fresh, read against s.now), so go-cache keeps
	// them without an expiration: its Get would read the clock again on every fetch.
	// put sweeps the expired ones.
	s.cache = cache.New(cache.NoExpiration, 0)
	s.cache.OnEvicted(func(_ string, v any) {
		if e, ok := v.(*entry); ok {
			s.mu.Lock()
			s.bytes -= e.size
			e.size, e.gone = 0, true
			s.mu.Unlock()
		}
	})
	return s
}

// CacheBytes is what the cached schedules and feeds weigh, with the schedules kept for
// their next change.
func (s *Service) CacheBytes() int64 {
	s.mu.Lock()
	n := s.bytes
	s.mu.Unlock()
	if s.written != nil {
		n += s.written.weight()
	}
	return n
}

// charge adds n bytes to a cached entry if the budget allows; false if it does not, or
// the entry has left the cache.
func (s *Service) charge(e *entry, n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.gone || s.bytes+n > s.budget {
		return false
	}
	s.bytes += n
	e.size += n
	return true
}

// scheduleSize is roughly what a cached schedule weighs.
func scheduleSize(sc store.Schedule) int64 {
	n := 256 + len(sc.ID) + len(sc.Event) + len(sc.FeedHash) + len(sc.EditHash)
	for _, id := range sc.Sessions {
		n += 16 + len(id)
	}
	return int64(n)
}

// Invalidate drops the schedule cached under a feed hash: another instance changed,
// rotated or deleted it. A lookup of that hash already reading the store will not cache
// what it reads.
func (s *Service) Invalidate(feedHash string) { s.drop(cacheKey(feedHash)) }

func (s *Service) drop(key string) {
	s.bump(key)
	s.forget(key)
}

// forget deletes a cached entry after a lookup's check-and-store, never between.
func (s *Service) forget(key string) {
	s.setMu.Lock()
	s.cache.Delete(key)
	s.setMu.Unlock()
}

func (s *Service) epoch(key string) *atomic.Uint64 {
	if key == "" {
		return &s.epochs[0]
	}
	return &s.epochs[key[0]]
}

func (s *Service) bump(key string) { s.epoch(key).Add(1) }

// Flush drops every cached schedule, when change notifications may have been missed.
func (s *Service) Flush() {
	for i := range s.epochs {
		s.epochs[i].Add(1)
	}
	for k := range s.cache.Items() {
		s.forget(k) // Delete, unlike go-cache's Flush, lets the counts follow
	}
}

// Created is a new schedule with the tokens that exist only in this answer.
type Created struct {
	Schedule  store.Schedule
	FeedToken string
	EditToken string
}

// Create makes a schedule of the given sessions of an event.
func (s *Service) Create(ctx context.Context, event string, ids []string, alarm *int) (Created, error) {
	snap, ok := s.agenda.Get(event)
	if !ok {
		return Created{}, fmt.Errorf("event %s: %w", event, agenda.ErrNotFound)
	}
	sel, minutes, err := check(snap, ids, alarm)
	if err != nil {
		return Created{}, err
	}
	c := Created{FeedToken: NewToken(), EditToken: NewToken()}
	c.Schedule, err = s.store.CreateSchedule(ctx, store.Schedule{
		ID: NewID(), Event: event, FeedHash: Hash(c.FeedToken), EditHash: Hash(c.EditToken),
		Sessions: sel, AlarmMinutes: minutes, CreatedAt: s.now().UTC(),
	})
	if err != nil {
		return Created{}, fmt.Errorf("create schedule: %w", err)
	}
	// Not cached: the cache is for the feeds calendars poll, and a burst of creations (100,000
	// in a load run) would fill its budget with schedules nobody has fetched yet, pushing out
	// those polled every few minutes. The first fetch reads the store, as any miss does.
	return c, nil
}

// Get returns a schedule if editToken is its edit token. A wrong token and a missing
// schedule give the same agenda.ErrNotFound, so answers reveal nothing about which ids exist.
func (s *Service) Get(ctx context.Context, id, editToken string) (store.Schedule, error) {
	sc, err := s.store.Schedule(ctx, id)
	if err != nil {
		return sc, err
	}
	if !Matches(editToken, sc.EditHash) {
		return store.Schedule{}, fmt.Errorf("schedule: %w", agenda.ErrNotFound)
	}
	return sc, nil
}

// Replace sets a schedule's sessions and reminder.
func (s *Service) Replace(ctx context.Context, id, editToken string, ids []string, alarm *int) (store.Schedule, error) {
	return s.update(ctx, id, editToken, func(snap *catalog.Snapshot, sc *store.Schedule) error {
		sel, minutes, err := check(snap, ids, alarm)
		sc.Sessions, sc.AlarmMinutes = sel, minutes
		return err
	})
}

// Star adds one session to a schedule.
func (s *Service) Star(ctx context.Context, id, editToken, session string) (store.Schedule, error) {
	return s.update(ctx, id, editToken, func(snap *catalog.Snapshot, sc *store.Schedule) error {
		if slices.Contains(sc.Sessions, session) {
			return nil
		}
		sel, err := Selection(append(slices.Clone(sc.Sessions), session), func(id string) bool {
			return id != session || known(snap, id)
		})
		sc.Sessions = sel
		return err
	})
}

// Unstar removes one session from a schedule.
func (s *Service) Unstar(ctx context.Context, id, editToken, session string) (store.Schedule, error) {
	return s.update(ctx, id, editToken, func(_ *catalog.Snapshot, sc *store.Schedule) error {
		sc.Sessions = slices.DeleteFunc(sc.Sessions, func(x string) bool { return x == session })
		return nil
	})
}

// Rotate gives a schedule a new feed token; the old feed URL stops working at once.
func (s *Service) Rotate(ctx context.Context, id, editToken string) (store.Schedule, string, error) {
	token := NewToken()
	var old string
	sc, err := s.update(ctx, id, editToken, func(_ *catalog.Snapshot, sc *store.Schedule) error {
		old, sc.FeedHash = sc.FeedHash, Hash(token)
		return nil
	})
	if err != nil {
		return sc, "", err
	}
	s.drop(cacheKey(old))
	return sc, token, nil
}

// Delete removes a schedule; its feed URL stops working at once.
func (s *Service) Delete(ctx context.Context, id, editToken string) error {
	sc, err := s.Get(ctx, id, editToken)
	if err != nil {
		return err
	}
	if s.written != nil {
		s.written.drop(id)
	}
	if err := s.store.DeleteSchedule(ctx, id); err != nil {
		return err
	}
	s.drop(cacheKey(sc.FeedHash))
	return nil
}

// Feed returns the personal feed behind a feed token, or agenda.ErrNotFound. While the
// database is unreachable, a feed served before is served again from memory.
func (s *Service) Feed(ctx context.Context, feedToken string) (*catalog.Body, error) {
	// Feed tokens are 43 characters: hashed from the stack, and the lookup's key (32
	// bytes, which the conversion keeps on the stack) allocated only on a miss.
	var buf [64]byte
	sum := sha256.Sum256(append(buf[:0], feedToken...))
	var e, stale *entry
	if v, ok := s.cache.Get(string(sum[:])); ok {
		e = v.(*entry)
		if now := s.now(); now.After(e.fresh) {
			e, stale = nil, e
			if now.After(stale.fresh.Add(keepStale)) {
				stale = nil // past what an outage may be answered with
			}
		}
	}
	if e != nil {
		s.Hits.Add(1)
	} else {
		s.Misses.Add(1)
		key := string(sum[:])
		epoch := s.epoch(key).Load()
		sc, err := s.store.ScheduleByFeed(ctx, hex.EncodeToString(sum[:]))
		switch {
		case err == nil:
			e = s.rememberRead(sc, key, epoch)
		case stale != nil && errors.Is(err, store.ErrUnavailable):
			e = stale
			s.Stale.Add(1)
		default:
			return nil, err
		}
	}
	snap, ok := s.agenda.Get(e.schedule.Event)
	if !ok {
		return nil, fmt.Errorf("event %s of schedule: %w", e.schedule.Event, agenda.ErrNotFound)
	}
	if r := e.rendered.Load(); r != nil && r.gen == snap.Gen {
		return r.body, nil
	}
	body := snap.PersonalFeed(e.schedule.Sessions, e.schedule.AlarmMinutes)
	// The feed replaces the one rendered before (the new revision's is kept instead), and
	// its gzip form with it.
	n := body.Weight()
	if old := e.rendered.Load(); old != nil {
		n -= old.body.Weight()
	}
	if s.charge(e, n) {
		e.rendered.Store(&rendered{gen: snap.Gen, body: body})
	}
	return body, nil
}

// entry is a cached schedule, found by its feed hash, with the feed last rendered for it.
// An entry is replaced whenever the schedule changes, and its feed is tagged with the
// snapshot it was rendered from, so neither a star nor a revision ever needs a purge.
type entry struct {
	schedule store.Schedule
	fresh    time.Time // served from the cache until then; after it, only in an outage
	rendered atomic.Pointer[rendered]
	size     int64 // bytes charged to the cache; guarded by Service.mu
	gone     bool  // evicted; guarded by Service.mu
}

type rendered struct {
	gen  uint64
	body *catalog.Body
}

func (s *Service) update(ctx context.Context, id, editToken string, change func(*catalog.Snapshot, *store.Schedule) error) (store.Schedule, error) {
	var key string
	apply := func(sc *store.Schedule) error {
		key = cacheKey(sc.FeedHash) // the hash before the change (a rotation changes it)
		if !Matches(editToken, sc.EditHash) {
			return fmt.Errorf("schedule: %w", agenda.ErrNotFound)
		}
		snap, ok := s.agenda.Get(sc.Event)
		if !ok {
			return fmt.Errorf("event %s of schedule: %w", sc.Event, agenda.ErrNotFound)
		}
		return change(snap, sc)
	}
	var sc store.Schedule
	var err error
	if k, ok := s.lastWritten(id); ok {
		sc, err = s.updater.UpdateKnownSchedule(ctx, k, s.now(), apply)
	} else {
		sc, err = s.store.UpdateSchedule(ctx, id, s.now(), apply)
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) && s.written != nil {
			s.written.drop(id)
		}
		return sc, err
	}
	s.bump(key) // a lookup that read the schedule before this change must not cache it
	s.remember(sc)
	if s.written != nil {
		s.written.put(sc)
	}
	return sc, nil
}

// lastWritten is the schedule as this instance last wrote it, where the store can start a
// change from it.
func (s *Service) lastWritten(id string) (store.Schedule, bool) {
	if s.written == nil {
		return store.Schedule{}, false
	}
	return s.written.get(id)
}

// remember caches a schedule under its feed hash, in place of what was cached there, if
// the budget allows; the entry is returned either way.
func (s *Service) remember(sc store.Schedule) *entry {
	return s.put(sc, cacheKey(sc.FeedHash), nil, 0)
}

// rememberRead caches a schedule read by a lookup, unless its hash was invalidated since
// epoch: then what was read may be older than the invalidation, and is served only to
// the request that read it.
func (s *Service) rememberRead(sc store.Schedule, key string, epoch uint64) *entry {
	return s.put(sc, key, s.epoch(key), epoch)
}

// put caches sc under key unless epoch has moved past seen (nil: unconditionally), within
// the budget, dropping stale entries once a second when it is spent and expired ones once
// a minute.
func (s *Service) put(sc store.Schedule, key string, epoch *atomic.Uint64, seen uint64) *entry {
	now := s.now()
	e := &entry{schedule: sc, fresh: now.Add(s.ttl)}
	s.setMu.Lock()
	defer s.setMu.Unlock()
	if epoch != nil && epoch.Load() != seen {
		e.gone = true // never cached: later charges must not count
		return e
	}
	s.cache.Delete(key)
	ok := s.charge(e, scheduleSize(sc))
	if !ok && now.Sub(s.purged) >= time.Second {
		s.purged = now
		s.expire(now)
		ok = s.charge(e, scheduleSize(sc))
	}
	if now.Sub(s.swept) >= time.Minute {
		s.swept = now
		s.expire(now.Add(-keepStale))
	}
	if ok {
		s.cache.Set(key, e, cache.NoExpiration)
	} else {
		s.mu.Lock()
		e.gone = true
		s.mu.Unlock()
	}
	return e
}

// expire drops the entries whose TTL ended before cutoff: now to make room for fresh ones
// (stale entries are kept only for outages), now minus keepStale for those past even
// that, which go-cache, holding entries without an expiration, does not drop. The caller
// holds setMu.
func (s *Service) expire(cutoff time.Time) {
	for k, it := range s.cache.Items() {
		if e, ok := it.Object.(*entry); ok && cutoff.After(e.fresh) {
			s.cache.Delete(k)
		}
	}
}

// cacheKey is the cache's key for a feed hash: its 32 bytes rather than their hex, so that
// a feed fetch, the hottest path, need not encode the hash it computes to look it up.
func cacheKey(feedHash string) string {
	var sum [sha256.Size]byte
	if n, err := hex.Decode(sum[:], []byte(feedHash)); err != nil || n != len(sum) {
		return feedHash
	}
	return string(sum[:])
}

func check(snap *catalog.Snapshot, ids []string, alarm *int) ([]string, int, error) {
	minutes, alarmErr := Alarm(alarm)
	sel, selErr := Selection(ids, func(id string) bool { return known(snap, id) })
	if err := errors.Join(selErr, alarmErr); err != nil {
		return nil, 0, mergeProblems(selErr, alarmErr)
	}
	return sel, minutes, nil
}

// known reports whether a session may be starred: it is in the current agenda.
func known(snap *catalog.Snapshot, id string) bool {
	_, ok := snap.Event.Session(id)
	return ok
}

func mergeProblems(errs ...error) error {
	var ps agenda.Problems
	for _, err := range errs {
		var ve *agenda.ValidationError
		if errors.As(err, &ve) {
			ps = append(ps, ve.Problems...)
		}
	}
	return ps.Err()
}

// ForgetEvent drops the cached schedules of a deleted event, so that none of its feeds is
// served from memory should the event be created again.
func (s *Service) ForgetEvent(event string) {
	for k, it := range s.cache.Items() {
		if e, ok := it.Object.(*entry); ok && e.schedule.Event == event {
			s.drop(k)
		}
	}
}
