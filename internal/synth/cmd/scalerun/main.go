// Command scalerun measures confcal with many personal schedules: it runs the service
// in-process (SQLite file, or PostgreSQL with -database-url), creates -n schedules of
// -stars sessions each through the HTTP API with -c concurrent clients, and reports the
// creation rate, the process's resident memory, and the latency of personal feeds fetched
// at random: first fetch (store read and rendering) and again (cache hit). Bounded by -for.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/synth"
)

func main() {
	n := flag.Int("n", 100000, "schedules to create")
	stars := flag.Int("stars", 10, "sessions per schedule")
	workers := flag.Int("c", 16, "concurrent clients")
	sample := flag.Int("sample", 2000, "feeds to fetch for the latency figures")
	dbURL := flag.String("database-url", "", "PostgreSQL URL (its tables must be empty); default a SQLite file")
	limit := flag.Duration("for", 15*time.Minute, "give up after this long")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *limit)
	defer cancel()

	dir, err := os.MkdirTemp("", "scalerun")
	check(err)
	defer os.RemoveAll(dir)
	var st store.Store
	var opts []schedule.Option
	engine := "sqlite"
	if *dbURL != "" {
		engine = "postgres"
		st, err = postgres.Open(ctx, *dbURL)
		opts = append(opts, schedule.WithCacheTTL(750*time.Millisecond))
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(dir, "confcal.db"))
	}
	check(err)
	defer st.Close()
	ev := synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2})
	_, err = catalog.Publish(ctx, st, ev, time.Now())
	check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	base := "http://" + ln.Addr().String()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cat := catalog.New(st, base, time.Now, quiet)
	_, err = cat.Refresh(ctx)
	check(err)
	h, err := handlers.New(handlers.Deps{Agenda: cat, Schedules: schedule.NewService(st, cat, time.Now, opts...), Store: st, Revisions: st, BaseURL: base, Log: quiet})
	check(err)
	go http.Serve(ln, h)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}
	var ids []string
	for _, s := range ev.Sessions {
		ids = append(ids, s.ID)
	}
	feeds := make([]string, *n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *workers; w++ {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= *n {
					return
				}
				var pick []string
				for _, k := range r.Perm(len(ids))[:*stars] {
					pick = append(pick, `"`+ids[k]+`"`)
				}
				res, err := client.Post(base+"/api/v1/events/"+ev.Slug+"/schedules", "application/json",
					strings.NewReader(`{"sessions":[`+strings.Join(pick, ",")+`]}`))
				check(err)
				var c struct{ FeedURL string }
				json.NewDecoder(res.Body).Decode(&c)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					log.Fatalf("create: %s", res.Status)
				}
				feeds[i] = c.FeedURL
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	created := min(int(next.Load()), *n)
	fmt.Printf("engine %s: %d schedules of %d stars created in %s: %.0f/s with %d clients\n", engine, created, *stars, took.Round(time.Millisecond),
		float64(created)/took.Seconds(), *workers)
	fmt.Printf("resident memory after creation: %s\n", rss())
	schedules, starred, err := st.Totals(ctx)
	check(err)
	fmt.Printf("store totals: %d schedules, %d stars\n", schedules, starred)

	r := rand.New(rand.NewPCG(42, 42))
	var cold, warm []time.Duration
	for i := 0; i < *sample && ctx.Err() == nil; i++ {
		u := feeds[r.IntN(created)]
		for pass := range 2 {
			t0 := time.Now()
			res, err := client.Get(u)
			check(err)
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				log.Fatalf("feed: %s", res.Status)
			}
			if pass == 0 {
				cold = append(cold, time.Since(t0))
			} else {
				warm = append(warm, time.Since(t0))
			}
		}
	}
	report := func(name string, d []time.Duration) {
		slices.Sort(d)
		fmt.Printf("%s feed latency over %d feeds (client-side, loopback): p50 %s  p90 %s  p99 %s  max %s\n", name, len(d),
			d[len(d)/2].Round(time.Microsecond), d[len(d)*9/10].Round(time.Microsecond), d[len(d)*99/100].Round(time.Microsecond), d[len(d)-1].Round(time.Microsecond))
	}
	report("first fetch (store read)", cold)
	report("second fetch (cache hit)", warm)
	fmt.Printf("resident memory at the end: %s\n", rss())
}

func rss() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
