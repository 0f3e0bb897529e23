package handlers_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/health"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// outageStore is the real SQLite store, which fails every call while down, with the
// error SQLite gives for a file it cannot read. A root process (as CI runs) reads a file
// whatever its mode, and the pool's open connections keep reading an inode that was
// renamed or made unreadable, so the failure is forced here; PostgreSQL's outage is real
// (cmd/confcal: TestOutageOnPostgres).
type outageStore struct {
	*sqlite.DB
	down atomic.Bool
}

var errUnreadable = errors.New("unable to open database file: permission denied (SQLITE_CANTOPEN)")

func (s *outageStore) fail() error {
	if s.down.Load() {
		return errUnreadable
	}
	return nil
}

func (s *outageStore) Ping(ctx context.Context) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.DB.Ping(ctx)
}
func (s *outageStore) AddRevision(ctx context.Context, r store.Revision) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.DB.AddRevision(ctx, r)
}
func (s *outageStore) LatestRevision(ctx context.Context, event string) (store.Revision, error) {
	if err := s.fail(); err != nil {
		return store.Revision{}, err
	}
	return s.DB.LatestRevision(ctx, event)
}
func (s *outageStore) Revisions(ctx context.Context, event string) ([]store.Revision, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.DB.Revisions(ctx, event)
}
func (s *outageStore) Heads(ctx context.Context) (map[string]int, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.DB.Heads(ctx)
}
func (s *outageStore) CreateSchedule(ctx context.Context, sc store.Schedule) (store.Schedule, error) {
	if err := s.fail(); err != nil {
		return store.Schedule{}, err
	}
	return s.DB.CreateSchedule(ctx, sc)
}
func (s *outageStore) Schedule(ctx context.Context, id string) (store.Schedule, error) {
	if err := s.fail(); err != nil {
		return store.Schedule{}, err
	}
	return s.DB.Schedule(ctx, id)
}
func (s *outageStore) ScheduleByFeed(ctx context.Context, h string) (store.Schedule, error) {
	if err := s.fail(); err != nil {
		return store.Schedule{}, err
	}
	return s.DB.ScheduleByFeed(ctx, h)
}
func (s *outageStore) UpdateSchedule(ctx context.Context, id string, now time.Time, change func(*store.Schedule) error) (store.Schedule, error) {
	if err := s.fail(); err != nil {
		return store.Schedule{}, err
	}
	return s.DB.UpdateSchedule(ctx, id, now, change)
}
func (s *outageStore) DeleteSchedule(ctx context.Context, id string) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.DB.DeleteSchedule(ctx, id)
}

// While the database is unreachable, every agenda response and every personal feed seen
// before is served (with its validators), writes get 503 with Retry-After, /readyz keeps
// the instance in (degraded), and the outage is logged once as it starts and once as it
// ends.
func TestOutageOnSQLite(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ev, _ := bundled.Event()
	if _, err := catalog.Publish(context.Background(), db, ev, time.Now()); err != nil {
		t.Fatal(err)
	}
	raw := &outageStore{DB: db}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	monitor := &health.Monitor{Probe: raw.Ping, Log: log}
	st := health.Store{Store: raw, Monitor: monitor}
	cat := catalog.New(st, base, time.Now, log)
	if _, err := cat.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The schedule cache's TTL is short, so that the outage finds every entry past it.
	svc := schedule.NewService(st, cat, time.Now, schedule.WithCacheTTL(time.Millisecond))
	h, err := handlers.New(handlers.Deps{Agenda: cat, Schedules: svc, Store: st, Revisions: st, BaseURL: base, Log: log,
		Access: handlers.NewAccessLog(io.Discard, false)})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, h: h}
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	feed := e.do("GET", feedPath(c.FeedURL), "")
	want(t, feed, http.StatusOK)
	paths := []string{"/events/p99conf-24", "/events/p99conf-24/calendar.ics", "/api/v1/events/p99conf-24", "/events/p99conf-24/schedule.xml", "/widget.js", "/events/p99conf-24/speakers/liz-rice/card.svg"}
	before := map[string]string{}
	for _, p := range paths {
		w := e.do("GET", p, "")
		want(t, w, http.StatusOK)
		before[p] = w.Header().Get("ETag")
	}
	time.Sleep(5 * time.Millisecond) // every cached schedule is past its TTL

	raw.down.Store(true)
	for round := range 3 { // many requests, one log line
		for _, p := range paths {
			w := e.do("GET", p, "")
			want(t, w, http.StatusOK)
			if w.Header().Get("ETag") != before[p] {
				t.Errorf("%s: ETag changed in the outage", p)
			}
		}
		w := e.do("GET", feedPath(c.FeedURL), "")
		want(t, w, http.StatusOK)
		if w.Body.String() != feed.Body.String() || w.Header().Get("ETag") != feed.Header().Get("ETag") {
			t.Error("the personal feed changed in the outage")
		}
		want(t, e.do("GET", feedPath(c.FeedURL), "", "If-None-Match", feed.Header().Get("ETag")), http.StatusNotModified)
		want(t, e.do("GET", "/feeds/never-seen.ics", ""), http.StatusServiceUnavailable) // unknown: cannot tell
		for _, w := range []*httptest.ResponseRecorder{
			e.do("POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`),
			e.do("PUT", "/api/v1/schedules/"+c.ID+"/sessions/"+pavlo, "", "Authorization", "Bearer "+c.EditToken),
			e.do("POST", "/api/v1/schedules/"+c.ID+"/rotate", "", "Authorization", "Bearer "+c.EditToken),
		} {
			want(t, w, http.StatusServiceUnavailable)
			if w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"code":"unavailable"`) {
				t.Errorf("round %d: 503 without Retry-After or code: %v %s", round, w.Header(), w.Body)
			}
		}
		w = e.do("GET", "/readyz", "")
		want(t, w, http.StatusOK)
		if !strings.Contains(w.Body.String(), `"store":"unreachable"`) || !strings.Contains(w.Body.String(), `"status":"degraded"`) {
			t.Errorf("readyz in the outage: %s", w.Body)
		}
	}
	raw.down.Store(false)
	monitor.Check(context.Background(), 0)
	want(t, e.do("PUT", "/api/v1/schedules/"+c.ID+"/sessions/"+pavlo, "", "Authorization", "Bearer "+c.EditToken), http.StatusOK)
	if !strings.Contains(e.do("GET", "/readyz", "").Body.String(), `"status":"ready"`) {
		t.Error("readyz after the outage")
	}
	text := logs.String()
	if n := strings.Count(text, "database unreachable: serving"); n != 1 {
		t.Errorf("outage start logged %d times:\n%s", n, text)
	}
	if n := strings.Count(text, "database reachable again"); n != 1 {
		t.Errorf("outage end logged %d times:\n%s", n, text)
	}
	if n := strings.Count(text, "level=ERROR"); n != 1 {
		t.Errorf("%d ERROR lines, want the one outage line:\n%s", n, text)
	}
}
