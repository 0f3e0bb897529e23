package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/feed/feedtest"
	"github.com/confcal/confcal/internal/synth"
)

// bigEvent is 1,500 sessions with FOSDEM's shape where it weighs: guid ids, rooms, tracks,
// and abstracts of 1,200 characters.
func bigEvent() *agenda.Event {
	ev := synth.Event(synth.Options{Slug: "big-conf-2025", Sessions: 1500, Tracks: 30, Rooms: 30, Days: 2})
	for i := range ev.Sessions {
		s := &ev.Sessions[i]
		id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(s.ID)).String()
		s.ID = id
		s.Abstract = strings.TrimSpace(strings.Repeat(fmt.Sprintf("Session %d digs into tail latency, queues and the kernel. ", i), 25)[:1200])
	}
	return ev
}

// An event-wide feed of up to 1,500 sessions stays under 1,000,000 bytes, with shortened
// descriptions that link to each session's page; the feeds of one track, room or session
// and personal feeds keep the whole text.
func TestEventFeedsStaySmall(t *testing.T) {
	st := openStore(t)
	ev := bigEvent()
	publish(t, st, ev, t1)
	snap := latestSnapshot(t, st, ev.Slug, t1)
	s0 := ev.Sessions[0]
	for name, b := range map[string]*Body{
		"calendar.ics":       snap.Feed,
		"calendar.ics?day=":  snap.FilteredFeed(Filter{Day: ev.StartDate, Bounded: true}),
		"calendar.ics?track": snap.FilteredFeed(Filter{Tracks: []string{ev.Tracks[0].ID, ev.Tracks[1].ID}, Bounded: true}),
	} {
		t.Run(name, func(t *testing.T) {
			events := feedtest.Events(t, feedtest.Check(t, b.Bytes()))
			if len(b.Bytes()) > MaxEventFeed || len(events) == 0 {
				t.Errorf("%d bytes for %d sessions, want at most %d", len(b.Bytes()), len(events), MaxEventFeed)
			}
			t.Logf("%d bytes for %d sessions", len(b.Bytes()), len(events))
		})
	}
	events := feedtest.Events(t, feedtest.Check(t, snap.Feed.Bytes()))
	desc := feedtest.Text(events[agenda.UID(ev.Slug, s0.ID)], "DESCRIPTION")
	if strings.Contains(desc, s0.Abstract) || !strings.HasPrefix(desc, "Speaker Number 1\n") || !strings.HasSuffix(desc, "More: "+snap.SessionPage(s0.ID)) {
		t.Errorf("shortened description:\n%s", desc)
	}
	for name, b := range map[string]*Body{
		"track":    snap.FilteredFeed(Filter{Tracks: []string{s0.TrackID}}),
		"room":     snap.FilteredFeed(Filter{Rooms: []string{s0.RoomID}}),
		"session":  snap.FilteredFeed(Filter{IDs: []string{s0.ID}}),
		"personal": snap.PersonalFeed([]string{s0.ID, ev.Sessions[1].ID}, 10),
	} {
		e := feedtest.Events(t, feedtest.Check(t, b.Bytes()))[agenda.UID(ev.Slug, s0.ID)]
		if d := feedtest.Text(e, "DESCRIPTION"); !strings.Contains(d, s0.Abstract) || strings.Contains(d, "More:") {
			t.Errorf("%s feed lost the full text:\n%s", name, d)
		}
	}
	// FOSDEM's size (943 sessions) keeps the start of each abstract.
	fosdem := bigEvent()
	fosdem.Slug, fosdem.Sessions = "fosdem-size", fosdem.Sessions[:943]
	publish(t, st, fosdem, t1)
	snap = latestSnapshot(t, st, fosdem.Slug, t1)
	e := feedtest.Events(t, feedtest.Check(t, snap.Feed.Bytes()))[agenda.UID(fosdem.Slug, s0.ID)]
	if d := feedtest.Text(e, "DESCRIPTION"); len(snap.Feed.Bytes()) > MaxEventFeed || !strings.Contains(d, s0.Abstract[:50]) || !strings.Contains(d, "…\n\nJoin:") {
		t.Errorf("%d bytes; description:\n%s", len(snap.Feed.Bytes()), d)
	}
	// A small event's feed is the whole text, as before.
	small := latestSnapshot(t, st, publishBundled(t, st), t1)
	if strings.Contains(string(small.Feed.Bytes()), "More: ") {
		t.Error("a small event's feed is shortened")
	}
}

func publishBundled(t *testing.T, st Writer) string {
	ev := mustBundled(t)
	publish(t, st, ev, t1)
	return ev.Slug
}

// A removed session stays in feeds as cancelled, and says so in its SUMMARY and
// description even when its speaker left the agenda with it.
func TestTombstoneSaysCancelled(t *testing.T) {
	st := openStore(t)
	ev := mustBundled(t)
	publish(t, st, ev, t1)
	gone := ev.Sessions[0]
	next := mustBundled(t)
	next.Sessions = next.Sessions[1:]
	next.Speakers = slices.DeleteFunc(next.Speakers, func(s agenda.Speaker) bool { return slices.Contains(gone.SpeakerIDs, s.ID) })
	publish(t, st, next, t2)
	e := feedtest.Events(t, feedtest.Check(t, latestSnapshot(t, st, ev.Slug, t2).Feed.Bytes()))[agenda.UID(ev.Slug, gone.ID)]
	if got := feedtest.Text(e, "SUMMARY"); got != "Cancelled: "+gone.Title {
		t.Errorf("SUMMARY %q", got)
	}
	if d := feedtest.Text(e, "DESCRIPTION"); !strings.HasPrefix(d, "This session is cancelled.\n\nTrack: ") {
		t.Errorf("DESCRIPTION %q", d)
	}
}
