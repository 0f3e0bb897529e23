package handlers_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/bundled"
	"github.com/confcal/confcal/internal/feed/feedtest"
)

type created struct {
	ID              string   `json:"id"`
	Event           string   `json:"event"`
	Sessions        []string `json:"sessions"`
	ReminderMinutes *int     `json:"reminderMinutes"`
	Version         int      `json:"version"`
	EditToken       string   `json:"editToken"`
	FeedURL         string   `json:"feedUrl"`
	WebcalURL       string   `json:"webcalUrl"`
	GoogleURL       string   `json:"googleUrl"`
	OutlookURL      string   `json:"outlookUrl"`
	Office365URL    string   `json:"office365Url"`
}

const (
	wenger      = "wenger-rust-io-uring-ktls"
	pavlo       = "pavlo-databases-and-operating-systems"
	stonebraker = "stonebraker-doing-it-all-wrong"
)

func (e *env) create(body string) created {
	e.t.Helper()
	return e.createIn("p99conf-24", body)
}

func (e *env) createIn(event, body string) created {
	e.t.Helper()
	w := e.do("POST", "/api/v1/events/"+event+"/schedules", body, "Content-Type", "application/json")
	want(e.t, w, http.StatusCreated)
	return decodeJSON[created](e.t, w)
}

// feedPath turns a feed URL into the path the test server serves it at.
func feedPath(u string) string { return strings.TrimPrefix(u, base) }

func auth(token string) []string { return []string{"Authorization", "Bearer " + token} }

func TestScheduleLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `","` + pavlo + `","` + wenger + `"],"reminderMinutes":10}`)
	if c.ID == "" || c.Event != bundled.Slug || c.Version != 1 || *c.ReminderMinutes != 10 {
		t.Fatalf("created = %+v", c)
	}
	if want := []string{pavlo, wenger}; !slices.Equal(c.Sessions, want) {
		t.Errorf("sessions = %v, want %v (sorted, without duplicates)", c.Sessions, want)
	}
	feedToken := strings.TrimSuffix(strings.TrimPrefix(c.FeedURL, base+"/feeds/"), ".ics")
	for name, tok := range map[string]string{"feed": feedToken, "edit": c.EditToken} {
		if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw)*8 < 128 {
			t.Errorf("%s token %q carries %d bits", name, tok, len(raw)*8)
		}
	}
	if feedToken == c.EditToken {
		t.Error("feed and edit tokens are the same")
	}
	checkSubscribeLinks(t, c)

	// The store keeps only hashes.
	var stored string
	if err := e.st.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	sc, err := e.st.Schedule(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored = fmt.Sprint(sc)
	if strings.Contains(stored, feedToken) || strings.Contains(stored, c.EditToken) {
		t.Errorf("the store holds a raw token: %s", stored)
	}

	feedNames(t, e, c.FeedURL, wenger, pavlo)

	// Read, star, unstar, replace.
	want(t, e.do("GET", "/api/v1/schedules/"+c.ID, "", auth(c.EditToken)...), http.StatusOK)
	w := e.do("PUT", "/api/v1/schedules/"+c.ID+"/sessions/"+stonebraker, "", auth(c.EditToken)...)
	want(t, w, http.StatusOK)
	if got := decodeJSON[created](t, w); len(got.Sessions) != 3 || got.Version != 2 || got.FeedURL != "" || got.EditToken != "" {
		t.Errorf("after star: %+v (tokens must not be echoed)", got)
	}
	feedNames(t, e, c.FeedURL, wenger, pavlo, stonebraker)
	want(t, e.do("DELETE", "/api/v1/schedules/"+c.ID+"/sessions/"+pavlo, "", auth(c.EditToken)...), http.StatusOK)
	feedNames(t, e, c.FeedURL, wenger, stonebraker)
	w = e.do("PUT", "/api/v1/schedules/"+c.ID, `{"sessions":["`+pavlo+`"],"reminderMinutes":null}`, auth(c.EditToken)...)
	want(t, w, http.StatusOK)
	if got := decodeJSON[created](t, w); got.ReminderMinutes != nil || !slices.Equal(got.Sessions, []string{pavlo}) {
		t.Errorf("after replace: %+v", got)
	}
	if strings.Contains(e.do("GET", feedPath(c.FeedURL), "").Body.String(), "VALARM") {
		t.Error("reminder still in the feed after it was removed")
	}

	// Rotate: the old URL is gone at once, the new one serves the same schedule.
	w = e.do("POST", "/api/v1/schedules/"+c.ID+"/rotate", "", auth(c.EditToken)...)
	want(t, w, http.StatusOK)
	rotated := decodeJSON[created](t, w)
	if rotated.FeedURL == "" || rotated.FeedURL == c.FeedURL {
		t.Fatalf("rotate gave feed URL %q", rotated.FeedURL)
	}
	want(t, e.do("GET", feedPath(c.FeedURL), ""), http.StatusNotFound)
	feedNames(t, e, rotated.FeedURL, pavlo)

	// Delete: the feed and the schedule are gone.
	want(t, e.do("DELETE", "/api/v1/schedules/"+c.ID, "", auth(c.EditToken)...), http.StatusNoContent)
	want(t, e.do("GET", feedPath(rotated.FeedURL), ""), http.StatusNotFound)
	want(t, e.do("GET", "/api/v1/schedules/"+c.ID, "", auth(c.EditToken)...), http.StatusNotFound)
}

