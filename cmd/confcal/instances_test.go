package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confcal/confcal/internal/coherence"
	"github.com/confcal/confcal/internal/store/postgres/pgtest"
)

// instance is one confcal serve in this process.
type instance struct {
	url, metrics string
}

func startInstance(t *testing.T, ctx context.Context, wg *gosync.WaitGroup, dsn, name string) instance {
	t.Helper()
	return startInstanceLogging(t, ctx, wg, dsn, name, io.Discard)
}

// startInstanceLogging starts an instance whose log goes to logs.
func startInstanceLogging(t *testing.T, ctx context.Context, wg *gosync.WaitGroup, dsn, name string, logs io.Writer) instance {
	t.Helper()
	addr, metrics := freeAddr(t), freeAddr(t)
	vars := map[string]string{"CONFCAL_DATABASE_URL": dsn, "CONFCAL_ADDR": addr, "CONFCAL_METRICS_ADDR": metrics, "CONFCAL_INSTANCE": name, "CONFCAL_LIMITS": "off",
		"CONFCAL_ADMIN_TOKEN": "two-instances-admin-token", "CONFCAL_ACCESS_LOG": "false"}
	wg.Go(func() {
		if err := run(ctx, nil, env(vars), io.Discard, logs); err != nil {
			t.Errorf("instance %s: %v", name, err)
		}
	})
	u := "http://" + addr
	waitFor(t, 15*time.Second, func() bool { return get(u+"/readyz") == http.StatusOK })
	in := instance{url: u, metrics: "http://" + metrics}
	// Ready serves the agenda; what another instance changes reaches this one once its
	// LISTEN is in place, which may come a moment later.
	waitFor(t, 15*time.Second, func() bool {
		_, m := instance{url: in.metrics}.do(t, "GET", "/metrics", "", "")
		return strings.Contains(m, "\nconfcal_listener_connected 1\n") // the sample, not its HELP line
	})
	return in
}

