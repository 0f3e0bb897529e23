package feed_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/feed"
	"github.com/confcal/confcal/internal/feed/feedtest"
)

// The properties a session's VEVENT may carry: anything else was injected.
var allowed = map[string]bool{
	"UID": true, "DTSTAMP": true, "LAST-MODIFIED": true, "SEQUENCE": true, "DTSTART": true, "DTEND": true,
	"SUMMARY": true, "LOCATION": true, "CONFERENCE": true, "DESCRIPTION": true, "CATEGORIES": true,
	"URL": true, "STATUS": true, "TRANSP": true,
}

// Any text in any field gives a feed whose lines are at most 75 octets, that an
// independent parser (emersion/go-ical) reads back to the same values, with one VEVENT and
// no property the writer did not write.
func FuzzICalWriter(f *testing.F) {
	f.Add("Rust, io_uring; kTLS", "Line one\r\nline two\\n; comma, semicolon", "Kernel: eBPF, XDP", "K.1.105 (La Fontaine)", "Ada Lovelace", "Online", "Cal: P99")
	f.Add("END:VEVENT\r\nBEGIN:VEVENT\r\nUID:x", "\r\nATTENDEE:mailto:a@b\r\n", "X-INJECT:1", ":;,\\\"", "\x00\x7f\u2028", "é"+strings.Repeat("ü", 60), strings.Repeat("日本語", 40))
	f.Add("", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, title, abstract, track, room, speaker, location, calName string) {
		for _, s := range []string{title, abstract, track, room, speaker, location, calName} {
			if !utf8.ValidString(s) {
				t.Skip() // agenda text is UTF-8: readers refuse or repair anything else first
			}
		}
		start := time.Date(2024, 10, 23, 15, 0, 0, 0, time.UTC)
		ev := &agenda.Event{Slug: "fuzz", Name: calName, TimeZone: "UTC", Location: location,
			Tracks: []agenda.Track{{ID: "t", Name: track}}, Rooms: []agenda.Room{{ID: "r", Name: room}},
			Speakers: []agenda.Speaker{{ID: "s", Name: speaker}}}
		s := agenda.Session{ID: "x", Title: title, Abstract: abstract, TrackID: "t", RoomID: "r", SpeakerIDs: []string{"s"}, Start: start, End: start.Add(25 * time.Minute)}
		it := feed.Render(ev, feed.Session{Session: s, Entry: agenda.Entry{Sequence: 1, Modified: start}, PageURL: "https://confcal.test/events/fuzz#session-x"})
		var buf bytes.Buffer
		feed.Append(&buf, feed.Header(feed.Calendar{Name: calName, Description: abstract}), []*feed.Item{it}, feed.Options{AlarmMinutes: -1})
		cal := feedtest.Check(t, buf.Bytes())
		var events []*ical.Component
		for _, c := range cal.Children {
			if c.Name != ical.CompEvent {
				t.Fatalf("component %s in the feed", c.Name)
			}
			events = append(events, c)
		}
		if len(events) != 1 {
			t.Fatalf("%d VEVENTs, want 1", len(events))
		}
		e := events[0]
		for name := range e.Props {
			if !allowed[name] {
				t.Errorf("property %s injected", name)
			}
		}
		for _, c := range e.Children {
			t.Errorf("component %s injected in the VEVENT", c.Name)
		}
		if got := feedtest.Text(e, "UID"); got != agenda.UID("fuzz", "x") {
			t.Errorf("UID %q", got)
		}
		if got, want := feedtest.Text(e, "SUMMARY"), feed.Text(title); got != want {
			t.Errorf("SUMMARY %q, want %q", got, want)
		}
		if room != "" {
			if got, want := feedtest.Text(e, "LOCATION"), feed.Text(room); got != want {
				t.Errorf("LOCATION %q, want %q", got, want)
			}
		}
		if got := feedtest.Text(e, "DESCRIPTION"); !strings.Contains(got, feed.Text(abstract)) {
			t.Errorf("DESCRIPTION %q lacks the abstract %q", got, feed.Text(abstract))
		}
		if track != "" {
			if got, want := feedtest.Text(e, "CATEGORIES"), feed.Text(track); got != want {
				t.Errorf("CATEGORIES %q, want %q", got, want)
			}
		}
		if p := cal.Props.Get("X-WR-CALNAME"); p != nil {
			if got, _ := p.Text(); got != feed.Text(calName) {
				t.Errorf("X-WR-CALNAME %q, want %q", got, feed.Text(calName))
			}
		}
	})
}
