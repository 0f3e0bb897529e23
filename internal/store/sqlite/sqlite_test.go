package sqlite

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// Reopening a file applies no migration twice and keeps the data.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "confcal.db")
	for i := range 2 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if i == 0 {
			err = db.AddRevision(ctx, store.Revision{Event: "ev", Number: 1, Document: []byte("{}"), Ledger: []byte("{}")})
		} else {
			_, err = db.LatestRevision(ctx, "ev")
		}
		if err != nil {
			t.Fatal(err)
		}
		// Each migration is applied once, however often the file is opened.
		names, _ := fs.Glob(Migrations(), "migrations/*.sql")
		var applied int
		if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM migrations").Scan(&applied); err != nil || applied != len(names) {
			t.Fatalf("migrations recorded = %d, %v; want %d", applied, err, len(names))
		}
		db.Close()
	}
}

func TestWAL(t *testing.T) {
	db := open(t).(*DB)
	var mode string
	if err := db.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
}

// WithLatestRevision lends what LatestRevision returns: the newest revision, or
// ErrNotFound; an error of the borrower comes back as it is.
func TestWithLatestRevision(t *testing.T) {
	ctx := context.Background()
	db := open(t).(*DB)
	for n := 1; n <= 2; n++ {
		doc := []byte(`{"n":` + string(rune('0'+n)) + `}`)
		if err := db.AddRevision(ctx, store.Revision{Event: "ev", Number: n, Hash: "h", Summary: "s", Document: doc, Ledger: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := db.LatestRevision(ctx, "ev")
	if err != nil {
		t.Fatal(err)
	}
	var got store.Revision
	err = db.WithLatestRevision(ctx, "ev", func(r store.Revision) error {
		got = r
		got.Document, got.Ledger = bytes.Clone(r.Document), bytes.Clone(r.Ledger)
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, want) || got.Number != 2 {
		t.Errorf("lent %+v, %v; want %+v", got, err, want)
	}
	if err := db.WithLatestRevision(ctx, "none", func(store.Revision) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown event: %v, want ErrNotFound", err)
	}
	mine := errors.New("borrower failed")
	if err := db.WithLatestRevision(ctx, "ev", func(store.Revision) error { return mine }); err != mine {
		t.Errorf("borrower's error came back as %v", err)
	}
}

// BenchmarkDataVersion is one look of the catalog's watch, which asks every 25 ms.
func BenchmarkDataVersion(b *testing.B) {
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "confcal.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.DataVersion(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSchedule opens a database, closed when the benchmark ends, with one schedule "s".
func benchSchedule(b *testing.B) (*DB, time.Time, store.Schedule) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "confcal.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Date(2024, 10, 23, 15, 0, 0, 0, time.UTC)
	sc, err := db.CreateSchedule(ctx, store.Schedule{ID: "s", Event: "ev", FeedHash: "f", EditHash: "e", CreatedAt: now})
	if err != nil {
		b.Fatal(err)
	}
	return db, now, sc
}

// benchStars runs write once a benchmark iteration, each time with a change that stars
// another session.
func benchStars(b *testing.B, write func(change func(*store.Schedule) error) error) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		err := write(func(sc *store.Schedule) error {
			sc.Sessions = []string{"session-" + strconv.Itoa(i%300)}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStar is one star through the group commit, one client at a time: the read, the
// change and the write of UpdateSchedule, with the savepoint around it and the commit.
func BenchmarkStar(b *testing.B) {
	ctx := context.Background()
	db, now, _ := benchSchedule(b)
	benchStars(b, func(change func(*store.Schedule) error) error {
		_, err := db.UpdateSchedule(ctx, "s", now, change)
		return err
	})
}

// BenchmarkStarKnown is BenchmarkStar as the schedule service writes a star: from the row
// as the last write returned it (UpdateKnownSchedule), so that the write needs no read.
func BenchmarkStarKnown(b *testing.B) {
	ctx := context.Background()
	db, now, known := benchSchedule(b)
	benchStars(b, func(change func(*store.Schedule) error) error {
		var err error
		known, err = db.UpdateKnownSchedule(ctx, known, now, change)
		return err
	})
	if known.Version != b.N+1 {
		b.Fatalf("version %d after %d writes from the known row", known.Version, b.N)
	}
}

// The prepared statements are reset after each use: a read left open would hold a
// snapshot, and no checkpoint could then empty the WAL, which would grow for as long as
// the server runs.
func TestPreparedReadsLetTheCheckpointFinish(t *testing.T) {
	ctx := context.Background()
	db := open(t).(*DB)
	now := time.Date(2024, 10, 23, 15, 0, 0, 0, time.UTC)
	for _, id := range []string{"a", "b"} {
		if _, err := db.CreateSchedule(ctx, store.Schedule{ID: id, Event: "ev", FeedHash: "f" + id, EditHash: "e" + id, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if _, err := db.ScheduleByFeed(ctx, "fa"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Schedule(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ScheduleByFeed(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a missing feed: %v", err)
		}
		if _, err := db.UpdateSchedule(ctx, "a", now, func(sc *store.Schedule) error { sc.Sessions = []string{"s1"}; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	var busy, logged, moved int
	if err := db.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved); err != nil {
		t.Fatal(err)
	}
	if busy != 0 || logged != 0 {
		t.Fatalf("checkpoint: busy %d, %d frames left in the WAL; want it emptied", busy, logged)
	}
}

// A star changes one row and writes one page to the WAL: the feed hash's unique index is
// left alone unless the hash changes (a rotation, which writes that index too).
func TestStarWritesOnePage(t *testing.T) {
	ctx := context.Background()
	db := open(t).(*DB)
	now := time.Date(2024, 10, 23, 15, 0, 0, 0, time.UTC)
	for i := range 500 { // past one page of rows and of index entries
		id := "s" + strconv.Itoa(i)
		if _, err := db.CreateSchedule(ctx, store.Schedule{ID: id, Event: "ev", FeedHash: "feed-" + id, EditHash: "e", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	frames := func(mode string) int {
		t.Helper()
		var busy, logged, moved int
		if err := db.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logged, &moved); err != nil {
			t.Fatal(err)
		}
		return logged
	}
	for _, c := range []struct {
		what   string
		change func(*store.Schedule)
		known  bool // through UpdateKnownSchedule, from the row as it is
		want   int
	}{
		{"star", func(sc *store.Schedule) { sc.Sessions = append(sc.Sessions, "talk-1") }, false, 1},
		{"star from the known row", func(sc *store.Schedule) { sc.Sessions = append(sc.Sessions, "talk-2") }, true, 1},
		{"rotation", func(sc *store.Schedule) { sc.FeedHash = "feed-new" }, false, 2},
	} {
		frames("TRUNCATE")
		change := func(sc *store.Schedule) error { c.change(sc); return nil }
		var err error
		if c.known {
			var known store.Schedule
			if known, err = db.Schedule(ctx, "s250"); err == nil {
				_, err = db.UpdateKnownSchedule(ctx, known, now, change)
			}
		} else {
			_, err = db.UpdateSchedule(ctx, "s250", now, change)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := frames("PASSIVE"); got != c.want {
			t.Errorf("%s: %d pages written, want %d", c.what, got, c.want)
		}
	}
	if sc, err := db.ScheduleByFeed(ctx, "feed-new"); err != nil || sc.ID != "s250" || len(sc.Sessions) != 2 {
		t.Errorf("after the stars and the rotation: %+v, %v", sc, err)
	}
}
