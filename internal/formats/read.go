package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// Format names a document format.
type Format string

// The formats confcal reads.
const (
	Native     Format = "native"
	Sessionize Format = "sessionize" // Sessionize API "All" JSON
	Pretalx    Format = "pretalx"    // pretalx / frab schedule.json (c3voc schema family)
	FrabXML    Format = "frab-xml"   // frab / pretalx schedule.xml
)

// Formats lists every format, for usage messages.
var Formats = []Format{Native, Sessionize, Pretalx, FrabXML}

// Options say how to read a document into an event.
type Options struct {
	Slug string // the event's slug (required for formats that carry none)
	// TimeZone is the event's IANA zone: required for Sessionize (its times carry no
	// offset) unless Base has one; for the others it overrides the document's.
	TimeZone string
	// TrackCategory is the Sessionize category whose items are the tracks (default "Track").
	TrackCategory string
	// Base is the event's current revision, if any. Formats that carry no name or links
	// keep Base's; sessions, speakers and tracks that Base already knows keep their ids
	// (for example when confcal's own frab export is imported back).
	Base *agenda.Event
}

// ParseFormat checks a format name; "" means detect it from the document.
func ParseFormat(s string) (Format, error) {
	if s == "" || s == "auto" {
		return "", nil
	}
	if f := Format(s); slices.Contains(Formats, f) {
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want one of %v)", s, Formats)
}

