// Command soak drives a running confcal at a fixed rate for a bounded time with a mixed
// load from several client addresses on loopback (127.0.0.2, .3, …): event feeds (gzip,
// and revalidations), event JSON, widget.js, each client's personal feed, stars and
// unstars, and a schedule created now and then; beside them one abusive client
// (127.0.0.99) creates schedules as fast as it may. It samples the server's resident
// memory from /proc and prints a Markdown report: per kind of request its count, errors
// and latency percentiles, the abusive client's answers, and memory over time.
//
//	soak -url http://127.0.0.1:8080 -pid PID -for 60s -clients 8 -rate 50 -abuse 400
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confcal/confcal/internal/synth"
)

const event = "p99conf-24"

var sessions = []string{"wenger-rust-io-uring-ktls", "pavlo-databases-and-operating-systems"}

// client is one address with its own connections.
type client struct {
	http      *http.Client
	id, token string // its schedule
	feed      string
	etag      atomic.Value
}

func newClient(ip string) *client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &client{http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, MaxIdleConnsPerHost: 32, MaxConnsPerHost: 64, DisableCompression: true}}}
}

// stats are one kind of request's outcomes.
type stats struct {
	mu    sync.Mutex
	lat   []time.Duration
	codes map[int]int
	errs  int
}

func (s *stats) add(code int, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.codes == nil {
		s.codes = map[int]int{}
	}
	if err != nil {
		s.errs++
		return
	}
	s.codes[code]++
	s.lat = append(s.lat, d)
}

func do(c *client, method, url, body, token string, header ...string) (int, []byte, http.Header, error) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, data, res.Header, err
}

