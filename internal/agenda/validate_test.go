package agenda

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sample() *Event {
	start := time.Date(2024, 10, 23, 16, 0, 0, 0, time.UTC)
	ev := &Event{
		Slug: "conf", Name: "Conf", TimeZone: "America/Los_Angeles", StartDate: "2024-10-23", EndDate: "2024-10-24",
		Tracks:   []Track{{ID: "t1", Name: "One"}, {ID: "t2", Name: "Two"}},
		Rooms:    []Room{{ID: "a", Name: "Hall A", Capacity: 300}, {ID: "b", Name: "Hall B"}},
		Speakers: []Speaker{{ID: "ada", Name: "Ada"}, {ID: "bob", Name: "Bob"}},
		Sessions: []Session{
			{ID: "s1", Title: "First", TrackID: "t1", RoomID: "a", SpeakerIDs: []string{"ada"}, Start: start, End: start.Add(30 * time.Minute)},
			{ID: "s2", Title: "Second", TrackID: "t2", RoomID: "b", SpeakerIDs: []string{"bob"}, Start: start, End: start.Add(30 * time.Minute)},
			{ID: "s3", Title: "Third", TrackID: "t1", Start: start.Add(time.Hour), End: start.Add(90 * time.Minute)},
			{ID: "tba", Title: "To be announced"},
		},
	}
	Normalize(ev)
	return ev
}

func TestValidateAcceptsSample(t *testing.T) {
	if err := Validate(sample()); err != nil {
		t.Fatal(err)
	}
}

// Every problem is reported at once, each with its field path.
func TestValidateListsEveryProblem(t *testing.T) {
	ev := sample()
	ev.Slug = "Bad Slug"
	ev.TimeZone = "Mars/Olympus_Mons"
	ev.Website = "javascript:alert(1)"
	ev.Speakers = append(ev.Speakers, Speaker{ID: "ada", Name: "Ada again"})
	ev.Sessions[0].End = ev.Sessions[0].Start.Add(-time.Minute)
	ev.Sessions[1].TrackID = "nope"
	ev.Sessions[1].SpeakerIDs = []string{"ghost", "bob", "bob"}
	ev.Sessions[2].ID = "s1"
	ev.Sessions[3].Kind = "party"
	ev.Sessions[3].Start = ev.Sessions[0].Start
	err := Validate(ev)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Field)
	}
	want := []string{
		"slug", "timeZone", "website", "speakers[2].id",
		"sessions[0].end", "sessions[1].trackId", "sessions[1].speakerIds[0]", "sessions[1].speakerIds[2]",
		"sessions[2].id", "sessions[3].kind", "sessions[3].end",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s\nall: %v", diff, err)
	}
	if !strings.Contains(err.Error(), "sessions[0].end: before start") {
		t.Errorf("message %q lacks %q", err, "sessions[0].end: before start")
	}
}

// Ids from a source are kept as they are: case, punctuation and non-ASCII letters pass.
func TestValidateKeepsSourceIDs(t *testing.T) {
	ev := sample()
	ev.Sessions[0].ID, ev.Sessions[1].ID = "HOqe+NIb6/G7M4==", "hoqe+nib6/g7m4=="
	ev.Sessions[2].ID = "Vortrag-Überwachung#1"
	if err := Validate(ev); err != nil {
		t.Fatal(err)
	}
	if got := PathID("HOqe+NIb6/G7M4=="); got != "HOqe+NIb6%2FG7M4==" {
		t.Errorf("PathID = %q", got)
	}
}

func TestValidateCases(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Event)
		field string
	}{
		{"session outside the event's days", func(e *Event) {
			e.Sessions[0].Start = e.Sessions[0].Start.AddDate(1, 0, 0)
			e.Sessions[0].End = e.Sessions[0].Start.Add(time.Hour)
		}, "sessions[0].start"},
		{"end date before start date", func(e *Event) { e.EndDate = "2024-10-01" }, "endDate"},
		{"registration label too long", func(e *Event) { e.RegistrationLabel = strings.Repeat("x", MaxNameLen+1) }, "registrationLabel"},
		{"start without end", func(e *Event) { e.Sessions[0].End = time.Time{} }, "sessions[0].end"},
		{"over a day long", func(e *Event) { e.Sessions[0].End = e.Sessions[0].Start.Add(25 * time.Hour) }, "sessions[0].end"},
		{"missing title", func(e *Event) { e.Sessions[1].Title = "" }, "sessions[1].title"},
		{"invalid UTF-8", func(e *Event) { e.Sessions[1].Abstract = "\xff" }, "sessions[1].abstract"},
		{"huge abstract", func(e *Event) { e.Sessions[1].Abstract = strings.Repeat("x", MaxTextLen+1) }, "sessions[1].abstract"},
		{"id with a space", func(e *Event) { e.Sessions[1].ID = "a b" }, "sessions[1].id"},
		{"id with a zero-width space", func(e *Event) { e.Sessions[1].ID = "a\u200bb" }, "sessions[1].id"},
		{"id that is a path step", func(e *Event) { e.Sessions[1].ID = ".." }, "sessions[1].id"},
		{"id over 128 bytes", func(e *Event) { e.Sessions[1].ID = strings.Repeat("é", 65) }, "sessions[1].id"},
		{"unknown room", func(e *Event) { e.Sessions[1].RoomID = "nope" }, "sessions[1].roomId"},
		{"two rooms of one name", func(e *Event) { e.Rooms = append(e.Rooms, Room{ID: "r9", Name: "Hall A"}) }, "rooms[2].name"},
		{"negative capacity", func(e *Event) { e.Rooms[0].Capacity = -1 }, "rooms[0].capacity"},
		{"unknown status", func(e *Event) { e.Sessions[1].Status = "maybe" }, "sessions[1].status"},
		{"Local zone", func(e *Event) { e.TimeZone = "Local" }, "timeZone"},
		{"link without URL", func(e *Event) { e.Speakers[0].Links = []Link{{Title: "x"}} }, "speakers[0].links[0].url"},
		{"ftp photo", func(e *Event) { e.Speakers[0].PhotoURL = "ftp://x/y.png" }, "speakers[0].photoUrl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := sample()
			tt.edit(ev)
			var ve *ValidationError
			if err := Validate(ev); !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != tt.field {
				t.Errorf("Validate = %v, want one problem at %s", err, tt.field)
			}
		})
	}
}
