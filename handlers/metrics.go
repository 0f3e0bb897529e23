package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the HTTP-side Prometheus metrics. Routes are labelled by their pattern
// ("/feeds/:file"), never by the raw path, so no token becomes a label value.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	fetches  *prometheus.CounterVec

	mu       sync.RWMutex
	counters map[routeKey]prometheus.Counter
	timers   map[routeKey]prometheus.Observer
	feeds    map[fetchKey]prometheus.Counter
	families map[string]string // User-Agent to client family, for the first maxAgents agents seen
}

type fetchKey struct{ kind, family string }

// maxAgents bounds the User-Agent memo: calendar clients poll with a few dozen distinct
// agents, and anything past the bound is still sorted, just not remembered.
const maxAgents = 512

type routeKey struct {
	route, method string
	code          int
}

// Latency buckets from 50 µs: a cached feed is served in tens of microseconds, and the
// tail is what this audience watches.
var latencyBuckets = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}

// NewMetrics registers the HTTP metrics on reg, which also gets the Go and process
// collectors; others (caches, store, listener) add theirs to the same registry.
func NewMetrics(reg *prometheus.Registry) *Metrics {
	m := &Metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "confcal_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code."}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "confcal_http_request_duration_seconds",
			Help: "Time to serve a request, by route pattern and method.", Buckets: latencyBuckets}, []string{"route", "method"}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "confcal_feed_fetches_total",
			Help: "iCalendar feed fetches by feed kind (personal, event, track, session) and calendar client family (from the User-Agent)."},
			[]string{"kind", "client"}),
		counters: map[routeKey]prometheus.Counter{},
		timers:   map[routeKey]prometheus.Observer{},
		feeds:    map[fetchKey]prometheus.Counter{},
		families: map[string]string{},
	}
	reg.MustRegister(m.requests, m.duration, m.fetches)
	return m
}

// Handler serves GET /metrics, for the metrics listener (--metrics-addr), which is apart
// from the service's port: metrics tell how many schedules and stars there are, and
// belong to the operator.
func (m *Metrics) Handler() http.Handler {
	// A metric that cannot be read (the schedule totals while the database is unreachable)
	// is left out, and the rest are served: an outage is when they are wanted most.
	prom := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Content-Type-Options"] = nosniff
		prom.ServeHTTP(w, r)
	})
	return mux
}

// maxAgentLen is how much of a User-Agent is read: calendar clients say who they are in
// their first few dozen bytes, and a memo keyed by whole headers could be made to hold
// megabytes.
const maxAgentLen = 128

// observe counts a finished request. Label lookups are cached per route, method and code:
// this runs on every request, the feed path included.
func (m *Metrics) observe(route, method string, code int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	k := routeKey{route, method, code}
	m.mu.RLock()
	c, t := m.counters[k], m.timers[routeKey{route, method, 0}]
	m.mu.RUnlock()
	if c == nil || t == nil {
		m.mu.Lock()
		c = m.requests.WithLabelValues(route, method, strconv.Itoa(code))
		t = m.duration.WithLabelValues(route, method)
		m.counters[k], m.timers[routeKey{route, method, 0}] = c, t
		m.mu.Unlock()
	}
	c.Inc()
	t.Observe(took.Seconds())
}

// fetched counts a feed fetch by the client family. Like observe, it remembers what it
// looked up: feeds are the most requested paths.
func (m *Metrics) fetched(kind string, r *http.Request) {
	if m == nil {
		return
	}
	ua := first(r.Header["User-Agent"])
	if len(ua) > maxAgentLen {
		ua = ua[:maxAgentLen]
	}
	m.mu.RLock()
	family, known := m.families[ua]
	counter := m.feeds[fetchKey{kind, family}]
	m.mu.RUnlock()
	if known && counter != nil {
		counter.Inc()
		return
	}
	family = ClientFamily(ua)
	m.mu.Lock()
	if len(m.families) < maxAgents {
		m.families[ua] = family
	}
	counter = m.feeds[fetchKey{kind, family}]
	if counter == nil {
		counter = m.fetches.WithLabelValues(kind, family)
		m.feeds[fetchKey{kind, family}] = counter
	}
	m.mu.Unlock()
	counter.Inc()
}

// ClientFamily sorts a calendar client by its User-Agent: google, apple, microsoft,
// mozilla or other.
func ClientFamily(ua string) string {
	l := strings.ToLower(ua)
	switch {
	case strings.Contains(l, "google"):
		return "google" // Google-Calendar-Importer
	case strings.Contains(l, "thunderbird"), strings.Contains(l, "lightning"):
		return "mozilla"
	case strings.Contains(l, "microsoft"), strings.Contains(l, "outlook"), strings.Contains(l, "exchange"), strings.Contains(l, "office"):
		return "microsoft"
	case strings.Contains(l, "dataaccessd"), strings.Contains(l, "calendaragent"), strings.Contains(l, "ios/"),
		strings.Contains(l, "macos/"), strings.Contains(l, "mac os x"), strings.Contains(l, "iphone"), strings.Contains(l, "ipad"):
		return "apple"
	}
	return "other"
}
