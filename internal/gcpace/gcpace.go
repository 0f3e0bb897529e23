// Package gcpace lets a small heap grow by a fixed number of bytes between collections.
//
// Go starts a collection when the heap has grown by GOGC per cent (100 by default) of what
// the last one left live. A server that holds a few megabytes of agenda and allocates a few
// kilobytes per request collects every few thousand requests, and every collection marks
// the whole agenda again: on the load run that was 2–2.6 µs of the ~20 µs of CPU a cached
// page cost, the largest part of what set confcal apart from a bare net/http server.
// With a headroom, the percentage is raised after every collection to what lets the heap
// grow by that many bytes (100 × headroom / live), and left at GOGC's own once the live
// heap is larger than the headroom: a small heap costs at most headroom more memory, a
// large one nothing more than before. GOMEMLIMIT, when set, still bounds the whole.
package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// maxPercent bounds the percentage, so that a nearly empty heap is still collected.
const maxPercent = 100_000

// heapMinimum is the runtime's smallest heap goal at GOGC=100; it scales with the
// percentage, so a large percentage on a nearly empty heap would let it grow far past the
// headroom before its first collection.
const heapMinimum = 4 << 20

// Percent is the collector's percentage for a live heap of live bytes: base (GOGC's) or
// what grows the heap by headroom bytes before the next collection, whichever is larger.
func Percent(live, headroom int64, base int) int {
	if headroom <= 0 || base < 0 {
		return base
	}
	p := int64(maxPercent)
	if live > 0 {
		p = (headroom*100 + live - 1) / live // grows live by headroom
	}
	p = min(p, (live+headroom)*100/heapMinimum) // and the minimum goal no further
	if p < int64(base) {
		return base
	}
	return int(min(p, maxPercent))
}

var (
	mu      sync.Mutex
	running *pacer
)

type pacer struct {
	headroom int64
	base     int
	set      int // the percentage last set
	stopped  bool
	sample   []metrics.Sample
}

// Start sets the percentage from the live heap after every collection from now on, with
// headroom bytes of growth (see the package comment). GOGC=off (a negative percentage) or
// headroom ≤ 0 leaves the collector alone. stop ends it and restores GOGC's percentage;
// one pacer runs at a time (a second Start stops the first).
func Start(headroom int64) (stop func()) {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		running.stopLocked()
	}
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base) // reading the percentage means setting it: put GOGC's back
	if base < 0 || headroom <= 0 {
		return func() {}
	}
	p := &pacer{headroom: headroom, base: base, set: base,
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	running = p
	p.adjustLocked()
	p.arm()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		p.stopLocked()
	}
}

func (p *pacer) stopLocked() {
	if p.stopped {
		return
	}
	p.stopped = true
	debug.SetGCPercent(p.base)
	if running == p {
		running = nil
	}
}

// sentinel is allocated unreferenced, so the next collection frees it and runs its cleanup:
// one call per collection, on the runtime's cleanup goroutine, with no polling. It holds a
// pointer so that it is not packed with other tiny objects, which would keep it alive.
type sentinel struct {
	_ *int
	_ [2]int
}

func (p *pacer) arm() {
	runtime.AddCleanup(new(sentinel), func(p *pacer) {
		mu.Lock()
		defer mu.Unlock()
		if p.stopped {
			return
		}
		p.adjustLocked()
		p.arm()
	}, p)
}

// adjustLocked sets the percentage for the heap the last collection left live, when it
// should move (see moves).
func (p *pacer) adjustLocked() {
	metrics.Read(p.sample)
	if p.sample[0].Value.Kind() != metrics.KindUint64 {
		return // unknown to this runtime: leave GOGC's percentage
	}
	want := Percent(int64(p.sample[0].Value.Uint64()), p.headroom, p.base)
	if moves(p.set, want, p.base) {
		debug.SetGCPercent(want)
		p.set = want
	}
}

// moves says whether the percentage set should become want: when it moves by more than a
// tenth (setting it is cheap, but there is no need to every cycle), and always when want
// is GOGC's own, so that a live heap that grew past the headroom gets exactly GOGC's back
// and not a percentage set while it was still a little below (102 for 63 MB of 64).
func moves(set, want, base int) bool {
	if want == set {
		return false
	}
	d := want - set
	return want == base || d*10 > set || -d*10 > set
}
