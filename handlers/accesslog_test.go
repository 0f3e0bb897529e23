package handlers

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestAccessLogLines(t *testing.T) {
	var buf bytes.Buffer
	start := time.Now().Add(-1500 * time.Microsecond)
	NewAccessLog(&buf, true).write(start, "GET", "/events/\"we ird\"\n\u2028ü", 200, 1234, "id-1")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("JSON line %q: %v", buf.String(), err)
	}
	if rec["path"] != "/events/\"we ird\"\n\u2028ü" || rec["status"] != float64(200) || rec["msg"] != "request" || rec["request_id"] != "id-1" {
		t.Errorf("JSON record = %v", rec)
	}
	if d := rec["duration_ms"].(float64); d < 1.5 {
		t.Errorf("duration_ms = %v", d)
	}
	buf.Reset()
	NewAccessLog(&buf, false).write(start, "GET", "/a b", 404, -1, "x")
	line := buf.String()
	if !strings.Contains(line, ` level=INFO msg=request method=GET path="/a b" status=404 bytes=0 duration_ms=`) || !strings.HasSuffix(line, " request_id=x\n") {
		t.Errorf("text line = %q", line)
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
	r.Use(frame(slog.New(slog.NewTextHandler(&logs, nil)), NewAccessLog(&access, false), nil))
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
