package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// requestIDOf returns the id requestID gave the request.
func requestIDOf(c *gin.Context) string {
	if v := c.Writer.Header()["X-Request-Id"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// frame is the one middleware every request passes: it takes a sane X-Request-Id from the
// client or proxy or makes one (a random per-process prefix and a counter: unique, and cheap
// on the hot path) and echoes it, turns a panic into a 500 logged once, and writes the
// access log line and the request metrics. One frame instead of a chain of three: on the feed path, which serves
// calendar clients polling all day, each layer showed in the load run.
func frame(log *slog.Logger, access *AccessLog, metrics *Metrics) gin.HandlerFunc {
	b := make([]byte, 6)
	rand.Read(b)
	prefix := hex.EncodeToString(b) + "-"
	var n atomic.Uint64
	return func(c *gin.Context) {
		start := time.Now()
		id := c.Request.Header.Get("X-Request-Id")
		if id == "" || !requestIDPattern.MatchString(id) {
			id = prefix + strconv.FormatUint(n.Add(1), 36)
		}
		c.Writer.Header()["X-Request-Id"] = []string{id}
		defer func() {
			if err := recover(); err != nil {
				if err == http.ErrAbortHandler {
					panic(err)
				}
				log.Error("panic", "route", c.FullPath(), "request_id", id, "err", err, "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": errorJSON{Code: "internal", Message: "internal error"}})
				}
			}
			if access != nil {
				access.write(start, c.Request.Method, maskPath(c.Request.URL.Path), c.Writer.Status(), c.Writer.Size(), id)
			}
			metrics.observe(c.FullPath(), c.Request.Method, c.Writer.Status(), time.Since(start))
		}()
		c.Next()
	}
}

// maskPath hides tokens that travel in the path, so the access log never holds one. Edit
// tokens travel only in the Authorization header, which is never logged.
func maskPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/feeds/")
	if !ok {
		return p
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return "/feeds/REDACTED" + rest[i:]
	}
	return "/feeds/REDACTED"
}

// cors lets any page read the public API and send token-bearing writes, never with
// credentials: nothing uses cookies, so "*" exposes nothing a page could not fetch itself.
// It runs before routing decides, so it also answers preflights and 404s. Feeds and pages
// are fetched by calendar apps and browsers directly, so they go without: every header
// costs on the hottest path.
func cors() gin.HandlerFunc {
	// Shared, never modified: the server only reads header values.
	anyOrigin, exposed := []string{"*"}, []string{"ETag, Last-Modified, X-Request-Id"}
	return func(c *gin.Context) {
		if !strings.HasPrefix(c.Request.URL.Path, "/api/") {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h["Access-Control-Allow-Origin"] = anyOrigin
		h["Access-Control-Expose-Headers"] = exposed
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match")
			h.Set("Access-Control-Max-Age", "86400")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}
