package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/feed/feedtest"
	"github.com/confcal/confcal/internal/formats"
)

func sample(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "internal", "formats", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

const bearer = "Bearer " + adminToken

func (e *env) admin(method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(method, "/api/v1/admin"+path, body, "Authorization", bearer)
}

// sessionID finds a session's id in a sample by its title.
func sessionID(t *testing.T, file, title string) string {
	t.Helper()
	ev, _, err := formats.Read("", []byte(sample(t, file)), formats.Options{Slug: "tls25", TimeZone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ev.Sessions {
		if s.Title == title {
			return s.ID
		}
	}
	t.Fatalf("no session %q in %s", title, file)
	return ""
}

type vevent struct {
	seq, status, start, summary, location string
}

// feedEvents fetches a feed and returns its VEVENTs by UID, after the byte-level and
// independent-parser checks.
func (e *env) feedEvents(path string) map[string]vevent {
	e.t.Helper()
	w := e.do("GET", path, "")
	want(e.t, w, http.StatusOK)
	out := map[string]vevent{}
	for uid, c := range feedtest.Events(e.t, feedtest.Check(e.t, w.Body.Bytes())) {
		out[uid] = vevent{seq: feedtest.Text(c, "SEQUENCE"), status: feedtest.Text(c, "STATUS"),
			start: feedtest.Text(c, "DTSTART"), summary: feedtest.Text(c, "SUMMARY"), location: feedtest.Text(c, "LOCATION")}
	}
	return out
}

// The organizer's whole loop through the admin API, with a subscriber's feed following
// each step: import from pretalx, a second wave that moves, renames and removes sessions,
// the diff of that revision, and a restore of the first.
func TestAdminImportDiffRestore(t *testing.T) {
	e := newAdminEnv(t)
	const v1, v2 = "pretalx-schedule-v1.json", "pretalx-schedule-v2.json"
	w := e.admin("PUT", "/events/tls25?format=pretalx", sample(t, v1))
	want(t, w, http.StatusCreated)
	var res struct {
		Revision int
		Created  bool
		Summary  string
		Changes  []string
	}
	json.Unmarshal(w.Body.Bytes(), &res)
	if res.Revision != 1 || !res.Created {
		t.Errorf("first PUT: %+v", res)
	}
	// The catalog serves it at once.
	want(t, e.do("GET", "/api/v1/events/tls25", ""), http.StatusOK)

	moved := sessionID(t, v1, "io_uring in production")
	renamed := sessionID(t, v1, "eBPF profilers that cost nothing")
	removed := sessionID(t, v1, "Zig for systems people")
	sub := e.createIn("tls25", `{"sessions":["`+moved+`","`+renamed+`","`+removed+`"]}`)
	feedPath := strings.TrimPrefix(sub.FeedURL, base)
	before := e.feedEvents(feedPath)
	uid := func(id string) string { return agenda.UID("tls25", id) }
	for _, id := range []string{moved, renamed, removed} {
		if before[uid(id)].seq != "0" || before[uid(id)].status != "CONFIRMED" {
			t.Fatalf("before: %s = %+v", id, before[uid(id)])
		}
	}

	w = e.admin("PUT", "/events/tls25", sample(t, v2)) // format detected
	want(t, w, http.StatusOK)
	json.Unmarshal(w.Body.Bytes(), &res)
	if res.Revision != 2 || !strings.Contains(strings.Join(res.Changes, "\n"), "“io_uring in production” moved to Sun Oct 26 17:45 CET") {
		t.Errorf("second PUT: %+v", res)
	}
	after := e.feedEvents(feedPath)
	if a := after[uid(moved)]; a.seq != "1" || a.start != "20251026T164500Z" {
		t.Errorf("moved session in the feed: %+v", a)
	}
	if a := after[uid(renamed)]; a.seq != "1" || a.summary != "io_uring in production: two years later" {
		t.Errorf("renamed session in the feed: %+v", a)
	}
	if a := after[uid(removed)]; a.seq != "1" || a.status != "CANCELLED" {
		t.Errorf("removed session in the feed: %+v", a)
	}
	want(t, e.admin("PUT", "/events/tls25", sample(t, v2)), http.StatusNoContent)

	// The revision list, and revision 2's diff field by field.
	w = e.admin("GET", "/events/tls25/revisions", "")
	want(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `"number":2`) || !strings.Contains(w.Body.String(), `"number":1`) {
		t.Errorf("revisions: %s", w.Body)
	}
	w = e.admin("GET", "/events/tls25/revisions/2", "")
	want(t, w, http.StatusOK)
	var rev struct {
		Changes []string
		Diff    struct {
			Sessions struct {
				Added   []struct{ ID string }
				Changed []struct {
					ID     string
					Fields map[string]struct{ From, To any }
				}
				Cancelled []struct{ ID, Title string }
			}
		}
	}
	json.Unmarshal(w.Body.Bytes(), &rev)
	changed := map[string]map[string]struct{ From, To any }{}
	for _, c := range rev.Diff.Sessions.Changed {
		changed[c.ID] = c.Fields
	}
	if f := changed[moved]["start"]; f.From != "2025-10-25T09:45:00+02:00" || f.To != "2025-10-26T17:45:00+01:00" {
		t.Errorf("moved start: %+v (diff %s)", f, w.Body)
	}
	if f := changed[renamed]["title"]; f.To != "io_uring in production: two years later" {
		t.Errorf("renamed title: %+v", f)
	}
	if len(rev.Diff.Sessions.Cancelled) != 1 || rev.Diff.Sessions.Cancelled[0].ID != removed {
		t.Errorf("cancelled: %+v", rev.Diff.Sessions.Cancelled)
	}

	// Restore revision 1: a new revision 3, and the feed moves forward again.
	w = e.admin("POST", "/events/tls25/revisions/1/restore", "")
	want(t, w, http.StatusOK)
	json.Unmarshal(w.Body.Bytes(), &res)
	if res.Revision != 3 {
		t.Errorf("restore made revision %d", res.Revision)
	}
	restored := e.feedEvents(feedPath)
	for _, id := range []string{moved, renamed, removed} {
		if r := restored[uid(id)]; r.seq != "2" || r.status != "CONFIRMED" || r.start != before[uid(id)].start || r.summary != before[uid(id)].summary {
			t.Errorf("after restore %s = %+v, was %+v", id, r, before[uid(id)])
		}
	}
	want(t, e.admin("POST", "/events/tls25/revisions/1/restore", ""), http.StatusNoContent)
	want(t, e.admin("POST", "/events/tls25/revisions/9/restore", ""), http.StatusNotFound)
	want(t, e.admin("GET", "/events/tls25/revisions/zero", ""), http.StatusBadRequest)
}

func TestAdminAuth(t *testing.T) {
	// Off without a token: every admin path is 404, as if it did not exist.
	off := newEnv(t)
	want(t, off.do("PUT", "/api/v1/admin/events/x", "{}", "Authorization", bearer), http.StatusNotFound)
	want(t, off.do("GET", "/api/v1/admin/events/p99conf-24/revisions", ""), http.StatusNotFound)

	e := newAdminEnv(t)
	for _, auth := range []string{"", "Bearer", "Bearer wrong-token-of-some-length", "Basic " + adminToken, bearer + "x", strings.ToLower(bearer)} {
		w := e.do("GET", "/api/v1/admin/events/p99conf-24/revisions", "", "Authorization", auth)
		want(t, w, http.StatusUnauthorized)
		if !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without a Bearer challenge")
		}
	}
	want(t, e.admin("GET", "/events/p99conf-24/revisions", ""), http.StatusOK)
	// The token never reaches the logs.
	if strings.Contains(e.logs.String(), adminToken) || strings.Contains(e.logs.String(), "wrong-token") {
		t.Errorf("a token was logged:\n%s", e.logs.String())
	}
}

// Bad documents through the admin API: 422 with every problem and its place, nothing
// applied, the previous revision still served.
func TestAdminRefusesBadDocuments(t *testing.T) {
	e := newAdminEnv(t)
	before := e.do("GET", "/api/v1/events/p99conf-24", "").Body.String()
	bad := strings.Replace(sample(t, "sessionize-all-v1.json"), `"startsAt": "2025-10-25T09:45:00"`, `"startsAt": "2025-10-26T02:30:00"`, 1)
	w := e.admin("PUT", "/events/p99conf-24?format=sessionize", bad)
	want(t, w, http.StatusUnprocessableEntity)
	if !strings.Contains(w.Body.String(), "happens twice in America/Los_Angeles") && !strings.Contains(w.Body.String(), "sessions[") {
		t.Errorf("body: %s", w.Body)
	}
	w = e.admin("PUT", "/events/p99conf-24?format=sessionize&timeZone=Europe/Berlin", bad)
	want(t, w, http.StatusUnprocessableEntity)
	if !strings.Contains(w.Body.String(), `"field":"sessions[1].startsAt"`) || !strings.Contains(w.Body.String(), "happens twice in Europe/Berlin") {
		t.Errorf("body: %s", w.Body)
	}
	want(t, e.admin("PUT", "/events/p99conf-24?format=ical", "{}"), http.StatusBadRequest)
	want(t, e.admin("PUT", "/events/p99conf-24", strings.Repeat(" ", adminMaxDocument+1)+"{}"), http.StatusRequestEntityTooLarge)
	want(t, e.admin("PUT", "/events/Bad_Slug", "{}"), http.StatusBadRequest)
	want(t, e.admin("POST", "/events/p99conf-24/import", `{"url":"file:///etc/passwd"}`), http.StatusUnprocessableEntity)
	want(t, e.admin("POST", "/events/p99conf-24/import", `{"url":"http://127.0.0.1:1/x.json"}`), http.StatusBadGateway)
	want(t, e.admin("POST", "/events/p99conf-24/import", `{"uri":"x"}`), http.StatusBadRequest)
	if after := e.do("GET", "/api/v1/events/p99conf-24", "").Body.String(); after != before {
		t.Error("a refused document changed the served agenda")
	}
}

func TestAdminImportFromURLAndDelete(t *testing.T) {
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(sample(t, "frab-schedule-v1.xml")))
	}))
	defer src.Close()
	e := newAdminEnv(t)
	w := e.admin("POST", "/events/tls25/import", `{"url":"`+src.URL+`/schedule.xml","format":"frab-xml"}`)
	want(t, w, http.StatusCreated)
	sub := e.createIn("tls25", `{"sessions":["`+sessionID(t, "frab-schedule-v1.xml", "io_uring in production")+`"]}`)
	want(t, e.do("GET", feedPath(sub.FeedURL), ""), http.StatusOK)
	want(t, e.do("GET", "/events/tls25/calendar.ics", ""), http.StatusOK)
	want(t, e.admin("DELETE", "/events/tls25", ""), http.StatusNoContent)
	// The event, its feeds and its subscribers' feeds are gone at once, caches included.
	want(t, e.do("GET", feedPath(sub.FeedURL), ""), http.StatusNotFound)
	want(t, e.do("GET", "/events/tls25/calendar.ics", ""), http.StatusNotFound)
	want(t, e.do("GET", "/api/v1/events/tls25", ""), http.StatusNotFound)
	want(t, e.admin("DELETE", "/events/tls25", ""), http.StatusNotFound)
	want(t, e.admin("GET", "/events/tls25/revisions", ""), http.StatusNotFound)
}

