package widget_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// roomsEvent is a small in-person event: three rooms, two tracks, and a session whose id
// is a frab guid as sources write them (case, "+", "/" and "=").
func roomsEvent() *agenda.Event {
	start := time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)
	ev := &agenda.Event{Slug: "rooms", Name: "Rooms Conf", TimeZone: "Europe/Brussels", StartDate: "2025-02-01", EndDate: "2025-02-01",
		Location: "ULB, Brussels",
		Tracks:   []agenda.Track{{ID: "go", Name: "Go"}, {ID: "rust", Name: "Rust"}},
		Rooms:    []agenda.Room{{ID: "k4601", Name: "K.4.601"}, {ID: "h1302", Name: "H.1302 (Depage)"}, {ID: "ua2220", Name: "UA2.220 (Guillissen)"}},
	}
	for i, id := range []string{"HOqe+NIb6/G7M4==", "s2", "s3", "s4", "s5", "s6"} {
		at := start.Add(time.Duration(i/3) * time.Hour)
		ev.Sessions = append(ev.Sessions, agenda.Session{ID: id, Title: "Talk " + id, TrackID: []string{"go", "rust"}[i%2],
			RoomID: ev.Rooms[i%3].ID, Start: at, End: at.Add(50 * time.Minute)})
	}
	agenda.Normalize(ev)
	return ev
}

// Each session shows its room; the room filter, and the room attribute, show one room's
// sessions; a session whose id needs escaping stars, and its feed holds it.
func TestRoomsInTheAgenda(t *testing.T) {
	ev := roomsEvent()
	svc := newService(t, ev)
	site := newHost(t, svc.URL, strictCSP, map[string]string{"EVENT": ev.Slug, "ATTRS": ` view="list"`})
	tb := newTab(t)
	tb.open(site.URL + "/agenda-only.html")
	tb.wait("agenda", agendaRoot()+`?.querySelectorAll("li.s").length === 6`)
	meta := value[string](tb, agendaRoot()+`.querySelector('[data-id="HOqe+NIb6/G7M4=="] .meta').textContent`)
	if meta != "talk · Go · K.4.601" {
		t.Errorf("meta %q, want the room after the track", meta)
	}
	shown := func() int {
		return value[int](tb, agendaRoot()+`.querySelectorAll("li.s:not([hidden])").length`)
	}
	rooms := value[[]string](tb, `[...`+agendaRoot()+`.querySelectorAll("label")].filter((l) => l.textContent.startsWith("Room")).map((l) => [...l.querySelectorAll("option")].map((o) => o.textContent).join("|"))`)
	if len(rooms) != 1 || rooms[0] != "All rooms|K.4.601|H.1302 (Depage)|UA2.220 (Guillissen)" {
		t.Errorf("room filter options %q", rooms)
	}
	value[any](tb, `(() => { const s = [...`+agendaRoot()+`.querySelectorAll("select")].find((s) => s.options[0].text === "All rooms"); s.value = "h1302"; s.dispatchEvent(new Event("change")) })()`)
	if n := shown(); n != 2 {
		t.Errorf("%d sessions shown in H.1302, want 2", n)
	}
	value[any](tb, `document.querySelector("confcal-agenda").setAttribute("room", "ua2220")`)
	tb.wait("the room attribute applied", agendaRoot()+`.querySelectorAll("li.s:not([hidden])").length === 2 && `+
		agendaRoot()+`.querySelector("li.s:not([hidden]) .meta").textContent.includes("UA2.220")`)
	value[any](tb, `document.querySelector("confcal-agenda").removeAttribute("room")`)
	tb.wait("all rooms again", agendaRoot()+`.querySelectorAll("li.s:not([hidden])").length === 6`)

	star(tb, "HOqe+NIb6/G7M4==")
	star(tb, "s2")
	feedURL := openPanel(tb)
	tb.wait("both stars saved", `localStorage.getItem("confcal:v1").split(" ").length >= 7`)
	want := []string{agenda.UID(ev.Slug, "HOqe+NIb6/G7M4=="), agenda.UID(ev.Slug, "s2")}
	slices.Sort(want)
	if got := feedUIDs(t, feedURL); !slices.Equal(got, want) {
		t.Errorf("personal feed holds %v, want %v", got, want)
	}
	if errs := tb.errors(); len(errs) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(errs, "\n"))
	}
}
