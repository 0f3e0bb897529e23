// Package formats reads agenda documents into validated agenda.Events and writes the native
// format back out. The native JSON format is also the shape of the public JSON API.
package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// SchemaURL names the JSON Schema of the native format (docs/agenda.schema.json).
const SchemaURL = "https://confcal.dev/schema/agenda-v1.json"

// Document is an event in the native JSON format.
type Document struct {
	Schema            string        `json:"$schema,omitempty"`
	Slug              string        `json:"slug"`
	Name              string        `json:"name"`
	Description       string        `json:"description,omitempty"`
	TimeZone          string        `json:"timeZone"`
	StartDate         string        `json:"startDate"`
	EndDate           string        `json:"endDate"`
	Location          string        `json:"location,omitempty"`
	Website           string        `json:"website,omitempty"`
	RegistrationURL   string        `json:"registrationUrl,omitempty"`
	RegistrationLabel string        `json:"registrationLabel,omitempty"`
	JoinURL           string        `json:"joinUrl,omitempty"`
	Revision          *RevisionInfo `json:"revision,omitempty"`
	Tracks            []TrackDoc    `json:"tracks"`
	Rooms             []RoomDoc     `json:"rooms,omitempty"`
	Speakers          []SpeakerDoc  `json:"speakers"`
	Sessions          []SessionDoc  `json:"sessions"`
}

// RevisionInfo is written by the API to say which revision a document is; import ignores it.
type RevisionInfo struct {
	Number    int    `json:"number"`
	CreatedAt string `json:"createdAt"`
}

// TrackDoc is a track in the native format.
type TrackDoc struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// RoomDoc is a room in the native format. The order of rooms is their display order.
type RoomDoc struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Capacity    int    `json:"capacity,omitempty"`
}

// LinkDoc is a speaker link in the native format.
type LinkDoc struct {
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
}

// SpeakerDoc is a speaker in the native format.
type SpeakerDoc struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Title    string    `json:"title,omitempty"`
	Company  string    `json:"company,omitempty"`
	Bio      string    `json:"bio,omitempty"`
	PhotoURL string    `json:"photoUrl,omitempty"`
	Links    []LinkDoc `json:"links,omitempty"`
}

// SessionDoc is a session in the native format. Start and End are null for a TBA session.
type SessionDoc struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Abstract   string   `json:"abstract,omitempty"`
	Kind       string   `json:"kind,omitempty"`
	TrackID    string   `json:"trackId,omitempty"`
	RoomID     string   `json:"roomId,omitempty"`
	SpeakerIDs []string `json:"speakerIds"`
	Start      *string  `json:"start"`
	End        *string  `json:"end"`
	JoinURL    string   `json:"joinUrl,omitempty"`
	Status     string   `json:"status,omitempty"`
}

// ReadNative decodes a native document and returns the validated event. slug, when not
// empty, names the event whatever the document says. Every problem found is listed in one
// *agenda.ValidationError, with field paths as in "sessions[3].end". It is how stored
// revisions are read; Read also returns the warnings.
func ReadNative(r io.Reader, slug string) (*agenda.Event, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	ev, _, err := readNative(data, slug)
	return ev, err
}

// DecodeNative reads a native document that this service wrote (a stored revision),
// which was tidied and validated before it was stored (catalog.Plan): in one pass over
// data, without ReadNative's stream buffer (at 20,000 sessions the document is 25 MB), its
// refusal of unknown members, or tidying and validating again, which only a document from
// outside needs and which took half of a 20,000-session revision's decoding.
func DecodeNative(data []byte, slug string) (*agenda.Event, error) {
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, &agenda.ValidationError{Problems: []agenda.Problem{jsonProblem(data, err)}}
	}
	if slug != "" {
		doc.Slug = slug
	}
	ev, ps := doc.convert()
	if err := ps.Err(); err != nil {
		return nil, err
	}
	agenda.Normalize(ev)
	return ev, nil
}

func readNative(data []byte, slug string) (*agenda.Event, agenda.Problems, error) {
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, &agenda.ValidationError{Problems: []agenda.Problem{jsonProblem(data, err)}}
	}
	if dec.More() {
		return nil, nil, &agenda.ValidationError{Problems: []agenda.Problem{{Message: "unexpected data after the document"}}}
	}
	if slug != "" {
		doc.Slug = slug
	}
	return doc.event()
}

