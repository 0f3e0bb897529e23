package handlers_test

import (
	"encoding/json"
	"html"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/feed/feedtest"
)

// Ids are kept as sources write them ("HOqe+NIb6/G7M4==" from a frab guid, "Vortrag#1?",
// "100%", "naïve"): every URL that carries one escapes it, and every route reads it back.
func TestSourceIDsInURLs(t *testing.T) {
	start := time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)
	ids := []string{"HOqe+NIb6/G7M4==", "Vortrag#1?", "100%", "naïve", "plain"}
	ev := &agenda.Event{Slug: "ids", Name: "Ids", TimeZone: "Europe/Brussels", StartDate: "2025-02-01", EndDate: "2025-02-01",
		Tracks:   []agenda.Track{{ID: "t/1", Name: "Track one"}},
		Rooms:    []agenda.Room{{ID: "r/1", Name: "K.4.601"}},
		Speakers: []agenda.Speaker{{ID: "a/b", Name: "Ann Slash"}},
	}
	for i, id := range ids {
		at := start.Add(time.Duration(i) * time.Hour)
		ev.Sessions = append(ev.Sessions, agenda.Session{ID: id, Title: "Talk " + id, TrackID: "t/1", RoomID: "r/1",
			SpeakerIDs: []string{"a/b"}, Start: at, End: at.Add(30 * time.Minute)})
	}
	agenda.Normalize(ev)
	e := newEnv(t, ev)
	page := e.do("GET", "/events/ids", "")
	want(t, page, http.StatusOK)
	links := html.UnescapeString(page.Body.String()) // html/template writes "+" as &#43;
	for _, id := range ids {
		esc := agenda.PathID(id)
		if !strings.Contains(links, `href="`+base+`/events/ids/sessions/`+esc+`"`) {
			t.Errorf("%s: the agenda page does not link /sessions/%s", id, esc)
		}
		want(t, e.do("GET", "/events/ids/sessions/"+esc, ""), http.StatusOK)
		want(t, e.do("GET", "/embed/ids/sessions/"+esc, ""), http.StatusOK)
		js := e.do("GET", "/api/v1/events/ids/sessions/"+esc, "")
		want(t, js, http.StatusOK)
		if got := decodeJSON[struct{ ID, RoomID string }](t, js); got.ID != id || got.RoomID != "r/1" {
			t.Errorf("%s: JSON says %+v", id, got)
		}
		ics := e.do("GET", "/events/ids/sessions/"+esc+".ics", "")
		want(t, ics, http.StatusOK)
		_, params, err := mime.ParseMediaType(ics.Header().Get("Content-Disposition"))
		if err != nil || params["filename"] != id+".ics" {
			t.Errorf("%s: Content-Disposition %q (%v)", id, ics.Header().Get("Content-Disposition"), err)
		}
		if u := feedtest.Text(firstEvent(t, ics.Body.Bytes()), "URL"); u != base+"/events/ids#session-"+esc {
			t.Errorf("%s: URL %q", id, u)
		}
		o := e.do("GET", "/oembed?url="+url.QueryEscape(base+"/events/ids/sessions/"+esc), "")
		want(t, o, http.StatusOK)
		if frame := html.UnescapeString(decodeJSON[struct{ HTML string }](t, o).HTML); !strings.Contains(frame, `/embed/ids/sessions/`+esc+`"`) {
			t.Errorf("%s: oEmbed html %s", id, frame)
		}
	}
	want(t, e.do("GET", "/events/ids/speakers/a%2Fb", ""), http.StatusOK)
	want(t, e.do("GET", "/events/ids/speakers/a%2Fb/card.svg", ""), http.StatusOK)
	want(t, e.do("GET", "/events/ids/tracks/t%2F1.ics", ""), http.StatusOK)
	want(t, e.do("GET", "/events/ids/rooms/r%2F1.ics", ""), http.StatusOK)

	// Stars by escaped path, and the personal feed holds exactly the starred UIDs.
	body, _ := json.Marshal(map[string][]string{"sessions": ids[:2]})
	c := e.createIn("ids", string(body))
	want(t, e.do("PUT", "/api/v1/schedules/"+c.ID+"/sessions/"+agenda.PathID(ids[2]), "", auth(c.EditToken)...), http.StatusOK)
	want(t, e.do("DELETE", "/api/v1/schedules/"+c.ID+"/sessions/"+agenda.PathID(ids[0]), "", auth(c.EditToken)...), http.StatusOK)
	events := feedtest.Events(t, feedtest.Check(t, e.do("GET", feedPath(c.FeedURL), "").Body.Bytes()))
	if len(events) != 2 || events[agenda.UID("ids", ids[1])] == nil || events[agenda.UID("ids", ids[2])] == nil {
		t.Errorf("personal feed holds %d events: %v", len(events), events)
	}
}

func firstEvent(t *testing.T, data []byte) *ical.Component {
	t.Helper()
	for _, c := range feedtest.Events(t, feedtest.Check(t, data)) {
		return c
	}
	t.Fatal("no event")
	return nil
}
