package synth

import (
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// HostileTitle is a session title that would run script if it became markup.
const HostileTitle = `<img src=x onerror=alert(1)> "quoted", 'single'; semi; comma, back\slash 🚀`

// Hostile returns a valid agenda whose text tries everything that breaks pages and feeds:
// markup, quotes, CRLF and bare CR, commas, semicolons, backslashes, emoji, a line that
// looks like an iCalendar property, and a 10 KB abstract of multi-byte text.
func Hostile() *agenda.Event {
	start := time.Date(2024, 10, 23, 16, 0, 0, 0, time.UTC)
	long := strings.TrimSpace(strings.Repeat("Latency — ünïcödé 日本語 🚀; tails, p99. ", 260)) // > 10 KB
	ev := &agenda.Event{
		Slug: "hostile", Name: `Hostile <script>alert("x")</script> Conf; a, b`, TimeZone: "America/Los_Angeles",
		StartDate: "2024-10-23", EndDate: "2024-10-23", Location: "Room 1; Floor 2, \"Main\"",
		Description: "Line one\r\nBEGIN:VEVENT\r\nUID:injected\rSUMMARY:injected",
		JoinURL:     "https://example.org/join?a=1,2;b=3",
		Tracks:      []agenda.Track{{ID: "main", Name: "Main, <b>bold</b>; track"}},
		Rooms:       []agenda.Room{{ID: "k4", Name: `K.4.601 <b>Hall</b>; "main", floor 4 \ east`}},
		Speakers: []agenda.Speaker{{
			ID: "eve", Name: `Eve "<script>" O'Hacker`, Title: "CTO, Evil; Inc.", Bio: "</p><script>alert(2)</script>\r\nEND:VCALENDAR",
			Links: []agenda.Link{{Title: "<i>site</i>", URL: "https://example.org/eve?x=<y>"}},
		}},
		Sessions: []agenda.Session{
			{ID: "xss", Title: HostileTitle, Abstract: "First\r\nDTSTART:19700101T000000Z\r\n\r\n<script>alert(3)</script>",
				TrackID: "main", RoomID: "k4", SpeakerIDs: []string{"eve"}, Start: start, End: start.Add(30 * time.Minute)},
			{ID: "long", Title: strings.TrimSpace(strings.Repeat("Very long title with emoji 🚀 ", 8)), Abstract: long,
				TrackID: "main", Start: start.Add(time.Hour), End: start.Add(90 * time.Minute)},
		},
	}
	agenda.Normalize(ev)
	return ev
}
