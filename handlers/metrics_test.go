package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/confcal/confcal/handlers"
)

func TestClientFamily(t *testing.T) {
	for ua, want := range map[string]string{
		"Google-Calendar-Importer":                                                                   "google",
		"iOS/17.4 (21E219) dataaccessd/1.0":                                                          "apple",
		"macOS/14.4 (23E214) CalendarAgent/988":                                                      "apple",
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)":                 "microsoft",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:115.0) Gecko/20100101 Thunderbird/115.9.0": "mozilla",
		"curl/8.5.0": "other",
		"":           "other",
	} {
		if got := handlers.ClientFamily(ua); got != want {
			t.Errorf("%q: %s, want %s", ua, got, want)
		}
	}
}

// /metrics labels requests by route pattern, so a feed token never becomes a label, and
// counts feed fetches by calendar client family.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	reg := prometheus.NewRegistry()
	m := handlers.NewMetrics(reg)
	h, err := handlers.New(handlers.Deps{Agenda: e.cat, Schedules: e.svc, Store: e.st, Revisions: e.st, BaseURL: base, Log: e.log, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	token := strings.TrimSuffix(strings.TrimPrefix(feedPath(c.FeedURL), "/feeds/"), ".ics")
	for _, ua := range []string{"Google-Calendar-Importer", "Google-Calendar-Importer", "iOS/17.4 (21E219) dataaccessd/1.0"} {
		want(t, e.do("GET", feedPath(c.FeedURL), "", "User-Agent", ua), http.StatusOK)
	}
	want(t, e.do("GET", "/events/p99conf-24/calendar.ics", "", "User-Agent", "Microsoft Office/16.0"), http.StatusOK)
	want(t, e.do("GET", "/nope/"+token, ""), http.StatusNotFound)
	// The first through Gin, the second past it (a kept page): one label either way.
	for _, p := range []string{"/events/p99conf-24", "/events/p99conf-24", "/api/v1/events/p99conf-24", "/widget.js"} {
		want(t, e.do("GET", p, ""), http.StatusOK)
	}
	// Methods are the client's to choose: ones HTTP does not define share one label.
	for i := range 20 {
		want(t, e.do("FROB"+strconv.Itoa(i), "/events/p99conf-24", ""), http.StatusMethodNotAllowed)
	}
	// The service's port does not serve the metrics; their own listener does.
	want(t, e.do("GET", "/metrics", ""), http.StatusNotFound)
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	text := string(body)
	if strings.Contains(text, token) {
		t.Error("a feed token is in the metrics")
	}
	if strings.Contains(text, "FROB") {
		t.Error("a method the client made up is a label")
	}
	for _, s := range []string{
		`confcal_http_requests_total{code="200",method="GET",route="/feeds/:file"} 3`,
		`confcal_http_requests_total{code="404",method="GET",route="unmatched"} 2`,
		`confcal_http_requests_total{code="200",method="GET",route="/events/:event"} 2`,
		`confcal_http_requests_total{code="200",method="GET",route="/events/:event/calendar.ics"} 1`,
		`confcal_http_requests_total{code="200",method="GET",route="/api/v1/events/:event"} 1`,
		`confcal_http_requests_total{code="200",method="GET",route="/widget.js"} 1`,
		`confcal_http_requests_total{code="201",method="POST",route="/api/v1/events/:event/schedules"} 1`,
		`confcal_http_requests_total{code="405",method="other",route="unmatched"} 20`,
		`confcal_http_request_duration_seconds_count{method="GET",route="/feeds/:file"} 3`,
		`confcal_feed_fetches_total{client="google",kind="personal"} 2`,
		`confcal_feed_fetches_total{client="apple",kind="personal"} 1`,
		`confcal_feed_fetches_total{client="microsoft",kind="event"} 1`,
	} {
		if !strings.Contains(text, s) {
			t.Errorf("metrics lack %s", s)
		}
	}
}

// Client families are remembered for a bounded number of User-Agents; fetches by agents
// past the bound are still counted under the right family.
func TestFeedFetchesPastTheAgentMemo(t *testing.T) {
	e := newEnv(t)
	m := handlers.NewMetrics(prometheus.NewRegistry())
	h, err := handlers.New(handlers.Deps{Agenda: e.cat, Schedules: e.svc, Store: e.st, Revisions: e.st, BaseURL: base, Log: e.log,
		Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	for i := range 700 {
		ua := "Google-Calendar-Importer/" + strconv.Itoa(i)
		if i%2 == 1 {
			ua = "iOS/17." + strconv.Itoa(i) + " dataaccessd/1.0"
		}
		want(t, e.do("GET", feedPath(c.FeedURL), "", "User-Agent", ua), http.StatusOK)
	}
	want(t, e.do("GET", feedPath(c.FeedURL), "", "User-Agent", "Google-Calendar-Importer/1"), http.StatusOK)
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, s := range []string{
		`confcal_feed_fetches_total{client="google",kind="personal"} 351`,
		`confcal_feed_fetches_total{client="apple",kind="personal"} 350`,
	} {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("metrics lack %s", s)
		}
	}
}
