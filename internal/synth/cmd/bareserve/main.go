// Command bareserve is the floor for load runs: a bare net/http server that answers each
// path /NAME with the body in DIR/NAME and the headers recorded in DIR/NAME.h (as curl -D
// writes them), from memory, with no routing, logging or metrics. A request carrying the
// recorded ETag in If-None-Match gets 304. It listens on 127.0.0.1 only.
//
//	bareserve -addr 127.0.0.1:8081 -dir DIR NAME...
package main

import (
	"bufio"
	"bytes"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

type response struct {
	header http.Header
	body   []byte
	etag   string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address (loopback)")
	dir := flag.String("dir", ".", "directory of NAME and NAME.h files")
	flag.Parse()
	responses := map[string]*response{}
	for _, name := range flag.Args() {
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
		responses["/"+name] = r
	}
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		log.Fatal("bareserve listens on 127.0.0.1 only")
	}
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
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
		w.Write(r.body)
	})))
}
