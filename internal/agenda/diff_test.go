package agenda

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCompare(t *testing.T) {
	prev := sample()
	next := sample()
	next.Name = "Conf 2"
	next.Sessions[0].Title = "First, renamed"
	next.Sessions[0].Start = next.Sessions[0].Start.Add(time.Hour)
	next.Sessions[0].End = next.Sessions[0].End.Add(time.Hour)
	next.Sessions = append(next.Sessions[:1], next.Sessions[2:]...)
	next.Sessions = append(next.Sessions, Session{ID: "s9", Title: "New", Kind: KindTalk, Status: StatusConfirmed})
	next.Speakers = append(next.Speakers, Speaker{ID: "cy", Name: "Cy"})
	next.Speakers[0].Bio = "bio"
	d := Compare(prev, next)
	want := Diff{
		Event:           []string{"name"},
		SessionsAdded:   []string{"s9"},
		SessionsChanged: []SessionChange{{ID: "s1", Fields: []string{"title", "start", "end"}}},
		SessionsRemoved: []string{"s2"},
		SpeakersAdded:   []string{"cy"},
		SpeakersChanged: []SessionChange{{ID: "ada", Fields: []string{"bio"}}},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	if got := d.Summary(); got != "1 session added, 1 session changed, 1 session removed, 1 speaker added, 1 speaker changed, event name changed" {
		t.Errorf("summary = %q", got)
	}
	if !Compare(prev, sample()).Empty() {
		t.Error("identical agendas differ")
	}
}
