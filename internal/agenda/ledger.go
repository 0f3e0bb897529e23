package agenda

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// TombstoneGrace is how long a removed session stays in feeds as cancelled after its removal
// (and at least a week past its own end), so calendars that fetched it learn it is gone.
const TombstoneGrace = 30 * 24 * time.Hour

const afterEndGrace = 7 * 24 * time.Hour

// Entry is what calendar feeds need to know about one session beyond the agenda itself.
type Entry struct {
	// Sequence is the iCalendar SEQUENCE: raised whenever time, title, location (track or
	// join link), status or speakers change, and when the session leaves or rejoins the
	// schedule.
	Sequence int
	// Modified is the time of the revision that last changed anything a feed shows.
	Modified time.Time
	// RemovedAt is when the session left the agenda or lost its time; zero while present.
	RemovedAt time.Time
	// Tombstone is the last scheduled version of a session that left the schedule: feeds keep
	// it as cancelled until Expires.
	Tombstone *Session
}

// Expires is when a removed session may leave the feeds for good.
func (e Entry) Expires() time.Time {
	t := e.RemovedAt.Add(TombstoneGrace)
	if e.Tombstone != nil && e.Tombstone.End.Add(afterEndGrace).After(t) {
		t = e.Tombstone.End.Add(afterEndGrace)
	}
	return t
}

// Ledger maps session ids to their feed entries. It covers every session of the current
// agenda and every removed session whose tombstone has not expired.
type Ledger map[string]Entry

// UID returns the session's iCalendar UID. It depends only on the event slug and session id,
// so it survives revisions, restarts, instances and re-imports.
func UID(eventSlug, sessionID string) string {
	return sessionID + "." + eventSlug + "@confcal"
}

// Advance returns the ledger for the agenda next, which replaces prev (nil for the first
// revision) at time now. The receiver is not modified.
func (l Ledger) Advance(prev, next *Event, now time.Time) Ledger {
	now = now.UTC()
	out := make(Ledger, len(next.Sessions))
	for id, e := range l {
		if e.RemovedAt.IsZero() || now.Before(e.Expires()) {
			out[id] = e
		}
	}
	if prev == nil {
		prev = &Event{}
	}
	before := make(map[string]Session, len(prev.Sessions))
	for _, s := range prev.Sessions {
		before[s.ID] = s
	}
	for _, s := range next.Sessions {
		old, had := before[s.ID]
		e, known := out[s.ID]
		switch {
		case had:
			e = advanceKept(e, prev, next, old, s, now)
		case known: // back after a removal
			e = Entry{Sequence: e.Sequence + 1, Modified: now}
		default:
			e = Entry{Modified: now}
		}
		out[s.ID] = e
	}
	for _, s := range prev.Sessions {
		if _, kept := next.Session(s.ID); kept {
			continue
		}
		e := out[s.ID]
		e.Sequence++
		e.Modified, e.RemovedAt = now, now
		if s.Scheduled() {
			e.Tombstone = &s
		} else if e.Tombstone == nil {
			delete(out, s.ID) // never in a feed: nothing to tell calendars
			continue
		}
		out[s.ID] = e
	}
	return out
}

func advanceKept(e Entry, prev, next *Event, old, s Session, now time.Time) Entry {
	if prev.feedView(old) != next.feedView(s) {
		e.Modified = now
	}
	if significant(prev, next, old, s) {
		e.Sequence++
	}
	switch {
	case s.Scheduled():
		e.RemovedAt, e.Tombstone = time.Time{}, nil
	case old.Scheduled(): // lost its time: calendars must drop it
		e.RemovedAt, e.Tombstone = now, &old
	}
	return e
}

// significant reports a change calendars must not ignore: RFC 5545 asks for a higher
// SEQUENCE, and Google ignores edits without one.
func significant(prev, next *Event, a, b Session) bool {
	return !a.Start.Equal(b.Start) || !a.End.Equal(b.End) || a.Title != b.Title ||
		a.Status != b.Status || a.TrackID != b.TrackID ||
		!slices.Equal(a.SpeakerIDs, b.SpeakerIDs) || prev.JoinURLFor(a) != next.JoinURLFor(b)
}

// feedView is everything a feed shows of a session, so that Modified moves exactly when the
// session's feed entry would read differently.
func (e *Event) feedView(s Session) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00",
		s.Title, s.Abstract, s.Kind, s.TrackID, s.Start, s.End, s.Status, e.JoinURLFor(s), e.Name, e.Location)
	if t, ok := e.Track(s.TrackID); ok {
		b.WriteString(t.Name)
	}
	for _, id := range s.SpeakerIDs {
		sp, _ := e.Speaker(id)
		fmt.Fprintf(&b, "\x00%s\x00%s\x00%s", sp.Name, sp.Title, sp.Company)
	}
	return b.String()
}
