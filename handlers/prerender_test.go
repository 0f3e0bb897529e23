package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/synth"
)

// Every page, embed and card is rendered once per snapshot, whatever the number of
// requests, their encodings and revalidations; a conditional request for one renders
// nothing; a revision renders each again, once.
func TestPagesRenderOncePerSnapshot(t *testing.T) {
	e := newEnv(t)
	pages := []string{
		"/events/p99conf-24", "/events/p99conf-24/sessions/" + wenger, "/events/p99conf-24/speakers/liz-rice",
		"/embed/p99conf-24/agenda", "/embed/p99conf-24/sessions/" + wenger, "/embed/p99conf-24/speakers/liz-rice",
		"/events/p99conf-24/speakers/liz-rice/card.svg",
	}
	snap, _ := e.cat.Get("p99conf-24")
	if snap.Renders() != 0 {
		t.Fatalf("%d renders before any request", snap.Renders())
	}
	etags := map[string]string{}
	for _, p := range pages {
		w := e.do("GET", p, "")
		want(t, w, http.StatusOK)
		etags[p] = w.Header().Get("ETag")
		want(t, e.do("GET", p, "", "Accept-Encoding", "gzip"), http.StatusOK)
		want(t, e.do("GET", p, ""), http.StatusOK)
	}
	if got := snap.Renders(); got != uint64(len(pages)) {
		t.Errorf("%d renders for %d pages", got, len(pages))
	}
	before := snap.Renders()
	for _, p := range pages {
		for range 5 {
			w := e.do("GET", p, "", "If-None-Match", etags[p])
			want(t, w, http.StatusNotModified)
			if w.Body.Len() != 0 {
				t.Errorf("%s: 304 with a body", p)
			}
		}
	}
	if got := snap.Renders(); got != before {
		t.Errorf("revalidations rendered %d times", got-before)
	}
	// A revision: a new snapshot renders each page again, once.
	ev, _ := bundled.Event()
	ev.Sessions[0].Title += " (moved)"
	e.publish(ev)
	next, _ := e.cat.Get("p99conf-24")
	if next == snap {
		t.Fatal("no new snapshot")
	}
	for _, p := range pages {
		w := e.do("GET", p, "", "If-None-Match", etags[p])
		if p == pages[0] && w.Code != http.StatusOK {
			t.Errorf("the agenda page after a revision: %d", w.Code) // its text changed
		}
		e.do("GET", p, "")
	}
	if got := next.Renders(); got != uint64(len(pages)) {
		t.Errorf("%d renders on the new snapshot for %d pages", got, len(pages))
	}
}

// BenchmarkPagePrerendered serves the 300-session hosted agenda page, gzip, as a browser
// asks for it: from the snapshot, after its one render.
func BenchmarkPagePrerendered(b *testing.B) {
	e := newEnv(b, synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2}))
	req := httptest.NewRequest("GET", "/events/synth", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	serveLoop(b, e.h, req)
}

// BenchmarkPageAcceptLanguage is the same page in German, asked for by Accept-Language as
// a German browser sends it: the header's language is matched once, then remembered.
func BenchmarkPageAcceptLanguage(b *testing.B) {
	e := newEnv(b, synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2}))
	req := httptest.NewRequest("GET", "/events/synth", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7")
	serveLoop(b, e.h, req)
}

// BenchmarkPage304 revalidates the same page: validators only.
func BenchmarkPage304(b *testing.B) { revalidateLoop(b, "/events/synth") }

// A page past catalog.PackAbove is kept in its gzip form only; a client that does not
// take gzip gets the same bytes inflated, with the same validators as before.
func TestLargePageKeptPacked(t *testing.T) {
	// The largest agenda kept on one page (a larger one is paged by day).
	e := newEnv(t, synth.Event(synth.Options{Sessions: catalog.OnePageAt, Tracks: 8, Days: 2}))
	plain := e.do("GET", "/events/synth", "")
	want(t, plain, http.StatusOK)
	zipped := e.do("GET", "/events/synth", "", "Accept-Encoding", "gzip")
	want(t, zipped, http.StatusOK)
	snap, _ := e.cat.Get("synth")
	b, ok := snap.Kept("page")
	if !ok || !b.Packed() {
		t.Fatalf("the %d-byte page is not kept packed", plain.Body.Len())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	inflated, _ := io.ReadAll(zr)
	if plain.Body.Len() <= catalog.PackAbove || !bytes.Equal(inflated, plain.Body.Bytes()) ||
		plain.Header().Get("Content-Length") != strconv.Itoa(plain.Body.Len()) ||
		!strings.HasPrefix(plain.Body.String(), "<!doctype html>") {
		t.Errorf("plain %d bytes (Content-Length %s), gzip inflates to %d", plain.Body.Len(), plain.Header().Get("Content-Length"), len(inflated))
	}
	if ep, ez := plain.Header().Get("ETag"), zipped.Header().Get("ETag"); ez != strings.TrimSuffix(ep, `"`)+`-gzip"` {
		t.Errorf("ETags %s and %s", ep, ez)
	}
	want(t, e.do("GET", "/events/synth", "", "If-None-Match", plain.Header().Get("ETag")), http.StatusNotModified)
	if h := e.do("HEAD", "/events/synth", ""); h.Body.Len() != 0 || h.Header().Get("Content-Length") != strconv.Itoa(plain.Body.Len()) {
		t.Errorf("HEAD: %d bytes, Content-Length %s", h.Body.Len(), h.Header().Get("Content-Length"))
	}
}

// BenchmarkBundledPage serves the bundled event's hosted page, gzip, as a browser on the
// same host asks for it: the row of the load run that stood furthest from a bare server.
func BenchmarkBundledPage(b *testing.B) {
	e := newEnv(b)
	req := httptest.NewRequest("GET", "/events/p99conf-24", nil)
	req.RemoteAddr = "127.0.0.1:40312"
	req.Header.Set("Accept-Encoding", "gzip")
	serveLoop(b, e.h, req)
}
