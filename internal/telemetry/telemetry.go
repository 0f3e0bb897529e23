// Package telemetry registers confcal's non-HTTP metrics: the schedule cache, schedules and
// stars in the store, the agenda revision of each event, and the change listener.
package telemetry

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/confcal/confcal/internal/catalog"
)

// Sources are what the metrics read at scrape time. Nil fields are left out.
type Sources struct {
	CacheHits, CacheMisses func() uint64
	// StaleFeeds counts personal feeds served from memory while the database was unreachable.
	StaleFeeds         func() uint64
	Totals             func(ctx context.Context) (schedules, stars int, err error)
	Snapshots          func() []*catalog.Snapshot
	ListenerReconnects func() uint64
	ListenerConnected  func() bool
}

// Register adds the Go runtime and process collectors and confcal's own to reg.
func Register(reg *prometheus.Registry, s Sources) {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	counter := func(name, help string, f func() uint64) {
		if f != nil {
			reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(f()) }))
		}
	}
	counter("confcal_schedule_cache_hits_total", "Personal feed lookups served from the schedule cache.", s.CacheHits)
	counter("confcal_schedule_cache_misses_total", "Personal feed lookups that read the store.", s.CacheMisses)
	counter("confcal_stale_feeds_total", "Personal feeds served from memory past their cache TTL while the database was unreachable.", s.StaleFeeds)
	counter("confcal_listener_reconnects_total", "Times the change listener connected again after losing its connection.", s.ListenerReconnects)
	if s.ListenerConnected != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "confcal_listener_connected",
			Help: "1 while the change listener's connection is up."}, func() float64 {
			if s.ListenerConnected() {
				return 1
			}
			return 0
		}))
	}
	if s.Snapshots != nil {
		reg.MustRegister(&revisions{snapshots: s.Snapshots})
	}
	if s.Totals != nil {
		reg.MustRegister(&totals{read: s.Totals})
	}
}

var revisionDesc = prometheus.NewDesc("confcal_agenda_revision", "The agenda revision each event is served at.", []string{"event"}, nil)

type revisions struct{ snapshots func() []*catalog.Snapshot }

func (r *revisions) Describe(ch chan<- *prometheus.Desc) { ch <- revisionDesc }

func (r *revisions) Collect(ch chan<- prometheus.Metric) {
	for _, s := range r.snapshots() {
		ch <- prometheus.MustNewConstMetric(revisionDesc, prometheus.GaugeValue, float64(s.Revision), s.Event.Slug)
	}
}

var (
	schedulesDesc = prometheus.NewDesc("confcal_schedules", "Personal schedules in the store.", nil, nil)
	starsDesc     = prometheus.NewDesc("confcal_stars", "Sessions starred in all personal schedules.", nil, nil)
)

// totals counts schedules and stars in the store, at most every 15 s however often it is
// scraped: with a hundred thousand schedules the count takes a few milliseconds.
type totals struct {
	read func(ctx context.Context) (int, int, error)

	mu               sync.Mutex
	at               time.Time
	schedules, stars int
}

func (t *totals) Describe(ch chan<- *prometheus.Desc) { ch <- schedulesDesc; ch <- starsDesc }

func (t *totals) Collect(ch chan<- prometheus.Metric) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if time.Since(t.at) > 15*time.Second {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		n, stars, err := t.read(ctx)
		cancel()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(schedulesDesc, err)
			return
		}
		t.schedules, t.stars, t.at = n, stars, time.Now()
	}
	ch <- prometheus.MustNewConstMetric(schedulesDesc, prometheus.GaugeValue, float64(t.schedules))
	ch <- prometheus.MustNewConstMetric(starsDesc, prometheus.GaugeValue, float64(t.stars))
}
