// Package formats reads agenda documents into validated agenda.Events and writes the native
// format back out. The native JSON format is also the shape of the public JSON API.
package formats

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"errors"
	"fmt"
	"hash/maphash"
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
	Color       string `json:"color,omitempty"` // #rrggbb
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

	reuse int32 // 1 + its index in a Reuse, when decodeSessions took it from there
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
func (d *Document) convert() (*agenda.Event, agenda.Problems) { return d.convertReusing(nil) }

// convertReusing is convert, taking each session that decodeSessions marked from prev.
func (d *Document) convertReusing(prev *Reuse) (*agenda.Event, agenda.Problems) {
	var ps agenda.Problems
	ev := &agenda.Event{
		Slug: d.Slug, Name: d.Name, Description: d.Description, TimeZone: d.TimeZone,
		StartDate: d.StartDate, EndDate: d.EndDate, Location: d.Location, Website: d.Website,
		RegistrationURL: d.RegistrationURL, RegistrationLabel: d.RegistrationLabel, JoinURL: d.JoinURL,
	}
	ev.Tracks = make([]agenda.Track, 0, len(d.Tracks))
	ev.Rooms = make([]agenda.Room, 0, len(d.Rooms))
	ev.Speakers = make([]agenda.Speaker, 0, len(d.Speakers))
	ev.Sessions = make([]agenda.Session, 0, len(d.Sessions))
	for _, t := range d.Tracks {
		ev.Tracks = append(ev.Tracks, agenda.Track{ID: t.ID, Name: t.Name, Description: t.Description, Color: nativeColor(t.Color)})
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
		if s.reuse != 0 {
			ev.Sessions = append(ev.Sessions, prev.sessions[s.reuse-1])
			continue
		}
		se := agenda.Session{
			ID: s.ID, Title: s.Title, Abstract: s.Abstract, Kind: agenda.Kind(s.Kind),
			TrackID: s.TrackID, RoomID: s.RoomID, SpeakerIDs: s.SpeakerIDs, JoinURL: s.JoinURL, Status: agenda.Status(s.Status),
		}
		se.Start = parseTime(&ps, i, "start", s.Start, loc)
		se.End = parseTime(&ps, i, "end", s.End, loc)
		ev.Sessions = append(ev.Sessions, se)
	}
	return ev, ps
}

// localLayouts are accepted for times without an offset, read in the event's time zone.
var localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

// parseTime reads sessions[i].name; the field path is made only for a problem.
func parseTime(ps *agenda.Problems, i int, name string, v *string, loc *time.Location) time.Time {
	field := func() string { return fmt.Sprintf("sessions[%d].%s", i, name) }
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
				ps.Add(field(), "%v", err)
			}
			return t
		}
	}
	ps.Add(field(), "want an RFC 3339 time such as 2024-10-23T09:00:00-07:00, got %q", *v)
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

// Reuse is what decoding a stored revision keeps for decoding the event's next one: each
// session as decoded, by a hash of its JSON text. A revision usually changes a few sessions
// of thousands; the others read byte for byte as before, and are taken as decoded then
// instead of being decoded and converted again.
type Reuse struct {
	zone     string           // the document's time zone, which times without offset are read in
	at       map[uint64]int32 // hash of a session's JSON -> its index in sessions
	sessions []agenda.Session
	reused   int // sessions taken from the predecessor
}

// Reused is how many sessions the decoding that returned r took from its predecessor.
func (r *Reuse) Reused() int {
	if r == nil {
		return 0
	}
	return r.reused
}

var reuseSeed = maphash.MakeSeed()

// DecodeNativeReusing is DecodeNative, taking every session whose JSON text reads as in
// the revision that prev was returned with (nil: none) as decoded then. It returns what
// the next revision's decoding may reuse of this one.
func DecodeNativeReusing(data []byte, slug string, prev *Reuse) (*agenda.Event, *Reuse, error) {
	var doc Document
	var hashes []uint64
	opts := jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *[]SessionDoc) error {
		return decodeSessions(dec, v, &hashes, prev)
	}))
	if err := jsonv2.Unmarshal(data, &doc, opts); err != nil {
		// Decoded again without reuse, for the error's position in the whole document.
		ev, err := DecodeNative(data, slug)
		return ev, nil, err
	}
	if prev != nil && prev.zone != doc.TimeZone && len(hashes) > 0 {
		// The zone changed, and with it what times without an offset mean: nothing is reused.
		return DecodeNativeReusing(data, slug, nil)
	}
	if slug != "" {
		doc.Slug = slug
	}
	ev, ps := doc.convertReusing(prev)
	if err := ps.Err(); err != nil {
		return nil, nil, err
	}
	agenda.Normalize(ev)
	next := &Reuse{zone: doc.TimeZone, at: make(map[uint64]int32, len(hashes)), sessions: ev.Sessions}
	for i, h := range hashes {
		next.at[h] = int32(i)
	}
	for _, s := range doc.Sessions {
		if s.reuse != 0 {
			next.reused++
		}
	}
	return ev, next, nil
}

// decodeSessions reads the sessions array, hashing each session's text: one that prev
// holds is only marked with its index there, the others are decoded.
func decodeSessions(dec *jsontext.Decoder, v *[]SessionDoc, hashes *[]uint64, prev *Reuse) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*v = nil
		return nil
	case '[':
	default:
		return fmt.Errorf("sessions: want an array, got %s", tok.Kind())
	}
	out := (*v)[:0]
	if prev != nil && cap(out) == 0 {
		// Sized for as many sessions as before: a revision seldom adds many.
		out = make([]SessionDoc, 0, len(prev.sessions)+16)
		*hashes = make([]uint64, 0, len(prev.sessions)+16)
	}
	for dec.PeekKind() != ']' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		h := maphash.Bytes(reuseSeed, raw)
		*hashes = append(*hashes, h)
		if j, ok := prev.lookup(h); ok {
			out = append(out, SessionDoc{reuse: j + 1})
			continue
		}
		var s SessionDoc
		if err := jsonv2.Unmarshal(raw, &s); err != nil {
			return err
		}
		out = append(out, s)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*v = out
	return nil
}

func (r *Reuse) lookup(h uint64) (int32, bool) {
	if r == nil {
		return 0, false
	}
	j, ok := r.at[h]
	return j, ok
}

// nativeColor accepts #RGB and upper case as #rrggbb; anything else is kept as written, for
// validation to name.
func nativeColor(c string) string {
	if n, ok := agenda.TrackColor(c); ok {
		return n
	}
	return c
}
