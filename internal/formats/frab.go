package formats

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/confcal/confcal/internal/agenda"
)

// The frab model, shared by pretalx's schedule.json and frab's schedule.xml: a conference,
// days, rooms, and events with persons. An event's guid is its identity; its date (ISO
// 8601 with offset) is the authoritative start and its duration "HH:MM" gives the end.

type frabConference struct {
	Title, Start, End, TimeZone, URL string
	Tracks                           []string // every track, also those without sessions yet
}

type frabEvent struct {
	at                                 string // where it is in the document, for problems
	xml                                bool   // at is an XML element (fields are child elements)
	GUID, ID, Date, Start, Duration    string
	DayDate, Room, Title, Subtitle     string
	Track, Type, Abstract, Description string
	JoinURL                            string // a link titled "Join"
	Persons                            []frabPerson
}

// field names a field of the event for a problem: a JSON path or an XML child element.
func (e frabEvent) field(name string) string {
	if e.xml {
		return e.at + " <" + name + ">"
	}
	return e.at + "." + name
}

type frabPerson struct {
	at, Code, GUID, ID, Name, Bio, Avatar string
}

// SessionGUID is the stable guid of a session in confcal's frab exports: a UUID (version 5)
// of its iCalendar UID, so an export imported back maps onto the same session.
func SessionGUID(event, session string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:confcal:session:"+agenda.UID(event, session))).String()
}

// SpeakerGUID is the stable guid of a speaker in confcal's frab exports.
func SpeakerGUID(event, speaker string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:confcal:speaker:"+speaker+"."+event)).String()
}

// fromFrab builds the event. Sessions take their guid as id, unless Base has a session
// whose export guid it is (confcal's own export coming back); persons likewise take their
// code, guid or id.
func fromFrab(conf frabConference, events []frabEvent, ps agenda.Problems, o Options) (*agenda.Event, error) {
	ev := &agenda.Event{Slug: o.Slug, Name: strings.TrimSpace(conf.Title), Website: conf.URL,
		TimeZone: cmpOr(o.TimeZone, conf.TimeZone), StartDate: dateOnly(conf.Start), EndDate: dateOnly(conf.End)}
	b := &frabBuilder{ev: ev, ps: &ps, sessionIDs: map[string]string{}, speakerIDs: map[string]string{}, seen: map[string]bool{}}
	loc, err := time.LoadLocation(ev.TimeZone)
	if ev.TimeZone != "" && err == nil {
		b.loc = loc
	}
	if base := o.Base; base != nil {
		for _, s := range base.Sessions {
			b.sessionIDs[SessionGUID(o.Slug, s.ID)] = s.ID
		}
		for _, s := range base.Speakers {
			b.speakerIDs[SpeakerGUID(o.Slug, s.ID)] = s.ID
		}
	}
	b.tracks = newTracks(ev, o.Base)
	for _, name := range conf.Tracks {
		b.tracks.id(name)
	}
	b.byRoom = roomsAreTracks(events)
	for _, e := range events {
		b.session(e)
	}
	if base := o.Base; base != nil {
		keepSpeakerDetails(ev, base)
	}
	return finish(ev, ps, o)
}

// roomsAreTracks: tracks are topics; a schedule that names none (and has several rooms)
// has its rooms as the parallel lines.
func roomsAreTracks(events []frabEvent) bool {
	rooms := map[string]bool{}
	for _, e := range events {
		rooms[e.Room] = true
		if strings.TrimSpace(e.Track) != "" {
			return false
		}
	}
	return len(rooms) > 1
}

// frabBuilder turns frab events into sessions and their persons into speakers.
type frabBuilder struct {
	ev                     *agenda.Event
	ps                     *agenda.Problems
	loc                    *time.Location // nil when the zone is unknown (Validate says so)
	tracks                 *tracksByName
	byRoom                 bool
	sessionIDs, speakerIDs map[string]string // export guid → id Base knows
	seen                   map[string]bool   // speakers added
}

func (b *frabBuilder) session(e frabEvent) {
	id := b.sessionIDs[strings.ToLower(e.GUID)]
	if id == "" {
		id = idOf(cmpOr(e.GUID, e.ID))
	}
	if id == "" {
		b.ps.Add(e.field("guid"), "missing (and no id): a session needs a stable identity")
	}
	title := strings.TrimSpace(e.Title)
	if sub := strings.TrimSpace(e.Subtitle); sub != "" {
		title += ": " + sub
	}
	se := agenda.Session{ID: id, Title: title, Abstract: joinText(e.Abstract, e.Description), Kind: kindOf(e.Type, e.Title),
		JoinURL: e.JoinURL, TrackID: b.tracks.id(e.Track), SpeakerIDs: []string{}}
	if b.byRoom {
		se.TrackID = b.tracks.id(e.Room)
	}
	se.Start, se.End = frabTimes(b.ps, e, b.loc, b.loc != nil)
	for _, p := range e.Persons {
		if pid := b.speaker(p); pid != "" {
			se.SpeakerIDs = append(se.SpeakerIDs, pid)
		}
	}
	if id != "" { // without one it is reported, and would only be reported again
		b.ev.Sessions = append(b.ev.Sessions, se)
	}
}

