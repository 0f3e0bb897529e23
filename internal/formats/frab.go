package formats

import (
	"cmp"
	"fmt"
	"slices"
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
	Location                         string     // venue and city (schedule.xml)
	Tracks                           []string   // every track, also those without sessions yet
	TrackColors                      []string   // Tracks[i]'s colour as the source wrote it, or ""
	Rooms                            []frabRoom // the conference's rooms in order, if it lists them
}

type frabRoom struct {
	Name, Slug, Description string
	Capacity                int
}

type frabEvent struct {
	at                              string // where it is in the document, for problems
	GUID, ID, Date, Start, Duration string
	DayDate, Room, RoomSlug, Title  string
	Subtitle, Track, Type           string
	Abstract, Description           string
	JoinURL                         string // a link titled "Join"
	Persons                         []frabPerson
}

type frabPerson struct {
	at, Code, GUID, ID, Name, Bio, Avatar string
}

// frabNames are the frab names of native fields, for problems found by validation.
var frabNames = map[string]string{"sessions.id": "guid", "sessions.kind": "type", "sessions.trackId": "track",
	"sessions.roomId": "room", "sessions.speakerIds": "persons", "sessions.start": "date", "sessions.end": "duration",
	"sessions.joinUrl": "links", "speakers.bio": "biography", "speakers.photoUrl": "avatar"}

// SessionGUID is the stable guid of a session in confcal's frab exports: a UUID (version 5)
// of its iCalendar UID, so an export imported back maps onto the same session.
func SessionGUID(event, session string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:confcal:session:"+agenda.UID(event, session))).String()
}

// SpeakerGUID is the stable guid of a speaker in confcal's frab exports.
func SpeakerGUID(event, speaker string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:confcal:speaker:"+speaker+"."+event)).String()
}

// RoomGUID is the stable guid of a room in confcal's frab exports.
func RoomGUID(event, room string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:confcal:room:"+room+"."+event)).String()
}

// fromFrab builds the event. Sessions take their guid as id, unless Base has a session
// whose export guid it is (confcal's own export coming back); persons likewise take their
// code, guid or id. Rooms and tracks are known by name.
func fromFrab(conf frabConference, events []frabEvent, src *source, o Options) (*agenda.Event, agenda.Problems, error) {
	ev := &agenda.Event{Slug: o.Slug, Name: strings.TrimSpace(conf.Title), Website: conf.URL, Location: conf.Location,
		TimeZone: frabZone(conf, events, src, o), StartDate: dateOnly(conf.Start), EndDate: dateOnly(conf.End)}
	b := &frabBuilder{ev: ev, src: src, sessionIDs: map[string]string{}, speakerIDs: map[string]string{},
		seen: map[string]bool{}, sessions: ids{}, speakers: ids{}}
	if loc, err := time.LoadLocation(ev.TimeZone); ev.TimeZone != "" && err == nil {
		b.loc = loc
	}
	var baseTracks, baseRooms map[string]string
	if base := o.Base; base != nil {
		for _, s := range base.Sessions {
			b.sessionIDs[SessionGUID(o.Slug, s.ID)] = s.ID
		}
		for _, s := range base.Speakers {
			b.speakerIDs[SpeakerGUID(o.Slug, s.ID)] = s.ID
		}
		baseTracks = baseNames(base.Tracks, func(t agenda.Track) string { return t.Name }, func(t agenda.Track) string { return t.ID })
		baseRooms = baseNames(base.Rooms, func(r agenda.Room) string { return r.Name }, func(r agenda.Room) string { return r.ID })
	}
	b.tracks = newByName(baseTracks, func(id, name string) { ev.Tracks = append(ev.Tracks, agenda.Track{ID: id, Name: name}) })
	b.rooms = newByName(baseRooms, func(id, name string) { ev.Rooms = append(ev.Rooms, agenda.Room{ID: id, Name: name}) })
	for i, name := range conf.Tracks {
		id := b.tracks.id(name, "")
		if i >= len(conf.TrackColors) || conf.TrackColors[i] == "" || id == "" {
			continue
		}
		at := slices.IndexFunc(ev.Tracks, func(t agenda.Track) bool { return t.ID == id })
		if c, ok := agenda.TrackColor(conf.TrackColors[i]); ok && at >= 0 {
			ev.Tracks[at].Color = c
		} else if at >= 0 {
			src.warns.Add(fmt.Sprintf("schedule.conference.tracks[%d].color", i), "%q is not a #rrggbb colour: the track has none", conf.TrackColors[i])
		}
	}
	for _, r := range conf.Rooms {
		id := b.rooms.id(r.Name, r.Slug)
		if i := slices.IndexFunc(ev.Rooms, func(room agenda.Room) bool { return room.ID == id }); i >= 0 && id != "" {
			ev.Rooms[i].Description = cmpOr(ev.Rooms[i].Description, r.Description)
			ev.Rooms[i].Capacity = cmp.Or(ev.Rooms[i].Capacity, r.Capacity)
		}
	}
	for _, e := range events {
		b.session(e)
	}
	if len(events) == 0 {
		src.warns.Add("", "the document has no scheduled sessions")
	}
	if base := o.Base; base != nil {
		keepBaseDetails(ev, base)
	}
	return finish(ev, src, o)
}