func checkSubscribeLinks(t *testing.T, c created) {
	t.Helper()
	if !strings.HasPrefix(c.FeedURL, base+"/feeds/") || !strings.HasSuffix(c.FeedURL, ".ics") {
		t.Errorf("feedUrl = %q", c.FeedURL)
	}
	if c.WebcalURL != "webcal://"+strings.TrimPrefix(c.FeedURL, "http://") {
		t.Errorf("webcalUrl = %q", c.WebcalURL)
	}
	g, _ := url.Parse(c.GoogleURL)
	if g.Host != "calendar.google.com" || g.Query().Get("cid") != c.WebcalURL {
		t.Errorf("googleUrl = %q", c.GoogleURL)
	}
	for host, link := range map[string]string{"outlook.live.com": c.OutlookURL, "outlook.office.com": c.Office365URL} {
		u, _ := url.Parse(link)
		if u.Host != host || u.Path != "/calendar/0/addfromweb" || u.Query().Get("url") != c.FeedURL || u.Query().Get("name") == "" {
			t.Errorf("%s link = %q", host, link)
		}
	}
}

// feedNames checks that a feed holds exactly the sessions named.
func feedNames(t *testing.T, e *env, feedURL string, ids ...string) {
	t.Helper()
	w := e.do("GET", feedPath(feedURL), "")
	want(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("personal feed Cache-Control = %q, want private", cc)
	}
	events := feedtest.Events(t, feedtest.Check(t, w.Body.Bytes()))
	var got []string
	for uid := range events {
		got = append(got, uid)
	}
	var wantUIDs []string
	for _, id := range ids {
		wantUIDs = append(wantUIDs, agenda.UID(bundled.Slug, id))
	}
	slices.Sort(got)
	slices.Sort(wantUIDs)
	if !slices.Equal(got, wantUIDs) {
		t.Errorf("feed holds %v, want %v", got, wantUIDs)
	}
}

