package formats

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// The frab/c3voc schedule that schedule apps (Giggity, ConfClerk, the c3voc tools) read,
// valid against the C3VOC schemas: real rooms (sessions without one are in a room without
// a name), integer ids and guids for events and persons, slugs in the patterns the schemas
// require. Only scheduled, confirmed sessions can be expressed; guids are stable
// (SessionGUID, SpeakerGUID, RoomGUID).

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

// FrabRoom is a room of the event.
type FrabRoom struct {
	Name        string `json:"name"`
	GUID        string `json:"guid"`
	Description string `json:"description,omitempty"`
	Capacity    int    `json:"capacity,omitempty"`
}

// FrabTrack is a track.
type FrabTrack struct {
	Name  string `json:"name"`
	Color string `json:"color,omitempty"`
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
	Language         *string      `json:"language"` // null: agendas do not say
	Abstract         string       `json:"abstract"`
	Description      string       `json:"description"`
	RecordingLicense string       `json:"recording_license"`
	DoNotRecord      bool         `json:"do_not_record"`
	Persons          []FrabPerson `json:"persons"`
	Links            []FrabLink   `json:"links"`
	Attachments      []FrabLink   `json:"attachments"`
}

// FrabPerson is a speaker of an event, in pretalx's shape (name, not frab's public_name:
// the schema takes one or the other).
type FrabPerson struct {
	ID        int    `json:"id"`
	GUID      string `json:"guid"`
	Name      string `json:"name"`
	Biography string `json:"biography"`
	Avatar    string `json:"avatar,omitempty"`
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
	*c = FrabConference{Acronym: frabAcronym(ev.Slug), Title: ev.Name, Start: ev.StartDate, End: ev.EndDate, TimeslotDuration: "00:05",
		TimeZoneName: ev.TimeZone, URL: ev.Website, Rooms: []FrabRoom{}, Tracks: []FrabTrack{}, Days: []FrabDay{}}
	for _, t := range ev.Tracks {
		c.Tracks = append(c.Tracks, FrabTrack{Name: t.Name, Color: t.Color})
	}
	for _, r := range ev.Rooms {
		c.Rooms = append(c.Rooms, FrabRoom{Name: r.Name, GUID: RoomGUID(ev.Slug, r.ID), Description: r.Description, Capacity: r.Capacity})
	}
	first, _ := time.ParseInLocation(time.DateOnly, ev.StartDate, loc)
	last, _ := time.ParseInLocation(time.DateOnly, ev.EndDate, loc)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		c.Days = append(c.Days, FrabDay{Index: len(c.Days) + 1, Date: d.Format(time.DateOnly), DayStart: d.Format(time.RFC3339),
			DayEnd: d.AddDate(0, 0, 1).Add(-time.Second).Format(time.RFC3339), Rooms: map[string][]FrabEvent{}})
	}
	c.DaysCount = len(c.Days)
	sessions := slices.Clone(ev.Sessions)
	slices.SortStableFunc(sessions, func(a, b agenda.Session) int { return a.Start.Compare(b.Start) })
	n := newFrabNumbers(ev)
	for _, se := range sessions {
		if !se.Scheduled() || se.Status == agenda.StatusCancelled {
			continue
		}
		start := se.Start.In(loc)
		day := slices.IndexFunc(c.Days, func(d FrabDay) bool { return d.Date == start.Format(time.DateOnly) })
		if day < 0 {
			continue
		}
		e := newFrabEvent(ev, se, start, pageURL, n)
		c.Days[day].Rooms[e.Room] = append(c.Days[day].Rooms[e.Room], e)
	}
	return s
}

func newFrabEvent(ev *agenda.Event, se agenda.Session, start time.Time, pageURL string, n *frabNumbers) FrabEvent {
	d := se.End.Sub(se.Start)
	id := n.sessions[se.ID]
	e := FrabEvent{
		GUID: SessionGUID(ev.Slug, se.ID), ID: id, Date: start.Format(time.RFC3339), Start: start.Format("15:04"),
		Duration: fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60), Room: ev.RoomName(se),
		Slug: frabSlug(ev.Slug, id, se.Title), URL: pageURL + "/sessions/" + agenda.PathID(se.ID), Title: se.Title,
		Type: string(se.Kind), Abstract: se.Abstract, Persons: []FrabPerson{}, Links: []FrabLink{}, Attachments: []FrabLink{},
	}
	if t, ok := ev.Track(se.TrackID); ok {
		e.Track = &t.Name
	}
	if se.JoinURL != "" {
		e.Links = append(e.Links, FrabLink{Title: joinLinkTitle, URL: se.JoinURL})
	}
	for _, id := range se.SpeakerIDs {
		sp, _ := ev.Speaker(id)
		e.Persons = append(e.Persons, FrabPerson{ID: n.speakers[sp.ID], GUID: SpeakerGUID(ev.Slug, sp.ID), Name: sp.Name,
			Biography: sp.Bio, Avatar: sp.PhotoURL})
	}
	return e
}