// frabZone is the event's time zone: the one given (--time-zone) or else the document's,
// or else Base's; each choice the document did not make is a warning, and no zone at all
// a problem that says what to do.
func frabZone(conf frabConference, events []frabEvent, src *source, o Options) string {
	doc := strings.TrimSpace(conf.TimeZone)
	switch {
	case o.TimeZone != "" && doc != "" && o.TimeZone != doc:
		src.warns.Add("timeZone", "the document's time zone is %s; %s, as given, is used instead", doc, o.TimeZone)
		return o.TimeZone
	case o.TimeZone != "" && doc == "":
		src.warns.Add("timeZone", "the document names no time zone (time_zone_name); %s, as given, is used", o.TimeZone)
		return o.TimeZone
	case doc == "" && o.Base != nil && o.Base.TimeZone != "":
		src.warns.Add("timeZone", "the document names no time zone (time_zone_name); the event's, %s, is kept", o.Base.TimeZone)
		return o.Base.TimeZone
	case doc == "":
		hint := ""
		for _, e := range events {
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(e.Date)); err == nil {
				hint = "; its times are at UTC" + t.Format("-07:00")
				break
			}
		}
		src.ps.Add("timeZone", "the document names no time zone (no time_zone_name%s): give the event's, for example --time-zone Europe/Berlin, or timeZone=Europe/Berlin in the admin API", hint)
	}
	return cmpOr(o.TimeZone, doc)
}

// frabBuilder turns frab events into sessions and their persons into speakers.
type frabBuilder struct {
	ev                     *agenda.Event
	src                    *source
	loc                    *time.Location // nil when the zone is unknown (reported)
	tracks, rooms          *byName
	sessionIDs, speakerIDs map[string]string // export guid → id Base knows
	seen                   map[string]bool   // speakers added
	sessions, speakers     ids               // id → the source identifier it came from
}

func (b *frabBuilder) session(e frabEvent) {
	from := cmpOr(strings.TrimSpace(e.GUID), strings.TrimSpace(e.ID))
	id := b.sessionIDs[strings.ToLower(from)]
	if id == "" {
		id = b.src.id(b.src.field(e.at, "guid"), from)
	}
	keep := id != "" // without an id it is reported, and would only be reported again
	if !keep {
		b.src.ps.Add(b.src.field(e.at, "guid"), "missing (and no id): a session needs a stable identity")
	} else if other, clash := b.sessions.take(id, from); clash {
		b.src.ps.Add(b.src.field(e.at, "guid"), "%q and %q would both be session %q: ids must differ in more than white space", other, from, id)
		keep = false
	}
	title := strings.TrimSpace(e.Title)
	if sub := strings.TrimSpace(e.Subtitle); sub != "" {
		title += ": " + sub
	}
	abstract := joinText(b.src.plain(b.src.field(e.at, "abstract"), e.Abstract), b.src.plain(b.src.field(e.at, "description"), e.Description))
	se := agenda.Session{ID: id, Title: title, Abstract: abstract, Kind: kindOf(e.Type, e.Title), JoinURL: e.JoinURL,
		TrackID: b.tracks.id(e.Track, ""), RoomID: b.rooms.id(e.Room, e.RoomSlug), SpeakerIDs: []string{}}
	if se.TrackID != "" {
		b.src.item(fmt.Sprintf("tracks[%d]", slices.IndexFunc(b.ev.Tracks, func(t agenda.Track) bool { return t.ID == se.TrackID })), b.src.field(e.at, "track"))
	}
	if se.RoomID != "" {
		b.src.item(fmt.Sprintf("rooms[%d]", slices.IndexFunc(b.ev.Rooms, func(r agenda.Room) bool { return r.ID == se.RoomID })), b.src.field(e.at, "room"))
	}
	se.Start, se.End = frabTimes(b.src, e, b.loc)
	for _, p := range e.Persons {
		if pid := b.speaker(p); pid != "" {
			se.SpeakerIDs = append(se.SpeakerIDs, pid)
		}
	}
	if keep {
		b.src.item(fmt.Sprintf("sessions[%d]", len(b.ev.Sessions)), e.at)
		b.ev.Sessions = append(b.ev.Sessions, se)
	}
}

