package limit

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

func TestClient(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, c := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"192.0.2.1:5", nil, "192.0.2.1"},
		{"192.0.2.1:5", []string{"203.0.113.9"}, "192.0.2.1"}, // untrusted peer: XFF ignored
		{"10.1.2.3:5", nil, "10.1.2.3"},
		{"10.1.2.3:5", []string{"203.0.113.9"}, "203.0.113.9"},
		{"10.1.2.3:5", []string{"1.1.1.1, 203.0.113.9"}, "203.0.113.9"}, // left of the proxy's hop: the client's own words
		{"10.1.2.3:5", []string{"1.1.1.1", "203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"10.1.2.3:5", []string{"10.2.2.2, 10.3.3.3"}, "10.2.2.2"}, // all trusted: the left-most
		{"10.1.2.3:5", []string{"garbage, 10.3.3.3"}, "10.3.3.3"},
		{"10.1.2.3:5", []string{"[2001:db8::7]:443"}, "2001:db8::"},
		{"[::ffff:192.0.2.4]:80", nil, "192.0.2.4"},
		{"[2001:db8:a:b:c:d:e:f]:80", nil, "2001:db8:a:b::"},
		{"[fd00::1]:80", []string{"2001:db8:1::5"}, "2001:db8:1::"},
		{"nonsense", nil, "invalid IP"},
	} {
		if got := Client(c.peer, c.xff, trusted).String(); got != c.want {
			t.Errorf("Client(%q, %q) = %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}

// A Keyed limiter remembers at most max clients whatever number of addresses draw on it.
func TestKeyedStaysBounded(t *testing.T) {
	k := NewKeyed(Rate{PerSecond: 1, Burst: 2}, 100)
	now := time.Unix(1e9, 0)
	for i := range 10_000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if ok, _ := k.Allow(a, now); !ok {
			t.Fatalf("new client %v refused", a)
		}
		if k.Len() > 100 {
			t.Fatalf("%d clients remembered", k.Len())
		}
	}
	a := netip.MustParseAddr("192.0.2.1")
	k.Allow(a, now)
	k.Allow(a, now)
	if ok, wait := k.Allow(a, now); ok || wait != time.Second {
		t.Errorf("third draw: %v, wait %v", ok, wait)
	}
	if ok, _ := k.Allow(a, now.Add(time.Second)); !ok {
		t.Error("refilled bucket refused")
	}
}

func TestGateSheds(t *testing.T) {
	g := NewGate(1, 1, 50*time.Millisecond)
	release, ok := g.Enter(context.Background())
	if !ok {
		t.Fatal("empty gate refused")
	}
	done := make(chan bool)
	go func() { _, ok := g.Enter(context.Background()); done <- ok }() // queues, then times out
	time.Sleep(10 * time.Millisecond)
	if _, ok := g.Enter(context.Background()); ok {
		t.Error("a full queue let one in")
	}
	if <-done {
		t.Error("a waiter got in while the slot was held")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := g.Enter(ctx); ok {
		t.Error("a request whose client had gone got in")
	}
	release()
	if r, ok := g.Enter(context.Background()); !ok {
		t.Error("a freed gate refused")
	} else {
		r()
	}
	if g.Shed.Load() != 3 {
		t.Errorf("shed %d, want 3", g.Shed.Load())
	}
}

// A client past the cap on open connections is answered 429 and closed; closing one lets
// the next in.
func TestListenerCapsConnections(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &Listener{Listener: inner, Max: 3}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })}
	go srv.Serve(ln)
	defer srv.Close()
	var conns []net.Conn
	get := func(c net.Conn) int {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for range 3 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if s := get(c); s != 200 {
			t.Fatalf("connection within the cap: %d", s)
		}
		conns = append(conns, c)
	}
	c, _ := net.Dial("tcp", inner.Addr().String())
	if s := get(c); s != http.StatusTooManyRequests {
		t.Errorf("fourth connection: %d, want 429", s)
	}
	c.Close()
	conns[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for ln.Open(netip.MustParseAddr("127.0.0.1")) != 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	c, _ = net.Dial("tcp", inner.Addr().String())
	defer c.Close()
	if s := get(c); s != 200 {
		t.Errorf("after one closed: %d, want 200 (%s open)", s, strconv.Itoa(ln.Open(netip.MustParseAddr("127.0.0.1"))))
	}
}
