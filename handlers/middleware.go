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

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// framer is what every request passes through, whichever way it is routed: it takes a sane
// X-Request-Id from the client or proxy or makes one (a random per-process prefix and a
// counter: unique, and cheap on the hot path) and echoes it, turns a panic into a 500
// logged once, and writes the access log line and the request metrics.
type framer struct {
	log     *slog.Logger
	access  *AccessLog
	metrics *Metrics
	limits  *limiters // for the client address
	prefix  string
	n       atomic.Uint64
}

func newFramer(log *slog.Logger, access *AccessLog, metrics *Metrics, limits *limiters) *framer {
	b := make([]byte, 6)
	rand.Read(b)
	return &framer{log: log, access: access, metrics: metrics, limits: limits, prefix: hex.EncodeToString(b) + "-"}
}

// Headers on every response, shared, never modified.
var (
	nosniff     = []string{"nosniff"}
	crossOrigin = []string{"cross-origin"}
	sameOrigin  = []string{"same-origin"}
)

// begin gives the request its id and sets it on the response, with the headers that every
// response carries: nosniff, so that no body is ever read as another type than it says
// (an ICS or JSON body as HTML, say), and a Cross-Origin-Resource-Policy. The agenda is
// public and meant to be embedded, also by pages that send Cross-Origin-Embedder-Policy:
// require-corp (scripts, cards, iframes); what a token opens (personal feeds, schedules,
// the admin API) is same-origin, so no other page can pull it in as a resource.
func (f *framer) begin(r *http.Request, h http.Header) string {
	h["X-Content-Type-Options"] = nosniff
	if p := r.URL.Path; strings.HasPrefix(p, "/feeds/") || strings.HasPrefix(p, "/api/v1/schedules") || strings.HasPrefix(p, "/api/v1/admin") {
		h["Cross-Origin-Resource-Policy"] = sameOrigin
	} else {
		h["Cross-Origin-Resource-Policy"] = crossOrigin
	}
	var id string
	// Incoming header names are canonical; indexing the map skips canonicalizing the key.
	if v := r.Header["X-Request-Id"]; len(v) > 0 {
		id = v[0]
	}
	if id == "" || !requestIDPattern.MatchString(id) {
		var buf [32]byte // one allocation, the string's
		// Hexadecimal: a power of two is formatted with shifts, any other base with a
		// division per digit.
		id = string(strconv.AppendUint(append(buf[:0], f.prefix...), f.n.Add(1), 16))
	}
	h["X-Request-Id"] = []string{id}
	return id
}

// panicked logs a recovered panic; it re-panics http.ErrAbortHandler, which net/http
// handles itself.
func (f *framer) panicked(err any, route, id string) {
	if err == http.ErrAbortHandler {
		panic(err)
	}
	f.log.Error("panic", "route", route, "request_id", id, "err", err, "stack", string(debug.Stack()))
}

// end logs and counts a finished request. route is the route pattern, never the path.
func (f *framer) end(start time.Time, r *http.Request, route string, status, size int, id string) {
	// One reading of the monotonic clock: the line's wall time is start's plus what it took.
	took := time.Since(start)
	end := start.Add(took)
	if f.access != nil {
		f.access.write(end, took, f.limits.client(r), r.Method, maskPath(r.URL.Path), status, size, id)
	}
	f.metrics.observe(route, r.Method, status, took)
}

// frame is the framer as the Gin engine's one middleware. One frame instead of a chain of
// three: on the feed path, which serves calendar clients polling all day, each layer
// showed in the load run.
func frame(f *framer) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		id := f.begin(c.Request, c.Writer.Header())
		defer func() {
			if err := recover(); err != nil {
				f.panicked(err, c.FullPath(), id)
				if !c.Writer.Written() {
					fail(c, f.log, errInternal)
				}
			}
			f.end(start, c.Request, c.FullPath(), c.Writer.Status(), c.Writer.Size(), id)
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

// exposedHeaders is shared, never modified: the server only reads header values.
var exposedHeaders = []string{"ETag, Last-Modified, X-Request-Id"}

// apiCORS sets the headers that let any page read an API response.
func apiCORS(h http.Header) {
	h["Access-Control-Allow-Origin"] = anyOrigin
	h["Access-Control-Expose-Headers"] = exposedHeaders
}

// cors lets any page read the public API and send token-bearing writes, never with
// credentials: nothing uses cookies, so "*" exposes nothing a page could not fetch itself.
// It runs before routing decides, so it also answers preflights and 404s. Feeds and pages
// are fetched by calendar apps and browsers directly, so they go without: every header
// costs on the hottest path.
func cors() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !strings.HasPrefix(c.Request.URL.Path, "/api/") {
			c.Next()
			return
		}
		h := c.Writer.Header()
		apiCORS(h)
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
