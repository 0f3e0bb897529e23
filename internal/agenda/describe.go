package agenda

import (
	"fmt"
	"slices"
	"strings"
)

// Describe says in sentences what changed from prev to next, one line per change, for
// people: "“Rust + io_uring + ktls” moved to Thu Oct 24 09:10 PDT". Times are in next's
// zone. prev may be nil.
func Describe(prev, next *Event) []string {
	if prev == nil {
		prev = &Event{}
	}
	d := Compare(prev, next)
	loc := next.Zone()
	when := func(s Session) string {
		if !s.Scheduled() {
			return "time to be announced"
		}
		return s.Start.In(loc).Format("Mon Jan 2 15:04 MST")
	}
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, f := range d.Event {
		add("Event %s changed", f)
	}
	if d.TracksChanged {
		add("Tracks changed: %s", names(next.Tracks, func(t Track) string { return t.Name }))
	}
	if d.RoomsChanged {
		add("Rooms changed: %s", names(next.Rooms, func(r Room) string { return r.Name }))
	}
	for _, id := range d.SessionsAdded {
		s, _ := next.Session(id)
		add("Added %s (%s)", quoted(s.Title), when(s))
	}
	for _, c := range d.SessionsChanged {
		a, _ := prev.Session(c.ID)
		b, _ := next.Session(c.ID)
		out = append(out, describeSession(a, b, c.Fields, next, when)...)
	}
	for _, id := range d.SessionsRemoved {
		s, _ := prev.Session(id)
		add("Removed %s: calendars show it as cancelled", quoted(s.Title))
	}
	for _, id := range d.SpeakersAdded {
		s, _ := next.Speaker(id)
		if s.Title != "" {
			add("New speaker: %s (%s)", s.Name, s.Title)
		} else {
			add("New speaker: %s", s.Name)
		}
	}
	for _, c := range d.SpeakersChanged {
		s, _ := next.Speaker(c.ID)
		add("Speaker %s: %s updated", s.Name, strings.Join(c.Fields, ", "))
	}
	for _, id := range d.SpeakersRemoved {
		s, _ := prev.Speaker(id)
		add("Speaker %s removed", s.Name)
	}
	return out
}

func describeSession(a, b Session, changed []string, next *Event, when func(Session) string) []string {
	var out []string
	name := quoted(b.Title)
	rest := slices.DeleteFunc(slices.Clone(changed), func(f string) bool {
		return f == "title" || f == "start" || f == "end" || f == "status" || f == "speakerIds" || f == "roomId"
	})
	if a.Title != b.Title {
		out = append(out, fmt.Sprintf("%s renamed to %s", quoted(a.Title), name))
	}
	switch {
	case a.Status != b.Status && b.Status == StatusCancelled:
		out = append(out, name+" cancelled")
	case a.Status != b.Status:
		out = append(out, name+" is back on the agenda")
	}
	switch {
	case !a.Start.Equal(b.Start) && a.Scheduled() && b.Scheduled():
		out = append(out, fmt.Sprintf("%s moved to %s", name, when(b)))
	case !a.Start.Equal(b.Start) && b.Scheduled():
		out = append(out, fmt.Sprintf("%s scheduled for %s", name, when(b)))
	case !a.Start.Equal(b.Start):
		out = append(out, name+" is unscheduled again (time to be announced)")
	case !a.End.Equal(b.End):
		out = append(out, fmt.Sprintf("%s now ends at %s", name, b.End.In(next.Zone()).Format("15:04 MST")))
	}
	if a.RoomID != b.RoomID {
		if room := next.RoomName(b); room != "" {
			out = append(out, fmt.Sprintf("%s moved to room %s", name, room))
		} else {
			out = append(out, name+": room to be announced")
		}
	}
	if !slices.Equal(a.SpeakerIDs, b.SpeakerIDs) {
		var names []string
		for _, id := range b.SpeakerIDs {
			s, _ := next.Speaker(id)
			names = append(names, s.Name)
		}
		out = append(out, fmt.Sprintf("%s: speakers now %s", name, cmpOrNone(strings.Join(names, ", "))))
	}
	if len(rest) > 0 {
		out = append(out, fmt.Sprintf("%s: %s updated", name, strings.Join(rest, ", ")))
	}
	return out
}

func quoted(s string) string { return "“" + s + "”" }

func cmpOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func names[T any](items []T, name func(T) string) string {
	var out []string
	for _, it := range items {
		out = append(out, name(it))
	}
	return cmpOrNone(strings.Join(out, ", "))
}
