// Command bareserve is the baseline of the feed load run: a bare net/http handler that
// writes one file's bytes from memory with Content-Type and Content-Length, and with
// -headers FILE also every header listed there (as "Name: value" lines, e.g. the headers of
// a real feed response), so that it writes the same bytes on the wire.
//
//	go run ./internal/synth/cmd/bareserve -addr 127.0.0.1:18081 -file feed.ics [-headers h.txt]
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address (keep it on loopback)")
	file := flag.String("file", "", "file to serve")
	headers := flag.String("headers", "", "file of extra response headers, one \"Name: value\" a line")
	flag.Parse()
	data, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	extra := http.Header{}
	if *headers != "" {
		raw, err := os.ReadFile(*headers)
		if err != nil {
			log.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
			switch strings.ToLower(name) {
			case "", "date", "content-length", "content-type":
				continue
			}
			if ok {
				extra[http.CanonicalHeaderKey(name)] = []string{strings.TrimSpace(value)}
			}
		}
	}
	length := strconv.Itoa(len(data))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/calendar; charset=utf-8"}
		h["Content-Length"] = []string{length}
		for k, v := range extra {
			h[k] = v
		}
		w.Write(data)
	})))
}
