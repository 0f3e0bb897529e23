// Package feed renders agenda sessions as iCalendar (RFC 5545) with golang-ical, once per
// revision, and assembles feeds from those pre-rendered bytes.
//
// Each session is rendered to a VEVENT body that stops short of its TRANSP property and END
// line; a feed appends TRANSP (OPAQUE for personal schedules, TRANSPARENT for event feeds),
// an optional VALARM and END:VEVENT, so one rendering serves every kind of feed.
package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/confcal/confcal/internal/agenda"
)

// Refresh is how often feeds ask calendar clients to re-fetch them.
const Refresh = "PT1H"

// ContentType is the media type feeds are served with.
const ContentType = "text/calendar; charset=utf-8"

const productID = "-//confcal//confcal feeds//EN"

// CRLF line ends, as RFC 5545 requires; golang-ical's default is a bare LF.
var serialization = &ics.SerializationConfiguration{MaxLength: 75, PropertyMaxLength: 75, NewLine: "\r\n"}

var (
	endEvent    = []byte("END:VEVENT\r\n")
	endCalendar = []byte("END:VCALENDAR\r\n")
	opaque      = []byte("TRANSP:OPAQUE\r\n")
	transparent = []byte("TRANSP:TRANSPARENT\r\n")
)

// Calendar describes the calendar a feed represents.
type Calendar struct {
	Name        string
	Description string
	URL         string // the page the feed belongs to
}

