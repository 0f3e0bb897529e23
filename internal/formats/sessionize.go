package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
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
}

// Sessions in these states are not on the agenda.
var szSkipped = map[string]bool{"declined": true, "nominated": true, "waitlisted": true, "rejected": true}

// szLocal is how Sessionize writes times: the venue's wall clock, without an offset.
var szLocal = []string{"2006-01-02T15:04:05", "2006-01-02T15:04"}

func readSessionize(data []byte, o Options) (*agenda.Event, error) {
	var doc szAll
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, &agenda.ValidationError{Problems: []agenda.Problem{jsonProblem(data, err)}}
	}
	var ps agenda.Problems
	ev := &agenda.Event{Slug: o.Slug, TimeZone: o.TimeZone}
	if ev.TimeZone == "" && o.Base != nil {
		ev.TimeZone = o.Base.TimeZone
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	switch {
	case ev.TimeZone == "":
		ps.Add("timeZone", "a Sessionize export has no time zone: give the event's (for example --time-zone Europe/Berlin)")
		loc = nil
	case err != nil:
		ps.Add("timeZone", "unknown time zone %q", ev.TimeZone)
		loc = nil
	}
	trackOf := szTracks(doc, o, ev, &ps)
	for i, s := range doc.Sessions {
		if s.Status == nil || !szSkipped[strings.ToLower(*s.Status)] {
			ev.Sessions = append(ev.Sessions, szSessionOf(doc, s, fmt.Sprintf("sessions[%d]", i), trackOf, loc, &ps))
		}
	}
	for i, sp := range doc.Speakers {
		ev.Speakers = append(ev.Speakers, szSpeakerOf(sp, fmt.Sprintf("speakers[%d]", i), &ps))
	}
	return finish(ev, ps, o)
}

// szSessionOf converts one session; loc is nil when the zone is unknown (reported).
func szSessionOf(doc szAll, s szSession, at string, trackOf map[string]string, loc *time.Location, ps *agenda.Problems) agenda.Session {
	se := agenda.Session{ID: idOf(string(s.ID)), Title: s.Title, Abstract: deref(s.Description), JoinURL: deref(s.LiveURL), SpeakerIDs: []string{}}
	if s.ID == "" {
		ps.Add(at+".id", "missing")
	}
	var itemNames []string
	for _, c := range s.CategoryItems {
		if id, ok := trackOf[string(c)]; ok && !s.IsPlenumSession && se.TrackID == "" {
			se.TrackID = id
		}
		itemNames = append(itemNames, szItemName(doc, string(c)))
	}
	se.Kind = kindOf(append(itemNames, s.Title)...)
	if s.IsServiceSession {
		se.Kind = agenda.KindBreak
	}
	for _, sp := range s.Speakers {
		se.SpeakerIDs = append(se.SpeakerIDs, idOf(string(sp)))
	}
	if loc != nil {
		n := len(*ps)
		se.Start = szTime(ps, at+".startsAt", s.StartsAt, loc)
		se.End = szTime(ps, at+".endsAt", s.EndsAt, loc)
		if len(*ps) > n {
			se.Start, se.End = time.Time{}, time.Time{} // reported; not also "end required"
		}
	}
	return se
}

func szSpeakerOf(sp szSpeaker, at string, ps *agenda.Problems) agenda.Speaker {
	name := strings.TrimSpace(sp.FullName)
	if name == "" {
		name = strings.TrimSpace(sp.FirstName + " " + sp.LastName)
	}
	if name == "" {
		ps.Add(at+".fullName", "missing")
	}
	s := agenda.Speaker{ID: idOf(string(sp.ID)), Name: name, Title: deref(sp.TagLine), Bio: deref(sp.Bio), PhotoURL: deref(sp.ProfilePicture)}
	for _, l := range sp.Links {
		s.Links = append(s.Links, agenda.Link{Title: cmpOr(l.Title, l.LinkType), URL: l.URL})
	}
	return s
}

// szTracks finds the category whose items are the tracks and maps item ids to track ids.
// Track ids come from the items' ids, so renaming a track in Sessionize keeps its feed URL.
func szTracks(doc szAll, o Options, ev *agenda.Event, ps *agenda.Problems) map[string]string {
	want := cmpOr(o.TrackCategory, "Track")
	var titles []string
	for _, c := range doc.Categories {
		titles = append(titles, c.Title)
		if !strings.EqualFold(strings.TrimSpace(c.Title), want) {
			continue
		}
		out := map[string]string{}
		for _, it := range c.Items {
			id := "track-" + idOf(string(it.ID))
			out[string(it.ID)] = id
			ev.Tracks = append(ev.Tracks, agenda.Track{ID: id, Name: it.Name})
		}
		return out
	}
	if o.TrackCategory != "" {
		ps.Add("categories", "no category titled %q (the export has %q)", o.TrackCategory, titles)
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