// A wrong or missing edit token answers exactly as an unknown schedule does.
func TestEditTokenRequired(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	other := e.create(`{"sessions":[]}`)
	unknown := e.do("GET", "/api/v1/schedules/nosuchschedule", "", auth(c.EditToken)...)
	want(t, unknown, http.StatusNotFound)
	for name, header := range map[string][]string{
		"missing": nil, "wrong": auth("x" + c.EditToken), "another schedule's": auth(other.EditToken),
		"not bearer": {"Authorization", "Basic " + c.EditToken},
	} {
		t.Run(name, func(t *testing.T) {
			for _, r := range []struct{ method, path, body string }{
				{"GET", "", ""}, {"PUT", "", `{"sessions":[]}`}, {"DELETE", "", ""},
				{"PUT", "/sessions/" + pavlo, ""}, {"DELETE", "/sessions/" + wenger, ""}, {"POST", "/rotate", ""},
			} {
				w := e.do(r.method, "/api/v1/schedules/"+c.ID+r.path, r.body, header...)
				want(t, w, http.StatusNotFound)
				if w.Body.String() != unknown.Body.String() {
					t.Errorf("%s %s: body %s differs from an unknown schedule's %s", r.method, r.path, w.Body, unknown.Body)
				}
			}
		})
	}
	feedNames(t, e, c.FeedURL, wenger) // nothing changed
}

