package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// serve keeps /metrics off the public port, answers an oversized header block with 431,
// and caps the connections one client holds open (default limits).
func TestServeBoundsHeadersConnectionsAndMetrics(t *testing.T) {
	addr, metrics := freeAddr(t), freeAddr(t)
	vars := map[string]string{"CONFCAL_DATA_DIR": t.TempDir(), "CONFCAL_ADDR": addr, "CONFCAL_METRICS_ADDR": metrics, "CONFCAL_ACCESS_LOG": "false"}
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Go(func() {
		if err := run(ctx, []string{"serve"}, env(vars), io.Discard, io.Discard); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	url := "http://" + addr
	waitFor(t, 10*time.Second, func() bool { return get(url+"/readyz") == http.StatusOK })
	if code := get(url + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the service's port: %d", code)
	}
	if body := fetch(t, "http://"+metrics+"/metrics"); !strings.Contains(body, "confcal_http_requests_total") {
		t.Errorf("metrics listener: %.200s", body)
	}
	header := func(n int) int {
		req, _ := http.NewRequest("GET", url+"/events/p99conf-24/calendar.ics", nil)
		req.Header.Set("User-Agent", strings.Repeat("x", n))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := header(10 << 10); code != http.StatusOK {
		t.Errorf("10 KiB of headers: %d", code)
	}
	if code := header(24 << 10); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("24 KiB of headers: %d, want 431", code)
	}
	// 256 idle connections from one address are held; the next is answered 429.
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 256 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	time.Sleep(100 * time.Millisecond) // the server has accepted them all
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "too_many_connections") {
		t.Errorf("connection 257: %d %v %s", res.StatusCode, res.Header, body)
	}
}
