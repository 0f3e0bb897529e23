package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/sqlite"
)

// headsCounter counts the catalog's looks at the revisions.
type headsCounter struct {
	*sqlite.DB
	heads atomic.Int64
}

func (h *headsCounter) Heads(ctx context.Context) (map[string]int, error) {
	h.heads.Add(1)
	return h.DB.Heads(ctx)
}

// pollOnly is a store without file events (as where inotify is not to be had): the
// watch asks data_version every interval.
type pollOnly struct{ *headsCounter }

func (pollOnly) Changed(context.Context) (<-chan struct{}, error) { return nil, errors.ErrUnsupported }

// versionCounter counts the watch's looks at data_version and at the revisions.
type versionCounter struct {
	*sqlite.DB
	looks, heads atomic.Int64
}

func (v *versionCounter) Heads(ctx context.Context) (map[string]int, error) {
	v.heads.Add(1)
	return v.DB.Heads(ctx)
}

func (v *versionCounter) DataVersion(ctx context.Context) (int64, error) {
	v.looks.Add(1)
	return v.DB.DataVersion(ctx)
}

// opener opens one new SQLite file, again on each call: each connection as another
// process's would be.
func opener(t *testing.T, ctx context.Context) func() *sqlite.DB {
	path := filepath.Join(t.TempDir(), "confcal.db")
	return func() *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}

// On SQLite the watch asks data_version and looks at the revisions only when another
// connection (here another process's, as confcal import's would be) has committed.
func TestWatchFollowsDataVersion(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := opener(t, ctx)
	served, other := &headsCounter{DB: open()}, open()
	ev, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	publish(t, other, ev, t1)
	cat := New(pollOnly{served}, base, func() time.Time { return t1 }, slog.New(slog.DiscardHandler))
	cat.recheck = time.Hour // only data_version can bring the next revision
	if _, err := cat.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	go cat.Watch(ctx, 5*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	if n := served.heads.Load(); n != 2 {
		t.Errorf("%d looks at the revisions in 300 ms without a commit, want the caller's and the watch's first", n)
	}
	awaitRevision(t, cat, other, ev, func() string { return fmt.Sprintf("%d looks at the revisions", served.heads.Load()) })
}

// With file events the watch looks at data_version when the database's files change,
// not every interval: with the safety net an hour long, only the event of another
// connection's commit can bring its revision.
func TestWatchWakesOnFileEvents(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := opener(t, ctx)
	served, other := &versionCounter{DB: open()}, open()
	if _, err := served.Changed(ctx); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no file events here: %v", err)
		}
		t.Skipf("no file events here: %v", err)
	}
	ev := mustBundled(t)
	publish(t, other, ev, t1)
	cat := New(served, base, func() time.Time { return t1 }, slog.New(slog.DiscardHandler))
	cat.recheck = time.Hour
	if _, err := cat.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	go cat.Watch(ctx, 5*time.Millisecond)
	for deadline := time.Now().Add(5 * time.Second); served.heads.Load() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) { // the watch's first refresh, before the commit
			t.Fatal("the watch did not refresh when it started")
		}
	}
	awaitRevision(t, cat, other, ev, func() string { return fmt.Sprintf("%d looks at data_version", served.looks.Load()) })
}

// awaitRevision renames a session of ev, publishes it as revision 2 through other (another
// connection, as another process's) and waits until cat serves it; looks says what the
// watch did, for the log.
func awaitRevision(t *testing.T, cat *Catalog, other *sqlite.DB, ev *agenda.Event, looks func() string) {
	t.Helper()
	ev.Sessions[0].Title += " (moved)"
	publish(t, other, ev, t1)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if s, _ := cat.Get(ev.Slug); s.Revision == 2 {
			t.Logf("revision 2 served after %s", looks())
			return
		}
	}
	t.Fatalf("the revision another connection committed is not served (%s)", looks())
}

// scribbler lends each revision in buffers that it overwrites as soon as the borrower
// returns, as a driver may reuse its own.
type scribbler struct {
	*sqlite.DB
	lent int
}

func (s *scribbler) WithLatestRevision(ctx context.Context, event string, fn func(store.Revision) error) error {
	r, err := s.DB.LatestRevision(ctx, event)
	if err != nil {
		return err
	}
	s.lent++
	err = fn(r)
	for _, b := range [][]byte{r.Document, r.Ledger} {
		for i := range b {
			b[i] = 'x'
		}
	}
	return err
}

// The catalog builds a snapshot from a lent revision and keeps none of its bytes: the
// snapshots read the same after the lender has overwritten them, the first revision and
// the next, which takes the unchanged sessions from the first.
func TestLentRevisionIsNotKept(t *testing.T) {
	st := &scribbler{DB: openStore(t)}
	ev := mustBundled(t)
	publish(t, st.DB, ev, t1)
	c := New(st, base, func() time.Time { return t2 }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ev.Sessions[1].Title = "Renamed"
	publish(t, st.DB, ev, t2)
	if _, err := c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap, _ := c.Get(bundled.Slug)
	want := mustBundled(t)
	want.Sessions[1].Title = "Renamed"
	agenda.Normalize(want)
	if st.lent != 2 || snap.Revision != 2 {
		t.Fatalf("lent %d revisions, serving #%d; want 2, #2", st.lent, snap.Revision)
	}
	if diff := cmp.Diff(want, snap.Event, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
		t.Errorf("snapshot after its revision's buffers were overwritten (-want +got):\n%s", diff)
	}
	if snap.reuse.Reused() != len(want.Sessions)-1 {
		t.Errorf("took %d sessions from revision 1, want %d", snap.reuse.Reused(), len(want.Sessions)-1)
	}
	rev, _ := st.DB.LatestRevision(context.Background(), bundled.Slug)
	if _, ledger, _ := Decode(rev); !cmp.Equal(ledger, snap.Ledger) {
		t.Errorf("ledger after its buffer was overwritten:\n%s", cmp.Diff(ledger, snap.Ledger))
	}
}
