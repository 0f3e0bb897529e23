// Package agenda holds the conference domain: events, tracks, speakers and sessions, their
// validation, the diff between two versions of an agenda, and the ledger that gives every
// session a stable identity in calendar feeds. It imports only the standard library.
package agenda

import (
	"time"
)

// Kind is what sort of slot a session is.
type Kind string

// The session kinds an agenda may use.
const (
	KindKeynote   Kind = "keynote"
	KindTalk      Kind = "talk"
	KindPanel     Kind = "panel"
	KindLightning Kind = "lightning"
	KindBreak     Kind = "break"
)

// Kinds lists every valid Kind, in the order documentation shows them.
var Kinds = []Kind{KindKeynote, KindTalk, KindPanel, KindLightning, KindBreak}

// Status is whether a session takes place.
type Status string

// The statuses a session may have. A session removed from the agenda is shown as cancelled
// in feeds; an organizer may also keep a session in the agenda and mark it cancelled.
const (
	StatusConfirmed Status = "confirmed"
	StatusCancelled Status = "cancelled"
)

// Event is one conference with its whole agenda.
type Event struct {
	Slug            string
	Name            string
	Description     string
	TimeZone        string // IANA name, e.g. America/Los_Angeles
	StartDate       string // first day, YYYY-MM-DD in TimeZone
	EndDate         string // last day, YYYY-MM-DD in TimeZone
	Website         string
	RegistrationURL string
	// RegistrationLabel is the text of the registration button ("Register for your free
	// ticket"); pages say "Register" without it.
	RegistrationLabel string
	JoinURL           string // default join link for sessions without their own
	Location          string // venue, or "Online" for a virtual event
	Tracks            []Track
	Rooms             []Room // in display order
	Speakers          []Speaker
	Sessions          []Session

	lookups lookups // by id, made on first use
}

// Track is a parallel line of sessions.
type Track struct {
	ID          string
	Name        string
	Description string
	Color       string // "#rrggbb" (lower case) or "": widgets then pick one from their palette
}

// Room is where sessions take place: a lecture hall, or the stage of a virtual event. It is
// independent of tracks: one room hosts several tracks over a day, one track may use several
// rooms. The order of an event's rooms is their display order.
type Room struct {
	ID          string
	Name        string
	Description string
	Capacity    int // seats; 0 when unknown
}

// Link is a titled URL on a speaker's profile.
type Link struct {
	Title string
	URL   string
}

// Speaker is a person who speaks at the event, announced with or without a session.
type Speaker struct {
	ID       string
	Name     string
	Title    string // role and affiliation as announced, e.g. "Postgres creator and MIT Professor"
	Company  string
	Bio      string
	PhotoURL string
	Links    []Link
}

// Session is one slot in the agenda. A session without Start and End is unscheduled ("TBA").
type Session struct {
	ID         string
	Title      string
	Abstract   string
	Kind       Kind
	TrackID    string
	RoomID     string // "" when the session has no room (yet)
	SpeakerIDs []string
	Start      time.Time // UTC; zero while TBA
	End        time.Time // UTC; zero while TBA
	JoinURL    string
	Status     Status
}

// Scheduled reports whether the session has a time.
func (s Session) Scheduled() bool { return !s.Start.IsZero() && !s.End.IsZero() }

// Zone returns the event's time zone; Validate has already proven that it loads.
func (e *Event) Zone() *time.Location {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Session returns the session with the id, if the agenda has it.
func (e *Event) Session(id string) (Session, bool) {
	return find(&e.lookups.sessions, e.Sessions, id, func(x *Session) string { return x.ID })
}

// Speaker returns the speaker with the id, if the agenda has it.
func (e *Event) Speaker(id string) (Speaker, bool) {
	return find(&e.lookups.speakers, e.Speakers, id, func(x *Speaker) string { return x.ID })
}

// Track returns the track with the id, if the agenda has it.
func (e *Event) Track(id string) (Track, bool) {
	return find(&e.lookups.tracks, e.Tracks, id, func(x *Track) string { return x.ID })
}

// Room returns the room with the id, if the agenda has it.
func (e *Event) Room(id string) (Room, bool) {
	return find(&e.lookups.rooms, e.Rooms, id, func(x *Room) string { return x.ID })
}

// RoomName returns the name of the session's room, or "" without one.
func (e *Event) RoomName(s Session) string {
	r, _ := e.Room(s.RoomID)
	return r.Name
}

// JoinURLFor returns the session's own join link, or else the event's default.
func (e *Event) JoinURLFor(s Session) string {
	if s.JoinURL != "" {
		return s.JoinURL
	}
	return e.JoinURL
}