func (in instance) do(t *testing.T, method, path, body, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, in.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// within polls until ok, and fails if that takes longer than the one second instances may
// lag behind each other. It returns how long it took.
func within(t *testing.T, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > time.Second {
			t.Fatalf("%s: not within 1s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(start)
	t.Logf("%s: %s", what, took.Round(time.Millisecond))
	return took
}

// Two instances on one PostgreSQL: whatever changes through A is what B serves within a
// second, also after B's listening connection was killed and came back.
func TestTwoInstancesStayCoherent(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	a := startInstance(t, ctx, &wg, dsn, "a")
	b := startInstance(t, ctx, &wg, dsn, "b")

	round := func(label string) {
		// A schedule made on A, its feed read on B (and so cached there).
		code, body := a.do(t, "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":["wenger-rust-io-uring-ktls"]}`, "")
		if code != http.StatusCreated {
			t.Fatalf("create on A: %d %s", code, body)
		}
		var sc struct{ ID, EditToken, FeedURL string }
		json.Unmarshal([]byte(body), &sc)
		feed := strings.TrimPrefix(sc.FeedURL, a.url)
		if code, _ := b.do(t, "GET", feed, "", ""); code != http.StatusOK {
			t.Fatalf("%s: feed on B: %d", label, code)
		}
		// Star on A: B's feed has it.
		if code, body := a.do(t, "PUT", "/api/v1/schedules/"+sc.ID+"/sessions/pavlo-databases-and-operating-systems", "", sc.EditToken); code != http.StatusOK {
			t.Fatalf("star on A: %d %s", code, body)
		}
		within(t, label+": star on A in B's feed", func() bool {
			_, f := b.do(t, "GET", feed, "", "")
			return strings.Contains(f, "UID:pavlo-databases-and-operating-systems.p99conf-24@confcal")
		})
		// Rotate on A: the old URL is 404 on B.
		if code, body := a.do(t, "POST", "/api/v1/schedules/"+sc.ID+"/rotate", "", sc.EditToken); code != http.StatusOK {
			t.Fatalf("rotate on A: %d %s", code, body)
		}
		within(t, label+": rotated feed 404 on B", func() bool { code, _ := b.do(t, "GET", feed, "", ""); return code == http.StatusNotFound })
		// Delete on A: the new feed URL, read on B first, is 404 on B.
		code, body = a.do(t, "POST", "/api/v1/schedules/"+sc.ID+"/rotate", "", sc.EditToken)
		var again struct{ FeedURL string }
		json.Unmarshal([]byte(body), &again)
		newFeed := strings.TrimPrefix(again.FeedURL, a.url)
		if code != http.StatusOK {
			t.Fatalf("second rotate on A: %d %s", code, body)
		}
		if code, _ := b.do(t, "GET", newFeed, "", ""); code != http.StatusOK {
			t.Fatalf("%s: new feed on B: %d", label, code)
		}
		if code, body := a.do(t, "DELETE", "/api/v1/schedules/"+sc.ID, "", sc.EditToken); code != http.StatusNoContent {
			t.Fatalf("delete on A: %d %s", code, body)
		}
		within(t, label+": deleted schedule's feed 404 on B", func() bool { code, _ := b.do(t, "GET", newFeed, "", ""); return code == http.StatusNotFound })
		// A revision on A: B serves the new SEQUENCE.
		_, doc := a.do(t, "GET", "/api/v1/events/p99conf-24", "", "")
		var d map[string]any
		json.Unmarshal([]byte(doc), &d)
		s := d["sessions"].([]any)[1].(map[string]any)
		s["title"] = s["title"].(string) + " (" + label + ")"
		next, _ := json.Marshal(d)
		if code, body := a.do(t, "PUT", "/api/v1/admin/events/p99conf-24?format=native", string(next), "two-instances-admin-token"); code != http.StatusOK {
			t.Fatalf("revision on A: %d %s", code, body)
		}
		within(t, label+": revision on A in B's event feed", func() bool {
			_, f := b.do(t, "GET", "/events/p99conf-24/calendar.ics", "", "")
			return strings.Contains(f, "("+label+")")
		})
	}
	round("first")

	// Kill B's listening connection; B reconnects, and the same holds.
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var killed int
	var at time.Time
	if err := conn.QueryRow(context.Background(), "SELECT count(pg_terminate_backend(pid)), clock_timestamp() FROM pg_stat_activity WHERE application_name = $1",
		coherence.ApplicationName("b")).Scan(&killed, &at); err != nil || killed != 1 {
		t.Fatalf("killed %d listener connections of B: %v", killed, err)
	}
	// While B is without its listener, the safety nets keep the bound.
	round("listener down")
	// B listens again on a new connection.
	waitFor(t, 10*time.Second, func() bool {
		var n int
		conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1
			AND backend_start > $2 AND query ILIKE 'listen%'`, coherence.ApplicationName("b"), at).Scan(&n)
		return n == 1
	})
	waitFor(t, 5*time.Second, func() bool {
		_, m := instance{url: b.metrics}.do(t, "GET", "/metrics", "", "")
		return strings.Contains(m, "\nconfcal_listener_reconnects_total 1\n") && strings.Contains(m, "\nconfcal_listener_connected 1\n")
	})
	round("after reconnect")
}

// cutProxy forwards TCP to PostgreSQL until cut: then it drops every connection and
// refuses new ones, as a network partition or a database restart would, until restored.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     gosync.Mutex
	down   bool
	conns  []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// A PostgreSQL outage (every connection cut, new ones refused) degrades the instance
// instead of failing it: agenda responses and feeds seen before are served with their
// validators, writes get 503 with Retry-After, /readyz stays 200 ("degraded"), and the log
// has one line as the outage starts and one as it ends; afterwards writes work again.
func TestOutageOnPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	logs := &lockedBuffer{}
	a := startInstanceLogging(t, ctx, &wg, u.String(), "outage", logs)
	code, body := a.do(t, "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":["wenger-rust-io-uring-ktls"]}`, "")
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var sc struct{ ID, EditToken, FeedURL string }
	json.Unmarshal([]byte(body), &sc)
	feedPath := strings.TrimPrefix(sc.FeedURL, a.url)
	_, feed := a.do(t, "GET", feedPath, "", "")
	paths := []string{"/events/p99conf-24", "/events/p99conf-24/calendar.ics", "/api/v1/events/p99conf-24", "/widget.js"}
	for _, p := range paths {
		if code, _ := a.do(t, "GET", p, "", ""); code != http.StatusOK {
			t.Fatalf("%s: %d", p, code)
		}
	}
	time.Sleep(time.Second) // past the schedule cache's TTL (750 ms with several instances)

	proxy.cut()
	waitFor(t, 5*time.Second, func() bool {
		_, b := a.do(t, "GET", "/readyz", "", "")
		return strings.Contains(b, `"degraded"`)
	})
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range paths {
			if code, _ := a.do(t, "GET", p, "", ""); code != http.StatusOK {
				t.Errorf("%s in the outage: %d", p, code)
			}
		}
		if code, b := a.do(t, "GET", feedPath, "", ""); code != http.StatusOK || b != feed {
			t.Errorf("personal feed in the outage: %d", code)
		}
		if code, _ := a.do(t, "GET", "/readyz", "", ""); code != http.StatusOK {
			t.Errorf("readyz in the outage: %d", code)
		}
		for _, w := range [][2]string{{"POST", "/api/v1/events/p99conf-24/schedules"}, {"PUT", "/api/v1/schedules/" + sc.ID + "/sessions/pavlo-databases-and-operating-systems"}} {
			body := ""
			if w[0] == "POST" {
				body = `{"sessions":[]}`
			}
			req, _ := http.NewRequest(w[0], a.url+w[1], strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+sc.EditToken)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
				t.Errorf("%s %s in the outage: %d, Retry-After %q", w[0], w[1], res.StatusCode, res.Header.Get("Retry-After"))
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, m := (instance{url: a.metrics}).do(t, "GET", "/metrics", "", ""); strings.Contains(m, "confcal_stale_feeds_total 0") || !strings.Contains(m, "confcal_stale_feeds_total") {
		t.Errorf("the metrics do not count the feeds served from memory in the outage:\n%.600s", m)
	}
	proxy.restore()
	waitFor(t, 15*time.Second, func() bool {
		_, b := a.do(t, "GET", "/readyz", "", "")
		return strings.Contains(b, `"status":"ready"`)
	})
	waitFor(t, 10*time.Second, func() bool {
		code, _ := a.do(t, "PUT", "/api/v1/schedules/"+sc.ID+"/sessions/pavlo-databases-and-operating-systems", "", sc.EditToken)
		return code == http.StatusOK
	})
	waitFor(t, 5*time.Second, func() bool { return strings.Contains(logs.String(), "database reachable again") })
	text := logs.String()
	if n := strings.Count(text, "database unreachable: serving"); n != 1 {
		t.Errorf("outage start logged %d times:\n%s", n, text)
	}
	if n := strings.Count(text, "database reachable again"); n != 1 {
		t.Errorf("outage end logged %d times:\n%s", n, text)
	}
	if n := strings.Count(text, "level=ERROR") + strings.Count(text, "level=WARN"); n != 1 {
		t.Errorf("%d ERROR and WARN lines, want the one outage line:\n%s", n, text)
	}
}

// lockedBuffer is a log written by an instance and read by the test.
type lockedBuffer struct {
	mu gosync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Once a rotation or a deletion has answered on A, B serves the old feed URL for at most
// 100 ms, also while B is reading that feed concurrently (a read that began before the
// invalidation must not be cached after it). 200 tries, a deletion every fifth.
func TestRotationIsExactAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("200 rotations")
	}
	dsn := pgtest.DSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	a := startInstance(t, ctx, &wg, dsn, "rot-a")
	b := startInstance(t, ctx, &wg, dsn, "rot-b")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	status := func(url string) int {
		res, err := client.Get(url)
		if err != nil {
			t.Error(err)
			return 0
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	type sched struct{ ID, EditToken, FeedURL string }
	create := func() sched {
		code, body := a.do(t, "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":["wenger-rust-io-uring-ktls"]}`, "")
		if code != http.StatusCreated {
			t.Fatalf("create on A: %d %s", code, body)
		}
		var sc sched
		json.Unmarshal([]byte(body), &sc)
		return sc
	}
	sc := create()
	var worst time.Duration
	for i := range 200 {
		old := b.url + strings.TrimPrefix(sc.FeedURL, a.url)
		if code := status(old); code != http.StatusOK {
			t.Fatalf("round %d: feed on B before: %d", i, code)
		}
		// B reads the feed all along, from two goroutines.
		var mu gosync.Mutex
		var last200 time.Time // start of the latest read B answered 200
		stop := make(chan struct{})
		var readers gosync.WaitGroup
		for range 2 {
			readers.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					start := time.Now()
					if status(old) == http.StatusOK {
						mu.Lock()
						if start.After(last200) {
							last200 = start
						}
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(2 * time.Millisecond)
		deleted := i%5 == 4
		if deleted {
			if code, body := a.do(t, "DELETE", "/api/v1/schedules/"+sc.ID, "", sc.EditToken); code != http.StatusNoContent {
				t.Fatalf("delete on A: %d %s", code, body)
			}
		} else {
			code, body := a.do(t, "POST", "/api/v1/schedules/"+sc.ID+"/rotate", "", sc.EditToken)
			if code != http.StatusOK {
				t.Fatalf("rotate on A: %d %s", code, body)
			}
			var next sched
			json.Unmarshal([]byte(body), &next)
			sc.FeedURL = next.FeedURL
		}
		answered := time.Now()
		time.Sleep(120 * time.Millisecond)
		close(stop)
		readers.Wait()
		mu.Lock()
		late := last200.Sub(answered)
		mu.Unlock()
		worst = max(worst, late)
		if late > 100*time.Millisecond {
			t.Errorf("round %d: B served the old feed %s after A answered", i, late.Round(time.Millisecond))
		}
		if code := status(old); code != http.StatusNotFound {
			t.Errorf("round %d: old feed on B: %d", i, code)
		}
		if deleted {
			sc = create()
		} else if code := status(b.url + strings.TrimPrefix(sc.FeedURL, a.url)); code != http.StatusOK {
			t.Errorf("round %d: new feed on B: %d", i, code)
		}
	}
	t.Logf("worst: B served the old feed for a read begun %s after A answered (negative: never after)", worst.Round(time.Microsecond))
}
