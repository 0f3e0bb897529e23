package limit

import (
	"context"
	"sync/atomic"
	"time"
)

// Gate bounds work that costs real CPU or database time: at most Slots at once, at most
// Queue more waiting, each for at most Wait. A request past that is turned away at once,
// to be answered 503, instead of queueing behind work the machine cannot finish in time;
// a waiting request whose client has gone leaves the queue.
type Gate struct {
	slots   chan struct{}
	queue   int32
	waiting atomic.Int32
	wait    time.Duration
	// Shed counts the requests turned away.
	Shed atomic.Uint64
}

// NewGate returns a gate of slots at once, queue waiting, each waiting at most wait.
func NewGate(slots, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, slots), queue: int32(queue), wait: wait}
}

// Enter waits for a slot; ok is false when the work must be turned away (gate full, waited
// too long, or ctx ended). release must be called once the work is done.
func (g *Gate) Enter(ctx context.Context) (release func(), ok bool) {
	if g == nil {
		return func() {}, true
	}
	select {
	case g.slots <- struct{}{}:
		return g.release, true
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		g.Shed.Add(1)
		return nil, false
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		if ctx.Err() != nil { // the client left while waiting
			g.release()
			return nil, false
		}
		return g.release, true
	case <-t.C:
	case <-ctx.Done():
	}
	g.Shed.Add(1)
	return nil, false
}

func (g *Gate) release() { <-g.slots }
