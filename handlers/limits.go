package handlers

import (
	"math"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/limit"
)

// Limits are the abuse limits per client and the bounds on expensive work. The defaults
// are far above what an attendee, or a venue of them behind one address, does: an attendee
// creates a schedule or two and stars a few dozen sessions.
type Limits struct {
	Off bool // no rate limits or caps (load tests; a gateway that limits already)
	// Trusted are the proxies whose X-Forwarded-For names the client.
	Trusted []netip.Prefix
	// Create is the rate of schedule creation per client, CreateHourly its cap per hour.
	Create       limit.Rate
	CreateHourly int
	// Writes is the rate of other schedule requests (read, replace, star, rotate, delete).
	Writes limit.Rate
	// Admin is the rate of admin API calls.
	Admin limit.Rate
	// Conns caps the connections open from one client (enforced by the listener).
	Conns int
	// Clients bounds how many client addresses each limiter remembers.
	Clients int
	// Render bounds page, embed and card renders at once; Database schedule requests at
	// once; both queue a few more for a short while and shed the rest with 503.
	Render, Database int
}

// DefaultLimits are the limits serve starts with.
func DefaultLimits() Limits {
	return Limits{
		Create: limit.Rate{PerSecond: 2, Burst: 20}, CreateHourly: 300,
		Writes:  limit.Rate{PerSecond: 20, Burst: 200},
		Admin:   limit.Rate{PerSecond: 2, Burst: 30},
		Conns:   256,
		Clients: 20_000,
		Render:  max(2, runtime.GOMAXPROCS(0)), Database: 16,
	}
}

// limiters are the buckets and gates built from Limits.
type limiters struct {
	create, hourly, writes, admin *limit.Keyed
	render, database, adminGate   *limit.Gate
	trusted                       []netip.Prefix
	now                           func() time.Time
}

func newLimiters(l Limits) *limiters {
	if l.Clients <= 0 {
		l.Clients = DefaultLimits().Clients
	}
	out := &limiters{trusted: l.Trusted, now: time.Now}
	if l.Render > 0 {
		out.render = limit.NewGate(l.Render, 4*l.Render, 250*time.Millisecond)
	}
	if l.Database > 0 {
		out.database = limit.NewGate(l.Database, 4*l.Database, time.Second)
		out.adminGate = limit.NewGate(2, 8, 10*time.Second) // an upload parses up to --max-document
	}
	if l.Off {
		return out
	}
	keyed := func(r limit.Rate) *limit.Keyed {
		if r.Burst <= 0 {
			return nil // not limited
		}
		return limit.NewKeyed(r, l.Clients)
	}
	out.create, out.hourly = keyed(l.Create), keyed(limit.PerHour(l.CreateHourly))
	out.writes, out.admin = keyed(l.Writes), keyed(l.Admin)
	return out
}

// client is the address a request counts against. It parses RemoteAddr again on every
// request: a peer read once per connection and kept in the request's context cost more,
// as finding it walks four contexts, each in memory of its own (docs/performance.md,
// "Three readings, and a known cost to check them by").
func (l *limiters) client(r *http.Request) netip.Addr {
	var forwarded []string
	if len(l.trusted) > 0 { // X-Forwarded-For counts only from a trusted proxy
		forwarded = r.Header["X-Forwarded-For"]
	}
	return limit.Client(r.RemoteAddr, forwarded, l.trusted)
}

// rate stops a request past a client's bucket with 429; what names the limit.
func (l *limiters) rate(what string, buckets ...*limit.Keyed) gin.HandlerFunc {
	return func(c *gin.Context) {
		client, now := l.client(c.Request), l.now()
		for _, b := range buckets {
			if b == nil {
				continue
			}
			if ok, wait := b.Allow(client, now); !ok {
				tooMany(c, what, wait)
				return
			}
		}
	}
}

// gated runs the rest of the chain inside a gate, or sheds the request with 503.
func gated(g *limit.Gate) gin.HandlerFunc {
	return func(c *gin.Context) {
		if g == nil {
			return
		}
		release, ok := g.Enter(c.Request.Context())
		if !ok {
			shed(c)
			return
		}
		defer release()
		c.Next()
	}
}

// keptOr returns a body that is kept already, or builds it inside the gate: the path of
// every response rendered once per snapshot. nil and no error: the request was shed
// (answered 503, or the client has gone).
func keptOr(c *gin.Context, g *limit.Gate, kept func() (*catalog.Body, bool), build func() (*catalog.Body, error)) (*catalog.Body, error) {
	if b, ok := kept(); ok {
		return b, nil
	}
	release, ok := g.Enter(c.Request.Context())
	if !ok {
		shed(c)
		return nil, nil
	}
	defer release()
	return build()
}

// shed answers a request a gate turned away: 503, or nothing if the client has gone.
func shed(c *gin.Context) {
	if c.Request.Context().Err() != nil {
		c.Abort() // nobody reads an answer
		return
	}
	overloaded(c)
}

func retryAfter(c *gin.Context, d time.Duration) {
	c.Writer.Header()["Retry-After"] = []string{strconv.Itoa(int(math.Ceil(max(d, time.Second).Seconds())))}
}

func tooMany(c *gin.Context, what string, wait time.Duration) {
	retryAfter(c, wait)
	fail(c, nil, &apiError{http.StatusTooManyRequests, "rate_limited",
		"too many " + what + " from this address; retry in " + c.Writer.Header().Get("Retry-After") + " s"})
}

func overloaded(c *gin.Context) {
	retryAfter(c, 2*time.Second)
	fail(c, nil, &apiError{http.StatusServiceUnavailable, "overloaded", "the service is busy; retry in a few seconds"})
}
