package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// Every response, whatever its route kind or status, says nosniff, and a
// Cross-Origin-Resource-Policy: cross-origin for the public agenda (embedded by pages that
// require CORP), same-origin for what a token opens.
func TestHeadersOnEveryResponse(t *testing.T) {
	e := newAdminEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	edit := []string{"Authorization", "Bearer " + c.EditToken}
	oembed := "/oembed?url=" + url.QueryEscape(base+"/events/p99conf-24/speakers/liz-rice")
	for _, r := range []struct {
		method, path string
		status       int
		corp         string
		header       []string
	}{
		{"GET", "/", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/sessions/" + wenger, 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/sessions/" + wenger + ".ics", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/speakers/liz-rice", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/speakers/liz-rice/card.svg", 200, "cross-origin", nil},
		{"GET", "/embed/p99conf-24/speakers/liz-rice", 200, "cross-origin", nil},
		{"GET", oembed, 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/calendar.ics", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/calendar.ics", 304, "cross-origin", []string{"If-None-Match", "*"}},
		{"GET", "/events/p99conf-24/calendar.ics?track=kernel", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/tracks/kernel.ics", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/schedule.xml", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/schedule.json", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/changes.atom", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/changes.json", 200, "cross-origin", nil},
		{"GET", "/widget.js", 200, "cross-origin", nil},
		{"GET", "/embed.js", 200, "cross-origin", nil},
		{"GET", "/assets/agenda.css", 200, "cross-origin", nil},
		{"GET", "/api/v1/events", 200, "cross-origin", nil},
		{"GET", "/api/v1/events/p99conf-24", 200, "cross-origin", nil},
		{"OPTIONS", "/api/v1/events/p99conf-24/schedules", 204, "cross-origin", []string{"Origin", "https://sponsor.example", "Access-Control-Request-Method", "POST"}},
		{"GET", "/healthz", 200, "cross-origin", nil},
		{"GET", "/readyz", 200, "cross-origin", nil},
		{"GET", "/events/p99conf-24/calendar.ics?track=nope", 404, "cross-origin", nil},
		{"GET", "/no/such/path", 404, "cross-origin", nil},
		{"POST", "/events/p99conf-24/calendar.ics", 405, "cross-origin", nil},
		{"GET", feedPath(c.FeedURL), 200, "same-origin", nil},
		{"GET", "/feeds/nope.ics", 404, "same-origin", nil},
		{"GET", "/api/v1/schedules/" + c.ID, 200, "same-origin", edit},
		{"POST", "/api/v1/events/p99conf-24/schedules", 415, "cross-origin", []string{"Content-Type", "text/plain"}},
		{"GET", "/api/v1/admin/sync", 401, "same-origin", nil},
		{"GET", "/api/v1/admin/events/p99conf-24/revisions", 200, "same-origin", []string{"Authorization", bearer}},
	} {
		body := ""
		if r.status == 415 {
			body = "{}"
		}
		w := e.doRaw(r.method, r.path, body, r.header...)
		if w.Code != r.status {
			t.Errorf("%s %s: %d, want %d", r.method, r.path, w.Code, r.status)
			continue
		}
		if got := w.Header().Values("X-Content-Type-Options"); len(got) != 1 || got[0] != "nosniff" {
			t.Errorf("%s %s: X-Content-Type-Options %q", r.method, r.path, got)
		}
		if got := w.Header().Get("Cross-Origin-Resource-Policy"); got != r.corp {
			t.Errorf("%s %s: Cross-Origin-Resource-Policy %q, want %q", r.method, r.path, got, r.corp)
		}
	}
	want(t, e.do("GET", "/metrics", ""), http.StatusNotFound) // on its own listener
}
