package agenda

import (
	"fmt"
	"slices"
	"strings"
)

// SessionChange names the fields of one session that differ between two agendas.
type SessionChange struct {
	ID     string
	Fields []string
}

// Diff is what changed from one version of an agenda to the next.
type Diff struct {
	Event           []string // event-level fields that changed
	TracksChanged   bool
	RoomsChanged    bool
	SessionsAdded   []string
	SessionsChanged []SessionChange
	SessionsRemoved []string
	SpeakersAdded   []string
	SpeakersChanged []SessionChange
	SpeakersRemoved []string
}

// Empty reports whether the two agendas were the same.
func (d Diff) Empty() bool {
	return len(d.Event) == 0 && !d.TracksChanged && !d.RoomsChanged && len(d.SessionsAdded) == 0 &&
		len(d.SessionsChanged) == 0 && len(d.SessionsRemoved) == 0 && len(d.SpeakersAdded) == 0 &&
		len(d.SpeakersChanged) == 0 && len(d.SpeakersRemoved) == 0
}

// Summary says in one line how much changed, e.g. "2 sessions added, 1 session removed".
func (d Diff) Summary() string {
	var parts []string
	count := func(n int, noun, verb string) {
		switch {
		case n == 1:
			parts = append(parts, fmt.Sprintf("1 %s %s", noun, verb))
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss %s", n, noun, verb))
		}
	}
	count(len(d.SessionsAdded), "session", "added")
	count(len(d.SessionsChanged), "session", "changed")
	count(len(d.SessionsRemoved), "session", "removed")
	count(len(d.SpeakersAdded), "speaker", "added")
	count(len(d.SpeakersChanged), "speaker", "changed")
	count(len(d.SpeakersRemoved), "speaker", "removed")
	if d.TracksChanged {
		parts = append(parts, "tracks changed")
	}
	if d.RoomsChanged {
		parts = append(parts, "rooms changed")
	}
	if len(d.Event) > 0 {
		parts = append(parts, "event "+strings.Join(d.Event, ", ")+" changed")
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// Compare returns the diff from prev to next. A nil prev means everything in next is new.
func Compare(prev, next *Event) Diff {
	if prev == nil {
		prev = &Event{}
	}
	var d Diff
	d.Event = eventFields(prev, next)
	d.TracksChanged = !slices.Equal(prev.Tracks, next.Tracks)
	d.RoomsChanged = !slices.Equal(prev.Rooms, next.Rooms)
	d.SessionsAdded, d.SessionsChanged, d.SessionsRemoved = diffByID(prev.Sessions, next.Sessions,
		func(s Session) string { return s.ID }, SessionFields)
	d.SpeakersAdded, d.SpeakersChanged, d.SpeakersRemoved = diffByID(prev.Speakers, next.Speakers,
		func(s Speaker) string { return s.ID }, speakerFields)
	return d
}

func diffByID[T any](prev, next []T, id func(T) string, fields func(a, b T) []string) (added []string, changed []SessionChange, removed []string) {
	old := make(map[string]T, len(prev))
	for _, v := range prev {
		old[id(v)] = v
	}
	kept := make(map[string]bool, len(next))
	for _, v := range next {
		k := id(v)
		kept[k] = true
		was, ok := old[k]
		if !ok {
			added = append(added, k)
			continue
		}
		if f := fields(was, v); len(f) > 0 {
			changed = append(changed, SessionChange{ID: k, Fields: f})
		}
	}
	for _, v := range prev {
		if !kept[id(v)] {
			removed = append(removed, id(v))
		}
	}
	return added, changed, removed
}

// fields collects the names of fields that differ.
type fields []string

func (f *fields) add(differ bool, name string) {
	if differ {
		*f = append(*f, name)
	}
}

// SessionFields names the fields that differ between two versions of a session, in the
// names the native format uses.
func SessionFields(a, b Session) []string {
	var f fields
	add := f.add
	add(a.Title != b.Title, "title")
	add(a.Abstract != b.Abstract, "abstract")
	add(a.Kind != b.Kind, "kind")
	add(a.TrackID != b.TrackID, "trackId")
	add(a.RoomID != b.RoomID, "roomId")
	add(!slices.Equal(a.SpeakerIDs, b.SpeakerIDs), "speakerIds")
	add(!a.Start.Equal(b.Start), "start")
	add(!a.End.Equal(b.End), "end")
	add(a.JoinURL != b.JoinURL, "joinUrl")
	add(a.Status != b.Status, "status")
	return f
}

func speakerFields(a, b Speaker) []string {
	var f fields
	add := f.add
	add(a.Name != b.Name, "name")
	add(a.Title != b.Title, "title")
	add(a.Company != b.Company, "company")
	add(a.Bio != b.Bio, "bio")
	add(a.PhotoURL != b.PhotoURL, "photoUrl")
	add(!slices.Equal(a.Links, b.Links), "links")
	return f
}

func eventFields(a, b *Event) []string {
	var f fields
	add := f.add
	add(a.Name != b.Name, "name")
	add(a.Description != b.Description, "description")
	add(a.TimeZone != b.TimeZone, "timeZone")
	add(a.StartDate != b.StartDate, "startDate")
	add(a.EndDate != b.EndDate, "endDate")
	add(a.Website != b.Website, "website")
	add(a.RegistrationURL != b.RegistrationURL, "registrationUrl")
	add(a.RegistrationLabel != b.RegistrationLabel, "registrationLabel")
	add(a.JoinURL != b.JoinURL, "joinUrl")
	add(a.Location != b.Location, "location")
	return f
}
