package formats

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// The frab/c3voc schedule that schedule apps (Giggity, ConfClerk, the c3voc tools) read.
// Tracks are the rooms (our parallel lines); sessions without a track are in mainRoom.
// Only scheduled, confirmed sessions can be expressed; guids are stable (SessionGUID).

const mainRoom = "Main stage"

// FrabSchedule is the JSON form; the XML form is written from the same values.
type FrabSchedule struct {
	Schema    string `json:"$schema"`
	Generator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"generator"`
	Schedule struct {
		Version    string         `json:"version"`
		BaseURL    string         `json:"base_url"`
		URL        string         `json:"url"`
		Conference FrabConference `json:"conference"`
	} `json:"schedule"`
}

// FrabConference is the schedule's conference.
type FrabConference struct {
	Acronym          string      `json:"acronym"`
	Title            string      `json:"title"`
	Start            string      `json:"start"`
	End              string      `json:"end"`
	DaysCount        int         `json:"daysCount"`
	TimeslotDuration string      `json:"timeslot_duration"`
	TimeZoneName     string      `json:"time_zone_name"`
	URL              string      `json:"url,omitempty"`
	Rooms            []FrabRoom  `json:"rooms"`
	Tracks           []FrabTrack `json:"tracks"`
	Days             []FrabDay   `json:"days"`
}

// FrabRoom is a room (a track, or the main stage).
type FrabRoom struct {
	Name string `json:"name"`
	GUID string `json:"guid"`
}

// FrabTrack is a track.
type FrabTrack struct {
	Name string `json:"name"`
}

// FrabDay is one day; Rooms maps room names to their events in time order.
type FrabDay struct {
	Index    int                    `json:"index"`
	Date     string                 `json:"date"`
	DayStart string                 `json:"day_start"`
	DayEnd   string                 `json:"day_end"`
	Rooms    map[string][]FrabEvent `json:"rooms"`
}

// FrabEvent is one session.
type FrabEvent struct {
	GUID             string       `json:"guid"`
	ID               int          `json:"id"`
	Date             string       `json:"date"`
	Start            string       `json:"start"`
	Duration         string       `json:"duration"`
	Room             string       `json:"room"`
	Slug             string       `json:"slug"`
	URL              string       `json:"url"`
	Title            string       `json:"title"`
	Subtitle         string       `json:"subtitle"`
	Track            *string      `json:"track"`
	Type             string       `json:"type"`
	Language         string       `json:"language"`
	Abstract         string       `json:"abstract"`
	Description      string       `json:"description"`
	RecordingLicense string       `json:"recording_license"`
	DoNotRecord      bool         `json:"do_not_record"`
	Persons          []FrabPerson `json:"persons"`
	Links            []FrabLink   `json:"links"`
	Attachments      []FrabLink   `json:"attachments"`
}

// FrabPerson is a speaker of an event.
type FrabPerson struct {
	GUID       string `json:"guid"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	PublicName string `json:"public_name"`
	Biography  string `json:"biography"`
	Avatar     string `json:"avatar,omitempty"`
}

