package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres/pgtest"
)

func openDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func insertOp(ctx context.Context, id, feed string) *groupOp {
	now := time.Now().UTC()
	return &groupOp{ctx: ctx, done: make(chan groupResult, 1),
		sql:  "INSERT INTO schedules (" + scheduleColumns + ") VALUES ($1, 'e', $2, 'x', '[]', 0, 1, $3, $3)",
		args: []any{id, feed, now}}
}

// One group: its writes commit together, a refused one fails alone (the group is run
// again write by write), and one whose client left is not written.
func TestGroupCommitFailsOnlyTheWriteAtFault(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	ops := []*groupOp{
		insertOp(ctx, "a", "fa"),
		insertOp(ctx, "b", "fa"), // the feed hash is taken by a: refused
		insertOp(gone, "c", "fc"),
		insertOp(ctx, "d", "fd"),
	}
	db.commitGroup(ops)
	var errs []error
	for _, o := range ops {
		errs = append(errs, (<-o.done).err)
	}
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("writes a and d failed: %v, %v", errs[0], errs[3])
	}
	if !errors.Is(mapConstraint(errs[1]), store.ErrConflict) {
		t.Errorf("write b: %v, want a uniqueness violation", errs[1])
	}
	if !errors.Is(errs[2], context.Canceled) {
		t.Errorf("write c: %v, want its context's error", errs[2])
	}
	for id, want := range map[string]bool{"a": true, "b": false, "c": false, "d": true} {
		_, err := db.Schedule(ctx, id)
		if got := err == nil; got != want {
			t.Errorf("schedule %s stored: %v, want %v (%v)", id, got, want, err)
		}
	}
}

// Writes from many clients at once are grouped (fewer commits than writes), every one is
// stored, and each is answered only once it is committed: the row is readable on another
// connection as soon as its write returns.
func TestGroupCommitUnderConcurrency(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	const clients, each = 16, 25
	errs := make(chan error, clients)
	for c := range clients {
		go func() {
			for i := range each {
				id := fmt.Sprintf("s%d-%d", c, i)
				_, err := db.CreateSchedule(ctx, store.Schedule{ID: id, Event: "e", FeedHash: "f" + id, EditHash: "x", CreatedAt: time.Now()})
				if err == nil {
					_, err = db.Schedule(ctx, id)
				}
				if err != nil {
					errs <- fmt.Errorf("%s: %w", id, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	n, _, err := db.Totals(ctx)
	if err != nil || n != clients*each {
		t.Fatalf("%d schedules stored (%v), want %d", n, err, clients*each)
	}
	if g := db.groups.Load(); g >= clients*each {
		t.Errorf("%d writes in %d group commits: nothing was grouped", clients*each, g)
	} else {
		t.Logf("%d writes in %d group commits", clients*each, g)
	}
}
