package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/logbuf"
)

func TestAccessLogLines(t *testing.T) {
	var buf bytes.Buffer
	end := time.Date(2024, 10, 23, 15, 30, 5, 7_500_000, time.FixedZone("PDT", -7*3600))
	NewAccessLog(&buf, true).write(end, 1500*time.Microsecond, netip.MustParseAddr("2001:db8::"), "GET", "/events/\"we ird\"\n\u2028ü", 200, 1234, "id-1")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("JSON line %q: %v", buf.String(), err)
	}
	if rec["path"] != "/events/\"we ird\"\n\u2028ü" || rec["client"] != "2001:db8::" || rec["status"] != float64(200) || rec["msg"] != "request" || rec["request_id"] != "id-1" {
		t.Errorf("JSON record = %v", rec)
	}
	if d := rec["duration_ms"].(float64); d != 1.5 {
		t.Errorf("duration_ms = %v", d)
	}
	if rec["time"] != "2024-10-23T22:30:05.007Z" {
		t.Errorf("time = %v", rec["time"])
	}
	buf.Reset()
	l := NewAccessLog(&buf, false)
	l.write(end, 250*time.Microsecond, netip.MustParseAddr("192.0.2.7"), "GET", "/a b", 404, -1, "x")
	line := buf.String()
	if want := `time=2024-10-23T22:30:05.007Z level=INFO msg=request client=192.0.2.7 method=GET path="/a b" status=404 bytes=0 duration_ms=0.25 request_id=x` + "\n"; line != want {
		t.Errorf("text line = %q, want %q", line, want)
	}
	// Lines of the same second share its formatted part; the next second gets its own.
	for _, c := range []struct {
		at   time.Time
		want string
	}{{end.Add(992 * time.Millisecond), "time=2024-10-23T22:30:05.999Z "}, {end.Add(993 * time.Millisecond), "time=2024-10-23T22:30:06.000Z "}} {
		buf.Reset()
		l.write(c.at, 0, netip.Addr{}, "GET", "/", 200, 1, "y")
		if !strings.HasPrefix(buf.String(), c.want) {
			t.Errorf("line at %v = %q, want prefix %q", c.at, buf.String(), c.want)
		}
	}
}

func TestMaskPath(t *testing.T) {
	for in, want := range map[string]string{
		"/feeds/abc.ics": "/feeds/REDACTED", "/feeds/abc/x": "/feeds/REDACTED/x", "/events/x": "/events/x", "/feeds/": "/feeds/REDACTED",
	} {
		if got := maskPath(in); got != want {
			t.Errorf("maskPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// A panicking handler answers 500 once, is logged with its request id, and the server
// goes on.
func TestFramePanics(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logs, access bytes.Buffer
	r := gin.New()
	r.Use(frame(newFramer(slog.New(slog.NewTextHandler(&logs, nil)), NewAccessLog(&access, false), nil, newLimiters(Limits{}))))
	r.GET("/boom", func(*gin.Context) { panic("kaboom") })
	r.GET("/ok", func(c *gin.Context) { c.String(http.StatusOK, "fine") })
	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set("X-Request-Id", "client-id-7")
	r.ServeHTTP(w, req)
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"code":"internal"`) || w.Header().Get("X-Request-Id") != "client-id-7" {
		t.Errorf("panic answered %d %s %v", w.Code, w.Body, w.Header())
	}
	if !strings.Contains(logs.String(), "kaboom") || !strings.Contains(logs.String(), "client-id-7") {
		t.Errorf("panic log: %s", logs.String())
	}
	if !strings.Contains(access.String(), "path=/boom status=500") {
		t.Errorf("access log: %s", access.String())
	}
	w = httptest.NewRecorder()
	req = httptest.NewRequest("GET", "/ok", nil)
	req.Header.Set("X-Request-Id", "bad id with spaces")
	r.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("X-Request-Id") == "bad id with spaces" || w.Header().Get("X-Request-Id") == "" {
		t.Errorf("after a panic: %d, id %q", w.Code, w.Header().Get("X-Request-Id"))
	}
}

func TestAppendMillisIsShortestFloat(t *testing.T) {
	values := []int64{0, 1, 10, 100, 999, 1000, 1001, 1500, 123456789, -250, 1 << 40}
	for us := int64(0); us < 5000; us += 7 {
		values = append(values, us)
	}
	for _, us := range values {
		want := strconv.FormatFloat(float64(us)/1000, 'f', -1, 64)
		if got := string(appendMillis(nil, us)); got != want {
			t.Errorf("appendMillis(%d) = %s, want %s", us, got, want)
		}
	}
}

func BenchmarkAccessLogLine(b *testing.B) {
	l := NewAccessLog(io.Discard, false)
	end := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		l.write(end, 655*time.Microsecond, netip.MustParseAddr("192.0.2.7"), "GET", "/feeds/REDACTED", 200, 15820, "0340b5df9255-2xquy")
	}
}

// The server's log output is a logbuf.Writer, which the access log formats into in place:
// the lines are the ones any other writer gets, a long one included.
func TestAccessLogIntoLogbuf(t *testing.T) {
	var plain, buffered bytes.Buffer
	lb := logbuf.New(&buffered, time.Hour)
	direct, inPlace := NewAccessLog(&plain, false), NewAccessLog(lb, false)
	if inPlace.lines == nil {
		t.Fatal("a logbuf.Writer is not written in place")
	}
	jsonPlain, jsonInPlace := NewAccessLog(&plain, true), NewAccessLog(lb, true)
	end := time.Date(2024, 10, 23, 15, 30, 5, 7_500_000, time.UTC)
	for i, path := range []string{"/events/p99conf-24", "/a b", "/" + strings.Repeat("ü", 40<<10), "/feeds/REDACTED"} {
		at := end.Add(time.Duration(i) * 700 * time.Millisecond)
		for _, l := range []*AccessLog{direct, inPlace, jsonPlain, jsonInPlace} {
			l.write(at, 1500*time.Microsecond, netip.MustParseAddr("192.0.2.7"), "GET", path, 200, 1234, "id-"+strconv.Itoa(i))
		}
	}
	lb.Close()
	if buffered.String() != plain.String() {
		t.Errorf("in place:\n%.300s\nwant:\n%.300s", buffered.String(), plain.String())
	}
	if n := strings.Count(plain.String(), "\n"); n != 8 {
		t.Errorf("%d lines, want 8", n)
	}
}
