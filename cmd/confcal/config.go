package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/importer"
)

// Config is every setting, from flags, CONFCAL_* variables and defaults in that order.
type Config struct {
	Addr      string
	BaseURL   string
	DataDir   string
	LogFormat string
	LogLevel  string
	AccessLog bool
	Seed      bool
	Refresh   time.Duration
	// MaxDocument bounds an agenda document (import, check, admin API, sync), in bytes.
	MaxDocument int64
	// GCHeadroom is how far the heap may grow between collections while it is small, in
	// bytes (serve; gcpace); 0 for Go's own GOGC pacing.
	GCHeadroom int64
	// AdminToken turns the organizer API on: from CONFCAL_ADMIN_TOKEN, or read from the file
	// named by --admin-token-file / CONFCAL_ADMIN_TOKEN_FILE. Never a flag: flags show in ps.
	AdminToken     string
	AdminTokenFile string
	// DatabaseURL selects PostgreSQL (postgres://…); empty for the SQLite file in DataDir.
	DatabaseURL string
	// Instance names this process among several (for logs and the database's view).
	Instance string
	// MetricsAddr is where /metrics listens, apart from Addr; "off" for nowhere.
	MetricsAddr string
	// Limits is "on" (the abuse limits, handlers.DefaultLimits) or "off".
	Limits string
	// TrustedProxies are the CIDRs of proxies whose X-Forwarded-For is believed.
	TrustedProxies string
	trusted        []netip.Prefix
}

// defaultGCHeadroom lets a small heap grow by 32 MiB between collections: on the load run
// more saved nothing measurable (docs/performance.md).
const defaultGCHeadroom = 32 << 20

// minAdminToken is the shortest admin token accepted.
const minAdminToken = 16

// flags registers the settings shared by the subcommands on fs, with defaults taken from
// the environment.
func (c *Config) flags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv("CONFCAL_" + name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "listen address")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", ""), "public URL of the service, used in feed and subscribe links (default http://localhost:PORT)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", "data"), "directory of the SQLite database file")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", "text"), "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	access, _ := strconv.ParseBool(env("ACCESS_LOG", "true"))
	fs.BoolVar(&c.AccessLog, "access-log", access, "log one line per request (feed tokens masked)")
	seed, _ := strconv.ParseBool(env("SEED", "true"))
	fs.BoolVar(&c.Seed, "seed", seed, "load the bundled P99 CONF 24 event when the store has none")
	// A look is one indexed query (the latest revision number of each event), so looking
	// often costs next to nothing and a revision `confcal import` writes is served within
	// ~0.2 s at 5,000 sessions (docs/performance.md).
	refresh, err := time.ParseDuration(env("REFRESH", "25ms"))
	if err != nil {
		refresh = -1 // reported by Validate
	}
	fs.DurationVar(&c.Refresh, "refresh", refresh, "how often to ask whether another process committed while the database's files change (SQLite: data_version, woken by file events, once a second when idle; polled every interval where file events are not to be had); on PostgreSQL notifications do it, and this is their safety net, kept within 250–500 ms")
	maxDoc, err := strconv.ParseInt(env("MAX_DOCUMENT", strconv.Itoa(importer.DefaultMaxSize)), 10, 64)
	if err != nil {
		maxDoc = -1 // reported by Validate
	}
	fs.Int64Var(&c.MaxDocument, "max-document", maxDoc, "largest agenda document accepted, in bytes")
	headroom, err := strconv.ParseInt(env("GC_HEADROOM", strconv.Itoa(defaultGCHeadroom)), 10, 64)
	if err != nil {
		headroom = -1 // reported by Validate
	}
	fs.Int64Var(&c.GCHeadroom, "gc-headroom", headroom, "bytes the heap may grow by between garbage collections while the live heap is smaller (serve; 0: GOGC alone)")
	c.AdminToken = getenv("CONFCAL_ADMIN_TOKEN")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL (postgres://…) for several instances; default: SQLite in --data-dir")
	host, _ := os.Hostname()
	fs.StringVar(&c.Instance, "instance", env("INSTANCE", fmt.Sprintf("%s-%d", host, os.Getpid())), "name of this instance")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("METRICS_ADDR", "127.0.0.1:9464"), "listen address of /metrics, apart from the service's port (off: none)")
	fs.StringVar(&c.Limits, "limits", env("LIMITS", "on"), "abuse limits per client (rates, schedules per hour, connections): on or off (off for load tests, or behind a gateway that limits)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated CIDRs of proxies whose X-Forwarded-For names the client (e.g. 10.0.0.0/8)")
	fs.StringVar(&c.AdminTokenFile, "admin-token-file", env("ADMIN_TOKEN_FILE", ""), "file holding the admin API's bearer token (or set CONFCAL_ADMIN_TOKEN); without one the admin API is off")
}

// Validate fills derived defaults and reports every bad setting at once.
func (c *Config) Validate() error {
	var errs []error
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %v", c.Addr, err))
	}
	if c.BaseURL == "" && err == nil {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "") {
		errs = append(errs, fmt.Errorf("base-url %q: want an absolute http(s) URL such as https://agenda.example.org", c.BaseURL))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir: must not be empty"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", c.LogFormat))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.Refresh <= 0 {
		errs = append(errs, errors.New("refresh: want a positive duration such as 1s"))
	}
	if c.MaxDocument <= 0 {
		errs = append(errs, errors.New("max-document: want a positive number of bytes"))
	}
	if c.GCHeadroom < 0 {
		errs = append(errs, errors.New("gc-headroom: want a number of bytes, or 0 for GOGC alone"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("database-url: want postgres://user@host:5432/db (or leave it empty for SQLite)"))
	}
	if c.MetricsAddr != "off" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr %q: %v (or off)", c.MetricsAddr, err))
		}
	}
	if c.Limits != "on" && c.Limits != "off" {
		errs = append(errs, fmt.Errorf("limits %q: want on or off", c.Limits))
	}
	c.trusted = nil
	for _, v := range strings.Split(c.TrustedProxies, ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			if a, aerr := netip.ParseAddr(v); aerr == nil {
				p, err = a.Prefix(a.BitLen())
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("trusted-proxies %q: want CIDRs such as 10.0.0.0/8", v))
			continue
		}
		c.trusted = append(c.trusted, p.Masked())
	}
	if c.AdminTokenFile != "" {
		data, err := os.ReadFile(c.AdminTokenFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("admin-token-file: %w", err))
		}
		c.AdminToken = strings.TrimSpace(string(data))
	}
	if c.AdminToken != "" && len(c.AdminToken) < minAdminToken {
		errs = append(errs, fmt.Errorf("admin token: at least %d characters (for example: openssl rand -base64 32)", minAdminToken))
	}
	return errors.Join(errs...)
}

// StoreName says which store is in use, for logs (never the URL: it may hold a password).
func (c *Config) StoreName() string {
	if c.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite:" + c.DatabasePath()
}

// DatabasePath is the SQLite file in the data directory.
func (c *Config) DatabasePath() string { return filepath.Join(c.DataDir, "confcal.db") }

// EnsureDataDir creates the data directory if needed.
func (c *Config) EnsureDataDir() error {
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("data-dir: %w", err)
	}
	return nil
}

// Logger builds the process logger.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// parse parses a subcommand's flags, which may stand before or after its arguments, and
// returns the arguments. Mistakes become usage errors.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
