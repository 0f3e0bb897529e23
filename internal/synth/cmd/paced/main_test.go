package main

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Against a real server: every request due is sent once, with the headers asked for, and
// read to its end whatever the body's length; a 304 has none.
func TestRunAnswersEveryRequestDue(t *testing.T) {
	var got, withHeader atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := got.Add(1)
		if r.Header.Get("Accept-Encoding") == "gzip" {
			withHeader.Add(1)
		}
		if n%3 == 0 {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := strings.Repeat("x", int(n%5)*20000) // past the reader's buffer
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write([]byte(body))
	}))
	defer srv.Close()
	tg, err := newTarget(srv.URL+"/feeds/x.ics?download=1", headers{"Accept-Encoding: gzip"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	start := time.Now()
	done := make(chan struct{})
	for range 4 {
		go func() { tg.run(start, 5*time.Millisecond, n, start.Add(10*time.Second)); done <- struct{}{} }()
	}
	for range 4 {
		<-done
	}
	if tg.errs != 0 || len(tg.took) != n || got.Load() != n || withHeader.Load() != n {
		t.Fatalf("errors %d (%v), answered %d, server got %d (%d with the header); want %d each",
			tg.errs, tg.firstErr, len(tg.took), got.Load(), withHeader.Load(), n)
	}
	if tg.status[304] != n/3 || tg.status[200] != n-n/3 {
		t.Errorf("statuses %v", tg.status)
	}
	// Offered at 200 a second, the last was due at 295 ms: the run took about that.
	if d := time.Since(start); d < 290*time.Millisecond {
		t.Errorf("60 requests at 200/s took %v; want them paced", d)
	}
}

func TestReadResponse(t *testing.T) {
	for _, c := range []struct {
		in   string
		code int
		err  string
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcNEXT", 200, ""},
		{"HTTP/1.1 304 Not Modified\r\nEtag: \"x\"\r\n\r\nNEXT", 304, ""},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0, "chunked"},
		{"SSH-2.0-OpenSSH\r\n", 0, "status line"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, "EOF"},
	} {
		r := bufio.NewReader(strings.NewReader(c.in))
		code, err := readResponse(r)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %d, %v; want an error with %q", c.in, code, err, c.err)
			}
			continue
		}
		if err != nil || code != c.code {
			t.Errorf("%q: %d, %v; want %d", c.in, code, err, c.code)
		}
		if rest, _ := r.ReadString(0); rest != "NEXT" {
			t.Errorf("%q: left %q unread, want the next response's bytes only", c.in, rest)
		}
	}
}

func TestNewTargetAsksLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://example.com/", "https://127.0.0.1/", "127.0.0.1:80"} {
		if _, err := newTarget(u, nil); err == nil {
			t.Errorf("%s: no error", u)
		}
	}
	tg, err := newTarget("http://127.0.0.1:8080/a?b=c", headers{"X-A: 1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: paced\r\nX-A: 1\r\n\r\n"; string(tg.request) != want {
		t.Errorf("request %q, want %q", tg.request, want)
	}
}