// speaker adds a person once and returns their id, or "" (reported) without one.
func (b *frabBuilder) speaker(p frabPerson) string {
	from := cmpOr(strings.TrimSpace(p.Code), cmpOr(strings.TrimSpace(p.GUID), strings.TrimSpace(p.ID)))
	pid := b.speakerIDs[strings.ToLower(p.GUID)]
	if pid == "" && from != "" {
		pid = b.src.id(p.at, from)
	} else if pid == "" {
		pid = slugify(p.Name)
	}
	if pid == "" || strings.TrimSpace(p.Name) == "" {
		b.src.ps.Add(p.at, "a person needs a name and an id, code or guid")
		return ""
	}
	if other, clash := b.speakers.take(pid, cmpOr(from, p.Name)); clash && from != "" {
		b.src.ps.Add(p.at, "%q and %q would both be speaker %q: ids must differ in more than white space", other, from, pid)
		return ""
	}
	if !b.seen[pid] {
		b.seen[pid] = true
		b.src.item(fmt.Sprintf("speakers[%d]", len(b.ev.Speakers)), p.at)
		bio := b.src.plain(b.src.field(p.at, "biography"), p.Bio)
		b.ev.Speakers = append(b.ev.Speakers, agenda.Speaker{ID: pid, Name: strings.TrimSpace(p.Name), Bio: bio, PhotoURL: strings.TrimSpace(p.Avatar)})
	}
	return pid
}

// keepBaseDetails keeps what frab cannot carry for speakers Base already knows: title,
// company and links (and bio and photo, which schedule.xml lacks); for rooms their
// description and capacity, and for tracks their description and colour (which
// schedule.xml lacks); and Base's speakers, tracks and rooms that had no session there,
// announced ahead of their talks (a frab schedule only lists people with sessions). A speaker whose sessions all left the schedule leaves with them.
func keepBaseDetails(ev, base *agenda.Event) {
	for i, s := range ev.Speakers {
		if b, ok := base.Speaker(s.ID); ok {
			s.Title, s.Company, s.Links = cmpOr(s.Title, b.Title), cmpOr(s.Company, b.Company), b.Links
			s.Bio, s.PhotoURL = cmpOr(s.Bio, b.Bio), cmpOr(s.PhotoURL, b.PhotoURL) // schedule.xml has neither
			ev.Speakers[i] = s
		}
	}
	for i, t := range ev.Tracks {
		if b, ok := base.Track(t.ID); ok {
			ev.Tracks[i].Description = cmpOr(t.Description, b.Description)
			ev.Tracks[i].Color = cmpOr(t.Color, b.Color) // schedule.xml lists no tracks, so no colours
		}
	}
	for i, r := range ev.Rooms {
		if b, ok := base.Room(r.ID); ok {
			r.Description = cmpOr(r.Description, b.Description)
			if r.Capacity == 0 {
				r.Capacity = b.Capacity
			}
			ev.Rooms[i] = r
		}
	}
	speaking, usedTracks, usedRooms := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range base.Sessions {
		usedTracks[s.TrackID], usedRooms[s.RoomID] = true, true
		for _, id := range s.SpeakerIDs {
			speaking[id] = true
		}
	}
	for _, b := range base.Speakers {
		if _, present := ev.Speaker(b.ID); !present && !speaking[b.ID] {
			ev.Speakers = append(ev.Speakers, b)
		}
	}
	// Likewise tracks and rooms announced before their sessions (schedule.xml lists neither).
	for _, b := range base.Tracks {
		if _, present := ev.Track(b.ID); !present && !usedTracks[b.ID] {
			ev.Tracks = append(ev.Tracks, b)
		}
	}
	for _, b := range base.Rooms {
		if _, present := ev.Room(b.ID); !present && !usedRooms[b.ID] && !slices.ContainsFunc(ev.Rooms, func(r agenda.Room) bool { return r.Name == b.Name }) {
			ev.Rooms = append(ev.Rooms, b)
		}
	}
}

// frabTimes reads an event's start from its date (with offset), else from its day and
// start wall clock in the event's zone, and its end from its duration.
func frabTimes(src *source, e frabEvent, loc *time.Location) (time.Time, time.Time) {
	ps, field := &src.ps, func(name string) string { return src.field(e.at, name) }
	var start time.Time
	switch {
	case e.Date != "":
		t, err := time.Parse(time.RFC3339, e.Date)
		if err != nil {
			ps.Add(field("date"), "want an ISO 8601 time with offset such as 2025-10-25T09:00:00+02:00, got %q", e.Date)
			return time.Time{}, time.Time{}
		}
		start = t
	case e.Start != "" && e.DayDate != "" && loc != nil:
		w, err := time.Parse("2006-01-02 15:04", dateOnly(e.DayDate)+" "+e.Start)
		if err != nil {
			ps.Add(field("start"), "want HH:MM, got %q", e.Start)
			return time.Time{}, time.Time{}
		}
		if start, err = WallClock(w, loc); err != nil {
			ps.Add(field("start"), "%v", err)
			return time.Time{}, time.Time{}
		}
	default:
		ps.Add(field("date"), "missing")
		return time.Time{}, time.Time{}
	}
	d, err := parseDuration(e.Duration)
	if err != nil {
		ps.Add(field("duration"), "%v", err)
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
