package agenda

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on agenda text. Generous for real agendas, small enough that a single document
// cannot make every feed that carries it huge.
const (
	MaxNameLen  = 300
	MaxTextLen  = 32 << 10 // abstracts, bios, descriptions
	MaxSessions = 20000
	MaxDuration = 24 * time.Hour
	MaxIDLen    = 128
	MaxCapacity = 1_000_000
)

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidSlug reports whether s can name an event in URLs.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidID reports whether s can identify a session, speaker, track or room: 1-128 bytes of
// UTF-8 without white space, control or format characters, and neither "." nor "..". Ids
// from a source are kept as they are (case included), so links escape them (PathID).
func ValidID(s string) bool {
	if s == "" || len(s) > MaxIDLen || s == "." || s == ".." || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !IDRune(r) {
			return false
		}
	}
	return true
}

// IDRune reports whether an id may hold r: anything but white space, control and format
// characters.
func IDRune(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// PathID escapes an id for one segment of a URL path (or a fragment).
func PathID(id string) string { return url.PathEscape(id) }

// Normalize fills defaults a document may leave out (kind talk, status confirmed) and puts
// times in UTC, so that two documents that mean the same agenda compare equal.
func Normalize(e *Event) {
	for i := range e.Sessions {
		s := &e.Sessions[i]
		if s.Kind == "" {
			s.Kind = KindTalk
		}
		if s.Status == "" {
			s.Status = StatusConfirmed
		}
		s.Start, s.End = s.Start.UTC(), s.End.UTC()
		if s.SpeakerIDs == nil {
			s.SpeakerIDs = []string{}
		}
	}
	if e.Tracks == nil {
		e.Tracks = []Track{}
	}
	if e.Rooms == nil {
		e.Rooms = []Room{}
	}
	if e.Speakers == nil {
		e.Speakers = []Speaker{}
	}
	if e.Sessions == nil {
		e.Sessions = []Session{}
	}
	for i := range e.Speakers {
		if e.Speakers[i].Links == nil {
			e.Speakers[i].Links = []Link{}
		}
	}
}

// Validate checks a normalized event and returns a *ValidationError listing every problem,
// each named by its field path, or nil.
func Validate(e *Event) error {
	var ps Problems
	validateEvent(e, &ps)
	tracks := validateTracks(e.Tracks, &ps)
	rooms := validateRooms(e.Rooms, &ps)
	speakers := validateSpeakers(e.Speakers, &ps)
	first, last, datesOK := eventDays(e)
	loc, zoneErr := time.LoadLocation(e.TimeZone)
	if len(e.Sessions) > MaxSessions {
		ps.Add("sessions", "more than %d sessions", MaxSessions)
	}
	seen := map[string]int{}
	for i, s := range e.Sessions {
		at := fmt.Sprintf("sessions[%d]", i)
		checkID(&ps, at+".id", s.ID, seen, i)
		checkText(&ps, at+".title", s.Title, MaxNameLen, true)
		checkText(&ps, at+".abstract", s.Abstract, MaxTextLen, false)
		checkURL(&ps, at+".joinUrl", s.JoinURL)
		if !slices.Contains(Kinds, s.Kind) {
			ps.Add(at+".kind", "unknown kind %q (want one of %v)", s.Kind, Kinds)
		}
		if s.Status != StatusConfirmed && s.Status != StatusCancelled {
			ps.Add(at+".status", "unknown status %q (want confirmed or cancelled)", s.Status)
		}
		if s.TrackID != "" && !tracks[s.TrackID] {
			ps.Add(at+".trackId", "unknown track %q", s.TrackID)
		}
		if s.RoomID != "" && !rooms[s.RoomID] {
			ps.Add(at+".roomId", "unknown room %q", s.RoomID)
		}
		checkSpeakerRefs(&ps, at, s.SpeakerIDs, speakers)
		checkTimes(&ps, at, s, zoneErr == nil && datesOK, loc, first, last)
	}
	return ps.Err()
}

func validateEvent(e *Event, ps *Problems) {
	if !slugPattern.MatchString(e.Slug) {
		ps.Add("slug", "must be 1-63 lowercase letters, digits or hyphens, starting with a letter or digit")
	}
	checkText(ps, "name", e.Name, MaxNameLen, true)
	checkText(ps, "description", e.Description, MaxTextLen, false)
	checkText(ps, "location", e.Location, MaxNameLen, false)
	if e.TimeZone == "" {
		ps.Add("timeZone", "required (an IANA name such as America/Los_Angeles)")
	} else if _, err := time.LoadLocation(e.TimeZone); err != nil || e.TimeZone == "Local" {
		ps.Add("timeZone", "unknown time zone %q", e.TimeZone)
	}
	start, errS := time.Parse(time.DateOnly, e.StartDate)
	end, errE := time.Parse(time.DateOnly, e.EndDate)
	if errS != nil {
		ps.Add("startDate", "want a date as YYYY-MM-DD, got %q", e.StartDate)
	}
	if errE != nil {
		ps.Add("endDate", "want a date as YYYY-MM-DD, got %q", e.EndDate)
	}
	if errS == nil && errE == nil && end.Before(start) {
		ps.Add("endDate", "before startDate")
	}
	checkURL(ps, "website", e.Website)
	checkURL(ps, "registrationUrl", e.RegistrationURL)
	checkText(ps, "registrationLabel", e.RegistrationLabel, MaxNameLen, false)
	checkURL(ps, "joinUrl", e.JoinURL)
}

// trackColor is the one form of track colour kept: six lower-case hex digits.
var trackColor = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// TrackColor returns a source's track colour as confcal keeps it (#rrggbb, lower case;
// #rgb is widened), and false for anything else.
func TrackColor(c string) (string, bool) {
	c = strings.ToLower(strings.TrimSpace(c))
	if len(c) == 4 && c[0] == '#' {
		c = "#" + string([]byte{c[1], c[1], c[2], c[2], c[3], c[3]})
	}
	return c, trackColor.MatchString(c)
}

func validateTracks(tracks []Track, ps *Problems) map[string]bool {
	ids, seen := map[string]bool{}, map[string]int{}
	for i, t := range tracks {
		at := fmt.Sprintf("tracks[%d]", i)
		checkID(ps, at+".id", t.ID, seen, i)
		checkText(ps, at+".name", t.Name, MaxNameLen, true)
		checkText(ps, at+".description", t.Description, MaxTextLen, false)
		if t.Color != "" && !trackColor.MatchString(t.Color) {
			ps.Add(at+".color", "%q is not a colour of the form #rrggbb", t.Color)
		}
		ids[t.ID] = true
	}
	return ids
}

// validateRooms also refuses two rooms of one name: calendars and schedule apps know a
// room only by its name.
func validateRooms(rooms []Room, ps *Problems) map[string]bool {
	ids, seen, names := map[string]bool{}, map[string]int{}, map[string]int{}
	for i, r := range rooms {
		at := fmt.Sprintf("rooms[%d]", i)
		checkID(ps, at+".id", r.ID, seen, i)
		checkText(ps, at+".name", r.Name, MaxNameLen, true)
		checkText(ps, at+".description", r.Description, MaxTextLen, false)
		if r.Capacity < 0 || r.Capacity > MaxCapacity {
			ps.Add(at+".capacity", "want 0 (unknown) to %d seats, got %d", MaxCapacity, r.Capacity)
		}
		if j, dup := names[r.Name]; dup && r.Name != "" {
			ps.Add(at+".name", "another room is named %q (rooms[%d])", r.Name, j)
		} else {
			names[r.Name] = i
		}
		ids[r.ID] = true
	}
	return ids
}

func validateSpeakers(speakers []Speaker, ps *Problems) map[string]bool {
	ids, seen := map[string]bool{}, map[string]int{}
	for i, s := range speakers {
		at := fmt.Sprintf("speakers[%d]", i)
		checkID(ps, at+".id", s.ID, seen, i)
		checkText(ps, at+".name", s.Name, MaxNameLen, true)
		checkText(ps, at+".title", s.Title, MaxNameLen, false)
		checkText(ps, at+".company", s.Company, MaxNameLen, false)
		checkText(ps, at+".bio", s.Bio, MaxTextLen, false)
		checkURL(ps, at+".photoUrl", s.PhotoURL)
		for j, l := range s.Links {
			checkText(ps, fmt.Sprintf("%s.links[%d].title", at, j), l.Title, MaxNameLen, false)
			checkURL(ps, fmt.Sprintf("%s.links[%d].url", at, j), l.URL)
			if l.URL == "" {
				ps.Add(fmt.Sprintf("%s.links[%d].url", at, j), "required")
			}
		}
		ids[s.ID] = true
	}
	return ids
}

func checkSpeakerRefs(ps *Problems, at string, refs []string, speakers map[string]bool) {
	seen := map[string]bool{}
	for j, id := range refs {
		field := fmt.Sprintf("%s.speakerIds[%d]", at, j)
		switch {
		case !speakers[id]:
			ps.Add(field, "unknown speaker %q", id)
		case seen[id]:
			ps.Add(field, "speaker %q listed twice", id)
		}
		seen[id] = true
	}
}

func checkTimes(ps *Problems, at string, s Session, checkDays bool, loc *time.Location, first, last time.Time) {
	switch {
	case s.Start.IsZero() && s.End.IsZero():
		return // TBA
	case s.Start.IsZero():
		ps.Add(at+".start", "required when end is set (leave both out for a TBA session)")
		return
	case s.End.IsZero():
		ps.Add(at+".end", "required when start is set (leave both out for a TBA session)")
		return
	}
	if !s.End.After(s.Start) {
		ps.Add(at+".end", "before start")
	} else if s.End.Sub(s.Start) > MaxDuration {
		ps.Add(at+".end", "more than %s after start", MaxDuration)
	}
	if !checkDays {
		return
	}
	day := s.Start.In(loc)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(first) || day.After(last) {
		ps.Add(at+".start", "on %s, outside the event's dates", day.Format(time.DateOnly))
	}
}

func eventDays(e *Event) (first, last time.Time, ok bool) {
	first, err1 := time.Parse(time.DateOnly, e.StartDate)
	last, err2 := time.Parse(time.DateOnly, e.EndDate)
	return first, last, err1 == nil && err2 == nil && !last.Before(first)
}

func checkID(ps *Problems, field, id string, seen map[string]int, i int) {
	if !ValidID(id) {
		ps.Add(field, "must be 1-128 bytes without spaces or control characters, got %q", id)
		return
	}
	if j, dup := seen[id]; dup {
		ps.Add(field, "duplicate id %q (also at index %d)", id, j)
		return
	}
	seen[id] = i
}

func checkText(ps *Problems, field, s string, max int, required bool) {
	switch {
	case required && s == "":
		ps.Add(field, "required")
	case !utf8.ValidString(s):
		ps.Add(field, "not valid UTF-8")
	case len(s) > max:
		ps.Add(field, "longer than %d bytes", max)
	}
}

func checkURL(ps *Problems, field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		ps.Add(field, "want an absolute http or https URL, got %q", s)
	}
}