// event converts the document to a normalized, validated agenda.Event, its text tidied;
// the warnings say what tidying changed.
func (d *Document) event() (*agenda.Event, agenda.Problems, error) {
	ev, ps := d.convert()
	agenda.Normalize(ev)
	warns := agenda.Tidy(ev)
	if err := agenda.Validate(ev); err != nil {
		var ve *agenda.ValidationError
		errors.As(err, &ve)
		ps = append(ps, ve.Problems...)
	}
	if err := ps.Err(); err != nil {
		return nil, warns, err
	}
	return ev, warns, nil
}

// convert turns the document into an agenda.Event as it stands; the problems are times
// that do not parse.
func (d *Document) convert() (*agenda.Event, agenda.Problems) {
	var ps agenda.Problems
	ev := &agenda.Event{
		Slug: d.Slug, Name: d.Name, Description: d.Description, TimeZone: d.TimeZone,
		StartDate: d.StartDate, EndDate: d.EndDate, Location: d.Location, Website: d.Website,
		RegistrationURL: d.RegistrationURL, RegistrationLabel: d.RegistrationLabel, JoinURL: d.JoinURL,
	}
	for _, t := range d.Tracks {
		ev.Tracks = append(ev.Tracks, agenda.Track{ID: t.ID, Name: t.Name, Description: t.Description})
	}
	for _, r := range d.Rooms {
		ev.Rooms = append(ev.Rooms, agenda.Room{ID: r.ID, Name: r.Name, Description: r.Description, Capacity: r.Capacity})
	}
	for _, s := range d.Speakers {
		sp := agenda.Speaker{ID: s.ID, Name: s.Name, Title: s.Title, Company: s.Company, Bio: s.Bio, PhotoURL: s.PhotoURL}
		for _, l := range s.Links {
			sp.Links = append(sp.Links, agenda.Link{Title: l.Title, URL: l.URL})
		}
		ev.Speakers = append(ev.Speakers, sp)
	}
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		loc = time.UTC // the bad zone is reported by Validate; keep checking the times
	}
	for i, s := range d.Sessions {
		at := fmt.Sprintf("sessions[%d]", i)
		se := agenda.Session{
			ID: s.ID, Title: s.Title, Abstract: s.Abstract, Kind: agenda.Kind(s.Kind),
			TrackID: s.TrackID, RoomID: s.RoomID, SpeakerIDs: s.SpeakerIDs, JoinURL: s.JoinURL, Status: agenda.Status(s.Status),
		}
		se.Start = parseTime(&ps, at+".start", s.Start, loc)
		se.End = parseTime(&ps, at+".end", s.End, loc)
		ev.Sessions = append(ev.Sessions, se)
	}
	return ev, ps
}

// localLayouts are accepted for times without an offset, read in the event's time zone.
var localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

func parseTime(ps *agenda.Problems, field string, v *string, loc *time.Location) time.Time {
	if v == nil || *v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, *v); err == nil {
		return t
	}
	for _, layout := range localLayouts {
		if w, err := time.Parse(layout, *v); err == nil {
			t, err := WallClock(w, loc)
			if err != nil {
				ps.Add(field, "%v", err)
			}
			return t
		}
	}
	ps.Add(field, "want an RFC 3339 time such as 2024-10-23T09:00:00-07:00, got %q", *v)
	return time.Time{}
}

// jsonProblem turns a decoding error into a problem naming the line and column, and the
// field where the decoder knows it.
func jsonProblem(data []byte, err error) agenda.Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return agenda.Problem{Message: fmt.Sprintf("%s: malformed JSON: %v", position(data, syn.Offset), syn)}
	case errors.As(err, &typ):
		return agenda.Problem{Field: typ.Field, Message: fmt.Sprintf("%s: want %s, got JSON %s", position(data, typ.Offset), typ.Type, typ.Value)}
	case errors.Is(err, io.EOF):
		return agenda.Problem{Message: "empty document"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return agenda.Problem{Message: "malformed JSON: document ends too early"}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return agenda.Problem{Message: strings.TrimPrefix(err.Error(), "json: ")}
	}
	return agenda.Problem{Message: "malformed JSON: " + err.Error()}
}

func position(data []byte, offset int64) string {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}
