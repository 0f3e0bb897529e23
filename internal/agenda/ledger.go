package agenda

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"time"
)

// TombstoneGrace is how long a removed session stays in feeds as cancelled after its removal
// (and at least a week past its own end), so calendars that fetched it learn it is gone.
const TombstoneGrace = 30 * 24 * time.Hour

const afterEndGrace = 7 * 24 * time.Hour

// Entry is what calendar feeds need to know about one session beyond the agenda itself.
type Entry struct {
	// Sequence is the iCalendar SEQUENCE: raised whenever time, title, location (room, track
	// or join link), status or speakers change, and when the session leaves or rejoins the
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
	prevKeys, nextKeys := prev.FeedKeys(), next.FeedKeys()
	kept := make(map[string]bool, len(next.Sessions))
	for _, s := range next.Sessions {
		kept[s.ID] = true
		old, had := before[s.ID]
		e, known := out[s.ID]
		switch {
		case had:
			if prevKeys[s.ID] != nextKeys[s.ID] {
				e.Modified = now
			}
			e = advanceKept(e, prev, next, old, s, now)
		case known: // back after a removal
			e = Entry{Sequence: e.Sequence + 1, Modified: now}
		default:
			e = Entry{Modified: now}
		}
		out[s.ID] = e
	}
	for _, s := range prev.Sessions {
		if kept[s.ID] {
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
		a.Status != b.Status || a.TrackID != b.TrackID || prev.RoomName(a) != next.RoomName(b) ||
		!slices.Equal(a.SpeakerIDs, b.SpeakerIDs) || prev.JoinURLFor(a) != next.JoinURLFor(b)
}

// feedSeed keys FeedKeys' hashes. Keys are compared only within one process, so a seed per
// process is enough.
var feedSeed = maphash.MakeSeed()

// FeedKeys returns, for every session, a hash that changes exactly when anything a feed
// shows of the session changes: its own fields, its track's and room's names, its speakers'
// names and titles, its effective join link, and the event's name and location. Hashes are stable
// only within one process.
func (e *Event) FeedKeys() map[string]uint64 {
	tracks := make(map[string]string, len(e.Tracks))
	for _, t := range e.Tracks {
		tracks[t.ID] = t.Name
	}
	rooms := make(map[string]string, len(e.Rooms))
	for _, r := range e.Rooms {
		rooms[r.ID] = r.Name
	}
	speakers := make(map[string]Speaker, len(e.Speakers))
	for _, sp := range e.Speakers {
		speakers[sp.ID] = sp
	}
	keys := make(map[string]uint64, len(e.Sessions))
	var h maphash.Hash
	h.SetSeed(feedSeed)
	field := func(v string) {
		h.WriteString(v)
		h.WriteByte(0)
	}
	for _, s := range e.Sessions {
		h.Reset()
		for _, v := range []string{s.Title, s.Abstract, string(s.Kind), s.TrackID, tracks[s.TrackID],
			s.RoomID, rooms[s.RoomID], string(s.Status), e.JoinURLFor(s), e.Name, e.Location} {
			field(v)
		}
		var times [16]byte
		binary.LittleEndian.PutUint64(times[:8], uint64(s.Start.UnixMicro()))
		binary.LittleEndian.PutUint64(times[8:], uint64(s.End.UnixMicro()))
		h.Write(times[:])
		for _, id := range s.SpeakerIDs {
			sp := speakers[id]
			field(id)
			field(sp.Name)
			field(sp.Title)
		}
		keys[s.ID] = h.Sum64()
	}
	return keys
}
