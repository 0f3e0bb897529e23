package formats

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/confcal/confcal/internal/agenda"
)

// frab's schedule.xml: <schedule><conference/><day date><room name><event guid>…
type fxEvent struct {
	GUID        string `xml:"guid,attr"`
	ID          string `xml:"id,attr"`
	Date        string `xml:"date"`
	Start       string `xml:"start"`
	Duration    string `xml:"duration"`
	Room        string `xml:"room"`
	Title       string `xml:"title"`
	Subtitle    string `xml:"subtitle"`
	Track       string `xml:"track"`
	Type        string `xml:"type"`
	Abstract    string `xml:"abstract"`
	Description string `xml:"description"`
	Persons     []struct {
		ID   string `xml:"id,attr"`
		GUID string `xml:"guid,attr"`
		Code string `xml:"code,attr"`
		Name string `xml:",chardata"`
	} `xml:"persons>person"`
	Links []struct {
		Href  string `xml:"href,attr"`
		Title string `xml:",chardata"`
	} `xml:"links>link"`
}

type fxConference struct {
	Title        string `xml:"title"`
	Start        string `xml:"start"`
	End          string `xml:"end"`
	TimeZoneName string `xml:"time_zone_name"`
	Venue        string `xml:"venue"`
	City         string `xml:"city"`
}

// readFrabXML walks the document's tokens so that every problem can name the line of the
// <event> it is about.
func readFrabXML(data []byte, o Options) (*agenda.Event, agenda.Problems, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var conf fxConference
	var events []frabEvent
	src := newSource(true, frabNames)
	dayDate, room, roomSlug, sawSchedule := "", "", "", false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, nil, xmlProblem(line, "schedule", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := d.InputPos()
		switch start.Name.Local {
		case "schedule":
			sawSchedule = true
		case "conference":
			if err := d.DecodeElement(&conf, &start); err != nil {
				return nil, nil, xmlProblem(line, "conference", err)
			}
		case "day":
			dayDate = attr(start, "date")
		case "room":
			room, roomSlug = strings.TrimSpace(attr(start, "name")), attr(start, "slug")
		case "event":
			var e fxEvent
			if err := d.DecodeElement(&e, &start); err != nil {
				return nil, nil, xmlProblem(line, "event", err)
			}
			events = append(events, fxEventOf(e, line, dayDate, room, roomSlug))
		}
	}
	if !sawSchedule {
		return nil, nil, &agenda.ValidationError{Problems: []agenda.Problem{{Message: "no <schedule> element: not a frab schedule.xml"}}}
	}
	// base_url is the frab instance's address, not the event's website.
	c := frabConference{Title: conf.Title, Start: conf.Start, End: conf.End, TimeZone: strings.TrimSpace(conf.TimeZoneName),
		Location: joinNonEmpty(", ", conf.Venue, conf.City)}
	return fromFrab(c, events, src, o)
}

// fxEventOf converts one <event> found at line, inside the day and room elements given.
func fxEventOf(e fxEvent, line int, dayDate, room, roomSlug string) frabEvent {
	at := fmt.Sprintf("line %d <event guid=%q>", line, e.GUID)
	fe := frabEvent{at: at, GUID: e.GUID, ID: e.ID, Date: strings.TrimSpace(e.Date), Start: strings.TrimSpace(e.Start),
		Duration: e.Duration, DayDate: dayDate, Room: cmpOr(strings.TrimSpace(e.Room), room), Title: e.Title,
		Subtitle: e.Subtitle, Track: strings.TrimSpace(e.Track), Type: e.Type, Abstract: e.Abstract, Description: e.Description}
	if fe.Room == room {
		fe.RoomSlug = roomSlug
	}
	for _, l := range e.Links {
		if fe.JoinURL == "" {
			fe.JoinURL = joinLink([]FrabLink{{Title: l.Title, URL: l.Href}})
		}
	}
	for j, p := range e.Persons {
		fe.Persons = append(fe.Persons, frabPerson{at: fmt.Sprintf("%s <person> #%d", at, j+1), Code: p.Code, GUID: p.GUID, ID: p.ID, Name: p.Name})
	}
	return fe
}

// joinNonEmpty joins the parts that are not blank.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func xmlProblem(line int, element string, err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &agenda.ValidationError{Problems: []agenda.Problem{{Message: fmt.Sprintf("line %d: malformed XML: %s", syn.Line, syn.Msg)}}}
	}
	return &agenda.ValidationError{Problems: []agenda.Problem{{Message: fmt.Sprintf("line %d: <%s>: %v", line, element, err)}}}
}