// FrabLink is a titled link.
type FrabLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// NewFrabSchedule lays an event out as a frab schedule. pageURL is the event's hosted page.
func NewFrabSchedule(ev *agenda.Event, revision int, pageURL string) *FrabSchedule {
	loc := ev.Zone()
	s := &FrabSchedule{Schema: "https://c3voc.de/schedule/schema.json"}
	s.Generator.Name, s.Generator.Version = "confcal", "1"
	s.Schedule.Version = fmt.Sprintf("revision %d", revision)
	s.Schedule.BaseURL, s.Schedule.URL = strings.TrimSuffix(pageURL, "/events/"+ev.Slug), pageURL
	c := &s.Schedule.Conference
	*c = FrabConference{Acronym: ev.Slug, Title: ev.Name, Start: ev.StartDate, End: ev.EndDate, TimeslotDuration: "00:05",
		TimeZoneName: ev.TimeZone, URL: ev.Website, Rooms: []FrabRoom{}, Tracks: []FrabTrack{}, Days: []FrabDay{}}
	rooms := []string{}
	for _, t := range ev.Tracks {
		c.Tracks = append(c.Tracks, FrabTrack{Name: t.Name})
		rooms = append(rooms, t.Name)
	}
	rooms = append(rooms, mainRoom)
	first, _ := time.ParseInLocation(time.DateOnly, ev.StartDate, loc)
	last, _ := time.ParseInLocation(time.DateOnly, ev.EndDate, loc)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		c.Days = append(c.Days, FrabDay{Index: len(c.Days) + 1, Date: d.Format(time.DateOnly), DayStart: d.Format(time.RFC3339),
			DayEnd: d.AddDate(0, 0, 1).Add(-time.Second).Format(time.RFC3339), Rooms: map[string][]FrabEvent{}})
	}
	c.DaysCount = len(c.Days)
	used := map[string]bool{}
	sessions := slices.Clone(ev.Sessions)
	slices.SortStableFunc(sessions, func(a, b agenda.Session) int { return a.Start.Compare(b.Start) })
	for _, se := range sessions {
		if !se.Scheduled() || se.Status == agenda.StatusCancelled {
			continue
		}
		start := se.Start.In(loc)
		day := slices.IndexFunc(c.Days, func(d FrabDay) bool { return d.Date == start.Format(time.DateOnly) })
		if day < 0 {
			continue
		}
		e := newFrabEvent(ev, se, start, pageURL)
		used[e.Room] = true
		c.Days[day].Rooms[e.Room] = append(c.Days[day].Rooms[e.Room], e)
	}
	for _, r := range rooms {
		if used[r] || r != mainRoom {
			c.Rooms = append(c.Rooms, FrabRoom{Name: r, GUID: SessionGUID(ev.Slug, "room:"+r)})
		}
	}
	return s
}

func newFrabEvent(ev *agenda.Event, se agenda.Session, start time.Time, pageURL string) FrabEvent {
	d := se.End.Sub(se.Start)
	e := FrabEvent{
		GUID: SessionGUID(ev.Slug, se.ID), ID: frabID(ev.Slug, se.ID), Date: start.Format(time.RFC3339), Start: start.Format("15:04"),
		Duration: fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60), Room: mainRoom, Slug: ev.Slug + "-" + se.ID,
		URL: pageURL + "/sessions/" + se.ID, Title: se.Title, Type: string(se.Kind), Language: "en", Abstract: se.Abstract,
		Persons: []FrabPerson{}, Links: []FrabLink{}, Attachments: []FrabLink{},
	}
	if t, ok := ev.Track(se.TrackID); ok {
		e.Room, e.Track = t.Name, &t.Name
	}
	if se.JoinURL != "" {
		e.Links = append(e.Links, FrabLink{Title: joinLinkTitle, URL: se.JoinURL})
	}
	for _, id := range se.SpeakerIDs {
		sp, _ := ev.Speaker(id)
		e.Persons = append(e.Persons, FrabPerson{GUID: SpeakerGUID(ev.Slug, sp.ID), Code: sp.ID, Name: sp.Name, PublicName: sp.Name,
			Biography: sp.Bio, Avatar: sp.PhotoURL})
	}
	return e
}

// joinLinkTitle marks a session's own join link among an event's links.
const joinLinkTitle = "Join"

// frabID is a stable positive integer for a session: frab ids are numbers.
func frabID(event, session string) int {
	sum := sha256.Sum256([]byte(agenda.UID(event, session)))
	return int(binary.BigEndian.Uint32(sum[:4]) >> 1)
}

// EncodeFrabJSON writes the schedule.json.
func EncodeFrabJSON(s *FrabSchedule) ([]byte, error) {
	return json.MarshalIndent(s, "", "  ")
}