// A re-import that moves one session to another room: SEQUENCE goes up on exactly that
// session, its LOCATION is the new room, the answer and the revision's diff say so, and
// the room's feed and ?room= filter follow.
func TestRoomMove(t *testing.T) {
	e := newAdminEnv(t)
	doc := func(room2 string) string {
		ev := func(guid, at, room, title string) string {
			return `<room name="` + room + `"><event guid="` + guid + `" id="1"><date>2025-02-01T` + at + `:00+01:00</date><duration>00:30</duration>` +
				`<room>` + room + `</room><title>` + title + `</title><track>Go</track><persons><person id="7">Ann</person></persons></event></room>`
		}
		return `<?xml version="1.0"?><schedule><version>1</version><conference><title>Rooms</title><start>2025-02-01</start><end>2025-02-01</end>` +
			`<time_zone_name>Europe/Brussels</time_zone_name></conference><day date="2025-02-01" index="1">` +
			ev("g1", "10:00", "H.1301", "One") + ev("g2", "11:00", room2, "Two") + ev("g3", "12:00", "H.1301", "Three") + `</day></schedule>`
	}
	want(t, e.admin("PUT", "/events/rooms?format=frab-xml", doc("H.1302")), http.StatusCreated)
	before := e.feedEvents("/events/rooms/calendar.ics")
	w := e.admin("PUT", "/events/rooms?format=frab-xml", doc("K.4.601"))
	want(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `“Two” moved to room K.4.601`) {
		t.Errorf("the answer does not say where it moved: %s", w.Body)
	}
	after := e.feedEvents("/events/rooms/calendar.ics")
	for _, id := range []string{"g1", "g2", "g3"} {
		uid := agenda.UID("rooms", id)
		wantSeq, wantRoom := "0", "H.1301"
		if id == "g2" {
			wantSeq, wantRoom = "1", "K.4.601"
		}
		if after[uid].seq != wantSeq || after[uid].location != wantRoom || before[uid].seq != "0" {
			t.Errorf("%s: SEQUENCE %s → %s, LOCATION %q; want SEQUENCE %s in %s", id, before[uid].seq, after[uid].seq, after[uid].location, wantSeq, wantRoom)
		}
	}
	diff := e.admin("GET", "/events/rooms/revisions/2", "").Body.String()
	if !strings.Contains(diff, `"roomId":{"from":"h-1302","to":"k-4-601"}`) || !strings.Contains(diff, `"roomsChanged":true`) {
		t.Errorf("revision diff: %s", diff)
	}
	var js struct{ Rooms []struct{ ID, Name string } }
	json.Unmarshal(e.do("GET", "/api/v1/events/rooms", "").Body.Bytes(), &js)
	var k4 string
	for _, r := range js.Rooms {
		if r.Name == "K.4.601" {
			k4 = r.ID
		}
	}
	if k4 == "" {
		t.Fatalf("the JSON API's rooms: %+v", js.Rooms)
	}
	if got := e.feedEvents("/events/rooms/rooms/" + k4 + ".ics"); len(got) != 1 || got[agenda.UID("rooms", "g2")].location != "K.4.601" {
		t.Errorf("room feed: %+v", got)
	}
	if got := e.feedEvents("/events/rooms/calendar.ics?room=" + k4); len(got) != 1 {
		t.Errorf("?room= feed: %+v", got)
	}
	want(t, e.do("GET", "/events/rooms/calendar.ics?room=nowhere", ""), http.StatusNotFound)
}

