package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// Sessionize's "All" export: five arrays, no event name, no time zone, no version.
type szAll struct {
	Sessions   []szSession    `json:"sessions"`
	Speakers   []szSpeaker    `json:"speakers"`
	Categories []szCategory   `json:"categories"`
	Rooms      []szRoom       `json:"rooms"`
	Questions  []szIgnoredAny `json:"questions"`
}

type szIgnoredAny = json.RawMessage

type szSession struct {
	ID               flexID   `json:"id"`
	Title            string   `json:"title"`
	Description      *string  `json:"description"`
	StartsAt         *string  `json:"startsAt"`
	EndsAt           *string  `json:"endsAt"`
	IsServiceSession bool     `json:"isServiceSession"`
	IsPlenumSession  bool     `json:"isPlenumSession"`
	Speakers         []flexID `json:"speakers"`
	CategoryItems    []flexID `json:"categoryItems"`
	RoomID           *flexID  `json:"roomId"`
	LiveURL          *string  `json:"liveUrl"`
	Status           *string  `json:"status"`
}

type szSpeaker struct {
	ID             flexID   `json:"id"`
	FirstName      string   `json:"firstName"`
	LastName       string   `json:"lastName"`
	FullName       string   `json:"fullName"`
	Bio            *string  `json:"bio"`
	TagLine        *string  `json:"tagLine"`
	ProfilePicture *string  `json:"profilePicture"`
	Links          []szLink `json:"links"`
	Sessions       []flexID `json:"sessions"`
}

type szLink struct {
	Title    string `json:"title"`
	URL      string `json:"url"`
	LinkType string `json:"linkType"`
}

type szCategory struct {
	ID    flexID `json:"id"`
	Title string `json:"title"`
	Items []struct {
		ID   flexID `json:"id"`
		Name string `json:"name"`
	} `json:"items"`
}

type szRoom struct {
	ID   flexID `json:"id"`
	Name string `json:"name"`
	Sort int    `json:"sort"`
}

// szNames are Sessionize's names of native fields, for problems found by validation.
var szNames = map[string]string{"sessions.abstract": "description", "sessions.speakerIds": "speakers",
	"sessions.start": "startsAt", "sessions.end": "endsAt", "sessions.joinUrl": "liveUrl", "speakers.name": "fullName",
	"speakers.title": "tagLine", "speakers.photoUrl": "profilePicture"}

// Sessions in these states are not on the agenda.
var szSkipped = map[string]bool{"declined": true, "nominated": true, "waitlisted": true, "rejected": true}

// szLocal is how Sessionize writes times: the venue's wall clock, without an offset.
var szLocal = []string{"2006-01-02T15:04:05", "2006-01-02T15:04"}

func readSessionize(data []byte, o Options) (*agenda.Event, agenda.Problems, error) {
	var doc szAll
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, nil, &agenda.ValidationError{Problems: []agenda.Problem{jsonProblem(data, err)}}
	}
	src := newSource(false, szNames)
	ev := &agenda.Event{Slug: o.Slug, TimeZone: o.TimeZone}
	if ev.TimeZone == "" && o.Base != nil {
		ev.TimeZone = o.Base.TimeZone
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	switch {
	case ev.TimeZone == "":
		src.ps.Add("timeZone", "a Sessionize export has no time zone: give the event's (for example --time-zone Europe/Berlin)")
		loc = nil
	case err != nil:
		src.ps.Add("timeZone", "unknown time zone %q", ev.TimeZone)
		loc = nil
	}
	r := szReader{doc: doc, src: src, loc: loc, ev: ev}
	r.trackOf = szTracks(doc, o, ev, src)
	r.roomOf = szRooms(doc, ev, src)
	for i, s := range doc.Sessions {
		if s.Status == nil || !szSkipped[strings.ToLower(*s.Status)] {
			r.session(s, fmt.Sprintf("sessions[%d]", i))
		}
	}
	for i, sp := range doc.Speakers {
		at := fmt.Sprintf("speakers[%d]", i)
		src.item(fmt.Sprintf("speakers[%d]", len(ev.Speakers)), at)
		ev.Speakers = append(ev.Speakers, szSpeakerOf(sp, at, src))
	}
	return finish(ev, src, o)
}

// szReader converts sessions; loc is nil when the zone is unknown (reported).
type szReader struct {
	doc             szAll
	src             *source
	loc             *time.Location
	ev              *agenda.Event
	trackOf, roomOf map[string]string // Sessionize ids → ours
}

