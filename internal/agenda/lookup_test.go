package agenda

import (
	"fmt"
	"testing"
)

// Lookups by id answer as a scan of the lists would, however the agenda is changed
// between them: in place, appended to, replaced, shortened.
func TestLookupsFollowChanges(t *testing.T) {
	ev := &Event{}
	for i := range 40 {
		ev.Sessions = append(ev.Sessions, Session{ID: fmt.Sprint("s", i), Title: fmt.Sprint("talk ", i)})
		ev.Speakers = append(ev.Speakers, Speaker{ID: fmt.Sprint("p", i)})
	}
	ev.Sessions = append(ev.Sessions, Session{ID: "s3", Title: "a second s3"}) // the first one wins
	scan := func(id string) (Session, bool) {
		for _, s := range ev.Sessions {
			if s.ID == id {
				return s, true
			}
		}
		return Session{}, false
	}
	check := func(step string, ids ...string) {
		t.Helper()
		for _, id := range ids {
			got, ok := ev.Session(id)
			want, wok := scan(id)
			if ok != wok || got.Title != want.Title {
				t.Errorf("%s: Session(%q) = %q %v, want %q %v", step, id, got.Title, ok, want.Title, wok)
			}
		}
	}
	check("first", "s0", "s3", "s39", "s40", "")
	ev.Sessions[5].ID = "renamed"
	ev.Sessions[6].Title = "retitled"
	check("changed in place", "s5", "renamed", "s6")
	ev.Sessions = append(ev.Sessions, Session{ID: "s40", Title: "appended"})
	check("appended", "s40", "s39")
	ev.Sessions = ev.Sessions[:20]
	check("shortened", "s19", "s20", "s40")
	ev.Sessions = append([]Session{{ID: "s19", Title: "new first"}}, ev.Sessions...)
	check("replaced", "s19", "s0")
	if sp, ok := ev.Speaker("p33"); !ok || sp.ID != "p33" {
		t.Errorf("Speaker(p33) = %v %v", sp, ok)
	}
	if _, ok := (&Event{}).Track("x"); ok {
		t.Error("a track in an empty agenda")
	}
}
