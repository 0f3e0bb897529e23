package formats

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/confcal/confcal/internal/agenda"
)

// pretalx / frab schedule.json (the c3voc schema family).
type pxDoc struct {
	Schedule *struct {
		URL        string `json:"url"`
		Conference struct {
			Title        string   `json:"title"`
			Start        string   `json:"start"`
			End          string   `json:"end"`
			TimeZoneName string   `json:"time_zone_name"`
			URL          string   `json:"url"`
			Rooms        []pxRoom `json:"rooms"`
			Tracks       []struct {
				Name  string `json:"name"`
				Color string `json:"color"`
			} `json:"tracks"`
			Days []pxDay `json:"days"`
		} `json:"conference"`
		Events json.RawMessage `json:"events"` // only in c3voc schedule2, which is refused
	} `json:"schedule"`
}

type pxDay struct {
	Date  string                       `json:"date"`
	Rooms map[string][]json.RawMessage `json:"rooms"`
}

type pxRoom struct {
	Name        string          `json:"name"`
	Slug        string          `json:"slug"`
	Description json.RawMessage `json:"description"` // a string, null, or {"en": …, "de": …}
	Capacity    *float64        `json:"capacity"`
}

// text is the room's description: the string, or of translations the English one (else
// the first by language code).
func (r pxRoom) text() string {
	var s string
	if json.Unmarshal(r.Description, &s) == nil {
		return strings.TrimSpace(s)
	}
	var byLang map[string]*string
	if json.Unmarshal(r.Description, &byLang) != nil || len(byLang) == 0 {
		return ""
	}
	if en := byLang["en"]; en != nil {
		return strings.TrimSpace(*en)
	}
	for _, k := range slices.Sorted(maps.Keys(byLang)) {
		if v := byLang[k]; v != nil && strings.TrimSpace(*v) != "" {
			return strings.TrimSpace(*v)
		}
	}
	return ""
}

type pxEvent struct {
	GUID        string     `json:"guid"`
	ID          flexID     `json:"id"`
	Date        string     `json:"date"`
	Start       string     `json:"start"`
	Duration    string     `json:"duration"`
	Room        string     `json:"room"`
	Title       string     `json:"title"`
	Subtitle    *string    `json:"subtitle"`
	Track       *string    `json:"track"`
	Type        string     `json:"type"`
	Abstract    *string    `json:"abstract"`
	Description *string    `json:"description"`
	Persons     []pxPerson `json:"persons"`
	Links       []FrabLink `json:"links"`
}

type pxPerson struct {
	Code       string  `json:"code"`
	GUID       string  `json:"guid"`
	ID         flexID  `json:"id"`
	Name       string  `json:"name"`
	PublicName string  `json:"public_name"`
	Biography  *string `json:"biography"`
	Avatar     *string `json:"avatar"`
}

func readPretalx(data []byte, o Options) (*agenda.Event, agenda.Problems, error) {
	var doc pxDoc
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, nil, &agenda.ValidationError{Problems: []agenda.Problem{jsonProblem(data, err)}}
	}
	if doc.Schedule == nil {
		return nil, nil, &agenda.ValidationError{Problems: []agenda.Problem{{Field: "schedule", Message: "missing: not a schedule.json"}}}
	}
	c := doc.Schedule.Conference
	if len(doc.Schedule.Events) > 0 && !slices.ContainsFunc(c.Days, func(d pxDay) bool { return len(d.Rooms) > 0 }) {
		return nil, nil, errSchedule2 // said as pretalx, but events are in one list: schedule2
	}
	conf := frabConference{Title: c.Title, Start: c.Start, End: c.End, TimeZone: c.TimeZoneName, URL: c.URL}
	for _, t := range c.Tracks {
		conf.Tracks = append(conf.Tracks, t.Name)
		conf.TrackColors = append(conf.TrackColors, t.Color)
	}
	order := []string{}
	for _, r := range c.Rooms {
		order = append(order, strings.TrimSpace(r.Name))
		room := frabRoom{Name: r.Name, Slug: r.Slug, Description: r.text()}
		if r.Capacity != nil && *r.Capacity > 0 && *r.Capacity <= agenda.MaxCapacity {
			room.Capacity = int(*r.Capacity)
		}
		conf.Rooms = append(conf.Rooms, room)
	}
	src := newSource(false, frabNames)
	var events []frabEvent
	for d, day := range c.Days {
		// Rooms are an object keyed by name: walk them in the conference's room order.
		names := make([]string, 0, len(day.Rooms))
		for name := range day.Rooms {
			names = append(names, name)
		}
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(roomRank(order, a)-roomRank(order, b), strings.Compare(a, b))
		})
		for _, room := range names {
			for i, raw := range day.Rooms[room] {
				at := fmt.Sprintf("schedule.conference.days[%d].rooms[%s][%d]", d, strconv.Quote(room), i)
				var e pxEvent
				if err := json.Unmarshal(raw, &e); err != nil {
					src.ps.Add(at, "%v", err)
					continue
				}
				events = append(events, pxEventOf(e, at, day.Date, room))
			}
		}
	}
	return fromFrab(conf, events, src, o)
}

func pxEventOf(e pxEvent, at, dayDate, room string) frabEvent {
	fe := frabEvent{at: at, GUID: e.GUID, ID: string(e.ID), Date: e.Date, Start: e.Start, Duration: e.Duration,
		DayDate: dayDate, Room: cmpOr(strings.TrimSpace(e.Room), strings.TrimSpace(room)), Title: e.Title, Subtitle: deref(e.Subtitle),
		Track: deref(e.Track), Type: e.Type, Abstract: deref(e.Abstract), Description: deref(e.Description), JoinURL: joinLink(e.Links)}
	for j, p := range e.Persons {
		fe.Persons = append(fe.Persons, frabPerson{at: fmt.Sprintf("%s.persons[%d]", at, j), Code: p.Code, GUID: p.GUID,
			ID: string(p.ID), Name: cmpOr(p.PublicName, p.Name), Bio: deref(p.Biography), Avatar: deref(p.Avatar)})
	}
	return fe
}

func roomRank(order []string, name string) int {
	if i := slices.Index(order, name); i >= 0 {
		return i
	}
	return len(order)
}

// joinLink is the URL of a link titled "Join" (how confcal's export carries a session's
// own join link).
func joinLink(links []FrabLink) string {
	for _, l := range links {
		if strings.EqualFold(strings.TrimSpace(l.Title), joinLinkTitle) {
			return strings.TrimSpace(l.URL)
		}
	}
	return ""
}
