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
