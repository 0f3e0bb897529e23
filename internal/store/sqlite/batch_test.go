package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/store"
)

// Writes that commit in one group keep their own outcomes: a failing change or a taken id
// rolls back that write alone, every other one is stored, and two writes to one schedule
// in a group apply in turn.
func TestGroupCommitKeepsEachWritesOutcome(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	now := time.Unix(1.7e9, 0)
	mk := func(id string) store.Schedule {
		return store.Schedule{ID: id, Event: "e", FeedHash: "f-" + id, EditHash: "e-" + id, CreatedAt: now}
	}
	if _, err := db.CreateSchedule(ctx, mk("shared")); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused by the change")
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range 200 {
		wg.Go(func() {
			switch i % 4 {
			case 0: // a new schedule
				_, errs[i] = db.CreateSchedule(ctx, mk(fmt.Sprint("s", i)))
			case 1: // an id that is taken
				_, errs[i] = db.CreateSchedule(ctx, mk("shared"))
			case 2: // a star on the shared schedule
				_, errs[i] = db.UpdateSchedule(ctx, "shared", now, func(sc *store.Schedule) error {
					sc.Sessions = append(sc.Sessions, fmt.Sprint("x", i))
					return nil
				})
			case 3: // a change that fails after writing to the schedule in memory
				_, errs[i] = db.UpdateSchedule(ctx, "shared", now, func(sc *store.Schedule) error {
					sc.Sessions = append(sc.Sessions, "never")
					return refused
				})
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		switch i % 4 {
		case 0, 2:
			if err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		case 1:
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("write %d with a taken id: %v", i, err)
			}
		case 3:
			if !errors.Is(err, refused) {
				t.Errorf("write %d: %v, want the change's error", i, err)
			}
		}
	}
	sc, err := db.Schedule(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Sessions) != 50 || slices.Contains(sc.Sessions, "never") || sc.Version != 51 {
		t.Errorf("shared schedule: %d sessions, version %d: %v", len(sc.Sessions), sc.Version, sc.Sessions)
	}
	for i := 0; i < 200; i += 4 {
		if _, err := db.Schedule(ctx, fmt.Sprint("s", i)); err != nil {
			t.Errorf("schedule s%d: %v", i, err)
		}
	}
}

// held starts a write whose change waits for release, and returns once the change runs:
// that write leads a group, and the writes after it wait for the next. A test that fails
// before it releases the write has it released when it ends.
func held(t *testing.T, db *DB, id string) (release func(), result <-chan error) {
	t.Helper()
	running, proceed, out := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := db.UpdateSchedule(context.Background(), id, time.Unix(1.7e9, 0), func(sc *store.Schedule) error {
			close(running)
			<-proceed
			sc.Sessions = append(sc.Sessions, "held")
			return nil
		})
		out <- err
	}()
	<-running
	release = sync.OnceFunc(func() { close(proceed) })
	t.Cleanup(release)
	return release, out
}

// openAt opens a database with schedules a and b. It is closed when the test ends, after
// any write that held was asked to hold is released, and a Close that hangs fails the test.
func openAt(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if _, err := db.CreateSchedule(context.Background(), store.Schedule{ID: id, Event: "e", FeedHash: "f" + id, EditHash: "e" + id, CreatedAt: time.Unix(1.7e9, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		closed := make(chan struct{})
		go func() { db.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Error("Close did not return: it waits for a group that never ends")
		}
	})
	return db
}

// waiting blocks until n writes wait behind the group being committed.
func waiting(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		db.wq.mu.Lock()
		got := len(db.wq.waiting)
		db.wq.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("%d writes never waited", n)
}

// A write whose client leaves while it waits for the group ahead is dropped at once and
// never runs; the writes around it are stored, and the lead passes on.
func TestWaitingWriteLeavesWhenItsClientDoes(t *testing.T) {
	db := openAt(t)
	release, first := held(t, db, "a")
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{}, 1)
	left := make(chan error, 1)
	go func() {
		_, err := db.UpdateSchedule(ctx, "b", time.Unix(1.7e9, 0), func(sc *store.Schedule) error {
			ran <- struct{}{}
			return nil
		})
		left <- err
	}()
	waiting(t, db, 1)
	cancel()
	select {
	case err := <-left:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("a write whose client left: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write whose client left kept waiting for the group ahead")
	}
	release()
	if err := <-first; err != nil {
		t.Fatalf("the write that led: %v", err)
	}
	select {
	case <-ran:
		t.Error("the write whose client left ran all the same")
	default:
	}
	if _, err := db.UpdateSchedule(context.Background(), "b", time.Unix(1.7e9, 0), func(*store.Schedule) error { return nil }); err != nil {
		t.Fatalf("a write after: %v", err)
	}
	if sc, _ := db.Schedule(context.Background(), "b"); sc.Version != 2 {
		t.Errorf("schedule b at version %d, want 2 (one write stored, one left)", sc.Version)
	}
}

// Close lets the group being committed finish, and answers the writes waiting behind it
// with an error instead of leaving them to wait.
func TestCloseAnswersTheWritesWaiting(t *testing.T) {
	db := openAt(t)
	release, first := held(t, db, "a")
	second := make(chan error, 1)
	go func() {
		_, err := db.UpdateSchedule(context.Background(), "b", time.Unix(1.7e9, 0), func(*store.Schedule) error { return nil })
		second <- err
	}()
	waiting(t, db, 1)
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		db.wq.mu.Lock()
		c := db.wq.closed
		db.wq.mu.Unlock()
		if c {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Close never began")
		}
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a group was committing", err)
	default:
	}
	release()
	if err := <-first; err != nil {
		t.Errorf("the group being committed at Close: %v", err)
	}
	if err := <-second; !errors.Is(err, errClosed) {
		t.Errorf("a write waiting at Close: %v, want %v", err, errClosed)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := db.UpdateSchedule(context.Background(), "a", time.Unix(1.7e9, 0), func(*store.Schedule) error { return nil }); !errors.Is(err, errClosed) {
		t.Errorf("a write after Close: %v, want %v", err, errClosed)
	}
}

// A change that panics while leading a group still hands the lead on: the writes waiting
// behind it are committed, and later writes do not wait for a lead that never comes.
func TestPanickingChangeHandsTheLeadOn(t *testing.T) {
	db := openAt(t)
	running, proceed := make(chan struct{}), make(chan struct{})
	recovered := make(chan any, 1)
	go func() {
		defer func() { recovered <- recover() }()
		db.UpdateSchedule(context.Background(), "a", time.Unix(1.7e9, 0), func(*store.Schedule) error {
			close(running)
			<-proceed
			panic("a bug in a change")
		})
	}()
	<-running
	second := make(chan error, 1)
	go func() {
		_, err := db.UpdateSchedule(context.Background(), "b", time.Unix(1.7e9, 0), func(*store.Schedule) error { return nil })
		second <- err
	}()
	waiting(t, db, 1)
	close(proceed)
	if r := <-recovered; r != "a bug in a change" {
		t.Fatalf("the panic reached its caller as %v", r)
	}
	select {
	case err := <-second:
		if err != nil {
			t.Errorf("the write waiting behind the panic: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the write waiting behind the panic was never committed")
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.UpdateSchedule(context.Background(), "a", time.Unix(1.7e9, 0), func(*store.Schedule) error { return nil })
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("a write after the panic: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write after the panic waited for a lead that never came")
	}
	if sc, _ := db.Schedule(context.Background(), "a"); sc.Version != 2 {
		t.Errorf("schedule a at version %d, want 2: the panicking write is not stored", sc.Version)
	}
}

// A write connection that is gone (closed under the writer here) is replaced before the
// next group begins: the write is stored, not failed.
func TestGoneWriteConnectionIsReplaced(t *testing.T) {
	db := openAt(t)
	ctx := context.Background()
	star := func() error {
		_, err := db.UpdateSchedule(ctx, "a", time.Unix(1.7e9, 0), func(sc *store.Schedule) error {
			sc.Sessions = append(sc.Sessions, "s")
			return nil
		})
		return err
	}
	if err := star(); err != nil {
		t.Fatal(err)
	}
	gone := db.wc
	gone.conn.Close()
	if err := star(); err != nil {
		t.Fatalf("a write after its connection went: %v", err)
	}
	if db.wc == nil || db.wc == gone {
		t.Error("the write connection was not replaced")
	}
	if sc, _ := db.Schedule(ctx, "a"); sc.Version != 3 || len(sc.Sessions) != 2 {
		t.Errorf("schedule a: version %d, sessions %q; want 3 and two", sc.Version, sc.Sessions)
	}
}
