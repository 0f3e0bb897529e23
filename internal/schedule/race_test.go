package schedule

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// pausingStore is the real SQLite store whose feed lookup, once armed, pauses after it has
// read, until released: it forces the interleaving of a lookup with an invalidation.
type pausingStore struct {
	*sqlite.DB
	read, release chan struct{}
}

func (p *pausingStore) ScheduleByFeed(ctx context.Context, h string) (store.Schedule, error) {
	sc, err := p.DB.ScheduleByFeed(ctx, h)
	if p.read != nil {
		p.read <- struct{}{}
		<-p.release
	}
	return sc, err
}

// A lookup that read a schedule before another instance rotated it, and returns after the
// rotation's invalidation, serves what it read to its own request but does not cache it:
// the next fetch of the old URL reads the store again and finds nothing.
func TestLookupBeforeInvalidationIsNotCached(t *testing.T) {
	_, db, cat := newService(t, 30)
	ps := &pausingStore{DB: db}
	other := NewService(db, cat, func() time.Time { return t1 }) // the instance that rotates
	svc := NewService(ps, cat, func() time.Time { return t1 })
	c, err := other.Create(context.Background(), "synth", []string{"session-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps.read, ps.release = make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() { _, err := svc.Feed(context.Background(), c.FeedToken); done <- err }()
	<-ps.read // the lookup has read the schedule under its old hash
	if _, _, err := other.Rotate(context.Background(), c.Schedule.ID, c.EditToken); err != nil {
		t.Fatal(err)
	}
	svc.Invalidate(c.Schedule.FeedHash) // the rotation's notification arrives
	close(ps.release)
	if err := <-done; err != nil {
		t.Fatalf("the lookup begun before the rotation: %v", err)
	}
	ps.read = nil
	if _, err := svc.Feed(context.Background(), c.FeedToken); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("old feed after the rotation's invalidation: %v, want not found", err)
	}
}
