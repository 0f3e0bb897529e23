package handlers_test

import (
	"net/http"
	"testing"
)

// A write must be declared JSON, as only a script can send it across sites after a CORS
// preflight: a plain HTML form (urlencoded, multipart, text/plain) cannot create or change
// a schedule. A body that is not an object is refused, not read as "no change".
func TestWritesNeedIntent(t *testing.T) {
	e := newAdminEnv(t)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	auth := "Bearer " + c.EditToken
	for _, tc := range []struct {
		name, method, path, body, contentType string
		status                                int
	}{
		{"form", "POST", "/api/v1/events/p99conf-24/schedules", `sessions=x`, "application/x-www-form-urlencoded", 415},
		{"multipart", "POST", "/api/v1/events/p99conf-24/schedules", `{}`, "multipart/form-data; boundary=x", 415},
		{"text/plain form", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "text/plain", 415},
		{"no type", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "-", 415},
		{"bad type", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "application/", 415},
		{"null", "POST", "/api/v1/events/p99conf-24/schedules", `null`, "application/json", 400},
		{"array", "POST", "/api/v1/events/p99conf-24/schedules", `[]`, "application/json", 400},
		{"string", "POST", "/api/v1/events/p99conf-24/schedules", ` "x"`, "application/json", 400},
		{"number", "POST", "/api/v1/events/p99conf-24/schedules", `1`, "application/json", 400},
		{"empty", "POST", "/api/v1/events/p99conf-24/schedules", ``, "application/json", 400},
		{"json with charset", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "application/json; charset=utf-8", 201},
		{"structured json type", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "Application/Vnd.Example+JSON", 201},
		{"+json without a type", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "AppliCAtion+json", 415},
		{"bare +json subtype", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "application/+json", 415},
		{"text +json", "POST", "/api/v1/events/p99conf-24/schedules", `{"sessions":[]}`, "text/x+json", 415},
		{"replace as form", "PUT", "/api/v1/schedules/" + c.ID, `{"sessions":[]}`, "application/x-www-form-urlencoded", 415},
		{"replace null", "PUT", "/api/v1/schedules/" + c.ID, `null`, "application/json", 400},
		{"admin upload as form", "PUT", "/api/v1/admin/events/p99conf-24", `{}`, "application/x-www-form-urlencoded", 415},
		{"admin upload as html", "PUT", "/api/v1/admin/events/p99conf-24", `{}`, "text/html", 415},
		{"admin import as form", "POST", "/api/v1/admin/events/p99conf-24/import", `{"url":"http://x"}`, "application/x-www-form-urlencoded", 415},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := []string{"Authorization", auth}
			if tc.path[:14] == "/api/v1/admin/" {
				header = []string{"Authorization", bearer}
			}
			if tc.contentType != "-" {
				header = append(header, "Content-Type", tc.contentType)
			}
			w := e.doRaw(tc.method, tc.path, tc.body, header...)
			want(t, w, tc.status)
			if tc.status >= 400 && w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("error answered as %q", w.Header().Get("Content-Type"))
			}
		})
	}
	// The admin API reads every format's media type, and a body sent without one.
	for _, ct := range []string{"application/json", "application/xml", "text/xml; charset=utf-8", "application/octet-stream", "application/vnd.c3voc.schedule+xml", "-"} {
		header := []string{"Authorization", bearer}
		if ct != "-" {
			header = append(header, "Content-Type", ct)
		}
		w := e.doRaw("PUT", "/api/v1/admin/events/tls25", sample(t, "frab-schedule-v1.xml"), header...)
		if w.Code != http.StatusCreated && w.Code != http.StatusNoContent {
			t.Errorf("admin upload as %s: status %d: %s", ct, w.Code, w.Body.String())
		}
	}
}
