package schedule

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/postgres"
	"github.com/confcal/confcal/internal/store/postgres/pgtest"
	"github.com/confcal/confcal/internal/synth"
)

// Two instances on one PostgreSQL database star the same schedule in turn: each starts
// from the row it wrote last, which the other has outdated, and no star is lost.
func TestWrittenCopyOutdatedElsewhere(t *testing.T) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := catalog.Publish(ctx, st, synth.Event(synth.Options{Sessions: 20, Tracks: 2, Days: 1}), t1); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return t1 }
	cat := catalog.New(st, "http://test", clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := cat.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	here, there := NewService(st, cat, clock), NewService(st, cat, clock)
	c, err := here.Create(ctx, "synth", []string{"session-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, tok := c.Schedule.ID, c.EditToken
	steps := []struct {
		by      *Service
		session string
		want    []string
	}{
		{here, "session-2", []string{"session-1", "session-2"}},
		{there, "session-3", []string{"session-1", "session-2", "session-3"}},
		{here, "session-4", []string{"session-1", "session-2", "session-3", "session-4"}}, // here's copy is at version 2
		{there, "session-5", []string{"session-1", "session-2", "session-3", "session-4", "session-5"}},
	}
	for i, s := range steps {
		sc, err := s.by.Star(ctx, id, tok, s.session)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if !slices.Equal(sc.Sessions, s.want) || sc.Version != i+2 {
			t.Errorf("step %d: version %d, %v; want %d, %v", i, sc.Version, sc.Sessions, i+2, s.want)
		}
		if kept, ok := s.by.written.get(id); !ok || kept.Version != sc.Version {
			t.Errorf("step %d: the instance did not keep what it wrote (%v, version %d)", i, ok, kept.Version)
		}
	}
	// Unstar edits the sessions in place: the kept copy must not change with it.
	kept, _ := here.written.get(id)
	before := slices.Clone(kept.Sessions)
	if _, err := here.Unstar(ctx, id, tok, "session-1"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kept.Sessions, before) {
		t.Errorf("an unstar changed a kept copy: %v, was %v", kept.Sessions, before)
	}
	// A wrong token is refused on the kept copy as on the stored row.
	if _, err := here.Star(ctx, id, "wrong", "session-6"); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("star with a wrong token: %v, want not found", err)
	}
	// Deleted by the other instance: the kept copy is of no use, and is forgotten.
	if err := there.Delete(ctx, id, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := here.Star(ctx, id, tok, "session-6"); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("star on a schedule deleted elsewhere: %v, want not found", err)
	}
	if _, ok := here.written.get(id); ok {
		t.Error("the copy of a deleted schedule is still kept")
	}
}

// What is kept stays within its budget.
func TestWrittenWithinBudget(t *testing.T) {
	w := newWritten(4096)
	for i := range 100 {
		w.put(storeSchedule(i))
	}
	if n := w.weight(); n > 4096 || n == 0 {
		t.Errorf("kept %d bytes for a budget of 4096", n)
	}
	w.drop(storeSchedule(0).ID)
	for i := range 100 {
		w.drop(storeSchedule(i).ID)
	}
	if n := w.weight(); n != 0 {
		t.Errorf("%d bytes counted after every copy was dropped", n)
	}
}

func storeSchedule(i int) store.Schedule {
	return store.Schedule{ID: fmt.Sprintf("id-%03d", i), Event: "synth", FeedHash: "f", EditHash: "e", Sessions: []string{"session-1"}, Version: 1}
}
