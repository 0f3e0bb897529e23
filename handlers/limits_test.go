package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/limit"
)

// testLimits are small limits, so that a test reaches them in a few requests.
func testLimits() handlers.Limits {
	l := handlers.DefaultLimits()
	l.Create, l.CreateHourly = limit.Rate{PerSecond: 0.001, Burst: 3}, 5
	l.Writes = limit.Rate{PerSecond: 0.001, Burst: 4}
	l.Admin = limit.Rate{PerSecond: 0.001, Burst: 2}
	l.Trusted = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	return l
}

// wantLimited checks a 429: JSON, the code, a Retry-After in whole seconds.
func wantLimited(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	want(t, w, http.StatusTooManyRequests)
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != "rate_limited" {
		t.Errorf("429 body %s: %v", w.Body, err)
	}
	if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
	}
	if w.Header().Get("Content-Type") != "application/json; charset=utf-8" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("429 headers %v", w.Header())
	}
}

// One client is limited per address, however it dresses its requests; other clients are
// not affected; behind a trusted proxy, the client is the right-most untrusted hop.
func TestAbuseLimits(t *testing.T) {
	e := buildWith(t, adminToken, testLimits())
	create := func(peer string, xff ...string) *httptest.ResponseRecorder {
		h := []string{"RemoteAddr", peer}
		if len(xff) > 0 {
			h = append(h, "X-Forwarded-For", xff[0])
		}
		return e.do("POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, h...)
	}
	var first created
	for i := range 3 {
		// An untrusted peer's X-Forwarded-For is not believed: it cannot buy new buckets.
		w := create("192.0.2.1:4000", "198.51.100."+strconv.Itoa(i))
		want(t, w, http.StatusCreated)
		if i == 0 {
			first = decodeJSON[created](t, w)
		}
	}
	wantLimited(t, create("192.0.2.1:4001", "198.51.100.77"))
	want(t, create("192.0.2.2:4000"), http.StatusCreated) // another client
	// IPv6 clients count by /64.
	for range 3 {
		want(t, create("[2001:db8:1:2::1]:80"), http.StatusCreated)
	}
	wantLimited(t, create("[2001:db8:1:2:ffff::9]:80"))
	// Behind the trusted proxy 10.0.0.5: each forwarded client has its own bucket, and a
	// hop the client wrote itself (left of the one the proxy saw) changes nothing.
	for i := range 3 {
		want(t, create("10.0.0.5:9000", "203.0.113."+strconv.Itoa(i)+", 203.0.113.50"), http.StatusCreated)
	}
	wantLimited(t, create("10.0.0.5:9000", "203.0.113.99, 203.0.113.50"))
	want(t, create("10.0.0.5:9000", "203.0.113.50, 203.0.113.51, 10.0.0.6"), http.StatusCreated)
	// The access log names the client that counted.
	if !strings.Contains(e.logs.String(), "client=203.0.113.51 method=POST") || !strings.Contains(e.logs.String(), "client=2001:db8:1:2:: method=POST") {
		t.Errorf("access log lacks the clients:\n%s", e.logs)
	}

	// Schedule requests have their own bucket.
	auth := []string{"Authorization", "Bearer " + first.EditToken, "RemoteAddr", "192.0.2.9:1"}
	for range 4 {
		want(t, e.do("PUT", "/api/v1/schedules/"+first.ID+"/sessions/"+wenger, "", auth...), http.StatusOK)
	}
	wantLimited(t, e.do("GET", "/api/v1/schedules/"+first.ID, "", auth...))
	// Admin calls too, also with a wrong token.
	want(t, e.do("GET", "/api/v1/admin/sync", "", "RemoteAddr", "192.0.2.10:1", "Authorization", bearer), http.StatusOK)
	want(t, e.do("GET", "/api/v1/admin/sync", "", "RemoteAddr", "192.0.2.10:1", "Authorization", "Bearer wrong"), http.StatusUnauthorized)
	wantLimited(t, e.do("GET", "/api/v1/admin/sync", "", "RemoteAddr", "192.0.2.10:1", "Authorization", bearer))
	// Reading the agenda is never limited.
	for range 50 {
		want(t, e.do("GET", "/events/p99conf-24/calendar.ics", "", "RemoteAddr", "192.0.2.1:4000"), http.StatusOK)
	}
}

// The hourly cap holds however slowly a client creates: a bucket of 5 refilled at 5 an
// hour stops the sixth within the hour, though the per-second rate would allow it.
func TestScheduleCapPerHour(t *testing.T) {
	l := testLimits()
	l.Create = limit.Rate{PerSecond: 1000, Burst: 1000}
	e := buildWith(t, "", l)
	for range 5 {
		want(t, e.do("POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`), http.StatusCreated)
	}
	w := e.do("POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`)
	wantLimited(t, w)
	if s, _ := strconv.Atoi(w.Header().Get("Retry-After")); s < 600 || s > 720 {
		t.Errorf("Retry-After %d s, want about 720 (an hour / 5)", s)
	}
}

// --limits=off turns every per-client limit off.
func TestLimitsOff(t *testing.T) {
	l := testLimits()
	l.Off = true
	e := buildWith(t, "", l)
	for range 20 {
		want(t, e.do("POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`), http.StatusCreated)
	}
}

// Over a real connection the limits and the access log count the connection's peer.
func TestLimitsByConnectionPeer(t *testing.T) {
	e := buildWith(t, adminToken, testLimits())
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	post := func() int {
		t.Helper()
		resp, err := http.Post(srv.URL+"/api/v1/events/p99conf-24/schedules", "application/json", strings.NewReader(`{"sessions":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for range 3 {
		if code := post(); code != http.StatusCreated {
			t.Fatalf("create: %d", code)
		}
	}
	if code := post(); code != http.StatusTooManyRequests {
		t.Fatalf("the fourth create from one connection's peer: %d, want 429", code)
	}
	if !strings.Contains(e.logs.String(), "client=127.0.0.1 method=POST") {
		t.Errorf("access log lacks the peer:\n%s", e.logs)
	}
}
