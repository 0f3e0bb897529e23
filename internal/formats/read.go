package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
	// keep Base's; sessions, speakers, tracks and rooms that Base already knows keep their ids
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

// Detect tells a document's format from its first bytes and top-level keys. A document of
// a shape confcal does not read, but can name, is refused with what it looks like.
func Detect(data []byte) (Format, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	lower := bytes.ToLower(trimmed[:min(len(trimmed), 512)])
	switch {
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")):
		return "", unsupported("this is an HTML page, not an agenda: check the URL (pretalx exports …/schedule/export/schedule.json, Sessionize …/api/v2/ID/view/All)")
	case bytes.HasPrefix(trimmed, []byte("<")):
		return FrabXML, nil
	case bytes.HasPrefix(lower, []byte("begin:vcalendar")):
		return "", unsupported("this is an iCalendar feed: confcal reads agendas (native, Sessionize, pretalx/frab), not .ics")
	case bytes.HasPrefix(trimmed, []byte("[")):
		return "", unsupported("this is a JSON array, as Sessionize's \"Sessions\", \"Speakers\" and grid views are: use its \"All\" view (https://sessionize.com/api/v2/ID/view/All)")
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return Native, nil // the native reader says where the JSON breaks
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := top[k]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("schedule"):
		if schedule2(top["schedule"]) {
			return "", errSchedule2
		}
		return Pretalx, nil
	case has("sessions", "categories", "rooms"), has("sessions", "speakers", "questions"):
		return Sessionize, nil
	case has("results", "count"):
		return "", unsupported("this is a page of the pretalx API: use the schedule export (…/schedule/export/schedule.json)")
	}
	return Native, nil
}

var errSchedule2 = unsupported("c3voc schedule2 JSON (events in one list under schedule.events) is not supported: export the frab/pretalx schedule.json or schedule.xml instead")

func unsupported(msg string) error {
	return &agenda.ValidationError{Problems: agenda.Problems{{Message: msg}}}
}

// schedule2 reports the newer c3voc shape: events in schedule.events, days without rooms.
func schedule2(raw json.RawMessage) bool {
	var s struct {
		Events     json.RawMessage `json:"events"`
		Conference struct {
			Days []struct {
				Rooms json.RawMessage `json:"rooms"`
			} `json:"days"`
		} `json:"conference"`
	}
	if json.Unmarshal(raw, &s) != nil || len(s.Events) == 0 {
		return false
	}
	for _, d := range s.Conference.Days {
		if len(d.Rooms) > 0 {
			return false
		}
	}
	return true
}

// Read reads a document of format f ("" to detect it) into a validated event. Every
// problem is reported at once, each with its place in the document. What the reader had
// to change or assume to accept the document (HTML made plain text, a speaker listed twice,
// a time zone the document lacks) comes back as warnings, located the same way.
func Read(f Format, data []byte, o Options) (*agenda.Event, agenda.Problems, error) {
	if f == "" {
		var err error
		if f, err = Detect(data); err != nil {
			return nil, nil, err
		}
	}
	switch f {
	case Native:
		return readNative(data, o.Slug)
	case Sessionize:
		return readSessionize(data, o)
	case Pretalx:
		return readPretalx(data, o)
	case FrabXML:
		return readFrabXML(data, o)
	}
	return nil, nil, fmt.Errorf("unknown format %q", f)
}

// source is what a reader knows besides the event it builds: the problems and warnings it
// found in the document's own terms, and where each session, speaker, track and room came
// from, so that what validation and tidying find is reported at that place too.
type source struct {
	ps, warns agenda.Problems
	at        map[string]string // "sessions[3]" → `line 12 <event guid="…">`, or a JSON path
	names     map[string]string // a native field's name in the format ("sessions.abstract" → "description")
	xml       bool              // places are XML elements: fields are child elements
	html      int               // texts that were HTML
	firstHTML string
}

func newSource(xml bool, names map[string]string) *source {
	return &source{at: map[string]string{}, names: names, xml: xml}
}

// item records where the native item ("sessions[3]") came from.
func (s *source) item(native, place string) {
	if _, ok := s.at[native]; !ok {
		s.at[native] = place
	}
}

// field names a field of the item at place, as the format writes it.
func (s *source) field(place, name string) string {
	if s.xml {
		return place + " <" + name + ">"
	}
	return place + "." + name
}

// plain returns text as plain text, converting HTML (and counting it for the warning).
func (s *source) plain(place, text string) string {
	text = strings.TrimSpace(text)
	if !looksHTML(text) {
		return text
	}
	s.html++
	if s.firstHTML == "" {
		s.firstHTML = place
	}
	return htmlToText(text)
}

// id turns a source identifier at place into an id (idOf), with a warning when it had to
// change it.
func (s *source) id(place, raw string) string {
	id := idOf(raw)
	if id != strings.TrimSpace(raw) {
		s.warns.Add(place, "the id %q holds white space or control characters: it is %q here", raw, id)
	}
	return id
}

var nativePath = regexp.MustCompile(`^((?:sessions|speakers|tracks|rooms)\[\d+\])(?:\.([A-Za-z]+)(.*))?$`)

// locate moves a problem from a native field path to the document's place.
func (s *source) locate(p agenda.Problem) agenda.Problem {
	m := nativePath.FindStringSubmatch(p.Field)
	place, ok := "", false
	if m != nil {
		place, ok = s.at[m[1]]
	}
	switch {
	case !ok:
		return p
	case strings.HasPrefix(m[1], "tracks") || strings.HasPrefix(m[1], "rooms") || m[2] == "":
		p.Field = place // the place of a track or room is already its field
	case s.xml:
		p.Field = s.field(place, s.name(m[1], m[2]))
	default:
		p.Field = s.field(place, s.name(m[1], m[2])) + m[3]
	}
	return p
}

