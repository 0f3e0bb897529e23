// Command paced offers GET requests at a fixed rate (open loop) to one or more URLs at the
// same time, each URL over its own keep-alive connections, for a bounded time, and prints
// per URL what was sent and answered and the latency from when each request was due. Two
// servers loaded by one paced run see the same arrivals, whichever is slower: their CPU per
// request (read from outside, e.g. /proc/PID/task/*/schedstat) compares without the
// feedback of a closed-loop generator such as wrk, where a slower server also gets its
// requests in larger batches. Request i of a URL is due at start + i/rate and is sent on
// the first of its connections that is free; a request that could not be sent on time is
// still timed from when it was due, so a server that falls behind shows it in the latency.
// It speaks just enough HTTP/1.1 for that (a response with Content-Length, as cached
// responses are), which costs the generator a fraction of a client library's CPU. It asks
// loopback addresses only.
//
//	paced -rate 8000 -c 32 -for 5s -H 'Accept-Encoding: gzip' http://127.0.0.1:8080/widget.js http://127.0.0.1:8081/widget.js
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, "; ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

// target is one URL's requests: the bytes of its request, the next index due, and what
// its connections recorded.
type target struct {
	url      string
	addr     string
	request  []byte
	next     atomic.Int64
	mu       sync.Mutex
	took     []time.Duration // latency from due time, of each answered request
	errs     int
	firstErr error
	status   map[int]int
}

func main() {
	rate := flag.Float64("rate", 1000, "requests per second offered to each URL")
	conns := flag.Int("c", 32, "connections per URL")
	dur := flag.Duration("for", 5*time.Second, "how long requests are offered (at most 10m)")
	var hs headers
	flag.Var(&hs, "H", "request header \"Name: value\" (repeatable)")
	flag.Parse()
	if flag.NArg() == 0 || *rate <= 0 || *conns < 1 || *dur <= 0 || *dur > 10*time.Minute {
		log.Fatal("paced: want -rate > 0, -c ≥ 1, 0 < -for ≤ 10m and one URL or more")
	}
	var targets []*target
	for _, raw := range flag.Args() {
		t, err := newTarget(raw, hs)
		if err != nil {
			log.Fatal("paced: ", err)
		}
		targets = append(targets, t)
	}
	every := time.Duration(float64(time.Second) / *rate)
	n := int64(*dur / every)
	start := time.Now().Add(100 * time.Millisecond) // time to open the connections
	// Bounded in time whatever the servers do: a connection gives up at the deadline.
	deadline := start.Add(*dur + 5*time.Second)
	var wg sync.WaitGroup
	for _, t := range targets {
		for range *conns {
			wg.Go(func() { t.run(start, every, n, deadline) })
		}
	}
	wg.Wait()
	failed := false
	fmt.Printf("| URL | due | answered | errors | statuses | p50 | p99 | p99.9 | max |\n| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n")
	for _, t := range targets {
		slices.Sort(t.took)
		var codes []string
		for code, k := range t.status {
			codes = append(codes, fmt.Sprintf("%d×%d", k, code))
		}
		slices.Sort(codes)
		fmt.Printf("| %s | %d | %d | %d | %s | %s | %s | %s | %s |\n", t.url, n, len(t.took), t.errs,
			strings.Join(codes, " "), pct(t.took, 0.5), pct(t.took, 0.99), pct(t.took, 0.999), pct(t.took, 1))
		if t.errs > 0 || int64(len(t.took)) != n {
			failed = true
			if t.firstErr != nil {
				fmt.Fprintf(os.Stderr, "paced: %s: %v\n", t.url, t.firstErr)
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}

func newTarget(raw string, hs headers) (*target, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return nil, fmt.Errorf("%q: want an http:// URL", raw)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "::1" && h != "localhost" {
		return nil, fmt.Errorf("%q: want a loopback URL", raw)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: paced\r\n", u.RequestURI(), u.Host)
	for _, h := range hs {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return nil, fmt.Errorf("header %q: want \"Name: value\"", h)
		}
		fmt.Fprintf(&b, "%s: %s\r\n", strings.TrimSpace(k), strings.TrimSpace(v))
	}
	b.WriteString("\r\n")
	return &target{url: raw, addr: net.JoinHostPort(u.Hostname(), port), request: b.Bytes(), status: map[int]int{}}, nil
}

// run is one connection: it takes the next request due, waits for its time, sends it and
// reads the answer, until n requests of the target were taken or the deadline passed.
func (t *target) run(start time.Time, every time.Duration, n int64, deadline time.Time) {
	c, err := net.DialTimeout("tcp", t.addr, 5*time.Second)
	if err != nil {
		t.fail(err) // its requests go unanswered, which main counts too
		return
	}
	defer c.Close()
	c.SetDeadline(deadline)
	r := bufio.NewReaderSize(c, 32<<10)
	took := make([]time.Duration, 0, 1024)
	status := map[int]int{}
	defer func() {
		t.mu.Lock()
		t.took = append(t.took, took...)
		for code, k := range status {
			t.status[code] += k
		}
		t.mu.Unlock()
	}()
	for {
		i := t.next.Add(1) - 1
		if i >= n {
			return
		}
		due := start.Add(time.Duration(i) * every)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		if _, err := c.Write(t.request); err != nil {
			t.fail(err)
			return
		}
		code, err := readResponse(r)
		if err != nil {
			t.fail(err)
			return
		}
		took = append(took, time.Since(due))
		status[code]++
		if code != 200 && code != 304 {
			t.fail(fmt.Errorf("status %d", code))
		}
	}
}

func (t *target) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs++
	if t.firstErr == nil {
		t.firstErr = err
	}
}

// readResponse reads one response, status line to the end of its body, and returns its
// status. A body must come with Content-Length (or there is none: 304, HEAD).
func readResponse(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK"
	f := strings.Fields(string(line))
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return 0, fmt.Errorf("status line %q", line)
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, fmt.Errorf("status line %q", line)
	}
	length := int64(0)
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			length, err = strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			if err != nil || length < 0 {
				return 0, fmt.Errorf("Content-Length %q", v)
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			return 0, errors.New("a chunked body: paced reads Content-Length only")
		}
	}
	if code == 304 || code == 204 {
		return code, nil
	}
	if _, err := r.Discard(int(length)); err != nil {
		return 0, err
	}
	return code, nil
}

func pct(sorted []time.Duration, q float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	d := sorted[i]
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}
