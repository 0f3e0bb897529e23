package agenda

import (
	"testing"
	"time"
)

var (
	rev1 = time.Date(2024, 9, 1, 10, 0, 0, 0, time.UTC)
	rev2 = rev1.Add(24 * time.Hour)
	rev3 = rev2.Add(24 * time.Hour)
)

func TestLedgerFirstRevision(t *testing.T) {
	ev := sample()
	l := Ledger{}.Advance(nil, ev, rev1)
	if len(l) != len(ev.Sessions) {
		t.Fatalf("ledger has %d entries, want %d", len(l), len(ev.Sessions))
	}
	for id, e := range l {
		if e.Sequence != 0 || !e.Modified.Equal(rev1) || !e.RemovedAt.IsZero() {
			t.Errorf("%s: %+v", id, e)
		}
	}
}

// Moving, renaming, re-tracking and re-speakering raise SEQUENCE; a new abstract changes only
// the modification time; untouched sessions keep both.
func TestLedgerChanges(t *testing.T) {
	prev := sample()
	l1 := Ledger{}.Advance(nil, prev, rev1)
	next := sample()
	next.Sessions[0].Start = next.Sessions[0].Start.Add(time.Hour)
	next.Sessions[0].End = next.Sessions[0].End.Add(time.Hour)
	next.Sessions[1].Abstract = "new abstract"
	next.Sessions[2].SpeakerIDs = []string{"ada"}
	l2 := l1.Advance(prev, next, rev2)
	want := map[string]struct {
		seq      int
		modified time.Time
	}{
		"s1": {1, rev2}, "s2": {0, rev2}, "s3": {1, rev2}, "tba": {0, rev1},
	}
	for id, w := range want {
		if e := l2[id]; e.Sequence != w.seq || !e.Modified.Equal(w.modified) {
			t.Errorf("%s: sequence %d modified %v, want %d %v", id, e.Sequence, e.Modified, w.seq, w.modified)
		}
	}
	if l1["s1"].Sequence != 0 {
		t.Error("Advance modified its receiver")
	}
}

// A removed session becomes a tombstone with a raised SEQUENCE and stays for the grace
// period; coming back raises SEQUENCE again.
func TestLedgerRemovalAndReturn(t *testing.T) {
	prev := sample()
	l1 := Ledger{}.Advance(nil, prev, rev1)
	next := sample()
	removed := next.Sessions[1]
	next.Sessions = append(next.Sessions[:1], next.Sessions[2:]...)
	l2 := l1.Advance(prev, next, rev2)
	e := l2["s2"]
	if e.Sequence != 1 || !e.RemovedAt.Equal(rev2) || e.Tombstone == nil || e.Tombstone.Title != removed.Title {
		t.Fatalf("tombstone = %+v", e)
	}
	if got := e.Expires(); got.Before(rev2.Add(TombstoneGrace)) {
		t.Errorf("expires %v, before the %s grace", got, TombstoneGrace)
	}
	// Still there one day before expiry, gone after it.
	stay := l2.Advance(next, next, e.Expires().Add(-24*time.Hour))
	if _, ok := stay["s2"]; !ok {
		t.Error("tombstone dropped before it expired")
	}
	gone := l2.Advance(next, next, e.Expires().Add(time.Second))
	if _, ok := gone["s2"]; ok {
		t.Error("tombstone kept after it expired")
	}
	back := l2.Advance(next, prev, rev3)
	if b := back["s2"]; b.Sequence != 2 || !b.RemovedAt.IsZero() || b.Tombstone != nil || !b.Modified.Equal(rev3) {
		t.Errorf("returned session = %+v", b)
	}
}

// A session that loses its time leaves calendars (tombstone) but stays in the agenda.
func TestLedgerUnscheduled(t *testing.T) {
	prev := sample()
	l1 := Ledger{}.Advance(nil, prev, rev1)
	next := sample()
	next.Sessions[0].Start, next.Sessions[0].End = time.Time{}, time.Time{}
	l2 := l1.Advance(prev, next, rev2)
	if e := l2["s1"]; e.Sequence != 1 || e.Tombstone == nil || e.RemovedAt.IsZero() {
		t.Fatalf("unscheduled = %+v", e)
	}
	l3 := l2.Advance(next, prev, rev3)
	if e := l3["s1"]; e.Sequence != 2 || e.Tombstone != nil || !e.RemovedAt.IsZero() {
		t.Errorf("rescheduled = %+v", e)
	}
	// A TBA session that is removed was never in a feed: nothing to keep.
	noTBA := sample()
	noTBA.Sessions = noTBA.Sessions[:3]
	if _, ok := l1.Advance(prev, noTBA, rev2)["tba"]; ok {
		t.Error("removed TBA session kept a ledger entry")
	}
}

func TestUIDIsStable(t *testing.T) {
	if UID("p99conf-24", "s1") != UID("p99conf-24", "s1") || UID("a", "s1") == UID("b", "s1") {
		t.Error("UID is not a pure function of event and session")
	}
}

// A move to another room, or the room's renaming, changes where calendars send people:
// SEQUENCE goes up for exactly the sessions in it. A new capacity changes nothing a feed shows.
func TestLedgerRooms(t *testing.T) {
	prev := sample()
	l1 := Ledger{}.Advance(nil, prev, rev1)
	moved := sample()
	moved.Sessions[0].RoomID = "b"
	l2 := l1.Advance(prev, moved, rev2)
	if l2["s1"].Sequence != 1 || l2["s2"].Sequence != 0 || l2["s3"].Sequence != 0 {
		t.Errorf("after a move: sequences s1 %d s2 %d s3 %d, want 1 0 0", l2["s1"].Sequence, l2["s2"].Sequence, l2["s3"].Sequence)
	}
	renamed := sample()
	renamed.Rooms[1].Name = "Hall B (upstairs)"
	renamed.Rooms[0].Capacity = 20
	l3 := l1.Advance(prev, renamed, rev2)
	if l3["s1"].Sequence != 0 || l3["s2"].Sequence != 1 || !l3["s1"].Modified.Equal(rev1) {
		t.Errorf("after a rename: s1 %+v, s2 %+v; want s1 untouched, s2 raised", l3["s1"], l3["s2"])
	}
}