// name is the format's name of a field of a native item ("sessions[3]", "abstract").
func (s *source) name(item, field string) string {
	kind, _, _ := strings.Cut(item, "[")
	return cmpOr(s.names[kind+"."+field], field)
}

func (s *source) locateAll(ps agenda.Problems) agenda.Problems {
	out := make(agenda.Problems, len(ps))
	for i, p := range ps {
		out[i] = s.locate(p)
	}
	return out
}

// finish completes an event read from a foreign format: metadata the format lacks comes
// from Base, the dates span the sessions when the document gives none, text is tidied, and
// the result is normalized and validated. The reader's own problems come first.
func finish(ev *agenda.Event, src *source, o Options) (*agenda.Event, agenda.Problems, error) {
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
		followBase(ev, o.Base, src)
	}
	agenda.Normalize(ev)
	warns := src.warns
	if src.html > 0 {
		warns.Add(src.firstHTML, "HTML became plain text in %s (abstracts, descriptions, bios), keeping paragraphs, line breaks and link targets (the first is here)", agenda.Count(src.html, "text"))
	}
	warns = append(warns, src.locateAll(agenda.Tidy(ev))...)
	ps := src.ps
	if err := agenda.Validate(ev); err != nil {
		var ve *agenda.ValidationError
		if errors.As(err, &ve) {
			ps = append(ps, src.locateAll(unreported(ve.Problems, ps))...)
		}
	}
	if err := ps.Err(); err != nil {
		return nil, warns, err
	}
	return ev, warns, nil
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

// followBase puts tracks, rooms, speakers and sessions that Base knows in Base's order, new
// ones after them in the document's order: an unchanged agenda exported by a tool that
// sorts differently is then the same agenda, and makes no revision. The places of items
// in the document move with them.
func followBase(ev, base *agenda.Event, src *source) {
	var from []int
	ev.Tracks, from = byBase(ev.Tracks, base.Tracks, func(t agenda.Track) string { return t.ID })
	src.reorder("tracks", from)
	ev.Rooms, from = byBase(ev.Rooms, base.Rooms, func(r agenda.Room) string { return r.ID })
	src.reorder("rooms", from)
	ev.Speakers, from = byBase(ev.Speakers, base.Speakers, func(s agenda.Speaker) string { return s.ID })
	src.reorder("speakers", from)
	ev.Sessions, from = byBase(ev.Sessions, base.Sessions, func(s agenda.Session) string { return s.ID })
	src.reorder("sessions", from)
}

// byBase sorts items by their rank in base and returns, for each new position, the item's
// old one.
func byBase[T any](items, base []T, id func(T) string) ([]T, []int) {
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
	from := make([]int, len(items))
	for i := range from {
		from[i] = i
	}
	slices.SortStableFunc(from, func(a, b int) int { return pos(items[a]) - pos(items[b]) })
	out := make([]T, len(items))
	for i, j := range from {
		out[i] = items[j]
	}
	return out, from
}

// reorder moves the places of kind's items as byBase moved the items.
func (s *source) reorder(kind string, from []int) {
	moved := make(map[string]string, len(from))
	for i, j := range from {
		if place, ok := s.at[fmt.Sprintf("%s[%d]", kind, j)]; ok {
			moved[fmt.Sprintf("%s[%d]", kind, i)] = place
		}
	}
	for k := range s.at {
		if strings.HasPrefix(k, kind+"[") {
			delete(s.at, k)
		}
	}
	maps.Copy(s.at, moved)
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

// idOf turns a source's identifier into an id: kept as it is (case included) when it is a
// valid one, else with its white space and control characters made hyphens. Two source ids
// that become one are caught by ids.
func idOf(src string) string {
	src = strings.TrimSpace(src)
	if agenda.ValidID(src) || src == "" {
		return src
	}
	id := strings.Join(strings.FieldsFunc(src, func(r rune) bool { return !agenda.IDRune(r) }), "-")
	if len(id) > agenda.MaxIDLen {
		id = strings.ToValidUTF8(id[:agenda.MaxIDLen], "")
	}
	return id
}

// ids remembers which source identifier each id came from, to report two that collide.
type ids map[string]string

// take records id as coming from src and reports whether another source identifier
// already became the same id.
func (m ids) take(id, src string) (other string, clash bool) {
	if was, ok := m[id]; ok && was != src {
		return was, true
	}
	m[id] = src
	return "", false
}

// byName assigns ids to names (of tracks, of rooms): Base's id for a name it knows, else
// the source's own id when it gives one, else a slug of the name, made unique. add is
// called once for each new name, with its id.
type byName struct {
	ids   map[string]string
	taken map[string]bool
	base  map[string]string
	add   func(id, name string)
}

func newByName(base map[string]string, add func(id, name string)) *byName {
	return &byName{ids: map[string]string{}, taken: map[string]bool{}, base: base, add: add}
}

// id returns the id of name ("" for no name); preferred is the source's own id, if any.
func (n *byName) id(name, preferred string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if id, ok := n.ids[name]; ok {
		return id
	}
	id := cmpOr(n.base[name], idOf(preferred))
	if id == "" || n.taken[id] {
		base := cmpOr(slugify(name), "x")
		id = base
		for i := 2; n.taken[id]; i++ {
			id = fmt.Sprintf("%s-%d", base, i)
		}
	}
	n.taken[id] = true
	n.ids[name] = id
	n.add(id, name)
	return id
}

// baseNames maps Base's track or room names to their ids.
func baseNames[T any](items []T, name, id func(T) string) map[string]string {
	out := make(map[string]string, len(items))
	for _, it := range items {
		out[name(it)] = id(it)
	}
	return out
}
