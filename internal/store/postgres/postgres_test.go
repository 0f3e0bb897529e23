package postgres_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
	"github.com/confcal/confcal/internal/store/postgres/pgtest"
	"github.com/confcal/confcal/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The same conformance suite as SQLite, unchanged.
func TestConformance(t *testing.T) { storetest.Run(t, open) }

// Instances starting together apply each migration once.
func TestConcurrentMigrations(t *testing.T) {
	dsn := pgtest.DSN(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := len(migrationNames(t)); n != want {
		t.Errorf("%d migrations recorded, want %d", n, want)
	}
}

func migrationNames(t *testing.T) []string {
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			out = append(out, e.Name())
		}
	}
	return out
}

// Other instances hear of every schedule change: of new sessions right after the commit,
// batched (the notifier), of a rotated feed token in the rotating transaction; what is still
// queued when the store closes is sent first.
func TestScheduleChangesAreNotified(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	listener, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN "+postgres.Channel); err != nil {
		t.Fatal(err)
	}
	// The channel is the whole database's: other tests' notices are told apart by the
	// random feed hashes of this one's schedules.
	prefix := "f-" + strings.TrimPrefix(dsn[strings.LastIndex(dsn, "confcal_test_"):], "confcal_test_") + "-"
	heard := func(want map[string]bool) {
		t.Helper()
		deadline, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		for len(want) > 0 {
			n, err := listener.WaitForNotification(deadline)
			if err != nil {
				t.Fatalf("still waiting for %d notices: %v", len(want), err)
			}
			delete(want, strings.TrimPrefix(n.Payload, "schedule "))
		}
	}
	now := time.Now()
	create := func(i int) store.Schedule {
		sc, err := db.CreateSchedule(ctx, store.Schedule{ID: prefix + strconv.Itoa(i), Event: "ev", FeedHash: prefix + strconv.Itoa(i),
			EditHash: "e", Sessions: []string{"a"}, AlarmMinutes: -1, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	sc := create(0)
	star := func(s *store.Schedule) error { s.Sessions = append(s.Sessions, "b"); return nil }
	if _, err := db.UpdateSchedule(ctx, sc.ID, now, star); err != nil {
		t.Fatal(err)
	}
	heard(map[string]bool{sc.FeedHash: true})
	if _, err := db.UpdateSchedule(ctx, sc.ID, now, func(s *store.Schedule) error { s.FeedHash = prefix + "rotated"; return nil }); err != nil {
		t.Fatal(err)
	}
	heard(map[string]bool{sc.FeedHash: true})

	want := map[string]bool{}
	for i := 1; i <= 50; i++ {
		s := create(i)
		if _, err := db.UpdateSchedule(ctx, s.ID, now, star); err != nil {
			t.Fatal(err)
		}
		want[s.FeedHash] = true
	}
	db.Close()
	heard(want)
}
