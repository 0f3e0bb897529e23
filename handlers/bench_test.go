package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/synth"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures the handler.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// serveLoop serves req through h for the benchmark, after one request that warms what it
// keeps, into a writer that keeps nothing.
func serveLoop(b *testing.B, h http.Handler, req *http.Request) {
	out := &discard{h: http.Header{}}
	h.ServeHTTP(out, req)
	b.ReportAllocs()
	for b.Loop() {
		clear(out.h)
		h.ServeHTTP(out, req)
	}
}

// BenchmarkPersonalFeedHTTP serves a cached 10-session personal feed through the whole
// router and middleware chain.
func BenchmarkPersonalFeedHTTP(b *testing.B) {
	e := newEnv(b, synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2}))
	var ids []string
	for i := 1; i <= 300; i += 30 {
		ids = append(ids, `"session-`+strconv.Itoa(i)+`"`)
	}
	w := e.do("POST", "/api/v1/events/synth/schedules", `{"sessions":[`+strings.Join(ids, ",")+`]}`)
	c := decodeJSON[created](b, w)
	serveLoop(b, e.h, httptest.NewRequest("GET", feedPath(c.FeedURL), nil))
}

// BenchmarkBareHandler is the floor: a bare handler writing the same bytes.
func BenchmarkBareHandler(b *testing.B) {
	data := make([]byte, 15820)
	req := httptest.NewRequest("GET", "/feed.ics", nil)
	out := &discard{h: http.Header{}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/calendar; charset=utf-8"}
		w.Header()["Content-Length"] = []string{"15820"}
		w.Write(data)
	})
	b.ReportAllocs()
	for b.Loop() {
		clear(out.h)
		h.ServeHTTP(out, req)
	}
}

// BenchmarkEventJSON serves the 300-session event JSON, gzip, through the whole stack.
func BenchmarkEventJSON(b *testing.B) {
	e := newEnv(b, synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2}))
	req := httptest.NewRequest("GET", "/api/v1/events/synth", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	serveLoop(b, e.h, req)
}

// BenchmarkEventFeed304 revalidates the event feed as a calendar app polling it does:
// validators only, through the whole stack.
func BenchmarkEventFeed304(b *testing.B) { revalidateLoop(b, "/events/synth/calendar.ics") }

// revalidateLoop serves path of a 300-session event, gzip, to a client that holds its ETag.
func revalidateLoop(b *testing.B, path string) {
	e := newEnv(b, synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2}))
	w := e.do("GET", path, "", "Accept-Encoding", "gzip")
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", w.Header().Get("ETag"))
	serveLoop(b, e.h, req)
}
