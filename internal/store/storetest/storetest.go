// Package storetest is the conformance suite every storage engine passes unchanged.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/confcal/confcal/internal/store"
)

// Opener returns a new, empty store for one test; it registers its own cleanup.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("Revisions", func(t *testing.T) { testRevisions(t, open(t)) })
	t.Run("RevisionConflict", func(t *testing.T) { testRevisionConflict(t, open(t)) })
	t.Run("Heads", func(t *testing.T) { testHeads(t, open(t)) })
	t.Run("DeleteEvent", func(t *testing.T) { testDeleteEvent(t, open(t)) })
	t.Run("ScheduleLifecycle", func(t *testing.T) { testScheduleLifecycle(t, open(t)) })
	t.Run("ScheduleUpdateAborts", func(t *testing.T) { testScheduleUpdateAborts(t, open(t)) })
	t.Run("ScheduleFeedHashUnique", func(t *testing.T) { testFeedHashUnique(t, open(t)) })
	t.Run("ConcurrentStars", func(t *testing.T) { testConcurrentStars(t, open(t)) })
	t.Run("KnownUpdate", func(t *testing.T) { testKnownUpdate(t, open(t)) })
	t.Run("Totals", func(t *testing.T) { testTotals(t, open(t)) })
	t.Run("Ping", func(t *testing.T) {
		if err := open(t).Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

var t0 = time.Date(2024, 9, 1, 12, 0, 0, 123456000, time.UTC)

func revision(event string, n int) store.Revision {
	return store.Revision{
		Event: event, Number: n, CreatedAt: t0.Add(time.Duration(n) * time.Hour),
		Hash: fmt.Sprintf("hash-%d", n), Summary: fmt.Sprintf("summary %d", n),
		Document: []byte(fmt.Sprintf(`{"n":%d}`, n)), Ledger: []byte(`{}`),
	}
}

func testRevisions(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.LatestRevision(ctx, "ev"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("latest of unknown event: %v, want ErrNotFound", err)
	}
	for n := 1; n <= 3; n++ {
		if err := s.AddRevision(ctx, revision("ev", n)); err != nil {
			t.Fatalf("add revision %d: %v", n, err)
		}
	}
	got, err := s.LatestRevision(ctx, "ev")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(revision("ev", 3), got); diff != "" {
		t.Errorf("latest revision (-want +got):\n%s", diff)
	}
	one, err := s.Revision(ctx, "ev", 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(revision("ev", 1), one); diff != "" {
		t.Errorf("revision 1 (-want +got):\n%s", diff)
	}
	if _, err := s.Revision(ctx, "ev", 9); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revision 9: %v, want ErrNotFound", err)
	}
	list, err := s.Revisions(ctx, "ev")
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, r := range list {
		numbers = append(numbers, r.Number)
		if r.Document != nil || r.Ledger != nil {
			t.Errorf("revision list carries documents")
		}
	}
	if diff := cmp.Diff([]int{3, 2, 1}, numbers); diff != "" {
		t.Errorf("revision numbers (-want +got):\n%s", diff)
	}
	if _, err := s.Revisions(ctx, "other"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revisions of unknown event: %v, want ErrNotFound", err)
	}
}

func testRevisionConflict(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.AddRevision(ctx, revision("ev", 2)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("revision 2 of a new event: %v, want ErrConflict", err)
	}
	if err := s.AddRevision(ctx, revision("ev", 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRevision(ctx, revision("ev", 1)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("revision 1 twice: %v, want ErrConflict", err)
	}
	// Two writers racing for the same number: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = s.AddRevision(ctx, revision("ev", 2)) })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("racing writer: %v, want nil or ErrConflict", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d writers stored revision 2, want 1", wins)
	}
}

func testHeads(t *testing.T, s store.Store) {
	ctx := context.Background()
	heads, err := s.Heads(ctx)
	if err != nil || len(heads) != 0 {
		t.Fatalf("heads of an empty store = %v, %v", heads, err)
	}
	for _, r := range []store.Revision{revision("a", 1), revision("a", 2), revision("b", 1)} {
		if err := s.AddRevision(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	heads, err = s.Heads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"a": 2, "b": 1}, heads); diff != "" {
		t.Errorf("heads (-want +got):\n%s", diff)
	}
}

func testDeleteEvent(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.DeleteEvent(ctx, "ev", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete of an unknown event: %v, want ErrNotFound", err)
	}
	for _, r := range []store.Revision{revision("ev", 1), revision("ev", 2), revision("other", 1)} {
		if err := s.AddRevision(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	mine, other := newSchedule("mine"), newSchedule("theirs")
	other.Event, other.FeedHash = "other", "feed-other"
	for _, sc := range []store.Schedule{mine, other} {
		if _, err := s.CreateSchedule(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteEvent(ctx, "ev", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LatestRevision(ctx, "ev"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revision after delete: %v", err)
	}
	if _, err := s.Schedule(ctx, "mine"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("schedule of a deleted event: %v", err)
	}
	if _, err := s.Schedule(ctx, "theirs"); err != nil {
		t.Errorf("another event's schedule went too: %v", err)
	}
	heads, _ := s.Heads(ctx)
	if diff := cmp.Diff(map[string]int{"other": 1}, heads); diff != "" {
		t.Errorf("heads after delete (-want +got):\n%s", diff)
	}
	if deleted, err := s.EventDeleted(ctx, "ev"); err != nil || !deleted {
		t.Errorf("EventDeleted = %v, %v", deleted, err)
	}
	if deleted, _ := s.EventDeleted(ctx, "other"); deleted {
		t.Error("a live event reads as deleted")
	}
	// Created anew: numbering starts over and the deletion is forgotten.
	if err := s.AddRevision(ctx, revision("ev", 1)); err != nil {
		t.Fatal(err)
	}
	if deleted, _ := s.EventDeleted(ctx, "ev"); deleted {
		t.Error("a re-created event still reads as deleted")
	}
}

func testTotals(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n, stars, err := s.Totals(ctx); err != nil || n != 0 || stars != 0 {
		t.Fatalf("totals of an empty store: %d, %d, %v", n, stars, err)
	}
	for i, id := range []string{"a", "b", "c"} {
		sc := newSchedule(id)
		sc.Sessions = []string{"s1", "s2", "s3"}[:i]
		if _, err := s.CreateSchedule(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if n, stars, err := s.Totals(ctx); err != nil || n != 3 || stars != 3 {
		t.Errorf("totals = %d schedules, %d stars, %v; want 3, 3", n, stars, err)
	}
}

func newSchedule(id string) store.Schedule {
	return store.Schedule{
		ID: id, Event: "ev", FeedHash: "feed-" + id, EditHash: "edit-" + id,
		Sessions: []string{"s1", "s2"}, AlarmMinutes: -1, CreatedAt: t0,
	}
}

func testScheduleLifecycle(t *testing.T, s store.Store) {
	ctx := context.Background()
	created, err := s.CreateSchedule(ctx, newSchedule("x"))
	if err != nil {
		t.Fatal(err)
	}
	want := newSchedule("x")
	want.Version, want.UpdatedAt = 1, t0
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	for name, get := range map[string]func() (store.Schedule, error){
		"by id":   func() (store.Schedule, error) { return s.Schedule(ctx, "x") },
		"by feed": func() (store.Schedule, error) { return s.ScheduleByFeed(ctx, "feed-x") },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	later := t0.Add(time.Minute)
	updated, err := s.UpdateSchedule(ctx, "x", later, func(sc *store.Schedule) error {
		sc.Sessions = append(sc.Sessions, "s3")
		sc.AlarmMinutes = 10
		sc.FeedHash = "feed-rotated"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != 2 || !updated.UpdatedAt.Equal(later) || len(updated.Sessions) != 3 {
		t.Errorf("updated = %+v", updated)
	}
	if _, err := s.ScheduleByFeed(ctx, "feed-x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old feed hash after rotation: %v, want ErrNotFound", err)
	}
	got, err := s.ScheduleByFeed(ctx, "feed-rotated")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(updated, got); diff != "" {
		t.Errorf("re-read (-want +got):\n%s", diff)
	}
	if err := s.DeleteSchedule(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Schedule(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted schedule: %v, want ErrNotFound", err)
	}
	if err := s.DeleteSchedule(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateSchedule(ctx, "x", later, func(*store.Schedule) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of deleted schedule: %v, want ErrNotFound", err)
	}
}

func testScheduleUpdateAborts(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.CreateSchedule(ctx, newSchedule("x")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("rejected")
	_, err := s.UpdateSchedule(ctx, "x", t0, func(sc *store.Schedule) error {
		sc.Sessions = nil
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update error = %v, want the change's own error", err)
	}
	got, err := s.Schedule(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || len(got.Sessions) != 2 {
		t.Errorf("an aborted update changed the schedule: %+v", got)
	}
}

func testFeedHashUnique(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.CreateSchedule(ctx, newSchedule("x")); err != nil {
		t.Fatal(err)
	}
	dup := newSchedule("y")
	dup.FeedHash = "feed-x"
	if _, err := s.CreateSchedule(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second schedule with the same feed hash: %v, want ErrConflict", err)
	}
	if _, err := s.CreateSchedule(ctx, newSchedule("x")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second schedule with the same id: %v, want ErrConflict", err)
	}
}

// Stars from several clients at once must all stick: updates are read-modify-write.
func testConcurrentStars(t *testing.T, s store.Store) {
	ctx := context.Background()
	sc := newSchedule("x")
	sc.Sessions = nil
	if _, err := s.CreateSchedule(ctx, sc); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := s.UpdateSchedule(ctx, "x", t0, func(sc *store.Schedule) error {
				sc.Sessions = append(sc.Sessions, fmt.Sprintf("s%02d", i))
				return nil
			})
			if err != nil {
				t.Errorf("star %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	got, err := s.Schedule(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sessions) != n || got.Version != n+1 {
		t.Errorf("after %d concurrent stars: %d sessions, version %d", n, len(got.Sessions), got.Version)
	}
}

// A change started from a known copy of the row (store.KnownUpdater) loses nothing when the
// copy is stale: it is judged and applied on the stored row instead.
func testKnownUpdate(t *testing.T, s store.Store) {
	k, ok := s.(store.KnownUpdater)
	if !ok {
		t.Skip("the store reads the row in its own transaction; it has no use for a known copy")
	}
	ctx := context.Background()
	v1, err := s.CreateSchedule(ctx, newSchedule("x"))
	if err != nil {
		t.Fatal(err)
	}
	star := func(id string) func(*store.Schedule) error {
		return func(sc *store.Schedule) error {
			if len(sc.Sessions) >= 4 {
				return errors.New("full")
			}
			sc.Sessions = append(sc.Sessions, id)
			return nil
		}
	}
	// Current copy: written as it is.
	v2, err := k.UpdateKnownSchedule(ctx, v1, t0, star("s3"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"s1", "s2", "s3"}; v2.Version != 2 || !slices.Equal(v2.Sessions, want) {
		t.Fatalf("from the current copy: version %d, %v; want 2, %v", v2.Version, v2.Sessions, want)
	}
	// Stale copy (v1 after v2): the star lands on top of v2, and v1's sessions are untouched.
	v3, err := k.UpdateKnownSchedule(ctx, v1, t0, star("s4"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"s1", "s2", "s3", "s4"}; v3.Version != 3 || !slices.Equal(v3.Sessions, want) {
		t.Errorf("from a stale copy: version %d, %v; want 3, %v", v3.Version, v3.Sessions, want)
	}
	if want := []string{"s1", "s2"}; !slices.Equal(v1.Sessions, want) {
		t.Errorf("the caller's copy was changed: %v", v1.Sessions)
	}
	// A refusal is the stored row's: the stale copy has room, the row has not.
	if _, err := k.UpdateKnownSchedule(ctx, v2, t0, star("s5")); err == nil || err.Error() != "full" {
		t.Errorf("star on a full schedule from a copy with room: %v, want the change's refusal", err)
	}
	// And the stored row's acceptance: the copy looks full, the row has room.
	if _, err := s.UpdateSchedule(ctx, "x", t0, func(sc *store.Schedule) error { sc.Sessions = sc.Sessions[:1]; return nil }); err != nil {
		t.Fatal(err)
	}
	v5, err := k.UpdateKnownSchedule(ctx, v3, t0, star("s6"))
	if err != nil {
		t.Fatalf("star from a copy that looks full, on a row with room: %v", err)
	}
	if want := []string{"s1", "s6"}; v5.Version != 5 || !slices.Equal(v5.Sessions, want) {
		t.Errorf("version %d, %v; want 5, %v", v5.Version, v5.Sessions, want)
	}
	// Deleted meanwhile: not found, nothing written.
	if err := s.DeleteSchedule(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.UpdateKnownSchedule(ctx, v5, t0, star("s7")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("from a copy of a deleted schedule: %v, want ErrNotFound", err)
	}
	if _, err := s.Schedule(ctx, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deleted schedule is back: %v", err)
	}
}
