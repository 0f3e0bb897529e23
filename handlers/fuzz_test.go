package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/confcal/confcal/internal/feed/feedtest"
)

// Any body on the schedule routes is answered 2xx or a clear 4xx, never 5xx; a schedule
// made holds only sessions of the agenda.
func FuzzScheduleBody(f *testing.F) {
	e := newEnv(f)
	c := e.create(`{"sessions":["` + wenger + `"]}`)
	for _, s := range []string{`{"sessions":["` + pavlo + `"],"reminderMinutes":10}`, `null`, `[]`, `{"sessions":null}`, `{"sessions":[1]}`,
		`{"reminderMinutes":-1}`, `{"sessions":["` + wenger + `","` + wenger + `"]}`, `{}{}`, `{"sessions":["\u0000"]}`, `{"x":1}`, ``} {
		f.Add(s, "application/json")
	}
	f.Add(`{}`, "text/plain")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		e.t = t // inputs run one at a time in each worker process
		for _, r := range []struct{ method, path string }{
			{"POST", "/api/v1/events/p99conf-24/schedules"},
			{"PUT", "/api/v1/schedules/" + c.ID},
		} {
			w := e.doRaw(r.method, r.path, body, "Content-Type", contentType, "Authorization", "Bearer "+c.EditToken)
			switch w.Code {
			case http.StatusOK, http.StatusCreated:
				var sc struct{ Sessions []string }
				if err := json.Unmarshal(w.Body.Bytes(), &sc); err != nil {
					t.Fatalf("%s %d: %v", r.method, w.Code, err)
				}
				for _, id := range sc.Sessions {
					if snap, _ := e.cat.Get("p99conf-24"); !snap.InFeed(id) {
						t.Errorf("schedule holds unknown session %q", id)
					}
				}
			case http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Message == "" {
					t.Errorf("%s %d without a JSON error: %s", r.method, w.Code, w.Body)
				}
			default:
				t.Fatalf("%s %q (%s): %d %s", r.method, body, contentType, w.Code, w.Body)
			}
		}
	})
}

// Any filter on the event feed is answered 200 with a well-formed feed, 400 or 404.
func FuzzFeedFilters(f *testing.F) {
	e := newEnv(f)
	f.Add("kernel", "", "")
	f.Add("kernel,languages,kernel", "", "2024-10-23")
	f.Add("", "", "2024-10-24")
	f.Add("nope", "", "")
	f.Add("", "x", "2024-13-01")
	f.Add(",,,", "", "0000-00-00")
	f.Fuzz(func(t *testing.T, track, room, day string) {
		e.t = t
		q := url.Values{}
		for k, v := range map[string]string{"track": track, "room": room, "day": day} {
			if v != "" {
				q.Set(k, v)
			}
		}
		w := e.do("GET", "/events/p99conf-24/calendar.ics?"+q.Encode(), "")
		switch w.Code {
		case http.StatusOK:
			feedtest.Check(t, w.Body.Bytes())
		case http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("%s: %d %s", q.Encode(), w.Code, w.Body)
		}
	})
}
