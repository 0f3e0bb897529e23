// Command storerun measures schedule updates on the PostgreSQL store alone, without HTTP:
// clients together offer a fixed rate of UpdateSchedule calls (a star's read and
// version-checked write; with -known, the write alone, from the row the last one returned)
// to schedules it creates in the schema of -dsn, each timed from
// when it was due, after a warm-up that lets the pool open its connections. It prints
// p50 / p99 / p99.9 / max and deletes what it created. Bounded by -for.
//
//	storerun -dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=s' -rate 1000 -for 10s
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"slices"
	"sync"
	"time"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
)

func main() {
	dsn := flag.String("dsn", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL (set search_path to keep to a schema)")
	clients := flag.Int("clients", 8, "concurrent clients")
	rate := flag.Int("rate", 1000, "updates per second from all clients together")
	dur := flag.Duration("for", 10*time.Second, "how long to measure")
	warm := flag.Duration("warm", 2*time.Second, "unmeasured run before it")
	schedules := flag.Int("schedules", 2000, "schedules written to")
	known := flag.Bool("known", false, "start each change from the row the last one returned (UpdateKnownSchedule), as confcal serve does")
	flag.Parse()
	ctx := context.Background()
	db, err := postgres.Open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	prefix := fmt.Sprintf("storerun-%d-", time.Now().UnixNano())
	for i := range *schedules {
		id := fmt.Sprint(prefix, i)
		if _, err := db.CreateSchedule(ctx, store.Schedule{ID: id, Event: "storerun", FeedHash: "f" + id, EditHash: "x", CreatedAt: time.Now()}); err != nil {
			log.Fatal(err)
		}
	}
	defer func() {
		for i := range *schedules {
			db.DeleteSchedule(ctx, fmt.Sprint(prefix, i))
		}
	}()
	var mu sync.Mutex
	var lat []time.Duration
	var failed int
	start := time.Now()
	end := *warm + *dur
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			last := map[string]store.Schedule{} // each schedule is written by one client
			for k := 0; ; k++ {
				n := k**clients + c
				at := time.Duration(n) * time.Second / time.Duration(*rate)
				if at >= end {
					return
				}
				due := start.Add(at)
				time.Sleep(time.Until(due))
				id := fmt.Sprint(prefix, n%*schedules)
				change := func(sc *store.Schedule) error {
					sc.Sessions = append(sc.Sessions, fmt.Sprint("session-", n))
					if len(sc.Sessions) > 8 {
						sc.Sessions = sc.Sessions[1:]
					}
					return nil
				}
				var sc store.Schedule
				var err error
				if prev, ok := last[id]; ok && *known {
					sc, err = db.UpdateKnownSchedule(ctx, prev, time.Now(), change)
				} else {
					sc, err = db.UpdateSchedule(ctx, id, time.Now(), change)
				}
				if err == nil {
					last[id] = sc
				}
				d := time.Since(due)
				if at < *warm {
					continue
				}
				mu.Lock()
				if err != nil {
					failed++
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	q := func(p float64) string { return fmt.Sprintf("%.2f ms", float64(lat[int(float64(len(lat)-1)*p)])/1e6) }
	fmt.Printf("| %d clients, %d/s | %d | %d | %s | %s | %s | %s |\n", *clients, *rate, len(lat), failed, q(0.5), q(0.99), q(0.999), q(1))
}
