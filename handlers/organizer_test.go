package handlers_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/c3voc"
	"github.com/confcal/confcal/internal/formats"
)

// The changes feed lists revisions newest first with their changes in sentences, as Atom
// (parsed back with encoding/xml) and as JSON.
func TestChangesFeed(t *testing.T) {
	e := newAdminEnv(t)
	want(t, e.admin("PUT", "/events/tls25?format=sessionize&timeZone=Europe/Berlin", sample(t, "sessionize-all-v1.json")), http.StatusCreated)
	want(t, e.admin("PUT", "/events/tls25", sample(t, "sessionize-all-v2.json")), http.StatusOK)
	w := e.do("GET", "/events/tls25/changes.atom", "")
	want(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var feed struct {
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Entries) != 2 || feed.ID == "" || feed.Updated == "" {
		t.Fatalf("feed: %+v", feed)
	}
	latest := feed.Entries[0]
	for _, s := range []string{"“io_uring in production” moved to Sun Oct 26 17:45 CET",
		"“Tail latency in the browser” scheduled for Sun Oct 26 17:45 CET", "New speaker: Marisol Achterberg"} {
		if !strings.Contains(latest.Content, s) {
			t.Errorf("latest entry lacks %q:\n%s", s, latest.Content)
		}
	}
	if !strings.HasPrefix(latest.Title, "Revision 2: ") || latest.ID == "" || latest.Updated == "" || !strings.Contains(feed.Entries[1].Content, "Agenda published: 68 sessions, 62 speakers") {
		t.Errorf("entries: %+v", feed.Entries)
	}
	etag := w.Header().Get("ETag")
	want(t, e.do("GET", "/events/tls25/changes.atom", "", "If-None-Match", etag), http.StatusNotModified)
	var js struct {
		Revisions []struct {
			Revision int
			Changes  []string
		}
	}
	w = e.do("GET", "/events/tls25/changes.json", "")
	want(t, w, http.StatusOK)
	json.Unmarshal(w.Body.Bytes(), &js)
	if len(js.Revisions) != 2 || js.Revisions[0].Revision != 2 || len(js.Revisions[0].Changes) != 5 {
		t.Errorf("changes.json: %s", w.Body)
	}
	want(t, e.do("GET", "/events/nope/changes.atom", ""), http.StatusNotFound)
}

// The frab exports parse back with our own readers into the same agenda, and have the
// shape schedule apps expect.
func TestFrabExports(t *testing.T) {
	e := newEnv(t)
	ev, _ := bundled.Event()
	for path, f := range map[string]formats.Format{"/events/p99conf-24/schedule.json": formats.Pretalx, "/events/p99conf-24/schedule.xml": formats.FrabXML} {
		w := e.do("GET", path, "")
		want(t, w, http.StatusOK)
		back, _, err := formats.Read(f, w.Body.Bytes(), formats.Options{Slug: ev.Slug, Base: ev})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if diff := cmp.Diff(ev, back, cmpopts.IgnoreUnexported(agenda.Event{})); diff != "" {
			t.Errorf("%s read back differs:\n%s", path, diff)
		}
		want(t, e.do("GET", path, "", "If-None-Match", w.Header().Get("ETag")), http.StatusNotModified)
	}
	// What is served passes the ecosystem's validators, and has the keynote where apps
	// look for it: the bundled event has no rooms, so its sessions are in a room without a
	// name (not in rooms named after tracks).
	js := e.do("GET", "/events/p99conf-24/schedule.json", "").Body.Bytes()
	if errs := c3voc.JSONErrors(t, js); len(errs) > 0 {
		t.Errorf("schedule.json: %q", errs)
	}
	if errs := c3voc.XMLErrors(t, e.do("GET", "/events/p99conf-24/schedule.xml", "").Body.Bytes()); len(errs) > 0 {
		t.Errorf("schedule.xml: %q", errs)
	}
	var doc struct {
		Schedule struct {
			Conference formats.FrabConference `json:"conference"`
		} `json:"schedule"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	conf := doc.Schedule.Conference
	ev0 := conf.Days[0].Rooms[""][0]
	if len(conf.Rooms) != 0 || ev0.GUID != formats.SessionGUID("p99conf-24", "stonebraker-doing-it-all-wrong") || ev0.Date != "2024-10-23T08:30:00-07:00" ||
		ev0.Duration != "00:30" || ev0.Room != "" || *ev0.Track != "Database optimizations" || ev0.Persons[0].ID <= 0 {
		t.Errorf("rooms %v; keynote: %+v", conf.Rooms, ev0)
	}
}

// Agendas are revealed in waves: a TBA slot that gets its time keeps its id, UID and
// speakers (SEQUENCE raised), and a wave that only announces a speaker changes no feed.
func TestWaves(t *testing.T) {
	e := newAdminEnv(t)
	want(t, e.admin("PUT", "/events/tls25?format=sessionize&timeZone=Europe/Berlin", sample(t, "sessionize-all-v1.json")), http.StatusCreated)
	tba := sessionID(t, "sessionize-all-v1.json", "Tail latency in the browser")
	sub := e.createIn("tls25", `{"sessions":["`+tba+`"]}`)
	if n := strings.Count(e.do("GET", feedPath(sub.FeedURL), "").Body.String(), "BEGIN:VEVENT"); n != 0 {
		t.Errorf("a TBA session is in the feed %d times", n)
	}
	feedBefore := e.do("GET", "/events/tls25/calendar.ics", "")

	// Wave 1b: only a new speaker. The speaker wall has them; feeds are byte-identical.
	ev, _, err := formats.Read("", []byte(sample(t, "sessionize-all-v1.json")), formats.Options{Slug: "tls25", TimeZone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	ev.Speakers = append(ev.Speakers, agenda.Speaker{ID: "new-voice", Name: "Nadia Quartey", Title: "SRE at Hotpath GmbH", Links: []agenda.Link{}})
	doc, _ := formats.EncodeNative(ev)
	w := e.admin("PUT", "/events/tls25?format=native", string(doc))
	want(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `"summary":"1 speaker added"`) {
		t.Errorf("speaker wave: %s", w.Body)
	}
	if after := e.do("GET", "/events/tls25/calendar.ics", ""); after.Header().Get("ETag") != feedBefore.Header().Get("ETag") {
		t.Error("announcing a speaker changed the event feed")
	}
	if !strings.Contains(e.do("GET", "/api/v1/events/tls25/speakers/new-voice", "").Body.String(), "Nadia Quartey") {
		t.Error("the new speaker is not served")
	}

	// Wave 2 from Sessionize: the TBA slot is filled in place (and the new speaker, who is
	// not in Sessionize, goes again: the source is the authority).
	want(t, e.admin("PUT", "/events/tls25", sample(t, "sessionize-all-v2.json")), http.StatusOK)
	events := e.feedEvents(feedPath(sub.FeedURL))
	got, ok := events[agenda.UID("tls25", tba)]
	if !ok || got.seq != "1" || got.start != "20251026T164500Z" || got.status != "CONFIRMED" {
		t.Errorf("the filled TBA slot in the subscriber's feed: %+v (present %v)", got, ok)
	}
}
