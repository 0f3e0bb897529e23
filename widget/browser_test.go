package widget_test

// The widget in a real browser: Debian's Chromium driven by chromedp, against the whole
// service over a real SQLite file, with host pages on other origins. Without Chromium the
// tests skip, unless CI is set, where they fail.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// service is confcal on a loopback port.
type service struct {
	URL string
	st  *sqlite.DB
	cat *catalog.Catalog
}

func newService(t testing.TB, events ...*agenda.Event) *service {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if len(events) == 0 {
		ev, err := bundled.Event()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	for _, ev := range events {
		if _, err := catalog.Publish(ctx, st, ev, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ln := listen(t)
	s := &service{URL: "http://" + ln.Addr().String(), st: st}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.cat = catalog.New(st, s.URL, time.Now, log)
	if _, err := s.cat.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := handlers.New(handlers.Deps{Agenda: s.cat, Schedules: schedule.NewService(st, s.cat, time.Now), Store: st, Revisions: st,
		BaseURL: s.URL, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	serve(t, ln, h)
	return s
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func serve(t testing.TB, ln net.Listener, h http.Handler) {
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
}

// host serves demo/ pages as another site would: {{API}}, {{HOST}} and the page's other
// placeholders filled in, under the given Content-Security-Policy.
type host struct {
	URL  string
	vars map[string]string
	csp  string
}

func newHost(t testing.TB, api string, csp string, vars map[string]string) *host {
	t.Helper()
	ln := listen(t)
	h := &host{URL: "http://" + ln.Addr().String(), csp: csp, vars: map[string]string{
		"API": api, "EVENT": bundled.Slug, "SESSION": "stonebraker-doing-it-all-wrong",
		"SPEAKER": "andy-pavlo", "SPEAKER2": "gunnar-morling", "ATTRS": "",
	}}
	h.vars["HOST"] = h.URL
	for k, v := range vars {
		h.vars[k] = v
	}
	serve(t, ln, http.HandlerFunc(h.page))
	return h
}

func (h *host) page(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "favicon.ico" || name == "csp-report" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	data, err := os.ReadFile(filepath.Join("demo", filepath.Base(name)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	text := string(data)
	for k, v := range h.vars {
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	switch filepath.Ext(name) {
	case ".html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if strings.HasPrefix(name, "isolated") {
			// A cross-origin isolated page: every resource must allow it (CORP or CORS).
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		}
		if h.csp != "" {
			w.Header().Set("Content-Security-Policy", strings.ReplaceAll(h.csp, "{{API}}", h.vars["API"]))
		}
	case ".css":
		w.Header().Set("Content-Type", "text/css")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript")
	}
	io.WriteString(w, text)
}

// strictCSP limits scripts and requests to the page's own origin and the API, and styles
// to the page's own stylesheets: no inline script or style anywhere.
const strictCSP = "default-src 'none'; script-src 'self' {{API}}; connect-src {{API}}; style-src 'self'; " +
	"img-src 'self'; report-uri /csp-report"

var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

// chromium finds the browser, or skips (fails under CI) without one.
func chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CONFCAL_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no Chromium was found (install Debian's chromium or set CONFCAL_CHROMIUM)")
	}
	t.Skip("no Chromium on this machine: browser tests skipped (apt-get install chromium, or set CONFCAL_CHROMIUM)")
	return ""
}

// page is one browser tab with everything the page logged.
type tab struct {
	t   testing.TB
	ctx context.Context
	mu  sync.Mutex
	log []string
}

// newTab opens a tab in the shared headless browser, started on first use.
func newTab(t testing.TB) *tab {
	t.Helper()
	path := chromium(t)
	browser.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
			chromedp.WindowSize(1200, 900))
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		browser.ctx, browser.cancel = ctx, func() { cancel(); cancelAlloc() }
		browser.err = chromedp.Do(ctx)
	})
	if browser.err != nil {
		t.Fatalf("start Chromium: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTime(); cancel() })
	tb := &tab{t: t, ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.log = append(tb.log, string(m.Type)+": "+m.Text+" ("+m.URL+")")
			tb.mu.Unlock()
		}
	}()
	// Record CSP violations from the page itself too (DevTools scripts are exempt from CSP).
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__violations = [];
			document.addEventListener('securitypolicyviolation', (e) =>
				window.__violations.push(e.violatedDirective + ' ' + e.blockedURI), true)`,
	})
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v\npage log:\n%s", err, tb.logs())
	}
}

func (tb *tab) logs() string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return strings.Join(tb.log, "\n")
}

// errors are the console errors, uncaught exceptions and CSP violations of the page.
func (tb *tab) errors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, l := range tb.log {
		if strings.HasPrefix(l, "error:") || strings.HasPrefix(l, "exception:") {
			out = append(out, l)
		}
	}
	var violations []string
	tb.mu.Unlock()
	_ = eval(tb, `window.__violations || []`, &violations)
	tb.mu.Lock()
	for _, v := range violations {
		out = append(out, "CSP violation: "+v)
	}
	return out
}

// noErrors fails the test on any console error, exception or CSP violation of the page.
func (tb *tab) noErrors() {
	tb.t.Helper()
	if errs := tb.errors(); len(errs) > 0 {
		tb.t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}

// colorScheme makes the tab prefer a light or a dark colour scheme.
func colorScheme(tb *tab, scheme string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tab) open(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
}

// eval runs an expression (awaiting a promise) and decodes its JSON value into out.
func eval(tb *tab, js string, out any) error {
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	return json.Unmarshal(v, out)
}

// value evaluates an expression that must succeed.
func value[T any](tb *tab, js string) T {
	tb.t.Helper()
	var out T
	if err := eval(tb, js, &out); err != nil {
		tb.t.Fatalf("evaluate %s: %v\npage log:\n%s", js, err, tb.logs())
	}
	return out
}

// wait polls until a JS expression is truthy.
func (tb *tab) wait(what, js string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok bool
		err := eval(tb, "!!("+js+")", &ok)
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s (%s): %v\npage log:\n%s", what, js, err, tb.logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shadowText is the visible text of an element's shadow root.
func shadowText(sel string) string {
	return fmt.Sprintf(`(document.querySelector(%q)?.shadowRoot?.textContent || '')`, sel)
}
