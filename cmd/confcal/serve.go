package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/coherence"
	"github.com/confcal/confcal/internal/gcpace"
	"github.com/confcal/confcal/internal/health"
	"github.com/confcal/confcal/internal/importer"
	"github.com/confcal/confcal/internal/limit"
	"github.com/confcal/confcal/internal/logbuf"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/sync"
	"github.com/confcal/confcal/internal/telemetry"
)

// shutdownGrace is how long in-flight requests may take to finish on shutdown.
const shutdownGrace = 10 * time.Second

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.flags(fs, getenv)
	var specs syncSpecs
	if v := getenv("CONFCAL_SYNC"); v != "" {
		specs = strings.Split(v, ";")
	}
	fs.Var(&specs, "sync", "keep EVENT in sync with a source: EVENT=URL[,format][,interval][,time zone] (repeatable; CONFCAL_SYNC: ;-separated)")
	if rest, err := parse(fs, args, stderr); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError{fmt.Errorf("serve takes no arguments, got %q", rest)}
	}
	sources, syncErr := sync.ParseSources(specs)
	if err := errors.Join(cfg.Validate(), syncErr); err != nil {
		return usageError{err}
	}
	defer gcpace.Start(cfg.GCHeadroom)()
	logOut := logbuf.New(stderr, 200*time.Millisecond)
	defer logOut.Close()
	log := cfg.Logger(logOut)
	st, err := openStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.Seed {
		if err := seed(ctx, st, log); err != nil {
			return err
		}
	}
	monitor := &health.Monitor{Probe: st.Ping, Log: log}
	a, err := newApp(ctx, &cfg, health.Store{Store: st, Monitor: monitor}, sources, log, logOut)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if lim := a.limits; lim.Conns > 0 && !lim.Off {
		ln = &limit.Listener{Listener: ln, Max: lim.Conns, Trusted: lim.Trusted}
	}
	var metricsLn net.Listener
	if cfg.MetricsAddr != "off" {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("metrics-addr: %w (another instance on this host? give each its own, or off)", err)
		}
	}
	if a.listener != nil {
		// A lost listening connection is often the first sign of an outage: ask the monitor.
		a.listener.Quiet = func() bool { return monitor.Check(ctx, 250*time.Millisecond) }
	}
	a.background(ctx, &cfg)
	go monitor.Run(ctx, time.Second)
	log.Info("serving", "addr", ln.Addr().String(), "url", cfg.BaseURL, "store", cfg.StoreName(), "instance", cfg.Instance,
		"admin_api", cfg.AdminToken != "", "limits", cfg.Limits)
	// When either server stops, the other stops too.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 2)
	if metricsLn != nil {
		log.Info("metrics", "addr", metricsLn.Addr().String())
		go func() { errc <- serveHTTP(ctx, metricsLn, a.metrics.Handler(), maxHeader, log) }()
	}
	go func() { errc <- serveHTTP(ctx, ln, a.handler, maxHeader, log) }()
	err = <-errc
	stop()
	if metricsLn != nil {
		err = errors.Join(err, <-errc)
	}
	return err
}

// maxHeader bounds a request's header block, its request line included (net/http's
// default is 1 MB). The longest header an honest client sends here is an agenda URL with
// filters; 16 KiB leaves room for cookies of other apps on a shared domain. Past it (and
// the 4 KiB of slack net/http adds), net/http answers 431.
const maxHeader = 16 << 10

// limits are the handlers' limits from the settings.
func (c *Config) limits() handlers.Limits {
	l := handlers.DefaultLimits()
	l.Off, l.Trusted = c.Limits == "off", c.trusted
	return l
}

// app is the wired service: what serve runs.
type app struct {
	cat       *catalog.Catalog
	schedules *schedule.Service
	syncer    *sync.Syncer
	listener  *coherence.Listener // nil on SQLite
	handler   http.Handler
	metrics   *handlers.Metrics
	limits    handlers.Limits // the handlers' and the listener's
}

