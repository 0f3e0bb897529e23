package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/importer"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store/sqlite"
)

const base = "http://confcal.test"

var t1 = time.Date(2024, 9, 1, 10, 0, 0, 0, time.UTC)

// env is the whole service over a real SQLite file, driven in-process.
type env struct {
	t    testing.TB
	st   *sqlite.DB
	cat  *catalog.Catalog
	h    http.Handler
	logs *syncBuffer
	now  time.Time
	// adminToken turns the admin API on (newAdminEnv).
	adminToken string
	svc        *schedule.Service
	log        *slog.Logger
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB, events ...*agenda.Event) *env {
	t.Helper()
	return build(t, "", events...)
}

// adminMaxDocument is the admin API's document size limit in tests.
const adminMaxDocument = 512 << 10

// adminToken is the admin API's token in tests.
const adminToken = "test-admin-token-5Kq9vR2mW8xZ"

// newAdminEnv is newEnv with the admin API on.
func newAdminEnv(t testing.TB, events ...*agenda.Event) *env {
	t.Helper()
	return build(t, adminToken, events...)
}

func build(t testing.TB, token string, events ...*agenda.Event) *env {
	t.Helper()
	return buildWith(t, token, handlers.Limits{}, events...)
}

// buildWith builds the env with limits.
func buildWith(t testing.TB, token string, limits handlers.Limits, events ...*agenda.Event) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, st: st, logs: &syncBuffer{}, now: t1, adminToken: token}
	if len(events) == 0 {
		ev, err := bundled.Event()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	for _, ev := range events {
		e.publish(ev)
	}
	var logOut io.Writer = e.logs
	if _, bench := t.(*testing.B); bench {
		logOut = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logOut, nil))
	clock := func() time.Time { return e.now }
	e.cat = catalog.New(st, base, clock, log)
	if _, err := e.cat.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := schedule.NewService(st, e.cat, clock)
	e.svc, e.log = svc, log
	e.h, err = handlers.New(handlers.Deps{
		Agenda: e.cat, Schedules: svc, Store: st, Revisions: st, BaseURL: base, Log: log,
		Access: handlers.NewAccessLog(logOut, false), Metrics: handlers.NewMetrics(prometheus.NewRegistry()), Limits: limits,
		Admin: handlers.Admin{Token: e.adminToken, Store: st, Forget: svc.ForgetEvent, Fetcher: &importer.Fetcher{MaxSize: adminMaxDocument},
			Refresh: func(ctx context.Context) error { _, err := e.cat.Refresh(ctx); return err },
			Now:     func() time.Time { e.now = e.now.Add(time.Minute); return e.now }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// publish stores ev as a new revision and lets the catalog see it.
func (e *env) publish(ev *agenda.Event) {
	e.t.Helper()
	e.now = e.now.Add(time.Hour)
	if _, err := catalog.Publish(context.Background(), e.st, ev, e.now); err != nil {
		e.t.Fatal(err)
	}
	if e.cat != nil {
		if _, err := e.cat.Refresh(context.Background()); err != nil {
			e.t.Fatal(err)
		}
	}
}

// do sends a request; header pairs follow the body, which is sent as JSON unless they say
// otherwise.
func (e *env) do(method, path, body string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	if body != "" {
		header = append([]string{"Content-Type", "application/json"}, header...)
	}
	return e.doRaw(method, path, body, header...)
}

// doRaw sends a request with only the headers given.
func (e *env) doRaw(method, path, body string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "RemoteAddr" { // the peer, not a header
			req.RemoteAddr = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	sent := req.Header.Clone()
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	checkContract(e.t, method, path, body, sent, w)
	return w
}

// want checks a response's status, printing its body when it differs.
func want(t testing.TB, w *httptest.ResponseRecorder, status int) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d; body: %s", w.Code, status, w.Body.String())
	}
}

func decodeJSON[T any](t testing.TB, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", w.Body.String(), err)
	}
	return v
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
