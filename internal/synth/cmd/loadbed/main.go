// Command loadbed serves, side by side in one process, a personal feed through confcal's
// whole HTTP stack (real SQLite store, catalog, schedule service, buffered access log,
// request metrics) and a bare net/http handler writing the same bytes from memory, so that
// a load generator can compare the two on the same binary, heap and garbage collector. It
// prints one line:
//
//	CONFCAL_URL BARE_URL BARE_HEADERS_URL EVENT_JSON_URL
//
// where the bare servers answer any path (their URLs name the feed's path), the third with
// every header of confcal's response, and the fourth is the event's JSON through confcal.
// With -database-url it runs on PostgreSQL. It listens on 127.0.0.1 only and stops after
// -for.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	_ "net/http/pprof" // on the default mux, which only -pprof serves
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/confcal/confcal/handlers"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/logbuf"
	"github.com/confcal/confcal/internal/schedule"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/synth"
)

func main() {
	sessions := flag.Int("sessions", 300, "sessions in the synthetic event")
	stars := flag.Int("stars", 10, "sessions in the personal schedule")
	accessLog := flag.String("access-log", os.DevNull, "file for confcal's access log")
	life := flag.Duration("for", 10*time.Minute, "stop after this long")
	dbURL := flag.String("database-url", "", "PostgreSQL URL to run on instead of a SQLite file (its tables must be empty)")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this 127.0.0.1 address, to profile a run")
	flag.Parse()
	if *pprofAddr != "" {
		go func() { log.Fatal(http.ListenAndServe(*pprofAddr, nil)) }()
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "loadbed")
	check(err)
	defer os.RemoveAll(dir)
	var st store.Store
	var opts []schedule.Option
	if *dbURL != "" {
		st, err = postgres.Open(ctx, *dbURL)
		opts = append(opts, schedule.WithCacheTTL(750*time.Millisecond)) // as serve does on PostgreSQL
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(dir, "confcal.db"))
	}
	check(err)
	ev := synth.Event(synth.Options{Sessions: *sessions, Tracks: 8, Days: 2})
	_, err = catalog.Publish(ctx, st, ev, time.Now())
	check(err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	logFile, err := os.Create(*accessLog)
	check(err)
	logOut := logbuf.New(logFile, 200*time.Millisecond)
	defer logOut.Close()

	confcalLn, bareLn, sameLn := listen(), listen(), listen()
	base := "http://" + confcalLn.Addr().String()
	cat := catalog.New(st, base, time.Now, quiet)
	_, err = cat.Refresh(ctx)
	check(err)
	svc := schedule.NewService(st, cat, time.Now, opts...)
	h, err := handlers.New(handlers.Deps{Agenda: cat, Schedules: svc, Store: st, Revisions: st, BaseURL: base, Log: quiet,
		Access: handlers.NewAccessLog(logOut, false), Metrics: handlers.NewMetrics(prometheus.NewRegistry())})
	check(err)
	var ids []string
	for i := 0; i < *stars; i++ {
		ids = append(ids, ev.Sessions[i*len(ev.Sessions) / *stars].ID)
	}
	created, err := svc.Create(ctx, ev.Slug, ids, nil)
	check(err)
	feedPath := "/feeds/" + created.FeedToken + ".ics"

	// The bare handlers write exactly the bytes of confcal's response body.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", feedPath, nil))
	if rec.Code != http.StatusOK {
		log.Fatalf("feed answered %d", rec.Code)
	}
	body, headers := rec.Body.Bytes(), rec.Header().Clone()
	length := strconv.Itoa(len(body))
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"text/calendar; charset=utf-8"}
		w.Header()["Content-Length"] = []string{length}
		w.Write(body)
	})
	same := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header()[k] = v
		}
		w.Write(body)
	})
	go serve(confcalLn, h)
	go serve(bareLn, bare)
	go serve(sameLn, same)
	// The bare servers are asked for the same path, so that the three requests are the same
	// bytes too: a feed token makes the request line longer to read and parse.
	fmt.Printf("%s%s http://%s%s http://%s%s %s/api/v1/events/%s\n", base, feedPath, bareLn.Addr(), feedPath, sameLn.Addr(), feedPath, base, ev.Slug)
	time.Sleep(*life)
}

// serve uses the same server settings as confcal serve.
func serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	log.Fatal(srv.Serve(ln))
}

func listen() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	return ln
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
