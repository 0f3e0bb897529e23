package schedule

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/synth"
)

var t1 = time.Date(2024, 9, 1, 10, 0, 0, 0, time.UTC)

// newService runs a Service over a real SQLite file holding a synthetic event.
func newService(tb testing.TB, sessions int) (*Service, *sqlite.DB, *catalog.Catalog) {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "confcal.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	ev := synth.Event(synth.Options{Sessions: sessions, Tracks: 8, Days: 2})
	if _, err := catalog.Publish(context.Background(), st, ev, t1); err != nil {
		tb.Fatal(err)
	}
	clock := func() time.Time { return t1 }
	cat := catalog.New(st, "http://bench.test", clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := cat.Refresh(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return NewService(st, cat, clock), st, cat
}

func tenSessions() []string {
	var ids []string
	for i := 1; i <= 300; i += 30 {
		ids = append(ids, fmt.Sprintf("session-%d", i))
	}
	return ids
}

// BenchmarkFeedMiss serves a 10-session personal feed with nothing cached: the SQLite read
// by feed-token hash, then assembly from the snapshot's pre-rendered sessions.
func BenchmarkFeedMiss(b *testing.B) {
	s, _, _ := newService(b, 300)
	c, err := s.Create(context.Background(), "synth", tenSessions(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.cache.Flush()
		if _, err := s.Feed(context.Background(), c.FeedToken); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFeedHit serves the same feed from the cache.
func BenchmarkFeedHit(b *testing.B) {
	s, _, _ := newService(b, 300)
	c, err := s.Create(context.Background(), "synth", tenSessions(), nil)
	if err != nil {
		b.Fatal(err)
	}
	s.Feed(context.Background(), c.FeedToken)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Feed(context.Background(), c.FeedToken); err != nil {
			b.Fatal(err)
		}
	}
}