func newApp(ctx context.Context, cfg *Config, st store.Store, sources []sync.Source, log *slog.Logger, logOut io.Writer) (*app, error) {
	a := &app{cat: catalog.New(st, cfg.BaseURL, time.Now, log), limits: cfg.limits()}
	if _, err := a.cat.Refresh(ctx); err != nil {
		return nil, err
	}
	var cacheOpts []schedule.Option
	if cfg.DatabaseURL != "" {
		// Several instances: a cached schedule lives under a second (see coherence).
		cacheOpts = append(cacheOpts, schedule.WithCacheTTL(750*time.Millisecond))
		a.listener = &coherence.Listener{DSN: cfg.DatabaseURL, Name: cfg.Instance, Catalog: a.cat, Log: log}
	}
	a.schedules = schedule.NewService(st, a.cat, time.Now, cacheOpts...)
	if a.listener != nil {
		a.listener.Schedules = a.schedules
	}
	fetcher := &importer.Fetcher{MaxSize: cfg.MaxDocument}
	refresh := func(ctx context.Context) error { _, err := a.cat.Refresh(ctx); return err }
	a.syncer = &sync.Syncer{Sources: sources, Fetcher: fetcher, Store: st, Refresh: refresh, Log: log, Now: time.Now}
	reg := prometheus.NewRegistry()
	metrics := handlers.NewMetrics(reg)
	a.metrics = metrics
	telemetry.Register(reg, metricSources(a.schedules, st, a.cat, a.listener))
	var err error
	a.handler, err = handlers.New(handlers.Deps{
		Agenda: a.cat, Schedules: a.schedules, Store: st, Revisions: st,
		BaseURL: cfg.BaseURL, Log: log, Access: accessLog(cfg, logOut),
		Admin: handlers.Admin{
			Token: cfg.AdminToken, Store: st, Fetcher: fetcher, Refresh: refresh,
			Forget: a.schedules.ForgetEvent, Now: time.Now, Sync: func() any { return a.syncer.Statuses() },
		},
		Metrics: metrics, Limits: a.limits,
	})
	return a, err
}

// background starts what runs beside the HTTP server until ctx ends: the catalog's
// re-check, scheduled syncs, and on PostgreSQL the change listener.
func (a *app) background(ctx context.Context, cfg *Config) {
	watch := cfg.Refresh
	if cfg.DatabaseURL != "" {
		// The safety net behind change notifications: with it, a revision another instance
		// wrote is served within a second even while this one's listener reconnects; more
		// often than 250 ms would only load the database, as notifications arrive at once.
		watch = min(max(watch, 250*time.Millisecond), 500*time.Millisecond)
	}
	go a.cat.Watch(ctx, watch)
	go a.syncer.Run(ctx)
	if a.listener != nil {
		go a.listener.Run(ctx)
	}
}

func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, maxHeader int, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		MaxHeaderBytes:    maxHeader,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "addr", ln.Addr().String(), "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func accessLog(cfg *Config, w io.Writer) *handlers.AccessLog {
	if !cfg.AccessLog {
		return nil
	}
	return handlers.NewAccessLog(w, cfg.LogFormat == "json")
}

// openStore opens PostgreSQL when a database URL is set, else the SQLite file in the data
// directory; either way with its migrations applied.
func openStore(ctx context.Context, cfg *Config) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		return postgres.Open(ctx, cfg.DatabaseURL)
	}
	if err := cfg.EnsureDataDir(); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, cfg.DatabasePath())
}

// seed loads the bundled event when the store has never held it. An event an organizer
// has since changed, or deleted, is left alone.
func seed(ctx context.Context, st store.Store, log *slog.Logger) error {
	if _, err := st.LatestRevision(ctx, bundled.Slug); !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if deleted, err := st.EventDeleted(ctx, bundled.Slug); err != nil || deleted {
		return err // an organizer deleted it: do not bring it back
	}
	ev, err := bundled.Event()
	if err != nil {
		return fmt.Errorf("bundled event: %w", err)
	}
	res, err := catalog.Publish(ctx, st, ev, time.Now())
	if err != nil {
		return err
	}
	log.Info("bundled event loaded", "event", ev.Slug, "revision", res.Revision)
	return nil
}

// metricSources are what the metrics read.
func metricSources(sc *schedule.Service, st store.Store, cat *catalog.Catalog, l *coherence.Listener) telemetry.Sources {
	s := telemetry.Sources{CacheHits: sc.Hits.Load, CacheMisses: sc.Misses.Load, StaleFeeds: sc.Stale.Load, Totals: st.Totals, Snapshots: cat.All}
	if l != nil {
		s.ListenerReconnects, s.ListenerConnected = l.Reconnects.Load, l.Connected.Load
	}
	return s
}

// syncSpecs collects repeated --sync flags.
type syncSpecs []string

func (s *syncSpecs) String() string     { return strings.Join(*s, ";") }
func (s *syncSpecs) Set(v string) error { *s = append(*s, v); return nil }
