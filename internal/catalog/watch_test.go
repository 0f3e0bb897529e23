package catalog

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/bundled"
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

// On SQLite the watch asks data_version and looks at the revisions only when another
// connection (here another process's, as confcal import's would be) has committed.
func TestWatchFollowsDataVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "confcal.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	served, other := &headsCounter{DB: open()}, open()
	ev, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	publish(t, other, ev, t1)
	cat := New(served, base, func() time.Time { return t1 }, slog.New(slog.DiscardHandler))
	cat.recheck = time.Hour // only data_version can bring the next revision
	if _, err := cat.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	go cat.Watch(ctx, 5*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	if n := served.heads.Load(); n != 1 {
		t.Errorf("%d looks at the revisions in 300 ms without a commit, want only the first", n)
	}
	ev.Sessions[0].Title += " (moved)"
	publish(t, other, ev, t1)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if s, _ := cat.Get(ev.Slug); s.Revision == 2 {
			t.Logf("revision 2 served after %d looks", served.heads.Load())
			return
		}
	}
	t.Fatal("the revision another connection committed is not served")
}