// speaker adds a person once and returns their id, or "" (reported) without one.
func (b *frabBuilder) speaker(p frabPerson) string {
	pid := b.speakerIDs[strings.ToLower(p.GUID)]
	if pid == "" {
		pid = idOf(cmpOr(p.Code, cmpOr(p.GUID, cmpOr(p.ID, slugify(p.Name)))))
	}
	if pid == "" || strings.TrimSpace(p.Name) == "" {
		b.ps.Add(p.at, "a person needs a name and an id, code or guid")
		return ""
	}
	if !b.seen[pid] {
		b.seen[pid] = true
		b.ev.Speakers = append(b.ev.Speakers, agenda.Speaker{ID: pid, Name: strings.TrimSpace(p.Name), Bio: strings.TrimSpace(p.Bio), PhotoURL: p.Avatar})
	}
	return pid
}

// keepSpeakerDetails keeps what frab cannot carry for speakers Base already knows: title,
// company and links (and bio and photo, which schedule.xml lacks); and Base's speakers and
// tracks that had no session there, announced ahead of their talks (a frab schedule only
// lists people with sessions). A speaker whose sessions all left the schedule leaves with
// them.
func keepSpeakerDetails(ev, base *agenda.Event) {
	for i, s := range ev.Speakers {
		if b, ok := base.Speaker(s.ID); ok {
			s.Title, s.Company, s.Links = cmpOr(s.Title, b.Title), cmpOr(s.Company, b.Company), b.Links
			s.Bio, s.PhotoURL = cmpOr(s.Bio, b.Bio), cmpOr(s.PhotoURL, b.PhotoURL) // schedule.xml has neither
			ev.Speakers[i] = s
		}
	}
	speaking, used := map[string]bool{}, map[string]bool{}
	for _, s := range base.Sessions {
		used[s.TrackID] = true
		for _, id := range s.SpeakerIDs {
			speaking[id] = true
		}
	}
	for _, b := range base.Speakers {
		if _, present := ev.Speaker(b.ID); !present && !speaking[b.ID] {
			ev.Speakers = append(ev.Speakers, b)
		}
	}
	// Likewise tracks announced before their sessions (schedule.xml lists no tracks).
	for _, b := range base.Tracks {
		if _, present := ev.Track(b.ID); !present && !used[b.ID] {
			ev.Tracks = append(ev.Tracks, b)
		}
	}
}

// frabTimes reads an event's start from its date (with offset), else from its day and
// start wall clock in the event's zone, and its end from its duration.
func frabTimes(ps *agenda.Problems, e frabEvent, loc *time.Location, zoneOK bool) (time.Time, time.Time) {
	var start time.Time
	switch {
	case e.Date != "":
		t, err := time.Parse(time.RFC3339, e.Date)
		if err != nil {
			ps.Add(e.field("date"), "want an ISO 8601 time with offset such as 2025-10-25T09:00:00+02:00, got %q", e.Date)
			return time.Time{}, time.Time{}
		}
		start = t
	case e.Start != "" && e.DayDate != "" && zoneOK:
		w, err := time.Parse("2006-01-02 15:04", dateOnly(e.DayDate)+" "+e.Start)
		if err != nil {
			ps.Add(e.field("start"), "want HH:MM, got %q", e.Start)
			return time.Time{}, time.Time{}
		}
		if start, err = WallClock(w, loc); err != nil {
			ps.Add(e.field("start"), "%v", err)
			return time.Time{}, time.Time{}
		}
	default:
		ps.Add(e.field("date"), "missing")
		return time.Time{}, time.Time{}
	}
	d, err := parseDuration(e.Duration)
	if err != nil {
		ps.Add(e.field("duration"), "%v", err)
		return time.Time{}, time.Time{} // reported; not also "end required"
	}
	return start, start.Add(d)
}

// parseDuration reads frab's "HH:MM" (or "HH:MM:SS", or "D:HH:MM").
func parseDuration(s string) (time.Duration, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("want HH:MM, got %q", s)
	}
	var n []int
	for _, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("want HH:MM, got %q", s)
		}
		n = append(n, v)
	}
	d := time.Duration(n[0])*time.Hour + time.Duration(n[1])*time.Minute
	if len(n) == 3 {
		d += time.Duration(n[2]) * time.Second
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be longer than zero, got %q", s)
	}
	return d, nil
}

// dateOnly keeps the YYYY-MM-DD of a date that may carry a time.
func dateOnly(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// joinText is the abstract and the description, once each.
func joinText(abstract, description string) string {
	a, d := strings.TrimSpace(abstract), strings.TrimSpace(description)
	switch {
	case a == "" || a == d:
		return d
	case d == "" || strings.Contains(d, a):
		return cmpOr(d, a)
	}
	return a + "\n\n" + d
}