func TestScheduleBadInput(t *testing.T) {
	e := newEnv(t)
	many := make([]string, 501)
	for i := range many {
		many[i] = `"` + wenger + `"`
	}
	tests := []struct {
		name, path, body string
		status           int
		fields           []string
	}{
		{"malformed JSON", "/api/v1/events/p99conf-24/schedules", `{"sessions":[`, http.StatusBadRequest, nil},
		{"a stray brace after the object", "/api/v1/events/p99conf-24/schedules", `{}}`, http.StatusBadRequest, nil},
		{"a stray bracket after the object", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}]`, http.StatusBadRequest, nil},
		{"a second object", "/api/v1/events/p99conf-24/schedules", `{}{}`, http.StatusBadRequest, nil},
		{"wrong type", "/api/v1/events/p99conf-24/schedules", `{"sessions":"all"}`, http.StatusBadRequest, nil},
		{"unknown field", "/api/v1/events/p99conf-24/schedules", `{"session":[]}`, http.StatusBadRequest, nil},
		{"unknown sessions listed", "/api/v1/events/p99conf-24/schedules", `{"sessions":["` + wenger + `","nope","zilch"]}`,
			http.StatusUnprocessableEntity, []string{"sessions[1]", "sessions[2]"}},
		{"too many sessions", "/api/v1/events/p99conf-24/schedules", `{"sessions":[` + strings.Join(many, ",") + `]}`,
			http.StatusUnprocessableEntity, []string{"sessions"}},
		{"reminder out of range", "/api/v1/events/p99conf-24/schedules", `{"sessions":[],"reminderMinutes":1441}`,
			http.StatusUnprocessableEntity, []string{"reminderMinutes"}},
		{"body over 64 KiB", "/api/v1/events/p99conf-24/schedules", `{"sessions":["` + strings.Repeat("x", 70<<10) + `"]}`,
			http.StatusRequestEntityTooLarge, nil},
		{"unknown event", "/api/v1/events/nope/schedules", `{"sessions":[]}`, http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do("POST", tt.path, tt.body)
			want(t, w, tt.status)
			got := decodeJSON[apiError](t, w)
			var fields []string
			for _, f := range got.Error.Fields {
				fields = append(fields, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !slices.Equal(fields, tt.fields) || got.Error.Message == "" {
				t.Errorf("error = %s, want fields %v", w.Body.String(), tt.fields)
			}
		})
	}
	c := e.create(`{"sessions":[]}`)
	w := e.do("PUT", "/api/v1/schedules/"+c.ID+"/sessions/nope", "", auth(c.EditToken)...)
	want(t, w, http.StatusUnprocessableEntity)
	if got := e.do("GET", "/api/v1/schedules/"+c.ID, "", auth(c.EditToken)...); !strings.Contains(got.Body.String(), `"version":1`) {
		t.Errorf("a refused star changed the schedule: %s", got.Body)
	}
}

// The subscriber's view: a revision moves one starred session, renames another and removes
// a third; the feed keeps the UIDs, raises SEQUENCE, shows the new time and title, keeps
// the removed one as CANCELLED, and answers 304 to the client's ETag afterwards.
func TestSubscriberFollowsChanges(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `","` + pavlo + `","` + stonebraker + `"]}`)
	path := feedPath(c.FeedURL)
	before := feedtest.Events(t, feedtest.Check(t, e.do("GET", path, "").Body.Bytes()))
	if len(before) != 3 {
		t.Fatalf("%d events before, want 3", len(before))
	}

	ev, _ := bundled.Event()
	moved := time.Date(2024, 10, 24, 16, 10, 0, 0, time.UTC) // Oct 24 09:10 PDT
	for i := range ev.Sessions {
		switch ev.Sessions[i].ID {
		case wenger:
			ev.Sessions[i].Start, ev.Sessions[i].End = moved, moved.Add(25*time.Minute)
		case pavlo:
			ev.Sessions[i].Title = "Databases and Operating Systems: the next chapter"
		}
	}
	ev.Sessions = slices.DeleteFunc(ev.Sessions, func(s agenda.Session) bool { return s.ID == stonebraker })
	e.publish(ev)

	w := e.do("GET", path, "")
	want(t, w, http.StatusOK)
	after := feedtest.Events(t, feedtest.Check(t, w.Body.Bytes()))
	if len(after) != 3 {
		t.Fatalf("%d events after, want 3 (same UIDs)", len(after))
	}
	seq := func(m map[string]*ical.Component, id string) string {
		return feedtest.Text(m[agenda.UID(bundled.Slug, id)], "SEQUENCE")
	}
	for _, id := range []string{wenger, pavlo, stonebraker} {
		if b, a := seq(before, id), seq(after, id); b != "0" || a != "1" {
			t.Errorf("%s SEQUENCE %s -> %s, want 0 -> 1", id, b, a)
		}
	}
	w1 := after[agenda.UID(bundled.Slug, wenger)]
	if start, err := w1.Props.DateTime("DTSTART", nil); err != nil || !start.Equal(moved) {
		t.Errorf("moved session starts %v (%v), want %v", start, err, moved)
	}
	if got := feedtest.Text(after[agenda.UID(bundled.Slug, pavlo)], "SUMMARY"); got != "Databases and Operating Systems: the next chapter" {
		t.Errorf("renamed session SUMMARY = %q", got)
	}
	gone := after[agenda.UID(bundled.Slug, stonebraker)]
	if feedtest.Text(gone, "STATUS") != "CANCELLED" || feedtest.Text(gone, "TRANSP") != "TRANSPARENT" {
		t.Errorf("removed session: STATUS %s TRANSP %s", feedtest.Text(gone, "STATUS"), feedtest.Text(gone, "TRANSP"))
	}
	for uid, comp := range after {
		if feedtest.Text(comp, "DTSTAMP") != feedtest.Text(comp, "LAST-MODIFIED") {
			t.Errorf("%s DTSTAMP is not the last change", uid)
		}
	}
	want(t, e.do("GET", path, "", "If-None-Match", w.Header().Get("ETag")), http.StatusNotModified)
	// Identical bytes on every fetch: the feed settles.
	if again := e.do("GET", path, ""); again.Body.String() != w.Body.String() {
		t.Error("two fetches of an unchanged feed differ")
	}
}

// The access log never holds a feed or edit token.
func TestTokensNeverLogged(t *testing.T) {
	e := newEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	e.do("GET", feedPath(c.FeedURL), "")
	e.do("GET", "/feeds/"+strings.Repeat("a", 43)+".ics", "")
	e.do("PUT", "/api/v1/schedules/"+c.ID+"/sessions/"+pavlo, "", auth(c.EditToken)...)
	feedToken := strings.TrimSuffix(strings.TrimPrefix(c.FeedURL, base+"/feeds/"), ".ics")
	logs := e.logs.String()
	if strings.Contains(logs, feedToken) || strings.Contains(logs, c.EditToken) || strings.Contains(logs, strings.Repeat("a", 43)) {
		t.Errorf("a token reached the log:\n%s", logs)
	}
	if !strings.Contains(logs, "/feeds/REDACTED") {
		t.Errorf("feed requests are not logged at all:\n%s", logs)
	}
}
