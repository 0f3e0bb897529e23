package handlers_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/synth"
)

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// No request, however crafted, grows memory past the caches' byte budgets: 1,000 hostile
// requests of each kind leave the heap within a bound.
func TestHostileRequestsKeepMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 7,000 requests")
	}
	ev := synth.Event(synth.Options{Slug: "big", Sessions: 1500, Tracks: 12, Rooms: 8, Days: 5})
	e := newEnv(t, ev)
	rng := rand.New(rand.NewPCG(1, 2))
	// Warm what every request shares (templates, the event feed, its gzip form).
	want(t, e.do("GET", "/events/big/calendar.ics", "", "Accept-Encoding", "gzip"), http.StatusOK)
	before := heap()
	kinds := map[string]func(i int) (string, []string, int){
		// distinct selections: every one a new, large feed
		"filter combinations": func(i int) (string, []string, int) {
			var tracks []string
			for b := range 12 {
				if (i+1)>>b&1 == 1 {
					tracks = append(tracks, fmt.Sprintf("track-%d", b+1))
				}
			}
			return "/events/big/calendar.ics?track=" + strings.Join(tracks, ",") + "&room=room-" + fmt.Sprint(1+i%8), []string{"Accept-Encoding", "gzip"}, 200
		},
		// one track named thousands of times
		"repeated filter": func(i int) (string, []string, int) {
			return "/events/big/calendar.ics?track=" + strings.Repeat("track-1,", 1500) + "track-" + fmt.Sprint(1+i%12), nil, 200
		},
		"unknown filter": func(i int) (string, []string, int) {
			return fmt.Sprintf("/events/big/calendar.ics?track=track-1,nope-%d", i), nil, 404
		},
		"long User-Agent": func(i int) (string, []string, int) {
			return "/events/big/tracks/track-1.ics", []string{"User-Agent", fmt.Sprintf("%d-%s", i, strings.Repeat("x", 14_000))}, 200
		},
		"random feed token": func(i int) (string, []string, int) {
			return fmt.Sprintf("/feeds/%x.ics", rng.Uint64()), nil, 404
		},
		"session downloads": func(i int) (string, []string, int) {
			return fmt.Sprintf("/events/big/sessions/session-%d.ics", 1+i%1500), []string{"Accept-Encoding", "gzip"}, 200
		},
		"day filters": func(i int) (string, []string, int) {
			return fmt.Sprintf("/events/big/calendar.ics?day=2025-10-%d&room=room-%d", 22+i%3, 1+i%8), nil, 200
		},
	}
	for name, req := range kinds {
		for i := range 1000 {
			path, h, status := req(i)
			if w := e.doRaw("GET", path, "", h...); w.Code != status {
				t.Fatalf("%s #%d: %d, want %d: %.200s", name, i, w.Code, status, w.Body)
			}
		}
	}
	// Personal schedules: 1,000 created and fetched; the cache stays within its budget.
	for i := range 1000 {
		c := e.createIn("big", fmt.Sprintf(`{"sessions":["session-%d","session-%d"]}`, 1+i%1500, 1+(i*7)%1500))
		want(t, e.do("GET", feedPath(c.FeedURL), ""), http.StatusOK)
	}
	snap, _ := e.cat.Get("big")
	if b := snap.FilteredBytes(); b > catalog.FilteredBudget {
		t.Errorf("filtered feeds keep %d bytes, over the budget of %d", b, catalog.FilteredBudget)
	}
	if b := e.svc.CacheBytes(); b <= 0 || b > schedule.DefaultCacheBudget {
		t.Errorf("schedule cache holds %d bytes (budget %d)", b, schedule.DefaultCacheBudget)
	}
	grown := int64(heap()) - int64(before)
	t.Logf("heap grew by %.1f MB; filtered feeds %.1f MB, schedule cache %.1f MB", float64(grown)/1e6,
		float64(snap.FilteredBytes())/1e6, float64(e.svc.CacheBytes())/1e6)
	const bound = 64 << 20 // the filtered-feed budget (gzip forms reckoned in) plus the schedules and the store's own
	if grown > bound && !raceOn {
		t.Errorf("heap grew by %d MB, over %d MB", grown>>20, bound>>20)
	}
}
