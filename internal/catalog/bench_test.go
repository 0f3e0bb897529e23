package catalog

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/synth"
)

// revisionPair publishes a 300-session, 8-track event, then a revision that moves one
// session, and returns both revisions' agendas and ledgers.
func revisionPair(b *testing.B) (ev1, ev2 *agenda.Event, l1, l2 agenda.Ledger) {
	st := openStoreB(b)
	ctx := context.Background()
	ev1 = synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2})
	ev2 = synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2})
	ev2.Sessions[42].Start = ev2.Sessions[42].Start.Add(time.Hour)
	ev2.Sessions[42].End = ev2.Sessions[42].End.Add(time.Hour)
	for _, ev := range []*agenda.Event{ev1, ev2} {
		if _, err := Publish(ctx, st, ev, t1); err != nil {
			b.Fatal(err)
		}
	}
	r1, _ := st.Revision(ctx, ev1.Slug, 1)
	r2, _ := st.Revision(ctx, ev1.Slug, 2)
	ev1, l1, _ = Decode(r1)
	ev2, l2, _ = Decode(r2)
	return ev1, ev2, l1, l2
}

// BenchmarkRevision300 is the work a new revision costs a running server, for a
// 300-session event where the revision moved one session: render the snapshot, re-using the
// previous snapshot's bytes for every session that reads the same, and assemble the feed.
func BenchmarkRevision300(b *testing.B) {
	ev1, ev2, l1, l2 := revisionPair(b)
	prev := Render(ev1, l1, 1, t1, base, t1, nil)
	b.ReportAllocs()
	for b.Loop() {
		Render(ev2, l2, 2, t1, base, t1, prev)
	}
}

// BenchmarkRender300Cold renders every session of a 300-session event with golang-ical:
// what a first start or a revision that touches every session costs.
func BenchmarkRender300Cold(b *testing.B) {
	_, ev2, _, l2 := revisionPair(b)
	b.ReportAllocs()
	for b.Loop() {
		Render(ev2, l2, 2, t1, base, t1, nil)
	}
}

// BenchmarkDecode300 reads a stored 300-session revision (document and ledger), which a
// revision written by another process costs on top of rendering.
func BenchmarkDecode300(b *testing.B) {
	st := openStoreB(b)
	ev := synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2})
	Publish(context.Background(), st, ev, t1)
	rev, _ := st.LatestRevision(context.Background(), ev.Slug)
	b.SetBytes(int64(len(rev.Document) + len(rev.Ledger)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(rev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEventJSON300 encodes the event's JSON document, done once per revision on first
// request.
func BenchmarkEventJSON300(b *testing.B) {
	_, ev2, _, l2 := revisionPair(b)
	s := Render(ev2, l2, 2, t1, base, t1, nil)
	b.ReportAllocs()
	for b.Loop() {
		s.jsonOnce = syncOnce()
		s.JSON()
	}
}

// BenchmarkPersonalFeed10 assembles a 10-session personal feed from pre-rendered bytes.
func BenchmarkPersonalFeed10(b *testing.B) {
	_, ev2, _, l2 := revisionPair(b)
	snap := Render(ev2, l2, 2, t1, base, t1, nil)
	var ids []string
	for i := 0; i < 300; i += 30 {
		ids = append(ids, ev2.Sessions[i].ID)
	}
	b.ReportAllocs()
	for b.Loop() {
		snap.PersonalFeed(ids, 10)
	}
}

func syncOnce() (o sync.Once) { return }

// BenchmarkRenderBig943Cold renders an event of FOSDEM's size whose full feed is over
// MaxEventFeed: the full items, then the shortened ones the event feed carries.
func BenchmarkRenderBig943Cold(b *testing.B) {
	ev := bigEvent()
	ev.Sessions = ev.Sessions[:943]
	l := agenda.Ledger{}.Advance(nil, ev, t1)
	b.ReportAllocs()
	for b.Loop() {
		Render(ev, l, 1, t1, base, t1, nil)
	}
}

// BenchmarkRevisionBig943 is a revision of that event that changes one session: the
// full and shortened items of the others are reused.
func BenchmarkRevisionBig943(b *testing.B) {
	ev1 := bigEvent()
	ev1.Sessions = ev1.Sessions[:943]
	l1 := agenda.Ledger{}.Advance(nil, ev1, t1)
	ev2 := bigEvent()
	ev2.Sessions = ev2.Sessions[:943]
	ev2.Sessions[0].Title += " (moved)"
	l2 := l1.Advance(ev1, ev2, t1.Add(time.Hour))
	prev := Render(ev1, l1, 1, t1, base, t1, nil)
	b.ReportAllocs()
	for b.Loop() {
		Render(ev2, l2, 2, t1, base, t1, prev)
	}
}

// BenchmarkRevisionFromStore is what a revision written by another process costs a
// running server once its watch sees it, at 5,000 and 20,000 sessions (40 and 160 tracks,
// 5 days): read the latest revision as the store lends it, decode it and build its snapshot
// on the previous one.
// The revision renamed one session.
func BenchmarkRevisionFromStore(b *testing.B) {
	for _, n := range []int{5000, 20000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			st := openStoreB(b)
			ctx := context.Background()
			o := synth.Options{Sessions: n, Tracks: n / 125, Days: 5}
			ev := synth.Event(o)
			if _, err := Publish(ctx, st, ev, t1); err != nil {
				b.Fatal(err)
			}
			r1, _ := st.LatestRevision(ctx, ev.Slug)
			prev, err := Build(r1, base, t1, nil)
			if err != nil {
				b.Fatal(err)
			}
			ev.Sessions[n/2].Title += " (renamed)"
			if _, err := Publish(ctx, st, ev, t1); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(r1.Document)))
			b.ReportAllocs()
			for b.Loop() {
				err := st.WithLatestRevision(ctx, ev.Slug, func(rev store.Revision) error {
					_, err := Build(rev, base, t1, prev)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
