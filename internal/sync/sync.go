// Package sync pulls agendas from the organizers' tools on a schedule: a conditional GET
// per source, applied only when the document changed and validates; a source that is down
// or broken leaves the last good revision serving, and says so in its status.
package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	gosync "sync"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/importer"
)

// DefaultInterval is how often a source is pulled unless its spec says otherwise.
const DefaultInterval = 5 * time.Minute

// minInterval keeps a misconfiguration from hammering an organizer's CFP tool.
const minInterval = 30 * time.Second

// Source is one agenda to keep in sync.
type Source struct {
	Event    string
	URL      string
	Format   formats.Format // "": detect
	Interval time.Duration
	TimeZone string // for Sessionize, when the event does not exist yet
}

// ParseSource reads EVENT=URL[,format][,interval][,time zone]: the options after the URL
// are told apart by their shape (a format name, a duration such as 10m, an IANA zone).
func ParseSource(spec string) (Source, error) {
	event, rest, ok := strings.Cut(strings.TrimSpace(spec), "=")
	if !ok || event == "" || rest == "" {
		return Source{}, fmt.Errorf("sync %q: want EVENT=URL[,format][,interval][,time zone]", spec)
	}
	if !agenda.ValidSlug(event) {
		return Source{}, fmt.Errorf("sync %q: event %q: want lowercase letters, digits and dashes", spec, event)
	}
	parts := strings.Split(rest, ",")
	s := Source{Event: event, URL: strings.TrimSpace(parts[0]), Interval: DefaultInterval}
	if u, err := url.Parse(s.URL); err != nil || !importer.IsURL(s.URL) || u.Host == "" {
		return Source{}, fmt.Errorf("sync %q: want an http(s) URL, got %q", spec, s.URL)
	}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if f, err := formats.ParseFormat(p); err == nil && f != "" {
			s.Format = f
		} else if d, err := time.ParseDuration(p); err == nil {
			if d < minInterval {
				return Source{}, fmt.Errorf("sync %q: interval %s is under %s", spec, d, minInterval)
			}
			s.Interval = d
		} else if _, err := time.LoadLocation(p); err == nil && p != "" && p != "Local" {
			s.TimeZone = p
		} else {
			return Source{}, fmt.Errorf("sync %q: %q is not a format %v, an interval such as 10m, nor a time zone", spec, p, formats.Formats)
		}
	}
	return s, nil
}

// ParseSources parses every spec; one source per event.
func ParseSources(specs []string) ([]Source, error) {
	var out []Source
	seen := map[string]bool{}
	var errs []error
	for _, spec := range specs {
		if strings.TrimSpace(spec) == "" {
			continue
		}
		src, err := ParseSource(spec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[src.Event] {
			errs = append(errs, fmt.Errorf("sync %q: event %s has another source already", spec, src.Event))
		}
		seen[src.Event] = true
		out = append(out, src)
	}
	return out, errors.Join(errs...)
}

// Status is what the admin API shows of a source.
type Status struct {
	Event      string    `json:"event"`
	URL        string    `json:"url"`
	Format     string    `json:"format"`
	Interval   string    `json:"interval"`
	LastCheck  time.Time `json:"lastCheck,omitzero"`
	LastChange time.Time `json:"lastChange,omitzero"`
	Result     string    `json:"result"` // pending, changed, unchanged, not modified, failed
	Error      string    `json:"error,omitempty"`
	Problems   []string  `json:"problems,omitempty"`
	Warnings   []string  `json:"warnings,omitempty"` // of the last document applied or found unchanged
	Failures   int       `json:"consecutiveFailures"`
	Revision   int       `json:"revision"`
}

// Syncer pulls every source on its interval.
type Syncer struct {
	Sources []Source
	Fetcher *importer.Fetcher
	Store   catalog.Writer
	Refresh func(context.Context) error
	Log     *slog.Logger
	Now     func() time.Time

	mu         gosync.Mutex
	status     map[string]*Status
	validators map[string]importer.Validators
}

// Run checks each source at once and then every interval until ctx ends.
func (s *Syncer) Run(ctx context.Context) {
	var wg gosync.WaitGroup
	for _, src := range s.Sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(src.Interval)
			defer t.Stop()
			for {
				s.Check(ctx, src)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	wg.Wait()
}

// Check pulls one source once.
func (s *Syncer) Check(ctx context.Context, src Source) {
	s.begin(src)
	data, next, notModified, err := s.Fetcher.Get(ctx, src.URL, s.validator(src))
	switch {
	case err != nil:
		s.failed(src, err)
		return
	case notModified:
		s.finish(src, func(st *Status) { st.Result = "not modified" })
		return
	}
	prev, _, err := catalog.Current(ctx, s.Store, src.Event)
	if err != nil {
		s.failed(src, err)
		return
	}
	ev, warns, err := importer.Parse(importer.Request{Event: src.Event, Format: src.Format, TimeZone: src.TimeZone}, data, prev)
	if err != nil {
		s.failed(src, err)
		return
	}
	res, err := catalog.Publish(ctx, s.Store, ev, s.Now())
	if err != nil {
		s.failed(src, err)
		return
	}
	s.mu.Lock()
	s.validators[src.Event] = next // only after a successful apply, so a failure is retried in full
	s.mu.Unlock()
	if !res.Changed {
		s.finish(src, func(st *Status) {
			st.Result, st.Revision, st.Warnings = "unchanged", res.Revision, warns.Lines("warning")
		})
		return
	}
	if s.Refresh != nil {
		if err := s.Refresh(ctx); err != nil {
			s.Log.Warn("sync: refresh", "event", src.Event, "err", err)
		}
	}
	s.Log.Info("sync applied", "event", src.Event, "revision", res.Revision, "summary", res.Summary,
		"changes", strings.Join(agenda.Describe(prev, ev), "; "))
	// Warnings are logged when a document is applied, not at every unchanged check.
	for _, w := range warns.Lines("warning") {
		s.Log.Warn("sync: document warning", "event", src.Event, "warning", w)
	}
	s.finish(src, func(st *Status) {
		st.Result, st.Revision, st.LastChange, st.Warnings = "changed", res.Revision, st.LastCheck, warns.Lines("warning")
	})
}

func (s *Syncer) begin(src Source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	s.status[src.Event].LastCheck = s.Now()
}

func (s *Syncer) init() {
	if s.status != nil {
		return
	}
	s.status, s.validators = map[string]*Status{}, map[string]importer.Validators{}
	for _, src := range s.Sources {
		s.status[src.Event] = &Status{Event: src.Event, URL: src.URL, Format: string(src.Format), Interval: src.Interval.String(), Result: "pending"}
	}
}

func (s *Syncer) validator(src Source) importer.Validators {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.validators[src.Event]
}

func (s *Syncer) finish(src Source, update func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status[src.Event]
	st.Error, st.Problems, st.Failures = "", nil, 0
	update(st)
}

// failed keeps the last good revision serving and records why the source was refused.
func (s *Syncer) failed(src Source, err error) {
	var problems []string
	var ve *agenda.ValidationError
	if errors.As(err, &ve) {
		problems = agenda.Problems(ve.Problems).Lines("problem")
	}
	s.Log.Warn("sync failed; the last good revision keeps serving", "event", src.Event, "err", err)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status[src.Event]
	st.Result, st.Error, st.Problems = "failed", err.Error(), problems
	st.Failures++
}

// Statuses lists every source's status, in the configured order.
func (s *Syncer) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	out := make([]Status, 0, len(s.Sources))
	for _, src := range s.Sources {
		out = append(out, *s.status[src.Event])
	}
	return out
}
