package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/synth"
)

// Ten times the page renders the machine can do, for three seconds: the excess is shed
// with 503 and Retry-After instead of queueing, cached responses (feeds, widget, JSON)
// keep answering promptly, memory stays bounded, and no render outlives the load.
func TestOverloadIsShed(t *testing.T) {
	if testing.Short() {
		t.Skip("a 3 s overload")
	}
	// Pages are rendered once per snapshot and kept; with the budget for kept responses
	// spent, as a flood of distinct pages would spend it, each request renders.
	defer func(b int64) { catalog.KeptBudget = b }(catalog.KeptBudget)
	catalog.KeptBudget = 0
	ev := synth.Event(synth.Options{Slug: "big", Sessions: 300, Tracks: 8, Rooms: 4, Days: 2})
	e := buildWith(t, "", handlers.DefaultLimits(), ev)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	page := srv.URL + "/events/big"
	var shedChecked sync.Once // the first shed answer is held to the OpenAPI document
	get := func(c *http.Client, url string) (int, time.Duration) {
		start := time.Now()
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := c.Do(req)
		if err != nil {
			return 0, time.Since(start)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusServiceUnavailable {
			if res.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			shedChecked.Do(func() { checkExchange(t, "GET", url, "", req.Header, res, data) })
		}
		return res.StatusCode, time.Since(start)
	}
	// What one render costs, serially.
	probe := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get(probe, page)
	start := time.Now()
	for range 10 {
		if code, _ := get(probe, page); code != 200 {
			t.Fatalf("page: %d", code)
		}
	}
	each := time.Since(start) / 10
	capacity := float64(runtime.GOMAXPROCS(0)) / each.Seconds()
	rate := 10 * capacity
	t.Logf("a page takes %s; capacity about %.0f/s; driving %.0f/s", each.Round(time.Microsecond), capacity, rate)
	cached := []string{"/events/big/calendar.ics", "/widget.js", "/api/v1/events/big", "/events/big/tracks/track-1.ics"}
	for _, p := range cached {
		get(probe, srv.URL+p) // render once: from now on they are cached
	}

	var ok, shed, failed atomic.Int64
	var load sync.WaitGroup
	loader := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}, Timeout: 10 * time.Second}
	stop := time.Now().Add(3 * time.Second)
	interval := time.Duration(float64(time.Second) / rate)
	var lat []time.Duration
	var mu sync.Mutex
	var peak atomic.Int64
	done := make(chan struct{})
	go func() { // the cached responses, every 20 ms, measured
		defer close(done)
		for i := 0; time.Now().Before(stop); i++ {
			code, d := get(probe, srv.URL+cached[i%len(cached)])
			if code != 200 {
				t.Errorf("%s under overload: %d", cached[i%len(cached)], code)
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
			peak.Store(max(peak.Load(), synth.RSS(0)))
			time.Sleep(20 * time.Millisecond)
		}
	}()
	for next := time.Now(); next.Before(stop); next = next.Add(interval) {
		time.Sleep(time.Until(next))
		load.Go(func() {
			switch code, _ := get(loader, page); code {
			case 200:
				ok.Add(1)
			case 503:
				shed.Add(1)
			default:
				failed.Add(1)
			}
		})
	}
	<-done
	load.Wait()
	slices.Sort(lat)
	p99, worst := lat[len(lat)*99/100], lat[len(lat)-1]
	t.Logf("pages: %d rendered, %d shed (503), %d failed; cached responses: %d, p50 %s, p99 %s, max %s; peak RSS %d MB",
		ok.Load(), shed.Load(), failed.Load(), len(lat), lat[len(lat)/2].Round(time.Microsecond), p99.Round(time.Microsecond), worst.Round(time.Microsecond), peak.Load()>>20)
	if shed.Load() == 0 || ok.Load() == 0 || failed.Load() > 0 {
		t.Errorf("want pages rendered and shed, none failed")
	}
	if worst > time.Second {
		t.Errorf("a cached response took %s under overload", worst)
	}
	if p := peak.Load(); p > 512<<20 && !raceOn {
		t.Errorf("RSS reached %d MB", p>>20)
	}
	// Nothing was queued behind the load: a page is rendered at once after it.
	if code, d := get(probe, page); code != 200 || d > time.Second {
		t.Errorf("page after the load: %d in %s", code, d)
	}
}
