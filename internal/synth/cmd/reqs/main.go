// Command reqs sends exactly N GET requests to a URL over C keep-alive connections and
// fails on an error or on a status other than 200 or 304. Instruction counts
// (scripts/instrcount.sh) divide by the number of requests, which a load generator bounded
// in time (wrk) would make different on every run. It asks loopback addresses only.
//
//	reqs -url http://127.0.0.1:8080/events/p99conf-24 -n 10000 -c 8 -H 'Accept-Encoding: gzip'
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, "; ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	target := flag.String("url", "", "URL to ask (loopback)")
	n := flag.Int("n", 1000, "requests in all")
	c := flag.Int("c", 8, "connections")
	var hs headers
	flag.Var(&hs, "H", "request header \"Name: value\" (repeatable)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" && u.Hostname() != "localhost") {
		log.Fatalf("reqs: %q: want a loopback URL", *target)
	}
	if *c < 1 || *n < *c {
		log.Fatal("reqs: want -n ≥ -c ≥ 1")
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *c, DisableCompression: true}}
	var wg sync.WaitGroup
	errs := make(chan error, *c)
	for w := range *c {
		count := *n / *c
		if w < *n%*c {
			count++
		}
		wg.Go(func() {
			for range count {
				if err := get(client, *target, hs); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		log.Fatal("reqs: ", err)
	}
}

func get(client *http.Client, target string, hs headers) error {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	for _, h := range hs {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("header %q: want \"Name: value\"", h)
		}
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
		return fmt.Errorf("%s: %s", target, resp.Status)
	}
	return nil
}
