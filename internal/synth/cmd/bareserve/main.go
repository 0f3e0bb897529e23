// Command bareserve is the floor for load runs: a bare net/http server that answers each
// path /NAME (or the PATH given as NAME=PATH, so that a request is the one confcal gets,
// as the request line costs by its length) with the body in DIR/NAME and the headers
// recorded in DIR/NAME.h (as curl -D writes them), from memory, with no routing, logging
// or metrics. A request carrying the recorded ETag in If-None-Match gets 304. Its
// http.Server is set up as confcal serve's is (header limit and read, write and idle
// timeouts, which a server on the open internet needs, and which cost a timer per
// request); -timeouts=false leaves net/http's defaults. It listens on 127.0.0.1 only.
// -spin N adds N rounds of register-only arithmetic to every request (its cost is printed
// at start): a difference of known size, to see how a load method reads one.
//
//	bareserve -addr 127.0.0.1:8081 -dir DIR NAME[=PATH]...
package main

import (
	"bufio"
	"bytes"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type response struct {
	header http.Header
	body   []byte
	etag   string
	length []string // Content-Length, sent with the body as confcal sends it
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address (loopback)")
	dir := flag.String("dir", ".", "directory of NAME and NAME.h files")
	timeouts := flag.Bool("timeouts", true, "the http.Server settings of confcal serve (cmd/confcal/serve.go)")
	rounds := flag.Int("spin", 0, "rounds of register-only arithmetic added to every request")
	flag.Parse()
	responses := map[string]*response{}
	for _, arg := range flag.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok {
			path = "/" + name
		}
		body, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			log.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(*dir, name+".h"))
		if err != nil {
			log.Fatal(err)
		}
		r := &response{header: http.Header{}, body: body}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			k, v, ok := strings.Cut(strings.TrimRight(sc.Text(), "\r"), ": ")
			if !ok || k == "Date" || k == "Content-Length" || strings.HasPrefix(k, "HTTP/") {
				continue
			}
			r.header[http.CanonicalHeaderKey(k)] = []string{v}
		}
		r.etag = r.header.Get("Etag")
		r.length = []string{strconv.Itoa(len(body))}
		if old := responses[path]; old != nil && !bytes.Equal(old.body, body) {
			log.Fatalf("bareserve: two bodies for %s", path)
		}
		responses[path] = r
	}
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		log.Fatal("bareserve listens on 127.0.0.1 only")
	}
	if *rounds > 0 {
		const runs = 20000
		t := time.Now()
		for range runs {
			spin(*rounds)
		}
		log.Printf("bareserve: -spin %d costs %.0f ns a request", *rounds, float64(time.Since(t).Nanoseconds())/runs)
	}
	srv := &http.Server{Addr: *addr}
	if *timeouts {
		srv.MaxHeaderBytes = 16 << 10
		srv.ReadHeaderTimeout, srv.ReadTimeout = 5*time.Second, 15*time.Second
		srv.WriteTimeout, srv.IdleTimeout = 30*time.Second, 120*time.Second
	}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if *rounds > 0 {
			spin(*rounds)
		}
		r := responses[req.URL.Path]
		if r == nil {
			http.NotFound(w, req)
			return
		}
		h := w.Header()
		for k, v := range r.header {
			h[k] = v
		}
		if inm := req.Header["If-None-Match"]; len(inm) > 0 && inm[0] == r.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h["Content-Length"] = r.length
		w.Write(r.body)
	})
	log.Fatal(srv.ListenAndServe())
}

// sink keeps spin's result, so that the compiler cannot leave the arithmetic out.
var sink uint64

// spin runs n rounds of xorshift: CPU time that touches no memory.
func spin(n int) {
	x := sink | 1
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	sink = x
}
