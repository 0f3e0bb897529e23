package sync_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/importer"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/sync"
)

func TestParseSource(t *testing.T) {
	for spec, want := range map[string]string{
		"tls25=https://example.org/all.json":                              "tls25 https://example.org/all.json  5m0s ",
		"tls25=https://example.org/all.json,sessionize,10m,Europe/Berlin": "tls25 https://example.org/all.json sessionize 10m0s Europe/Berlin",
		"tls25=https://example.org/s.xml,1h,frab-xml":                     "tls25 https://example.org/s.xml frab-xml 1h0m0s ",
		"tls25=ftp://example.org/x":                                       "error: want an http(s) URL",
		"Bad=https://example.org/x":                                       "error: want lowercase",
		"tls25=https://example.org/x,5s":                                  "error: interval 5s is under 30s",
		"tls25=https://example.org/x,weekly":                              `error: "weekly" is not a format`,
		"https://example.org/x":                                           "error: want EVENT=URL",
	} {
		src, err := sync.ParseSource(spec)
		got := src.Event + " " + src.URL + " " + string(src.Format) + " " + src.Interval.String() + " " + src.TimeZone
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, want) && !strings.Contains(got, strings.TrimPrefix(want, "error: ")) {
			t.Errorf("%s: got %q, want %q", spec, got, want)
		}
	}
	if _, err := sync.ParseSources([]string{"a=https://x.org/1", "a=https://x.org/2"}); err == nil || !strings.Contains(err.Error(), "another source") {
		t.Errorf("two sources for one event: %v", err)
	}
}

// source is an organizer's CFP tool: it serves the current document with an ETag and
// honours If-None-Match; it can be down or serve a broken document.
type source struct {
	mu          gosync.Mutex
	body        []byte
	down        bool
	requests    int
	notModified int
}

func (s *source) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	etag := `"` + strings.Repeat("x", len(s.body)%7) + string(rune('a'+len(s.body)%26)) + `"`
	if r.Header.Get("If-None-Match") == etag {
		s.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write(s.body)
}

func (s *source) set(body []byte, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.down = body, down
}

func sample(t *testing.T, name string) []byte {
	data, err := os.ReadFile(filepath.Join("..", "formats", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSyncFollowsTheSource(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := &source{body: sample(t, "sessionize-all-v1.json")}
	srv := httptest.NewServer(src)
	defer srv.Close()
	spec, err := sync.ParseSource("tls25=" + srv.URL + "/all.json,sessionize,1m,Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	refreshes := 0
	var logs strings.Builder
	s := &sync.Syncer{Sources: []sync.Source{spec}, Fetcher: &importer.Fetcher{}, Store: st,
		Refresh: func(context.Context) error { refreshes++; return nil },
		Log:     slog.New(slog.NewTextHandler(&logs, nil)), Now: time.Now}
	status := func() sync.Status { return s.Statuses()[0] }

	if status().Result != "pending" {
		t.Errorf("before the first check: %+v", status())
	}
	s.Check(ctx, spec)
	if st := status(); st.Result != "changed" || st.Revision != 1 || refreshes != 1 {
		t.Fatalf("first check: %+v", st)
	}
	// Nothing changed at the source: a conditional GET, answered 304.
	s.Check(ctx, spec)
	if st := status(); st.Result != "not modified" || src.notModified != 1 {
		t.Errorf("second check: %+v, 304s %d", st, src.notModified)
	}
	// A broken document: refused with its problems, the last good revision stays.
	src.set([]byte(strings.Replace(string(sample(t, "sessionize-all-v2.json")), `"startsAt": "2025-10-25T09:45:00"`, `"startsAt": "2025-10-26T02:30:00"`, 1)), false)
	s.Check(ctx, spec)
	if st := status(); st.Result != "failed" || len(st.Problems) != 1 || !strings.Contains(st.Problems[0], "happens twice") || st.Failures != 1 {
		t.Errorf("broken document: %+v", st)
	}
	if _, n, _ := catalog.Current(ctx, st, "tls25"); n != 1 {
		t.Errorf("revision after a broken document: %d", n)
	}
	// The source down: the same.
	src.set(nil, true)
	s.Check(ctx, spec)
	if st := status(); st.Result != "failed" || !strings.Contains(st.Error, "503") || st.Failures != 2 {
		t.Errorf("source down: %+v", st)
	}
	// Back with the second wave, one description in HTML: applied, and the warning is in
	// the status and the log.
	src.set([]byte(strings.Replace(string(sample(t, "sessionize-all-v2.json")), `"description": "`, `"description": "<p>Now in HTML</p>`, 1)), false)
	s.Check(ctx, spec)
	if st := status(); st.Result != "changed" || st.Revision != 2 || st.Failures != 0 || st.Error != "" ||
		len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "HTML became plain text in 1 text") {
		t.Errorf("second wave: %+v", st)
	}
	if !strings.Contains(logs.String(), "sync: document warning") {
		t.Errorf("the log has no warning:\n%s", logs.String())
	}
	ev, _, _ := catalog.Current(ctx, st, "tls25")
	if ev == nil || len(ev.Speakers) != 63 {
		t.Errorf("after the second wave: %v", ev)
	}
}

// Run checks at once and then on its interval, and stops with its context.
func TestSyncRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := &source{body: sample(t, "pretalx-schedule-v1.json")}
	srv := httptest.NewServer(src)
	defer srv.Close()
	s := &sync.Syncer{Sources: []sync.Source{{Event: "tls25", URL: srv.URL, Interval: 50 * time.Millisecond}}, Fetcher: &importer.Fetcher{},
		Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for s.Statuses()[0].Result != "not modified" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	if got := s.Statuses()[0]; got.Revision != 1 || got.Result != "not modified" {
		t.Errorf("status: %+v", got)
	}
}