// The admin API answers with the document's warnings, located; an unchanged document
// (204, no body) counts them in X-Confcal-Warnings. A document with many problems lists
// the first 50 and says how many.
func TestAdminWarningsAndManyProblems(t *testing.T) {
	e := newAdminEnv(t)
	doc := `<?xml version="1.0"?>
<schedule><version>1</version><conference><title>Q</title><start>2025-02-01</start><end>2025-02-01</end>
<time_zone_name>Europe/Brussels</time_zone_name></conference><day date="2025-02-01" index="1"><room name="K">
<event guid="g1" id="1"><date>2025-02-01T10:00:00+01:00</date><duration>00:30</duration><room>K</room><title>One</title>
<track>Go</track><persons><person id="7">Ann</person><person id="7">Ann</person></persons></event></room></day></schedule>`
	w := e.admin("PUT", "/events/q", doc)
	want(t, w, http.StatusCreated)
	var res struct {
		Warnings []struct{ Field, Message string }
	}
	json.Unmarshal(w.Body.Bytes(), &res)
	if len(res.Warnings) != 1 || res.Warnings[0].Field != `line 4 <event guid="g1"> <persons>` || !strings.Contains(res.Warnings[0].Message, "listed twice") {
		t.Errorf("warnings: %s", w.Body)
	}
	w = e.admin("PUT", "/events/q", doc)
	want(t, w, http.StatusNoContent)
	if w.Header().Get("X-Confcal-Warnings") != "1" {
		t.Errorf("X-Confcal-Warnings = %q", w.Header().Get("X-Confcal-Warnings"))
	}
	// 120 events without a date, all of one guid: 120 dates and 119 duplicates.
	many := strings.Repeat(`<event guid="x" id="1"><date>later</date><duration>00:30</duration><title>T</title></event>`, 120)
	w = e.admin("PUT", "/events/q", strings.Replace(doc, `<event guid="g1"`, many+`<event guid="g1"`, 1))
	want(t, w, http.StatusUnprocessableEntity)
	bad := decodeJSON[apiError](t, w)
	if len(bad.Error.Fields) != agenda.MaxShown || !strings.Contains(bad.Error.Message, "has 239 problems; the first 50 are listed") {
		t.Errorf("%d fields, message %q", len(bad.Error.Fields), bad.Error.Message)
	}
}
