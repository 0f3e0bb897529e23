// Command writerun measures schedule writes through a running confcal: clients, each with
// its own connection, write as fast as they are answered (closed loop) for a bounded time,
// mostly stars and unstars, with a replace every tenth and a creation every fiftieth. It
// prints per kind the count, throughput and latency percentiles; each client's first
// creation, its setup, is not counted. Run confcal with --limits=off: the point is the
// store, not the abuse limits.
//
//	writerun -url http://127.0.0.1:8080 -event synth -clients 8 -for 10s
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "confcal's URL")
	event := flag.String("event", "synth", "event whose sessions are starred (session-1 … session-N)")
	clients := flag.Int("clients", 8, "concurrent clients")
	dur := flag.Duration("for", 10*time.Second, "how long to run")
	rate := flag.Float64("rate", 0, "writes per second from all clients together, each write timed from when it was due (0: each client writes as soon as answered)")
	trace := flag.String("trace", "", "file to write each timed write to, a line each: start (Unix µs), kind, latency (µs), ok")
	flag.Parse()
	type result struct {
		kind  string
		start time.Time
		d     time.Duration
		ok    bool
	}
	var mu sync.Mutex
	var results []result
	var wg sync.WaitGroup
	stop := time.Now().Add(*dur)
	for c := range *clients {
		wg.Go(func() {
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 10 * time.Second}
			// At a fixed rate, each write is due at its time and timed from then, so a write
			// held up delays the ones behind it and their wait counts.
			var due time.Time
			var every time.Duration
			if *rate > 0 {
				every = time.Duration(float64(*clients) / *rate * float64(time.Second))
				due = time.Now().Add(time.Duration(c) * every / time.Duration(*clients))
			}
			do := func(method, path, body, token string, want int) ([]byte, time.Time, time.Duration, bool) {
				req, _ := http.NewRequest(method, *base+path, strings.NewReader(body))
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				start := time.Now()
				if every > 0 {
					time.Sleep(time.Until(due))
					start, due = due, due.Add(every)
				}
				res, err := hc.Do(req)
				if err != nil {
					return nil, start, time.Since(start), false
				}
				data, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return data, start, time.Since(start), res.StatusCode == want
			}
			create := func(timed bool) (string, string) {
				data, start, d, ok := do("POST", "/api/v1/events/"+*event+"/schedules", `{"sessions":["session-1"]}`, "", http.StatusCreated)
				if timed {
					mu.Lock()
					results = append(results, result{"create", start, d, ok})
					mu.Unlock()
				}
				var sc struct{ ID, EditToken string }
				json.Unmarshal(data, &sc)
				return sc.ID, sc.EditToken
			}
			// A client's first creation is its setup: all clients send it at once, on
			// new connections, so it is not part of the load and not timed (at 1,000/s
			// those 8 of ~200 creations were the creations' p99).
			id, token := create(false)
			if id == "" {
				log.Fatal("create failed: is confcal running, with the event?")
			}
			for i := 0; time.Now().Before(stop); i++ {
				var kind string
				var start time.Time
				var d time.Duration
				var ok bool
				session := fmt.Sprintf("session-%d", 2+(c*7+i)%20)
				switch {
				case i%50 == 49:
					create(true)
					continue
				case i%10 == 9:
					kind = "replace"
					_, start, d, ok = do("PUT", "/api/v1/schedules/"+id, `{"sessions":["session-1","`+session+`"],"reminderMinutes":10}`, token, http.StatusOK)
				case i%2 == 0:
					kind = "star"
					_, start, d, ok = do("PUT", "/api/v1/schedules/"+id+"/sessions/"+session, "", token, http.StatusOK)
				default:
					kind = "unstar"
					_, start, d, ok = do("DELETE", "/api/v1/schedules/"+id+"/sessions/"+session, "", token, http.StatusOK)
				}
				mu.Lock()
				results = append(results, result{kind, start, d, ok})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if *trace != "" {
		var b strings.Builder
		for _, r := range results {
			fmt.Fprintf(&b, "%d %s %d %t\n", r.start.UnixMicro(), r.kind, r.d.Microseconds(), r.ok)
		}
		if err := os.WriteFile(*trace, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	loop := "closed loop"
	if *rate > 0 {
		loop = fmt.Sprintf("%.0f writes/s offered", *rate)
	}
	fmt.Printf("%d clients, %s, %s\n\n| write | count | failed | per second | p50 | p99 | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n", *clients, loop, *dur)
	for _, kind := range []string{"star", "unstar", "replace", "create", "all"} {
		var ds []time.Duration
		failed := 0
		for _, r := range results {
			if r.kind == kind || kind == "all" {
				ds = append(ds, r.d)
				if !r.ok {
					failed++
				}
			}
		}
		slices.Sort(ds)
		if len(ds) == 0 {
			continue
		}
		at := func(p int) string {
			return fmt.Sprintf("%.2f ms", float64(ds[min(len(ds)-1, len(ds)*p/100)].Microseconds())/1000)
		}
		fmt.Printf("| %s | %d | %d | %.0f | %s | %s | %s |\n", kind, len(ds), failed, float64(len(ds))/dur.Seconds(), at(50), at(99), at(100))
	}
}
