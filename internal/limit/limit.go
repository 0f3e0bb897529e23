// Package limit holds what keeps one client from taking the service for itself: token
// buckets per client address with a bound on how many clients they remember, a cap on open
// connections per client, gates that shed work past what the machine can do, and the
// reading of a client's address behind trusted proxies.
package limit

import (
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Client is the address a request is counted against: the peer, or, when the peer is a
// trusted proxy, the right-most X-Forwarded-For hop that is not trusted (the left-most if
// all are). Hops to the left of that one were written by the client and prove nothing.
// An IPv6 address stands for its /64, which one host is commonly given whole.
func Client(remoteAddr string, forwarded []string, trusted []netip.Prefix) netip.Addr {
	peer := parseHost(remoteAddr)
	if !peer.IsValid() || len(forwarded) == 0 || !contains(trusted, peer) {
		return key(peer)
	}
	client := peer
	for i := len(forwarded) - 1; i >= 0; i-- {
		hops := strings.Split(forwarded[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a := parseHost(strings.TrimSpace(hops[j]))
			if !a.IsValid() {
				return key(client) // garbage: the last hop known is the proxy that passed it on
			}
			client = a
			if !contains(trusted, a) {
				return key(a)
			}
		}
	}
	return key(client)
}

// parseHost reads "1.2.3.4", "1.2.3.4:5", "[::1]:5" or "::1".
func parseHost(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

func contains(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Trusted reports whether a peer address is one of the trusted proxies.
func Trusted(remoteAddr string, trusted []netip.Prefix) bool {
	return len(trusted) > 0 && contains(trusted, parseHost(remoteAddr))
}

func key(a netip.Addr) netip.Addr {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// Rate is a token bucket: Burst at once, refilled at PerSecond.
type Rate struct {
	PerSecond float64
	Burst     int
}

// PerHour is a bucket of n, refilled at n an hour: at most n at once, n an hour sustained.
func PerHour(n int) Rate { return Rate{PerSecond: float64(n) / 3600, Burst: n} }

// Keyed is a token bucket per client. It remembers at most max clients: a client whose
// bucket has filled up again is forgotten without loss (a new bucket is the same), and when
// every remembered client is still drawing, one of them chosen at random is forgotten to
// make room, so that no number of addresses can grow memory or lock new clients out.
type Keyed struct {
	rate    Rate
	max     int
	refill  time.Duration // time for an empty bucket to fill
	mu      sync.Mutex
	clients map[netip.Addr]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

// NewKeyed returns a bucket per client of r, for at most max clients.
func NewKeyed(r Rate, max int) *Keyed {
	refill := time.Duration(math.MaxInt64)
	if r.PerSecond > 0 {
		refill = time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second))
	}
	return &Keyed{rate: r, max: max, refill: refill, clients: make(map[netip.Addr]*bucket)}
}

// Allow takes a token for client at now; when there is none it says how long until there
// is one.
func (k *Keyed) Allow(client netip.Addr, now time.Time) (bool, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.clients[client]
	if b == nil {
		if len(k.clients) >= k.max {
			k.makeRoom(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Limit(k.rate.PerSecond), k.rate.Burst)}
		k.clients[client] = b
	}
	b.last = now
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Hour
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// makeRoom forgets the clients whose buckets are full again (at most once a second, as it
// reads them all), else one at random.
func (k *Keyed) makeRoom(now time.Time) {
	if now.Sub(k.swept) >= time.Second {
		k.swept = now
		for a, b := range k.clients {
			if now.Sub(b.last) >= k.refill {
				delete(k.clients, a)
			}
		}
	}
	for a := range k.clients {
		if len(k.clients) < k.max {
			return
		}
		delete(k.clients, a)
	}
}

// Len is how many clients are remembered.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.clients)
}
