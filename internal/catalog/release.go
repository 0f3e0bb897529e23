package catalog

import (
	"runtime/debug"
	"sync"
	"time"
)

// The runtime keeps the heap it grew to for a while after a large one-off build (decoding
// a 6 MB revision, encoding a 10 MB export, rendering a 17 MB page: tens of MB of garbage
// each) and returns it to the system only slowly, so a server that had answered every kind
// of request once at 5,000 sessions stood at twice the memory it started with while holding
// little more. After such a build the memory is handed back at once, by a collection that
// runs apart from the request, at most once a second whatever the number of builds.

var released = struct {
	once sync.Once
	due  chan struct{}
}{due: make(chan struct{}, 1)}

// ReleaseAfter asks for the memory freed by a build that produced or consumed n bytes
// (a packed body, a changes feed decoded from old revisions) to be returned to the system,
// when n is past PackAbove.
func ReleaseAfter(n int) {
	if n <= PackAbove {
		return
	}
	released.once.Do(func() { go releaseLoop() })
	select {
	case released.due <- struct{}{}:
	default: // one is due already
	}
}

func releaseLoop() {
	for range released.due {
		time.Sleep(50 * time.Millisecond) // builds come in bursts (a page and its gzip form, JSON and XML)
		debug.FreeOSMemory()
		time.Sleep(time.Second)
	}
}