func (r *szReader) session(s szSession, at string) {
	ps := &r.src.ps
	se := agenda.Session{ID: r.src.id(at+".id", string(s.ID)), Title: s.Title, Abstract: r.src.plain(at+".description", deref(s.Description)),
		JoinURL: deref(s.LiveURL), SpeakerIDs: []string{}}
	if s.ID == "" {
		ps.Add(at+".id", "missing")
	}
	var itemNames []string
	for _, c := range s.CategoryItems {
		if id, ok := r.trackOf[string(c)]; ok && !s.IsPlenumSession && se.TrackID == "" {
			se.TrackID = id
		}
		itemNames = append(itemNames, szItemName(r.doc, string(c)))
	}
	if s.RoomID != nil && *s.RoomID != "" {
		if se.RoomID = r.roomOf[string(*s.RoomID)]; se.RoomID == "" {
			ps.Add(at+".roomId", "no room has id %s", *s.RoomID)
		}
	}
	se.Kind = kindOf(append(itemNames, s.Title)...)
	if s.IsServiceSession {
		se.Kind = agenda.KindBreak
	}
	for _, sp := range s.Speakers {
		se.SpeakerIDs = append(se.SpeakerIDs, idOf(string(sp)))
	}
	if r.loc != nil {
		n := len(*ps)
		se.Start = szTime(ps, at+".startsAt", s.StartsAt, r.loc)
		se.End = szTime(ps, at+".endsAt", s.EndsAt, r.loc)
		if len(*ps) > n {
			se.Start, se.End = time.Time{}, time.Time{} // reported; not also "end required"
		}
	}
	r.src.item(fmt.Sprintf("sessions[%d]", len(r.ev.Sessions)), at)
	r.ev.Sessions = append(r.ev.Sessions, se)
}

// szRooms adds the export's rooms in their sort order and maps Sessionize's room ids to
// ours ("room-" and theirs, so renaming a room in Sessionize keeps its feed's URL).
func szRooms(doc szAll, ev *agenda.Event, src *source) map[string]string {
	order := make([]int, len(doc.Rooms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return doc.Rooms[a].Sort - doc.Rooms[b].Sort })
	out := map[string]string{}
	for _, i := range order {
		r := doc.Rooms[i]
		id := "room-" + idOf(string(r.ID))
		out[string(r.ID)] = id
		src.item(fmt.Sprintf("rooms[%d]", len(ev.Rooms)), fmt.Sprintf("rooms[%d]", i))
		ev.Rooms = append(ev.Rooms, agenda.Room{ID: id, Name: r.Name})
	}
	return out
}

func szSpeakerOf(sp szSpeaker, at string, src *source) agenda.Speaker {
	name := strings.TrimSpace(sp.FullName)
	if name == "" {
		name = strings.TrimSpace(sp.FirstName + " " + sp.LastName)
	}
	if name == "" {
		src.ps.Add(at+".fullName", "missing")
	}
	s := agenda.Speaker{ID: src.id(at+".id", string(sp.ID)), Name: name, Title: deref(sp.TagLine), Bio: src.plain(at+".bio", deref(sp.Bio)),
		PhotoURL: deref(sp.ProfilePicture)}
	for _, l := range sp.Links {
		s.Links = append(s.Links, agenda.Link{Title: cmpOr(l.Title, l.LinkType), URL: l.URL})
	}
	return s
}

// szTracks finds the category whose items are the tracks and maps item ids to track ids.
// Track ids come from the items' ids, so renaming a track in Sessionize keeps its feed URL.
func szTracks(doc szAll, o Options, ev *agenda.Event, src *source) map[string]string {
	want := cmpOr(o.TrackCategory, "Track")
	var titles []string
	for _, c := range doc.Categories {
		titles = append(titles, c.Title)
		if !strings.EqualFold(strings.TrimSpace(c.Title), want) {
			continue
		}
		out := map[string]string{}
		for k, it := range c.Items {
			id := "track-" + idOf(string(it.ID))
			out[string(it.ID)] = id
			src.item(fmt.Sprintf("tracks[%d]", len(ev.Tracks)), fmt.Sprintf("categories[%d].items[%d]", len(titles)-1, k))
			ev.Tracks = append(ev.Tracks, agenda.Track{ID: id, Name: it.Name})
		}
		return out
	}
	if o.TrackCategory != "" {
		src.ps.Add("categories", "no category titled %q (the export has %q)", o.TrackCategory, titles)
	}
	return nil
}

func szItemName(doc szAll, id string) string {
	for _, c := range doc.Categories {
		for _, it := range c.Items {
			if string(it.ID) == id {
				return it.Name
			}
		}
	}
	return ""
}

func szTime(ps *agenda.Problems, field string, v *string, loc *time.Location) time.Time {
	if v == nil || *v == "" {
		return time.Time{} // not scheduled yet
	}
	for _, layout := range szLocal {
		if w, err := time.Parse(layout, *v); err == nil {
			t, err := WallClock(w, loc)
			if err != nil {
				ps.Add(field, "%v", err)
			}
			return t
		}
	}
	if t, err := time.Parse(time.RFC3339, *v); err == nil {
		return t
	}
	ps.Add(field, "want a local time such as 2025-10-25T09:00:00, got %q", *v)
	return time.Time{}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}
