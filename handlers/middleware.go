package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "request_id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a sane X-Request-Id from the client or proxy, or makes one, and echoes it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if !requestIDPattern.MatchString(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

// feedPath matches the secret part of a personal feed URL.
var feedPath = regexp.MustCompile(`^/feeds/[^/]+`)

// maskPath hides tokens that travel in the path, so the access log never holds one. Edit
// tokens travel only in the Authorization header, which is never logged.
func maskPath(p string) string {
	if strings.HasPrefix(p, "/feeds/") {
		return feedPath.ReplaceAllString(p, "/feeds/REDACTED")
	}
	return p
}

// accessLog writes one line per request. Query strings are left out: they are filters, not
// needed to follow traffic, and keeping them out keeps anything secret a client put there.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", maskPath(c.Request.URL.Path)),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("request_id", c.GetString(requestIDKey)),
		)
	}
}

// recovery turns a panic into a 500 and logs it once.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		log.Error("panic", "route", c.FullPath(), "request_id", c.GetString(requestIDKey), "err", err)
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": errorJSON{Code: "internal", Message: "internal error"}})
	})
}

// cors lets any page read the public API and feeds and send token-bearing writes, never
// with credentials: nothing uses cookies, so "*" exposes nothing a page could not fetch
// itself. It runs before routing decides, so it also answers preflights for any path.
func cors() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified, X-Request-Id")
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