// joinLinkTitle marks a session's own join link among an event's links.
const joinLinkTitle = "Join"

// frabNumbers are the integer ids frab requires, stable across revisions: a speaker whose
// id is a number (frab's and FOSDEM's persons) keeps it; everything else gets a number
// from a hash of its identity, and the rare collision moves to the next free number (in
// the order of the ids, so the same agenda always numbers the same way).
type frabNumbers struct {
	sessions, speakers map[string]int
}

func newFrabNumbers(ev *agenda.Event) *frabNumbers {
	n := &frabNumbers{sessions: map[string]int{}, speakers: map[string]int{}}
	number(n.sessions, ev.Sessions, func(s agenda.Session) string { return s.ID }, func(id string) int { return frabID(agenda.UID(ev.Slug, id)) })
	number(n.speakers, ev.Speakers, func(s agenda.Speaker) string { return s.ID }, func(id string) int {
		if v, err := strconv.Atoi(id); err == nil && v > 0 && strconv.Itoa(v) == id && v <= math.MaxInt32 {
			return v
		}
		return frabID("speaker:" + id + "." + ev.Slug + "@confcal")
	})
	return n
}

func number[T any](out map[string]int, items []T, id func(T) string, hash func(string) int) {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, id(it))
	}
	slices.Sort(ids)
	used := make(map[int]bool, len(ids))
	for _, k := range ids {
		v := hash(k)
		for used[v] {
			v = v%math.MaxInt32 + 1
		}
		used[v], out[k] = true, v
	}
}

// frabID is a stable positive 31-bit integer for an identity (a session's UID).
func frabID(identity string) int {
	sum := sha256.Sum256([]byte(identity))
	return max(int(binary.BigEndian.Uint32(sum[:4])>>1), 1)
}

// frabAcronym is the event's slug as the schemas' acronym pattern wants it: lowercase
// letters, digits and underscores, at least four.
func frabAcronym(slug string) string {
	a := strings.ReplaceAll(slug, "-", "_")
	for len(a) < 4 {
		a += "_"
	}
	return a
}

// frabSlug is an event's slug: the acronym, its number and its title, as c3voc writes
// them ("p99conf_24-123456-rust-io-uring-ktls").
func frabSlug(event string, id int, title string) string {
	t := slugify(title)
	if len(t) > 40 {
		t = strings.TrimRight(t[:40], "-")
	}
	s := fmt.Sprintf("%s-%06d", frabAcronym(event), id)
	if t != "" {
		s += "-" + t
	}
	return s
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
	ID   int    `xml:"id,attr"`
	GUID string `xml:"guid,attr"`
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
	Language    string      `xml:"language,omitempty"`
	Abstract    string      `xml:"abstract"`
	Description string      `xml:"description"`
	Persons     []xmlPerson `xml:"persons>person"`
	Links       []xmlLink   `xml:"links>link"`
}

type xmlRoom struct {
	Name   string     `xml:"name,attr"`
	GUID   string     `xml:"guid,attr,omitempty"`
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
		rooms := c.Rooms
		if len(d.Rooms[""]) > 0 {
			rooms = append(slices.Clone(rooms), FrabRoom{}) // sessions without a room
		}
		for _, r := range rooms {
			xr := xmlRoom{Name: r.Name, GUID: r.GUID}
			for _, e := range d.Rooms[r.Name] {
				xe := xmlEvent{GUID: e.GUID, ID: e.ID, Date: e.Date, Start: e.Start, Duration: e.Duration, Room: e.Room, Slug: e.Slug,
					URL: e.URL, Title: e.Title, Type: e.Type, Abstract: e.Abstract}
				if e.Track != nil {
					xe.Track = *e.Track
				}
				for _, p := range e.Persons {
					xe.Persons = append(xe.Persons, xmlPerson{ID: p.ID, GUID: p.GUID, Name: p.Name})
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
