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
