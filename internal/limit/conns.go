package limit

import (
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Listener caps the connections open from one client address. A connection past the cap
// is answered 429 and closed; a trusted proxy's connections, which carry many clients,
// are not capped.
type Listener struct {
	net.Listener
	Max     int
	Trusted []netip.Prefix
	mu      sync.Mutex
	open    map[netip.Addr]int // only clients with connections open
}

// Accept returns the next connection within the cap.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.Max <= 0 || Trusted(c.RemoteAddr().String(), l.Trusted) {
			return c, nil
		}
		a := Client(c.RemoteAddr().String(), nil, nil)
		l.mu.Lock()
		if l.open == nil {
			l.open = make(map[netip.Addr]int)
		}
		n := l.open[a]
		if n < l.Max {
			l.open[a] = n + 1
		}
		l.mu.Unlock()
		if n >= l.Max {
			go refuse(c, l.Max)
			continue
		}
		return &counted{Conn: c, l: l, a: a}, nil
	}
}

// Open is how many connections are open from a client.
func (l *Listener) Open(a netip.Addr) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[a]
}

func (l *Listener) closed(a netip.Addr) {
	l.mu.Lock()
	if l.open[a]--; l.open[a] <= 0 {
		delete(l.open, a)
	}
	l.mu.Unlock()
}

type counted struct {
	net.Conn
	l    *Listener
	a    netip.Addr
	once sync.Once
}

func (c *counted) Close() error {
	c.once.Do(func() { c.l.closed(c.a) })
	return c.Conn.Close()
}

// refuse answers a connection past the cap without reading its request.
func refuse(c net.Conn, max int) {
	body := `{"error":{"code":"too_many_connections","message":"more than ` + strconv.Itoa(max) + ` connections open from this address; close some and retry"}}`
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.Write([]byte("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n" +
		"Retry-After: 5\r\nConnection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body))
	c.Close()
}
