package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
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
			Title        string `json:"title"`
			Start        string `json:"start"`
			End          string `json:"end"`
			TimeZoneName string `json:"time_zone_name"`
			URL          string `json:"url"`
			Rooms        []struct {
				Name string `json:"name"`
			} `json:"rooms"`
			Tracks []struct {
				Name string `json:"name"`
			} `json:"tracks"`
			Days []struct {
				Date  string                       `json:"date"`
				Rooms map[string][]json.RawMessage `json:"rooms"`
			} `json:"days"`
		} `json:"conference"`
	} `json:"schedule"`
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

func readPretalx(data []byte, o Options) (*agenda.Event, error) {
	var doc pxDoc
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, &agenda.ValidationError{Problems: []agenda.Problem{jsonProblem(data, err)}}
	}
	if doc.Schedule == nil {
		return nil, &agenda.ValidationError{Problems: []agenda.Problem{{Field: "schedule", Message: "missing: not a schedule.json"}}}
	}
	c := doc.Schedule.Conference
	conf := frabConference{Title: c.Title, Start: c.Start, End: c.End, TimeZone: c.TimeZoneName, URL: c.URL}
	for _, t := range c.Tracks {
		conf.Tracks = append(conf.Tracks, t.Name)
	}
	var ps agenda.Problems
	var events []frabEvent
	order := []string{}
	for _, r := range c.Rooms {
		order = append(order, r.Name)
	}
	for d, day := range c.Days {
		// Rooms are an object keyed by name: walk them in the conference's room order.
		names := make([]string, 0, len(day.Rooms))
		for name := range day.Rooms {
			names = append(names, name)
		}
		slices.SortFunc(names, func(a, b string) int { return roomRank(order, a) - roomRank(order, b) })
		for _, room := range names {
			for i, raw := range day.Rooms[room] {
				at := fmt.Sprintf("schedule.conference.days[%d].rooms[%s][%d]", d, strconv.Quote(room), i)
				var e pxEvent
				if err := json.Unmarshal(raw, &e); err != nil {
					ps.Add(at, "%v", err)
					continue
				}
				fe := frabEvent{at: at, GUID: e.GUID, ID: string(e.ID), Date: e.Date, Start: e.Start, Duration: e.Duration,
					DayDate: day.Date, Room: cmpOr(e.Room, room), Title: e.Title, Subtitle: deref(e.Subtitle), Track: deref(e.Track),
					Type: e.Type, Abstract: deref(e.Abstract), Description: deref(e.Description), JoinURL: joinLink(e.Links)}
				for j, p := range e.Persons {
					fe.Persons = append(fe.Persons, frabPerson{at: fmt.Sprintf("%s.persons[%d]", at, j), Code: p.Code, GUID: p.GUID,
						ID: string(p.ID), Name: cmpOr(p.PublicName, p.Name), Bio: deref(p.Biography), Avatar: deref(p.Avatar)})
				}
				events = append(events, fe)
			}
		}
	}
	return fromFrab(conf, events, ps, o)
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
