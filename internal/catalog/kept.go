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

// kept is a snapshot's store of rendered responses, each rendered at most once while the
// budget lasts; concurrent requests for one that is being rendered wait for it.
type keptStore struct {
	bodies  sync.Map // key -> *Body
	bytes   atomic.Int64
	renders atomic.Uint64
	flight  singleflight.Group
}

// Kept returns the response kept under key, if it has been rendered.
func (s *Snapshot) Kept(key string) (*Body, bool) {
	b, ok := s.rendered.bodies.Load(key)
	if !ok {
		return nil, false
	}
	return b.(*Body), true
}

// Keep returns the response kept under key, rendering it with render the first time. A
// render's error is returned and nothing is kept, so a miss (an unknown id) costs a
// lookup each time and no memory.
func (s *Snapshot) Keep(key string, render func() (*Body, error)) (*Body, error) {
	if b, ok := s.Kept(key); ok {
		return b, nil
	}
	v, err, _ := s.rendered.flight.Do(key, func() (any, error) {
		if b, ok := s.Kept(key); ok {
			return b, nil
		}
		s.rendered.renders.Add(1)
		b, err := render()
		if err != nil {
			return nil, err
		}
		if cost := int64(len(b.Data)+len(key)) * 3 / 2; s.rendered.bytes.Add(cost) <= KeptBudget {
			s.rendered.bodies.Store(key, b)
		} else {
			s.rendered.bytes.Add(-cost)
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Body), nil
}

// Renders counts the renders Keep ran for this snapshot.
func (s *Snapshot) Renders() uint64 { return s.rendered.renders.Load() }

// KeptBytes is what the kept responses weigh, by Keep's reckoning.
func (s *Snapshot) KeptBytes() int64 { return s.rendered.bytes.Load() }
