package catalog

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// KeptBudget bounds the bytes of responses a snapshot keeps besides its feeds (hosted
// pages, embeds, cards, oEmbed answers), gzip forms reckoned in: every page of a
// 5,000-session event fits. Past it, a response is rendered for each request (which
// callers bound as any other render). A variable so that a test can make every render
// pass the budget.
var KeptBudget int64 = 64 << 20

// FilteredBudget bounds the bytes of filtered feeds a snapshot keeps: every track, room,
// day and session feed of a large event fits several times over, while odd combinations
// of filters cannot grow memory past it. A feed past the budget is assembled for each
// request (which callers bound as any other render).
const FilteredBudget = 32 << 20

// keptStore holds a snapshot's rendered bodies by key, each rendered at most once while
// its budget lasts; concurrent requests for one that is being rendered wait for it.
type keptStore struct {
	bodies  sync.Map // key -> *Body
	bytes   atomic.Int64
	renders atomic.Uint64
	flight  singleflight.Group
}

func (k *keptStore) get(key string) (*Body, bool) {
	b, ok := k.bodies.Load(key)
	if !ok {
		return nil, false
	}
	return b.(*Body), true
}

// keep returns the body kept under key, rendering it the first time and keeping it while
// budget allows. A render's error is returned and nothing is kept, so a miss (an unknown
// id) costs a lookup each time and no memory.
func (k *keptStore) keep(key string, budget int64, render func() (*Body, error)) (*Body, error) {
	if b, ok := k.get(key); ok {
		return b, nil
	}
	v, err, _ := k.flight.Do(key, func() (any, error) {
		if b, ok := k.get(key); ok {
			return b, nil
		}
		k.renders.Add(1)
		b, err := render()
		if err != nil {
			return nil, err
		}
		if cost := b.Weight() + int64(len(key)); k.bytes.Add(cost) <= budget {
			k.bodies.Store(key, b)
		} else {
			k.bytes.Add(-cost)
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Body), nil
}

// Kept returns the response kept under key, if it has been rendered.
func (s *Snapshot) Kept(key string) (*Body, bool) { return s.rendered.get(key) }

// Keep returns the response kept under key, rendering it with render the first time.
func (s *Snapshot) Keep(key string, render func() (*Body, error)) (*Body, error) {
	return s.rendered.keep(key, KeptBudget, render)
}

// Renders counts the renders Keep ran for this snapshot.
func (s *Snapshot) Renders() uint64 { return s.rendered.renders.Load() }
