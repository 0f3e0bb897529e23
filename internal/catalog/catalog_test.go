package catalog

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/feed/feedtest"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/store"
	"github.com/confcal/confcal/internal/store/sqlite"
	"github.com/confcal/confcal/internal/synth"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	t1 = time.Date(2024, 9, 1, 10, 0, 0, 0, time.UTC)
	t2 = t1.Add(48 * time.Hour)
)

const base = "https://agenda.example.org"

func openStore(t *testing.T) *sqlite.DB { return openStoreB(t) }

func openStoreB(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "confcal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func publish(t *testing.T, st Writer, ev *agenda.Event, now time.Time) Result {
	t.Helper()
	res, err := Publish(context.Background(), st, ev, now)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func latestSnapshot(t *testing.T, st store.Store, slug string, now time.Time) *Snapshot {
	t.Helper()
	rev, err := st.LatestRevision(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Build(rev, base, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change)\n--- got:\n%s", name, got)
	}
}

// The feeds of the bundled event, byte for byte, with a fixed clock.
func TestGoldenFeeds(t *testing.T) {
	st := openStore(t)
	ev, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	publish(t, st, ev, t1)
	snap := latestSnapshot(t, st, ev.Slug, t1)
	golden(t, "p99conf-24.ics", snap.Feed.Bytes())
	golden(t, "p99conf-24-personal.ics", snap.PersonalFeed([]string{"wenger-rust-io-uring-ktls", "pavlo-databases-and-operating-systems"}, 15).Bytes())
	golden(t, "p99conf-24-kernel.ics", snap.FilteredFeed(Filter{Tracks: []string{"kernel"}}).Bytes())

	hostile := synth.Hostile()
	publish(t, st, hostile, t1)
	golden(t, "hostile.ics", latestSnapshot(t, st, hostile.Slug, t1).Feed.Bytes())
}

// Every kind of feed is well-formed at the byte level and accepted by an independent
// parser, with the properties calendars rely on.
func TestFeedsParse(t *testing.T) {
	st := openStore(t)
	for _, ev := range []*agenda.Event{mustBundled(t), synth.Hostile(), synth.Event(synth.Options{Sessions: 300, Tracks: 8, Days: 2})} {
		publish(t, st, ev, t1)
		snap := latestSnapshot(t, st, ev.Slug, t1)
		ids := []string{ev.Sessions[0].ID, ev.Sessions[1].ID}
		feeds := map[string]*Body{
			"event":    snap.Feed,
			"track":    snap.FilteredFeed(Filter{Tracks: []string{ev.Tracks[0].ID}}),
			"day":      snap.FilteredFeed(Filter{Day: ev.StartDate}),
			"session":  snap.FilteredFeed(Filter{IDs: ids[:1]}),
			"personal": snap.PersonalFeed(ids, 10),
		}
		for kind, body := range feeds {
			t.Run(ev.Slug+"/"+kind, func(t *testing.T) {
				cal := feedtest.Check(t, body.Bytes())
				if m := feedtest.Text(cal.Component, "METHOD"); m != "PUBLISH" {
					t.Errorf("METHOD = %q", m)
				}
				for _, p := range []string{"NAME", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"} {
					if cal.Props.Get(p) == nil {
						t.Errorf("calendar lacks %s", p)
					}
				}
				events := feedtest.Events(t, cal)
				if len(events) == 0 {
					t.Fatal("no events")
				}
				for uid, e := range events {
					for _, p := range []string{"DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "STATUS", "TRANSP"} {
						if e.Props.Get(p) == nil {
							t.Errorf("%s lacks %s", uid, p)
						}
					}
					if start, err := e.Props.DateTime("DTSTART", nil); err != nil || start.Location() != time.UTC {
						t.Errorf("%s DTSTART is not a UTC time: %v", uid, err)
					}
					wantTransp := "TRANSPARENT"
					if kind == "personal" {
						wantTransp = "OPAQUE"
						if len(e.Children) != 1 || e.Children[0].Name != "VALARM" {
							t.Errorf("%s lacks its reminder", uid)
						}
					}
					if got := feedtest.Text(e, "TRANSP"); got != wantTransp {
						t.Errorf("%s TRANSP = %s, want %s", uid, got, wantTransp)
					}
					if ev.JoinURL != "" {
						if c := e.Props.Get("CONFERENCE"); c == nil || c.Value != ev.JoinURLFor(sessionOf(ev, uid)) {
							t.Errorf("%s CONFERENCE = %v", uid, c)
						}
						if !strings.Contains(feedtest.Text(e, "DESCRIPTION"), "Join: "+ev.JoinURL) {
							t.Errorf("%s DESCRIPTION lacks the join link", uid)
						}
					}
				}
			})
		}
	}
}

// Hostile text stays text: no value starts a property of its own, and the parser reads back
// exactly what the agenda said (with CR and CRLF as LF).
func TestHostileTextRoundTrips(t *testing.T) {
	st := openStore(t)
	ev := synth.Hostile()
	publish(t, st, ev, t1)
	snap := latestSnapshot(t, st, ev.Slug, t1)
	data := snap.Feed.Bytes()
	cal := feedtest.Check(t, data)
	events := feedtest.Events(t, cal)
	if len(events) != 2 {
		t.Fatalf("%d events, want 2 (an injected BEGIN:VEVENT must not count)", len(events))
	}
	xss := events[agenda.UID("hostile", "xss")]
	if got := feedtest.Text(xss, "SUMMARY"); got != synth.HostileTitle {
		t.Errorf("SUMMARY = %q, want %q", got, synth.HostileTitle)
	}
	if d := feedtest.Text(xss, "DESCRIPTION"); !strings.Contains(d, "First\nDTSTART:19700101T000000Z\n\n<script>") {
		t.Errorf("DESCRIPTION = %q", d)
	}
	for _, line := range strings.Split(feedtest.Unfold(data), "\r\n") {
		if strings.HasPrefix(line, "UID:injected") || strings.HasPrefix(line, "DTSTART:1970") || strings.HasPrefix(line, "END:VCALENDAR") && line != "END:VCALENDAR" {
			t.Errorf("agenda text started a property: %q", line)
		}
	}
	long := events[agenda.UID("hostile", "long")]
	if !strings.Contains(feedtest.Text(long, "DESCRIPTION"), ev.Sessions[1].Abstract) {
		t.Error("10 KB abstract did not survive folding")
	}
}

func mustBundled(t *testing.T) *agenda.Event {
	t.Helper()
	ev, err := bundled.Event()
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func sessionOf(ev *agenda.Event, uid string) agenda.Session {
	for _, s := range ev.Sessions {
		if agenda.UID(ev.Slug, s.ID) == uid {
			return s
		}
	}
	return agenda.Session{}
}

// Loading an identical document writes no revision; identical agendas give identical bytes.
func TestPublishIdenticalIsNoop(t *testing.T) {
	st := openStore(t)
	ev := mustBundled(t)
	if res := publish(t, st, ev, t1); !res.Created || res.Revision != 1 {
		t.Fatalf("first publish = %+v", res)
	}
	first := latestSnapshot(t, st, ev.Slug, t1)
	if res := publish(t, st, mustBundled(t), t2); res.Changed || res.Revision != 1 {
		t.Fatalf("identical publish = %+v", res)
	}
	again := latestSnapshot(t, st, ev.Slug, t2)
	if !bytes.Equal(first.Feed.Bytes(), again.Feed.Bytes()) || first.Feed.ETag != again.Feed.ETag {
		t.Error("an identical agenda gave different feed bytes")
	}
}

// A running catalog picks up a revision written by another writer on its next refresh,
// and keeps serving the old snapshot when nothing changed.
func TestRefresh(t *testing.T) {
	st := openStore(t)
	publish(t, st, mustBundled(t), t1)
	c := New(st, base, func() time.Time { return t2 }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if changed, err := c.Refresh(context.Background()); err != nil || !changed || !c.Loaded() {
		t.Fatalf("first refresh: changed=%v err=%v loaded=%v", changed, err, c.Loaded())
	}
	before, _ := c.Get(bundled.Slug)
	if changed, _ := c.Refresh(context.Background()); changed {
		t.Error("refresh without a new revision reported a change")
	}
	ev := mustBundled(t)
	ev.Sessions[0].Title = "Renamed"
	publish(t, st, ev, t2)
	if changed, err := c.Refresh(context.Background()); err != nil || !changed {
		t.Fatalf("refresh after a revision: %v %v", changed, err)
	}
	after, _ := c.Get(bundled.Slug)
	if after.Revision != 2 || before.Revision != 1 || after.Event.Sessions[0].Title != "Renamed" {
		t.Errorf("snapshots: before #%d, after #%d %q", before.Revision, after.Revision, after.Event.Sessions[0].Title)
	}
}

// A tombstone leaves the feeds once it expires, without a new revision.
func TestTombstoneExpiry(t *testing.T) {
	st := openStore(t)
	ev := mustBundled(t)
	publish(t, st, ev, t1)
	next := mustBundled(t)
	next.Sessions = next.Sessions[1:]
	publish(t, st, next, t2)
	now := t2
	c := New(st, base, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	c.Refresh(context.Background())
	snap, _ := c.Get(ev.Slug)
	if !snap.InFeed(ev.Sessions[0].ID) || !strings.Contains(string(snap.Feed.Bytes()), "STATUS:CANCELLED") {
		t.Fatal("removed session is not in the feed as cancelled")
	}
	now = snap.Ledger[ev.Sessions[0].ID].Expires().Add(-time.Hour)
	if changed, _ := c.Refresh(context.Background()); changed {
		t.Fatal("refresh before expiry rebuilt the snapshot")
	}
	now = snap.Ledger[ev.Sessions[0].ID].Expires().Add(time.Hour)
	if changed, _ := c.Refresh(context.Background()); !changed {
		t.Fatal("refresh after expiry changed nothing")
	}
	snap, _ = c.Get(ev.Slug)
	if snap.InFeed(ev.Sessions[0].ID) {
		t.Error("expired tombstone still in the feed")
	}
}

// Whoever publishes, what is stored is tidied and valid: revisions are read back
// unchecked. An invalid agenda writes nothing; hostile text is stored tidied.
func TestPublishChecksWhatItStores(t *testing.T) {
	st := openStore(t)
	bad := mustBundled(t)
	bad.Sessions[0].End = bad.Sessions[0].Start.Add(-time.Minute)
	var ve *agenda.ValidationError
	if _, err := Publish(context.Background(), st, bad, t1); !errors.As(err, &ve) {
		t.Fatalf("publishing a session that ends before it starts: %v", err)
	}
	if _, err := st.LatestRevision(context.Background(), bad.Slug); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a revision was written: %v", err)
	}
	hostile := synth.Hostile()
	publish(t, st, hostile, t1)
	rev, err := st.LatestRevision(context.Background(), hostile.Slug)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := formats.ReadNative(bytes.NewReader(rev.Document), hostile.Slug)
	if err != nil {
		t.Fatal(err)
	}
	back, err := formats.DecodeNative(rev.Document, hostile.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, back, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
		t.Errorf("the stored document read unchecked differs from it read with every check (-checked +unchecked):\n%s", diff)
	}
}
