package handlers_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/synth"
)

// What front serves past Gin it answers byte for byte as the Gin route does, headers and
// validators included, for every way a client asks; what it does not hold goes to Gin.
func TestFrontAnswersAsGin(t *testing.T) {
	ev, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, ev, synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2}))
	ginOnly := handlers.GinOf(e.h)
	paths := map[string]string{
		"/widget.js":                      "/widget.js",
		"/events/p99conf-24":              "/events/:event",
		"/events/synth":                   "/events/:event",
		"/events/p99conf-24/calendar.ics": "/events/:event/calendar.ics",
		"/api/v1/events/synth":            "/api/v1/events/:event",
		"/api/v1/events/p99conf-24":       "/api/v1/events/:event",
	}
	asks := [][]string{
		nil,
		{"Accept-Encoding", "gzip"},
		{"Accept-Encoding", "br, gzip;q=0"},
		{"Accept-Language", "de-DE,de;q=0.9"},
		{"Accept-Language", "ar", "Accept-Encoding", "gzip"},
		{"If-Modified-Since", "Mon, 01 Jan 2046 00:00:00 GMT"},
		{"If-Modified-Since", "Mon, 01 Jan 1996 00:00:00 GMT"},
		{"If-None-Match", `"nothing-like-it"`},
	}
	send := func(h http.Handler, method, path string, header []string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		for _, lang := range []string{"", "de", "ar"} {
			want(t, e.do("GET", path, "", "Accept-Language", lang), http.StatusOK) // kept from now on
		}
		// A client holding the ETag, plain and gzip.
		pathAsks := slices.Clone(asks)
		for _, enc := range []string{"", "gzip"} {
			etag := send(ginOnly, "GET", path, []string{"Accept-Encoding", enc}).Header().Get("ETag")
			pathAsks = append(pathAsks, []string{"Accept-Encoding", enc, "If-None-Match", etag}, []string{"If-None-Match", "W/" + etag})
		}
		for _, method := range []string{"GET", "HEAD"} {
			for _, h := range pathAsks {
				req := httptest.NewRequest(method, path, nil)
				for i := 0; i+1 < len(h); i += 2 {
					req.Header.Set(h[i], h[i+1])
				}
				if route, ok := handlers.ServedPastGin(e.h, req); !ok || route != paths[path] {
					t.Errorf("%s %s %q: served past Gin %v as %q, want %q", method, path, h, ok, route, paths[path])
				}
				got, exp := send(e.h, method, path, h), send(ginOnly, method, path, h)
				for _, w := range []*httptest.ResponseRecorder{got, exp} {
					if w.Header().Get("X-Request-Id") == "" {
						t.Errorf("%s %s %q: no request id", method, path, h)
					}
					w.Header().Del("X-Request-Id")
				}
				if got.Code != exp.Code || !maps.EqualFunc(got.Header(), exp.Header(), slices.Equal) || got.Body.String() != exp.Body.String() {
					t.Errorf("%s %s %q:\npast Gin %d %v (%d bytes)\nthrough Gin %d %v (%d bytes)", method, path, h,
						got.Code, got.Header(), got.Body.Len(), exp.Code, exp.Header(), exp.Body.Len())
				}
			}
		}
	}
	// What front leaves to Gin: other methods, queries, escaped paths, unknown events and
	// pages not kept yet.
	e2 := newEnv(t)
	for _, c := range []struct{ method, path string }{
		{"POST", "/events/p99conf-24"},
		{"OPTIONS", "/api/v1/events/p99conf-24"},
		{"GET", "/events/p99conf-24?lang=de"},
		{"GET", "/events/p99conf-24/calendar.ics?track=x"},
		{"GET", "/widget.js?v=1"},
		{"GET", "/events/p99%2Dconf-24"},
		{"GET", "/events/nope"},
		{"GET", "/events/nope/calendar.ics"},
		{"GET", "/api/v1/events/nope"},
		{"GET", "/events/"},
		{"GET", "/events/p99conf-24/"},
		{"GET", "/events/p99conf-24"}, // never fetched in e2: not kept
		{"GET", "/feeds/"},
		{"GET", "/feeds/a/b"},
	} {
		if route, ok := handlers.ServedPastGin(e2.h, httptest.NewRequest(c.method, c.path, nil)); ok {
			t.Errorf("%s %s: served past Gin as %q", c.method, c.path, route)
		}
	}
	// A page is served past Gin in the languages it is kept in only.
	want(t, e2.do("GET", "/events/p99conf-24", "", "Accept-Language", "fr"), http.StatusOK)
	for lang, past := range map[string]bool{"fr-CA": true, "fr": true, "en": false, "de": false} {
		req := httptest.NewRequest("GET", "/events/p99conf-24", nil)
		req.Header.Set("Accept-Language", lang)
		if _, ok := handlers.ServedPastGin(e2.h, req); ok != past {
			t.Errorf("page in %s: served past Gin %v, want %v", lang, ok, past)
		}
	}
	if !strings.Contains(e2.logs.String(), "path=/events/p99conf-24 status=200") {
		t.Errorf("no access log line for the page:\n%s", e2.logs.String())
	}
}