func (c *client) create(base string) (int, error) {
	code, body, _, err := do(c, "POST", base+"/api/v1/events/"+event+"/schedules", `{"sessions":["`+sessions[0]+`"]}`, "")
	if err != nil || code != http.StatusCreated {
		return code, err
	}
	var sc struct{ ID, EditToken, FeedURL string }
	if err := json.Unmarshal(body, &sc); err != nil {
		return code, err
	}
	if c.id == "" {
		c.id, c.token, c.feed = sc.ID, sc.EditToken, sc.FeedURL[strings.Index(sc.FeedURL, "/feeds/"):]
	}
	return code, nil
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "confcal's URL")
	pid := flag.Int("pid", 0, "the server's process id, for its memory")
	dur := flag.Duration("for", 60*time.Second, "how long to run")
	nClients := flag.Int("clients", 8, "well-behaved client addresses")
	rate := flag.Int("rate", 50, "requests a second per well-behaved client")
	abuse := flag.Int("abuse", 400, "schedule creations a second the abusive client attempts")
	flag.Parse()

	kinds := []string{"event feed (gzip)", "event feed 304", "event JSON", "widget.js", "personal feed", "star/unstar", "create schedule"}
	st := map[string]*stats{}
	for _, k := range kinds {
		st[k] = &stats{}
	}
	clients := make([]*client, *nClients)
	for i := range clients {
		clients[i] = newClient(fmt.Sprintf("127.0.0.%d", i+2))
		if code, err := clients[i].create(*base); err != nil || code != http.StatusCreated {
			log.Fatalf("client %d: create: %d %v", i, code, err)
		}
	}
	// The mix of 50: 20 event feeds (every fourth a revalidation), 8 JSON, 7 widget, 10
	// personal feeds, 4 stars or unstars, 1 creation. Scaled to the rate by the ticker.
	mix := []string{}
	for k, n := range map[string]int{"event feed (gzip)": 15, "event feed 304": 5, "event JSON": 8, "widget.js": 7, "personal feed": 10, "star/unstar": 4, "create schedule": 1} {
		for range n {
			mix = append(mix, k)
		}
	}
	slices.Sort(mix)
	stop := time.Now().Add(*dur)
	var wg sync.WaitGroup
	var inflight atomic.Int64
	var dropped atomic.Int64
	for ci, c := range clients {
		wg.Go(func() {
			interval := time.Second / time.Duration(*rate)
			n := ci * 7
			for next := time.Now(); next.Before(stop); next = next.Add(interval) {
				time.Sleep(time.Until(next))
				if inflight.Load() > 2000 {
					dropped.Add(1)
					continue
				}
				kind := mix[(n*17)%len(mix)]
				n++
				star := n%2 == 0
				inflight.Add(1)
				wg.Go(func() {
					defer inflight.Add(-1)
					start := time.Now()
					var code int
					var err error
					var h http.Header
					switch kind {
					case "event feed (gzip)":
						code, _, h, err = do(c, "GET", *base+"/events/"+event+"/calendar.ics", "", "", "Accept-Encoding", "gzip", "User-Agent", "Google-Calendar-Importer")
						if h != nil {
							c.etag.Store(h.Get("ETag"))
						}
					case "event feed 304":
						tag, _ := c.etag.Load().(string)
						code, _, _, err = do(c, "GET", *base+"/events/"+event+"/calendar.ics", "", "", "Accept-Encoding", "gzip", "If-None-Match", tag)
						if code == http.StatusNotModified || (tag == "" && code == 200) {
							code = 200 // a revalidation answered as it should
						}
					case "event JSON":
						code, _, _, err = do(c, "GET", *base+"/api/v1/events/"+event, "", "", "Accept-Encoding", "gzip")
					case "widget.js":
						code, _, _, err = do(c, "GET", *base+"/widget.js", "", "", "Accept-Encoding", "gzip")
					case "personal feed":
						code, _, _, err = do(c, "GET", *base+c.feed, "", "", "User-Agent", "iOS/17.4 (21E219) dataaccessd/1.0")
					case "star/unstar":
						method := "DELETE"
						if star {
							method = "PUT"
						}
						code, _, _, err = do(c, method, *base+"/api/v1/schedules/"+c.id+"/sessions/"+sessions[1], "", c.token)
					case "create schedule":
						code, err = c.create(*base)
						if code == http.StatusCreated {
							code = 200
						}
					}
					st[kind].add(code, time.Since(start), err)
				})
			}
		})
	}
	// The abusive client: schedule creations as fast as allowed, bounded in flight.
	ab := newClient("127.0.0.99")
	abuseStats := &stats{}
	wg.Go(func() {
		interval := time.Second / time.Duration(*abuse)
		sem := make(chan struct{}, 64)
		for next := time.Now(); next.Before(stop); next = next.Add(interval) {
			time.Sleep(time.Until(next))
			select {
			case sem <- struct{}{}:
			default:
				continue
			}
			wg.Go(func() {
				defer func() { <-sem }()
				start := time.Now()
				code, _, _, err := do(ab, "POST", *base+"/api/v1/events/"+event+"/schedules", `{"sessions":[]}`, "")
				abuseStats.add(code, time.Since(start), err)
			})
		}
	})
	var mem []int64
	wg.Go(func() {
		for time.Now().Before(stop) {
			mem = append(mem, synth.RSS(*pid))
			time.Sleep(time.Second)
		}
		mem = append(mem, synth.RSS(*pid))
	})
	wg.Wait()

	var out bytes.Buffer
	fmt.Fprintf(&out, "%d well-behaved clients × %d req/s for %s, one abusive client attempting %d creations/s\n\n", *nClients, *rate, *dur, *abuse)
	fmt.Fprintln(&out, "| request | count | errors | p50 | p99 | max |")
	fmt.Fprintln(&out, "| --- | ---: | ---: | ---: | ---: | ---: |")
	var total, bad int
	var all []time.Duration
	for _, k := range kinds {
		s := st[k]
		n, e := 0, s.errs
		for code, c := range s.codes {
			n += c
			if code != 200 {
				e += c
			}
		}
		total += n + s.errs
		bad += e
		slices.Sort(s.lat)
		all = append(all, s.lat...)
		fmt.Fprintf(&out, "| %s | %d | %d | %s | %s | %s |\n", k, n+s.errs, e, pct(s.lat, 50), pct(s.lat, 99), pct(s.lat, 100))
	}
	slices.Sort(all)
	fmt.Fprintf(&out, "| **all well-behaved** | %d | %d | %s | %s | %s |\n\n", total, bad, pct(all, 50), pct(all, 99), pct(all, 100))
	fmt.Fprintf(&out, "Abusive client: %v (status: count), %d connection errors, p99 %s. Requests not sent because 2,000 were in flight: %d.\n\n",
		abuseStats.codes, abuseStats.errs, pct(sortd(abuseStats.lat), 99), dropped.Load())
	fmt.Fprint(&out, "Server RSS (MB) every 10 s:")
	for i := 0; i < len(mem); i += 10 {
		fmt.Fprintf(&out, " %.0f", float64(mem[i])/1e6)
	}
	fmt.Fprintf(&out, "; at the end %.0f\n", float64(mem[len(mem)-1])/1e6)
	os.Stdout.Write(out.Bytes())
	if bad > 0 {
		os.Exit(1)
	}
}

func sortd(d []time.Duration) []time.Duration { slices.Sort(d); return d }

func pct(sorted []time.Duration, p int) string {
	if len(sorted) == 0 {
		return "–"
	}
	i := len(sorted) * p / 100
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return fmt.Sprintf("%.2f ms", float64(sorted[i].Microseconds())/1000)
}