// Header renders a calendar's opening lines: everything before its first VEVENT.
func Header(c Calendar) []byte {
	cal := ics.NewCalendarFor("confcal")
	cal.CalendarProperties = nil // NewCalendarFor's PRODID names the library; we set our own
	cal.SetVersion("2.0")
	cal.SetProductId(productID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(Text(c.Name))
	cal.SetXWRCalName(Text(c.Name))
	if c.Description != "" {
		cal.SetDescription(Text(c.Description))
		cal.SetXWRCalDesc(Text(c.Description))
	}
	if c.URL != "" {
		cal.SetUrl(c.URL, ics.WithValue(string(ics.ValueDataTypeUri)))
	}
	cal.SetRefreshInterval(Refresh)
	cal.SetXPublishedTTL(Refresh)
	var b bytes.Buffer
	_ = cal.SerializeTo(&b, serialization)
	return bytes.TrimSuffix(b.Bytes(), endCalendar)
}

// Item is one pre-rendered session.
type Item struct {
	Body      []byte   // BEGIN:VEVENT and its properties, without TRANSP and END:VEVENT
	Sum       [32]byte // SHA-256 of Body, so feeds get validators without hashing themselves
	Cancelled bool
}

// Options says how a feed presents its sessions.
type Options struct {
	// Busy marks sessions OPAQUE (a personal schedule); otherwise they are TRANSPARENT, so
	// that an event feed of parallel tracks does not block a whole day of free/busy time.
	Busy bool
	// AlarmMinutes adds a display reminder that many minutes before each session; negative
	// means none.
	AlarmMinutes int
}

// Append writes a whole feed to buf: the header, the items, the closing line.
func Append(buf *bytes.Buffer, header []byte, items []*Item, o Options) {
	buf.Write(header)
	var alarm []byte
	if o.AlarmMinutes >= 0 {
		alarm = Alarm(o.AlarmMinutes)
	}
	for _, it := range items {
		buf.Write(it.Body)
		if o.Busy && !it.Cancelled {
			buf.Write(opaque)
			buf.Write(alarm)
		} else {
			buf.Write(transparent)
		}
		buf.Write(endEvent)
	}
	buf.Write(endCalendar)
}

// Tag returns a strong validator of the feed Append writes for the same arguments: a hash
// of the header, the items' hashes and the options, so that it changes exactly when the
// bytes do, is the same on every instance, and costs nothing near hashing the whole feed.
func Tag(header []byte, items []*Item, o Options) string {
	h := sha256.New()
	h.Write(header)
	for _, it := range items {
		h.Write(it.Sum[:])
	}
	fmt.Fprintf(h, "\x00%t\x00%d", o.Busy, o.AlarmMinutes)
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// Size returns exactly how many bytes Append writes for the same arguments, so buffers
// are sized once and a feed's size is known before it is written.
func Size(header []byte, items []*Item, o Options) int {
	n := len(header) + len(endCalendar)
	alarm := 0
	if o.AlarmMinutes >= 0 {
		alarm = len(Alarm(o.AlarmMinutes))
	}
	for _, it := range items {
		n += len(it.Body) + len(endEvent)
		if o.Busy && !it.Cancelled {
			n += len(opaque) + alarm
		} else {
			n += len(transparent)
		}
	}
	return n
}

// Alarm renders a VALARM that displays a reminder the given minutes before the start.
func Alarm(minutes int) []byte {
	return []byte("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT" +
		strconv.Itoa(minutes) + "M\r\nEND:VALARM\r\n")
}

// Session describes what a session's VEVENT needs beyond the agenda.
type Session struct {
	Session   agenda.Session
	Entry     agenda.Entry
	Cancelled bool   // removed from the agenda, unscheduled, or marked cancelled
	PageURL   string // where the session is shown on the hosted agenda
	// Brevity shortens the description for feeds that must stay small (Full: all of it).
	Brevity Brevity
	// DetailsURL is the session's own page, which a shortened description links to.
	DetailsURL string
}

// Brevity is how much of a session's text its VEVENT carries. Google Calendar is reported
// to drop subscribed feeds over about 1 MB, so an event-wide feed of a big event carries
// shorter descriptions, each ending with a link to the session's page (and no URL
// property, which would only weigh).
type Brevity int

// The brevity levels, from all the text to the least that still says who and where.
const (
	Full     Brevity = iota
	Short            // the abstract cut to about 300 characters
	Shorter          // to about 150
	Shortest         // to about 60
	Minimal          // no abstract: speakers, join link and the page; track and room are in CATEGORIES and LOCATION
)

// Brevities lists the levels in the order to try them.
var Brevities = []Brevity{Full, Short, Shorter, Shortest, Minimal}

// abstractCut is how many characters of the abstract each level keeps; -1 is all.
var abstractCut = map[Brevity]int{Full: -1, Short: 300, Shorter: 150, Shortest: 60, Minimal: 0}

// Render renders one session's VEVENT body for the event.
func Render(ev *agenda.Event, in Session) *Item {
	s := in.Session
	e := ics.NewEvent(agenda.UID(ev.Slug, s.ID))
	e.SetDtStampTime(in.Entry.Modified)
	e.SetModifiedAt(in.Entry.Modified)
	e.SetSequence(in.Entry.Sequence)
	e.SetStartAt(s.Start)
	e.SetEndAt(s.End)
	e.SetSummary(Text(Summary(s.Title, in.Cancelled)))
	join := ev.JoinURLFor(s)
	// LOCATION is where to go: the room (a virtual event's stage), else the join link, else
	// the venue. The join link always stays in CONFERENCE and the description.
	switch room := ev.RoomName(s); {
	case room != "":
		e.SetLocation(Text(room))
	case join != "":
		e.SetLocation(join)
	case ev.Location != "":
		e.SetLocation(Text(ev.Location))
	}
	if join != "" {
		e.AddProperty(ics.ComponentProperty("CONFERENCE"), join,
			ics.WithValue(string(ics.ValueDataTypeUri)), &ics.KeyValues{Key: "FEATURE", Value: []string{"VIDEO"}})
	}
	e.SetDescription(Text(description(ev, in, join)))
	if t, ok := ev.Track(s.TrackID); ok {
		e.AddCategory(Text(t.Name))
	}
	// A shortened description ends with a link to the session's page: a second URL would
	// only weigh.
	if in.PageURL != "" && in.Brevity == Full {
		e.SetURL(in.PageURL)
	}
	if in.Cancelled {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	var b bytes.Buffer
	_ = e.SerializeTo(&b, serialization)
	body := bytes.TrimSuffix(b.Bytes(), endEvent)
	return &Item{Body: body, Sum: sha256.Sum256(body), Cancelled: in.Cancelled}
}

func description(ev *agenda.Event, in Session, join string) string {
	s := in.Session
	var b strings.Builder
	if in.Cancelled {
		b.WriteString("This session is cancelled.\n\n")
	}
	for _, id := range s.SpeakerIDs {
		sp, ok := ev.Speaker(id)
		if !ok {
			continue // a removed session's speaker may have left the agenda with it
		}
		b.WriteString(sp.Name)
		if sp.Title != "" && in.Brevity < Minimal {
			b.WriteString(" — " + sp.Title)
		}
		b.WriteString("\n")
	}
	if in.Brevity < Minimal {
		if t, ok := ev.Track(s.TrackID); ok {
			b.WriteString("Track: " + t.Name + "\n")
		}
		if room := ev.RoomName(s); room != "" {
			b.WriteString("Room: " + room + "\n")
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	abstract, cut := shorten(s.Abstract, abstractCut[in.Brevity])
	if abstract != "" {
		b.WriteString(abstract + "\n\n")
	}
	if join != "" {
		b.WriteString("Join: " + join + "\n")
	}
	switch {
	case in.Brevity != Full && in.DetailsURL != "" && (cut || in.Brevity == Minimal):
		b.WriteString("More: " + in.DetailsURL + "\n")
	case in.Brevity == Full && in.PageURL != "":
		b.WriteString("Agenda: " + in.PageURL + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// shorten cuts text to about n characters at a word, marking the cut with "…"; n < 0
// keeps all of it. It reports whether anything was cut.
func shorten(text string, n int) (string, bool) {
	if n < 0 || utf8.RuneCountInString(text) <= n {
		return text, false
	}
	if n == 0 {
		return "", text != ""
	}
	cut := 0
	for i := range text {
		if cut == n {
			text = text[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexAny(text, " \n"); i > n/2 {
		text = text[:i]
	}
	return strings.TrimRight(text, " \n.,;:") + "…", true
}

// Summary is a session's SUMMARY: a cancelled session says so in its title too, for
// clients that ignore STATUS (calcurse shows a cancelled event as an ordinary one).
func Summary(title string, cancelled bool) string {
	if cancelled {
		return "Cancelled: " + title
	}
	return title
}

// Text makes agenda text safe to put in a TEXT property: CRLF and CR become LF (which
// golang-ical escapes as \n) and other control characters go, because golang-ical writes a
// raw CR as it is and some parsers then drop the property.
func Text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}

// UTCStamp formats a time as an iCalendar UTC date-time, as in "20241023T153000Z".
func UTCStamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
