package handlers_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/formats"
)

func TestEventList(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/api/v1/events", "")
	want(t, w, http.StatusOK)
	got := decodeJSON[struct {
		Events []map[string]any `json:"events"`
	}](t, w)
	if len(got.Events) != 1 || got.Events[0]["slug"] != bundled.Slug || got.Events[0]["timeZone"] != "America/Los_Angeles" {
		t.Errorf("events = %v", got.Events)
	}
}

// The event JSON is a native document: importing it gives back the same agenda.
func TestEventJSONIsANativeDocument(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/api/v1/events/p99conf-24", "")
	want(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	back, err := formats.ReadNative(bytes.NewReader(w.Body.Bytes()), "")
	if err != nil {
		t.Fatalf("served document does not import: %v", err)
	}
	orig, _ := bundled.Event()
	if diff := cmp.Diff(orig, back, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
		t.Errorf("export/import (-bundled +served):\n%s", diff)
	}
	doc := decodeJSON[map[string]any](t, w)
	sessions := doc["sessions"].([]any)
	first := sessions[0].(map[string]any)
	for _, f := range []string{"id", "title", "abstract", "kind", "start", "end", "trackId", "speakerIds", "status"} {
		if _, ok := first[f]; !ok {
			t.Errorf("session lacks %q", f)
		}
	}
	if start := first["start"].(string); start != "2024-10-23T08:30:00-07:00" {
		t.Errorf("start = %q, want RFC 3339 in the event's zone", start)
	}
	speaker := doc["speakers"].([]any)[0].(map[string]any)
	for _, f := range []string{"id", "name", "title"} {
		if _, ok := speaker[f]; !ok {
			t.Errorf("speaker lacks %q", f)
		}
	}
	if rev := doc["revision"].(map[string]any); rev["number"] != float64(1) {
		t.Errorf("revision = %v", rev)
	}
}

func TestSessionAndSpeaker(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/api/v1/events/p99conf-24/sessions/wenger-rust-io-uring-ktls", "")
	want(t, w, http.StatusOK)
	s := decodeJSON[formats.SessionDoc](t, w)
	if s.Title != "Rust + io_uring + ktls: how fast can we make HTTP?" || s.TrackID != "languages" {
		t.Errorf("session = %+v", s)
	}
	w = e.do("GET", "/api/v1/events/p99conf-24/speakers/amos-wenger", "")
	want(t, w, http.StatusOK)
	sp := decodeJSON[struct {
		Name       string   `json:"name"`
		SessionIDs []string `json:"sessionIds"`
	}](t, w)
	if sp.Name != "Amos Wenger" || len(sp.SessionIDs) != 1 {
		t.Errorf("speaker = %+v", sp)
	}
	// A speaker announced before their talk still has a card.
	w = e.do("GET", "/api/v1/events/p99conf-24/speakers/liz-rice", "")
	want(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `"sessionIds":[]`) {
		t.Errorf("speaker without a session: %s", w.Body.String())
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/api/v1/events/nope", "/api/v1/events/p99conf-24/sessions/nope", "/api/v1/events/p99conf-24/speakers/nope",
		"/events/nope/calendar.ics", "/events/p99conf-24/tracks/nope.ics", "/events/p99conf-24/sessions/nope.ics",
		"/events/p99conf-24/tracks/kernel", "/feeds/nope.ics", "/api/v1/nothing",
	} {
		t.Run(path, func(t *testing.T) {
			w := e.do("GET", path, "")
			want(t, w, http.StatusNotFound)
			if got := decodeJSON[apiError](t, w); got.Error.Code != "not_found" || got.Error.Message == "" {
				t.Errorf("error body = %s", w.Body.String())
			}
		})
	}
	w := e.do("GET", "/events/nope", "")
	want(t, w, http.StatusNotFound)
	if !strings.Contains(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("unknown event page answered %s", w.Header().Get("Content-Type"))
	}
}

// Validators, conditional requests, HEAD, gzip and CORS on every public read.
func TestHTTPSemantics(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/api/v1/events/p99conf-24", "/events/p99conf-24/calendar.ics", "/events/p99conf-24", "/api/v1/events/p99conf-24/sessions/wenger-rust-io-uring-ktls"} {
		t.Run(path, func(t *testing.T) {
			w := e.do("GET", path, "")
			want(t, w, http.StatusOK)
			etag, lm := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
			if !strings.HasPrefix(etag, `"`) || lm == "" || w.Header().Get("Cache-Control") == "" {
				t.Fatalf("ETag %q Last-Modified %q Cache-Control %q", etag, lm, w.Header().Get("Cache-Control"))
			}
			want(t, e.do("GET", path, "", "If-None-Match", etag), http.StatusNotModified)
			want(t, e.do("GET", path, "", "If-None-Match", `"other", `+etag), http.StatusNotModified)
			want(t, e.do("GET", path, "", "If-None-Match", `"other"`), http.StatusOK)
			want(t, e.do("GET", path, "", "If-Modified-Since", lm), http.StatusNotModified)
			head := e.do("HEAD", path, "")
			want(t, head, http.StatusOK)
			if head.Body.Len() != 0 || head.Header().Get("Content-Length") != w.Header().Get("Content-Length") || head.Header().Get("ETag") != etag {
				t.Errorf("HEAD: %d body bytes, length %s vs %s", head.Body.Len(), head.Header().Get("Content-Length"), w.Header().Get("Content-Length"))
			}
			gz := e.do("GET", path, "", "Accept-Encoding", "br, gzip")
			want(t, gz, http.StatusOK)
			if w.Body.Len() >= 1024 {
				if gz.Header().Get("Content-Encoding") != "gzip" {
					t.Fatal("no gzip for a client that takes it")
				}
				if !bytes.Equal(gunzip(t, gz.Body.Bytes()), w.Body.Bytes()) {
					t.Error("gzip body differs")
				}
				if gz.Header().Get("ETag") == etag {
					t.Error("gzip representation shares the identity ETag")
				}
				want(t, e.do("GET", path, "", "If-None-Match", gz.Header().Get("ETag"), "Accept-Encoding", "gzip"), http.StatusNotModified)
			}
			if e.do("GET", path, "", "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
				t.Error("gzip sent to a client that refused it")
			}
		})
	}
	w := e.do("GET", "/api/v1/events/p99conf-24", "", "Origin", "https://sponsor.example")
	if w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("CORS headers: %v", w.Header())
	}
	pre := e.do("OPTIONS", "/api/v1/schedules/abc/sessions/x", "", "Origin", "https://sponsor.example",
		"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization")
	want(t, pre, http.StatusNoContent)
	if !strings.Contains(pre.Header().Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(pre.Header().Get("Access-Control-Allow-Methods"), "PUT") {
		t.Errorf("preflight headers: %v", pre.Header())
	}
	if e.do("GET", "/healthz", "").Code != http.StatusOK {
		t.Error("healthz")
	}
	if w := e.do("GET", "/", ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "P99 CONF 24") {
		t.Errorf("index: %d", w.Code)
	}
	for _, w := range []*httptest.ResponseRecorder{e.do("GET", "/", ""), e.do("GET", "/api/v1/events", "")} {
		if w.Header().Get("Set-Cookie") != "" {
			t.Error("a response sets a cookie")
		}
	}
}

func TestReadiness(t *testing.T) {
	e := newEnv(t)
	want(t, e.do("GET", "/readyz", ""), http.StatusOK)
	e.st.Close()
	// The agenda is still served from memory: the instance stays in, degraded.
	w := e.do("GET", "/readyz", "")
	want(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `"status":"degraded"`) {
		t.Errorf("readyz with the store closed: %s", w.Body)
	}
	want(t, e.do("GET", "/healthz", ""), http.StatusOK)
}
