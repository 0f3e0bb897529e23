package agenda_test

import (
	"slices"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
)

func TestDescribe(t *testing.T) {
	prev, _ := bundled.Event()
	next, _ := bundled.Event()
	s := &next.Sessions[1] // Rust + io_uring + ktls, Oct 23 10:00 PDT
	s.Start = time.Date(2024, 10, 24, 16, 10, 0, 0, time.UTC)
	s.End = s.Start.Add(25 * time.Minute)
	next.Sessions[0].Title = "You're Doing It All Wrong (Revisited)"
	next.Sessions = next.Sessions[:2]
	next.Speakers = append(next.Speakers, agenda.Speaker{ID: "new", Name: "Glauber Costa", Title: "Turso founder", Links: []agenda.Link{}})
	got := agenda.Describe(prev, next)
	want := []string{
		"“You’re Doing it All Wrong” renamed to “You're Doing It All Wrong (Revisited)”",
		"“Rust + io_uring + ktls: how fast can we make HTTP?” moved to Thu Oct 24 09:10 PDT",
		"Removed “The Next Chapter in the Sordid Love/Hate Relationship Between Databases and Operating Systems”: calendars show it as cancelled",
		"New speaker: Glauber Costa (Turso founder)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Describe =\n  %q\nwant\n  %q", got, want)
	}
	if got := agenda.Describe(prev, prev); len(got) != 0 {
		t.Errorf("no change described as %q", got)
	}
}

// A room move is a change of its own, said with the room's name.
func TestDescribeRoomMove(t *testing.T) {
	prev, _ := bundled.Event()
	prev.Rooms = []agenda.Room{{ID: "main", Name: "Main stage"}, {ID: "k4", Name: "K.4.601"}}
	prev.Sessions[1].RoomID = "main"
	next, _ := bundled.Event()
	next.Rooms = prev.Rooms
	next.Sessions[1].RoomID = "k4"
	next.Sessions[2].RoomID = "main"
	got := agenda.Describe(prev, next)
	want := []string{
		"“Rust + io_uring + ktls: how fast can we make HTTP?” moved to room K.4.601",
		"“The Next Chapter in the Sordid Love/Hate Relationship Between Databases and Operating Systems” moved to room Main stage",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Describe =\n  %q\nwant\n  %q", got, want)
	}
	if d := agenda.Compare(prev, next); d.Summary() != "2 sessions changed" || d.SessionsChanged[0].Fields[0] != "roomId" {
		t.Errorf("diff %+v, summary %q", d, d.Summary())
	}
}