// Detect guesses a document's format from its first bytes and top-level keys.
func Detect(data []byte) Format {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if bytes.HasPrefix(trimmed, []byte("<")) {
		return FrabXML
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil {
		if _, ok := top["schedule"]; ok {
			return Pretalx
		}
		_, sessions := top["sessions"]
		_, categories := top["categories"]
		_, rooms := top["rooms"]
		if sessions && categories && rooms {
			return Sessionize
		}
	}
	return Native
}

// Read reads a document of format f ("" to detect it) into a validated event. Every
// problem is reported at once, each with its place in the document.
func Read(f Format, data []byte, o Options) (*agenda.Event, error) {
	if f == "" {
		f = Detect(data)
	}
	switch f {
	case Native:
		return ReadNative(bytes.NewReader(data), o.Slug)
	case Sessionize:
		return readSessionize(data, o)
	case Pretalx:
		return readPretalx(data, o)
	case FrabXML:
		return readFrabXML(data, o)
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

// finish completes an event read from a foreign format: metadata the format lacks comes
// from Base, the dates span the sessions when the document gives none, and the result is
// normalized and validated. Problems found while reading come first.
func finish(ev *agenda.Event, ps agenda.Problems, o Options) (*agenda.Event, error) {
	if b := o.Base; b != nil {
		ev.Name = cmpOr(ev.Name, b.Name)
		ev.Description = cmpOr(ev.Description, b.Description)
		ev.Website = cmpOr(ev.Website, b.Website)
		ev.RegistrationURL = cmpOr(ev.RegistrationURL, b.RegistrationURL)
		ev.RegistrationLabel = cmpOr(ev.RegistrationLabel, b.RegistrationLabel)
		ev.JoinURL = cmpOr(ev.JoinURL, b.JoinURL)
		ev.Location = cmpOr(ev.Location, b.Location)
		ev.TimeZone = cmpOr(ev.TimeZone, b.TimeZone)
	}
	ev.Name = cmpOr(ev.Name, ev.Slug)
	if ev.StartDate == "" || ev.EndDate == "" {
		spanDates(ev, o.Base)
	}
	if o.Base != nil {
		followBase(ev, o.Base)
	}
	agenda.Normalize(ev)
	if err := agenda.Validate(ev); err != nil {
		var ve *agenda.ValidationError
		if errors.As(err, &ve) {
			ps = append(ps, unreported(ve.Problems, ps)...)
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return ev, nil
}

// unreported drops validation problems that only follow from one the reader reported: a
// missing time zone also leaves the dates unknown.
func unreported(found, reported agenda.Problems) agenda.Problems {
	seen := map[string]bool{}
	for _, p := range reported {
		seen[p.Field] = true
	}
	if seen["timeZone"] {
		seen["startDate"], seen["endDate"] = true, true
	}
	var out agenda.Problems
	for _, p := range found {
		if !seen[p.Field] {
			out = append(out, p)
		}
	}
	return out
}

// followBase puts tracks, speakers and sessions that Base knows in Base's order, new ones
// after them in the document's order: an unchanged agenda exported by a tool that sorts
// differently is then the same agenda, and makes no revision.
func followBase(ev, base *agenda.Event) {
	ev.Tracks = byBase(ev.Tracks, base.Tracks, func(t agenda.Track) string { return t.ID })
	ev.Speakers = byBase(ev.Speakers, base.Speakers, func(s agenda.Speaker) string { return s.ID })
	ev.Sessions = byBase(ev.Sessions, base.Sessions, func(s agenda.Session) string { return s.ID })
}

func byBase[T any](items, base []T, id func(T) string) []T {
	rank := make(map[string]int, len(base))
	for i, b := range base {
		rank[id(b)] = i
	}
	pos := func(x T) int {
		if r, ok := rank[id(x)]; ok {
			return r
		}
		return len(base)
	}
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b T) int { return pos(a) - pos(b) })
	return out
}

// spanDates sets the event's dates to the days of its scheduled sessions, widened by
// Base's dates.
func spanDates(ev *agenda.Event, base *agenda.Event) {
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		return // Validate reports the zone
	}
	first, last := "", ""
	widen := func(d string) {
		if d == "" {
			return
		}
		if first == "" || d < first {
			first = d
		}
		if last == "" || d > last {
			last = d
		}
	}
	for _, s := range ev.Sessions {
		if s.Scheduled() {
			widen(s.Start.In(loc).Format(time.DateOnly))
			widen(s.End.Add(-time.Nanosecond).In(loc).Format(time.DateOnly))
		}
	}
	if base != nil {
		widen(base.StartDate)
		widen(base.EndDate)
	}
	ev.StartDate, ev.EndDate = cmpOr(ev.StartDate, first), cmpOr(ev.EndDate, last)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// flexID is an id that a source writes as a JSON string or a number (Sessionize writes
// session ids as strings but lists them as numbers on speakers).
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or number id, got %s", b)
	}
	*f = flexID(n.String())
	return nil
}

// kindOf maps a source's session type or format name to a kind.
func kindOf(names ...string) agenda.Kind {
	text := strings.ToLower(strings.Join(names, " "))
	switch {
	case strings.Contains(text, "keynote"):
		return agenda.KindKeynote
	case strings.Contains(text, "lightning"):
		return agenda.KindLightning
	case strings.Contains(text, "panel"):
		return agenda.KindPanel
	case strings.Contains(text, "break"), strings.Contains(text, "lunch"), strings.Contains(text, "pause"):
		return agenda.KindBreak
	}
	return agenda.KindTalk
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slugify makes an id from a name ("Kernel & eBPF" → "kernel-ebpf").
func slugify(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

// idOf turns a source's identifier into one confcal accepts, keeping it when it already is.
func idOf(src string) string {
	if validID.MatchString(src) {
		return src
	}
	return slugify(src)
}

var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// tracksByName assigns ids to track names: Base's id for a name it knows, else a slug
// made unique.
type tracksByName struct {
	ev    *agenda.Event
	ids   map[string]string
	taken map[string]bool
	base  *agenda.Event
}

func newTracks(ev *agenda.Event, base *agenda.Event) *tracksByName {
	return &tracksByName{ev: ev, ids: map[string]string{}, taken: map[string]bool{}, base: base}
}

func (t *tracksByName) id(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if id, ok := t.ids[name]; ok {
		return id
	}
	id := ""
	if t.base != nil {
		for _, bt := range t.base.Tracks {
			if bt.Name == name {
				id = bt.ID
			}
		}
	}
	if id == "" || t.taken[id] {
		id = cmpOr(slugify(name), "track")
		for n := 2; t.taken[id]; n++ {
			id = fmt.Sprintf("%s-%d", slugify(name), n)
		}
	}
	t.taken[id] = true
	t.ids[name] = id
	t.ev.Tracks = append(t.ev.Tracks, agenda.Track{ID: id, Name: name})
	return id
}
