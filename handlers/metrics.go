package handlers

import (
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

	// observers is read on every request without a lock: a map that is replaced, never
	// changed, when a route, method and code is seen for the first time (a few hundred at
	// most: routes are patterns, methods those methodLabel keeps, codes the ones handlers write).
	observers atomic.Pointer[map[routeKey]*observers]

	// agents is read on every feed fetch without a lock, like observers: the counter of a
	// feed kind and User-Agent, for the first maxAgents pairs seen.
	agents atomic.Pointer[map[agentKey]prometheus.Counter]

	mu    sync.Mutex // adding to observers and agents; guards feeds
	feeds map[fetchKey]prometheus.Counter
}

type fetchKey struct{ kind, family string }

type agentKey struct{ kind, agent string }

// maxAgents bounds the User-Agent memo: calendar clients poll with a few dozen distinct
// agents, and anything past the bound is still sorted, just not remembered.
const maxAgents = 512

type routeKey struct {
	route, method string
	code          int
}

type observers struct {
	count prometheus.Counter
	time  prometheus.Observer
}

// methodLabel is the method as a label: the methods HTTP defines, else "other". Clients
// choose the method, and each distinct one would otherwise be a series and a memo entry.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodOptions, http.MethodPatch, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
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
		feeds: map[fetchKey]prometheus.Counter{},
	}
	m.observers.Store(&map[routeKey]*observers{})
	m.agents.Store(&map[agentKey]prometheus.Counter{})
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

// observe counts a finished request. Label lookups are remembered per route, method and
// code, and read without a lock: this runs on every request, the feed path included.
func (m *Metrics) observe(route, method string, code int, took time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	k := routeKey{route, methodLabel(method), code}
	o := (*m.observers.Load())[k]
	if o == nil {
		o = m.addObservers(k)
	}
	o.count.Inc()
	o.time.Observe(took.Seconds())
}

// addObservers looks up the metrics of k and publishes a copy of the memo that holds them.
func (m *Metrics) addObservers(k routeKey) *observers {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.observers.Load()
	if o := old[k]; o != nil {
		return o // another request added it first
	}
	o := &observers{m.requests.WithLabelValues(k.route, k.method, strconv.Itoa(k.code)), m.duration.WithLabelValues(k.route, k.method)}
	next := make(map[routeKey]*observers, len(old)+1)
	maps.Copy(next, old)
	next[k] = o
	m.observers.Store(&next)
	return o
}

// fetched counts a feed fetch by the client family. Like observe, it reads what it looked
// up before without a lock: feeds are the most requested paths.
func (m *Metrics) fetched(kind string, r *http.Request) {
	if m == nil {
		return
	}
	ua := first(r.Header["User-Agent"])
	if len(ua) > maxAgentLen {
		ua = ua[:maxAgentLen]
	}
	c := (*m.agents.Load())[agentKey{kind, ua}]
	if c == nil {
		c = m.addAgent(kind, ua)
	}
	c.Inc()
}

// addAgent sorts ua into its client family and returns the counter of kind and family,
// remembering it for ua while the memo has room.
func (m *Metrics) addAgent(kind, ua string) prometheus.Counter {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.agents.Load()
	k := agentKey{kind, ua}
	if c := old[k]; c != nil {
		return c // another request added it first
	}
	fk := fetchKey{kind, ClientFamily(ua)}
	c := m.feeds[fk]
	if c == nil {
		c = m.fetches.WithLabelValues(fk.kind, fk.family)
		m.feeds[fk] = c
	}
	if len(old) < maxAgents {
		next := make(map[agentKey]prometheus.Counter, len(old)+1)
		maps.Copy(next, old)
		next[agentKey{kind, strings.Clone(ua)}] = c // ua is a slice of the request's header
		m.agents.Store(&next)
	}
	return c
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
