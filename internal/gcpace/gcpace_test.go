package gcpace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, headroom int64
		base, want     int
	}{
		{6 * mb, 32 * mb, 100, 534},     // a small heap grows by the headroom
		{32 * mb, 32 * mb, 100, 100},    // as large as the headroom: GOGC's own
		{200 * mb, 32 * mb, 100, 100},   // larger: GOGC's own, no more memory than before
		{200 * mb, 32 * mb, 50, 50},     // GOGC=50 kept for a large heap
		{6 * mb, 32 * mb, 800, 800},     // a GOGC above the headroom's wins
		{0, 32 * mb, 100, 800},          // an empty heap: the runtime's minimum goal grows by the headroom
		{1 * mb, 32 * mb, 100, 825},     // as does a nearly empty one
		{6 * mb, 0, 100, 100},           // no headroom: GOGC's
		{6 * mb, 32 * mb, -1, -1},       // GOGC=off stays off
		{1 * mb, 1 << 40, 100, 100_000}, // bounded
		{0, 0, 100, 100},
	} {
		if got := Percent(c.live, c.headroom, c.base); got != c.want {
			t.Errorf("Percent(%d MB live, %d MB headroom, GOGC=%d) = %d, want %d", c.live/mb, c.headroom/mb, c.base, got, c.want)
		}
	}
}

func TestMoves(t *testing.T) {
	for _, c := range []struct {
		set, want, base int
		moves           bool
	}{
		{534, 534, 100, false},
		{534, 560, 100, false}, // within a tenth: left
		{534, 600, 100, true},
		{534, 400, 100, true},
		{102, 100, 100, true}, // GOGC's own: always, however close
		{100, 100, 100, false},
		{105, 101, 100, false},
	} {
		if got := moves(c.set, c.want, c.base); got != c.moves {
			t.Errorf("moves(set %d, want %d, GOGC %d) = %v, want %v", c.set, c.want, c.base, got, c.moves)
		}
	}
}

// percentNow reads the collector's percentage (reading it means setting it).
func percentNow() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// waitPercent collects until the pacer has run and the percentage satisfies ok.
func waitPercent(t *testing.T, ok func(int) bool) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC() // the sentinel's cleanup runs after the collection that frees it
		time.Sleep(10 * time.Millisecond)
		if p := percentNow(); ok(p) || time.Now().After(deadline) {
			return p
		}
	}
}

var keep [][]*[64]byte

// TestStartFollowsTheLiveHeap runs the pacer on this process's own heap: a small live
// heap gets a large percentage, a live heap past the headroom gets GOGC's back, and stop
// restores it.
func TestStartFollowsTheLiveHeap(t *testing.T) {
	base := percentNow()
	if base < 0 {
		t.Skip("GOGC=off: the pacer leaves the collector alone")
	}
	const headroom = 64 << 20
	stop := Start(headroom)
	defer stop()

	small := waitPercent(t, func(p int) bool { return p > 5*base })
	if small <= 5*base {
		t.Fatalf("a small live heap kept percentage %d (GOGC %d); want it raised for %d MB of headroom", small, base, headroom>>20)
	}

	// 128 MB of live, pointer-holding objects: past the headroom, so GOGC's own percentage.
	for range 128 {
		row := make([]*[64]byte, 16<<10)
		for i := range row {
			row[i] = new([64]byte)
		}
		keep = append(keep, row)
	}
	large := waitPercent(t, func(p int) bool { return p <= base })
	keep = nil
	if large != base {
		t.Fatalf("a live heap past the headroom has percentage %d, want GOGC's %d", large, base)
	}

	stop()
	if p := percentNow(); p != base {
		t.Fatalf("after stop the percentage is %d, want GOGC's %d", p, base)
	}
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if p := percentNow(); p != base {
		t.Fatalf("a collection after stop changed the percentage to %d", p)
	}
}

func TestOffLeavesTheCollectorAlone(t *testing.T) {
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	stop := Start(64 << 20)
	defer stop()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if p := percentNow(); p != -1 {
		t.Fatalf("GOGC=off became %d", p)
	}
}