// The XML twin's elements, as schedule.xml readers expect them.
type xmlConference struct {
	Acronym          string `xml:"acronym"`
	Title            string `xml:"title"`
	Start            string `xml:"start"`
	End              string `xml:"end"`
	Days             int    `xml:"days"`
	TimeslotDuration string `xml:"timeslot_duration"`
	BaseURL          string `xml:"base_url"`
	TimeZoneName     string `xml:"time_zone_name"`
}

type xmlPerson struct {
	GUID string `xml:"guid,attr"`
	Code string `xml:"code,attr"`
	Name string `xml:",chardata"`
}

type xmlLink struct {
	Href  string `xml:"href,attr"`
	Title string `xml:",chardata"`
}

type xmlEvent struct {
	GUID        string      `xml:"guid,attr"`
	ID          int         `xml:"id,attr"`
	Date        string      `xml:"date"`
	Start       string      `xml:"start"`
	Duration    string      `xml:"duration"`
	Room        string      `xml:"room"`
	Slug        string      `xml:"slug"`
	URL         string      `xml:"url"`
	Title       string      `xml:"title"`
	Subtitle    string      `xml:"subtitle"`
	Track       string      `xml:"track"`
	Type        string      `xml:"type"`
	Language    string      `xml:"language"`
	Abstract    string      `xml:"abstract"`
	Description string      `xml:"description"`
	Persons     []xmlPerson `xml:"persons>person"`
	Links       []xmlLink   `xml:"links>link"`
}

type xmlRoom struct {
	Name   string     `xml:"name,attr"`
	GUID   string     `xml:"guid,attr"`
	Events []xmlEvent `xml:"event"`
}

type xmlDay struct {
	Index int       `xml:"index,attr"`
	Date  string    `xml:"date,attr"`
	Start string    `xml:"start,attr"`
	End   string    `xml:"end,attr"`
	Rooms []xmlRoom `xml:"room"`
}

type xmlSchedule struct {
	XMLName    xml.Name      `xml:"schedule"`
	Version    string        `xml:"version"`
	Conference xmlConference `xml:"conference"`
	Days       []xmlDay      `xml:"day"`
}

// EncodeFrabXML writes the schedule.xml twin.
func EncodeFrabXML(s *FrabSchedule) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	c := s.Schedule.Conference
	out := xmlSchedule{Version: s.Schedule.Version, Conference: xmlConference{Acronym: c.Acronym, Title: c.Title, Start: c.Start, End: c.End,
		Days: c.DaysCount, TimeslotDuration: c.TimeslotDuration, BaseURL: s.Schedule.BaseURL, TimeZoneName: c.TimeZoneName}}
	for _, d := range c.Days {
		xd := xmlDay{Index: d.Index, Date: d.Date, Start: d.DayStart, End: d.DayEnd}
		for _, r := range c.Rooms {
			xr := xmlRoom{Name: r.Name, GUID: r.GUID}
			for _, e := range d.Rooms[r.Name] {
				xe := xmlEvent{GUID: e.GUID, ID: e.ID, Date: e.Date, Start: e.Start, Duration: e.Duration, Room: e.Room, Slug: e.Slug,
					URL: e.URL, Title: e.Title, Type: e.Type, Language: e.Language, Abstract: e.Abstract}
				if e.Track != nil {
					xe.Track = *e.Track
				}
				for _, p := range e.Persons {
					xe.Persons = append(xe.Persons, xmlPerson{GUID: p.GUID, Code: p.Code, Name: p.Name})
				}
				for _, l := range e.Links {
					xe.Links = append(xe.Links, xmlLink{Href: l.URL, Title: l.Title})
				}
				xr.Events = append(xr.Events, xe)
			}
			xd.Rooms = append(xd.Rooms, xr)
		}
		out.Days = append(out.Days, xd)
	}
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
