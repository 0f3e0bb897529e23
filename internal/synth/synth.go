// Package synth generates synthetic agendas of any size for benchmarks, load runs and tests.
package synth

import (
	"fmt"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// Options sizes a synthetic agenda.
type Options struct {
	Slug     string
	Sessions int // scheduled sessions
	Tracks   int
	Days     int
	Rooms    int // 0: no rooms; else sessions of parallel tracks take rooms in turn
}

// Event returns a valid agenda of o.Sessions sessions spread over o.Tracks parallel tracks
// and o.Days days, 30-minute slots from 08:00 in America/Los_Angeles, each with one or two
// speakers and an abstract of realistic length. The same options give the same agenda.
func Event(o Options) *agenda.Event {
	if o.Slug == "" {
		o.Slug = "synth"
	}
	if o.Tracks < 1 {
		o.Tracks = 1
	}
	if o.Days < 1 {
		o.Days = 1 + o.Sessions/(o.Tracks*16)
	}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	first := time.Date(2025, 10, 22, 0, 0, 0, 0, loc)
	ev := &agenda.Event{
		Slug: o.Slug, Name: "Synthetic Conf " + o.Slug, Description: "A generated agenda for benchmarks.",
		TimeZone: "America/Los_Angeles", StartDate: first.Format(time.DateOnly),
		EndDate: first.AddDate(0, 0, o.Days-1).Format(time.DateOnly), Location: "Online",
		Website: "https://example.org/", JoinURL: "https://example.org/live",
	}
	for t := range o.Tracks {
		ev.Tracks = append(ev.Tracks, agenda.Track{ID: fmt.Sprintf("track-%d", t+1), Name: fmt.Sprintf("Track %d: systems, latency; tails", t+1)})
	}
	for r := range o.Rooms {
		ev.Rooms = append(ev.Rooms, agenda.Room{ID: fmt.Sprintf("room-%d", r+1), Name: fmt.Sprintf("Hall %d", r+1), Capacity: 100 * (r + 1)})
	}
	perDay := (o.Sessions + o.Days - 1) / o.Days
	for i := range o.Sessions {
		day, n := i/perDay, i%perDay
		slot, track := n/o.Tracks, n%o.Tracks
		start := first.AddDate(0, 0, day).Add(8*time.Hour + time.Duration(slot)*30*time.Minute)
		sp := fmt.Sprintf("speaker-%d", i+1)
		ev.Speakers = append(ev.Speakers, agenda.Speaker{ID: sp, Name: fmt.Sprintf("Speaker Number %d", i+1), Title: "Engineer, Example Corp"})
		ids := []string{sp}
		if i > 0 && i%3 == 0 {
			ids = append(ids, fmt.Sprintf("speaker-%d", i))
		}
		room := ""
		if o.Rooms > 0 {
			room = ev.Rooms[track%o.Rooms].ID
		}
		ev.Sessions = append(ev.Sessions, agenda.Session{
			RoomID: room, ID: fmt.Sprintf("session-%d", i+1), Title: fmt.Sprintf("Session %d: shaving microseconds, one syscall at a time", i+1),
			Abstract: strings.TrimSpace(strings.Repeat("We measure, then we optimise; p99 matters more than the mean. ", 12)),
			Kind:     agenda.KindTalk, TrackID: ev.Tracks[track].ID, SpeakerIDs: ids,
			Start: start, End: start.Add(25 * time.Minute),
		})
	}
	agenda.Normalize(ev)
	return ev
}
